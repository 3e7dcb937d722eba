// How the reducers address a channel: the scope an event names, the scope a
// cached channel is held in, its cached form, a patch of some of its fields
// kept where it is held (Discord never moves a channel; an event naming
// another guild, or none, must not move it in one store only), and the
// thread sync that replaces a guild's active threads.
import type { CachedValue } from "./changes.ts";
import { compareSnowflakes } from "./options.ts";
import { projectChannel } from "./project.ts";
import { isRecord } from "../base/is_record.ts";
import { byId, type Context, list, snowflake } from "./reduce_context.ts";

type D = CachedValue;

/**
 * A channel as cached: its documented fields, with its guild (not the
 * fields that only describe the event that sent it, `newly_created` and
 * `member_id_preview`).
 */
export function channelValue(c: D, guildId: string | undefined): D {
  const value = projectChannel(c);
  if (guildId !== undefined) value.guild_id = guildId;
  return value;
}

/**
 * Fields of a cached channel that come from other events than the one
 * sending its channel object (see {@linkcode keepUncarried}): a thread's
 * `member` (the bot's thread member, from THREAD_CREATE,
 * THREAD_MEMBER(S)_UPDATE and THREAD_LIST_SYNC; a THREAD_UPDATE does not
 * carry it), and a voice channel's `status` and `voice_start_time`
 * (Discord's change log, 2026-04-20: "ephemeral and ... not included on the
 * channel object"; their own events and CHANNEL_INFO bring them).
 */
export const CHANNEL_UNCARRIED: readonly string[] = [
  "member",
  "status",
  "voice_start_time",
];

/**
 * A channel event's scope: its guild, `""` for a channel outside guilds
 * (no `guild_id`), undefined for a `guild_id` that is not a snowflake.
 */
export function channelScope(d: D): string | undefined {
  return d.guild_id === undefined || d.guild_id === null
    ? ""
    : snowflake(d.guild_id);
}

/** The scope a cached channel is held in: its guild, or `""` outside guilds. */
export function scopeOf(channel: D | undefined): string | undefined {
  return channel === undefined ? undefined : snowflake(channel.guild_id) ?? "";
}

/**
 * Whether `channel` is held in the scope event `d` names (its guild, or
 * none): a message, delete or post the event reports belongs to it only
 * then.
 */
export function heldInEventScope(
  channel: D | undefined,
  d: D,
): channel is D {
  return channel !== undefined && scopeOf(channel) === channelScope(d);
}

/**
 * Whether channel `id` is held in another scope than `scope` (a whole list
 * such as GUILD_CREATE's naming it under another guild must not move it:
 * the memory store would, and Redis's guild_keys of its guild would keep a
 * key that moved away).
 */
export function heldElsewhere(c: Context, id: string, scope: string): boolean {
  const held = c.get("channel", scope, id);
  return held !== undefined && scopeOf(held) !== scope;
}

/** An update of some fields of a cached channel; no-op when not cached. */
export function patchChannel(
  c: Context,
  d: D,
  patch: (old: D) => D,
): unknown {
  const guildId = channelScope(d);
  const id = snowflake(d.id) ?? snowflake(d.channel_id);
  if (id === undefined || guildId === undefined) return undefined;
  const old = c.get("channel", guildId, id);
  // Kept where it is held: an event without a guild (the DM form) or naming
  // another one moved it in memory but not in Redis's guild_keys.
  if (old !== undefined) c.set("channel", scopeOf(old)!, id, patch(old));
  return old;
}

/**
 * Message `id` created in held `channel` (or, in a forum or media channel,
 * a thread: its posts are its messages): its `last_message_id`, and in a
 * thread one more in `message_count` and `total_message_sent`. Discord
 * sends no CHANNEL_UPDATE or THREAD_UPDATE for these; its docs say to
 * track `last_message_id` from MESSAGE_CREATE (and THREAD_CREATE in forum
 * and media channels), and that neither count counts a thread's initial
 * message, whose id is the thread's. An older id (events out of order)
 * leaves `last_message_id`; the thread's last message again (a repeated
 * event) is not counted twice.
 */
