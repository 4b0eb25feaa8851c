import type { CredentialState, Namespace } from './storage-backend.interface';
import { STORAGE_RULES, type StorageRules } from './storage-rules';
import { StorageValidationError } from './storage.errors';

/** In UTF-8 bytes: PostgreSQL's unique index refuses much longer keys. */
const MAX_NAME_BYTES = 1024;
const MAX_KEY_LENGTH = 512;

/*
 * The argument checks of ValidatedStorage: each throws StorageValidationError with a message
 * naming the argument and the rule.
 */

export function invalid(message: string): never {
  throw new StorageValidationError(message);
}

export function checkNamespace(
  ns: unknown,
  rules: StorageRules = STORAGE_RULES,
): asserts ns is Namespace {
  if (!rules.namespaces.includes(ns as Namespace)) {
    invalid(`namespace must be ${rules.namespaces.join(' or ')}`);
  }
}

export function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) invalid('name must be a non-empty string');
  if (Buffer.byteLength(name) > MAX_NAME_BYTES)
    invalid(`name is longer than ${MAX_NAME_BYTES} bytes`);
  if (name.includes('\0')) invalid('name must not contain a NUL character');
}

/**
 * `key` as a key storage takes (see checkKey): a NUL becomes U+FFFD and the key is cut to its
 * first MAX_KEY_LENGTH characters (never inside a surrogate pair). For keys that come from
 * clients, such as a model name a usage counter is kept under.
 */
export function storableKey(key: string): string {
  let kept = key.includes('\0') ? key.replaceAll('\0', '\uFFFD') : key;
  if (kept.length > MAX_KEY_LENGTH) {
    kept = kept.slice(0, MAX_KEY_LENGTH);
    if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  }
  return kept;
}

export function checkKey(what: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) invalid(`${what} must be a non-empty string`);
  if (key.length > MAX_KEY_LENGTH) invalid(`${what} is longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\0')) invalid(`${what} must not contain a NUL character`);
}

/**
 * The most successes one recordSuccess may stand for. Batches are far smaller (the recorder
 * writes at least every 1,000 calls); a count this large is a bug, and refusing it keeps a
 * runaway value from reaching a counter.
 */
export const MAX_SUCCESS_COUNT = 1_000_000;

export function checkCount(what: string, value: unknown) {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_SUCCESS_COUNT) {
    invalid(`${what} must be an integer from 1 to ${MAX_SUCCESS_COUNT}`);
  }
}

export function checkTime(what: string, value: unknown) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalid(`${what} must be unix seconds (a finite number >= 0)`);
  }
}

export function checkData(data: unknown) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    invalid('credential data must be a JSON object');
  }
  checkJson(data);
}

/** `path` names the value in messages, e.g. `value` or `set["key"]`. */
export function checkJson(value: unknown, path = 'value') {
  if (value === undefined) invalid(`${path} must not be undefined`);
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      // PostgreSQL's JSONB cannot hold NUL; refuse it everywhere so every backend agrees.
      if (v.includes('\0')) invalid(`${path} contains a NUL character`);
      return;
    }
    if (v === null || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) invalid(`${path} is not a finite number`);
      return;
    }
    if (typeof v !== 'object') invalid(`${path} is not JSON (${typeof v})`);
    if (seen.has(v)) invalid(`${path} is circular`);
    seen.add(v);
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${path}[${i}]`));
    else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) invalid(`${path} is not a plain object`);
      for (const [k, item] of Object.entries(v as object)) {
        if (k.includes('\0')) invalid(`${path} has a key with a NUL character`);
        if (item === undefined) invalid(`${path}.${k} is undefined`);
        walk(item, `${path}.${k}`);
      }
    }
    seen.delete(v);
  };
  walk(value, path);
}

export function checkEntry(key: string, value: unknown, ttlMs: unknown) {
  checkKey('key', key);
  if (typeof value !== 'string') invalid('entry value must be a string');
  if (!Number.isInteger(ttlMs) || (ttlMs as number) < 1) {
    invalid('ttlMs must be a positive integer (milliseconds)');
  }
}

/** A problem code, and what a summary's problem filter may be besides one. */
const PROBLEM_CODE = /^[a-z0-9_]{1,64}$/;
const MAX_PROBLEM_MESSAGE = 1000;

export function checkProblem(problem: unknown) {
  if (problem === null) return;
  if (typeof problem !== 'object' || Array.isArray(problem)) {
    invalid('problem must be {code, message, at} or null');
  }
  const { code, message, at } = problem as Record<string, unknown>;
  checkProblemCode('problem.code', code);
  if (typeof message !== 'string' || message.length > MAX_PROBLEM_MESSAGE) {
    invalid(`problem.message must be a string of at most ${MAX_PROBLEM_MESSAGE} characters`);
  }
  if (message.includes('\0')) invalid('problem.message must not contain a NUL character');
  checkTime('problem.at', at);
}

export function checkProblemCode(what: string, code: unknown): asserts code is string {
  if (typeof code !== 'string' || !PROBLEM_CODE.test(code)) {
    invalid(`${what} must be lower-case letters, digits and _ (at most 64)`);
  }
}

/** A whole credential state, as `restoreStates` writes it. */
export function checkState(state: unknown, rules: StorageRules = STORAGE_RULES) {
  const s = state as Partial<CredentialState> | null;
  if (s === null || typeof s !== 'object') invalid('state must be an object');
  if (typeof s.disabled !== 'boolean') invalid('state.disabled must be a boolean');
  const codes = s.errorCodes;
  if (!Array.isArray(codes) || codes.length > rules.errorCodesKept) {
    invalid(`state.errorCodes must be an array of at most ${rules.errorCodesKept} codes`);
  }
  for (const code of codes) {
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      invalid('state.errorCodes must hold HTTP status codes (100-999)');
    }
  }
  if (new Set(codes).size !== codes.length) invalid('state.errorCodes must be distinct');
  if (s.lastSuccess != null) checkTime('state.lastSuccess', s.lastSuccess);
  if (s.userEmail != null && typeof s.userEmail !== 'string') {
    invalid('state.userEmail must be a string or null');
  }
  const cooldowns = s.modelCooldowns;
  if (cooldowns === null || typeof cooldowns !== 'object' || Array.isArray(cooldowns)) {
    invalid('state.modelCooldowns must be an object');
  }
  for (const [key, until] of Object.entries(cooldowns)) {
    checkKey('state.modelCooldowns key', key);
    checkTime(`state.modelCooldowns[${JSON.stringify(key)}]`, until);
  }
  if (!Number.isSafeInteger(s.callCount) || (s.callCount as number) < 0) {
    invalid('state.callCount must be an integer >= 0');
  }
  if (s.problem !== undefined) checkProblem(s.problem);
}
