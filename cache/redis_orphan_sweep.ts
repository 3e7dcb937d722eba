// Guilds whose keys outlived them. Writes unanswered when Redis restarted
// empty are sent again by the client (ioredis's autoResendUnfulfilledCommands,
// which other users of the connection rely on) to the new server: a guild the
// bot left meanwhile gets its sets and entities back there, with no guild:G
// and no entry in `guild_keys`. A READY finds the guilds it no longer lists
// through `guild_keys` only (see reduce.ts), so nothing else ever removed
// them, and twilight-dispatch's consumers saw them in the helper sets.
import { isRecord } from "../base/is_record.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { removeGuild } from "./redis_guild_removal.ts";
import { INDEXED, kindKeys } from "./redis_layout.ts";
import { dropWrongTyped } from "./redis_wrong_type.ts";
import { sessionOwner } from "./session_guilds.ts";

/**
 * Keys one SCAN call looks at (a hint to Redis): a big database is walked
 * a few milliseconds at a time, never blocking it as KEYS would.
 */
const SCAN_COUNT = 1_000;

/** `guild_keys:G` and `guild_kind_keys:G:K`, in one walk of the keys. */
const GUILD_INDEXES = "guild_*keys:*";

/**
 * Before a stale cache's READY (`ready`, its payload) of a shard is
 * applied: remove whole (as a removed guild is, out of the global helper
 * sets too) each guild of that shard, not listed by the READY, that has a
 * per-guild set (`guild_keys:G`, `guild_kind_keys:G:K`) but neither
 * `guild:G` nor an entry in `guild_keys`. Only then: it walks every key.
 *
 * @param redis The store's connection.
 * @param ready The READY's payload; a malformed one sweeps nothing.
 * @returns The guilds removed; rejects with Redis's error.
 */
export async function sweepOrphanGuilds(
  redis: RedisConnection,
  ready: unknown,
): Promise<string[]> {
  if (!isRecord(ready) || !Array.isArray(ready.guilds)) return [];
  // Another shard's guilds are its own READY's to sweep: one of them may be
  // that shard's, held by a store that has not yet written its guild:G.
  const owns = sessionOwner(ready.shard);
  if (owns === undefined) return [];
  // Listed: its GUILD_CREATE rebuilds it whole.
  const listed = new Set<string>();
  for (const guild of ready.guilds) {
    if (isRecord(guild) && typeof guild.id === "string") listed.add(guild.id);
  }
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      GUILD_INDEXES,
      "COUNT",
      SCAN_COUNT,
    );
    cursor = next;
    for (const key of keys) {
      const id = key.split(":")[1] ?? "";
      if (/^\d+$/.test(id) && !listed.has(id) && owns(id)) found.add(id);
    }
  } while (cursor !== "0");
  if (found.size === 0) return [];
  const ids = [...found];
  const pipeline = redis.pipeline();
  for (const id of ids) {
    pipeline.exists(`guild:${id}`);
    pipeline.sismember("guild_keys", `guild:${id}`);
  }
  const held = await pipeline.exec();
  if (held === null) throw new Error("Redis pipeline was discarded");
  const orphans = ids.filter((_, i) =>
    held.slice(2 * i, 2 * i + 2).every(([error, count]) => {
      if (error) throw error;
      return count === 0;
    })
  );
  for (const id of orphans) {
    // A set of another type (written by hand) would fail the removal, and
    // with it every READY after: deleted first, as the store does elsewhere.
    await dropWrongTyped(redis, [
      `guild_keys:${id}`,
      ...[...INDEXED].map((kind) => kindKeys(id, kind)),
    ]);
    await removeGuild(redis, id);
  }
  return orphans;
}
