/**
 * {@linkcode HeldEvents}: the event side of a reshard, shared by
 * {@linkcode ReshardingShards} (one process) and `FleetShards` (a fleet).
 * Events of the running shard set are delivered; events of the set being
 * started are held; at the switch the held ones are delivered; and while
 * both sets run, second copies (Discord sends a guild's events to the shard
 * of each set that owns the guild) are dropped by event identity through a
 * {@linkcode DuplicateFilter}.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Shard, ShardDispatch } from "../gateway/shard.ts";
import type { FleetDispatch } from "./fleet_dispatch.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);
/** Reaching the held limit changes delivery: shown without setup. */
const visible = getVisibleLogger(["disruption", "fleet", "reshard"]);

/** The most events held for a switch by default. */
export const DEFAULT_MAX_HELD = 100_000;

/** Held events at which a filter in memory is first asked again. */
const MEMORY_PRUNE_START = 1_024;

/** Decides whether an event was delivered already, by its identity. */
export interface DuplicateFilter {
  /**
   * Record `identity` and say whether it is new.
   *
   * @param identity From {@linkcode eventIdentity}.
   * @returns `true` the first time an identity is seen, `false` after.
   */
  firstSeen(identity: string): boolean | Promise<boolean>;
  /**
   * Whether identities were seen, without recording them.
   *
   * @param identities From {@linkcode eventIdentity}.
   * @returns One answer per identity, in order.
   */
  seenAlready(identities: readonly string[]): boolean[] | Promise<boolean[]>;
}

/**
 * What makes two copies of one event the same: its name and its payload as
 * JSON (sequence numbers and sessions differ between shard sets, the payload
 * Discord sends does not).
 *
 * @param event The dispatch.
 * @returns The identity.
 */
export function eventIdentity(event: FleetDispatch): string {
  return `${event.name}\u0000${JSON.stringify(event.data)}`;
}

/**
 * The last identities, in one process's memory: at most `limit` of them and
 * `maxChars` characters in all, the oldest forgotten first. An identity
 * holds the event's whole payload, which the gateway chooses: a count alone
 * would let 50,000 large payloads take gigabytes. Forgetting early costs at
 * most a second copy delivered, never an event lost.
 */
export class MemoryDuplicateFilter implements DuplicateFilter {
  readonly #seen = new Set<string>();
  readonly #limit: number;
  readonly #maxChars: number;
  #chars = 0;

  /**
   * @param limit How many identities are remembered (oldest forgotten first).
   * @param maxChars How many characters they may hold in all (32 Mi, about
   *   64 MiB, by default); an identity longer than that is not remembered.
   */
  constructor(limit = 50_000, maxChars = 32 * 1024 * 1024) {
    this.#limit = limit;
    this.#maxChars = maxChars;
  }

  /** Characters held by the remembered identities. */
  get chars(): number {
    return this.#chars;
  }

