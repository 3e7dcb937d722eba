/**
 * {@linkcode MemoryCache}: the pure core's changes kept in this process, in
 * a compact form, with typed getters.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { UnavailableGuildCreate } from "../types/dispatch_payloads.ts";
import type { Emoji } from "../types/objects/emoji.ts";
import type { PresenceUpdate } from "../types/objects/presence.ts";
import type { Role } from "../types/objects/role.ts";
import type { GuildScheduledEvent } from "../types/objects/scheduled_event.ts";
import type { SoundboardSound } from "../types/objects/soundboard.ts";
import type { StageInstance } from "../types/objects/stage_instance.ts";
import type { Sticker } from "../types/objects/sticker.ts";
import type { User } from "../types/objects/user.ts";
import type { VoiceState } from "../types/objects/voice.ts";
import {
  type CacheChange,
  type CachedValue,
  type CacheKind,
  type CacheLookup,
  type CacheUpdate,
  GUILD_SCOPED_KINDS,
  KIND_RESOURCE,
} from "./changes.ts";
import type { CachedGuild } from "./cached_guild.ts";
import { ChannelMessages } from "./channel_messages.ts";
import { CompactMember, CompactMessage, Interner } from "./compact.ts";
import {
  type CacheOptions,
  messageAgeCutoff,
  resolveCacheOptions,
  type ResolvedCacheOptions,
  snowflakeTime,
} from "./options.ts";
import { DetachedUpdate } from "./detached_update.ts";
import { EmptiedDms } from "./emptied_dms.ts";
import { GuildCaps } from "./guild_caps.ts";
import { reduceDispatch } from "./reduce.ts";
import { SharedUsers } from "./shared_users.ts";
import { RoleHolders } from "./role_holders.ts";
import type {
  CachedChannel,
  CachedIntegration,
  CachedMember,
  CachedMessage,
} from "./cached_values.ts";
import { isRecord } from "../base/is_record.ts";
import { guildsOfShard, newEntries } from "./_shard_guilds.ts";

export type { CachedChannel, CachedIntegration, CachedMember, CachedMessage };

/** Entities per kind, as reported by {@linkcode MemoryCache.sizes}. */
export type CacheSizes = Record<CacheKind, number>;

/** A stored entity: Discord JSON, or the compact form of a member or message. */
type Stored = CachedValue | CompactMember | CompactMessage;
type Scopes = Map<string, Map<string, Stored>>;

/**
 * The in-memory store: apply dispatches with {@linkcode MemoryCache.apply}
 * (the Client does it for you with `cache` in its options) and read with the
 * typed getters. Values come back as Discord's JSON objects; treat them as
 * read-only (nested objects are shared with the cache). The `old` that
 * `apply` returns is the caller's own copy, made when it is first read.
 *
 * Event payloads are kept as sent, not copied (a copy per event would cost
 * every event): the `data` given to `apply` is then the cache's, and must be
 * treated as read-only afterwards. The Client hands that same payload to the
 * handlers, so a handler that edits its event's payload edits the cache.
 *
 * Kept compact: each user once (members and messages in every guild point
 * at it), recurring snowflakes interned, timestamps as numbers, and only
 * the fields Discord's object tables define.
 *
 * @example Apply dispatches, read the state
 * ```ts
 * import { MemoryCache } from "@disruption/disruption/cache";
 * import assert from "node:assert/strict";
 *
 * const cache = new MemoryCache({ resources: ["guilds", "channels", "messages"] });
 * cache.apply("GUILD_CREATE", {
 *   id: "1", name: "Home", channels: [{ id: "2", type: 0, name: "general" }],
 *   roles: [], emojis: [], members: [], threads: [],
 * });
 * cache.apply("MESSAGE_CREATE", {
 *   id: "3", channel_id: "2", guild_id: "1", content: "hi",
 *   author: { id: "4", username: "ada", discriminator: "0", global_name: null, avatar: null },
 *   timestamp: "2024-01-01T00:00:00.000000+00:00", edited_timestamp: null,
 * });
 * const { old } = cache.apply("MESSAGE_DELETE", { id: "3", channel_id: "2", guild_id: "1" });
 * assert.equal((old as { content: string }).content, "hi");
 * assert.equal(cache.channel("2")?.name, "general");
 * assert.equal(cache.channelMessages("2").length, 0);
 * ```
 */
