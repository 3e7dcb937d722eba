/**
 * {@linkcode saveStatuses}: this process's shards' entries of
 * `gateway_statuses`, merged into the other processes' (`SHARDS_START`/
 * `SHARDS_END` split a bot's shards between processes, all saving to the
 * one key). The value keeps twilight-dispatch's format, a JSON array of
 * `{"shard","status","latency","last_ack"}` ordered by shard; set whole by
 * each process every second, it held only the shards of the process that
 * saved last.
 *
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";

/**
 * One atomic merge (processes save at once): the current array's entries
 * of other shards are kept, this process's replaced, and those at or above
 * the shard count dropped (a reshard left them); the result is ordered by
 * shard. A value that is not a JSON array, or a key of another type, is
 * replaced: statuses are written again every second, nothing is lost for
 * long. This process's entries go in as the JSON text it wrote; the others
 * pass through Redis's cjson (numbers to 14 digits, ample for a latency).
 *
 * KEYS: 1 the statuses key. ARGV: 1 a JSON array of the entries to set, as
 * `[shard, "<entry JSON>"]` pairs; 2 a JSON array of this process's shard
 * ids (their entries are replaced or removed); 3 the shard count.
 */
const MERGE_SCRIPT = String.raw`
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'string' then redis.call('DEL', KEYS[1]) end
local own = {}
for _, shard in ipairs(cjson.decode(ARGV[2])) do own[shard] = true end
local total = tonumber(ARGV[3])
local entries = {}
local text = redis.call('GET', KEYS[1])
if text then
  local ok, current = pcall(cjson.decode, text)
  if ok and type(current) == 'table' and string.match(text, '^%s*%[') then
    for _, entry in ipairs(current) do
      local shard = type(entry) == 'table' and entry.shard
      if type(shard) == 'number' and shard >= 0 and shard < total and
          shard == math.floor(shard) and not own[shard] then
        local encoded_ok, encoded = pcall(cjson.encode, entry)
        if encoded_ok then entries[#entries + 1] = {shard, encoded} end
      end
    end
  end
end
for _, pair in ipairs(cjson.decode(ARGV[1])) do
  entries[#entries + 1] = {pair[1], pair[2]}
end
table.sort(entries, function(a, b) return a[1] < b[1] end)
local parts = {}
for i, entry in ipairs(entries) do parts[i] = entry[2] end
redis.call('SET', KEYS[1], '[' .. table.concat(parts, ',') .. ']')
return #entries
`;

/** One shard's entry, as twilight-dispatch writes it. */
export interface StatusEntry {
  /** The shard. */
  shard: number;
}

/**
 * Merge this process's shards' statuses into the key, in one script.
 *
 * @param redis The connection.
 * @param key The key (`gateway_statuses`).
 * @param statuses This process's entries.
 * @param shardIds This process's shards: their entries not in `statuses`
 * are removed.
 * @param shardCount The bot's shard count: entries of shards at or above
 * it are removed.
 * @returns How many entries the key holds.
 */
export async function saveStatuses(
  redis: RedisConnection,
  key: string,
  statuses: readonly StatusEntry[],
  shardIds: readonly number[],
  shardCount: number,
): Promise<number> {
  const pairs = statuses.map((entry) => [entry.shard, JSON.stringify(entry)]);
  return Number(
    await redis.eval(
      MERGE_SCRIPT,
      1,
      key,
      JSON.stringify(pairs),
      JSON.stringify(shardIds),
      String(shardCount),
    ),
  );
}
