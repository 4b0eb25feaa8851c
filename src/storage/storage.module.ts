import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { timedStorage } from '../metrics/timed-storage';
import { selectBackend, type StorageSelection } from './select-backend';
import type { StorageBackend } from './storage-backend.interface';
import { ROLE_TOKENS, STORAGE, STORAGE_CACHE_STATUS, STORAGE_SELECTION } from './storage.constants';
import type { CacheTierStatus } from './tier/cache-tier-report';
import { Clock } from '../common/clock';
import { StorageComeback } from './comeback/storage-comeback.service';
import { StorageChanges } from './storage-changes.service';
import { StorageHealthIndicator } from './storage.health';
import {
  ConfigurableStorageModule,
  STORAGE_MODULE_OPTIONS,
  type StorageModuleOptions,
} from './storage.module-definition';

const SELECTED = Symbol('SELECTED_STORAGE');
type Selected = { storage: StorageBackend; selection: StorageSelection; cache?: CacheTierStatus };

/**
 * Provides the active StorageBackend under STORAGE, chosen once at start-up by priority with
 * failover, and each of its roles (credentials, settings, ephemeral entries, change feed, usage)
 * under its own token. Use `StorageModule.forRootAsync({ inject, useFactory })`; global by default.
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: SELECTED,
      inject: [STORAGE_MODULE_OPTIONS],
      useFactory: (options: StorageModuleOptions): Promise<Selected> =>
        selectBackend(options.candidates, { ...options, logger: new Logger() }),
    },
    { provide: STORAGE, inject: [SELECTED], useFactory: (s: Selected) => timedStorage(s.storage) },
    { provide: STORAGE_SELECTION, inject: [SELECTED], useFactory: (s: Selected) => s.selection },
    // Each role is an alias of the one selected backend: the same object, no wrapper, no cost.
    ...ROLE_TOKENS.map((role) => ({ provide: role, useExisting: STORAGE })),
    {
      provide: STORAGE_CACHE_STATUS,
      inject: [SELECTED],
      useFactory: (s: Selected) => s.cache ?? null,
    },
    StorageHealthIndicator,
    StorageChanges,
    // A degraded gateway keeps checking the backend it was asked for.
    StorageComeback,
    Clock,
  ],
  exports: [
    STORAGE,
    STORAGE_SELECTION,
    STORAGE_CACHE_STATUS,
    ...ROLE_TOKENS,
    StorageHealthIndicator,
    StorageChanges,
    StorageComeback,
  ],
})
export class StorageModule extends ConfigurableStorageModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Storage');

  constructor(@Inject(STORAGE) private readonly storage: StorageBackend) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.storage.close();
      this.logger.log(`Closed the ${this.storage.kind} storage backend`);
    } catch (err) {
      this.logger.warn(
        `Closing the ${this.storage.kind} storage backend failed: ${(err as Error).message}`,
      );
    }
  }
}
