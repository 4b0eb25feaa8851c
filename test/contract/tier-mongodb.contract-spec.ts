import { MongoBackend } from '../../src/storage/backends/mongodb.backend';
import { serverUrl } from '../support/server-env';
import { freePort } from '../support/servers';
import { describeTierContract } from './tier-contract';
import { mongoPrimary } from './tier-target';

const SERVER = serverUrl('mongodb');
let refusedPort = 0;

beforeAll(async () => {
  refusedPort = await freePort();
});

/** MongoDB (FerretDB in the test setup) as the tier's primary with Redis as its cache. */
describeTierContract({
  primaries: mongoPrimary(SERVER.url ?? ''),
  unavailable: () => SERVER.reason ?? null,
  unreachable: () =>
    new MongoBackend({
      uri: `mongodb://gcli:hunter2@127.0.0.1:${refusedPort}/x`,
      connectTimeoutMs: 1_000,
    }),
});
