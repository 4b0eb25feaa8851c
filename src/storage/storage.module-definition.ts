import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { BackendCandidate } from './select-backend';
import type { BackendKind } from './storage-backend.interface';

export interface StorageModuleOptions {
  /** Backends in priority order; see storageCandidates(). */
  candidates: BackendCandidate[];
  /** When false, a failing preferred backend stops the start instead of falling back. */
  fallback: boolean;
  /** Upper bound on one backend's connect, in milliseconds. */
  connectTimeoutMs: number;
  /** How long the preferred backend is retried at start-up before falling back, in ms. */
  startupRetryMs?: number;
  /**
   * After a fall-back, how often the backend that was asked for is checked again, in ms
   * (default 30000); see StorageComeback.
   */
  recheckMs?: number;
  /** The one backend to use, until it answers: see SelectOptions.only. */
  only?: BackendKind;
}

export const {
  ConfigurableModuleClass: ConfigurableStorageModule,
  MODULE_OPTIONS_TOKEN: STORAGE_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<StorageModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
