import type { LoggerService } from '@nestjs/common';
import { redactSecrets } from '../common/redact-url';
import { withTimeout } from '../common/with-timeout';
import type { BackendKind, StorageBackend } from './storage-backend.interface';
import { NoStorageBackendError, StorageUnavailableError } from './storage.errors';
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
  create(): StorageBackend;
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
  logger: LoggerService;
}

const CONTEXT = 'Storage';

/**
 * Connects to the first candidate that works, in priority order, closing each failed one before
 * trying the next. This is the one place that logs the choice, with the seed's lines.
 */
export async function selectBackend(
  candidates: readonly BackendCandidate[],
  options: SelectOptions,
): Promise<{ storage: StorageBackend; selection: StorageSelection }> {
  const { logger } = options;
  const tried = options.fallback ? candidates : candidates.slice(0, 1);
  const attempts: StorageSelection['attempts'] = [];
  for (const [index, candidate] of tried.entries()) {
    const started = Date.now();
    const storage = new ValidatedStorage(candidate.create(), candidate.secrets);
    try {
      await withTimeout(
        storage.connect(),
        options.connectTimeoutMs,
        () => new StorageUnavailableError(`did not connect within ${options.connectTimeoutMs} ms`),
      );
      attempts.push(attempt(candidate, started));
      logger.log(`Using ${candidate.label} storage backend`, CONTEXT);
      const selection: StorageSelection = {
        requested: candidates[0].kind,
        active: candidate.kind,
        degraded: index > 0,
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
      return { storage, selection };
    } catch (err) {
      await storage.close().catch(() => undefined);
      const reason = redact(err, candidate.secrets);
      attempts.push({ ...attempt(candidate, started), ok: false, error: reason });
      logger.error(
        `Failed to initialize ${candidate.label} backend: ${reason}`,
        undefined,
        CONTEXT,
      );
      if (index < tried.length - 1) logger.log('Falling back to other backends...', CONTEXT);
    }
  }
  const reasons = attempts.map((a) => `${a.label} (${a.target}): ${a.error}`).join('; ');
  const hint = options.fallback ? '' : ' (STORAGE_FALLBACK=false: no other backend was tried)';
  throw new NoStorageBackendError(`No storage backend available${hint}: ${reasons}`);
}

function attempt(candidate: BackendCandidate, started: number) {
  return {
    backend: candidate.kind,
    label: candidate.label,
    target: candidate.target,
    ok: true,
    durationMs: Date.now() - started,
  };
}

function redact(err: unknown, secrets: readonly string[]): string {
  let text = redactSecrets(err instanceof Error ? err.message : String(err));
  for (const secret of secrets) if (secret) text = text.split(secret).join('***');
  return text;
}
