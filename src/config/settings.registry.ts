import type { z } from 'zod';
import {
  bindHost,
  bool,
  decimal,
  endpointUrl,
  envBool,
  envNumber,
  integer,
  password,
  proxyUrl,
  statusCodes,
} from './setting-schemas';

/**
 * One persisted setting: its stored key, the environment variable that overrides (and locks) it,
 * how a value is validated, and its default. Declared once, here.
 */
export interface SettingDefinition<T = unknown> {
  key: string;
  env: string;
  /** Validates (and normalises) a stored, submitted or environment value. */
  schema: z.ZodType<T>;
  /** Turns an environment string into the input of `schema`. Default: the string itself. */
  fromEnv?(raw: string): unknown;
  default: T;
  description: string;
  /** Masked in every response; never logged. */
  secret?: boolean;
  /** A URL: shown with any password (or secret-looking query parameter) in it masked. */
  url?: boolean;
  /** Read once at start-up: a change applies after a restart. */
  restart?: boolean;
}

function setting<T>(definition: SettingDefinition<T>): SettingDefinition<T> {
  return definition;
}

/** The default of `password`, which the API and panel passwords fall back to. */
export const DEFAULT_PASSWORD = 'pwd';

const endpoint = (key: string, env: string, url: string, description: string) =>
  setting({ key, env, schema: endpointUrl, default: url, description, url: true });

/**
 * Every setting of the gateway. Resolution: a non-empty environment variable, then the stored
 * value, then the default. All but those marked `restart` apply the moment they are saved.
 */
