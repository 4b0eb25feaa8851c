import type { LoggerService } from '@nestjs/common';
import { connectCandidate, redactError, type BackendCandidate } from '../select-backend';
import type { BackendKind } from '../storage-backend.interface';

/** Where a degraded gateway stands with the backend that was asked for. */
export interface ComebackStatus {
  /** The backend that was asked for, and where (redacted). */
  requested: BackendKind;
  target: string;
  /** The backend in use since start-up. */
  active: BackendKind;
  /** Whether the last check connected to it; `null` before the first check. */
  reachable: boolean | null;
  /** When it was last checked, ISO 8601; `null` before the first check. */
  checkedAt: string | null;
  /** Since when it has been reachable without a break, ISO 8601; `null` while it is not. */
  reachableSince: string | null;
  /** Why the last check failed (redacted); absent once it connects. */
  error?: string;
  /** What a restart would change, in one sentence a person can act on. */
  advice: string;
}

/** The timer functions the checker schedules with, so tests can drive time by hand. */
export interface CheckTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ComebackCheckerOptions {
  /** The backend that was asked for (the first candidate). */
  requested: BackendCandidate;
  /** The backend in use: its kind, label and target (redacted URL or file). */
  active: { kind: BackendKind; label: string; target: string };
  /** Pause between the end of one check and the start of the next, in milliseconds. */
  intervalMs: number;
  /** Upper bound on one check's connect, in milliseconds. */
  connectTimeoutMs: number;
  clock: { now(): number };
  timers: CheckTimers;
  logger: LoggerService;
}

const CONTEXT = 'Storage';

/**
 * Keeps checking, on a degraded gateway, whether the backend that was asked for can be reached,
 * by connecting to it as a restart would (and closing again). It never switches to it: writes
 * made meanwhile live only in the fallback backend, so switching silently would hide them. It
 * says so instead, logging one WARN when the backend becomes reachable and one line when it is
 * lost again; checks in between log nothing.
 */
export class ComebackChecker {
  private current: ComebackStatus;
  private timer?: unknown;
  private stopped = true;

  constructor(private readonly options: ComebackCheckerOptions) {
    const { requested, active } = options;
    this.current = {
      ...this.who(),
      reachable: null,
      checkedAt: null,
      reachableSince: null,
      advice: `${requested.label} at ${requested.target} has not been checked again yet; the gateway keeps using ${active.label}`,
    };
  }

  /** The state as of the last check. */
  status(): ComebackStatus {
    return { ...this.current };
  }

  /** Schedules checks every `intervalMs`, the first one after one interval. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Connects to the requested backend once, closes it, and updates the status; never throws. */
  async check(): Promise<ComebackStatus> {
    const { requested, active, clock, logger, connectTimeoutMs } = this.options;
    let error: string | undefined;
    try {
      const storage = await connectCandidate(requested, connectTimeoutMs);
      await storage.close().catch(() => undefined);
    } catch (err) {
      error = redactError(err, requested.secrets);
    }
    const now = new Date(clock.now()).toISOString();
    const was = this.current.reachable;
    const reachable = error === undefined;
    const where = `${requested.label} at ${requested.target}`;
    // A redacted URL cannot be pasted into a command; one without a password can.
    const to = requested.target.includes('***') ? `<the ${requested.label} URL>` : requested.target;
    this.current = {
      ...this.who(),
      reachable,
      checkedAt: now,
      reachableSince: reachable ? (this.current.reachableSince ?? now) : null,
      ...(reachable ? {} : { error }),
      advice: reachable
        ? `${where} is reachable again; restart the gateway to use it. Writes made since start-up ` +
          `are in ${active.label} (${active.target}) and a restart would not see them: copy them ` +
          `first with \`gcli2api storage migrate --from ${active.target} --to ${to}\` ` +
          `(--dry-run shows what would change).`
        : `${where} is still unreachable (${error}); the gateway keeps using ${active.label}.`,
    };
    if (reachable && was !== true) logger.warn(this.current.advice, CONTEXT);
    if (!reachable && was === true) {
      logger.log(`${where} is unreachable again; the gateway keeps using ${active.label}`, CONTEXT);
    }
    return this.status();
  }

  private who() {
    const { requested, active } = this.options;
    return { requested: requested.kind, target: requested.target, active: active.kind };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.timers.setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.options.intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