export class MemoryCache implements CacheLookup {
  readonly #options: ResolvedCacheOptions;
  // Interned values are guild and role ids and one-role lists (channel ids
  // are not: a channel's messages share its ChannelMessages' copy), so the
  // bound follows what can name them, not the members and messages: bound
  // by those, unique channels or roles churning grew the heap to 1.7 times
  // the cache before a reset.
  readonly #interner = new Interner(() => 4 * this.#internable());
  readonly #kinds = new Map<CacheKind, Scopes>();
  /** channel id -> its scope (guild id or ""). */
  readonly #channelScope = new Map<string, string>();
  readonly #users = new SharedUsers();
  /** channel id -> its messages. */
  readonly #channelMessages = new Map<string, ChannelMessages>();
  /**
   * Ids of DM channels with messages, least recently written first, and of
   * those emptied lately (in #emptiedDms: not counted by the bound).
   */
  readonly #dmChannels = new Set<string>();
  readonly #emptiedDms = new EmptiedDms();
  /** The DM channel written last (its place in #dmChannels is right). */
  #newestDm: string | undefined;
  /** How many members hold each role, per guild: a role delete's scan. */
  readonly #roleHolders = new RoleHolders();
  /** The kinds Discord caps per guild, capped (see guild_caps.ts). */
  readonly #caps = new GuildCaps();

  /**
   * Create an empty cache.
   *
   * @param options What to keep.
   * @throws {TypeError} Options that are not an object or have a key they
   * do not take (RedisCache's `ttl`, say), or an unknown resource.
   * @throws {RangeError} A bad message bound.
   */
  constructor(options: CacheOptions = {}) {
    this.#options = resolveCacheOptions(options);
  }

  /** The options in force (resources as a set). */
  get options(): ResolvedCacheOptions {
    return this.#options;
  }

