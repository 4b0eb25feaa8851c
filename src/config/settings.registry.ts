import { z } from 'zod';

/**
 * One persisted setting: its stored key, the environment variable that overrides (and locks) it,
 * how a value is validated, and its default. Declared once, here.
 */
export interface SettingDefinition<T = unknown> {
  key: string;
  env: string;
  /** Validates a stored or submitted value. */
  schema: z.ZodType<T>;
  /** Turns an environment string into a value for `schema`. */
  fromEnv(raw: string): unknown;
  default: T;
  description: string;
}

const bool = z.boolean();
const envBool = (raw: string) => ['true', '1', 'yes', 'on'].includes(raw.trim().toLowerCase());

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value), { message: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));

/** Status codes as a JSON array, a "403,429" string or one number. */
const codeList = z.preprocess(
  (value) => {
    if (typeof value === 'number') return [value];
    if (typeof value === 'string') {
      const text = value.trim();
      if (text.startsWith('[')) return JSON.parse(text) as unknown;
      return text === '' ? [] : text.split(',').map((part) => Number(part.trim()));
    }
    return value;
  },
  z.array(z.number().int().min(100).max(599), { message: 'must be HTTP status codes' }),
);

function setting<T>(definition: SettingDefinition<T>): SettingDefinition<T> {
  return definition;
}

/** The settings the gateway reads at run time; every one is hot-reloaded. */
export const SETTINGS = {
  calls_per_rotation: setting({
    key: 'calls_per_rotation',
    env: 'CALLS_PER_ROTATION',
    schema: z.number().int().min(1).max(10_000),
    fromEnv: Number,
    default: 1,
    description: 'Calls served by one credential before rotating to the next',
  }),
  auto_ban_enabled: setting({
    key: 'auto_ban_enabled',
    env: 'AUTO_BAN',
    schema: bool,
    fromEnv: envBool,
    default: false,
    description: 'Disable a Gemini CLI credential when it fails with a listed status code',
  }),
  auto_ban_error_codes: setting({
    key: 'auto_ban_error_codes',
    env: 'AUTO_BAN_ERROR_CODES',
    schema: codeList,
    fromEnv: (raw) => raw,
    default: [403],
    description: 'Status codes that auto-ban a Gemini CLI credential',
  }),
  ag_auto_ban_enabled: setting({
    key: 'ag_auto_ban_enabled',
    env: 'AG_AUTO_BAN',
    schema: bool,
    fromEnv: envBool,
    default: false,
    description: 'Disable an antigravity credential when it fails with a listed status code',
  }),
  ag_auto_ban_error_codes: setting({
    key: 'ag_auto_ban_error_codes',
    env: 'AG_AUTO_BAN_ERROR_CODES',
    schema: codeList,
    fromEnv: (raw) => raw,
    default: [403],
    description: 'Status codes that auto-ban an antigravity credential',
  }),
  oauth_proxy_url: setting({
    key: 'oauth_proxy_url',
    env: 'OAUTH_PROXY_URL',
    schema: httpUrl,
    fromEnv: (raw) => raw,
    default: 'https://oauth2.googleapis.com',
    description: 'Base URL of the OAuth token endpoint (POST {url}/token)',
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;
