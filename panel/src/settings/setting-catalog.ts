/**
 * How the panel shows each setting of `/config/get`: its group, input kind, the environment
 * variable that locks it, and its label and description in both languages. A test
 * (src/control-panel/panel-settings-catalog.spec.ts) keeps it in step with the gateway's registry.
 * A setting the gateway adds before this list does is still shown, under "Other".
 */
export type SettingKind = 'bool' | 'integer' | 'number' | 'codes' | 'secret' | 'url' | 'text';
export type SettingGroup =
  'server' | 'upstream' | 'endpoints' | 'autoban' | 'retry' | 'behaviour' | 'other';

export interface SettingEntry {
  key: string;
  env: string;
  group: SettingGroup;
  kind: SettingKind;
  en: [label: string, description: string];
  zh: [label: string, description: string];
}

const entry = (
  key: string,
  group: SettingGroup,
  kind: SettingKind,
  en: [string, string],
  zh: [string, string],
  env = key.toUpperCase(),
): SettingEntry => ({ key, env, group, kind, en, zh });

const endpoint = (key: string, env: string, en: string, zh: string) =>
  entry(
    key,
    'endpoints',
    'url',
    [en, `Base URL; default is Google's own`],
    [zh, '基础 URL，默认为 Google 官方地址'],
    env,
  );

export const GROUPS: SettingGroup[] = [
  'server',
  'upstream',
  'endpoints',
  'autoban',
  'retry',
  'behaviour',
  'other',
];

