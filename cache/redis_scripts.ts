// The Redis store's server-side scripts (Lua, run with EVAL in the store's
// pipelines): each removal or edit that spans many keys runs in Redis in one
// step, so the helper sets stay consistent with the values whatever the
// store's connection does meanwhile.
import { INDEXED } from "./redis_layout.ts";

// Removes one cached key of `kind`, whose owner is `owner` (its guild's id,
// a message's channel's), with every listing that names it: its expiry
// entry, `kind_keys`, the owner's `guild_keys:G` or `channel_keys:C`, and
// for the kinds with a per-guild list (redis_layout.ts's INDEXED) that one.
// The prelude of the scripts that take single keys back (an expired member
// or message, an orphan written after its guild or channel went).
export const FORGET_KEY = `
local indexedKinds = { ${
  [...INDEXED].map((kind) => `${kind} = true`).join(", ")
} }
local function forgetKey(key, kind, owner)
  redis.call('DEL', key)
  redis.call('HDEL', 'expiry_keys', key)
  redis.call('SREM', kind .. '_keys', key)
  if kind == 'message' then
    redis.call('SREM', 'channel_keys:' .. owner, key)
  else
    redis.call('SREM', 'guild_keys:' .. owner, key)
    if indexedKinds[kind] then
      redis.call('SREM', 'guild_kind_keys:' .. owner .. ':' .. kind, key)
    end
  end
end`;

// The guilds a channel key's value names (only read: nothing is
// re-encoded): its guild_id, read with cjson (none for a DM, a value not
// JSON, or a key of another type, which GET fails and MGET reads as none).
// A value cjson refuses but a reader parses (nested past its 1,000 levels:
// a hostile payload's permission_overwrites, kept as sent) names every
// snowflake a "guild_id" string holds in its text: its own among them, so
// it is not taken for a DM's (the drop of what no guild holds deleted such
// a guild channel with its messages, and left its guild's sets naming it).
// One inside a field of a DM's is taken as its guild too: a DM channel so
// deep and so odd stays until its removal or expiry rather than a guild's
// going. At most `limit` of them: a hostile 1 MB value named 45,000, and
// forgetting each held Redis 0.9 s. The prelude of the scripts that read a
// channel's guild.
const GUILDS_OF = `
local function guildsOf(value, limit)
  if type(value) ~= 'string' then return {} end
  local ok, channel = pcall(cjson.decode, value)
  if ok then
    if type(channel) == 'table' and type(channel.guild_id) == 'string' then
      return { channel.guild_id }
    end
    return {}
  end
  local guilds, seen = {}, {}
  for id in string.gmatch(value, '"guild_id"%s*:%s*"(%d+)"') do
    if not seen[id] then
      seen[id] = true
      guilds[#guilds + 1] = id
      if #guilds >= limit then break end
    end
  end
  return guilds
end`;

// Removes one chunk (KEYS, found with SSCAN of `<kind>_keys`) of the keys of
// a kind this store does not keep, left by a run that kept it (see
// redis_kind_sweep.ts): ARGV[1] = the kind, ARGV[2] = the bot's user id,
// whose member is kept without members (or ''). A channel's owners are the
// guilds its value names (GUILDS_OF: a DM's, none, so no guild set names
// it); a key not named as of its kind is only taken out of the set, never
// deleted.
export const FORGET_UNKEPT = `${FORGET_KEY}${GUILDS_OF}
local kind, bot = ARGV[1], ARGV[2]
local removed = 0
for _, key in ipairs(KEYS) do
  local rest = nil
  if string.sub(key, 1, #kind + 1) == kind .. ':' then
    rest = string.sub(key, #kind + 2)
  end
  local owner, id = string.match(rest or '', '^([^:]+):(.+)$')
  local owners = { owner }
  if kind == 'channel' and rest ~= nil then
    owners = {}
    if redis.call('TYPE', key).ok == 'string' then
      owners = guildsOf(redis.call('GET', key), 10)
    end
    redis.call('DEL', 'channel_keys:' .. rest)
  end
  if rest == nil then
    redis.call('SREM', kind .. '_keys', key)
  elseif kind == 'member' and id == bot then
    -- Kept: the bot's own member, which a store with guilds keeps.
  elseif #owners > 0 then
    for _, guild in ipairs(owners) do forgetKey(key, kind, guild) end
    removed = removed + 1
  else
    redis.call('DEL', key)
    redis.call('HDEL', 'expiry_keys', key)
    redis.call('SREM', kind .. '_keys', key)
    removed = removed + 1
  end
end
return removed`;

