import {
  Inject,
  Injectable,
  Logger,
  type LoggerService,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { workerNumber } from '../../cluster/worker-id';
import { Clock } from '../../common/clock';
import type { StorageSelection } from '../select-backend';
import { InjectStorageSelection } from '../storage.decorators';
import { STORAGE_MODULE_OPTIONS, type StorageModuleOptions } from '../storage.module-definition';
import { ComebackChecker, type ComebackStatus } from './comeback-checker';

/** Default pause between checks of the requested backend, in milliseconds. */
export const DEFAULT_RECHECK_MS = 30_000;

/** Says nothing: workers other than the first check too (for their own /health) but stay quiet. */
const SILENT: LoggerService = { log() {}, warn() {}, error() {} };

/**
 * On a gateway that fell back at start-up, keeps checking the backend that was asked for (see
 * ComebackChecker). On a gateway using what it was asked for, does nothing.
 */
@Injectable()
export class StorageComeback implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly checker?: ComebackChecker;

  constructor(
    @InjectStorageSelection() selection: StorageSelection,
    @Inject(STORAGE_MODULE_OPTIONS) options: StorageModuleOptions,
    clock: Clock,
  ) {
    const requested = options.candidates[0];
    const active = selection.attempts.find((a) => a.ok);
    if (!selection.degraded || !requested || !active) return;
    this.checker = new ComebackChecker({
      requested,
      active: { kind: active.backend, label: active.label, target: active.target },
      intervalMs: options.recheckMs ?? DEFAULT_RECHECK_MS,
      connectTimeoutMs: options.connectTimeoutMs,
      clock,
      timers: { setTimeout, clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
      // The WARN is said once per gateway, not once per worker process.
      logger: workerNumber() === 1 ? new Logger() : SILENT,
    });
  }

  onApplicationBootstrap(): void {
    this.checker?.start();
  }

  onApplicationShutdown(): void {
    this.checker?.stop();
  }

  /** Where the requested backend stands; `undefined` when the gateway is not degraded. */
  status(): ComebackStatus | undefined {
    return this.checker?.status();
  }
}