export const SETTING_CATALOG: SettingEntry[] = [
  entry(
    'host',
    'server',
    'text',
    ['Listen address', 'Address the HTTP server listens on'],
    ['监听地址', 'HTTP 服务监听的地址'],
  ),
  entry(
    'port',
    'server',
    'integer',
    ['Port', 'Port the HTTP server listens on'],
    ['端口', 'HTTP 服务监听的端口'],
  ),
  entry(
    'password',
    'server',
    'secret',
    ['Common password', 'For both the model APIs and the panel, unless they have their own'],
    ['通用密码', 'API 与面板共用的密码（除非各自单独设置）'],
  ),
  entry(
    'api_password',
    'server',
    'secret',
    ['API password', 'Key for the model APIs; empty means the common password'],
    ['API 密码', '调用模型 API 的密钥；为空时使用通用密码'],
  ),
  entry(
    'panel_password',
    'server',
    'secret',
    ['Panel password', 'Password of this panel; empty means the common password'],
    ['面板密码', '控制面板的密码；为空时使用通用密码'],
  ),
  entry(
    'panel_session_ttl',
    'server',
    'integer',
    ['Panel session length', 'Seconds a panel login stays valid'],
    ['面板会话时长', '面板登录保持有效的秒数'],
  ),
  entry(
    'proxy',
    'upstream',
    'url',
    ['Proxy', 'Proxy for every upstream call (http, https or socks5 URL); empty for none'],
    ['代理', '所有上游请求使用的代理（http、https 或 socks5 URL），留空表示不用代理'],
  ),
  entry(
    'upstream_connect_timeout',
    'upstream',
    'number',
    ['Connect timeout', 'Seconds to open a connection to the upstream'],
    ['连接超时', '连接上游的超时秒数'],
  ),
  entry(
    'upstream_first_byte_timeout',
    'upstream',
    'number',
    ['First-byte timeout', 'Seconds to wait for the upstream answer to start'],
    ['首字节超时', '等待上游开始应答的秒数'],
  ),
  entry(
    'upstream_idle_timeout',
    'upstream',
    'number',
    ['Idle timeout', 'Seconds an upstream answer may pause before it is dropped'],
    ['空闲超时', '上游应答中途停顿超过该秒数即断开'],
  ),
  endpoint(
    'code_assist_endpoint',
    'CODE_ASSIST_ENDPOINT',
    'Code Assist (Gemini CLI)',
    'Code Assist（Gemini CLI）',
  ),
  endpoint('oauth_proxy_url', 'OAUTH_PROXY_URL', 'OAuth token endpoint', 'OAuth 令牌端点'),
  endpoint(
    'googleapis_proxy_url',
    'GOOGLEAPIS_PROXY_URL',
    'Google APIs (user info)',
    'Google APIs（用户信息）',
  ),
  endpoint(
    'resource_manager_api_url',
    'RESOURCE_MANAGER_API_URL',
    'Cloud Resource Manager',
    'Cloud Resource Manager',
  ),
  endpoint('service_usage_api_url', 'SERVICE_USAGE_API_URL', 'Service Usage', 'Service Usage'),
  endpoint(
    'antigravity_api_url',
    'ANTIGRAVITY_API_URL',
    'Antigravity upstream',
    'Antigravity 上游',
  ),
  entry(
    'auto_ban_enabled',
    'autoban',
    'bool',
    [
      'Auto-ban Gemini CLI credentials',
      'Disable a credential when it fails with a listed status code',
    ],
    ['自动封禁 Gemini CLI 凭证', '凭证返回列出的状态码时自动禁用'],
    'AUTO_BAN',
  ),
  entry(
    'auto_ban_error_codes',
    'autoban',
    'codes',
    ['Gemini CLI auto-ban codes', 'Status codes that auto-ban a Gemini CLI credential'],
    ['Gemini CLI 封禁状态码', '触发自动封禁的状态码'],
  ),
  entry(
    'ag_auto_ban_enabled',
    'autoban',
    'bool',
    [
      'Auto-ban antigravity credentials',
      'Disable a credential when it fails with a listed status code',
    ],
    ['自动封禁 Antigravity 凭证', '凭证返回列出的状态码时自动禁用'],
    'AG_AUTO_BAN',
  ),
  entry(
    'ag_auto_ban_error_codes',
    'autoban',
    'codes',
    ['Antigravity auto-ban codes', 'Status codes that auto-ban an antigravity credential'],
    ['Antigravity 封禁状态码', '触发自动封禁的状态码'],
  ),
  entry(
    'retry_429_enabled',
    'retry',
    'bool',
    [
      'Retry failed calls',
      'Retry a failed upstream call (429, 5xx, network) with another credential',
    ],
    ['失败重试', '上游返回 429、5xx 或网络错误时换一个凭证重试'],
  ),
  entry(
    'retry_429_max_retries',
    'retry',
    'integer',
    ['Most retries', 'Most retries of one request'],
    ['最大重试次数', '单个请求最多重试的次数'],
  ),
  entry(
    'retry_429_interval',
    'retry',
    'number',
    ['Retry interval', 'Seconds to wait between retries'],
    ['重试间隔', '两次重试之间等待的秒数'],
  ),
  entry(
    'calls_per_rotation',
    'retry',
    'integer',
    ['Calls per rotation', 'Calls served by one credential before rotating to the next'],
    ['轮换调用次数', '每个凭证连续处理多少次调用后换下一个'],
  ),
  entry(
    'recovery_enabled',
    'behaviour',
    'bool',
    [
      'Recovery job',
      'Re-try credentials the gateway disabled or marked, re-enable those that work, refresh tokens early',
    ],
    ['自动恢复任务', '重试网关自己禁用或标记的凭证，恢复可用的凭证，并提前刷新令牌'],
  ),
  entry(
    'recovery_interval',
    'behaviour',
    'integer',
    ['Recovery interval (s)', 'Seconds between two runs of the recovery job'],
    ['恢复间隔（秒）', '两次恢复任务之间的秒数'],
  ),
  entry(
    'recovery_probe_limit',
    'behaviour',
    'integer',
    ['Probes per run', 'Most credentials the recovery job re-tries in one run'],
    ['每次探测数量', '恢复任务每次最多重试的凭证数'],
  ),
  entry(
    'proactive_refresh_window',
    'behaviour',
    'integer',
    [
      'Refresh ahead (s)',
      'Refresh access tokens that expire within this many seconds (0 turns it off)',
    ],
    ['提前刷新（秒）', '在访问令牌到期前多少秒刷新（0 为关闭）'],
  ),
  entry(
    'import_max_archive_entries',
    'behaviour',
    'integer',
    [
      'Archive entries per upload',
      'Most entries (files and folders) in the ZIP archives of one upload; the byte caps still apply',
    ],
    [
      '每次上传的压缩包条目上限',
      '一次上传中 ZIP 压缩包最多包含的条目数（文件和文件夹），字节上限仍然有效',
    ],
  ),
  entry(
    'anti_truncation_max_attempts',
    'behaviour',
    'integer',
    ['Anti-truncation attempts', 'Most continuation requests of a streaming anti-truncation model'],
    ['抗截断最大次数', '流式抗截断模型最多续写的次数'],
  ),
  entry(
    'compatibility_mode_enabled',
    'behaviour',
    'bool',
    [
      'Compatibility mode',
      'Send OpenAI system messages as user turns instead of a system instruction',
    ],
    ['兼容模式', '将 OpenAI 的 system 消息作为 user 消息发送，不使用 systemInstruction'],
    'COMPATIBILITY_MODE',
  ),
  entry(
    'return_thoughts_to_frontend',
    'behaviour',
    'bool',
    ['Return thoughts', 'Return the model thoughts (reasoning_content); off strips them'],
    ['返回思考内容', '返回模型的思考内容（reasoning_content），关闭则去除'],
  ),
  entry(
    'oauth_callback_port',
    'other',
    'integer',
    ['OAuth callback port', 'First port tried for the local OAuth callback server'],
    ['OAuth 回调端口', '本地 OAuth 回调服务尝试的起始端口'],
  ),
];

const BY_KEY = new Map(SETTING_CATALOG.map((e) => [e.key, e]));

/** The entry of `key`; for a setting the panel does not know yet, one guessed from its value. */
export function settingEntry(key: string, value: unknown): SettingEntry {
  const known = BY_KEY.get(key);
  if (known) return known;
  const kind: SettingKind =
    typeof value === 'boolean'
      ? 'bool'
      : typeof value === 'number'
        ? 'number'
        : Array.isArray(value)
          ? 'codes'
          : 'text';
  return entry(key, 'other', kind, [key, ''], [key, '']);
}