  /**
   * Apply one dispatch.
   *
   * @param event The dispatch's `t`.
   * @param data The dispatch's `d`.
   * @returns The changes made and the previous state (`old`: a deep copy,
   * made when first read, that the cache does not hold).
   */
  apply(event: string, data: unknown): CacheUpdate {
    const update = reduceDispatch(this, event, data, this.#options);
    for (const change of update.changes) this.#apply(change);
    return new DetachedUpdate(update);
  }

  // ---------------------------------------------------------------------
  // CacheLookup: the core's view (Discord JSON)

  /**
   * One entity as Discord JSON (the core's lookup).
   *
   * @param kind The kind.
   * @param scope The scope (see {@linkcode CacheKind}'s module).
   * @param id The id.
   * @returns The value, or `undefined`.
   */
  get(kind: CacheKind, scope: string, id: string): CachedValue | undefined {
    if (kind === "user") return this.#users.get(id)?.toJSON(id);
    if (kind === "message") {
      return this.#channelMessages.get(scope)?.get(id)?.toJSON();
    }
    if (kind === "channel") {
      const channelScope = this.#channelScope.get(id);
      if (channelScope === undefined) return undefined;
      scope = channelScope;
    }
    const stored = this.#entries(kind, scope)?.get(id);
    return stored === undefined ? undefined : decode(stored, scope, id);
  }

  /**
   * The ids of every entity of a kind in a scope (the core's lookup).
   *
   * @param kind The kind.
   * @param scope The scope.
   * @returns The ids.
   */
  ids(kind: CacheKind, scope: string): Iterable<string> {
    if (kind === "user") return this.#users.ids();
    if (kind === "message") {
      return this.#channelMessages.get(scope)?.keys() ?? [];
    }
    return this.#kinds.get(kind)?.get(scope)?.keys() ?? [];
  }

  /** The held guilds of shard `[shard, count]` (the core's lookup, READY). */
  guildIdsOfShard(shard: number, count: number): Iterable<string> {
    return guildsOfShard(this.#entries("guild", ""), shard, count);
  }

  // ---------------------------------------------------------------------
  // Typed getters

  /** The bot's user, from READY and USER_UPDATE. */
  botUser(): User | undefined {
    return this.get("bot_user", "", "@me") as User | undefined;
  }

  /** A {@linkcode CachedGuild}, or the placeholder of one not yet created. */
  guild(id: Snowflake): CachedGuild | UnavailableGuildCreate | undefined {
    const guild = this.get("guild", "", id);
    return guild as CachedGuild | UnavailableGuildCreate | undefined;
  }

  /**
   * Every cached guild, as an iterator (the large collections, guilds,
   * members and presences, are walked rather than copied; `[...]` or
   * `Array.from` makes an array).
   */
  *guilds(): IterableIterator<CachedGuild | UnavailableGuildCreate> {
    const guilds = this.#values("guild", "") as unknown;
    yield* guilds as Iterable<CachedGuild | UnavailableGuildCreate>;
  }

  /** A channel or thread by id (DM channels too). */
  channel(id: Snowflake): CachedChannel | undefined {
    return this.get("channel", "", id) as CachedChannel | undefined;
  }

  /** A guild's channels and threads. */
  channels(guildId: Snowflake): CachedChannel[] {
    return this.#list<CachedChannel>("channel", guildId);
  }

  /** A role. */
  role(guildId: Snowflake, roleId: Snowflake): Role | undefined {
    return this.get("role", guildId, roleId) as Role | undefined;
  }

  /** A guild's roles. */
  roles(guildId: Snowflake): Role[] {
    return this.#list<Role>("role", guildId);
  }

  /** A custom emoji. */
  emoji(guildId: Snowflake, emojiId: Snowflake): Emoji | undefined {
    return this.get("emoji", guildId, emojiId) as Emoji | undefined;
  }

  /** A guild's custom emojis. */
  emojis(guildId: Snowflake): Emoji[] {
    return this.#list<Emoji>("emoji", guildId);
  }

  /** A guild's sticker. */
  sticker(guildId: Snowflake, stickerId: Snowflake): Sticker | undefined {
    return this.get("sticker", guildId, stickerId) as Sticker | undefined;
  }

  /** A guild's stickers. */
  stickers(guildId: Snowflake): Sticker[] {
    return this.#list<Sticker>("sticker", guildId);
  }

  /** A member, with its user. */
  member(guildId: Snowflake, userId: Snowflake): CachedMember | undefined {
    return this.get("member", guildId, userId) as CachedMember | undefined;
  }

  /** A guild's cached members, as an iterator (see {@linkcode MemoryCache.guilds}). */
  *members(guildId: Snowflake): IterableIterator<CachedMember> {
    yield* this.#values("member", guildId) as unknown as Iterable<
      CachedMember
    >;
  }

  /** A user (shared by all its members and messages). */
  user(id: Snowflake): User | undefined {
    return this.#users.get(id)?.toJSON(id) as User | undefined;
  }

  /** A member's presence (`user` holds the id only). */
  presence(guildId: Snowflake, userId: Snowflake): PresenceUpdate | undefined {
    return this.get("presence", guildId, userId) as PresenceUpdate | undefined;
  }

  /**
   * A guild's cached presences (members seen online, idle or dnd since the
   * guild was created in the cache; one that went offline is removed, as no
   * offline presence is kept), as an iterator (see
   * {@linkcode MemoryCache.guilds}).
   */
  *presences(guildId: Snowflake): IterableIterator<PresenceUpdate> {
    yield* this.#values("presence", guildId) as unknown as Iterable<
      PresenceUpdate
    >;
  }

  /** A user's voice state in a guild (absent when not in a voice channel). */
  voiceState(guildId: Snowflake, userId: Snowflake): VoiceState | undefined {
    return this.get("voice", guildId, userId) as VoiceState | undefined;
  }

  /** The voice states of a guild. */
  voiceStates(guildId: Snowflake): VoiceState[] {
    return this.#list<VoiceState>("voice", guildId);
  }

  /** A message. */
  message(
    channelId: Snowflake,
    messageId: Snowflake,
  ): CachedMessage | undefined {
    return this.get("message", channelId, messageId) as
      | CachedMessage
      | undefined;
  }

  /** A channel's cached messages, oldest first. */
  channelMessages(channelId: Snowflake): CachedMessage[] {
    const messages: CachedMessage[] = [];
    for (
      const message of this.#channelMessages.get(channelId)?.values() ?? []
    ) {
      messages.push(message.toJSON() as unknown as CachedMessage);
    }
    return messages;
  }

  /** A stage instance. */
  stageInstance(
    guildId: Snowflake,
    stageInstanceId: Snowflake,
  ): StageInstance | undefined {
    return this.get("stage_instance", guildId, stageInstanceId) as
      | StageInstance
      | undefined;
  }

  /** A guild's stage instances. */
  stageInstances(guildId: Snowflake): StageInstance[] {
    return this.#list<StageInstance>("stage_instance", guildId);
  }

  /** A scheduled event. */
  scheduledEvent(
    guildId: Snowflake,
    eventId: Snowflake,
  ): GuildScheduledEvent | undefined {
    return this.get("scheduled_event", guildId, eventId) as
      | GuildScheduledEvent
      | undefined;
  }

  /** A guild's scheduled events. */
  scheduledEvents(guildId: Snowflake): GuildScheduledEvent[] {
    return this.#list<GuildScheduledEvent>("scheduled_event", guildId);
  }

  /** A soundboard sound. */
  soundboardSound(
    guildId: Snowflake,
    soundId: Snowflake,
  ): SoundboardSound | undefined {
    return this.get("soundboard_sound", guildId, soundId) as
      | SoundboardSound
      | undefined;
  }

  /** A guild's soundboard sounds. */
  soundboardSounds(guildId: Snowflake): SoundboardSound[] {
    return this.#list<SoundboardSound>("soundboard_sound", guildId);
  }

  /**
   * A guild's integrations, as INTEGRATION_CREATE/UPDATE sent them since
   * its last GUILD_CREATE (which carries none, and rebuilds the guild).
   */
  integrations(guildId: Snowflake): CachedIntegration[] {
    return this.#list<CachedIntegration>("integration", guildId);
  }

  /**
   * How many values the interner may hold for this cache: its guilds,
   * channels and roles (members name roles, messages guilds and roles),
   * and the guilds its members are scoped by (held as guilds or not).
   * Without roles kept, members' role lists are bounded by the entities.
   */
  #internable(): number {
    const sizes = this.sizes();
    let count = sizes.guild + sizes.channel + sizes.role +
      (this.#kinds.get("member")?.size ?? 0);
    if (!this.#options.resources.has("roles")) {
      for (const size of Object.values(sizes)) count += size;
    }
    return count;
  }

  /**
   * How many entities of each kind are cached.
   *
   * @returns A count per kind.
   */
  sizes(): CacheSizes {
    const sizes = {} as CacheSizes;
    // Users too: counted apart, below.
    for (const kind of Object.keys(KIND_RESOURCE) as CacheKind[]) {
      let count = 0;
      const scopes = kind === "message"
        ? this.#channelMessages.values()
        : this.#kinds.get(kind)?.values() ?? [];
      for (const scope of scopes) count += scope.size;
      sizes[kind] = count;
    }
    sizes.user = this.#users.size;
    return sizes;
  }

  /** Forget everything. */
  clear(): void {
    this.#kinds.clear();
    this.#channelScope.clear();
    this.#users.clear();
    this.#channelMessages.clear();
    this.#dmChannels.clear();
    this.#emptiedDms.clear();
    this.#newestDm = undefined;
    this.#roleHolders.clear();
    this.#caps.clear();
    this.#interner.clear();
  }

  // ---------------------------------------------------------------------

  #list<T>(kind: CacheKind, scope: string): T[] {
    return [...this.#values(kind, scope)] as unknown as T[];
  }

  *#values(kind: CacheKind, scope: string): IterableIterator<CachedValue> {
    const entries = this.#kinds.get(kind)?.get(scope);
    if (entries === undefined) return;
    for (const [id, stored] of entries) yield decode(stored, scope, id);
  }

  /** The entities of a kind in a scope, if any. */
  #entries(kind: CacheKind, scope: string): Map<string, Stored> | undefined {
    return this.#kinds.get(kind)?.get(scope);
  }

