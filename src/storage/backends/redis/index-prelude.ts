import { COOLDOWN_FIELD_PREFIX, STATE_FIELD as F } from './keys';

const CD = COOLDOWN_FIELD_PREFIX;

/**
 * Lua functions the scripts share, put before each of them: they keep the indexes (see keys.ts)
 * in step with the state hash. The index keys of codes and models found in a hash can only be
 * made here, from the prefixes the caller passes (keys.ts owns their format); every other key
 * arrives in KEYS. Making keys in a script is fine on a cluster too: on one, every
 * prefix carries its group's hash tag, so the keys made land in the slot of the declared ones.
 */
export const INDEX_PRELUDE_LUA = `
  local function codeText(code) return string.format('%d', code) end

  local function storedCodes(state)
    return cjson.decode(redis.call('HGET', state, '${F.errorCodes}') or '[]')
  end

  -- Scores name in the cooling ZSET at its latest cooldown, or drops it when it has none left.
  local function rescoreCooling(state, cooling, name)
    local fields, latest, text = redis.call('HGETALL', state), nil, nil
    for i = 1, #fields, 2 do
      if string.sub(fields[i], 1, ${CD.length}) == '${CD}' then
        local value = tonumber(fields[i + 1])
        if latest == nil or value > latest then latest, text = value, fields[i + 1] end
      end
    end
    if text then redis.call('ZADD', cooling, text, name) else redis.call('ZREM', cooling, name) end
  end

  -- Sets one model's cooldown field (to untilText; '' clears it) and both its index entries.
  local function putCooldown(state, modelIndex, cooling, name, field, untilText)
    if untilText == '' then
      if redis.call('HDEL', state, field) == 0 then return end
      redis.call('ZREM', modelIndex, name)
    else
      redis.call('HSET', state, field, untilText)
      redis.call('ZADD', modelIndex, untilText, name)
    end
    rescoreCooling(state, cooling, name)
  end

  -- The code of the problem stored in a state hash, or nil.
  local function problemCode(state)
    local text = redis.call('HGET', state, '${F.problem}')
    if not text then return nil end
    local ok, value = pcall(cjson.decode, text)
    if ok and type(value) == 'table' and type(value.code) == 'string' then return value.code end
    return nil
  end

  -- Adds name to an index scored by order (see keys.ts): its score in the index, found with
  -- ZSCORE. A name the index lacks is in no index (a state hash is only ever written with one).
  local function addOrdered(key, index, name)
    local order = redis.call('ZSCORE', index, name)
    if order then redis.call('ZADD', key, order, name) end
  end

  -- Takes name out of the problem indexes its state hash puts it in.
  local function unindexProblem(state, name, problemPrefix)
    local code = problemCode(state)
    if code then redis.call('ZREM', problemPrefix .. code, name) end
    redis.call('ZREM', problemPrefix .. '*', name)
  end

  -- Takes name out of every index its state hash puts it in: disabled, error codes, cooldowns,
  -- problems.
  local function unindex(state, name, disabled, cooling, errorsPrefix, cooldownPrefix, problemPrefix)
    unindexProblem(state, name, problemPrefix)
    redis.call('ZREM', disabled, name)
    redis.call('ZREM', cooling, name)
    for _, code in ipairs(storedCodes(state)) do
      redis.call('ZREM', errorsPrefix .. codeText(code), name)
    end
    for _, field in ipairs(redis.call('HKEYS', state)) do
      if string.sub(field, 1, ${CD.length}) == '${CD}' then
        redis.call('ZREM', cooldownPrefix .. string.sub(field, ${CD.length + 1}), name)
      end
    end
  end

  -- Puts name into every index its state hash puts it in: what unindex takes it out of.
  local function reindex(state, name, index, disabled, cooling, errorsPrefix, cooldownPrefix,
      problemPrefix)
    if redis.call('HGET', state, '${F.disabled}') == '1' then addOrdered(disabled, index, name) end
    for _, code in ipairs(storedCodes(state)) do
      addOrdered(errorsPrefix .. codeText(code), index, name)
    end
    local code = problemCode(state)
    if code then
      addOrdered(problemPrefix .. code, index, name)
      addOrdered(problemPrefix .. '*', index, name)
    end
    local fields = redis.call('HGETALL', state)
    for i = 1, #fields, 2 do
      if string.sub(fields[i], 1, ${CD.length}) == '${CD}' then
        redis.call('ZADD', cooldownPrefix .. string.sub(fields[i], ${CD.length + 1}), fields[i + 1],
          name)
      end
    end
    rescoreCooling(state, cooling, name)
  end
`;
