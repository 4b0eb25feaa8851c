/**
 * The filtered summary page, matched on the server in one script, so a page costs the
 * size of the filters' small sets, never the 100,000 names of the whole index.
 *
 * KEYS: index, a scratch key (left deleted), then one index key per filter.
 * ARGV: offset, limit, now, then per filter its kind (`s`: a SET, a name is in it when a member;
 * `z`: a cooldown ZSET, a name is in it when scored after now) and `1` when a name must be in it,
 * `0` when it must not.
 * Reply: the number of names that pass every filter, then the page's names in insertion order.
 *
 * The server does the per-name work in C (ZINTERSTORE, ZCOUNT): a Lua call per name, as a first
 * version made, cost 10-30 ms at 100,000. With a "must be in" filter, the scratch ZSET is the
 * index intersected with those sets (scored by order), less the names of the others. Without one
 * (enabled, out of cooldown, no problem), it holds the unwanted names scored by order, and the
 * page is the index read from the rank a binary search finds, skipping them.
 */
export const SUMMARY_PAGE_LUA = `
  local index, scratch = KEYS[1], KEYS[2]
  local offset, limit, now = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
  local filters = {}
  for i = 3, #KEYS do
    filters[#filters + 1] = { key = KEYS[i], kind = ARGV[2 * i - 2], wanted = ARGV[2 * i - 1] == '1' }
  end

  local function members(f)
    if f.kind == 's' then return redis.call('SMEMBERS', f.key) end
    return redis.call('ZRANGEBYSCORE', f.key, '(' .. now, '+inf')
  end

  local anyWanted = false
  for _, f in ipairs(filters) do anyWanted = anyWanted or f.wanted end

  local reply = {}
  if anyWanted then
    -- The names in every "must be in" set, scored by their order, intersected by the server.
    local sources, weights = { index }, { 'WEIGHTS', 1 }
    for _, f in ipairs(filters) do
      if f.wanted then sources[#sources + 1], weights[#weights + 1] = f.key, 0 end
    end
    for _, weight in ipairs(weights) do sources[#sources + 1] = weight end
    redis.call('ZINTERSTORE', scratch, #weights - 1, unpack(sources))
    -- Then out go the lapsed cooldowns of the wanted ZSETs and the names of the unwanted sets.
    local function drop(names)
      for i = 1, #names, 1000 do
        redis.call('ZREM', scratch, unpack(names, i, math.min(#names, i + 999)))
      end
    end
    for _, f in ipairs(filters) do
      if f.wanted and f.kind == 'z' then drop(redis.call('ZRANGEBYSCORE', f.key, '-inf', now))
      elseif not f.wanted then drop(members(f)) end
    end
    reply[1] = redis.call('ZCARD', scratch)
    for _, name in ipairs(redis.call('ZRANGE', scratch, offset, offset + limit - 1)) do
      reply[#reply + 1] = name
    end
    redis.call('DEL', scratch)
    return reply
  end

  -- The unwanted names, in C: a SET's names score far after any cooldown, so taking out the
  -- lapsed cooldowns leaves them; then each gets its order.
  local sources = { 'ZUNIONSTORE', scratch, #filters }
  for _, f in ipairs(filters) do sources[#sources + 1] = f.key end
  sources[#sources + 1] = 'WEIGHTS'
  for _, f in ipairs(filters) do sources[#sources + 1] = f.kind == 's' and '1e15' or '1' end
  redis.call(unpack(sources))
  redis.call('ZREMRANGEBYSCORE', scratch, '-inf', now)
  redis.call('ZINTERSTORE', scratch, 2, scratch, index, 'WEIGHTS', 0, 1)
  local all = redis.call('ZCARD', index)
  reply[1] = all - redis.call('ZCARD', scratch)
  -- How many names are left up to rank r: r + 1 minus the unwanted ones at or before it.
  local function leftUpTo(r)
    local order = redis.call('ZRANGE', index, r, r, 'WITHSCORES')[2]
    return r + 1 - redis.call('ZCOUNT', scratch, '-inf', order)
  end
  -- The page starts at the least rank with offset + 1 names left up to it (a binary search, so
  -- a long run of unwanted names costs no more than a spread).
  local low, high = offset, math.min(all, offset + all - reply[1])
  while low < high do
    local mid = math.floor((low + high) / 2)
    if mid < all and leftUpTo(mid) >= offset + 1 then high = mid else low = mid + 1 end
  end
  local start = low
  while #reply - 1 < limit and start < all do
    local window = redis.call('ZRANGE', index, start, start + limit - 1)
    for _, name in ipairs(window) do
      if #reply - 1 < limit and not redis.call('ZSCORE', scratch, name) then
        reply[#reply + 1] = name
      end
    end
    start = start + #window
  end
  redis.call('DEL', scratch)
  return reply
`;
