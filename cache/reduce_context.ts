// The reducers' view of one dispatch: reads of the current state (only of
// kinds kept), and the changes they decide, collected for the store. Kept
// apart from the reducers in reduce.ts, which are the event table's logic.
import type {
  CacheChange,
  CacheConfig,
  CachedValue,
  CacheKind,
  CacheLookup,
} from "./changes.ts";
import { KIND_RESOURCE } from "./changes.ts";
import { compareSnowflakes } from "./options.ts";
import { projectMember, projectUser } from "./project.ts";
import { isSnowflake } from "../base/snowflake.ts";
import { isRecord } from "../base/is_record.ts";

type D = CachedValue;

/** The id the bot's own user is kept under (kind `bot_user`). */
export const BOT = "@me";

/**
 * An id, when `value` is a snowflake (1 to 20 ASCII digits, no leading
 * zero); undefined otherwise. Every id the core reads goes through here: the
 * stores key by them (`member:G:U` in Redis), so an id like `"1:2"` from a
 * hostile gateway would address another entity's key, and one that is not a
 * number breaks the order messages are kept in (the Redis trim script failed
 * on it and left the cache stale). Discord never writes a leading zero; one
 * made `"01"` and `"1"` two entities of one number, which the memory store
 * orders by value and Redis by length, so they evicted different messages.
 */
export function snowflake(value: unknown): string | undefined {
  return isSnowflake(value) &&
      (value.length === 1 || value.charCodeAt(0) !== 48)
    ? value
    : undefined;
}

