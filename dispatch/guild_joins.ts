/**
 * {@linkcode GuildJoins}: tells the guilds a shard joins and leaves from the
 * GUILD_CREATEs that follow every READY and RESUME, for the dispatch
 * service's `gateway_guild_events` (always counted) and its guild log
 * (`LOG_GUILD_CHANNEL`).
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
 * The guilds each shard had at READY or joined since, at most
 * {@linkcode MAX_KNOWN_GUILDS} per shard, and only snowflake IDs: both come
 * from the gateway, and one that made up guilds would grow the sets without
 * bound. Past the limit a guild is not remembered, so a GUILD_CREATE of it
 * after a reconnect is taken for a join again (said once per shard).
 */
export class GuildJoins {
  readonly #known = new Map<number, Set<string>>();
  /** Shards that went past the limit (said once). */
  readonly #full = new Set<number>();

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
      return { type: "Join", id, name: d?.name };
    }
    if (name === "GUILD_DELETE" && d?.unavailable !== true) {
      known.delete(id);
      return { type: "Leave", id };
    }
    return undefined;
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