export function messageCreated(
  c: Context,
  channel: D,
  channelId: string,
  id: string,
): void {
  const last = snowflake(channel.last_message_id);
  const newest = last === undefined || compareSnowflakes(id, last) > 0;
  const counted = isThread(channel) && id !== channelId && id !== last;
  if (!newest && !counted) return;
  const value: D = { ...channel };
  if (newest) value.last_message_id = id;
  if (counted) {
    count(value, "message_count", 1);
    count(value, "total_message_sent", 1);
  }
  c.set("channel", scopeOf(channel)!, channelId, value);
}

/**
 * MESSAGE_DELETE (or _BULK) of messages `ids` in held `channel`: in a
 * thread, `message_count` less the deleted ones (Discord's docs: it does
 * not count deleted messages; `total_message_sent` does, and stays).
 * `ids` is called only for a thread: a hostile bulk's millions of ids are
 * made unique only where they are counted.
 */
export function messagesDeleted(
  c: Context,
  channel: D,
  channelId: string,
  ids: () => readonly string[],
): void {
  if (!isThread(channel)) return;
  const gone = ids().filter((id) => id !== channelId).length;
  const value: D = { ...channel };
  if (gone > 0 && count(value, "message_count", -gone)) {
    c.set("channel", scopeOf(channel)!, channelId, value);
  }
}

/**
 * A thread's count `field` of `value` changed by `delta`, never below
 * zero; a count the thread lacks (or that is no count) stays as it is.
 *
 * @returns Whether it changed.
 */
function count(value: D, field: string, delta: number): boolean {
  const n = value[field];
  if (typeof n !== "number" || !Number.isSafeInteger(n)) return false;
  value[field] = Math.max(0, n + delta);
  return true;
}

/**
 * Whether `d`, a channel object of a channel event, is a thread whose
 * parent the cache does not hold in the thread's guild (deleted, or never
 * created), when channels are kept: such a thread is not kept, as a message
 * of a channel not held is not. Nothing would ever remove it: its parent's
 * delete, which takes its threads, has come already or never comes. The
 * parent is read by id from the payload (one get, in the same batch of
 * reads as the thread's), whatever the state.
 */
export function threadOutsideParent(c: Context, d: D): boolean {
  if (!isThread(d)) return false;
  const parentId = snowflake(d.parent_id);
  const parent = parentId === undefined
    ? undefined
    : c.get("channel", "", parentId);
  return c.keeps("channel") && !heldInEventScope(parent, d);
}

/**
 * THREAD_CREATE: in a forum or media channel, whose `last_message_id` is
 * its last thread (post), the thread is its last.
 */
export function postCreated(c: Context, d: D): void {
  const id = snowflake(d.id);
  const parentId = snowflake(d.parent_id);
  if (id === undefined || parentId === undefined) return;
  const parent = c.get("channel", "", parentId);
  if (!heldInEventScope(parent, d)) return;
  if (parent.type === 15 || parent.type === 16) {
    messageCreated(c, parent, parentId, id);
  }
}

/**
 * THREAD_LIST_SYNC: the threads of the synced channels (of the whole guild
 * without `channel_ids`, which Discord's docs make optional) are replaced
 * by the event's, with the bot's thread member of each it is in. Discord
 * lists active threads only, and the cache holds active threads only (see
 * {@linkcode isArchivedThread}), so a held thread missing from the sync is
 * no longer active and goes; one the sync marks archived (Discord's never
 * does) is not added, nor is one whose parent the guild does not hold (see
 * {@linkcode threadOutsideParent}), and a held one marked archived goes
 * whatever its parent. Returns the threads removed (undefined when the
 * guild's are not known: see
 * Context.guildList). A `threads` that is no array (missing, `null`, a
 * string), or a `channel_ids` sent but no array, changes nothing, as a bulk
 * delete's `ids` does: taken as an empty list, or as a sync of the whole
 * guild, it removed every thread of the guild.
 */
