/**
 * The filtered summary page, matched on the server in one read-only script, so a page costs the
 * size of the filters' small sets, never the 100,000 names of the whole index.
 *
 * KEYS: index, then one index key per filter.
 * ARGV: offset, limit, now, then per filter its kind (`s`: a SET, a name is in it when a member;
 * `z`: a cooldown ZSET, a name is in it when scored after now) and `1` when a name must be in it,
 * `0` when it must not.
 * Reply: the number of names that pass every filter, then the page's names in insertion order.
 *
 * With a "must be in" filter, the smallest such set's members are checked against the others and
 * ordered by their index scores. Without one (enabled, out of cooldown, no problem), the page is
 * the index minus the union of the small sets: their ranks say where the page starts, and the
 * index is then read from there in windows, skipping their names.
 */
export const SUMMARY_PAGE_LUA = `
  local index, offset, limit, now = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
  local nowNumber = tonumber(now)
  local filters = {}
  for i = 2, #KEYS do
    filters[#filters + 1] = { key = KEYS[i], kind = ARGV[2 * i], wanted = ARGV[2 * i + 1] == '1' }
  end

  local function size(f)
    if f.kind == 's' then return redis.call('SCARD', f.key) end
    return redis.call('ZCOUNT', f.key, '(' .. now, '+inf')
  end

  local function members(f)
    if f.kind == 's' then return redis.call('SMEMBERS', f.key) end
    return redis.call('ZRANGEBYSCORE', f.key, '(' .. now, '+inf')
  end

  local function has(f, name)
    if f.kind == 's' then return redis.call('SISMEMBER', f.key, name) == 1 end
    local score = redis.call('ZSCORE', f.key, name)
    return score ~= false and tonumber(score) > nowNumber
  end

  local smallest, smallestSize = nil, nil
  for _, f in ipairs(filters) do
    if f.wanted then
      local n = size(f)
      if smallest == nil or n < smallestSize then smallest, smallestSize = f, n end
    end
  end

  local reply = {}
  if smallest then
    local found = {}
    for _, name in ipairs(members(smallest)) do
      local passes = true
      for _, f in ipairs(filters) do
        if f ~= smallest and has(f, name) ~= f.wanted then passes = false break end
      end
      if passes then
        local order = redis.call('ZSCORE', index, name)
        -- A name outside the index is not a credential (the scripts keep them in step).
        if order then found[#found + 1] = { tonumber(order), name } end
      end
    end
    table.sort(found, function(a, b) return a[1] < b[1] end)
    reply[1] = #found
    for i = offset + 1, math.min(#found, offset + limit) do reply[#reply + 1] = found[i][2] end
    return reply
  end

  local excluded, ranks = {}, {}
  for _, f in ipairs(filters) do
    for _, name in ipairs(members(f)) do
      if not excluded[name] then
        excluded[name] = true
        local rank = redis.call('ZRANK', index, name)
        if rank then ranks[#ranks + 1] = rank end
      end
    end
  end
  table.sort(ranks)
  reply[1] = redis.call('ZCARD', index) - #ranks
  -- The rank of the offset-th name left: each excluded name at or before it moves it on by one.
  local start = offset
  for _, rank in ipairs(ranks) do
    if rank <= start then start = start + 1 else break end
  end
  while #reply - 1 < limit do
    local window = redis.call('ZRANGE', index, start, start + limit - 1)
    if #window == 0 then break end
    for _, name in ipairs(window) do
      if not excluded[name] and #reply - 1 < limit then reply[#reply + 1] = name end
    end
    start = start + #window
  end
  return reply
`;
