// The state a batch of dispatches sees in the Redis store: what was fetched
// for the whole batch in one round trip, with the changes of the batch's
// earlier dispatches laid over it, so each dispatch is reduced against the
// state its predecessors left (as if applied one by one).
import {
  type CacheChange,
  type CachedValue,
  type CacheKind,
  type CacheLookup,
  KIND_RESOURCE,
} from "./changes.ts";
import {
  compareSnowflakes,
  messageAgeCutoff,
  snowflakeTime,
} from "./options.ts";
import { snowflake } from "./reduce_context.ts";
import { isRecord } from "../base/is_record.ts";

/** The bounds on a channel's messages the store enforces. */
export interface MessageBounds {
  /** Messages kept per channel. */
  readonly perChannel: number;
  /** The age bound in milliseconds, if any. */
  readonly maxAge: number | undefined;
}

/** Where one kind's entities are scoped (for removals). */
function guildScoped(kind: CacheKind): boolean {
  return kind !== "guild" && kind !== "user" && kind !== "bot_user" &&
    kind !== "message";
}

/** The kinds whose id sets a removed guild empties: those scoped by it. */
const SCOPED_KINDS = (Object.keys(KIND_RESOURCE) as CacheKind[]).filter(
  guildScoped,
);

/** Add `item` to the set under `key`, making the set on first use. */
function addTo<T>(sets: Map<string, Set<T>>, key: string, item: T): void {
  const set = sets.get(key);
  if (set === undefined) sets.set(key, new Set([item]));
  else set.add(item);
}

/**
 * A lookup over a fetched snapshot, updated by {@linkcode BatchOverlay.apply}.
 *
 * A removal touches only its own entries, found through indexes filled as
 * values are set: a batch of a thousand GUILD_CREATEs, each of which first
 * removes its guild, would otherwise scan everything the batch set before
 * it, quadratic in the batch. An index may name keys whose value changed
 * or went since; each entry is checked against the value it names.
 */
export class BatchOverlay implements CacheLookup {
  readonly #snapshot: CacheLookup;
  readonly #key: (kind: CacheKind, scope: string, id: string) => string;
  /** Entities set (a value) or removed (`null`) by the batch so far. */
  readonly #values = new Map<string, CachedValue | null>();
  /** Id sets of "all" reads, copied from the snapshot on first use. */
  readonly #ids = new Map<string, Set<string>>();
  readonly #removedGuilds = new Set<string>();
  /** Guilds set by the batch (maybe removed since), for READY's shard read. */
  readonly #setGuilds = new Set<string>();
  /** Guild id -> roles deleted by the batch (taken out of its members). */
  readonly #removedRoles = new Map<string, Set<string>>();
  readonly #removedChannels = new Set<string>();
  /** Whether the batch removed what no guild holds (see #removeUnguilded). */
  #unguilded = false;
  /** Channels the batch had written, held in a guild at that removal. */
  readonly #guildedAtRemoval = new Set<string>();
  /** Channels the batch set or removed. */
  readonly #batchChannels = new Set<string>();

  /**
   * `kind\0guildId` -> keys of the values set of the guild-scoped kinds
   * other than channels (those are found by their `guild_id`).
   */
  readonly #scoped = new Map<string, Set<string>>();
  /** Guild id -> ids of the channels set with that `guild_id`. */
  readonly #guildChannels = new Map<string, Set<string>>();
  /** Channel id -> keys of the messages set in it. */
  readonly #channelMessages = new Map<string, Set<string>>();
  /**
   * Guild id -> the channels, of that guild in the snapshot, whose message
   * ids the batch read or changed (its channel list may not name them).
   */
  readonly #messageSetsByGuild = new Map<string, Set<string>>();

  readonly #bounds: MessageBounds | undefined;
  /**
   * Channels a message was set in since their last trim: trimmed when
   * their messages are next read or one deleted, once for a run of sets
   * (each set sorted the whole channel: a batch of 1,000 messages in a
   * channel of 4,000 sorted it 1,000 times). The same are kept, as the
   * Redis store's once-a-chunk trim keeps them (see redis_trims.ts).
   */
  readonly #untrimmed = new Set<string>();
  /** Channel id -> how many of its messages the trims dropped. */
  readonly #trimDrops = new Map<string, number>();