// Removes one message key from Redis and from the message helper entries
// every message has (`message_keys`, `expiry_keys`): the prelude of each
// script that removes messages. With channelMessages: the messages of a
// channel's set (channel_keys:C) the script deletes after; none when it
// holds another type (written by hand or by another program), which failed
// the script, and so every removal of its channel or guild, for good (no
// batch names such a set, see redis_wrong_type.ts; it is deleted anyway).
const DROP_MESSAGE = `
local function dropMessage(key)
  redis.call('DEL', key)
  redis.call('SREM', 'message_keys', key)
  redis.call('HDEL', 'expiry_keys', key)
end
local function channelMessages(key)
  if redis.call('TYPE', key).ok ~= 'set' then return {} end
  return redis.call('SMEMBERS', key)
end`;

// Takes channel C out of the index of what no guild holds (redis_unguilded.ts)
// once nothing of it is left for shard 0's drop: no set of messages
// (channel_keys:C, gone with its last member) and no channel key (a held DM
// channel stays listed). A message written since is listed again in its own
// MULTI. The prelude of the scripts that take messages out one by one (a
// trim keeps a channel's newest, so it never empties one): without it, a
// busy DM bot's index kept every channel it ever had a DM in, until shard
// 0's next new session (20,000 DMs deleted: 20,003 entries).
const UNLIST_EMPTIED = `
local function unlistEmptied(index, channelId)
  local channel = 'channel:' .. channelId
  if redis.call('EXISTS', 'channel_keys:' .. channelId, channel) == 0 then
    redis.call('SREM', index, channel)
  end
end`;

// A message's deletion (MESSAGE_DELETE, each of a bulk deletion) ends with
// this: KEYS = channel:C, channel_keys:C; ARGV[1] = the index of what no
// guild holds. See UNLIST_EMPTIED.
export const UNLIST_IF_EMPTIED = `${UNLIST_EMPTIED}
unlistEmptied(ARGV[1], string.sub(KEYS[1], 9))
return 0`;

// Removes the messages of whole channels, a chunk of messages a script
// (the store removes a channel's or a guild's messages so before the
// channel: one script over a guild's 2,000 channels of 100 messages blocked
// Redis for every client for 0.5 s): KEYS = channel_keys:C sets, ARGV[1] =
// the most messages to remove. Empties them in order, each whole with its
// messages (a set of another type is skipped: see channelMessages), until
// the next would pass the bound. Returns the index (from 0) of that set,
// or -1 once all are empty; one alone past the bound goes by SSCAN chunks
// (DROP_LISTED_MESSAGES). Each message goes with its listings, so a stop
// between scripts leaves every listed message there.
export const DROP_CHANNELS_MESSAGES = `${DROP_MESSAGE}
local budget, used = tonumber(ARGV[1]), 0
for i, set in ipairs(KEYS) do
  if redis.call('TYPE', set).ok == 'set' then
    local count = redis.call('SCARD', set)
    if used + count > budget then return i - 1 end
    for _, key in ipairs(redis.call('SMEMBERS', set)) do dropMessage(key) end
    redis.call('DEL', set)
    used = used + count
  end
end
return -1`;

// Removes one chunk of a channel's messages (KEYS, found with SSCAN of
// its set ARGV[1], channel_keys:C), with their listings.
export const DROP_LISTED_MESSAGES = `${DROP_MESSAGE}
for _, key in ipairs(KEYS) do
  dropMessage(key)
  redis.call('SREM', ARGV[1], key)
end
return #KEYS`;

