/**
 * {@linkcode GuildJoins}: tells the guilds a shard joins and leaves from the
 * GUILD_CREATEs that follow every READY and RESUME, for the dispatch
 * service's `gateway_guild_events` (always counted) and its guild log
 * (`LOG_GUILD_CHANNEL`).
 *
 * A shard that resumed a session saved by an earlier process has no READY
 * to say which guilds it has: a GUILD_CREATE of a guild back from an outage
 * that began before the restart would look like a join. There the guild's
 * `joined_at` decides (see {@linkcode RECENT_JOIN_MS}).
 *
 * Internal to the dispatch service; not exported from its entry point.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { isSnowflake } from "../base/snowflake.ts";

const logger = getLogger(["disruption", "dispatch"]);

/**
 * Guilds remembered per shard. Discord closes a session with more than
 * 2,500 guilds (4011, sharding required); four times that leaves room for
 * any spread while bounding what a gateway's made-up guild ids can take.
 */
export const MAX_KNOWN_GUILDS = 10_000;

/**
 * On a shard with no READY in this process (it resumed a saved session), a
 * GUILD_CREATE of a guild not known is a join only if its `joined_at` is
 * within this many milliseconds of the service's clock, either way (the
 * host's clock and Discord's may differ a little). Five minutes: a join
 * during the restart is replayed on RESUME, and sessions older than two
 * minutes are not resumed; a guild back from an outage was joined long
 * before. A GUILD_CREATE without a readable `joined_at` there is taken for
 * a join, as on any other shard: nothing tells otherwise.
 */
export const RECENT_JOIN_MS = 5 * 60_000;

/**
 * The dispatches {@linkcode GuildJoins.update} reads; the service parses
 * only these when nothing else needs parsed events.
 */
export const GUILD_EVENTS: readonly string[] = [
  "READY",
  "GUILD_CREATE",
  "GUILD_DELETE",
];

/** A guild joined or left, as twilight-dispatch labels it. */
export interface GuildChange {
  /** `Join` or `Leave` (`gateway_guild_events`' label values). */
  readonly type: "Join" | "Leave";
  /** The guild's ID. */
  readonly id: string;
  /** The guild's name, for a join (as the payload gave it). */
  readonly name?: unknown;
}

/**
 * The guilds each shard had at READY, joined since, or saw go unavailable
 * (a GUILD_DELETE with `unavailable: true`: the guild is the bot's), at most
 * {@linkcode MAX_KNOWN_GUILDS} per shard, and only snowflake IDs: both come
 * from the gateway, and one that made up guilds would grow the sets without
 * bound. Past the limit a guild is not remembered, so a GUILD_CREATE of it
 * after a reconnect is taken for a join again (said once per shard).
 */
export class GuildJoins {
  readonly #known = new Map<number, Set<string>>();
  /** Shards that had a READY in this process: their sets are complete. */
  readonly #ready = new Set<number>();
  /** Shards that went past the limit (said once). */
  readonly #full = new Set<number>();
  readonly #now: () => number;

  /**
   * Start with no shard known.
   *
   * @param now The service's clock (milliseconds since the epoch), which a
   * guild's `joined_at` is compared with on a shard that resumed.
   */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Read a READY, GUILD_CREATE or GUILD_DELETE (other events change
   * nothing).
   *
   * @param shardId The shard that received it.
   * @param name The event name.
   * @param data Its `d`.
   * @returns The join or leave it means, if any.
   */
  update(
    shardId: number,
    name: string,
    data: unknown,
  ): GuildChange | undefined {
    const d = data as Record<string, unknown> | null;
    if (name === "READY") {
      const guilds = Array.isArray(d?.guilds) ? d.guilds : [];
      const known = new Set<string>();
      for (const guild of guilds) {
        const id = (guild as { id?: unknown } | null)?.id;
        if (isSnowflake(id)) this.#remember(shardId, known, id);
      }
      this.#known.set(shardId, known);
      this.#ready.add(shardId);
      return undefined;
    }
    // Any other event (most carry an `id`) is passed over at once: with the
    // state cache on, every dispatch comes through here.
    if (name !== "GUILD_CREATE" && name !== "GUILD_DELETE") return undefined;
    const id = d?.id;
    if (!isSnowflake(id)) return undefined;
    const known = this.#known.get(shardId) ?? new Set();
    this.#known.set(shardId, known);
    if (name === "GUILD_CREATE" && !known.has(id)) {
      this.#remember(shardId, known, id);
      if (!this.#ready.has(shardId) && !this.#recent(d?.joined_at)) {
        return undefined;
      }
      return { type: "Join", id, name: d?.name };
    }
    if (name === "GUILD_DELETE") {
      if (d?.unavailable === true) {
        // An outage: the guild is the bot's, and its GUILD_CREATE when it
        // comes back is no join.
        if (!known.has(id)) this.#remember(shardId, known, id);
        return undefined;
      }
      known.delete(id);
      return { type: "Leave", id };
    }
    return undefined;
  }

  /**
   * Whether a GUILD_CREATE's `joined_at` is within
   * {@linkcode RECENT_JOIN_MS} of now; `true` when it is missing or
   * unreadable (nothing says the guild is an old one).
   */
  #recent(joinedAt: unknown): boolean {
    const at = typeof joinedAt === "string" ? Date.parse(joinedAt) : NaN;
    if (!Number.isFinite(at)) return true;
    return Math.abs(this.#now() - at) <= RECENT_JOIN_MS;
  }

  #remember(shardId: number, known: Set<string>, id: string): void {
    if (known.size < MAX_KNOWN_GUILDS) {
      known.add(id);
      return;
    }
    if (this.#full.has(shardId)) return;
    this.#full.add(shardId);
    logger.warn(
      "Shard {shardId} reported more than {max} guilds (Discord allows 2,500 per shard): no more of them are remembered, so their reconnects may be counted (and logged) as joins",
      { shardId, max: MAX_KNOWN_GUILDS },
    );
  }
}
