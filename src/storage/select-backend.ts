import type { LoggerService } from '@nestjs/common';
import { redactSecrets } from '../common/redact-url';
import { withTimeout } from '../common/with-timeout';
import type { BackendKind, StorageBackend } from './storage-backend.interface';
import type { CacheTierStatus } from './tier/cache-tier-report';
import { NoStorageBackendError, StorageUnavailableError } from './storage.errors';
import type { StorageRules } from './storage-rules';
import { ValidatedStorage } from './validated-storage';

/** One backend the environment makes possible, in priority order. */
export interface BackendCandidate {
  kind: BackendKind;
  /** As the seed's log lines name it: `Valkey/Redis`, `PostgreSQL`, `MongoDB`, `SQLite`. */
  label: string;
  /** Redacted URL, DSN or file path. */
  target: string;
  /** Passwords to scrub from any error text. */
  secrets: string[];
  /** The rules the backend enforces, checked in front of it too. Default STORAGE_RULES. */
  rules?: StorageRules;
  /**
   * Makes the (unconnected) backend. Asynchronous so that a backend's module and driver are
   * loaded only when the backend is tried, with `import()`: TypeORM alone costs ~60 MiB of RSS.
   */
  create(): StorageBackend | Promise<StorageBackend>;
  /** The cache tier of the store `create` made last, when it has one (STORAGE_CACHE). */
  cacheStatus?(): CacheTierStatus | undefined;
}

/** What was asked for, what was tried and what won; `GET /api/auth/storage-info` shows it. */
export interface StorageSelection {
  requested: BackendKind;
  active: BackendKind;
  degraded: boolean;
  fallbackEnabled: boolean;
  attempts: Array<{
    backend: BackendKind;
    label: string;
    target: string;
    ok: boolean;
    error?: string;
    durationMs: number;
  }>;
}

export interface SelectOptions {
  /** When false, only the preferred candidate is tried. */
  fallback: boolean;
  /** Upper bound on one candidate's connect, in milliseconds. */
  connectTimeoutMs: number;
  /**
   * How long the preferred candidate is retried (with backoff) before the next one is tried, in
   * milliseconds: a server that starts a little after the gateway is then used, not fallen back
   * from. Default 0 (one try).
   */
  startupRetryMs?: number;
  /**
   * The one backend to use, tried until it answers whatever `fallback` says: the backend the
   * other workers of a `WORKERS=N` pool use (see poolBackend).
   */
  only?: BackendKind;
  logger: LoggerService;
}

/** First and largest pause between tries of the preferred backend. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 2_000;
/** How often a long wait for the backend says it is still waiting. */
const STILL_WAITING_MS = 60_000;

const CONTEXT = 'Storage';

/**
 * Connects to the first candidate that works, in priority order, closing each failed one before
 * trying the next; the preferred one is retried for `startupRetryMs` first. This is the one
 * place that logs the choice, with the seed's lines.
 */
export async function selectBackend(
  candidates: readonly BackendCandidate[],
  options: SelectOptions,
): Promise<{ storage: StorageBackend; selection: StorageSelection; cache?: CacheTierStatus }> {
  const { logger } = options;
  const only = candidates.find((candidate) => candidate.kind === options.only);
  const tried = only ? [only] : options.fallback ? candidates : candidates.slice(0, 1);
  const attempts: StorageSelection['attempts'] = [];
  for (const [index, candidate] of tried.entries()) {
    const started = Date.now();
    const retryUntil = only
      ? Infinity
      : index === 0
        ? started + (options.startupRetryMs ?? 0)
        : started;
    let storage: StorageBackend | undefined;
    let reason = '';
    let warned = 0;
    for (
      let tries = 1, pause = RETRY_FIRST_MS;
      ;
      tries++, pause = Math.min(pause * 2, RETRY_MAX_MS)
    ) {
      try {
        storage = await connectCandidate(candidate, options.connectTimeoutMs);
        break;
      } catch (err) {
        reason = redactError(err, candidate.secrets);
        if (Date.now() + pause > retryUntil) break;
        if (tries === 1) {
          const seconds = Math.round((retryUntil - started) / 1000);
          const how = only
            ? 'retrying until it is (the other workers use it)'
            : `retrying for up to ${seconds} s`;
          logger.warn(`${candidate.label} is not reachable yet (${reason}); ${how}`, CONTEXT);
          warned = Date.now();
        } else if (Date.now() - warned >= STILL_WAITING_MS) {
          // A wait without end must not go quiet: the pool serves with one worker fewer.
          const waited = Math.round((Date.now() - started) / 1000);
          logger.warn(
            `${candidate.label} is still not reachable after ${tries} tries in ${waited} s (${reason})`,
            CONTEXT,
          );
          warned = Date.now();
        }
        await sleep(pause);
      }
    }
    if (storage) {
      attempts.push(attempt(candidate, started));
      logger.log(`Using ${candidate.label} storage backend`, CONTEXT);
      const selection: StorageSelection = {
        requested: candidates[0].kind,
        active: candidate.kind,
        degraded: candidate !== candidates[0],
        fallbackEnabled: options.fallback,
        attempts,
      };
      if (selection.degraded) {
        logger.warn(
          `Storage is degraded: ${candidates[0].label} was configured but ${candidate.label} is in use. ` +
            `What is stored in ${candidates[0].label} is not visible until it is reachable and the gateway restarts. ` +
            `Set STORAGE_FALLBACK=false to refuse to start instead.`,
          CONTEXT,
        );
      }
      return { storage, selection, cache: candidate.cacheStatus?.() };
    }
    attempts.push({ ...attempt(candidate, started), ok: false, error: reason });
    logger.error(`Failed to initialize ${candidate.label} backend: ${reason}`, undefined, CONTEXT);
    if (index < tried.length - 1) logger.log('Falling back to other backends...', CONTEXT);
  }
  const reasons = attempts.map((a) => `${a.label} (${a.target}): ${a.error}`).join('; ');
  const hint = options.fallback ? '' : ' (STORAGE_FALLBACK=false: no other backend was tried)';
  throw new NoStorageBackendError(`No storage backend available${hint}: ${reasons}`);
}

/** One connect of `candidate` under the timeout; a failed one is closed before it throws. */
export async function connectCandidate(
  candidate: BackendCandidate,
  timeoutMs: number,
): Promise<StorageBackend> {
  const storage = new ValidatedStorage(await candidate.create(), candidate.secrets, {
    rules: candidate.rules,
  });
  try {
    await withTimeout(
      storage.connect(),
      timeoutMs,
      () => new StorageUnavailableError(`did not connect within ${timeoutMs} ms`),
    );
    return storage;
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function attempt(candidate: BackendCandidate, started: number) {
  return {
    backend: candidate.kind,
    label: candidate.label,
    target: candidate.target,
    ok: true,
    durationMs: Date.now() - started,
  };
}

/** An error's message with URL passwords and the candidate's secrets masked. */
export function redactError(err: unknown, secrets: readonly string[]): string {
  let text = redactSecrets(err instanceof Error ? err.message : String(err));
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  return text;
}