export const SETTINGS = {
  host: setting({
    key: 'host',
    env: 'HOST',
    schema: bindHost,
    default: '0.0.0.0',
    description: 'Address the HTTP server listens on',
    restart: true,
  }),
  port: setting({
    key: 'port',
    env: 'PORT',
    schema: integer(1, 65_535),
    fromEnv: envNumber,
    default: 7861,
    description: 'Port the HTTP server listens on',
    restart: true,
  }),
  password: setting({
    key: 'password',
    env: 'PASSWORD',
    schema: password,
    default: DEFAULT_PASSWORD,
    description: 'Password for both the model APIs and the panel, unless they have their own',
    secret: true,
  }),
  api_password: setting({
    key: 'api_password',
    env: 'API_PASSWORD',
    schema: password.nullable(),
    default: null,
    description: 'Key for the model APIs; unset means `password`',
    secret: true,
  }),
  panel_password: setting({
    key: 'panel_password',
    env: 'PANEL_PASSWORD',
    schema: password.nullable(),
    default: null,
    description: 'Password of the control panel; unset means `password`',
    secret: true,
  }),
  panel_session_ttl: setting({
    key: 'panel_session_ttl',
    env: 'PANEL_SESSION_TTL',
    schema: integer(1, 30 * 86_400),
    fromEnv: envNumber,
    default: 86_400,
    description: 'Seconds a panel login stays valid',
  }),
  code_assist_endpoint: endpoint(
    'code_assist_endpoint',
    'CODE_ASSIST_ENDPOINT',
    'https://cloudcode-pa.googleapis.com',
    'Base URL of Google Code Assist (the Gemini CLI upstream)',
  ),
  proxy: setting({
    key: 'proxy',
    env: 'PROXY',
    schema: proxyUrl,
    default: '',
    url: true,
    description: 'Proxy for every upstream call (http, https or socks5 URL); empty for none',
  }),
  upstream_connect_timeout: setting({
    key: 'upstream_connect_timeout',
    env: 'UPSTREAM_CONNECT_TIMEOUT',
    schema: decimal(0.1, 120),
    fromEnv: envNumber,
    default: 10,
    description: 'Seconds to open a connection to the upstream',
  }),
  upstream_first_byte_timeout: setting({
    key: 'upstream_first_byte_timeout',
    env: 'UPSTREAM_FIRST_BYTE_TIMEOUT',
    schema: decimal(0.1, 3600),
    fromEnv: envNumber,
    default: 300,
    description: 'Seconds to wait for the upstream answer to start (a long reply takes minutes)',
  }),
  upstream_idle_timeout: setting({
    key: 'upstream_idle_timeout',
    env: 'UPSTREAM_IDLE_TIMEOUT',
    schema: decimal(0.1, 3600),
    fromEnv: envNumber,
    default: 300,
    description: 'Seconds an upstream answer may pause between two pieces before it is dropped',
  }),
  oauth_proxy_url: endpoint(
    'oauth_proxy_url',
    'OAUTH_PROXY_URL',
    'https://oauth2.googleapis.com',
    'Base URL of the OAuth token endpoint (POST {url}/token)',
  ),
  googleapis_proxy_url: endpoint(
    'googleapis_proxy_url',
    'GOOGLEAPIS_PROXY_URL',
    'https://www.googleapis.com',
    'Base URL of Google APIs (user info)',
  ),
  resource_manager_api_url: endpoint(
    'resource_manager_api_url',
    'RESOURCE_MANAGER_API_URL',
    'https://cloudresourcemanager.googleapis.com',
    'Base URL of Cloud Resource Manager (project list)',
  ),
  service_usage_api_url: endpoint(
    'service_usage_api_url',
    'SERVICE_USAGE_API_URL',
    'https://serviceusage.googleapis.com',
    'Base URL of Service Usage (enabling APIs)',
  ),
  antigravity_api_url: endpoint(
    'antigravity_api_url',
    'ANTIGRAVITY_API_URL',
    'https://daily-cloudcode-pa.sandbox.googleapis.com',
    'Base URL of the antigravity upstream',
  ),
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
    schema: statusCodes,
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
    schema: statusCodes,
    default: [403],
    description: 'Status codes that auto-ban an antigravity credential',
  }),
  retry_429_enabled: setting({
    key: 'retry_429_enabled',
    env: 'RETRY_429_ENABLED',
    schema: bool,
    fromEnv: envBool,
    default: true,
    description: 'Retry a failed upstream call (429, 5xx, network) with another credential',
  }),
  retry_429_max_retries: setting({
    key: 'retry_429_max_retries',
    env: 'RETRY_429_MAX_RETRIES',
    schema: integer(0, 100),
    fromEnv: envNumber,
    default: 5,
    description: 'Most retries of one request',
  }),
  retry_429_interval: setting({
    key: 'retry_429_interval',
    env: 'RETRY_429_INTERVAL',
    schema: decimal(0, 10),
    fromEnv: envNumber,
    default: 0.1,
    description: 'Seconds to wait between retries',
  }),
  anti_truncation_max_attempts: setting({
    key: 'anti_truncation_max_attempts',
    env: 'ANTI_TRUNCATION_MAX_ATTEMPTS',
    schema: integer(1, 10),
    fromEnv: envNumber,
    default: 3,
    description: 'Most continuation requests of a streaming anti-truncation model',
  }),
  compatibility_mode_enabled: setting({
    key: 'compatibility_mode_enabled',
    env: 'COMPATIBILITY_MODE',
    schema: bool,
    fromEnv: envBool,
    default: true,
    description: 'Send OpenAI system messages as user turns instead of a system instruction',
  }),
  return_thoughts_to_frontend: setting({
    key: 'return_thoughts_to_frontend',
    env: 'RETURN_THOUGHTS_TO_FRONTEND',
    schema: bool,
    fromEnv: envBool,
    default: true,
    description: 'Return the model thoughts (reasoning_content); false strips them',
  }),
  oauth_callback_port: setting({
    key: 'oauth_callback_port',
    env: 'OAUTH_CALLBACK_PORT',
    schema: integer(1, 65_535),
    fromEnv: envNumber,
    default: 11_451,
    description: 'First port tried for the local OAuth callback server',
  }),
  recovery_enabled: setting({
    key: 'recovery_enabled',
    env: 'RECOVERY_ENABLED',
    schema: bool,
    fromEnv: envBool,
    default: true,
    description:
      'Run the recovery job: probe credentials the gateway disabled or marked, refresh tokens early',
  }),
  recovery_interval: setting({
    key: 'recovery_interval',
    env: 'RECOVERY_INTERVAL',
    schema: integer(10, 86_400),
    fromEnv: envNumber,
    default: 300,
    description: 'Seconds between two runs of the recovery job (one gateway process runs each)',
  }),
  recovery_probe_limit: setting({
    key: 'recovery_probe_limit',
    env: 'RECOVERY_PROBE_LIMIT',
    schema: integer(1, 1000),
    fromEnv: envNumber,
    default: 20,
    description: 'Most credentials the recovery job probes per run',
  }),
  proactive_refresh_window: setting({
    key: 'proactive_refresh_window',
    env: 'PROACTIVE_REFRESH_WINDOW',
    schema: integer(0, 86_400),
    fromEnv: envNumber,
    default: 900,
    description:
      'Seconds: the recovery job refreshes access tokens expiring within this; 0 turns it off',
  }),
  calls_per_rotation: setting({
    key: 'calls_per_rotation',
    env: 'CALLS_PER_ROTATION',
    schema: integer(1, 10_000),
    fromEnv: envNumber,
    default: 1,
    description: 'Calls served by one credential before rotating to the next',
  }),
  import_max_archive_entries: setting({
    key: 'import_max_archive_entries',
    env: 'IMPORT_MAX_ARCHIVE_ENTRIES',
    schema: integer(1, 1_000_000),
    fromEnv: envNumber,
    default: 200_000,
    description:
      'Most entries (files and folders) in the ZIP archives of one upload; the byte caps still apply',
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]['schema']>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}