  /**
   * @param bounds The message bounds, to drop what the store's trimming
   * drops: the snapshot's message ids of each channel a message is created
   * in must then be in it (`ids("message", channelId)`), or a message
   * evicted earlier in the batch would still be found.
   */
  constructor(
    snapshot: CacheLookup,
    key: (kind: CacheKind, scope: string, id: string) => string,
    bounds?: MessageBounds,
  ) {
    this.#snapshot = snapshot;
    this.#key = key;
    this.#bounds = bounds;
  }

  get(kind: CacheKind, scope: string, id: string): CachedValue | undefined {
    if (kind === "message") this.#trimMessages(scope);
    const key = this.#key(kind, scope, id);
    const own = this.#values.get(key);
    if (own !== undefined) return own ?? undefined;
    const value = this.#snapshot.get(kind, scope, id);
    if (value === undefined || this.#removed(kind, scope, id, value)) {
      return undefined;
    }
    const roles = kind === "member" ? this.#removedRoles.get(scope) : undefined;
    return roles === undefined ? value : withoutRoles(value, roles);
  }

  ids(kind: CacheKind, scope: string): Iterable<string> {
    if (kind === "message") this.#trimMessages(scope);
    return this.#idSet(kind, scope);
  }

  /**
   * The snapshot's guilds of the shard that the batch has not removed, and
   * those the batch set (of any shard: the core keeps its shard's). Every
   * guild held without the snapshot's index.
   */
  guildIdsOfShard(shard: number, count: number): Iterable<string> {
    if (this.#snapshot.guildIdsOfShard === undefined) {
      return this.ids("guild", "");
    }
    const ids = new Set<string>();
    const held = (id: string): boolean =>
      this.#values.get(this.#key("guild", "", id)) !== null;
    for (const id of this.#snapshot.guildIdsOfShard(shard, count)) {
      if (held(id)) ids.add(id);
    }
    for (const id of this.#setGuilds) if (held(id)) ids.add(id);
    return ids;
  }

  /**
   * How many messages of channel `channelId` the batch's trims dropped so
   * far, trimming it first if due: the Redis store queues a trim before a
   * message's deletion only when it drops any (see redis_trims.ts).
   */
  trimDrops(channelId: string): number {
    this.#trimMessages(channelId);
    return this.#trimDrops.get(channelId) ?? 0;
  }

  /** Lay one dispatch's changes over the state. */
  apply(changes: readonly CacheChange[]): void {
    for (const change of changes) {
      switch (change.op) {
        case "set": {
          const key = this.#key(change.kind, change.scope, change.id);
          this.#values.set(key, change.value);
          this.#index(change.kind, change.scope, change.id, key, change.value);
          this.#idSet(change.kind, change.scope).add(change.id);
          if (change.kind === "guild") this.#setGuilds.add(change.id);
          if (change.kind === "channel") this.#batchChannels.add(change.id);
          if (change.kind === "message" && this.#bounds !== undefined) {
            this.#untrimmed.add(change.scope);
          }
          break;
        }
        case "delete":
          // Trimmed before: the store's trim is queued before a deletion.
          if (change.kind === "message") this.#trimMessages(change.scope);
          this.#values.set(
            this.#key(change.kind, change.scope, change.id),
            null,
          );
          this.#idSet(change.kind, change.scope).delete(change.id);
          break;
        case "remove_channel":
          this.#trimAll();
          this.#removeChannel(change.scope, change.id);
          break;
        case "remove_role": {
          let roles = this.#removedRoles.get(change.scope);
          if (roles === undefined) {
            this.#removedRoles.set(change.scope, roles = new Set());
          }
          roles.add(change.id);
          // Members set earlier in the batch lose it too (only it: one set
          // after an earlier deletion kept the role it was given, as it
          // does in the store).
          const removed = new Set([change.id]);
          for (const key of this.#scoped.get(`member\0${change.scope}`) ?? []) {
            const value = this.#values.get(key);
            if (value != null) {
              this.#values.set(key, withoutRoles(value, removed));
            }
          }
          break;
        }
        case "remove_guild":
          this.#trimAll();
          this.#removeGuild(change.id);
          break;
        case "remove_unguilded":
          this.#trimAll();
          this.#removeUnguilded();
          break;
      }
    }
  }