/** The objects of a list field (anything else in it, or a non-list: none). */
export function list(value: unknown): D[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * Whether `userId` is the bot's: never before READY, when no bot id is
 * known (a payload without a user id would otherwise match it).
 */
export function isBotUser(
  userId: unknown,
  botId: string | undefined,
): boolean {
  return botId !== undefined && userId === botId;
}

/**
 * Whether `value` is a list of more than `max` items: one longer than any
 * Discord sends (a hostile gateway's), which the events that patch one
 * entry leave as it is, since each would copy or scan all of it.
 */
export function longerThan(value: unknown, max: number): boolean {
  return Array.isArray(value) && value.length > max;
}

/**
 * A copy of `items` with the entry at `index` replaced by `item`, or removed
 * without one; an index of -1 appends `item` (the events that patch one
 * entry of a message's list: a reaction, a poll answer's count).
 */
export function withEntry(items: D[], index: number, item?: D): D[] {
  const result = [...items];
  if (item === undefined) result.splice(index, 1);
  else if (index === -1) result.push(item);
  else result[index] = item;
  return result;
}

/**
 * `value`, the new form of cached `old`, with each of `fields` that it
 * lacks and `old` has: fields other events keep current (a thread's bot
 * member, a voice channel's status, a scheduled event's user count), which
 * the event replacing the object does not carry. A copy only when one is
 * kept.
 */
export function keepUncarried(
  value: D,
  old: D | undefined,
  fields: readonly string[],
): D {
  let kept: D | undefined;
  for (const field of fields) {
    if (old?.[field] !== undefined && value[field] === undefined) {
      (kept ??= { ...value })[field] = old[field];
    }
  }
  return kept ?? value;
}

/**
 * The old state of an event naming several entities (a bulk delete, a
 * CHANNEL_INFO): those of them that were cached, or undefined when none
 * was, as an event naming one gets for one not cached. An empty list would
 * say the cache knew them all to be absent, which it cannot (a message
 * created before the session, or evicted).
 */
export function cachedOnes(olds: D[]): D[] | undefined {
  return olds.length > 0 ? olds : undefined;
}

/** Merge fields of `patch` into a copy of `old` (a partial update). */
export function merge(old: D | undefined, patch: D): D {
  return old === undefined ? patch : { ...old, ...patch };
}

/**
 * Values in id order: a list handed back as `old` is then the same from
 * every store (Redis returns a set's members in no fixed order).
 */
export function byId(values: D[], idField: string): D[] {
  const id = (value: D): string =>
    typeof value[idField] === "string" ? value[idField] : "";
  return values.sort((a, b) => compareSnowflakes(id(a), id(b)));
}

/** A member (from any event) as cached, or undefined without a user id. */
export function memberValue(m: D, guildId: string): [string, D] | undefined {
  const user = m.user;
  const id = isRecord(user) ? snowflake(user.id) : undefined;
  if (id === undefined) return undefined;
  return [id, projectMember(m, guildId, projectUser(user as D))];
}

/** Whether a member payload has every field Discord's member object requires. */
export function wholeMember(m: D): boolean {
  return Array.isArray(m.roles) &&
    (typeof m.joined_at === "string" || m.joined_at === null) &&
    typeof m.deaf === "boolean" && typeof m.mute === "boolean" &&
    typeof m.flags === "number";
}

/** What one reducer call reads and decides. */
export class Context {
  readonly changes: CacheChange[] = [];
  readonly #lookup: CacheLookup;
  readonly #resources: CacheConfig["resources"];

  constructor(lookup: CacheLookup, config: CacheConfig) {
    this.#lookup = lookup;
    this.#resources = config.resources;
  }

  keeps(kind: CacheKind): boolean {
    const resource = KIND_RESOURCE[kind];
    return resource === undefined || this.#resources.has(resource);
  }

  /** Read an entity; reads of kinds not kept return undefined. */
  get(kind: CacheKind, scope: string, id: string): D | undefined {
    return this.keeps(kind) ? this.#lookup.get(kind, scope, id) : undefined;
  }

  /**
   * Whether the member of `userId` is kept: every member with the members
   * resource, and the bot's own without it (as twilight-dispatch keeps it
   * in Redis, and discord.js as `guild.members.me`): a bot's permissions in
   * a guild are computed from it. Not without the guilds, which alone let
   * a READY drop the state of guilds left while disconnected.
   */
  keepsMember(userId: string): boolean {
    return this.keeps("member") || (this.keeps("guild") &&
      snowflake(this.#lookup.get("bot_user", "", BOT)?.id) === userId);
  }

  /**
   * A member, when {@linkcode Context.keepsMember}. Read whether or not
   * members are kept: which member is the bot's is known only from the
   * state, and the reads must depend on the payload alone.
   */
  member(guildId: string, userId: string): D | undefined {
    const value = this.#lookup.get("member", guildId, userId);
    return this.keepsMember(userId) ? value : undefined;
  }

  /** Store a member when {@linkcode Context.keepsMember}. */
  setMember(guildId: string, userId: string, value: D): void {
    if (this.keepsMember(userId)) {
      this.changes.push({
        op: "set",
        kind: "member",
        scope: guildId,
        id: userId,
        value,
      });
    }
  }

  /**
   * Remove a member when {@linkcode Context.keepsMember}: the bot's own,
   * kept without the members resource, leaves as it came.
   */
  deleteMember(guildId: string, userId: string): void {
    if (this.keepsMember(userId)) {
      this.changes.push({
        op: "delete",
        kind: "member",
        scope: guildId,
        id: userId,
      });
    }
  }

  /** The ids of every cached entity of a kind in a scope. */
  ids(kind: CacheKind, scope: string): string[] {
    return this.keeps(kind) ? [...this.#lookup.ids(kind, scope)] : [];
  }

  /**
   * The held guilds of shard `shard` of `count`, and maybe some of other
   * shards: the lookup's own index when it has one (see
   * {@linkcode CacheLookup.guildIdsOfShard}), else every guild held.
   */
  guildsOfShard(shard: number, count: number): string[] {
    if (this.#lookup.guildIdsOfShard === undefined || !this.keeps("guild")) {
      return this.ids("guild", "");
    }
    return [...this.#lookup.guildIdsOfShard(shard, count)];
  }

  /** Every cached entity of a kind in a scope (see {@linkcode entries}). */
  all(kind: CacheKind, scope: string): D[] {
    return [...this.entries(kind, scope).values()];
  }

  /**
   * Every cached entity of a kind in a scope, by id: the lookup's ids,
   * then each value, so a store fetches the values with the ids.
   */
  entries(kind: CacheKind, scope: string): Map<string, D> {
    const values = new Map<string, D>();
    if (!this.keeps(kind)) return values;
    for (const id of this.#lookup.ids(kind, scope)) {
      const value = this.#lookup.get(kind, scope, id);
      if (value !== undefined) values.set(id, value);
    }
    return values;
  }

  /**
   * Guild `guildId`'s whole list of `kind` as cached, when the cache knows
   * it: undefined when the kind is not kept or the guild is not held (never
   * created, as in a process resumed from a session store, or removed),
   * where an empty list would say the guild had none. Held is judged as
   * the core judges a guild unknown (reduceIn): only when guilds are kept
   * can one be missing. A READY placeholder (`{ id, unavailable: true }`,
   * no name: an outage-marked guild keeps its name) holds no list its
   * GUILD_CREATE brought, so an empty one is not known either; one with
   * items an event put there since is given whole, so that a replacing
   * event still deletes the items it drops. Both reads happen whatever they
   * return, so the reads stay a function of the payload.
   */
  guildList(kind: CacheKind, guildId: string): D[] | undefined {
    const guild = this.get("guild", "", guildId);
    const values = this.all(kind, guildId);
    if (!this.keeps(kind)) return undefined;
    if (guild === undefined) return this.keeps("guild") ? undefined : values;
    const placeholder = guild.unavailable === true && guild.name === undefined;
    return placeholder && values.length === 0 ? undefined : values;
  }

  set(kind: CacheKind, scope: string, id: string, value: D): void {
    if (this.keeps(kind)) {
      this.changes.push({ op: "set", kind, scope, id, value });
    }
  }

  delete(kind: CacheKind, scope: string, id: string): void {
    if (this.keeps(kind)) this.changes.push({ op: "delete", kind, scope, id });
  }

  removeChannel(scope: string, id: string): void {
    if (this.keeps("channel") || this.keeps("message")) {
      this.changes.push({ op: "remove_channel", scope, id });
    }
  }

  /** Take a deleted role out of the cached members' role lists. */
  removeRole(guildId: string, roleId: string): void {
    this.changes.push({ op: "remove_role", scope: guildId, id: roleId });
  }

  removeGuild(id: string): void {
    this.changes.push({ op: "remove_guild", id });
  }

  /** Remove the DM channels, and the messages of channels no guild holds. */
  removeUnguilded(): void {
    if (this.keeps("channel") || this.keeps("message")) {
      this.changes.push({ op: "remove_unguilded" });
    }
  }

  /** Store a user (shared by members and messages) when users are kept. */
  user(user: unknown): void {
    const id = isRecord(user) ? snowflake(user.id) : undefined;
    if (id === undefined) return;
    this.set("user", "", id, projectUser(user as D));
  }

  /**
   * Store the user of a member or message that is not kept itself. (One
   * that is kept carries its user: stores keep that, so a second change
   * would only repeat the work.)
   */
  userOf(kind: CacheKind, user: unknown): void {
    if (!this.keeps(kind)) this.user(user);
  }
}
