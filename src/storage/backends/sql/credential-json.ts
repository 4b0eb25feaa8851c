import type { CredentialProblem } from '../../storage-backend.interface';

/**
 * The pure functions behind the atomic JSON-column updates. SQLite runs them as user-defined
 * functions inside one UPDATE; PostgreSQL has SQL twins created by a migration.
 */

/**
 * Appends `code` as the most recent one, keeping codes distinct and only the last `kept`
 * (StorageRules.errorCodesKept, passed by the statement).
 */
export function pushErrorCode(codesJson: string | null, code: number, kept: number): string {
  // The common cases, a first failure and the same code again, need no parse.
  if (!codesJson || codesJson === '[]') return `[${code}]`;
  if (codesJson === `[${code}]` || codesJson.endsWith(`,${code}]`)) return codesJson;
  const codes = parseArray(codesJson).filter((c) => c !== code);
  codes.push(code);
  return JSON.stringify(codes.slice(-kept));
}

/** 1 when `code` is among the stored codes. */
export function hasErrorCode(codesJson: string | null, code: number): number {
  return parseArray(codesJson).includes(code) ? 1 : 0;
}

/** Sets (or, with `until` null, removes) one model's cooldown. */
export function setCooldown(
  cooldownsJson: string | null,
  key: string,
  until: number | null,
): string {
  const cooldowns = parseObject(cooldownsJson);
  if (until === null) delete cooldowns[key];
  else cooldowns[key] = until;
  return JSON.stringify(cooldowns);
}

/** 1 when `key` (or, with `key` null, any model) cools down after `now`. */
export function isCooling(cooldownsJson: string | null, key: string | null, now: number): number {
  const cooldowns = parseObject(cooldownsJson);
  const values = key === null ? Object.values(cooldowns) : [cooldowns[key]];
  return values.some((until) => typeof until === 'number' && until > now) ? 1 : 0;
}

/**
 * The latest cooldown end of any model, or `null` when none is set: kept in the
 * `cooldown_until` column so that "cools down now" is an indexed comparison, since
 * `isCooling(json, null, now)` is exactly `latestCooldown(json) > now`.
 */
export function latestCooldown(cooldownsJson: string | null): number | null {
  let latest: number | null = null;
  for (const until of Object.values(parseObject(cooldownsJson))) {
    if (typeof until === 'number' && (latest === null || until > latest)) latest = until;
  }
  return latest;
}

/** Drops the cooldowns that ended at or before `now`. */
export function liveCooldowns(cooldowns: unknown, now: number): Record<string, number> {
  const live: Record<string, number> = {};
  if (cooldowns && typeof cooldowns === 'object') {
    for (const [key, until] of Object.entries(cooldowns)) {
      if (typeof until === 'number' && until > now) live[key] = until;
    }
  }
  return live;
}

/**
 * A problem as stored text, `code` first so that `problemPrefix(code)` matches it with LIKE;
 * `null` stays NULL.
 */
export function encodeProblem(problem: CredentialProblem | null): string | null {
  if (problem === null) return null;
  return JSON.stringify({ code: problem.code, message: problem.message, at: problem.at });
}

/** What every stored problem with `code` starts with (codes hold no LIKE wildcards but `_`). */
export function problemPrefix(code: string): string {
  return `{"code":${JSON.stringify(code)},`.replace(/_/g, '\\_');
}

/** A stored problem back, or `null` for none or text that is not one. */
export function decodeProblem(stored: unknown): CredentialProblem | null {
  if (stored == null || stored === '') return null;
  try {
    const value: unknown = typeof stored === 'string' ? JSON.parse(stored) : stored;
    const { code, message, at } = (value ?? {}) as Record<string, unknown>;
    if (typeof code !== 'string') return null;
    return { code, message: typeof message === 'string' ? message : '', at: Number(at) || 0 };
  } catch {
    return null;
  }
}

function parseArray(json: string | null): number[] {
  const value: unknown = json ? JSON.parse(json) : [];
  return Array.isArray(value) ? value : [];
}

function parseObject(json: string | null): Record<string, number> {
  const value: unknown = json ? JSON.parse(json) : {};
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, number>)
    : {};
}
