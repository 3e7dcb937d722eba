/**
 * The pure core: {@linkcode reduceDispatch} turns (current state, dispatch)
 * into the changes to make and the previous state. No I/O: a store applies
 * the changes. {@linkcode cacheReads} lists what the core will read for a
 * dispatch, so a store that cannot answer synchronously (Redis) fetches it
 * first.
 *
 * @module
 */
import type {
  CacheChange,
  CacheConfig,
  CachedValue,
  CacheKind,
  CacheLookup,
  CacheRead,
  CacheUpdate,
} from "./changes.ts";
import {
  MESSAGE_PATCH_REDUCERS,
  MESSAGE_REDUCERS,
  type Reducer,
} from "./reduce_messages.ts";
import {
  BOT,
  byId,
  cachedOnes,
  Context,
  keepUncarried,
  list,
  memberValue,
  merge,
  snowflake,
  wholeMember,
} from "./reduce_context.ts";
import { keepPresences, PRESENCE_REDUCERS } from "./reduce_presences.ts";
import { recordReads } from "./read_recorder.ts";
import { servesDms, sessionOwner } from "./session_guilds.ts";
import {
  CHANNEL_UNCARRIED,
  channelScope,
  channelValue,
  dropArchived,
  heldElsewhere,
  heldInEventScope,
  isArchivedThread,
  isThread,
  patchChannel,
  postCreated,
  removeThreadsOf,
  scopeOf,
  syncThreads,
  threadOutsideParent,
} from "./reduce_channels.ts";
import {
  omit,
  projectGuild,
  projectScheduledEvent,
  projectUser,
} from "./project.ts";
import { isRecord } from "../base/is_record.ts";

type D = CachedValue;
/** No change and no previous state: shared, as nothing in it is written to. */
export const NOTHING: CacheUpdate = Object.freeze({
  changes: [],
  old: undefined,
});

/**
 * Compute what `event` with payload `data` does to the cache.
 *
 * Which reads of `lookup` happen depends on the payload only, never on
 * what an earlier read returned, so {@linkcode cacheReads} can list them by
 * running this function against an empty state.
 *
 * @example A member update merges into the cached member
 * ```ts
 * import { reduceDispatch } from "@disruption/disruption/cache";
 * import assert from "node:assert/strict";
 *
 * const before = {
 *   user: { id: "2", username: "ada", discriminator: "0", global_name: null, avatar: null },
 *   guild_id: "1", roles: ["10"], joined_at: null, deaf: false, mute: false, flags: 0, nick: "A",
 * };
 * const lookup = {
 *   get: (kind: string) => kind === "member" ? before : undefined,
 *   ids: () => [],
 * };
 * const { changes, old } = reduceDispatch(lookup, "GUILD_MEMBER_UPDATE", {
 *   guild_id: "1", user: before.user, roles: ["10", "11"], avatar: null, banner: null, joined_at: null,
 * }, { resources: new Set(["members"]) });
 * assert.equal(old, before);
 * assert.deepEqual(changes[0], {
 *   op: "set", kind: "member", scope: "1", id: "2",
 *   value: { ...before, roles: ["10", "11"], avatar: null, banner: null },
 * });
 * ```
 *
 * @param lookup The current state.
 * @param event The dispatch's `t`.
 * @param data The dispatch's `d`.
 * @param config Which resources are kept.
 * @returns The changes and the previous state.
 */
export function reduceDispatch(
  lookup: CacheLookup,
  event: string,
  data: unknown,
  config: CacheConfig,
): CacheUpdate {
  return reduceIn(new Context(lookup, config), event, data);
}

/** {@linkcode reduceDispatch} with the context made (see cacheReads). */
function reduceIn(context: Context, event: string, data: unknown): CacheUpdate {
  if (!isRecord(data)) return NOTHING;
  const reducer = REDUCER_OF.get(event);
  if (reducer === undefined) return NOTHING;
  // An event of a guild the cache does not hold (never created, or removed
  // since) adds nothing of that guild: Discord sends a guild's events only
  // after its GUILD_CREATE, and entities of a guild no GUILD_DELETE will
  // ever remove would stay forever (a gateway naming new guild ids in every
  // event would grow the cache without bound). Read first and
  // unconditionally, so the reads stay a function of the payload.
  const guildId = snowflake(data.guild_id);
  const unknownGuild = guildId !== undefined && context.keeps("guild") &&
    context.get("guild", "", guildId) === undefined;
  const old = reducer(context, data as D);
  return {
    changes: unknownGuild
      ? context.changes.filter((change) => !addsGuildState(change))
      : context.changes,
    old,
  };
}

