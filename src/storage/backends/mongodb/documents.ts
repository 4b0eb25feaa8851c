import type {
  CredentialData,
  CredentialProblem,
  CredentialState,
  Namespace,
} from '../../storage-backend.interface';
import { decodeProblem, liveCooldowns } from '../sql/credential-json';

/** Collection per namespace; the names are those of the Python gateway, so its databases open as-is. */
export const CREDENTIAL_COLLECTIONS: Record<Namespace, string> = {
  geminicli: 'credentials',
  antigravity: 'antigravity_credentials',
};
export const CONFIG_COLLECTION = 'config';
export const ENTRIES_COLLECTION = 'gcli_entries';
export const META_COLLECTION = 'gcli_meta';

/** `gcli_meta` documents: the change marker and the insertion-order counter. */
export const VERSION_ID = 'version';
export const ROTATION_ID = 'rotation_order';

/**
 * A credential document, in the Python gateway's shape plus `_id` = filename (the cheapest
 * lookup on every wire-compatible server). Data that BSON cannot hold as-is is JSON text.
 */
export interface CredentialDoc {
  _id: string;
  filename: string;
  credential_data?: Record<string, unknown>;
  credential_json?: string;
  disabled?: boolean;
  error_codes?: unknown;
  last_success?: number | null;
  user_email?: string | null;
  model_cooldowns?: Record<string, unknown>;
  rotation_order?: number;
  call_count?: number;
  /** Why the credential cannot serve; absent or null when nothing is wrong. */
  problem?: CredentialProblem | null;
  created_at?: number;
  updated_at?: number;
}

/** The fields of a credential document that hold its data. */
export const DATA_PROJECTION = { credential_data: 1, credential_json: 1 } as const;

/** A credential document's data, from whichever field holds it. */
export function credentialDataOf(
  doc: Pick<CredentialDoc, 'credential_data' | 'credential_json'>,
): CredentialData {
  if (doc.credential_json !== undefined) return JSON.parse(doc.credential_json) as CredentialData;
  return (doc.credential_data ?? {}) as CredentialData;
}

export interface ConfigDoc {
  key: string;
  value?: unknown;
  value_json?: string;
  updated_at?: number;
}

export interface EntryDoc {
  _id: string;
  value: string;
  /** Unix seconds; the entry is dead from then on. */
  expires_at: number;
}

export interface MetaDoc {
  _id: string;
  value: number;
}

/** Everything the state readers need, and never the credential's data. */
export const STATE_PROJECTION = {
  filename: 1,
  rotation_order: 1,
  disabled: 1,
  error_codes: 1,
  last_success: 1,
  user_email: 1,
  model_cooldowns: 1,
  call_count: 1,
  problem: 1,
} as const;

/** Insertion order; `_id` breaks ties between documents of an older gateway. */
export const INSERTION_ORDER = { rotation_order: 1, _id: 1 } as const;

/** The fields of a brand-new credential, apart from its data. */
export function freshCredential(name: string, order: number, now: number) {
  return {
    _id: name,
    filename: name,
    disabled: false,
    error_codes: [],
    // No last success: a new credential has not served yet.
    last_success: null,
    user_email: null,
    model_cooldowns: {},
    rotation_order: order,
    call_count: 0,
    created_at: now,
    updated_at: now,
  };
}

/** The state of a document read with STATE_PROJECTION; cooldowns that ended by `now` left out. */
export function toState(doc: Partial<CredentialDoc>, now: number): CredentialState {
  return {
    disabled: doc.disabled === true,
    errorCodes: errorCodesOf(doc),
    lastSuccess: typeof doc.last_success === 'number' ? doc.last_success : null,
    userEmail: typeof doc.user_email === 'string' ? doc.user_email : null,
    modelCooldowns: liveCooldowns(decodeCooldowns(doc.model_cooldowns), now),
    callCount: Number(doc.call_count ?? 0),
    problem: decodeProblem(doc.problem),
  };
}

export function errorCodesOf(doc: Partial<CredentialDoc>): number[] {
  return Array.isArray(doc.error_codes) ? doc.error_codes.filter((c) => typeof c === 'number') : [];
}

/** `code` appended as the most recent one; codes distinct, only the last `kept` kept. */
export function withErrorCode(codes: number[], code: number, kept: number): number[] {
  return [...codes.filter((c) => c !== code), code].slice(-kept);
}

/** Whether `key` (or, without one, any model) cools down after `now`. */
export function isCooling(doc: Partial<CredentialDoc>, key: string | undefined, now: number) {
  const live = liveCooldowns(decodeCooldowns(doc.model_cooldowns), now);
  return key === undefined ? Object.keys(live).length > 0 : key in live;
}

/**
 * The field path of one model's cooldown. A field name must not contain `.` nor start with `$`
 * (model names such as `gemini-2.5-pro` do), so those characters and `%` are percent-encoded;
 * other keys stay as the Python gateway wrote them.
 */
export function cooldownPath(modelKey: string): string {
  const encoded = modelKey
    .replace(/[%.]/g, (c) => (c === '%' ? '%25' : '%2E'))
    .replace(/^\$/, '%24');
  return `model_cooldowns.${encoded}`;
}

function decodeCooldowns(stored: unknown): Record<string, unknown> {
  if (!stored || typeof stored !== 'object') return {};
  return Object.fromEntries(
    Object.entries(stored).map(([key, until]) => [
      key.replace(/%(25|2E|24)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      until,
    ]),
  );
}

/**
 * How a JSON value is stored: natively when every object key is a field name BSON accepts on
 * every server, else as JSON text in the `json` field (keys with `.`, a leading `$`, or empty).
 */
export function encodeValue(value: unknown): { native: unknown } | { json: string } {
  return isBsonSafe(value) ? { native: value } : { json: JSON.stringify(value) };
}

function isBsonSafe(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isBsonSafe);
  return Object.entries(value).every(
    ([key, item]) =>
      key !== '' &&
      !key.includes('.') &&
      !key.startsWith('$') &&
      key !== '__proto__' &&
      isBsonSafe(item),
  );
}

/** True for a duplicate-key error, the answer to a lost insert race. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}