  /** @inheritdoc */
  firstSeen(identity: string): boolean {
    if (this.#seen.has(identity)) return false;
    if (identity.length > this.#maxChars) return true;
    this.#seen.add(identity);
    this.#chars += identity.length;
    while (this.#seen.size > this.#limit || this.#chars > this.#maxChars) {
      const oldest = this.#seen.values().next().value!;
      this.#seen.delete(oldest);
      this.#chars -= oldest.length;
    }
    return true;
  }

  /** @inheritdoc */
  seenAlready(identities: readonly string[]): boolean[] {
    return identities.map((identity) => this.#seen.has(identity));
  }
}

/**
 * Delivers the running set's events, holds the next set's, and releases the
 * held ones at the switch, in order, dropping second copies while a
 * {@linkcode HeldEvents.filter} is set.
 */
export class HeldEvents {
  /** Drops second copies while set; `undefined` delivers everything. */
  filter: DuplicateFilter | undefined;
  readonly #deliver: (event: FleetDispatch) => void;
  #held: FleetDispatch[] = [];
  readonly #maxHeld: number;
  #overflowing = false;
  /** Held events at which a filter in memory is asked again (see hold()). */
  #pruneAt = MEMORY_PRUNE_START;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #duplicates = 0;

  /**
   * @param deliver Called with each event that is delivered, in order.
   * @param filter The filter to start with.
   * @param maxHeld The most events held for the switch: past it, the next
   *   set's events are delivered as they come (second copies still dropped),
   *   so a new set that never completes, while a gateway sends it events the
   *   running set never gets, cannot grow memory without bound.
   */
  constructor(
    deliver: (event: FleetDispatch) => void,
    filter?: DuplicateFilter,
    maxHeld: number = DEFAULT_MAX_HELD,
  ) {
    if (!Number.isSafeInteger(maxHeld) || maxHeld < 1) {
      throw new RangeError(
        `Cannot hold events as 'maxHeld' must be a positive integer: current value 'maxHeld=${maxHeld}'`,
      );
    }
    this.#deliver = deliver;
    this.filter = filter;
    this.#maxHeld = maxHeld;
  }

  /** Second copies dropped so far. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** Events held for the switch. */
  get heldCount(): number {
    return this.#held.length;
  }

  /**
   * A dispatch of `shard`, one of the shards of `set`: delivered when `set`
   * is the running set, held when it is the one being started, dropped
   * when it is neither (switched away from, closing).
   *
   * @param set The shard's set.
   * @param running The running set, if any.
   * @param starting The set being started, if any.
   * @param shard The shard that received the event.
   * @param event The event.
   */
  fromSet<S extends { count: number }>(
    set: S,
    running: S | undefined,
    starting: S | undefined,
    shard: Shard,
    event: ShardDispatch,
  ): void {
    if (set !== running && set !== starting) return;
    const fleetEvent = {
      ...event,
      sessionId: shard.sessionId ?? "",
      shardCount: set.count,
    };
    if (set === running) this.accept(fleetEvent);
    else this.hold(fleetEvent);
  }

  /**
   * An event of the running set: delivered unless it is a second copy.
   *
   * @param event The event.
   */
  accept(event: FleetDispatch): void {
    void this.#pass(event);
  }

  /**
   * An event of the set being started: kept for {@linkcode HeldEvents.release}.
   *
   * @param event The event.
   */
  hold(event: FleetDispatch): void {
    // A filter in memory answers at once; a remote one is asked in batches
    // by prune().
    if (
      this.filter instanceof MemoryDuplicateFilter &&
      this.filter.seenAlready([eventIdentity(event)])[0]
    ) {
      // The running set delivered it already: its copy is not kept.
      this.#duplicates++;
      return;
    }
    if (this.#held.length >= this.#maxHeld) {
      // Full: delivered now rather than held. Nothing is lost and a second
      // copy is still dropped; only its place relative to the running
      // set's events differs from a switch.
      if (!this.#overflowing) {
        this.#overflowing = true;
        visible.warn(
          "Resharding: {held} events of the new shard set are held and it has not completed; its further events are delivered as they come until the switch",
          { held: this.#held.length },
        );
      }
      void this.#pass(event);
      return;
    }
    this.#held.push(event);
    if (
      this.filter instanceof MemoryDuplicateFilter &&
      this.#held.length >= this.#pruneAt
    ) {
      // Nothing else prunes for a filter in memory (ReshardingShards): the
      // copies the running set delivered after their hold would stay until
      // the switch, every event of the overlap held. Forgotten as they are
      // delivered instead, at doubling sizes (amortised).
      const filter = this.filter;
      const kept = this.#held.filter((held) =>
        !filter.seenAlready([eventIdentity(held)])[0]
      );
      this.#duplicates += this.#held.length - kept.length;
      this.#held = kept;
      this.#pruneAt = Math.max(MEMORY_PRUNE_START, kept.length * 2);
    }
  }

  /**
   * Forget held events the running set has delivered since (their copies
   * would be dropped at the switch anyway), so what is held stays about
   * what the new set received ahead of the old, however long the new set
   * takes to complete.
   *
   * @returns How many were forgotten.
   */
  async prune(): Promise<number> {
    const held = this.#held;
    const filter = this.filter;
    if (!filter || held.length === 0) return 0;
    const count = held.length;
    const seen = await filter.seenAlready(
      held.slice(0, count).map(eventIdentity),
    );
    // A release or discard meanwhile replaced the list: nothing to prune.
    if (this.#held !== held) return 0;
    const kept = held.filter((_, i) => i >= count || !seen[i]);
    const pruned = held.length - kept.length;
    this.#held = kept;
    this.#duplicates += pruned;
    return pruned;
  }

  /** Forget the held events (the new set was given up). */
  discard(): void {
    this.#held = [];
    this.#pruneAt = MEMORY_PRUNE_START;
    this.#overflowing = false;
  }

  /**
   * The switch: deliver the held events (second copies dropped).
   *
   * @returns How many were delivered, once every one is decided.
   */
  async release(): Promise<number> {
    const held = this.#held;
    this.#held = [];
    this.#pruneAt = MEMORY_PRUNE_START;
    this.#overflowing = false;
    const verdicts = held.map((event) => this.#pass(event));
    let delivered = 0;
    for (const verdict of verdicts) if (await verdict) delivered++;
    return delivered;
  }

  /**
   * Decide and deliver one event after every earlier one, so the order is
   * kept even when the filter answers asynchronously (its requests are
   * issued at once, so a Redis filter pipelines them).
   */
  #pass(event: FleetDispatch): boolean | Promise<boolean> {
    let verdict: boolean | Promise<boolean> = true;
    if (this.filter) {
      try {
        verdict = this.filter.firstSeen(eventIdentity(event));
      } catch (error) {
        verdict = Promise.reject(error);
      }
    }
    if (typeof verdict === "boolean" && this.#pending === 0) {
      this.#settle(event, verdict);
      return verdict;
    }
    const decided = Promise.resolve(verdict).catch((error: unknown) => {
      // Delivering twice beats losing an event.
      logger.warn("Could not check an event for a second copy: {error}", {
        error,
      });
      return true;
    });
    this.#pending++;
    const done = this.#tail.then(async () => {
      const first = await decided;
      this.#settle(event, first);
      return first;
    }).finally(() => this.#pending--);
    this.#tail = done.then(() => {});
    return done;
  }

  #settle(event: FleetDispatch, first: boolean): void {
    if (!first) {
      this.#duplicates++;
      return;
    }
    try {
      this.#deliver(event);
    } catch (error) {
      logger.error("A dispatch listener threw: {error}", { error });
    }
  }
}

/**
 * Watch `shard` until it is READY and has heard of every guild its READY
 * listed, by GUILD_CREATE or GUILD_DELETE (the moment its events can
 * replace another set's).
 *
 * @param shard The shard, before it connects.
 * @returns A promise that resolves then, and a function to stop watching.
 */
export function whenComplete(shard: Shard): {
  complete: Promise<void>;
  stop: () => void;
} {
  let stop: () => void = () => {};
  const complete = new Promise<void>((resolve) => {
    let pending: Set<string> | undefined;
    const off = shard.on("dispatch", (event) => {
      if (event.name === "READY") {
        const guilds = (event.data as { guilds?: { id: string }[] }).guilds ??
          [];
        pending = new Set(guilds.map((g) => g.id));
      } else if (pending) {
        // GUILD_CREATE, or GUILD_DELETE: a guild down in an outage arrives
        // as GUILD_DELETE (`unavailable: true`), one the bot left before its
        // GUILD_CREATE likewise, and neither may ever send GUILD_CREATE.
        // Waiting for one would never complete the set, and every event of
        // it would be held meanwhile, without bound.
        pending.delete((event.data as { id: string }).id);
      }
      if (pending?.size === 0) {
        off();
        resolve();
      }
    }, { events: ["READY", "GUILD_CREATE", "GUILD_DELETE"] });
    stop = off;
  });
  return { complete, stop };
}
