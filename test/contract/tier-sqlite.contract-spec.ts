import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/storage/backends/sqlite.backend';
import { tempDir } from '../support/temp-dir';
import { describeTierContract } from './tier-contract';
import { sqlitePrimary } from './tier-target';

/** SQLite as the tier's primary (a file per test) with Redis as its cache. */
describeTierContract({
  primaries: sqlitePrimary(),
  unavailable: () => null,
  unreachable() {
    // A file where the database's directory should be: the primary cannot open.
    const blocker = join(tempDir().path, 'a-file');
    writeFileSync(blocker, '');
    return new SqliteBackend({ file: join(blocker, 'credentials.db') });
  },
});
