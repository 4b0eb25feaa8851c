import type { ChainableCommander, Redis } from 'ioredis';
import type {
  CredentialData,
  CredentialStatePatch,
  CredentialSummary,
  RecordFailureInput,
} from '../../storage-backend.interface';
import { MAX_ERROR_CODES } from '../sql/credential-json';
import {
  cooldownField,
  type CredentialKeys,
  decodeState,
  type SharedKeys,
  STATE_FIELD as F,
} from './keys';

/**
 * The work that takes more than one command. Every read-modify-write is a Lua script, so it runs
 * atomically on the server; each one that touches a credential first checks that its state hash
 * exists, so a call for an unknown name changes nothing and returns 0. Numbers arrive as strings
 * formatted by JavaScript and are stored as given, so Lua never re-formats (and rounds) a time.
 * Reads of many keys go in one pipeline.
 */
const LUA = {
  /** KEYS: index, seq, version, then data and state per item. ARGV: now, then name and json per item. */
  gcliUpsert: `
    local created = 0
    for i = 1, (#KEYS - 3) / 2 do
      local data, state, name = KEYS[2 + 2 * i], KEYS[3 + 2 * i], ARGV[2 * i]
      if redis.call('EXISTS', data) == 0 then
        created = created + 1
        redis.call('DEL', state)
        redis.call('HSET', state, '${F.disabled}', '0', '${F.errorCodes}', '[]',
          '${F.lastSuccess}', ARGV[1], '${F.callCount}', '0')
        redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), name)
      end
      redis.call('SET', data, ARGV[2 * i + 1])
    end
    if #KEYS > 3 then redis.call('INCR', KEYS[3]) end
    return created`,

  /** KEYS: data, state, index, disabled, version. ARGV: name. */
  gcliDelete: `
    if redis.call('DEL', KEYS[1]) == 0 then return 0 end
    redis.call('DEL', KEYS[2])
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('SREM', KEYS[4], ARGV[1])
    redis.call('INCR', KEYS[5])
    return 1`,

  /** KEYS: state, disabled, version. ARGV: name, then (set|del, field, value) per field. */
  gcliUpdateState: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    for i = 2, #ARGV, 3 do
      local field, value = ARGV[i + 1], ARGV[i + 2]
      if ARGV[i] == 'set' then redis.call('HSET', KEYS[1], field, value)
      else redis.call('HDEL', KEYS[1], field) end
      if field == '${F.disabled}' then
        redis.call(value == '1' and 'SADD' or 'SREM', KEYS[2], ARGV[1])
      end
    end
    if #ARGV > 1 then redis.call('INCR', KEYS[3]) end
    return 1`,

  /** KEYS: state, version. ARGV: cooldown field, until ('' clears it). */
  gcliSetCooldown: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
    else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
    redis.call('INCR', KEYS[2])
    return 1`,

  /** KEYS: state. ARGV: at, cooldown field to clear ('' for none). */
  gcliRecordSuccess: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    redis.call('HSET', KEYS[1], '${F.lastSuccess}', ARGV[1], '${F.errorCodes}', '[]')
    redis.call('HINCRBY', KEYS[1], '${F.callCount}', 1)
    if ARGV[2] ~= '' then redis.call('HDEL', KEYS[1], ARGV[2]) end
    return 1`,

  /** KEYS: state, version. ARGV: code, cooldown field ('' for none), until. */
  gcliRecordFailure: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    local code = tonumber(ARGV[1])
    local codes = {}
    for _, c in ipairs(cjson.decode(redis.call('HGET', KEYS[1], '${F.errorCodes}') or '[]')) do
      if c ~= code then codes[#codes + 1] = c end
    end
    codes[#codes + 1] = code
    local kept = {}
    for i = math.max(1, #codes - ${MAX_ERROR_CODES - 1}), #codes do
      kept[#kept + 1] = string.format('%d', codes[i])
    end
    redis.call('HSET', KEYS[1], '${F.errorCodes}', '[' .. table.concat(kept, ',') .. ']')
    if ARGV[2] ~= '' then
      redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
      redis.call('INCR', KEYS[2])
    end
    return 1`,

  /** KEYS: hash, version. ARGV: field. Bumps the version only when the field existed. */
  gcliHdelBump: `
    local n = redis.call('HDEL', KEYS[1], ARGV[1])
    if n > 0 then redis.call('INCR', KEYS[2]) end
    return n`,

  /** KEYS: entry. ARGV: expected value. */
  gcliDeleteIfEquals: `
    if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
    return 0`,
};