/** A change that adds or replaces state of a guild (not of a user). */
function addsGuildState(change: CacheChange): boolean {
  return change.op === "set" && change.kind !== "user" &&
    change.kind !== "bot_user";
}

/**
 * What {@linkcode reduceDispatch} will read for this dispatch.
 *
 * @param event The dispatch's `t`.
 * @param data The dispatch's `d`.
 * @param config Which resources are kept.
 * @returns The reads, without duplicates: a list whose ids only are read
 * (READY's guilds) is an `"ids"` read, one whose values are too `"all"`.
 */
export function cacheReads(
  event: string,
  data: unknown,
  config: CacheConfig,
): CacheRead[] {
  return recordReads(config, (context) => reduceIn(context, event, data));
}

/**
 * CHANNEL_DELETE, or THREAD_DELETE (`thread`): the channel goes, and with
 * it the threads of a channel that is no thread.
 */
function deleteChannel(c: Context, d: D, thread: boolean): unknown {
  const id = snowflake(d.id);
  const guildId = channelScope(d);
  if (id === undefined || guildId === undefined) return undefined;
  const old = c.get("channel", guildId, id);
  // Named in another scope than the one it is held in (another guild, or
  // none): not applied, as CHANNEL_UPDATE is not. Removed from the held
  // scope, its threads, looked up in the event's, stayed behind.
  const heldIn = scopeOf(old);
  if (heldIn !== undefined && heldIn !== guildId) return old;
  // Discord deletes a channel that is no thread with CHANNEL_DELETE: a
  // THREAD_DELETE naming one is not applied (its threads would need a read
  // of the guild's channels that the Redis store, fetching by payload, does
  // not make for a thread).
  if (thread && old !== undefined && !isThread(old)) return old;
  c.removeChannel(guildId, id);
  // Whether it had threads by the held channel, or else the event: a
  // CHANNEL_DELETE is of a channel whatever type its payload claims (which
  // left the held channel's threads behind).
  const hadThreads = old !== undefined
    ? !isThread(old)
    : !thread || !isThread(d);
  if (guildId !== "" && hadThreads) removeThreadsOf(c, guildId, id);
  return old;
}

/**
 * Replace a guild's whole list of one kind (emojis, stickers, sounds) with
 * the event's, `value`. One that is no array (missing, `null`, an object) changes
 * nothing, as a bulk delete's `ids` does: taken as empty, it removed every
 * one of them. Returns the list before, or `undefined` when not applied or
 * not known (the kind not kept, the guild not held: see Context.guildList).
 */
function replaceAll(
  c: Context,
  kind: CacheKind,
  guildId: string,
  value: unknown,
  idField: string,
): D[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = list(value);
  const held = c.guildList(kind, guildId);
  const old = byId(held ?? [], idField);
  const keep = new Set<string>();
  for (const item of items) {
    const id = snowflake(item[idField]);
    if (id === undefined) continue;
    keep.add(id);
  }
  for (const value of old) {
    const id = snowflake(value[idField]);
    if (id !== undefined && !keep.has(id)) c.delete(kind, guildId, id);
  }
  for (const item of items) {
    const id = snowflake(item[idField]);
    if (id !== undefined) {
      c.set(kind, guildId, id, guildItem(kind, item, guildId));
    }
  }
  return held === undefined ? undefined : old;
}

/**
 * An entity of guild `guildId` as kept from its event's `item`: a copy, as
 * every kept value is (the Client hands the same payload to the handlers
 * next: kept as sent, a handler's edit of it edited the cache, and the next
 * update's `old` was that payload), with the guild's id where its object
 * documents one (a role or an emoji has none), and a scheduled event with
 * its documented fields only.
 */
function guildItem(kind: CacheKind, item: D, guildId: string): D {
  if (kind === "role" || kind === "emoji") return { ...item };
  const value = kind === "scheduled_event"
    ? projectScheduledEvent(item)
    : { ...item };
  value.guild_id = guildId;
  return value;
}

