import { EnvValidationError, validateEnv } from '../../env/env.schema';
import { storageCandidates } from '../storage-candidates';

const VALKEY = 'redis://default:s3cret@cache.example:6379';
const DSN = 'postgres://gcli:pw@db.example:5432/gcli';

const kinds = (env: Record<string, string>) =>
  storageCandidates(validateEnv(env)).map((c) => `${c.kind}:${c.label}`);

describe('choosing a Valkey cache tier', () => {
  it('keeps the seed priority, Valkey first, without STORAGE_CACHE', () => {
    expect(kinds({ VALKEY_URL: VALKEY, POSTGRES_DSN: DSN })).toEqual([
      'valkey:Valkey/Redis',
      'postgresql:PostgreSQL',
      'sqlite:SQLite',
    ]);
  });

  it('puts Valkey in front of PostgreSQL as a cache with STORAGE_CACHE=valkey', () => {
    const candidates = storageCandidates(
      validateEnv({ VALKEY_URL: VALKEY, POSTGRES_DSN: DSN, STORAGE_CACHE: 'valkey' }),
    );
    expect(candidates.map((c) => `${c.kind}:${c.label}`)).toEqual([
      'postgresql:PostgreSQL + Valkey/Redis cache',
      'sqlite:SQLite',
    ]);
    // Both passwords are scrubbed from any error text; the target shows neither.
    expect(candidates[0].secrets).toEqual(expect.arrayContaining(['pw', 's3cret']));
    expect(candidates[0].target).not.toMatch(/pw|s3cret/);
  });

  it('uses SQLite as the primary when no other backend is set', () => {
    expect(kinds({ REDIS_URL: VALKEY, STORAGE_CACHE: 'valkey' })).toEqual([
      'sqlite:SQLite + Valkey/Redis cache',
    ]);
  });

  it('refuses STORAGE_CACHE=valkey without a Valkey URL, saying which variable is missing', () => {
    expect(() => validateEnv({ POSTGRES_DSN: DSN, STORAGE_CACHE: 'valkey' })).toThrow(
      EnvValidationError,
    );
    expect(() => validateEnv({ STORAGE_CACHE: 'valkey' })).toThrow(
      /STORAGE_CACHE: valkey needs VALKEY_URL or REDIS_URL/,
    );
    expect(() => validateEnv({ STORAGE_CACHE: 'memcached' })).toThrow(
      /STORAGE_CACHE: must be none or valkey/,
    );
  });

  it('refuses a Valkey Cluster as the cache, saying to use a single server', () => {
    const env = { POSTGRES_DSN: DSN, STORAGE_CACHE: 'valkey' };
    expect(() => validateEnv({ ...env, VALKEY_URL: 'redis+cluster://127.0.0.1:7000' })).toThrow(
      /STORAGE_CACHE: valkey cannot use a Valkey Cluster/,
    );
    expect(() => validateEnv({ ...env, VALKEY_URL: 'redis://127.0.0.1:6379' })).not.toThrow();
  });
});