  /** The entities of a kind in a scope, made empty when there are none. */
  #scope(kind: CacheKind, scope: string): Map<string, Stored> {
    const known = this.#entries(kind, scope);
    if (known !== undefined) return known;
    let scopes = this.#kinds.get(kind);
    if (scopes === undefined) this.#kinds.set(kind, scopes = new Map());
    const entries = newEntries<Stored>(kind);
    scopes.set(this.#interner.intern(scope), entries);
    return entries;
  }

  /** A channel's messages, made empty when it has none yet. */
  #messages(channelId: string): ChannelMessages {
    let messages = this.#channelMessages.get(channelId);
    if (messages === undefined) {
      // Its messages share this copy of the id: interned too, it stayed
      // in the interner after the channel went.
      messages = new ChannelMessages(channelId, this.#options.perChannel);
      this.#channelMessages.set(messages.channelId, messages);
    }
    return messages;
  }

  #apply(change: CacheChange): void {
    switch (change.op) {
      case "set":
        return this.#set(change.kind, change.scope, change.id, change.value);
      case "delete":
        return this.#delete(change.kind, change.scope, change.id);
      case "remove_channel":
        return this.#removeChannel(change.id);
      case "remove_role":
        return this.#removeRole(change.scope, change.id);
      case "remove_guild":
        return this.#removeGuild(change.id);
      case "remove_unguilded": {
        // DM channels, and the messages no guild's removal takes (so many
        // as Redis's DROP_UNGUILDED drops: see changes.ts).
        const ids = [
          ...this.#channelMessages.keys(),
          ...this.ids("channel", ""),
        ];
        for (const id of ids) {
          if (!this.#heldInGuild(id)) this.#removeChannel(id);
        }
      }
    }
  }