export function syncThreads(c: Context, d: D): unknown {
  const guildId = snowflake(d.guild_id);
  const channelIds = d.channel_ids;
  if (
    guildId === undefined || !Array.isArray(d.threads) ||
    (channelIds !== undefined && !Array.isArray(channelIds))
  ) return undefined;
  // Undefined when the guild's threads are not known (channels not kept,
  // the guild not held): no thread removed would say there were none.
  const held = c.guildList("channel", guildId);
  const threads: D[] = [];
  const archived = new Set<string | undefined>();
  for (const thread of list(d.threads)) {
    if (isArchivedThread(thread)) archived.add(snowflake(thread.id));
    else threads.push(thread);
  }
  const synced = new Set(threads.map((t) => snowflake(t.id)));
  const parents = Array.isArray(channelIds)
    ? new Set(channelIds as unknown[])
    : undefined;
  const removed: D[] = [];
  // The guild's channels that may parent a thread: one under any other
  // (deleted, never created) is not kept (see threadOutsideParent).
  const parentIds = new Set<unknown>();
  // Discord's docs: clear the active threads of the synced channels, then
  // take the event's. Every held thread is active (an archived one held by
  // an older version of this cache, in Redis, goes too).
  for (const channel of held ?? []) {
    const id = snowflake(channel.id);
    if (!isThread(channel) && id !== undefined) parentIds.add(id);
    if (!isThread(channel) || id === undefined || synced.has(id)) continue;
    if (
      parents !== undefined && !parents.has(channel.parent_id) &&
      !archived.has(id)
    ) continue;
    removed.push(channel);
    c.removeChannel(guildId, id);
  }
  // The bot's thread member of each synced thread it is in.
  const members = new Map<string, D>();
  for (const member of list(d.members)) {
    const id = snowflake(member.id);
    if (id !== undefined) members.set(id, member);
  }
  for (const thread of threads) {
    const id = snowflake(thread.id);
    if (id === undefined || heldElsewhere(c, id, guildId)) continue;
    if (!parentIds.has(snowflake(thread.parent_id))) continue;
    const value = channelValue(thread, guildId);
    const member = members.get(id);
    if (member !== undefined) value.member = member;
    c.set("channel", guildId, id, value);
  }
  // Sorted (the same from every store) after the scan: only the removed
  // ones, not every channel of the guild on every sync.
  return held === undefined ? undefined : byId(removed, "id");
}

/**
 * A thread (channel object `channel`, as an event sends it or as held)
 * marked archived in its `thread_metadata`. The cache holds active threads
 * only, as Discord's gateway keeps a client's view of them (its threads
 * docs, "Active & Archived Threads": archiving "exists to limit the working
 * set of threads that need to be kept around", and "archived threads are
 * not synced"): Discord archives an inactive thread with a THREAD_UPDATE and
 * never deletes it, so a held archived thread, with its messages, would
 * stay for the session (and in Redis beyond it). An event that archives a
 * held thread removes it with its messages ({@linkcode dropArchived}); one
 * of an archived thread not held adds nothing; a THREAD_UPDATE that
 * unarchives one adds it again (without the bot's thread member, which it
 * does not carry, nor the messages dropped).
 */
export function isArchivedThread(channel: D): boolean {
  if (!isThread(channel)) return false;
  const meta = channel.thread_metadata;
  return isRecord(meta) && meta.archived === true;
}

/**
 * CHANNEL_CREATE, CHANNEL_UPDATE, THREAD_CREATE or THREAD_UPDATE of an
 * archived thread (see {@linkcode isArchivedThread}) `id` of scope
 * `scope`, held as `old` in that scope or not held: a held thread goes with
 * its messages, as THREAD_DELETE takes it. One not held adds nothing (but
 * with messages kept and channels not, where the core cannot tell whether
 * the thread is held, its messages go). A held channel that is no thread is
 * left as it is (Discord never makes a channel a thread; as THREAD_DELETE,
 * it would leave its threads behind).
 *
 * @returns `old`, the thread before the event.
 */
export function dropArchived(
  c: Context,
  scope: string,
  id: string,
  old: D | undefined,
): unknown {
  if (old === undefined ? !c.keeps("channel") : isThread(old)) {
    c.removeChannel(scope, id);
  }
  return old;
}

/** A thread (announcement, public or private). */
export function isThread(channel: D): boolean {
  const type = channel.type;
  return type === 10 || type === 11 || type === 12;
}

/**
 * The held threads of channel `parentId`, removed with it: a thread does
 * not outlive its channel, and nothing else would ever remove it (no
 * THREAD_LIST_SYNC names a deleted channel).
 */
export function removeThreadsOf(
  c: Context,
  guildId: string,
  parentId: string,
): void {
  for (const channel of c.all("channel", guildId)) {
    const id = snowflake(channel.id);
    if (
      id !== undefined && isThread(channel) && channel.parent_id === parentId
    ) {
      c.removeChannel(guildId, id);
    }
  }
}
