import { join, resolve } from 'node:path';
import { redactUrl, secretsOf } from '../common/redact-url';
import type { GatewayEnv } from '../env/env.schema';
import {
  MONGODB_BACKEND_NAME,
  POSTGRES_BACKEND_NAME,
  REDIS_BACKEND_NAME,
  SQLITE_BACKEND_NAME,
} from './backend-names';
import type { BackendCandidate } from './select-backend';
import { STORAGE_RULES, type StorageRules } from './storage-rules';
import { tieredCandidate } from './tier/tier-candidate';

/*
 * Each backend's module is imported when its candidate is created, not when the list is made:
 * TypeORM alone costs ~60 MiB of RSS and mongoose ~19 MiB, which a gateway on another backend
 * would otherwise carry for nothing. `import()`, not `require()`: the tests run the app as ES
 * modules, where there is no `require`.
 */

/**
 * The backends the environment asks for, in the seed's priority: VALKEY_URL or REDIS_URL, then
 * POSTGRES_DSN, then MONGODB_URI, then SQLite in CREDENTIALS_DIR, which is always last. Every
 * backend, and the validation in front of it, enforces the same `rules`. With
 * STORAGE_CACHE=valkey, Valkey is no backend of its own but a cache in front of the first of the
 * others (the primary); the ones after it stay the fallbacks.
 */
export function storageCandidates(
  env: GatewayEnv,
  rules: StorageRules = STORAGE_RULES,
): BackendCandidate[] {
  const candidates: BackendCandidate[] = [];
  const timeout = env.STORAGE_CONNECT_TIMEOUT_MS;
  const redisUrl = env.VALKEY_URL ?? env.REDIS_URL;
  const cacheUrl = env.STORAGE_CACHE === 'valkey' ? redisUrl : undefined;
  if (redisUrl && !cacheUrl) {
    candidates.push({
      kind: 'valkey',
      label: REDIS_BACKEND_NAME,
      target: redactUrl(redisUrl),
      rules,
      secrets: secretsOf(redisUrl),
      create: async () =>
        new (await import('./backends/redis.backend')).RedisBackend({
          url: redisUrl,
          keyPrefix: env.REDIS_KEY_PREFIX,
          connectTimeoutMs: timeout,
          commandTimeoutMs: timeout,
          rules,
        }),
    });
  }
  const dsn = env.POSTGRES_DSN;
  if (dsn) {
    candidates.push({
      kind: 'postgresql',
      label: POSTGRES_BACKEND_NAME,
      target: redactUrl(dsn),
      rules,
      secrets: secretsOf(dsn),
      create: async () =>
        new (await import('./backends/postgres.backend')).PostgresBackend({
          dsn,
          poolMin: env.POSTGRES_POOL_MIN,
          poolMax: env.POSTGRES_POOL_MAX,
          statementTimeoutMs: env.POSTGRES_STATEMENT_TIMEOUT_MS,
          connectTimeoutMs: timeout,
          rules,
        }),
    });
  }
  const uri = env.MONGODB_URI;
  if (uri) {
    candidates.push({
      kind: 'mongodb',
      label: MONGODB_BACKEND_NAME,
      target: redactUrl(uri),
      rules,
      secrets: secretsOf(uri),
      create: async () =>
        new (await import('./backends/mongodb.backend')).MongoBackend({
          uri,
          database: env.MONGODB_DATABASE,
          connectTimeoutMs: timeout,
          rules,
        }),
    });
  }
  const file = resolve(join(env.CREDENTIALS_DIR, 'credentials.db'));
  candidates.push({
    kind: 'sqlite',
    label: SQLITE_BACKEND_NAME,
    target: file,
    rules,
    secrets: [],
    create: async () =>
      new (await import('./backends/sqlite.backend')).SqliteBackend({ file, rules }),
  });
  if (cacheUrl) {
    const cache = {
      url: cacheUrl,
      keyPrefix: `${env.REDIS_KEY_PREFIX}cache:`,
      commandTimeoutMs: env.STORAGE_CACHE_TIMEOUT_MS,
      connectTimeoutMs: Math.min(timeout, 2_000),
    };
    candidates[0] = tieredCandidate(candidates[0], cache, secretsOf(cacheUrl));
  }
  return candidates;
}
