import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { redactUrl } from '../common/redact-url';
import type { GatewayEnv } from '../env/env.schema';
import type { SettingsStore } from '../storage/storage-backend.interface';
import { InjectSettingsStore } from '../storage/storage.decorators';
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

/**
 * Shown with the settings but set only by the environment (they decide where storage lives):
 * read-only, accepted back unchanged, since the Python gcli2api's panel posts them with every save.
 */
const ENV_ONLY = { credentials_dir: 'CREDENTIALS_DIR' } as const;
type EnvOnlyKey = keyof typeof ENV_ONLY;
const isEnvOnlyKey = (key: string): key is EnvOnlyKey => Object.hasOwn(ENV_ONLY, key);

export interface SettingProblem {
  key: string;
  reason: string;
}

/** The settings as the panel sees them: secrets masked, with what is locked or needs a restart. */
export interface SettingsView {
  config: Record<string, unknown>;
  /** Settings an environment variable fixes, and the env-only ones such as `credentials_dir`. */
  env_locked: string[];
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
    @InjectSettingsStore() private readonly settingsStore: SettingsStore,
    private readonly env: ConfigService<GatewayEnv, true>,
  ) {}

  view(): SettingsView {
    const config: Record<string, unknown> = Object.fromEntries(
      SETTING_KEYS.map((key) => [key, this.shown(key)]),
    );
    for (const key of Object.keys(ENV_ONLY) as EnvOnlyKey[]) config[key] = this.envOnly(key);
    return {
      config,
      env_locked: [...this.settings.locked(), ...(Object.keys(ENV_ONLY) as EnvOnlyKey[])],
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
      if (isEnvOnlyKey(key)) {
        if (!this.sameEnvOnly(key, value))
          problems.push({ key, reason: lockedReason(ENV_ONLY[key]) });
        continue;
      }
      if (!isSettingKey(key)) {
        problems.push({ key, reason: 'is not a known setting' });
        continue;
      }
      const definition = SETTINGS[key];
      // A value sent back as shown means "unchanged", as do the mask and an empty secret: the
      // mask is never a value, whatever the setting holds now.
      if (value === this.shown(key)) continue;
      if (definition.secret && (value === MASK || value === '')) continue;
      if (definition.url && typeof value === 'string' && value.includes('***')) {
        problems.push({
          key,
          reason: 'holds a masked password: send the whole URL, or the value /config/get shows',
        });
        continue;
      }
      if (this.settings.source(key) === 'env') {
        if (!this.unchanged(key, value)) {
          problems.push({ key, reason: lockedReason(definition.env) });
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
    await this.settingsStore.updateConfig(set, remove);
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

  private envOnly(key: EnvOnlyKey): string {
    return this.env.get(ENV_ONLY[key], { infer: true });
  }

  /** The env-only value sent back as shown, or naming the same directory. */
  private sameEnvOnly(key: EnvOnlyKey, value: unknown): boolean {
    const current = this.envOnly(key);
    return typeof value === 'string' && (value === current || resolve(value) === resolve(current));
  }

  private unchanged(key: SettingKey, value: unknown): boolean {
    const parsed = parseSetting(SETTINGS[key], value);
    return parsed.ok && isDeepStrictEqual(parsed.value, this.settings.get(key));
  }
}

function lockedReason(variable: string): string {
  return `is set by the environment variable ${variable} and cannot be changed here`;
}
