/**
 * The vocabulary shared by the pure core and the stores: what is cached
 * ({@linkcode CacheKind}), how the core reads the current state
 * ({@linkcode CacheLookup}, {@linkcode CacheRead}) and what it asks a store
 * to do ({@linkcode CacheChange}).
 *
 * Every entity is addressed by its kind, a scope and an id:
 *
 * | kind | scope | id |
 * |---|---|---|
 * | `bot_user` | `""` | `"@me"` |
 * | `guild`, `user` | `""` | guild / user id |
 * | `channel` (threads too) | guild id, `""` for DMs | channel id |
 * | `message` | channel id | message id |
 * | the rest | guild id | role / emoji / sticker / user / instance / event / sound id |
 *
 * Values are Discord's JSON objects (documented fields only); members carry
 * their `user` and `guild_id`, channels, presences and voice states their
 * `guild_id`.
 *
 * @module
 */
import type { CacheResource } from "./resources.ts";

/** A kind of cached entity. */
export type CacheKind =
  | "bot_user"
  | "guild"
  | "channel"
  | "role"
  | "emoji"
  | "sticker"
  | "member"
  | "user"
  | "presence"
  | "voice"
  | "message"
  | "stage_instance"
  | "scheduled_event"
  | "soundboard_sound"
  | "integration";

/**
 * The kinds kept under a guild's ID besides its channels and messages: with
 * those, what a removed guild takes with it.
 */
export const GUILD_SCOPED_KINDS: readonly CacheKind[] = [
  "role",
  "emoji",
  "sticker",
  "member",
  "presence",
  "voice",
  "stage_instance",
  "scheduled_event",
  "soundboard_sound",
  "integration",
];

/** Which {@linkcode CacheResource} flag turns each kind on (`bot_user`: always). */
export const KIND_RESOURCE: Readonly<
  Record<CacheKind, CacheResource | undefined>
> = {
  bot_user: undefined,
  guild: "guilds",
  channel: "channels",
  role: "roles",
  emoji: "emojis",
  sticker: "stickers",
  member: "members",
  user: "users",
  presence: "presences",
  voice: "voiceStates",
  message: "messages",
  stage_instance: "stageInstances",
  scheduled_event: "scheduledEvents",
  soundboard_sound: "soundboardSounds",
  integration: "integrations",
};

/** A Discord JSON object as cached. */
export type CachedValue = Record<string, unknown>;

/** Read access to the current state, as the core sees it (synchronous). */
export interface CacheLookup {
  /** The entity, or `undefined` when it is not cached. */
  get(kind: CacheKind, scope: string, id: string): CachedValue | undefined;
  /** The ids of every cached entity of `kind` in `scope`. */
  ids(kind: CacheKind, scope: string): Iterable<string>;
  /**
   * The ids of the cached guilds of shard `shard` of `count` (Discord's
   * `(guild_id >> 22) % count`), for a READY: every one of them, and maybe
   * some of other shards (the core keeps its shard's). Optional: without
   * it, READY reads `ids("guild", "")`, every guild held, all shards'.
   */
  guildIdsOfShard?(shard: number, count: number): Iterable<string>;
}

/**
 * One thing the core will read for a dispatch: a store that cannot answer
 * synchronously (Redis) fetches these first, in one round trip.
 */
export type CacheRead =
  | { type: "get"; kind: CacheKind; scope: string; id: string }
  | {
    /** Every entity of a kind in a scope: the ids and each one's value. */
    type: "all";
    kind: CacheKind;
    scope: string;
  }
  | {
    /**
     * The ids of every entity of a kind in a scope, without their values
     * (READY's guild list: a store holding 80,000 guilds sent all of them
     * for each READY when ids were read as `"all"`).
     */
    type: "ids";
    kind: CacheKind;
    scope: string;
  };

/** One change the core asks a store to make. */
export type CacheChange =
  | {
    /** Store `value` (the whole entity) under kind/scope/id. */
    op: "set";
    kind: CacheKind;
    scope: string;
    id: string;
    value: CachedValue;
  }
  | {
    /** Remove one entity (a missing one is fine). */
    op: "delete";
    kind: CacheKind;
    scope: string;
    id: string;
  }
  | {
    /**
     * Remove a channel and every message cached in it.
     */
    op: "remove_channel";
    scope: string;
    id: string;
  }
  | {
    /**
     * Take role `id` out of the role list of every cached member of guild
     * `scope` (GUILD_ROLE_DELETE: Discord sends no member update for it).
     * One change, not one per member: the store edits its members where
     * they are, without the core decoding a large guild's every member.
     */
    op: "remove_role";
    scope: string;
    id: string;
  }
  | {
    /**
     * Remove a guild and everything in it: channels, threads, their
     * messages, roles, emojis, stickers, members, presences, voice states,
     * stage instances, scheduled events and soundboard sounds.
     */
    op: "remove_guild";
    id: string;
  }
  | {
    /**
     * Remove what no GUILD_CREATE rebuilds: every channel held outside
     * guilds (DMs), and the messages of every channel no guild holds (shard
     * 0's new session: the events of the gap are lost for good).
     */
    op: "remove_unguilded";
  };

/** What the core returns for one dispatch. */
export interface CacheUpdate {
  /** The changes to make, in order. */
  changes: CacheChange[];
  /**
   * The state before the dispatch, for update and delete events: the entity
   * (or a list of them for bulk events), `undefined` when it was not cached
   * or the event has no previous state. Its type per event is
   * `OldState<event>` (the table: `CachedOldState`).
   */
  old: unknown;
}

/** How the core decides (the part of the cache options it needs). */
export interface CacheConfig {
  /** The resources kept. */
  readonly resources: ReadonlySet<CacheResource>;
}