  /**
   * Drop what the store drops after messages are set in a channel, when
   * it is due (see #untrimmed): the oldest past the per-channel bound, and
   * those older than the age bound measured from the newest, or from the
   * one before it when the newest is alone more than the bound after every
   * other (as the memory store and the Redis trim script do).
   */
  #trimMessages(channelId: string): void {
    const bounds = this.#bounds;
    if (bounds === undefined || !this.#untrimmed.delete(channelId)) return;
    const ids = this.#idSet("message", channelId);
    const sorted = [...ids].sort(compareSnowflakes);
    let drop = Math.max(0, sorted.length - bounds.perChannel);
    if (bounds.maxAge !== undefined && sorted.length > 0) {
      const cutoff = messageAgeCutoff(
        snowflakeTime(sorted[sorted.length - 1]!),
        sorted.length > 1
          ? snowflakeTime(sorted[sorted.length - 2]!)
          : undefined,
        bounds.maxAge,
      );
      while (drop < sorted.length && snowflakeTime(sorted[drop]!) < cutoff) {
        drop++;
      }
    }
    if (drop === 0) return;
    this.#trimDrops.set(
      channelId,
      (this.#trimDrops.get(channelId) ?? 0) + drop,
    );
    for (const id of sorted.slice(0, drop)) {
      ids.delete(id);
      this.#values.set(this.#key("message", channelId, id), null);
    }
  }

  /** Trim every channel due (before a removal, as the store's chunk ends). */
  #trimAll(): void {
    for (const channelId of [...this.#untrimmed]) {
      this.#trimMessages(channelId);
    }
  }

