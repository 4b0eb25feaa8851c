/**
 * The filtered summary page, matched on the server in one script. Writing a ZSET costs the server
 * microseconds per member, so the script stores at most the live part of a cooldown index (whose
 * scores are untils, not orders); every other set it works out is a Lua table, and every large
 * set stays where it is, used by rank and count.
 *
 * KEYS: index, a scratch key (left deleted), then one index key per filter.
 * ARGV: offset, limit, now, then per filter its kind (`o`: scored by insertion order, a name is in
 * it when a member; `u`: a cooldown index scored by until, a name is in it while its until is
 * after now; at most one) and `1` when a name must be in it, `0` when it must not.
 * Reply: the number of names that pass every filter, then the page's names in insertion order.
 *
 * Two ways, whichever reads fewer names. Either every name of the smallest "must be in" set is
 * checked against the other filters (ZMSCORE); or the page is read by rank from a base (the one
 * "must be in" set, or the index) that skips the names of the "must not be in" sets: the largest
 * of those (when the base is the index) as it is, the others as sorted tables of orders, so the
 * names skipped up to any rank are counted without reading the base, and a binary search over
 * ranks finds where the page starts and where it resumes after a run of skipped names.
 */
export const SUMMARY_PAGE_LUA = `
  local index, scratch, offset, limit = KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2])

  -- The scores in key of names (false where absent), in chunks a command can take.
  local function scores(key, names)
    local found = {}
    for i = 1, #names, 1000 do
      for _, score in ipairs(redis.call('ZMSCORE', key, unpack(names, i, math.min(#names, i + 999)))) do
        found[#found + 1] = score
      end
    end
    return found
  end
  -- Whether each of names is in the set at key.
  local function within(key, names)
    local found = scores(key, names)
    for i = 1, #names do found[i] = found[i] ~= false end
    return found
  end
  -- The names in the set at key in insertion order, and their orders when asked for.
  local function members(key, withOrders)
    if not withOrders then return redis.call('ZRANGE', key, 0, -1) end
    local flat, names, orders = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES'), {}, {}
    for i = 1, #flat, 2 do names[#names + 1], orders[#orders + 1] = flat[i], tonumber(flat[i + 1]) end
    return names, orders
  end

  local wanted, unwanted, unwantedSize = {}, {}, 0
  for i = 3, #KEYS do
    local key = KEYS[i]
    if ARGV[2 * i - 2] == 'u' then
      -- The names with a cooldown, scored by order, less those whose cooldown is over by now.
      redis.call('ZINTERSTORE', scratch, 2, key, index, 'WEIGHTS', 0, 1)
      local lapsed = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[3])
      for j = 1, #lapsed, 1000 do
        redis.call('ZREM', scratch, unpack(lapsed, j, math.min(#lapsed, j + 999)))
      end
      key = scratch
    end
    local f = { key = key, size = redis.call('ZCARD', key) }
    if ARGV[2 * i - 1] == '1' then wanted[#wanted + 1] = f
    else unwanted[#unwanted + 1], unwantedSize = f, unwantedSize + f.size end
  end
  table.sort(wanted, function(a, b) return a.size < b.size end)

  local page = { 0 }
  local function done()
    redis.call('DEL', scratch)
    return page
  end
  local function take(name, total)
    if total > offset and #page <= limit then page[#page + 1] = name end
  end

  local first = wanted[1]
  if first and (#wanted > 1 or first.size <= unwantedSize) then
    local names = members(first.key)
    local keep = {}
    for i = 1, #names do keep[i] = true end
    for k, f in ipairs(wanted) do
      if k > 1 then
        for i, yes in ipairs(within(f.key, names)) do keep[i] = keep[i] and yes end
      end
    end
    for _, f in ipairs(unwanted) do
      for i, yes in ipairs(within(f.key, names)) do keep[i] = keep[i] and not yes end
    end
    for i, name in ipairs(names) do
      if keep[i] then page[1] = page[1] + 1; take(name, page[1]) end
    end
    return done()
  end

  local base = first or { key = index, size = redis.call('ZCARD', index) }
  -- On the index, the largest set of sorted names to skip is used as it is.
  local largest
  if base.key == index then
    for k, f in ipairs(unwanted) do
      if not largest or f.size > unwanted[largest].size then largest = k end
    end
    if largest then largest = table.remove(unwanted, largest) end
  end
  -- The other names to skip: per set, the orders of those in the base not skipped already, so
  -- the lists are disjoint and each stays sorted.
  local skipLists, skipNames = {}, {}
  local skipped = largest and largest.size or 0
  for _, f in ipairs(unwanted) do
    local names, orders = members(f.key, true)
    local inBase = base.key ~= index and scores(base.key, names)
    local inLargest = largest and scores(largest.key, names)
    local list = {}
    for i, name in ipairs(names) do
      if not skipNames[name] and (not inBase or inBase[i]) and not (inLargest and inLargest[i]) then
        skipNames[name], list[#list + 1] = true, orders[i]
      end
    end
    skipLists[#skipLists + 1], skipped = list, skipped + #list
  end
  page[1] = base.size - skipped
  if skipped == 0 then
    for _, name in ipairs(redis.call('ZRANGE', base.key, offset, offset + limit - 1)) do
      page[#page + 1] = name
    end
    return done()
  end

  local function skippedUpTo(order)
    local count = largest and redis.call('ZCOUNT', largest.key, '-inf', order) or 0
    for _, list in ipairs(skipLists) do
      local low, high = 1, #list + 1
      while low < high do
        local mid = math.floor((low + high) / 2)
        if list[mid] <= order then low = mid + 1 else high = mid end
      end
      count = count + low - 1
    end
    return count
  end
  local function isSkipped(name)
    return skipNames[name] or (largest and redis.call('ZSCORE', largest.key, name))
  end
  -- The least rank from low on with target names kept up to it (the target-th kept name's).
  local function seek(low, target)
    local high = math.min(base.size - 1, target - 1 + skipped)
    while low < high do
      local mid = math.floor((low + high) / 2)
      local order = tonumber(redis.call('ZRANGE', base.key, mid, mid, 'WITHSCORES')[2])
      if mid + 1 - skippedUpTo(order) >= target then high = mid else low = mid + 1 end
    end
    return low
  end

  local count = math.min(limit, page[1] - offset)
  local rank, misses = count > 0 and seek(offset, offset + 1) or 0, 0
  while #page - 1 < count do
    local name = redis.call('ZRANGE', base.key, rank, rank)[1]
    if not isSkipped(name) then
      page[#page + 1], rank, misses = name, rank + 1, 0
    elseif misses < 8 then
      rank, misses = rank + 1, misses + 1
    else
      -- A run of skipped names: jump over it, however long.
      rank, misses = seek(rank + 1, offset + #page), 0
    end
  end
  return done()
`;