// Removes a channel's messages, then the channel: KEYS = channel key,
// channel_keys:C, guild_keys:G and guild_kind_keys:G:channel (or unused
// keys for DMs). The store removes its messages first, by chunks
// (DROP_CHANNELS_MESSAGES): those left here were written since.
export const REMOVE_CHANNEL = `${DROP_MESSAGE}
local messages = channelMessages(KEYS[2])
for _, key in ipairs(messages) do dropMessage(key) end
redis.call('DEL', KEYS[2], KEYS[1])
redis.call('SREM', 'channel_keys', KEYS[1])
redis.call('SREM', KEYS[3], KEYS[1])
redis.call('SREM', KEYS[4], KEYS[1])
return #messages`;

// Removes keys of a guild listed in its sets (guild_keys:G, or the channel
// kind set, which alone lists its threads: see redis_listing.ts), channels
// with their messages (removed by chunks before, see redis_guild_removal.ts:
// those left here were written since), and takes them out of the sets
// `sets`: the prelude
// of the scripts that remove a guild. A member that names no kind (a kind
// set's whole marker, '') is no key.
const DROP_GUILD_ITEMS = `${DROP_MESSAGE}
local function dropItems(items, sets)
  for _, key in ipairs(items) do
    local kind, rest = string.match(key, '^([^:]+):(.*)$')
    if kind == 'channel' then
      local channel = 'channel_keys:' .. rest
      for _, message in ipairs(channelMessages(channel)) do
        dropMessage(message)
      end
      redis.call('DEL', channel)
    end
    if kind ~= nil then
      redis.call('DEL', key)
      redis.call('SREM', kind .. '_keys', key)
      redis.call('HDEL', 'expiry_keys', key)
    end
    for _, set in ipairs(sets) do redis.call('SREM', set, key) end
  end
end`;

// Removes one chunk of a guild's keys (KEYS, found with SSCAN of one of its
// sets), and takes them out of the sets ARGV (the one scanned first): a
// script over all of a big guild's keys blocked Redis for every client
// (hundreds of ms at 100,000 members).
export const REMOVE_GUILD_ITEMS = `${DROP_GUILD_ITEMS}
dropItems(KEYS, ARGV)
return #KEYS`;

// Removes a guild once its keys are (see REMOVE_GUILD_ITEMS), and any key
// listed since: KEYS = guild:G, guild_keys:G, guild_kind_keys:G:channel
// (its threads), then its other kind sets (guild_kind_keys:G:K).
export const REMOVE_GUILD = `${DROP_GUILD_ITEMS}
local items = redis.call('SMEMBERS', KEYS[2])
dropItems(items, {KEYS[2]})
local channels = redis.call('SMEMBERS', KEYS[3])
dropItems(channels, {KEYS[3]})
redis.call('DEL', unpack(KEYS))
redis.call('SREM', 'guild_keys', KEYS[1])
return #items + #channels`;

