import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { StorageBackend } from '../storage/storage-backend.interface';
import { StorageChanges } from '../storage/storage-changes.service';
import { InjectStorage } from '../storage/storage.decorators';
import { SETTINGS, type SettingKey, type SettingValue } from './settings.registry';

/**
 * The gateway's persisted settings, resolved as: a non-empty environment variable, then the value
 * stored in the STORAGE backend, then the default. Reads are synchronous, from memory; the stored
 * values reload whenever storage reports a change, so a save in any process applies everywhere.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  private readonly logger = new Logger('Settings');
  private stored: Record<string, unknown> = {};
  private resolved = new Map<SettingKey, unknown>();

  constructor(
    @InjectStorage() private readonly storage: StorageBackend,
    private readonly changes: StorageChanges,
  ) {}

  async onModuleInit() {
    await this.reload();
    this.changes.subscribe(() => this.reload());
  }

  /** The effective value of a setting. */
  get<K extends SettingKey>(key: K): SettingValue<K> {
    if (!this.resolved.has(key)) this.resolved.set(key, this.resolve(key));
    return this.resolved.get(key) as SettingValue<K>;
  }

  /** Settings whose environment variable is set: the API may not change them. */
  locked(): SettingKey[] {
    return (Object.keys(SETTINGS) as SettingKey[]).filter(
      (key) => !!process.env[SETTINGS[key].env],
    );
  }

  /** Re-reads the stored values. */
  async reload(): Promise<void> {
    this.stored = await this.storage.getAllConfig();
    this.resolved = new Map();
  }

  private resolve(key: SettingKey): unknown {
    const definition = SETTINGS[key];
    const raw = process.env[definition.env];
    if (raw) {
      const parsed = safeParse(definition.schema, () => definition.fromEnv(raw));
      if (parsed.ok) return parsed.value;
      this.logger.warn(
        `${definition.env} is invalid (${parsed.error}); using the stored value or default`,
      );
    }
    if (key in this.stored) {
      const parsed = safeParse(definition.schema, () => this.stored[key]);
      if (parsed.ok) return parsed.value;
      this.logger.warn(`Stored setting ${key} is invalid (${parsed.error}); using the default`);
    }
    return definition.default;
  }
}

function safeParse(
  schema: {
    safeParse(v: unknown): {
      success: boolean;
      data?: unknown;
      error?: { issues: Array<{ message: string }> };
    };
  },
  read: () => unknown,
): { ok: true; value: unknown } | { ok: false; error: string } {
  let input: unknown;
  try {
    input = read();
  } catch {
    return { ok: false, error: 'not parseable' };
  }
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: result.error?.issues[0]?.message ?? 'invalid' };
}