  /**
   * Take a role out of the guild's members, in place: a compact member is
   * never handed out (readers get its JSON), and its role list is an
   * interned one, replaced rather than edited.
   */
  #removeRole(guildId: string, roleId: string): void {
    if (!this.#roleHolders.removeRole(guildId, roleId)) return;
    const members = this.#entries("member", guildId);
    if (members === undefined) return;
    for (const stored of members.values()) {
      const member = stored as CompactMember;
      const roles = member.roles;
      if (Array.isArray(roles) && roles.includes(roleId)) {
        member.roles = this.#interner.internList(
          roles.filter((id) => id !== roleId),
        );
      }
    }
  }

  #set(kind: CacheKind, scope: string, id: string, value: CachedValue): void {
    switch (kind) {
      case "user": {
        // Users are held by the members and messages that refer to them;
        // a user change updates a held one (presences, USER_UPDATE) and
        // never adds one nothing holds, so the map stays bounded.
        const user = this.#users.get(id);
        if (user !== undefined && !user.same(value)) user.update(value);
        return;
      }
      case "member": {
        const entries = this.#scope(kind, scope);
        const old = entries.get(id) as CompactMember | undefined;
        const user = this.#users.hold(value.user as CachedValue);
        if (old !== undefined) this.#users.release(old.user, id);
        const member = new CompactMember(value, user, this.#interner);
        this.#roleHolders.replace(scope, old?.roles, member.roles);
        entries.set(id, member);
        return;
      }
      case "message":
        return this.#setMessage(scope, id, value);
      case "bot_user": {
        const entries = this.#scope(kind, scope);
        entries.set(id, value);
        return;
      }
      case "channel": {
        if (!this.#caps.admitsChannel(scope, id, value)) return;
        const previous = this.#channelScope.get(id);
        if (previous !== undefined && previous !== scope) {
          this.#kinds.get("channel")?.get(previous)?.delete(id);
        }
        // Held in this scope already (every MESSAGE_CREATE's new
        // last_message_id): its interned scope stays.
        if (previous !== scope) {
          this.#channelScope.set(id, this.#interner.intern(scope));
        }
        this.#scope(kind, scope).set(id, value);
        // A DM channel counts against the DM bound, as its messages do: no
        // guild's removal ever takes it.
        if (scope === "") this.#wroteDm(id);
        return;
      }
      default: {
        const entries = this.#scope(kind, scope);
        if (this.#caps.admits(kind, scope, id, entries)) entries.set(id, value);
      }
    }
  }

  #setMessage(channelId: string, id: string, value: CachedValue): void {
    const messages = this.#messages(channelId);
    const author = value.author;
    // Shared only when it is a user: a hostile gateway's `author: null` is
    // kept as sent, and so is a webhook message's author, which Discord's
    // docs make "the webhook's id, username, and avatar" of that message
    // (each execution may name another): shared by id, the newest message
    // renamed the webhook's earlier ones (Redis keeps each as sent). So is
    // an author whose id is no snowflake (`"1:2"`, `"01"`): users are keyed
    // by snowflakes only (checked by SharedUsers.hold for a user not yet held).
    const entry = isRecord(author) && typeof author.id === "string" &&
        value.webhook_id === undefined
      ? this.#users.hold(author, true)
      : undefined;
    let guildId = value.guild_id;
    if (typeof guildId === "string") {
      if (guildId !== messages.guildId) {
        messages.guildId = this.#interner.intern(guildId);
      }
      guildId = messages.guildId;
    }
    const message = new CompactMessage(
      value,
      entry,
      this.#interner,
      messages.channelId,
      guildId,
    );
    // The one replaced or evicted, or this one when it is too old to keep.
    const gone = messages.set(id, message);
    if (gone !== undefined) this.#releaseMessage(gone);
    // A message without a guild counts against the DM bound, unless its
    // channel is held in a guild: evicted, that channel would lose its
    // guild's messages (the core adds no such message, an ephemeral reply
    // being one, but edits one written before its channel was held).
    if (guildId === undefined && !this.#heldInGuild(messages.channelId)) {
      this.#wroteDm(messages.channelId);
    }
    const maxAge = this.#options.maxAge;
    if (maxAge === undefined || messages.size === 0) return;
    const newest = snowflakeTime(messages.newestId()!);
    // Nothing too old: the usual case, without reading the one before.
    if (snowflakeTime(messages.oldestId()!) >= newest - maxAge) return;
    const cutoff = messageAgeCutoff(
      newest,
      snowflakeTime(messages.idBeforeNewest()!),
      maxAge,
    );
    while (snowflakeTime(messages.oldestId()!) < cutoff) {
      this.#releaseMessage(messages.shift()!);
    }
  }

  /**
   * Note a write to DM channel `channelId` (the channel, or a message in
   * it); past the bound, the DM channel written least recently goes with
   * its messages (only those when the channel itself is not held). One held
   * in a guild since its messages were written (a gateway naming a DM's id
   * in a guild) leaves the bound with nothing removed: its guild's removal
   * bounds it now, and it holds that guild's messages.
   */
  #wroteDm(channelId: string): void {
    this.#emptiedDms.delete(channelId);
    // Written last already: moving it again would delete and re-add the
    // same key for every message of a busy DM (see freed_ring.ts).
    if (channelId === this.#newestDm) return;
    const dms = this.#dmChannels;
    dms.delete(channelId);
    dms.add(channelId);
    this.#newestDm = channelId;
    // Emptied channels older than the one evicted go with it (each once),
    // not counted: the bound never scans past them.
    while (dms.size - this.#emptiedDms.size > this.#options.dmChannels) {
      const oldest = dms.values().next().value!;
      const scope = this.#channelScope.get(oldest);
      if (scope === "") this.#removeChannel(oldest);
      else if (scope === undefined) this.#removeMessages(oldest);
      else this.#forgetDm(oldest);
    }
  }

  /** Take channel `channelId` out of the DM bound. */
  #forgetDm(channelId: string): void {
    this.#dmChannels.delete(channelId);
    this.#emptiedDms.delete(channelId);
    if (channelId === this.#newestDm) this.#newestDm = undefined;
  }

  /** Whether channel `channelId` is held in a guild. */
  #heldInGuild(channelId: string): boolean {
    const scope = this.#channelScope.get(channelId);
    return scope !== undefined && scope !== "";
  }

  /** Forget a channel's messages (not the channel). */
  #removeMessages(channelId: string): void {
    // A DM channel held itself stays counted against the bound.
    if (this.#channelScope.get(channelId) !== "") this.#forgetDm(channelId);
    const messages = this.#channelMessages.get(channelId);
    if (messages === undefined) return;
    for (const message of messages.values()) this.#releaseMessage(message);
    this.#channelMessages.delete(channelId);
  }

  #delete(kind: CacheKind, scope: string, id: string): void {
    // A user no member or message holds is unseen already; it goes when
    // it leaves SharedUsers' queue.
    if (kind === "user") return;
    if (kind === "channel") return this.#removeChannel(id);
    if (kind === "message") {
      const messages = this.#channelMessages.get(scope);
      const old = messages?.delete(id);
      if (old !== undefined) this.#releaseMessage(old);
      if (messages?.size === 0) this.#emptied(scope);
      return;
    }
    const entries = this.#entries(kind, scope);
    const old = entries?.get(id);
    if (old === undefined) return;
    entries!.delete(id);
    if (old instanceof CompactMember) {
      this.#users.release(old.user, id);
      this.#roleHolders.replace(scope, old.roles, undefined);
    }
    // A held guild's empty scope stays until the guild goes: the guild's
    // one voice state leaving and coming back would delete and re-add its
    // key (see freed_ring.ts).
    if (entries!.size === 0 && !this.#guildHeld(scope)) {
      this.#kinds.get(kind)!.delete(scope);
    }
  }

  /** Whether guild `id` is held (its scopes go with its removal). */
  #guildHeld(id: string): boolean {
    return this.#kinds.get("guild")?.get("")?.has(id) ?? false;
  }

  /**
   * Channel `channelId`'s last message went. Its empty entry stays while
   * the channel is held (its removal takes it); a DM channel's stays a
   * while off the DM bound's count (see emptied_dms.ts: counted, it pushed
   * out DMs that hold messages), dropped when it leaves that queue empty.
   * Dropped at once, the next message added the same key back: one
   * channel's messages all deleted as they come (a verification channel)
   * deleted and re-added one key of a big Map per message (freed_ring.ts).
   */
  #emptied(channelId: string): void {
    if (this.#channelScope.has(channelId)) return;
    if (!this.#dmChannels.has(channelId)) {
      return this.#removeMessages(channelId);
    }
    const out = this.#emptiedDms.add(channelId);
    // Still not held and empty (held in a guild since, it counts again).
    if (
      out !== undefined && !this.#channelScope.has(out) &&
      this.#channelMessages.get(out)?.size === 0
    ) this.#removeMessages(out);
  }

  #removeChannel(id: string): void {
    const scope = this.#channelScope.get(id);
    if (scope !== undefined) {
      this.#channelScope.delete(id);
      this.#caps.channelRemoved(scope, id);
      const channels = this.#kinds.get("channel")?.get(scope);
      channels?.delete(id);
      if (channels?.size === 0 && !this.#guildHeld(scope)) {
        this.#kinds.get("channel")!.delete(scope);
      }
    }
    this.#removeMessages(id);
  }

  #removeGuild(id: string): void {
    for (const channelId of [...this.ids("channel", id)]) {
      this.#removeChannel(channelId);
    }
    this.#kinds.get("channel")?.delete(id);
    for (const kind of GUILD_SCOPED_KINDS) {
      const scopes = this.#kinds.get(kind);
      const entries = scopes?.get(id);
      if (entries === undefined) continue;
      if (kind === "member") {
        for (const [userId, member] of entries) {
          this.#users.release((member as CompactMember).user, userId);
        }
      }
      scopes!.delete(id);
    }
    this.#roleHolders.removeGuild(id);
    this.#caps.guildRemoved(id);
    this.#kinds.get("guild")?.get("")?.delete(id);
  }

  #releaseMessage(message: CompactMessage): void {
    const author = message.sharedAuthor;
    if (author !== undefined) {
      this.#users.release(author, message.authorId as string);
    }
  }
}

function decode(stored: Stored, scope: string, id: string): CachedValue {
  if (stored instanceof CompactMember) return stored.toJSON(scope, id);
  if (stored instanceof CompactMessage) return stored.toJSON();
  return stored;
}
