import { PostgresBackend } from '../../src/storage/backends/postgres.backend';
import { freePort } from '../support/servers';
import { describeTierContract } from './tier-contract';
import { postgresPrimary } from './tier-target';

const ADMIN_DSN = process.env.TEST_POSTGRES_DSN;
let refusedPort = 0;

beforeAll(async () => {
  refusedPort = await freePort();
});

/** The fifth target: PostgreSQL as the primary with Redis as its cache tier. */
describeTierContract({
  primaries: postgresPrimary(ADMIN_DSN ?? ''),
  unavailable: () =>
    process.env.TEST_POSTGRES_UNAVAILABLE ?? (ADMIN_DSN ? null : 'TEST_POSTGRES_DSN must be set'),
  unreachable: () =>
    new PostgresBackend({
      dsn: `postgres://gcli:hunter2@127.0.0.1:${refusedPort}/x`,
      connectTimeoutMs: 2_000,
    }),
});
