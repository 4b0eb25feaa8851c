/** The two credential namespaces; antigravity's admin routes live under `/antigravity`. */
export type Namespace = 'geminicli' | 'antigravity';

/** Path of an admin route in a namespace: `/creds/status` or `/antigravity/creds/status`. */
export const nsPath = (ns: Namespace, path: string) =>
  ns === 'antigravity' ? `/antigravity${path}` : path;

/** The problems the gateway records on a credential (src/credentials/problems.ts). */
export const PROBLEM_CODES = [
  'no_project',
  'refresh_failed',
  'needs_reauth',
  'auto_banned',
] as const;

/** Why a credential cannot serve, as the gateway recorded it. */
export interface CredentialProblem {
  /** One of PROBLEM_CODES, or a newer code shown as it is. */
  code: string;
  message: string;
  /** Unix seconds. */
  at: number;
}

/** One row of `GET /creds/status`. */
export interface CredentialItem {
  filename: string;
  user_email: string | null;
  disabled: boolean;
  error_codes: number[];
  /** Unix seconds. */
  last_success: number | null;
  call_count?: number;
  /** Model key to unix seconds until which it cools down. */
  model_cooldowns: Record<string, number>;
  backend_type?: string;
  problem?: CredentialProblem | null;
}

export interface StatusPage {
  items: CredentialItem[];
  total: number;
  offset: number;
  limit: number;
  has_more: boolean;
  stats: { total: number; normal: number; disabled: number };
}

export interface StatusFilters {
  status_filter: 'all' | 'enabled' | 'disabled';
  error_code_filter: string;
  cooldown_filter: 'all' | 'in_cooldown' | 'no_cooldown';
  /** `all`, `any`, `none` or one problem code. */
  problem_filter: string;
  limit: number;
  offset: number;
}

/** One offered file of an upload or paste, as the import routes report it. */
export interface ImportResult {
  filename: string;
  status: string;
  message: string;
  archive?: string;
  entry?: string;
  index?: number;
}

export interface UploadResponse {
  uploaded_count: number;
  total_count: number;
  results: ImportResult[];
  message: string;
}

export interface ImportTextResponse {
  imported: number;
  skipped: number;
  errors: unknown[];
  results?: ImportResult[];
  message: string;
}

export interface SettingsView {
  config: Record<string, unknown>;
  env_locked: string[];
  restart_required?: string[];
  default_password_in_use?: boolean;
}

export interface StorageInfo {
  backend: string;
  requested: string;
  degraded: boolean;
  fallback_enabled: boolean;
  attempts: Array<{
    backend: string;
    label: string;
    target: string;
    ok: boolean;
    error?: string;
    duration_ms: number;
  }>;
  connection: Record<string, unknown>;
  counts: Record<string, number>;
  ping_ms: number;
}

/**
 * A batch action's outcome in either shape the server may answer: this gateway's
 * `{success_count, total_count, errors[{filename, message}]}`, the Python panel's
 * `{success_count, total_count, errors[string]}` or its antigravity `{total, succeeded, failed,
 * results[{filename, success, message}]}`.
 */
export interface BatchOutcome {
  succeeded: number;
  total: number;
  errors: string[];
}

export function batchOutcome(body: unknown, requested: number): BatchOutcome {
  const b = (body ?? {}) as Record<string, unknown>;
  const count = (value: unknown) =>
    typeof value === 'number' ? value : Array.isArray(value) ? value.length : undefined;
  // The antigravity shape counts its failures (`failed`) and gives their reasons in `results`.
  const failedResults = Array.isArray(b.results)
    ? b.results.filter((r) => (r as { success?: unknown } | null)?.success === false)
    : [];
  const list = Array.isArray(b.errors)
    ? b.errors
    : Array.isArray(b.failed)
      ? b.failed
      : failedResults;
  const errors = list.map((error) => {
    if (typeof error === 'string') return error;
    const e = (error ?? {}) as Record<string, unknown>;
    const text = e.message ?? e.error ?? e.detail;
    return [e.filename, text].filter((part) => part !== undefined).join(': ');
  });
  return {
    succeeded: count(b.success_count) ?? count(b.succeeded) ?? requested - errors.length,
    total: count(b.total_count) ?? count(b.total) ?? requested,
    errors,
  };
}
