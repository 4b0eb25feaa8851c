import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { settingEnvProblems } from '../config/settings-env';

/** `a or b`, `a, b or c`. */
const orList = (items: string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

const url = (schemes: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${orList(schemes.map((s) => `${s}://`))}` },
  );

const integer = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => ['true', '1', 'yes'].includes(value));

/** `auto` (one per core) or a count of worker processes. */
const workers = z
  .string()
  .trim()
  .refine((value) => value === 'auto' || /^\d+$/.test(value), {
    message: 'must be auto or a whole number from 1 to 64',
  })
  .transform((value) => (value === 'auto' ? availableParallelism() : Number(value)))
  .pipe(
    z
      .number()
      .min(1, { message: 'must be auto or a whole number from 1 to 64' })
      .max(64, { message: 'must be auto or a whole number from 1 to 64' }),
  );

/** Express `trust proxy`: false, true, a hop count, or addresses/subnets such as `loopback`. */
const trustProxy = z
  .string()
  .trim()
  .transform((value): boolean | number | string => {
    if (['true', 'false'].includes(value.toLowerCase())) return value.toLowerCase() === 'true';
    return /^\d+$/.test(value) ? Number(value) : value;
  });

/** One server (`redis`, `rediss`: TLS) or a Valkey/Redis Cluster from its seed nodes. */
const REDIS_SCHEMES = ['redis', 'rediss', 'redis+cluster', 'rediss+cluster'];

/**
 * Every environment-only variable the gateway reads at start-up, with its default. The variables
 * of persisted settings (HOST, PORT, PASSWORD, ...) are declared in `config/settings.registry.ts`
 * and checked here too. `.env.example` documents them all; keep them in step.
 */
/**
 * A LOG_LEVEL as written: any case, and the Python gateway's names (`WARNING`, `CRITICAL`) too,
 * so that an existing `.env` keeps working.
 */
export function logLevelName(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const name = value.trim().toLowerCase();
  return name === 'warning' ? 'warn' : name === 'critical' ? 'error' : name;
}

export const envSchema = z.object({
  TRUST_PROXY: trustProxy.default(false),
  WORKERS: workers.default(1),
  WORKER_STOP_TIMEOUT_MS: integer(1_000, 600_000).default(30_000),
  CREDENTIALS_DIR: z.string().min(1).default('./creds'),
  AUTO_IMPORT_CREDS: flag.default(true),
  API_BODY_LIMIT_MB: integer(1, 1024).default(64),
  LOG_FILE: z.string().min(1).default('log.txt'),
  LOG_FILE_MAX_MB: integer(1, 10_000).default(10),
  LOG_LEVEL: z
    .preprocess(
      logLevelName,
      z.enum(['error', 'warn', 'info', 'debug'], { message: 'must be error, warn, info or debug' }),
    )
    .default('info'),
  VALKEY_URL: url(REDIS_SCHEMES).optional(),
  REDIS_URL: url(REDIS_SCHEMES).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default('gcli:'),
  POSTGRES_DSN: url(['postgres', 'postgresql']).optional(),
  POSTGRES_POOL_MIN: integer(0, 100).default(2),
  POSTGRES_POOL_MAX: integer(1, 100).default(10),
  POSTGRES_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default(30_000),
  MONGODB_URI: url(['mongodb', 'mongodb+srv']).optional(),
  MONGODB_DATABASE: z.string().min(1).optional(),
  STORAGE_CACHE: z.enum(['none', 'valkey'], { message: 'must be none or valkey' }).default('none'),
  STORAGE_CACHE_TIMEOUT_MS: integer(10, 60_000).default(500),
  STORAGE_FALLBACK: flag.default(true),
  STORAGE_CONNECT_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  STORAGE_STARTUP_RETRY_MS: integer(0, 600_000).default(5_000),
  STORAGE_RECHECK_MS: integer(1_000, 3_600_000).default(30_000),
  HEALTH_TIMEOUT_MS: integer(50, 60_000).default(3_000),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(8_000),
  IDLE_GC_MB: integer(0, 65_536).default(16),
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  DOCS_PUBLIC: flag.default(false),
  LOG_FORMAT: z.enum(['text', 'json'], { message: 'must be text or json' }).default('text'),
  LOG_FILE_COUNT: integer(1, 100).default(1),
  USAGE_FLUSH_MS: integer(100, 60_000).default(2_000),
  USAGE_RETENTION_DAYS: integer(1, 3_650).default(90),
});

export type GatewayEnv = z.infer<typeof envSchema>;

/** Raised when the environment is invalid; the message has one `KEY: problem` line per issue. */
export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'EnvValidationError';
  }
}

/**
 * Parses the environment. Empty values count as unset, so `PORT=` means the default. Problems
 * name the variable and the rule, never the value, since values may be secrets.
 */
export function validateEnv(raw: Record<string, unknown>): GatewayEnv {
  const input = Object.fromEntries(
    Object.keys(envSchema.shape).map((key) => [key, raw[key] === '' ? undefined : raw[key]]),
  );
  const result = envSchema.safeParse(input);
  const problems = result.success
    ? []
    : result.error.issues.map(
        (issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`,
      );
  if (result.success && result.data.POSTGRES_POOL_MIN > result.data.POSTGRES_POOL_MAX) {
    problems.push('POSTGRES_POOL_MIN: must not exceed POSTGRES_POOL_MAX');
  }
  if (result.success && result.data.STORAGE_CACHE === 'valkey') {
    if (!result.data.VALKEY_URL && !result.data.REDIS_URL) {
      problems.push('STORAGE_CACHE: valkey needs VALKEY_URL or REDIS_URL');
    }
    // The cache's invalidation script touches keys of several groups at once: one slot only.
    if (/^rediss?\+cluster:/i.test(result.data.VALKEY_URL ?? result.data.REDIS_URL ?? '')) {
      problems.push(
        'STORAGE_CACHE: valkey cannot use a Valkey Cluster (redis+cluster://) as the cache; ' +
          'point VALKEY_URL at a single Valkey/Redis server',
      );
    }
  }
  problems.push(...settingEnvProblems(raw));
  if (problems.length > 0 || !result.success) throw new EnvValidationError([...new Set(problems)]);
  return result.data;
}

/** The validated environment, as @nestjs/config's ConfigService holds it after validateEnv. */
export function gatewayEnv(config: { get(key: string): unknown }): GatewayEnv {
  const keys = Object.keys(envSchema.shape) as Array<keyof GatewayEnv>;
  return Object.fromEntries(keys.map((key) => [key, config.get(key)])) as GatewayEnv;
}