  /** Index a value set, for the removals that may take it. */
  #index(
    kind: CacheKind,
    scope: string,
    id: string,
    key: string,
    value: CachedValue,
  ): void {
    if (kind === "channel") {
      if (typeof value.guild_id === "string") {
        addTo(this.#guildChannels, value.guild_id, id);
      }
    } else if (kind === "message") addTo(this.#channelMessages, scope, key);
    else if (guildScoped(kind)) addTo(this.#scoped, `${kind}\0${scope}`, key);
  }

  #removeGuild(guildId: string): void {
    for (const channel of this.#channelsOf(guildId)) {
      this.#removeChannel(guildId, channel);
    }
    this.#removedGuilds.add(guildId);
    this.#messageSetsByGuild.delete(guildId);
    // Its messages went with its channels, as the stores take them: one
    // kept in a channel the guild no longer holds stays.
    for (const kind of SCOPED_KINDS) {
      const scope = `${kind}\0${guildId}`;
      for (const key of this.#scoped.get(scope) ?? []) {
        if (this.#values.get(key) != null) this.#values.set(key, null);
      }
      this.#scoped.delete(scope);
      this.#ids.get(scope)?.clear();
    }
    this.#values.set(this.#key("guild", "", guildId), null);
    this.#idSet("guild", "").delete(guildId);
  }

  /**
   * Shard 0's new session: the DM channels, and the messages of every
   * channel no guild holds, go (the store runs DROP_UNGUILDED there). Those
   * the batch knows of are judged now; any other the snapshot holds (the
   * batch had not touched it) by the snapshot's channel, when first read
   * (see #removed and #channelRemoved).
   */
  #removeUnguilded(): void {
    this.#unguilded = true;
    const channels = new Set([
      ...this.#idSet("channel", ""),
      ...this.#batchChannels,
      ...this.#channelMessages.keys(),
    ]);
    for (const key of this.#ids.keys()) {
      if (key.startsWith("message\0")) channels.add(key.slice(8));
    }
    for (const id of channels) {
      const guildId = this.get("channel", "", id)?.guild_id;
      if (typeof guildId === "string") this.#guildedAtRemoval.add(id);
      else {
        this.#guildedAtRemoval.delete(id);
        this.#removeChannel("", id);
      }
    }
  }

  #removeChannel(scope: string, id: string): void {
    this.#batchChannels.add(id);
    this.#removedChannels.add(id);
    this.#values.set(this.#key("channel", scope, id), null);
    this.#idSet("channel", scope).delete(id);
    this.#idSet("message", id).clear();
    // Its messages, as the stores find them: under its id.
    for (const key of this.#channelMessages.get(id) ?? []) {
      if (this.#values.get(key) != null) this.#values.set(key, null);
    }
    this.#channelMessages.delete(id);
  }

  /**
   * The guild's channels this overlay knows of: its channel list when read
   * whole, those set earlier in the batch, and those fetched for a message
   * event. A GUILD_CREATE reads no list, and a channel missing here kept its
   * message ids past the guild's removal: a message kept later in the batch
   * was trimmed against those ghosts, though the store has none.
   */
  #channelsOf(guildId: string): Set<string> {
    const channels = new Set(this.#idSet("channel", guildId));
    for (const id of this.#guildChannels.get(guildId) ?? []) {
      const value = this.#values.get(this.#key("channel", guildId, id));
      if (value != null && value.guild_id === guildId) channels.add(id);
    }
    // All removed now, or set again (and indexed again) under another.
    this.#guildChannels.delete(guildId);
    // A channel of the guild in the snapshot is still its own unless the
    // batch removed or set it since (then the lines above decide): one
    // removed, then named by a message event, holds no message the guild
    // takes.
    for (const id of this.#messageSetsByGuild.get(guildId) ?? []) {
      if (!this.#values.has(this.#key("channel", guildId, id))) {
        channels.add(id);
      }
    }
    return channels;
  }

  /**
   * Whether a channel's messages went with a removal: its own, or its
   * guild's (the stores remove a guild's messages through the guild's
   * channels, so a message in a channel not held stays, whatever its
   * `guild_id` says). The store fetches the channel of every message event
   * of a batch, so a channel held before the batch is known here.
   */
  #channelRemoved(channelId: string): boolean {
    if (this.#removedChannels.has(channelId)) return true;
    const guildId = this.#snapshot.get("channel", "", channelId)?.guild_id;
    if (typeof guildId !== "string") {
      return this.#unguilded && !this.#guildedAtRemoval.has(channelId);
    }
    return this.#removedGuilds.has(guildId);
  }

  /** Whether a snapshot value was removed by an earlier removal. */
  #removed(
    kind: CacheKind,
    scope: string,
    id: string,
    value: CachedValue,
  ): boolean {
    if (kind === "guild") return this.#removedGuilds.has(id);
    if (kind === "message") return this.#channelRemoved(scope);
    if (kind === "channel") {
      return this.#removedChannels.has(id) ||
        (typeof value.guild_id === "string"
          ? this.#removedGuilds.has(value.guild_id)
          : this.#unguilded);
    }
    return guildScoped(kind) && this.#removedGuilds.has(scope);
  }

  #idSet(kind: CacheKind, scope: string): Set<string> {
    const key = `${kind}\0${scope}`;
    let ids = this.#ids.get(key);
    if (ids === undefined) {
      // First used after a removal took the snapshot's ids (those used
      // before are cleared by the removal itself).
      const removed = kind === "message"
        ? this.#channelRemoved(scope)
        : guildScoped(kind) && this.#removedGuilds.has(scope);
      ids = new Set(removed ? [] : this.#snapshot.ids(kind, scope));
      this.#ids.set(key, ids);
      // A channel whose messages a removal already took is no longer its
      // snapshot guild's: a message kept in it since (no guild holds the
      // channel) must not go with that guild's next removal.
      if (kind === "message" && !removed) {
        const guildId = this.#snapshot.get("channel", "", scope)?.guild_id;
        if (typeof guildId === "string") {
          addTo(this.#messageSetsByGuild, guildId, scope);
        }
      }
    }
    return ids;
  }
}

/** A member without some roles (the same value when it has none of them). */
function withoutRoles(
  member: CachedValue,
  removed: ReadonlySet<string>,
): CachedValue {
  const roles = member.roles;
  if (!Array.isArray(roles) || !roles.some((id) => removed.has(id))) {
    return member;
  }
  return { ...member, roles: roles.filter((id) => !removed.has(id)) };
}

/**
 * The channels the batch's message events name, each once, and whether an
 * event that may add a message (MESSAGE_CREATE, or a MESSAGE_UPDATE of one
 * not held) names it.
 */
export function messageChannels(
  dispatches: readonly { event: string; data: unknown }[],
): Map<string, boolean> {
  const channels = new Map<string, boolean>();
  for (const { event, data } of dispatches) {
    if (!event.startsWith("MESSAGE_") || !isRecord(data)) continue;
    const channelId = snowflake(data.channel_id);
    if (channelId === undefined) continue;
    const created = event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE";
    channels.set(channelId, created || channels.get(channelId) === true);
  }
  return channels;
}
