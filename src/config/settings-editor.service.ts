import { isDeepStrictEqual } from 'node:util';
import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { redactUrl } from '../common/redact-url';
import type { StorageBackend } from '../storage/storage-backend.interface';
import { InjectStorage } from '../storage/storage.decorators';
import { parseSetting } from './settings-env';
import {
  DEFAULT_PASSWORD,
  isSettingKey,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
} from './settings.registry';
import { SettingsService } from './settings.service';

/** A URL as shown: unchanged unless it carries a password or a secret-looking parameter. */
function shownUrl(url: string): string {
  const redacted = redactUrl(url);
  return redacted.includes('***') ? redacted : url;
}

/** What a masked secret looks like in responses; sending it back means "unchanged". */
export const MASK = '********';

export interface SettingProblem {
  key: string;
  reason: string;
}

/** The settings as the panel sees them: secrets masked, with what is locked or needs a restart. */
export interface SettingsView {
  config: Record<string, unknown>;
  env_locked: SettingKey[];
  restart_required: SettingKey[];
  /** True while the API or panel password is still the default `pwd`. */
  default_password_in_use: boolean;
}

/**
 * Reads and edits the persisted settings for `/config/get` and `/config/save`. A save is checked
 * whole before anything is written, stored in one update and in effect at once in this process
 * (other processes follow through the storage change marker).
 */
@Injectable()
export class SettingsEditor {
  private readonly logger = new Logger('Settings');

  constructor(
    private readonly settings: SettingsService,
    @InjectStorage() private readonly storage: StorageBackend,
  ) {}

  view(): SettingsView {
    const config = Object.fromEntries(SETTING_KEYS.map((key) => [key, this.shown(key)]));
    return {
      config,
      env_locked: this.settings.locked(),
      restart_required: SETTING_KEYS.filter((key) => SETTINGS[key].restart),
      default_password_in_use: [this.settings.apiPassword(), this.settings.panelPassword()].some(
        (p) => p.value === DEFAULT_PASSWORD,
      ),
    };
  }

  /**
   * Validates every submitted key, then stores the changed ones in one update. `null` resets a
   * setting to its default; a secret sent back as the mask or empty is left unchanged; a locked
   * setting may only be sent with its current value. Throws 400 listing every problem, having
   * written nothing.
   */
  async save(submitted: Record<string, unknown>) {
    const set: Record<string, unknown> = {};
    const remove: string[] = [];
    const problems: SettingProblem[] = [];
    for (const [key, value] of Object.entries(submitted)) {
      if (!isSettingKey(key)) {
        problems.push({ key, reason: 'is not a known setting' });
        continue;
      }
      const definition = SETTINGS[key];
      // A value sent back as shown (masked) means "unchanged", as does an empty secret.
      if (value === this.shown(key) || (definition.secret && value === '')) continue;
      if (this.settings.source(key) === 'env') {
        if (!this.unchanged(key, value)) {
          problems.push({
            key,
            reason: `is set by the environment variable ${definition.env} and cannot be changed here`,
          });
        }
        continue;
      }
      if (value === null) {
        if (this.settings.source(key) === 'stored') remove.push(key);
        continue;
      }
      const parsed = parseSetting(definition, value);
      if (!parsed.ok) problems.push({ key, reason: parsed.error });
      // Unchanged values are not written, so a default sent back stays a default.
      else if (!isDeepStrictEqual(parsed.value, this.settings.get(key))) set[key] = parsed.value;
    }
    if (problems.length > 0) {
      const summary = problems.map((p) => `${p.key} ${p.reason}`).join('; ');
      throw new BadRequestException({
        statusCode: 400,
        message: `Settings not saved: ${summary}`,
        errors: problems,
      });
    }
    await this.storage.updateConfig(set, remove);
    await this.settings.reload();
    const saved = [...Object.keys(set), ...remove] as SettingKey[];
    if (saved.length > 0) this.logger.log(`Settings saved: ${saved.join(', ')}`);
    return {
      message: saved.length > 0 ? `Saved ${saved.length} setting(s)` : 'Nothing to change',
      saved_config: Object.fromEntries(saved.map((key) => [key, this.shown(key)])),
      restart_required: saved.filter((key) => SETTINGS[key].restart),
    };
  }

  /** How a value appears in responses: secrets masked, passwords inside URLs masked. */
  private shown(key: SettingKey): unknown {
    const value = this.settings.get(key);
    const definition = SETTINGS[key];
    if (definition.secret) return value === null ? '' : MASK;
    if (definition.url && typeof value === 'string' && value !== '') return shownUrl(value);
    return value;
  }

  private unchanged(key: SettingKey, value: unknown): boolean {
    const parsed = parseSetting(SETTINGS[key], value);
    return parsed.ok && isDeepStrictEqual(parsed.value, this.settings.get(key));
  }
}
