import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { secondsToMillis } from '../common/millis';
import type { SettingsStore } from '../storage/storage-backend.interface';
import { StorageChanges } from '../storage/storage-changes.service';
import { InjectSettingsStore } from '../storage/storage.decorators';
import { parseSetting, settingFromEnv } from './settings-env';
import {
  DEFAULT_PASSWORD,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingValue,
} from './settings.registry';

/** The settings given in seconds that a timer or timeout consumes. */
export type SecondsSettingKey =
  | 'upstream_connect_timeout'
  | 'upstream_first_byte_timeout'
  | 'upstream_idle_timeout'
  | 'retry_429_interval'
  | 'panel_session_ttl';

/** Where a setting's effective value came from. */
export type SettingSource = 'env' | 'stored' | 'default';

interface Resolved {
  value: unknown;
  source: SettingSource;
}

/**
 * The gateway's persisted settings, resolved as: a non-empty environment variable, then the value
 * stored in the STORAGE backend, then the default. Reads are synchronous, from memory; the stored
 * values reload whenever storage reports a change, so a save in any process applies everywhere.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  private readonly logger = new Logger('Settings');
  private resolved = new Map<SettingKey, Resolved>();
  private generation = 0;

  constructor(
    @InjectSettingsStore() private readonly settingsStore: SettingsStore,
    private readonly changes: StorageChanges,
  ) {
    this.resolveAll({});
  }

  async onModuleInit() {
    await this.reload();
    this.changes.subscribe(() => this.reload());
  }

  /** The effective value of a setting. */
  get<K extends SettingKey>(key: K): SettingValue<K> {
    return this.entry(key).value as SettingValue<K>;
  }

  /**
   * A setting in seconds as the whole milliseconds timers and undici take (a saved `16.1` would
   * otherwise make every upstream call fail with `UND_ERR_INVALID_ARG`).
   */
  millis(key: SecondsSettingKey): number {
    return secondsToMillis(this.get(key));
  }

  /** Where the effective value of `key` came from. */
  source(key: SettingKey): SettingSource {
    return this.entry(key).source;
  }

  /** Settings whose environment variable is set: the API may not change them. */
  locked(): SettingKey[] {
    return SETTING_KEYS.filter((key) => this.source(key) === 'env');
  }

  /** The key for the model APIs: `api_password`, else `password`. */
  apiPassword(): { value: string; isDefault: boolean } {
    return this.passwordFor('api_password');
  }

  /** The panel password: `panel_password`, else `password`. */
  panelPassword(): { value: string; isDefault: boolean } {
    return this.passwordFor('panel_password');
  }

  /** Re-reads the stored values. */
  async reload(): Promise<void> {
    this.resolveAll(await this.settingsStore.getAllConfig());
  }

  /** Grows whenever the settings were re-resolved, so callers can cache what they derive. */
  get version(): number {
    return this.generation;
  }

  private resolveAll(stored: Record<string, unknown>) {
    this.resolved = new Map(SETTING_KEYS.map((key) => [key, this.resolve(key, stored)]));
    this.generation++;
  }

  private entry(key: SettingKey): Resolved {
    const entry = this.resolved.get(key);
    if (!entry) throw new Error(`Unknown setting ${String(key)}`);
    return entry;
  }

  private passwordFor(key: 'api_password' | 'panel_password') {
    const own = this.get(key);
    if (own !== null) return { value: own, isDefault: false };
    const value = this.get('password');
    return {
      value,
      isDefault: this.source('password') === 'default' && value === DEFAULT_PASSWORD,
    };
  }

  private resolve(key: SettingKey, stored: Record<string, unknown>): Resolved {
    const definition = SETTINGS[key] as (typeof SETTINGS)[SettingKey];
    const fromEnv = settingFromEnv(definition);
    if (fromEnv?.ok) return { value: fromEnv.value, source: 'env' };
    if (fromEnv) {
      this.logger.warn(`${definition.env} ${fromEnv.error}; using the stored value or default`);
    }
    if (Object.hasOwn(stored, key) && stored[key] !== null) {
      const parsed = parseSetting(definition, stored[key]);
      if (parsed.ok) return { value: parsed.value, source: 'stored' };
      this.logger.warn(`Stored setting ${key} ${parsed.error}; using the default`);
    }
    return { value: definition.default, source: 'default' };
  }
}
