// Kinds an earlier run kept and this one does not. A store keeps up to
// date only the kinds of its resources (the core neither reads nor writes
// the others), so a run started without messages, say, on a database an
// earlier run filled, and resuming its sessions (no GUILD_CREATE rebuilds
// anything), left the earlier messages there: edited, deleted or not,
// served as they were, to this store's reads and to twilight-dispatch's
// consumers, and listed in `message_keys`. A store's first batch removes
// them (found through each such kind's `<kind>_keys` set, never a walk of
// the database), then, when it removed some or found another's record,
// records what it keeps (RESOURCES_KEY; a store keeping every resource
// removes the record: a database without one may hold any kind, and is
// looked through): a store started on that record, with the same resources
// (a fleet's other processes), has nothing to remove and looks at no set.
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { isRecord } from "../base/is_record.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { type CacheKind, KIND_RESOURCE } from "./changes.ts";
import { CHUNK } from "./redis_chunks.ts";
import { RESOURCES_KEY } from "./redis_epoch.ts";
import { removeGuild } from "./redis_guild_removal.ts";
import { UNKEYED } from "./redis_layout.ts";
import type { ExtraRead } from "./redis_reads.ts";
import { FORGET_UNKEPT } from "./redis_scripts.ts";
import { UNGUILDED_KEY } from "./redis_unguilded.ts";
import { isWrongType } from "./redis_wrong_type.ts";
import { CACHE_RESOURCES, type CacheResource } from "./resources.ts";

const logger = getLogger(["disruption", "cache", "redis"]);

/**
 * Which keys of `kind` a store keeping `resources` serves: all, none (a
 * kind it does not keep: no event updates or removes them), or only the
 * bot's own member, which it keeps with guilds and without members (see
 * `Context.keepsMember`), as the in-memory store holds exactly these.
 */
export function keptKeys(
  resources: ReadonlySet<CacheResource>,
  kind: CacheKind,
): "all" | "none" | "bot" {
  const resource = KIND_RESOURCE[kind];
  if (resource === undefined || resources.has(resource)) return "all";
  return kind === "member" && resources.has("guilds") ? "bot" : "none";
}

/** The bot's user id in a stored `bot_user` text, or "" for none. */
export function botId(text: string | null): string {
  try {
    const value: unknown = text === null ? null : JSON.parse(text);
    return isRecord(value) && typeof value.id === "string" ? value.id : "";
  } catch {
    return "";
  }
}

/**
 * The record a store keeping `resources` leaves: the JSON list of them, or
 * none when it keeps every one (a database without a record, of an older
 * version or of such stores, may hold keys of every kind).
 */
function recordOf(resources: ReadonlySet<CacheResource>): string | null {
  const kept = CACHE_RESOURCES.filter((name) => resources.has(name));
  return kept.length === CACHE_RESOURCES.length ? null : JSON.stringify(kept);
}

