// The Redis store's writes that hold only while what they were computed
// from is still there, for two processes writing one guild (a reshard's
// overlap, a rolling deploy resuming the same session): each reads, then
// writes what the core computed from it, and the other's writes can land in
// between. Checked in Redis, where the write runs:
//
// - A guild's entity (member, presence, role, channel, …) is kept only
//   while `guild:G` exists, and a message only while `channel:C` does, when
//   the batch knew them to exist (read, or written by it): written after
//   another process removed the guild or channel, they stayed for good,
//   listed under a guild or channel no removal would come for again
//   (GUILD_MEMBERS_CHUNK: thousands). See CLEAR_ORPHANED.
// - A rewrite of `guild:G` or `channel:C` by another event than the value's
//   own (GUILD_MEMBER_ADD's member_count, MESSAGE_CREATE's last_message_id,
//   a pin, a voice status) is written only while the value is still the
//   text the batch read (or wrote): from an older copy, it undid another
//   process's CHANNEL_UPDATE (a permission overwrite's deny, which
//   consumers computing permissions then granted) or GUILD_UPDATE, and it
//   brought back a guild or channel removed meanwhile. Skipped, the derived
//   field is stale until the value's next own event: the lesser harm.
//   See SET_IF_UNCHANGED.
//
// Values written by their own events (GUILD_CREATE, CHANNEL_UPDATE, …) stay
// unconditional: they carry the whole entity, as Discord sends it.
import { isRecord } from "../base/is_record.ts";
import type { CacheKind } from "./changes.ts";
import { FORGET_KEY } from "./redis_scripts.ts";

// Takes back the writes of keys ARGV, all of owner KEYS[1] (`guild:G`, or a
// message's `channel:C`), when it is gone: each key with its listings
// (FORGET_KEY; the owner's id is the guild's or the channel's). Sent after
// those writes in the same MULTI, so nothing runs in between; the writes
// themselves stay plain commands (Redis runs them as fast as before), and
// one EXISTS checks a run of one owner's writes.
// Short, and sent whole as every script in a MULTI is (see
// redis/_scripts_by_sha.ts: no EVALSHA inside a transaction).
export const CLEAR_ORPHANED = `${FORGET_KEY}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local owner = string.match(KEYS[1], ':(.*)$')
for _, key in ipairs(ARGV) do
  forgetKey(key, string.match(key, '^([^:]+)'), owner)
end
return #ARGV`;

// Sets KEYS[1] to ARGV[2] only while it holds the text ARGV[1] (a key of
// another type holds none: pcall).
export const SET_IF_UNCHANGED = `
if redis.pcall('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/**
 * The events whose write of a guild or channel is the value's own (the
 * entity as Discord sent it); for the others (see {@linkcode isOwnWrite}).
 */
const OWN_EVENTS: Partial<Record<CacheKind, ReadonlySet<string>>> = {
  guild: new Set(["READY", "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"]),
  channel: new Set([
    "GUILD_CREATE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_LIST_SYNC",
  ]),
};

/** Events of OWN_EVENTS that write several values of the kind as their own. */
const WRITE_MANY = new Set(["READY", "GUILD_CREATE", "THREAD_LIST_SYNC"]);

/**
 * Whether `event` (payload `data`) writing entity `id` of `kind` writes it
 * as its own: the guild's or channel's create or update, for that entity
 * (a THREAD_CREATE's rewrite of its forum parent is derived).
 */
export function isOwnWrite(
  event: string,
  data: unknown,
  kind: CacheKind,
  id: string,
): boolean {
  if (OWN_EVENTS[kind]?.has(event) !== true) return false;
  return WRITE_MANY.has(event) || (isRecord(data) && data.id === id);
}

/**
 * The text of each `guild:G` and `channel:C` as one batch knows it: as its
 * reads found it (null: absent), then as its writes left it. The text, not
 * the value parsed: compared with what Redis holds, byte for byte.
 */
export class BatchTexts {
  readonly #texts: Map<string, string | null>;
  /** Each guild's channel keys known to the batch (see `removedGuild`). */
  readonly #channels = new Map<string, Set<string>>();
  /** Channel keys read, not yet in `#channels` (their guild is parsed then). */
  #unindexed: string[] | undefined;

  /**
   * @param read The texts the batch's reads found; the batch's own from
   *   then on (its writes are recorded in it, not in a copy).
   */
  constructor(read: Map<string, string | null>) {
    this.#texts = read;
    this.#unindexed = [...read.keys()].filter((key) =>
      key.startsWith("channel:")
    );
  }

  /** A key's text as known: null absent, undefined not known. */
  text(key: string): string | null | undefined {
    return this.#texts.get(key);
  }

  /**
   * Record the batch's write of `key` (null: its removal); `guild`, a
   * channel's guild.
   */
  wrote(key: string, text: string | null, guild?: string): void {
    this.#texts.set(key, text);
    if (guild !== undefined && guild !== "") this.#add(guild, key);
  }

  #add(guild: string, key: string): void {
    let keys = this.#channels.get(guild);
    if (keys === undefined) this.#channels.set(guild, keys = new Set());
    keys.add(key);
  }

  /** Record guild `id`'s removal: it, and its channels, are gone. */
  removedGuild(id: string): void {
    // The guilds of the channels read, parsed at the batch's first removal
    // only (most batches have none).
    for (const key of this.#unindexed ?? []) {
      const guild = guildOf(this.#texts.get(key));
      if (guild !== undefined) this.#add(guild, key);
    }
    this.#unindexed = undefined;
    this.#texts.set(`guild:${id}`, null);
    for (const key of this.#channels.get(id) ?? []) this.#texts.set(key, null);
    this.#channels.delete(id);
  }

  /**
   * Record the removal of what no guild holds (shard 0's READY): the
   * channels without a guild are gone.
   */
  removedUnguilded(): void {
    for (const [key, text] of this.#texts) {
      if (
        key.startsWith("channel:") && typeof text === "string" &&
        guildOf(text) === undefined
      ) this.#texts.set(key, null);
    }
  }

  /**
   * The key a write of `kind` in `scope` must find in Redis (see the
   * module's comment): the message's channel, or the entity's guild, when
   * the batch knows it to exist; undefined when it is no guild's or
   * channel's entity, or the batch does not know its owner held (a kind
   * the core writes without its owner: nothing to guard).
   */
  guard(kind: CacheKind, scope: string): string | undefined {
    if (kind === "guild" || kind === "bot_user" || scope === "") return;
    const owner = kind === "message" ? `channel:${scope}` : `guild:${scope}`;
    return typeof this.#texts.get(owner) === "string" ? owner : undefined;
  }
}

/** The `guild_id` of a channel's text, when it has one. */
function guildOf(text: string | null | undefined): string | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) && typeof value.guild_id === "string"
      ? value.guild_id
      : undefined;
  } catch {
    return undefined;
  }
}