// Keeps the newest ARGV[1] messages of a channel, and with ARGV[2] >= 0
// none older than ARGV[2] ms before the newest (times from the snowflakes,
// as snowflakeTime computes them), or before the one before it when the
// newest is alone more than that after every other (one id from the future
// emptied the channel): KEYS = channel_keys:C. Linear in the
// channel's messages: each id is read from its key once, the age bound is
// one pass, and the usual count overflow (one message) one more; only more
// than one over the bound sorts. (Sorting with the ids read in the
// comparator cost Redis 860 us of CPU per message in a full channel of
// 100; this, 130 us.)
export const TRIM_MESSAGES = `${DROP_MESSAGE}
local count = redis.call('SCARD', KEYS[1])
local limit = tonumber(ARGV[1])
local maxAge = tonumber(ARGV[2])
if count <= limit and maxAge < 0 then return 0 end
local keys = redis.call('SMEMBERS', KEYS[1])
local ids = {}
for i, key in ipairs(keys) do ids[i] = string.match(key, '(%d+)$') or '' end
local function older(x, y)
  if #x ~= #y then return #x < #y end
  return x < y
end
local function time(id)
  return math.floor((tonumber(id) or 0) / 4194304) + 1420070400000
end
local drop, kept = {}, {}
if maxAge >= 0 and count > 0 then
  local newest = ids[1]
  for i = 2, count do
    if older(newest, ids[i]) then newest = ids[i] end
  end
  local cutoff = time(newest) - maxAge
  for i = 1, count do
    if time(ids[i]) < cutoff then drop[#drop + 1] = i else kept[#kept + 1] = i end
  end
  if #kept == 1 and count > 1 then
    -- The newest alone, more than maxAge after every other: measured from
    -- the one before it (the newest of those dropped).
    local before = drop[1]
    for j = 2, #drop do
      if older(ids[before], ids[drop[j]]) then before = drop[j] end
    end
    cutoff = time(ids[before]) - maxAge
    drop, kept = {}, {}
    for i = 1, count do
      if time(ids[i]) < cutoff then drop[#drop + 1] = i else kept[#kept + 1] = i end
    end
  end
else
  for i = 1, count do kept[i] = i end
end
local over = #kept - limit
if over == 1 then
  local oldest = kept[1]
  for j = 2, #kept do
    if older(ids[kept[j]], ids[oldest]) then oldest = kept[j] end
  end
  drop[#drop + 1] = oldest
elseif over > 1 then
  table.sort(kept, function(a, b) return older(ids[a], ids[b]) end)
  for j = 1, over do drop[#drop + 1] = kept[j] end
end
for _, i in ipairs(drop) do
  dropMessage(keys[i])
  redis.call('SREM', KEYS[1], keys[i])
end
return #drop`;

// Removes the expired members and messages of one chunk of expiry_keys
// (KEYS, found with HSCAN: HGETALL of a big guild's members blocked Redis
// for every client): ARGV[1] = now (ms). Each time is read here, so an entry
// written again since the scan keeps its new time. A time is
// twilight-dispatch's (see expiryTime in redis_expiry.ts), or milliseconds
// as this store wrote them before; an entry that is neither stays, as
// twilight-dispatch leaves one it cannot parse. ARGV[2] = the index of what
// no guild holds: a message's channel left empty leaves it (UNLIST_EMPTIED).
export const SWEEP = `${FORGET_KEY}${UNLIST_EMPTIED}
local function epochMs(text)
  local number = tonumber(text)
  if number ~= nil then return number end
  local y, mo, d, h, mi, s, fraction = string.match(text,
    '^"(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)%.?(%d*)"$')
  if y == nil then return nil end
  y, mo = tonumber(y), tonumber(mo)
  -- Days since 1970-01-01 of a proleptic Gregorian date.
  if mo <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yearOfEra = y - era * 400
  local dayOfYear = math.floor((153 * ((mo + 9) % 12) + 2) / 5) + tonumber(d) - 1
  local dayOfEra = yearOfEra * 365 + math.floor(yearOfEra / 4)
    - math.floor(yearOfEra / 100) + dayOfYear
  local days = era * 146097 + dayOfEra - 719468
  local ms = tonumber(string.sub(fraction .. '000', 1, 3))
  return ((days * 24 + tonumber(h)) * 60 + tonumber(mi)) * 60000
    + tonumber(s) * 1000 + ms
end
local times = redis.call('HMGET', 'expiry_keys', unpack(KEYS))
local removed = 0
for i, key in ipairs(KEYS) do
  local at = times[i] and epochMs(times[i]) or nil
  if at ~= nil and at <= tonumber(ARGV[1]) then
    local kind, owner = string.match(key, '^([^:]+):([^:]+):')
    forgetKey(key, kind, owner)
    if kind == 'message' then unlistEmptied(ARGV[2], owner) end
    removed = removed + 1
  end
end
return removed`;

