// How many entities of each kind the memory store keeps per guild, for the
// kinds Discord caps per guild: a generous multiple of Discord's cap, so no
// real guild reaches it, while a gateway naming a new role, event or thread
// id in every event cannot grow one held guild without bound. An entity past
// its kind's cap is not kept (it reads as not cached), with one warning per
// guild and kind. Members, presences, voice states and channels are not
// capped: real guilds hold millions of members. The Redis store keeps what
// it is sent (its memory is the Redis server's: bound it there).
import type { CachedValue, CacheKind } from "./changes.ts";
import { isThread } from "./reduce_channels.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";

const visible = getVisibleLogger(["disruption", "cache"]);

/**
 * The most entities of a kind the memory store keeps in one guild. Each is
 * 10 times Discord's cap (its JSON error codes, developers/topics/
 * opcodes-and-status-codes, and for what a guild's boost level allows,
 * Discord's "Server Boosting FAQ"):
 *
 * - roles: 250 (30005, "Maximum number of guild roles reached (250)");
 * - scheduled events: 100 not yet completed (30038); completed and
 *   cancelled ones stay held until their delete, so the cap is 100 times
 *   that rather than ten;
 * - emojis: 250 static and 250 animated at boost level 3 (30008, 30018);
 * - stickers: 60 at boost level 3 (30039, which names no number);
 * - soundboard sounds: 48 at boost level 3 (30045, which names none);
 * - stage instances: one per stage channel, of at most 500 channels (30013);
 * - integrations: Discord documents no cap (each is an app or service an
 *   admin installed); 5,000 is beyond any guild's.
 */
export const GUILD_CAPS: Readonly<Partial<Record<CacheKind, number>>> = {
  role: 2_500,
  scheduled_event: 10_000,
  emoji: 5_000,
  sticker: 600,
  soundboard_sound: 480,
  stage_instance: 5_000,
  integration: 5_000,
};

/**
 * The most active threads the memory store keeps in one guild: 5 times the
 * 1,000 active threads Discord allows a guild (error 160006, "Maximum number
 * of active threads reached", names no number; Discord's threads FAQ gives
 * 1,000). Threads are channels, which are not capped; counted apart, they
 * also bound THREAD_LIST_SYNC's scan of a guild's channels.
 */
export const THREAD_CAP = 5_000;

/**
 * The memory store's per-guild caps: whether a `set` may add an entity, the
 * guild's threads counted, and the one warning per guild and kind.
 */
export class GuildCaps {
  /** guild id -> ids of its held threads (a Set's size is the O(1) count). */
  readonly #threads = new Map<string, Set<string>>();
  /** guild id -> kinds warned about (goes with the guild). */
  readonly #warned = new Map<string, Set<string>>();

  /**
   * Whether entity `id` of `kind` may be set in guild `scope`, whose held
   * entities of that kind are `entries`: one held already may, a new one
   * only under the cap (warned about once per guild and kind).
   */
  admits(
    kind: CacheKind,
    scope: string,
    id: string,
    entries: ReadonlyMap<string, unknown>,
  ): boolean {
    const cap = GUILD_CAPS[kind];
    if (cap === undefined || entries.size < cap || entries.has(id)) {
      return true;
    }
    this.#warn(scope, kind, cap);
    return false;
  }

  /**
   * Whether channel `id` may be set in scope `scope` as `value`: a new
   * thread only under {@linkcode THREAD_CAP}. Counts the guild's threads.
   */
  admitsChannel(scope: string, id: string, value: CachedValue): boolean {
    if (scope === "") return true;
    let threads = this.#threads.get(scope);
    if (!isThread(value)) {
      this.channelRemoved(scope, id);
      return true;
    }
    if (threads?.has(id)) return true;
    if ((threads?.size ?? 0) >= THREAD_CAP) {
      this.#warn(scope, "thread", THREAD_CAP);
      return false;
    }
    if (threads === undefined) this.#threads.set(scope, threads = new Set());
    threads.add(id);
    return true;
  }

  /** Channel `id` of scope `scope` went (a thread is counted no more). */
  channelRemoved(scope: string, id: string): void {
    const threads = this.#threads.get(scope);
    if (threads?.delete(id) && threads.size === 0) this.#threads.delete(scope);
  }

  /** Guild `id` went: its count and warnings go (a new one warns again). */
  guildRemoved(id: string): void {
    this.#threads.delete(id);
    this.#warned.delete(id);
  }

  /** Forget everything. */
  clear(): void {
    this.#threads.clear();
    this.#warned.clear();
  }

  #warn(guildId: string, kind: string, cap: number): void {
    let warned = this.#warned.get(guildId);
    if (warned?.has(kind)) return;
    if (warned === undefined) this.#warned.set(guildId, warned = new Set());
    warned.add(kind);
    visible.warn(
      "Guild {guildId} has more than {cap} of kind {kind}, far beyond Discord's limit: the memory cache keeps {cap} and not the others (a misbehaving gateway?)",
      { guildId, kind, cap },
    );
  }
}
