import { randomBytes } from 'node:crypto';
import { serverUrl } from '../support/server-env';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/servers';
import { describeTwoInstances } from './support/two-instances';

describeTwoInstances('PostgreSQL database', ['postgres'], async () => {
  const adminDsn = serverUrl('postgres').url!;
  const database = `gcli_rotation_${randomBytes(4).toString('hex')}`;
  return {
    env: { POSTGRES_DSN: await createPostgresDatabase(adminDsn, database) },
    cleanup: () => dropPostgresDatabase(adminDsn, database),
  };
});