// Takes role ARGV[1] out of the role list of each member key in KEYS (one
// chunk of a guild's members, found with SSCAN: a script over all of a big
// guild's members blocked Redis for every client, 390 ms for 100,000). The
// list is edited as text: re-encoding with cjson would turn an emptied list
// into {} and rewrite numbers. Which "roles" list is the member's own: this
// store writes it first ({"roles":[…), where nothing nested comes before;
// in another value (twilight-dispatch's, or this store's before it wrote
// roles first) the first "roles":[ with no { or [ before it is at the top
// level (one inside a string has its quotes escaped). Else the value is
// walked as JSON, strings with their escapes, to its top-level "roles" key:
// a nick such as "[Mod] Bob" or one holding the text "roles":[ does not
// hide it, and a "roles" list nested in a field kept as sent (a banner, a
// user's collectibles) is not taken for it. The walk steps through every
// string and bracket, nested ones too, so a member it edits is written back
// with its list first ({"roles":[…], then its other fields as they were),
// and found at once from then on. Measured (server time, 20,000
// twilight-dispatch members of 726 bytes, user before roles, chunks of
// 1,000, shared machine): the first deletion walks them, 2,288 ms against
// 2,028 ms for the walk alone and 302 ms for the script before the walk
// (which found no list in them, so removed nothing); the next deletion
// 442 ms (walk alone 2,719 ms). One 1.8 MB member, nested user first:
// 698 ms, then 41 ms (walk alone 669 ms each time). The list is read as
// JSON too, so a "]" or "," inside an item does not end it; an item is
// dropped when its text, spaces around it aside, is the role id's JSON, as
// JSON.stringify writes it, found without a backtracking pattern: trimming
// with '^%s*(.-)%s*$' blocked Redis 11.5 s on an item with 40,000 spaces
// inside it (4 ms now), and '^%s*(.*%S)' 16 s on one of spaces alone. Only
// values naming the role are read past a plain find.
export const REMOVE_ROLE = `
local needle = '"' .. ARGV[1] .. '"'
local own = '{"roles":['
-- Whether character i is JSON's white space.
local function blank(value, i)
  local c = string.byte(value, i)
  return c == 32 or c == 9 or c == 10 or c == 13
end
-- The first character of the member's own list, and where its "roles" key
-- starts when it was found by walking the value; nil when it has none.
local function listStart(value)
  if string.sub(value, 1, #own) == own then return #own + 1 end
  -- The first "roles":[ with no [ or { before it but its own is at the top
  -- level: nothing nested comes before it, and one inside a string would
  -- have its quotes escaped.
  local _, open = string.find(value, '"roles":[', 2, true)
  if open and string.find(value, '[%[{]', 2) == open then return open + 1 end
  -- From one character of JSON syntax to the next: depth 0 is the member's
  -- object, whose keys are the strings followed by a colon.
  local depth, i = 0, 2
  while true do
    i = string.find(value, '[%[%]{}"]', i)
    if i == nil then return nil end
    local c = string.byte(value, i)
    if c == 34 then
      local close = string.find(value, '["\\\\]', i + 1)
      -- An escape: the character after it is skipped.
      while close and string.byte(value, close) == 92 do
        close = string.find(value, '["\\\\]', close + 2)
      end
      if close == nil then return nil end
      if depth == 0 and close == i + 6
        and string.sub(value, i, close) == '"roles"' then
        local _, open = string.find(value, '^%s*:%s*%[', close + 1)
        if open then return open + 1, i end
      end
      i = close + 1
    elseif c == 91 or c == 123 then
      depth, i = depth + 1, i + 1
    elseif depth == 0 then
      return nil
    else
      depth, i = depth - 1, i + 1
    end
  end
end
-- The list's items as text, from its first character, and its "]"; nil
-- when it is not well formed.
local function items(value, from)
  local list, depth, quoted, escaped, start = {}, 0, false, false, from
  for i = from, #value do
    local c = string.sub(value, i, i)
    if quoted then
      if escaped then escaped = false
      elseif c == '\\\\' then escaped = true
      elseif c == '"' then quoted = false end
    elseif c == '"' then quoted = true
    elseif c == '[' or c == '{' then depth = depth + 1
    elseif (c == ']' or c == '}') and depth > 0 then depth = depth - 1
    elseif c == ',' and depth == 0 then
      list[#list + 1] = string.sub(value, start, i - 1)
      start = i + 1
    elseif c == ']' then
      if i > start then list[#list + 1] = string.sub(value, start, i - 1) end
      return list, i
    end
  end
  return nil
end
-- Whether an item is the role's id, spaces around it aside: found, not
-- trimmed with a pattern (one that backtracks is quadratic in the spaces).
local function isRole(item)
  if item == needle then return true end
  local at = string.find(item, '%S')
  return at ~= nil and string.sub(item, at, at + #needle - 1) == needle
    and string.find(item, '^%s*$', at + #needle) ~= nil
end
-- The value with its list (key the "roles" key, close its "]") written
-- first, as {"roles":[text], and the rest of its fields as they were; nil
-- when what is around the entry is not what valid JSON has.
local function toFront(value, key, close, text)
  local before, after = key - 1, close + 1
  while blank(value, before) do before = before - 1 end
  while blank(value, after) do after = after + 1 end
  local b, a = string.byte(value, before), string.byte(value, after)
  if string.byte(value, 1) ~= 123 or (a ~= 44 and a ~= 125) then
    return nil
  end
  local head = own .. text .. ']'
  if b == 44 then
    -- After another field: the comma before it goes with it.
    return head .. ',' .. string.sub(value, 2, before - 1)
      .. string.sub(value, close + 1)
  elseif b == 123 and a == 44 then
    -- First already, with spaces: the comma after it goes.
    return head .. ',' .. string.sub(value, 2, key - 1)
      .. string.sub(value, after + 1)
  elseif b == 123 then
    return head .. string.sub(value, 2, key - 1) .. string.sub(value, close + 1)
  end
  return nil
end
local changed = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  local from, at, list, close
  if value and string.find(value, needle, 1, true) then
    from, at = listStart(value)
  end
  if from then list, close = items(value, from) end
  if list then
    local kept = {}
    for _, item in ipairs(list) do
      if not isRole(item) then kept[#kept + 1] = item end
    end
    if #kept < #list then
      local text = table.concat(kept, ',')
      redis.call('SET', key, at and toFront(value, at, close, text) or
        string.sub(value, 1, from - 1) .. text .. string.sub(value, close),
        'KEEPTTL')
      changed = changed + 1
    end
  end
end
return changed`;

