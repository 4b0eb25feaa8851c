import type { CredentialState } from '../../storage-backend.interface';
import { encodeProblem } from '../sql/credential-json';
import { COOLDOWN_FIELD_PREFIX as CD, STATE_FIELD as F } from './keys';

/**
 * KEYS: index, disabled, cooling, version, then the state hash per item.
 * ARGV: errors prefix, cooldown prefix, problem prefix, then one item per state key (see
 * `restoreItem`).
 * Replaces each existing state hash and its index entries; a name without one is skipped.
 */
export const RESTORE_STATES_LUA = `
  for i = 1, #KEYS - 4 do
    local state, item = KEYS[4 + i], cjson.decode(ARGV[3 + i])
    if redis.call('EXISTS', state) == 1 then
      unindex(state, item.n, KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
      redis.call('DEL', state)
      redis.call('HSET', state, '${F.disabled}', item.d, '${F.errorCodes}', item.cj,
        '${F.callCount}', item.k)
      if item.l then redis.call('HSET', state, '${F.lastSuccess}', item.l) end
      if item.e then redis.call('HSET', state, '${F.userEmail}', item.e) end
      if item.p then redis.call('HSET', state, '${F.problem}', item.p) end
      for _, pair in ipairs(item.m) do redis.call('HSET', state, '${CD}' .. pair[1], pair[2]) end
      reindex(state, item.n, KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
    end
  end
  if #KEYS > 4 then redis.call('INCR', KEYS[4]) end
  return 0`;

/**
 * One item of the script's ARGV, as JSON. Times and counts travel as strings formatted by
 * JavaScript, so Lua stores them as given and never rounds them; absent fields mean null.
 */
export function restoreItem(name: string, s: CredentialState): string {
  return JSON.stringify({
    n: name,
    d: s.disabled ? '1' : '0',
    cj: JSON.stringify(s.errorCodes),
    k: String(s.callCount),
    l: s.lastSuccess === null ? undefined : String(s.lastSuccess),
    e: s.userEmail ?? undefined,
    m: Object.entries(s.modelCooldowns).map(([key, until]) => [key, String(until)]),
    p: encodeProblem(s.problem ?? null) ?? undefined,
  });
}