/**
 * The reducer of an entity of a guild that its event sends whole (or
 * removes): the object replaces the cached one, but for the `uncarried`
 * fields it lacks (see {@linkcode keepUncarried}). `project` gives the
 * value kept: a copy of the payload, never the payload itself (see
 * {@linkcode guildItem}).
 */
function guildEntity(
  kind: CacheKind,
  idField: string,
  remove = false,
  uncarried: readonly string[] = [],
  project: (d: D) => D = (d) => ({ ...d }),
): Reducer {
  return (c, d) => {
    const guildId = snowflake(d.guild_id);
    const id = snowflake(d[idField]);
    if (guildId === undefined || id === undefined) return undefined;
    const old = c.get(kind, guildId, id);
    if (remove) c.delete(kind, guildId, id);
    else c.set(kind, guildId, id, keepUncarried(project(d), old, uncarried));
    return old;
  };
}

/** The role itself; GUILD_ROLE_DELETE also updates the members that had it. */
const deleteRole = guildEntity("role", "role_id", true);

const REDUCERS: Record<string, Reducer> = {
  READY(c, d): unknown {
    const old = c.get("bot_user", "", BOT);
    const guilds = new Set<string>();
    for (const g of list(d.guilds)) {
      const id = snowflake(g.id);
      if (id !== undefined) guilds.add(id);
    }
    // A new session's list is every guild of its shard: one cached but not
    // listed was left (or deleted) while no session was up, and no
    // GUILD_DELETE will ever come for it.
    const owns = Array.isArray(d.guilds) ? sessionOwner(d.shard) : undefined;
    if (owns !== undefined) {
      // Of its own shard only (a store indexes them): each READY read every
      // guild held, all shards', and a start-up's cost grew with shards².
      const [shard, count] = (d.shard ?? [0, 1]) as [number, number];
      const cached = count === 1
        ? c.ids("guild", "")
        : c.guildsOfShard(shard, count);
      for (const id of cached) {
        if (!guilds.has(id) && owns(id)) c.removeGuild(id);
      }
    }
    // Nothing rebuilds the DMs: a bot's `private_channels` is empty, and a
    // DM has no create event. Its messages deleted or edited in the gap
    // stayed, and a later update's `old` was stale. Shard 0's only (DMs
    // reach no other): one cache may be fed by several shards' processes.
    if (owns !== undefined && servesDms(d.shard)) c.removeUnguilded();
    if (isRecord(d.user)) {
      c.set("bot_user", "", BOT, projectUser(d.user));
      c.user(d.user);
    }
    // Each listed guild starts out unavailable (Discord's docs) until its
    // GUILD_CREATE: a held one keeps what is known, marked.
    for (const id of guilds) {
      const held = c.get("guild", "", id);
      c.set("guild", "", id, { ...held, id, unavailable: true });
    }
    return old;
  },

  CHANNEL_CREATE(c, d): unknown {
    REDUCERS.CHANNEL_UPDATE!(c, d);
    return undefined;
  },
  CHANNEL_UPDATE(c, d): unknown {
    const id = snowflake(d.id);
    const scope = channelScope(d);
    if (id === undefined || scope === undefined) return undefined;
    const old = c.get("channel", scope, id);
    const orphan = threadOutsideParent(c, d);
    // Named in another guild than the one it is held in: Discord never
    // moves a channel, so the event is not applied (the memory store would
    // move it, while Redis's guild_keys of the old guild kept it, and
    // removing that guild deleted the channel of the other).
    const heldIn = scopeOf(old);
    if (heldIn !== undefined && heldIn !== scope) return old;
    // Outside guilds there are only DMs and group DMs: a thread or guild
    // channel without its guild is a malformed event, and would sit outside
    // every guild's removal.
    if (scope === "" && d.type !== 1 && d.type !== 3) return old;
    // The cache holds active threads only: an archived one goes (Discord
    // archives with this event, and never deletes).
    if (isArchivedThread(d)) return dropArchived(c, scope, id, old);
    // A thread whose parent is not held is not added; one held all the same
    // (a GUILD_CREATE listing it without its parent, an older store's)
    // goes, rather than staying without its updates.
    if (orphan) return dropArchived(c, scope, id, old);
    const value = channelValue(d, scope || undefined);
    c.set("channel", scope, id, keepUncarried(value, old, CHANNEL_UNCARRIED));
    return old;
  },
  CHANNEL_DELETE(c, d): unknown {
    return deleteChannel(c, d, false);
  },
  CHANNEL_INFO(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    // A channel named twice takes both entries, in order, and is handed
    // back once: each entry read the state before the event, so a set per
    // entry kept the last one's field only.
    const olds: D[] = [];
    const values = new Map<string, D>();
    for (const info of list(d.channels)) {
      const id = snowflake(info.id);
      if (id === undefined) continue;
      let value = values.get(id);
      if (value === undefined) {
        const old = c.get("channel", guildId, id);
        if (old === undefined) continue;
        olds.push(old);
        values.set(id, value = { ...old });
      }
      if (info.status !== undefined) value.status = info.status;
      if (info.voice_start_time !== undefined) {
        value.voice_start_time = info.voice_start_time;
      }
    }
    for (const [id, value] of values) {
      c.set("channel", scopeOf(value)!, id, value);
    }
    return cachedOnes(olds);
  },
  VOICE_CHANNEL_STATUS_UPDATE(c, d): unknown {
    return patchChannel(c, d, (old) => ({ ...old, status: d.status ?? null }));
  },
  VOICE_CHANNEL_START_TIME_UPDATE(c, d): unknown {
    return patchChannel(
      c,
      d,
      (old) => ({ ...old, voice_start_time: d.voice_start_time ?? null }),
    );
  },
  THREAD_CREATE(c, d): unknown {
    const old = REDUCERS.CHANNEL_UPDATE!(c, d);
    postCreated(c, d);
    return old;
  },
  // One that archives a held thread removes it with its messages (the cache
  // holds active threads only: see isArchivedThread), `old` its last form.
  THREAD_UPDATE(c, d): unknown {
    return REDUCERS.CHANNEL_UPDATE!(c, d);
  },
  THREAD_DELETE(c, d): unknown {
    return deleteChannel(c, d, true);
  },
  THREAD_LIST_SYNC: syncThreads,
  THREAD_MEMBER_UPDATE(c, d): unknown {
    return patchChannel(
      c,
      d,
      (old) => ({ ...old, member: omit(d, ["guild_id"]) }),
    );
  },
  THREAD_MEMBERS_UPDATE(c, d): unknown {
    const botId = snowflake(c.get("bot_user", "", BOT)?.id);
    return patchChannel(c, d, (old) => {
      let value: D = { ...old };
      // Absent (a hostile or changed payload): the count stays as it was,
      // not an own `undefined` the Redis store's JSON would not hold.
      if (typeof d.member_count === "number") {
        value.member_count = d.member_count;
      }
      // The thread's `member` is the bot's own thread member: it goes when
      // the bot leaves, and comes with the bot among the added ones.
      if (botId === undefined) return value;
      if (Array.isArray(d.removed_member_ids)) {
        if (d.removed_member_ids.includes(botId)) {
          value = omit(value, ["member"]);
        }
      }
      const added = list(d.added_members).find((m) => m.user_id === botId);
      if (added !== undefined) {
        value.member = omit(added, ["member", "presence"]);
      }
      return value;
    });
  },
  CHANNEL_PINS_UPDATE(c, d): unknown {
    return patchChannel(c, d, (old) => ({
      ...old,
      last_pin_timestamp: d.last_pin_timestamp ?? null,
    }));
  },

  GUILD_CREATE(c, d): unknown {
    const id = snowflake(d.id);
    if (id === undefined) return undefined;
    const old = c.get("guild", "", id);
    if (d.unavailable === true) {
      // An outage: a held guild keeps what is known, marked (as GUILD_DELETE).
      c.set("guild", "", id, { ...old, id, unavailable: true });
      return old;
    }
    // Start from nothing: a guild seen again (after an outage, or a stale
    // Redis cache) is rebuilt whole rather than patched.
    c.removeGuild(id);
    c.set("guild", "", id, projectGuild(d));
    // A thread is kept only under a parent the guild lists, as the thread
    // events keep it (one held without would take no update).
    const parents = new Set(list(d.channels).map((channel) => channel.id));
    for (const channel of [...list(d.channels), ...list(d.threads)]) {
      const channelId = snowflake(channel.id);
      // Active threads only (Discord's `threads` lists those alone).
      if (channelId === undefined || isArchivedThread(channel)) continue;
      if (isThread(channel) && !parents.has(channel.parent_id)) continue;
      if (!heldElsewhere(c, channelId, id)) {
        c.set("channel", id, channelId, channelValue(channel, id));
      }
    }
    const items: [CacheKind, string, unknown][] = [
      ["role", "id", d.roles],
      ["emoji", "id", d.emojis],
      ["sticker", "id", d.stickers],
      ["stage_instance", "id", d.stage_instances],
      ["scheduled_event", "id", d.guild_scheduled_events],
      ["soundboard_sound", "sound_id", d.soundboard_sounds],
    ];
    for (const [kind, idField, values] of items) {
      for (const item of list(values)) {
        const itemId = snowflake(item[idField]);
        // As the events of each kind keep it.
        if (itemId !== undefined) {
          c.set(kind, id, itemId, guildItem(kind, item, id));
        }
      }
    }
    for (const member of list(d.members)) {
      const entry = memberValue(member, id);
      if (entry === undefined) continue;
      c.setMember(id, entry[0], entry[1]);
      c.userOf("member", member.user);
    }
    keepPresences(c, id, d.presences);
    for (const voice of list(d.voice_states)) {
      const userId = snowflake(voice.user_id);
      if (userId !== undefined && voice.channel_id != null) {
        c.set("voice", id, userId, {
          ...omit(voice, ["member"]),
          guild_id: id,
        });
      }
    }
    return old;
  },
  GUILD_UPDATE(c, d): unknown {
    const id = snowflake(d.id);
    if (id === undefined) return undefined;
    const old = c.get("guild", "", id);
    // Only a held guild: its GUILD_CREATE brings the whole guild.
    if (old !== undefined) c.set("guild", "", id, merge(old, projectGuild(d)));
    return old;
  },
  GUILD_DELETE(c, d): unknown {
    const id = snowflake(d.id);
    if (id === undefined) return undefined;
    const old = c.get("guild", "", id);
    if (d.unavailable === true) {
      // An outage: keep what is known, marked unavailable (a guild not held
      // is not added: READY lists the unavailable guilds of a session).
      if (old !== undefined) {
        c.set("guild", "", id, { ...old, unavailable: true });
      }
    } else {
      c.removeGuild(id);
    }
    return old;
  },
  GUILD_EMOJIS_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    return replaceAll(c, "emoji", guildId, d.emojis, "id");
  },
  GUILD_STICKERS_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    return replaceAll(c, "sticker", guildId, d.stickers, "id");
  },
  GUILD_MEMBER_ADD(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    const guild = c.get("guild", "", guildId);
    const entry = memberValue(d, guildId);
    if (entry === undefined) return undefined;
    // Discord may send it for a user already a member: not counted again.
    const held = c.get("member", guildId, entry[0]) !== undefined;
    c.set("member", guildId, entry[0], entry[1]);
    c.userOf("member", d.user);
    if (
      !held && guild !== undefined && typeof guild.member_count === "number"
    ) {
      c.set("guild", "", guildId, {
        ...guild,
        member_count: guild.member_count + 1,
      });
    }
    return undefined;
  },
  GUILD_MEMBER_REMOVE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    const userId = isRecord(d.user) ? snowflake(d.user.id) : undefined;
    if (guildId === undefined || userId === undefined) return undefined;
    const guild = c.get("guild", "", guildId);
    const old = c.member(guildId, userId);
    c.deleteMember(guildId, userId);
    c.delete("presence", guildId, userId);
    if (guild !== undefined && typeof guild.member_count === "number") {
      c.set("guild", "", guildId, {
        ...guild,
        member_count: Math.max(0, guild.member_count - 1),
      });
    }
    return old;
  },
  GUILD_MEMBER_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    const userId = isRecord(d.user) ? snowflake(d.user.id) : undefined;
    if (userId === undefined) return undefined;
    const old = c.member(guildId, userId);
    // A member the cache does not hold is kept only from a payload with the
    // member object's own fields: the docs make `deaf`, `mute` and `flags`
    // optional here, and one made from a payload without them broke its
    // type (a CachedMember whose `deaf` was undefined).
    if (old === undefined && !wholeMember(d)) {
      c.user(d.user); // the user is whole: kept, or updated, all the same
      return undefined;
    }
    const entry = memberValue(d, guildId)!;
    c.setMember(guildId, userId, merge(old, entry[1]));
    c.userOf("member", d.user);
    return old;
  },
  GUILD_MEMBERS_CHUNK(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    for (const member of list(d.members)) {
      const entry = memberValue(member, guildId);
      if (entry === undefined) continue;
      c.setMember(guildId, entry[0], entry[1]);
      c.userOf("member", member.user);
    }
    keepPresences(c, guildId, d.presences);
    // The ids asked for that are not members: without GUILD_MEMBERS no
    // GUILD_MEMBER_REMOVE comes, and this is the only word that a held
    // member left. (member_count is the guild's own, left as it is.)
    for (const id of Array.isArray(d.not_found) ? d.not_found : []) {
      const userId = snowflake(id);
      if (userId === undefined) continue;
      c.deleteMember(guildId, userId);
      c.delete("presence", guildId, userId);
    }
    return undefined;
  },
  GUILD_ROLE_CREATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    const role = isRecord(d.role) ? d.role : undefined;
    const id = snowflake(role?.id);
    if (guildId === undefined || id === undefined) return undefined;
    c.set("role", guildId, id, guildItem("role", role!, guildId));
    return undefined;
  },
  GUILD_ROLE_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    const role = isRecord(d.role) ? d.role : undefined;
    const id = snowflake(role?.id);
    if (guildId === undefined || id === undefined) return undefined;
    const old = c.get("role", guildId, id);
    c.set("role", guildId, id, guildItem("role", role!, guildId));
    return old;
  },
  GUILD_ROLE_DELETE(c, d): unknown {
    const old = deleteRole(c, d);
    const guildId = snowflake(d.guild_id);
    const roleId = snowflake(d.role_id);
    if (guildId === undefined || roleId === undefined) return old;
    // Discord sends no GUILD_MEMBER_UPDATE for the members that had it: the
    // stores take it out of their members' role lists. Where roles are
    // kept, a role not held is on no member (and a gateway deleting made-up
    // roles costs nothing); without them, any role may be.
    if (old !== undefined || !c.keeps("role")) c.removeRole(guildId, roleId);
    return old;
  },
  // Projected: USER_ADD/REMOVE copy the kept event to change its count.
  GUILD_SCHEDULED_EVENT_CREATE: guildEntity(
    "scheduled_event",
    "id",
    false,
    [],
    projectScheduledEvent,
  ),
  // `user_count` is optional in the object (REST sends it on request): an
  // update without it keeps the count USER_ADD/REMOVE kept current.
  GUILD_SCHEDULED_EVENT_UPDATE: guildEntity(
    "scheduled_event",
    "id",
    false,
    ["user_count"],
    projectScheduledEvent,
  ),
  GUILD_SCHEDULED_EVENT_DELETE: guildEntity("scheduled_event", "id", true),
  GUILD_SCHEDULED_EVENT_USER_ADD(c, d): unknown {
    return scheduledEventUsers(c, d, 1);
  },
  GUILD_SCHEDULED_EVENT_USER_REMOVE(c, d): unknown {
    return scheduledEventUsers(c, d, -1);
  },
  GUILD_SOUNDBOARD_SOUND_CREATE: guildEntity("soundboard_sound", "sound_id"),
  GUILD_SOUNDBOARD_SOUND_UPDATE: guildEntity("soundboard_sound", "sound_id"),
  GUILD_SOUNDBOARD_SOUND_DELETE: guildEntity(
    "soundboard_sound",
    "sound_id",
    true,
  ),
  GUILD_SOUNDBOARD_SOUNDS_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    // Each entry is a whole sound: one named twice is its last entry, and
    // is handed back once (as MESSAGE_DELETE_BULK does a repeated id).
    const sounds = new Map<string, D>();
    for (const sound of list(d.soundboard_sounds)) {
      const id = snowflake(sound.sound_id);
      if (id !== undefined) sounds.set(id, sound);
    }
    const olds: D[] = [];
    for (const [id, sound] of sounds) {
      const old = c.get("soundboard_sound", guildId, id);
      if (old !== undefined) olds.push(old);
      c.set(
        "soundboard_sound",
        guildId,
        id,
        guildItem("soundboard_sound", sound, guildId),
      );
    }
    return cachedOnes(olds);
  },
  SOUNDBOARD_SOUNDS(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    if (guildId === undefined) return undefined;
    return replaceAll(
      c,
      "soundboard_sound",
      guildId,
      d.soundboard_sounds,
      "sound_id",
    );
  },

  ...MESSAGE_REDUCERS,
  ...MESSAGE_PATCH_REDUCERS,
  ...PRESENCE_REDUCERS,
  USER_UPDATE(c, d): unknown {
    if (snowflake(d.id) === undefined) return undefined;
    const old = c.get("bot_user", "", BOT);
    c.set("bot_user", "", BOT, projectUser(d));
    c.user(d);
    return old;
  },
  VOICE_STATE_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    const userId = snowflake(d.user_id);
    if (guildId === undefined || userId === undefined) return undefined;
    const old = c.get("voice", guildId, userId);
    if (d.channel_id == null) c.delete("voice", guildId, userId);
    else c.set("voice", guildId, userId, omit(d, ["member"]));
    // Its member, when whole, is kept (as twilight does): a large guild's
    // GUILD_CREATE, or one without GUILD_PRESENCES, lists only the members
    // in voice, and one who joins later comes from nowhere else.
    const member = isRecord(d.member) ? d.member : undefined;
    const entry = member && memberValue(member, guildId);
    if (entry?.[0] === userId && wholeMember(member!)) {
      c.setMember(guildId, userId, entry[1]);
      c.userOf("member", member!.user);
    }
    return old;
  },
  STAGE_INSTANCE_CREATE: stageInstance,
  STAGE_INSTANCE_UPDATE: stageInstance,
  STAGE_INSTANCE_DELETE: guildEntity("stage_instance", "id", true),
  // Integrations arrive one by one (GUILD_CREATE carries none); a guild's
  // whole list is a REST call (`GET /guilds/{id}/integrations`).
  INTEGRATION_CREATE: guildEntity("integration", "id"),
  INTEGRATION_UPDATE: guildEntity("integration", "id"),
  INTEGRATION_DELETE: guildEntity("integration", "id", true),
};