/**
 * The member of a kind set that says it is whole: the guild was rebuilt
 * (removed, then created) since the store kept these sets. A set without
 * it was written before them, or by another program.
 */
export const COMPLETE = "";

// The keys of one kind in a guild: KEYS = guild_kind_keys:G:K, guild_keys:G;
// ARGV[1] = the kind's key prefix. From the kind's own set when it is whole
// (it holds the empty marker, which no prefix matches), else the guild's
// keys of that prefix (the set is filled from the guild's next
// GUILD_CREATE on) and those the set lists (written since: a thread is
// listed there alone, see redis_listing.ts).
export const READ_KIND_KEYS = `
if redis.call('SISMEMBER', KEYS[1], '') == 1 then
  return redis.call('SMEMBERS', KEYS[1])
end
local out, seen, prefix = {}, {}, ARGV[1]
for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if string.sub(key, 1, #prefix) == prefix then
    out[#out + 1] = key
    seen[key] = true
  end
end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not seen[key] then out[#out + 1] = key end
end
return out`;

// Whether a channel key's value is a guild's: it names one (GUILDS_OF;
// a key of another type names none). The prelude of the scripts that drop
// what no guild holds (redis_unguilded.ts), through its index or by a scan.
const IN_GUILD = `${GUILDS_OF}
local function guildValue(value)
  return #guildsOf(value, 1) > 0
end
local function inGuild(channelKey)
  return guildValue(redis.pcall('GET', channelKey))
end`;

