import type { CredentialData } from '../../storage/storage-backend.interface';

/** A token with less than this left is refreshed before use (seconds). */
export const REFRESH_MARGIN_SECONDS = 300;

/** The access token a credential holds (`token`, else `access_token`), if any. */
export function accessTokenOf(data: CredentialData): string | undefined {
  for (const value of [data.token, data.access_token]) {
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

/**
 * A credential's `expiry` in unix milliseconds, or `undefined` when missing or unparseable. ISO
 * times without a zone are UTC (Python writes naive UTC datetimes); numbers are unix seconds, or
 * milliseconds when that large.
 */
export function expiryOf(data: CredentialData): number | undefined {
  const value = data.expiry;
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value > 1e12 ? value : value * 1000;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** True when the credential has no access token, no readable expiry, or under 5 minutes left. */
export function needsRefresh(data: CredentialData, nowMs = Date.now()): boolean {
  const expiry = expiryOf(data);
  return (
    accessTokenOf(data) === undefined ||
    expiry === undefined ||
    expiry - nowMs < REFRESH_MARGIN_SECONDS * 1000
  );
}

/** The project a credential works in: `project_id`, else `quota_project_id`. */
export function projectIdOf(data: CredentialData): string | null {
  for (const value of [data.project_id, data.quota_project_id]) {
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}
