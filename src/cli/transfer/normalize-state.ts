import type { CredentialState } from '../../storage/storage-backend.interface';
import { STORAGE_RULES } from '../../storage/storage-rules';

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * A state as the storage rules allow it, from what an older database holds: the Python gateway
 * appended error codes without keeping them distinct, and left call counts and times unset.
 * Codes keep their last occurrence and the newest StorageRules.errorCodesKept; anything unusable becomes the default.
 */
export function normalizeState(state: CredentialState): CredentialState {
  const codes: number[] = [];
  for (const code of Array.isArray(state.errorCodes) ? state.errorCodes : []) {
    if (!Number.isInteger(code) || code < 100 || code > 999) continue;
    const seen = codes.indexOf(code);
    if (seen >= 0) codes.splice(seen, 1);
    codes.push(code);
  }
  const cooldowns: Record<string, number> = {};
  for (const [key, until] of Object.entries(state.modelCooldowns ?? {})) {
    if (key && isTime(until)) cooldowns[key] = until;
  }
  const calls = Number(state.callCount);
  return {
    disabled: state.disabled === true,
    errorCodes: codes.slice(-STORAGE_RULES.errorCodesKept),
    lastSuccess: isTime(state.lastSuccess) ? state.lastSuccess : null,
    userEmail: typeof state.userEmail === 'string' ? state.userEmail : null,
    modelCooldowns: cooldowns,
    callCount: Number.isSafeInteger(calls) && calls >= 0 ? calls : 0,
    problem: state.problem ?? null,
  };
}