// Drops what no GUILD_CREATE rebuilds from one chunk of the index of it
// (KEYS: channel keys, found with SSCAN of the index ARGV[1]; see
// redis_unguilded.ts), in order: each channel no guild holds (a DM's, or
// one not held) goes with its messages, its set (one of another type
// lists nothing, see channelMessages, and goes) and its listing, while its
// messages fit the bound ARGV[2] (the most one script removes, as
// DROP_CHANNELS_MESSAGES). Each is taken out of the index, a guild's too:
// its messages go with its own removal. Returns the index (from 0) of the
// channel that would pass the bound, or -1 once all are done; one alone
// past it is emptied by SSCAN chunks (DROP_LISTED_MESSAGES) and sent again.
// One command a channel (its set's SCARD); the reads and the removals go a
// few hundred keys to a command. Three scripts a chunk (the channels no
// guild holds, their messages, then the channels), each reading every
// channel again, with thirteen commands a DM channel of one message, cost
// Redis twice the CPU, and its client twice the time (measured in
// redis_unguilded.ts).
export const UNGUILDED_FROM_INDEX = `${IN_GUILD}
local index, budget, used = ARGV[1], tonumber(ARGV[2]), 0
local gone, sets, channels, unlisted = {}, {}, {}, {}
local SLICE = 500
-- Runs command with the members of list (after key, if any), a slice at
-- a time (Lua's unpack is bounded by its stack); the replies, joined.
local function withEach(command, list, key)
  local replies = {}
  for from = 1, #list, SLICE do
    local last = math.min(from + SLICE - 1, #list)
    local reply
    if key == nil then
      reply = redis.call(command, unpack(list, from, last))
    else
      reply = redis.call(command, key, unpack(list, from, last))
    end
    if type(reply) == 'table' then
      for _, item in ipairs(reply) do replies[#replies + 1] = item end
    end
  end
  return replies
end
local function finish()
  -- The messages of the sets that fit (a message listed twice is removed
  -- twice, to no effect).
  local messages = withEach('SUNION', sets)
  withEach('DEL', messages)
  withEach('DEL', gone)
  withEach('SREM', messages, 'message_keys')
  withEach('HDEL', messages, 'expiry_keys')
  withEach('SREM', channels, 'channel_keys')
  withEach('SREM', unlisted, index)
end
local values = withEach('MGET', KEYS)
for i, key in ipairs(KEYS) do
  if not guildValue(values[i]) then
    local set = 'channel_keys:' .. string.sub(key, 9)
    local count = redis.pcall('SCARD', set)
    if type(count) == 'number' and count > 0 then
      if used + count > budget then
        finish()
        return i - 1
      end
      sets[#sets + 1] = set
      used = used + count
    end
    gone[#gone + 1] = key
    gone[#gone + 1] = set
    channels[#channels + 1] = key
  end
  unlisted[#unlisted + 1] = key
end
finish()
return -1`;

// Drops what no GUILD_CREATE rebuilds, from one chunk of `message_keys` or
// `channel_keys` (KEYS, found with SSCAN): messages whose channel is not a
// guild's (DMs, or a channel not held), and channels without a guild (DMs)
// with their messages. A channel is a guild's as IN_GUILD reads it, once
// per channel in a chunk (its messages share it). What it drops leaves the
// index of it, ARGV[1]: a channel once nothing of it is left (one
// another process wrote a message to since the scan passed stays listed,
// see UNLIST_EMPTIED); without that, the entries written before its
// marker stayed until the next drop.
export const DROP_UNGUILDED = `${DROP_MESSAGE}${IN_GUILD}${UNLIST_EMPTIED}
local guilded = {}
local function channelInGuild(channelKey)
  if guilded[channelKey] == nil then guilded[channelKey] = inGuild(channelKey) end
  return guilded[channelKey]
end
local dropped = 0
for _, key in ipairs(KEYS) do
  local kind, channelId = string.match(key, '^([^:]+):(%d+)')
  if kind == 'message' and not channelInGuild('channel:' .. channelId) then
    dropMessage(key)
    -- pcall: a set of another type (see channelMessages) lists nothing.
    redis.pcall('SREM', 'channel_keys:' .. channelId, key)
    unlistEmptied(ARGV[1], channelId)
    dropped = dropped + 1
  elseif kind == 'channel' and not channelInGuild(key) then
    for _, message in ipairs(channelMessages('channel_keys:' .. channelId)) do
      dropMessage(message)
    end
    redis.call('DEL', key, 'channel_keys:' .. channelId)
    redis.call('SREM', 'channel_keys', key)
    redis.call('SREM', ARGV[1], key)
    dropped = dropped + 1
  end
end
return dropped`;