type ScriptName = keyof typeof LUA;

/** Registers every script on the client; ioredis then sends EVALSHA, falling back to EVAL once. */
export function defineScripts(client: Redis): void {
  for (const [name, lua] of Object.entries(LUA)) client.defineCommand(name, { lua });
}

/** Runs a registered script and returns its integer reply. */
async function call(client: Redis, name: ScriptName, keys: string[], args: string[]) {
  const commands = client as unknown as Record<ScriptName, (...a: unknown[]) => Promise<unknown>>;
  return Number(await commands[name].call(client, keys.length, ...keys, ...args));
}

/** Runs a registered script; `true` when it changed something (its reply is not 0). */
const run = async (...params: Parameters<typeof call>) => (await call(...params)) > 0;

/** The script calls, each passing KEYS and ARGV in the order its script above reads them. */
export const SCRIPTS = {
  /** Upserts `items` (name, data) in one script call; resolves to how many were new. */
  async upsert(
    c: Redis,
    k: CredentialKeys,
    items: ReadonlyArray<[string, CredentialData]>,
    now: number,
  ) {
    const keys = [k.index, k.seq, k.version];
    const args = [String(now)];
    for (const [name, data] of items) {
      keys.push(k.data(name), k.state(name));
      args.push(name, JSON.stringify(data));
    }
    return call(c, 'gcliUpsert', keys, args);
  },

  delete(c: Redis, k: CredentialKeys, name: string) {
    const keys = [k.data(name), k.state(name), k.index, k.disabled, k.version];
    return run(c, 'gcliDelete', keys, [name]);
  },

  updateState(c: Redis, k: CredentialKeys, name: string, patch: CredentialStatePatch) {
    const ops: string[] = [];
    const put = (field: string, value: string | number | null) =>
      ops.push(value === null ? 'del' : 'set', field, value === null ? '' : String(value));
    if (patch.disabled !== undefined) put(F.disabled, patch.disabled ? 1 : 0);
    if (patch.userEmail !== undefined) put(F.userEmail, patch.userEmail);
    if (patch.lastSuccess !== undefined) put(F.lastSuccess, patch.lastSuccess);
    return run(c, 'gcliUpdateState', [k.state(name), k.disabled, k.version], [name, ...ops]);
  },

  setCooldown(c: Redis, k: CredentialKeys, name: string, model: string, until: number | null) {
    const args = [cooldownField(model), until === null ? '' : String(until)];
    return run(c, 'gcliSetCooldown', [k.state(name), k.version], args);
  },

  recordSuccess(c: Redis, k: CredentialKeys, name: string, at: number, model?: string) {
    const args = [String(at), model === undefined ? '' : cooldownField(model)];
    return run(c, 'gcliRecordSuccess', [k.state(name)], args);
  },

  recordFailure(c: Redis, k: CredentialKeys, name: string, input: RecordFailureInput) {
    const { code, modelKey: model, cooldownUntil: until } = input;
    const field = model !== undefined && until !== undefined ? cooldownField(model) : '';
    const args = [String(code), field, String(until ?? '')];
    return run(c, 'gcliRecordFailure', [k.state(name), k.version], args);
  },

  deleteConfig(c: Redis, s: SharedKeys, key: string) {
    return run(c, 'gcliHdelBump', [s.config, s.version], [key]);
  },

  deleteEntryIf(c: Redis, s: SharedKeys, key: string, expected: string) {
    return run(c, 'gcliDeleteIfEquals', [s.entry(key)], [expected]);
  },
};

/** The results of a MULTI or pipeline, throwing the first command's error. */
export async function exec(batch: ChainableCommander): Promise<unknown[]> {
  const results = await batch.exec();
  if (!results) throw new Error('transaction aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** The states of `entries` (name, order) in one pipeline; credentials deleted meanwhile drop out. */
export async function readStates(
  c: Redis,
  k: CredentialKeys,
  entries: ReadonlyArray<[string, number]>,
  now: number,
): Promise<CredentialSummary[]> {
  const hashes = await exec(entries.reduce((p, [name]) => p.hgetall(k.state(name)), c.pipeline()));
  return entries.flatMap(([name, order], i) => {
    const state = decodeState(hashes[i] as Record<string, string>, now);
    return state ? [{ name, order, ...state }] : [];
  });
}