/** The resources a record names; undefined for none (or not a list). */
function recorded(text: string | null): Set<CacheResource> | undefined {
  try {
    const value: unknown = text === null ? null : JSON.parse(text);
    return Array.isArray(value) ? new Set(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A store's removal, once, of the kinds an earlier run kept and it does
 * not: the record is read with its first batch's reads
 * ({@linkcode UnkeptKinds.read}),
 * then {@linkcode UnkeptKinds.sweep} runs before the batch's writes.
 */
export class UnkeptKinds {
  readonly #resources: ReadonlySet<CacheResource>;
  /** The record as read (null: none); undefined until read. */
  #read: string | null | undefined;
  #done = false;
  /** Whether a sweep failed already (said once). */
  #failed = false;

  /** @param resources What the store keeps. */
  constructor(resources: ReadonlySet<CacheResource>) {
    this.#resources = resources;
  }

  /** The record's read, for a batch's read pipeline; none once swept. */
  read(): ExtraRead[] {
    if (this.#done) return [];
    return [{
      queue: (pipeline) => pipeline.get(RESOURCES_KEY),
      answer: (error, value) => {
        // Another type under the key: not a record (SET replaces it). Any
        // other error tells nothing: the next batch reads it again.
        if (error !== null && !isWrongType(error)) this.#read = undefined;
        else this.#read = typeof value === "string" ? value : null;
      },
    }];
  }

  /**
   * Once the record was read: remove the keys of the kinds it names (none:
   * every kind) that this store does not keep, with their entries in the
   * helper sets, a chunk a script; then record what it keeps. Nothing to do
   * when the record is the store's own (a fleet's processes). Said once, at
   * info level, when keys were removed.
   *
   * A failure leaves what the store keeps as right as it was (it writes no
   * kind removed here): logged, at warn level the first time, and tried
   * again after the next batch's reads, rather than the cache marked stale.
   *
   * @param redis The store's connection.
   * @returns How many keys were removed; never rejects.
   */
  async sweep(redis: RedisConnection): Promise<number> {
    if (this.#done || this.#read === undefined) return 0;
    try {
      return await this.#sweep(redis, this.#read);
    } catch (error) {
      const level = this.#failed ? "debug" : "warn";
      logger[level](
        "Redis cache: the keys of kinds this run does not keep could not be removed (tried again with the next batch): {error}",
        { error: errorText(error) },
      );
      this.#failed = true;
      return 0;
    }
  }

  /** The sweep of `read`, the record as read. */
  async #sweep(redis: RedisConnection, read: string | null): Promise<number> {
    const ours = recordOf(this.#resources);
    if (read === ours) {
      this.#done = true;
      return 0;
    }
    const before = recorded(read);
    const kinds = (Object.keys(KIND_RESOURCE) as CacheKind[]).filter(
      (kind) => {
        const resource = KIND_RESOURCE[kind];
        return resource !== undefined && !UNKEYED.has(kind) &&
          !this.#resources.has(resource) && (before?.has(resource) ?? true);
      },
    );
    const removed = await sweepKinds(redis, kinds, this.#resources);
    const total = [...removed.values()].reduce((sum, count) => sum + count, 0);
    // None read stays none unless keys were removed (a database without
    // one, scanned, is as right as with ours; the next start scans again):
    // a store's first batch on an empty database writes no key of its own.
    if (ours === null) {
      if (read !== null) await redis.del(RESOURCES_KEY);
    } else if (read !== null || total > 0) {
      await redis.set(RESOURCES_KEY, ours);
    }
    this.#done = true;
    if (total > 0) {
      logger.info(
        "Redis cache: removed {total} keys ({kinds}) of kinds an earlier run kept and this one does not (its resources: {resources})",
        {
          total,
          kinds: [...removed].map(([kind, n]) => `${n} ${kind}`).join(", "),
          resources: [...this.#resources].join(", ") || "none",
        },
      );
    }
    return total;
  }
}

/** Remove the keys of `kinds`; how many of each. */
async function sweepKinds(
  redis: RedisConnection,
  kinds: CacheKind[],
  resources: ReadonlySet<CacheResource>,
): Promise<Map<CacheKind, number>> {
  const removed = new Map<CacheKind, number>();
  // Guilds first: each removal takes all of a guild's keys (a store without
  // guilds keeps no kind of them), the kinds' sweeps then what is left.
  if (kinds.includes("guild")) removed.set("guild", await sweepGuilds(redis));
  const bot = kinds.includes("member") && resources.has("guilds")
    ? botId(await redis.get("bot_user"))
    : "";
  for (const kind of kinds) {
    if (kind === "guild") continue;
    // Channels about to be removed: their removal here leaves their
    // messages (none in a run that keeps no channels, but a record may be
    // wrong), which the index of what no guild holds lists only for DMs, so
    // the next drop scans whole (see redis_unguilded.ts). Deleted before
    // the first removal, so a sweep stopped midway leaves no index marked
    // whole; and only then: deleted at every start of a run keeping no
    // messages (the dispatch service's default, which sweeps at each start
    // as it finds nothing to remove), every shard 0 new session scanned
    // every channel (2 s at 100,000). Messages swept leave the index right:
    // it still lists their channels, which the drop takes out as it meets.
    let indexGone = kind !== "channel";
    let count = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.sscan(
        `${kind}_keys`,
        cursor,
        "COUNT",
        CHUNK,
      ).catch((error) => {
        if (isWrongType(error)) return ["0", []] as [string, string[]];
        throw error;
      });
      cursor = next;
      if (keys.length > 0 && !indexGone) {
        await redis.del(UNGUILDED_KEY);
        indexGone = true;
      }
      if (keys.length > 0) {
        count += Number(
          await redis.eval(FORGET_UNKEPT, keys.length, ...keys, kind, bot),
        );
      }
    } while (cursor !== "0");
    if (count > 0) removed.set(kind, count);
  }
  return removed;
}

/** Remove every guild of `guild_keys`, whole; how many there were. */
async function sweepGuilds(redis: RedisConnection): Promise<number> {
  let count = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.sscan(
      "guild_keys",
      cursor,
      "COUNT",
      CHUNK,
    );
    cursor = next;
    for (const key of keys) {
      if (!key.startsWith("guild:")) continue;
      await removeGuild(redis, key.slice("guild:".length));
      count++;
    }
  } while (cursor !== "0");
  return count;
}
