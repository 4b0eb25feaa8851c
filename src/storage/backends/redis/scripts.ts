import type { ChainableCommander } from 'ioredis';
import type {
  CredentialData,
  CredentialState,
  CredentialStatePatch,
  RecordFailureInput,
} from '../../storage-backend.interface';
import type { StorageRules } from '../../storage-rules';
import { encodeProblem } from '../sql/credential-json';
import { cooldownField, type CredentialKeys, type SharedKeys, STATE_FIELD as F } from './keys';
import type { RedisClient } from './client';
import { INDEX_BACKFILL_LUA } from './index-upgrade';
import { INDEX_PRELUDE_LUA } from './index-prelude';
import { RESTORE_STATES_LUA, restoreItem } from './restore-script';
import { SUMMARY_PAGE_LUA } from './summary-script';

/**
 * The work that takes more than one command. Every read-modify-write is a Lua script, so it runs
 * atomically on the server, indexes included; each one that touches a credential first checks
 * that its state hash exists, so a call for an unknown name changes nothing and returns 0.
 * Numbers arrive as strings formatted by JavaScript and are stored (and scored) as given, so Lua
 * never re-formats (and rounds) a time.
 */
const LUA = {
  /**
   * KEYS: index, seq, version, disabled, cooling, then data and state per item.
   * ARGV: problem prefix, errors prefix, cooldown prefix, then name and json per item.
   */
  gcliUpsert: `
    local created = 0
    for i = 1, (#KEYS - 5) / 2 do
      local data, state, name = KEYS[4 + 2 * i], KEYS[5 + 2 * i], ARGV[2 + 2 * i]
      if redis.call('EXISTS', data) == 0 then
        created = created + 1
        -- A state hash left without its data starts over, and leaves its indexes.
        if redis.call('EXISTS', state) == 1 then
          unindex(state, name, KEYS[4], KEYS[5], ARGV[2], ARGV[3], ARGV[1])
          redis.call('DEL', state)
        end
        -- No last success: a new credential has not served yet.
        redis.call('HSET', state, '${F.disabled}', '0', '${F.errorCodes}', '[]',
          '${F.callCount}', '0')
        redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[2]), name)
      end
      redis.call('SET', data, ARGV[3 + 2 * i])
    end
    if #KEYS > 5 then redis.call('INCR', KEYS[3]) end
    return created`,

  /**
   * KEYS: data, state, index, disabled, cooling, version.
   * ARGV: name, errors prefix, cooldown prefix, problem prefix.
   */
  gcliDelete: `
    if redis.call('DEL', KEYS[1]) == 0 then return 0 end
    unindex(KEYS[2], ARGV[1], KEYS[4], KEYS[5], ARGV[2], ARGV[3], ARGV[4])
    redis.call('DEL', KEYS[2])
    redis.call('ZREM', KEYS[3], ARGV[1])
    redis.call('INCR', KEYS[6])
    return 1`,

  /**
   * KEYS: state, disabled, version, index. ARGV: name, problem prefix, then (set|del, field,
   * value) per field; a problem's value is its JSON, whose code names its index.
   */
  gcliUpdateState: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    for i = 3, #ARGV, 3 do
      local field, value = ARGV[i + 1], ARGV[i + 2]
      if field == '${F.problem}' then
        unindexProblem(KEYS[1], ARGV[1], ARGV[2])
        if ARGV[i] == 'set' then
          addOrdered(ARGV[2] .. cjson.decode(value).code, KEYS[4], ARGV[1])
          addOrdered(ARGV[2] .. '*', KEYS[4], ARGV[1])
        end
      end
      if ARGV[i] == 'set' then redis.call('HSET', KEYS[1], field, value)
      else redis.call('HDEL', KEYS[1], field) end
      if field == '${F.disabled}' then
        if value == '1' then addOrdered(KEYS[2], KEYS[4], ARGV[1])
        else redis.call('ZREM', KEYS[2], ARGV[1]) end
      end
    end
    if #ARGV > 2 then redis.call('INCR', KEYS[3]) end
    return 1`,

  /** KEYS: state, the model's cooldown index, cooling, version. ARGV: name, field, until or ''. */
  gcliSetCooldown: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    putCooldown(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])
    redis.call('INCR', KEYS[4])
    return 1`,

  /**
   * KEYS: state, cooling, then the model's cooldown index when one is cleared.
   * ARGV: name, at, errors prefix, how many successes, then that model's cooldown field.
   */
  gcliRecordSuccess: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    for _, code in ipairs(storedCodes(KEYS[1])) do
      redis.call('ZREM', ARGV[3] .. codeText(code), ARGV[1])
    end
    redis.call('HSET', KEYS[1], '${F.lastSuccess}', ARGV[2], '${F.errorCodes}', '[]')
    redis.call('HINCRBY', KEYS[1], '${F.callCount}', ARGV[4])
    if KEYS[3] then putCooldown(KEYS[1], KEYS[3], KEYS[2], ARGV[1], ARGV[5], '') end
    return 1`,

  /**
   * KEYS: state, version, the code's error index, cooling, index, then the model's cooldown index
   * when one is set. ARGV: name, code, errors prefix, how many codes to keep, then that model's
   * cooldown field and until.
   */
  gcliRecordFailure: `
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    local code = tonumber(ARGV[2])
    local codes = {}
    for _, c in ipairs(storedCodes(KEYS[1])) do
      if c ~= code then codes[#codes + 1] = c end
    end
    codes[#codes + 1] = code
    local kept, first = {}, #codes - tonumber(ARGV[4]) + 1
    for i, c in ipairs(codes) do
      if i < first then redis.call('ZREM', ARGV[3] .. codeText(c), ARGV[1])
      else kept[#kept + 1] = codeText(c) end
    end
    redis.call('HSET', KEYS[1], '${F.errorCodes}', '[' .. table.concat(kept, ',') .. ']')
    addOrdered(KEYS[3], KEYS[5], ARGV[1])
    if KEYS[6] then
      putCooldown(KEYS[1], KEYS[6], KEYS[4], ARGV[1], ARGV[5], ARGV[6])
      redis.call('INCR', KEYS[2])
    end
    return 1`,

  gcliRestoreStates: RESTORE_STATES_LUA,

  gcliIndexBackfill: INDEX_BACKFILL_LUA,

  gcliSummaryPage: SUMMARY_PAGE_LUA,

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
export function defineScripts(client: RedisClient): void {
  for (const [name, body] of Object.entries(LUA)) {
    client.defineCommand(name, { lua: INDEX_PRELUDE_LUA + body });
  }
}

/** Runs a registered script and returns its integer reply. */
async function call(client: RedisClient, name: ScriptName, keys: string[], args: string[]) {
  const commands = client as unknown as Record<ScriptName, (...a: unknown[]) => Promise<unknown>>;
  return Number(await commands[name].call(client, keys.length, ...keys, ...args));
}

/** Runs a registered script; `true` when it changed something (its reply is not 0). */
const run = async (...params: Parameters<typeof call>) => (await call(...params)) > 0;

/** The script calls, each passing KEYS and ARGV in the order its script above reads them. */
export const SCRIPTS = {
  /** Upserts `items` (name, data) in one script call; resolves to how many were new. */
  async upsert(c: RedisClient, k: CredentialKeys, items: ReadonlyArray<[string, CredentialData]>) {
    const keys = [k.index, k.seq, k.version, k.disabled, k.cooling];
    const args = [k.problemPrefix, k.errorsPrefix, k.cooldownPrefix];
    for (const [name, data] of items) {
      keys.push(k.data(name), k.state(name));
      args.push(name, JSON.stringify(data));
    }
    return call(c, 'gcliUpsert', keys, args);
  },

  delete(c: RedisClient, k: CredentialKeys, name: string) {
    const keys = [k.data(name), k.state(name), k.index, k.disabled, k.cooling, k.version];
    return run(c, 'gcliDelete', keys, [name, k.errorsPrefix, k.cooldownPrefix, k.problemPrefix]);
  },

  updateState(c: RedisClient, k: CredentialKeys, name: string, patch: CredentialStatePatch) {
    const ops: string[] = [];
    const put = (field: string, value: string | number | null) =>
      ops.push(value === null ? 'del' : 'set', field, value === null ? '' : String(value));
    if (patch.disabled !== undefined) put(F.disabled, patch.disabled ? 1 : 0);
    if (patch.userEmail !== undefined) put(F.userEmail, patch.userEmail);
    if (patch.lastSuccess !== undefined) put(F.lastSuccess, patch.lastSuccess);
    if (patch.problem !== undefined) put(F.problem, encodeProblem(patch.problem));
    const args = [name, k.problemPrefix, ...ops];
    return run(c, 'gcliUpdateState', [k.state(name), k.disabled, k.version, k.index], args);
  },

  setCooldown(
    c: RedisClient,
    k: CredentialKeys,
    name: string,
    model: string,
    until: number | null,
  ) {
    const keys = [k.state(name), k.cooldown(model), k.cooling, k.version];
    const args = [name, cooldownField(model), until === null ? '' : String(until)];
    return run(c, 'gcliSetCooldown', keys, args);
  },

  recordSuccess(
    c: RedisClient,
    k: CredentialKeys,
    name: string,
    at: number,
    count: number,
    model?: string,
  ) {
    const keys = [k.state(name), k.cooling];
    const args = [name, String(at), k.errorsPrefix, String(count)];
    if (model !== undefined) {
      keys.push(k.cooldown(model));
      args.push(cooldownField(model));
    }
    return run(c, 'gcliRecordSuccess', keys, args);
  },

  recordFailure(
    c: RedisClient,
    k: CredentialKeys,
    name: string,
    input: RecordFailureInput,
    rules: StorageRules,
  ) {
    const { code, modelKey: model, cooldownUntil: until } = input;
    const keys = [k.state(name), k.version, k.errors(code), k.cooling, k.index];
    const args = [name, String(code), k.errorsPrefix, String(rules.errorCodesKept)];
    if (model !== undefined && until !== undefined) {
      keys.push(k.cooldown(model));
      args.push(cooldownField(model), String(until));
    }
    return run(c, 'gcliRecordFailure', keys, args);
  },

  restoreStates(
    c: RedisClient,
    k: CredentialKeys,
    items: ReadonlyArray<{ name: string; state: CredentialState }>,
  ) {
    const keys = [k.index, k.disabled, k.cooling, k.version];
    keys.push(...items.map((item) => k.state(item.name)));
    const args = [k.errorsPrefix, k.cooldownPrefix, k.problemPrefix];
    for (const { name, state } of items) args.push(restoreItem(name, state));
    return call(c, 'gcliRestoreStates', keys, args);
  },

  indexBackfill(c: RedisClient, k: CredentialKeys, names: readonly string[]) {
    const keys = [k.index, k.disabled, k.cooling, k.legacy.disabled, ...names.map(k.state)];
    const { errorsPrefix, problemPrefix } = k.legacy;
    const args = [k.errorsPrefix, k.cooldownPrefix, k.problemPrefix, errorsPrefix, problemPrefix];
    return call(c, 'gcliIndexBackfill', keys, [...args, ...names]);
  },

  deleteConfig(c: RedisClient, s: SharedKeys, key: string) {
    return run(c, 'gcliHdelBump', [s.config, s.version], [key]);
  },

  deleteEntryIf(c: RedisClient, s: SharedKeys, key: string, expected: string) {
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
