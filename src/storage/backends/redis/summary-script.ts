/**
 * The filtered summary page, matched on the server in one script that stores nothing: writing a
 * ZSET costs the server microseconds per member, far more than reading one, so every set the
 * script works out is a Lua table, and every large set stays where it is, used by rank and count.
 *
 * KEYS: index, then one index key per filter.
 * ARGV: offset, limit, now, then per filter its kind (`o`: scored by insertion order, a name is in
 * it when a member; `u`: a cooldown index scored by until, a name is in it while its until is
 * after now) and `1` when a name must be in it, `0` when it must not.
 * Reply: the number of names that pass every filter, then the page's names in insertion order.
 *
 * Two ways, whichever reads fewer names. Either every name of the smallest "must be in" set is
 * checked against the other filters (ZMSCORE); or the page is read by rank from a base (the one
 * "must be in" set, or the index) that skips the names of the "must not be in" sets: the largest
 * of those (when the base is the index) as it is, the others as a sorted table of orders, so the
 * names skipped up to any rank are counted without reading the base, and a binary search over
 * ranks finds where the page starts and where it resumes after a run of skipped names.
 */
export const SUMMARY_PAGE_LUA = `
  local index, offset, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
  local now, after = tonumber(ARGV[3]), '(' .. ARGV[3]

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
  -- Whether each of names passes filter f's membership test.
  local function within(f, names)
    local found = scores(f.key, names)
    for i = 1, #names do found[i] = found[i] ~= false and (f.kind == 'o' or tonumber(found[i]) > now) end
    return found
  end
  -- The names in f in insertion order, and their orders.
  local function members(f)
    local names, orders = {}, {}
    if f.kind == 'o' then
      local flat = redis.call('ZRANGE', f.key, 0, -1, 'WITHSCORES')
      for i = 1, #flat, 2 do names[#names + 1], orders[#orders + 1] = flat[i], tonumber(flat[i + 1]) end
      return names, orders
    end
    local live = redis.call('ZRANGEBYSCORE', f.key, after, '+inf')
    local byOrder = {}
    for i, order in ipairs(scores(index, live)) do
      if order then
        orders[#orders + 1] = tonumber(order)
        byOrder[orders[#orders]] = live[i]
      end
    end
    table.sort(orders)
    for i, order in ipairs(orders) do names[i] = byOrder[order] end
    return names, orders
  end

  local wanted, unwanted, unwantedSize = {}, {}, 0
  for i = 2, #KEYS do
    local f = { key = KEYS[i], kind = ARGV[2 * i] }
    if f.kind == 'o' then f.size = redis.call('ZCARD', f.key)
    else f.size = redis.call('ZCOUNT', f.key, after, '+inf') end
    if ARGV[2 * i + 1] == '1' then wanted[#wanted + 1] = f
    else unwanted[#unwanted + 1], unwantedSize = f, unwantedSize + f.size end
  end
  table.sort(wanted, function(a, b) return a.size < b.size end)

  local page = { 0 }
  local function take(name, total)
    if total > offset and #page <= limit then page[#page + 1] = name end
  end

  local first = wanted[1]
  if first and (#wanted > 1 or first.kind == 'u' or first.size <= unwantedSize) then
    local names = members(first)
    local keep = {}
    for i = 1, #names do keep[i] = true end
    for k, f in ipairs(wanted) do
      if k > 1 then
        for i, yes in ipairs(within(f, names)) do keep[i] = keep[i] and yes end
      end
    end
    for _, f in ipairs(unwanted) do
      for i, yes in ipairs(within(f, names)) do keep[i] = keep[i] and not yes end
    end
    for i, name in ipairs(names) do
      if keep[i] then page[1] = page[1] + 1; take(name, page[1]) end
    end
    return page
  end

  local base = first or { key = index, kind = 'o', size = redis.call('ZCARD', index) }
  -- On the index, the largest set of sorted names to skip is used as it is.
  local largest
  if base.key == index then
    for k, f in ipairs(unwanted) do
      if f.kind == 'o' and (not largest or f.size > unwanted[largest].size) then largest = k end
    end
    if largest then largest = table.remove(unwanted, largest) end
  end
  -- The other names to skip: those of the base, not already skipped, by order.
  local skipOrders, skipNames = {}, {}
  for _, f in ipairs(unwanted) do
    local names, orders = members(f)
    local inBase = base.key ~= index and scores(base.key, names)
    local inLargest = largest and scores(largest.key, names)
    for i, name in ipairs(names) do
      if not skipNames[name] and (not inBase or inBase[i]) and not (inLargest and inLargest[i]) then
        skipNames[name], skipOrders[#skipOrders + 1] = true, orders[i]
      end
    end
  end
  table.sort(skipOrders)
  local skipped = #skipOrders + (largest and largest.size or 0)
  page[1] = base.size - skipped
  if skipped == 0 then
    for _, name in ipairs(redis.call('ZRANGE', base.key, offset, offset + limit - 1)) do
      page[#page + 1] = name
    end
    return page
  end

  local function skippedUpTo(order)
    local low, high = 1, #skipOrders + 1
    while low < high do
      local mid = math.floor((low + high) / 2)
      if skipOrders[mid] <= order then low = mid + 1 else high = mid end
    end
    return low - 1 + (largest and redis.call('ZCOUNT', largest.key, '-inf', order) or 0)
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
  return page
`;