/**
 * STAGE_INSTANCE_CREATE/UPDATE: kept only in a channel the cache holds in
 * its guild, when channels are kept (see threadOutsideParent: one of a
 * deleted channel would stay for good). The channel is read by id from the
 * payload, whatever the state.
 */
function stageInstance(c: Context, d: D): unknown {
  const channelId = snowflake(d.channel_id);
  const channel = channelId === undefined
    ? undefined
    : c.get("channel", "", channelId);
  if (!c.keeps("channel") || heldInEventScope(channel, d)) {
    return keepStageInstance(c, d);
  }
  const guildId = snowflake(d.guild_id);
  const id = snowflake(d.id);
  if (guildId === undefined || id === undefined) return undefined;
  return c.get("stage_instance", guildId, id);
}
const keepStageInstance = guildEntity("stage_instance", "id");

function scheduledEventUsers(c: Context, d: D, delta: number): unknown {
  const guildId = snowflake(d.guild_id);
  const id = snowflake(d.guild_scheduled_event_id);
  if (guildId === undefined || id === undefined) return undefined;
  const old = c.get("scheduled_event", guildId, id);
  if (old === undefined) return undefined;
  // A count not kept (none was sent) stays unknown: nothing is written.
  if (typeof old.user_count === "number") {
    c.set("scheduled_event", guildId, id, {
      ...old,
      user_count: Math.max(0, old.user_count + delta),
    });
  }
  return old;
}

/**
 * The reducers by event name, in a Map: an object lookup would find
 * `Object.prototype`'s members for a dispatch named `toString` or
 * `valueOf`, and call them.
 */
const REDUCER_OF: ReadonlyMap<string, Reducer> = new Map(
  Object.entries(REDUCERS),
);

/** The events the core handles (the rest have no cache effect). */
export const REDUCED_EVENTS: ReadonlySet<string> = new Set(REDUCER_OF.keys());
