/**
 * {@linkcode ReshardOverlap}: one `FleetShards` process's side of the
 * overlap of a fleet's reshard, while two shard sets run: the duplicate
 * filter it shares with the fleet in Redis, from the reshard's request
 * until no member's old set can still be draining (see
 * {@linkcode overlapHoldMs}), and a warning,
 * shown without setup, while the reshard stays incomplete.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { RedisConnection } from "../redis/connection.ts";
import {
  type DuplicateFilter,
  duplicateWindowMs,
  RedisDuplicateFilter,
} from "./duplicate_filter.ts";
import { ChainedDuplicateFilter } from "./chained_duplicate_filter.ts";
import type { FleetGeneration } from "./fleet_generation.ts";
import type { HeldEvents } from "./held_events.ts";
import type { LeaseTimes } from "./lease_times.ts";
import {
  ackWaitMs,
  DISCORD_HEARTBEAT_MS,
  RESUME_WAIT_MS,
} from "./shard_read_barrier.ts";

const logger = getLogger(["disruption", "fleet"]);
/** A reshard that does not complete is for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/**
 * How long a reshard runs, as a process sees it, before it says that the
 * reshard has not completed, and how often it says so again: 10 minutes.
 */
export const OVERDUE_RESHARD_MS = 600_000;

/** The most incomplete shards a warning names (the rest are counted). */
const NAMED_SHARDS = 20;

/**
 * How long after a process leaves a reshard (or its last drain ends) its
 * duplicate filter stays: until the latest moment any member's old set may
 * still deliver through it. Every member switches within a lease TTL of
 * this one (a second TTL covers a new shard whose process died around the
 * flip, taken over and replayed), and a member's old shard drains for at
 * most its read barrier's one deadline, {@linkcode RESUME_WAIT_MS} and an
 * ACK wait after that member's switch (see `readBarrier`). Waiting out
 * that bound, rather than recording every member's drains in Redis, costs
 * only the filter's Redis keys for a few minutes more; dropped sooner, an
 * old set still draining elsewhere delivered as first seen what the new
 * sets had delivered already.
 *
 * @param ttlMs The fleet's lease TTL.
 * @param interval The longest heartbeat interval seen (Discord's when
 *   none): the other members' shards run on the same gateway.
 * @returns The hold, in ms.
 */
export function overlapHoldMs(ttlMs: number, interval?: number): number {
  const longest = Math.max(interval ?? 0, DISCORD_HEARTBEAT_MS);
  return 2 * ttlMs + RESUME_WAIT_MS + ackWaitMs(longest);
}

/** What {@linkcode ReshardOverlap} needs of its process. */
export interface ReshardOverlapOptions {
  /** The fleet's connection. */
  redis: RedisConnection;
  /** The fleet's prefix. */
  prefix: string;
  /** The process's lease timings (the fleet's TTL). */
  times: LeaseTimes;
  /** The process's events, whose filter this sets. */
  events: HeldEvents;
  /** The fleet's count and barrier. */
  record: FleetGeneration;
  /** Now on the leases' clock, or `undefined` for Redis's. */
  leaseNow: () => number | undefined;
}

/** One process's duplicate filter and overdue warning for a fleet's reshard. */
export class ReshardOverlap {
  readonly #options: ReshardOverlapOptions;
  /** When this process last left a reshard: filtering goes on a while. */
  #leftAt: number | undefined;
  /** The reshard running and when this process first saw it. */
  #running: { count: number; since: number; saidAt: number } | undefined;
  /** Old sets still draining: they deliver through the filter. */
  #drains = 0;
  /** The filter of the reshard last begun. */
  #own: DuplicateFilter | undefined;
  /** The longest heartbeat interval of an old shard seen draining. */
  #interval: number | undefined;
  /** The count this process last switched to (its filter begun then). */
  #switched: number | undefined;
  /** The count and flip last taken up (see `took`), as `count@flip`. */
  #taken: string | undefined;

  /** @param options The process's parts. */
  constructor(options: ReshardOverlapOptions) {
    this.#options = options;
  }

  /**
   * A reshard to `count` is seen: events are checked against the fleet's
   * duplicate filter (`<prefix>:seen:<count>`, windows of
   * {@linkcode duplicateWindowMs}) from now on, and against the previous
   * reshard's too while that one is still needed (see
   * {@linkcode ChainedDuplicateFilter}): a slower process may still deliver
   * from its old set through it, or drain it. Chained rather than a new
   * reshard refused meanwhile: a refusal needs every process's drains known
   * to the one asking, and the chain costs only a second Redis key per
   * event for a while.
   *
   * @param count The count it moves to.
   * @param now The process's clock (the scheduler's).
   */
  begin(count: number, now: number): void {
    const { redis, prefix, times, events, leaseNow } = this.#options;
    const own = new RedisDuplicateFilter(
      redis,
      `${prefix}:seen:${count}`,
      duplicateWindowMs(times.ttlMs),
      // A dead process's claims expire before its leases can (see
      // RedisDuplicateFilterOptions.claimTtlMs), on the leases' clock.
      { claimTtlMs: times.ttlMs - times.renewMs, now: leaseNow },
    );
    // Still set: the previous reshard's grace (or a drain) is not over.
    const previous = events.filter;
    events.filter = previous ? new ChainedDuplicateFilter(previous, own) : own;
    this.#own = own;
    this.#running = { count, since: now, saidAt: now };
  }

  /**
   * The process runs `count` (at each tick): one it did not switch to (it
   * joined after the flip, or missed the request, frozen or cut off through
   * it) filters as a switching one does while the others' old sets may
   * still drain, until {@linkcode overlapHoldMs} after the flip. Without
   * it, those old sets delivered again every event its new shards had.
   *
   * @param count The count it runs (the record's flip, on the fleet's
   *   clock, tells when the fleet took it up).
   * @param fleetNow The time on the fleet's clock; `undefined` while it is
   *   not known (nothing taken up yet: this machine's own clock may be
   *   minutes off the flip's).
   * @param now The process's clock.
   */
  took(count: number, fleetNow: number | undefined, now: number): void {
    if (fleetNow === undefined) return;
    const { flippedAt } = this.#options.record;
    const key = `${count}@${flippedAt ?? ""}`;
    if (key === this.#taken) return;
    this.#taken = key;
    // Switched to it: its filter runs already (a second one on the same
    // key took each event's own claim for another copy's). A reshard of
    // its own running keeps its filter and warning as they are.
    const own = count === this.#switched || this.#running !== undefined;
    if (own || flippedAt === undefined) return;
    const since = Math.max(0, fleetNow - flippedAt);
    if (since >= overlapHoldMs(this.#options.times.ttlMs, this.#interval)) {
      return;
    }
    this.begin(count, now);
    this.#running = undefined; // no reshard of its own to warn about
    // Held from the flip, as a switching process's from its switch.
    this.#leftAt = Math.max(this.#leftAt ?? -Infinity, now - since);
  }

  /**
   * This process left the reshard (switched to its set, or dropped it):
   * the filter runs on for {@linkcode overlapHoldMs} (see
   * {@linkcode ReshardOverlap.tick}).
   *
   * @param now The process's clock.
   * @param switched The count it switched to; none when it dropped the
   *   reshard.
   */
  end(now: number, switched?: number): void {
    this.#leftAt = now;
    this.#running = undefined;
    // Not a reshard given up: begun but not switched to, a later reshard
    // to that count, missed, needs took's filter.
    if (switched !== undefined) this.#switched = switched;
  }

  /**
   * An old set drains after this process's switch (see `RetiringSets`): it
   * delivers what no copy of was, so the filter stays until
   * {@linkcode overlapHoldMs} after the last drain ends (a copy another
   * process's new shard reads late, or another's old set drains, is still
   * caught). Without a filter, an old set delivers nothing.
   *
   * @param interval The longest heartbeat interval among the set's shards,
   *   if known: the other members' drains may wait as long.
   * @returns Call with the process's clock once the set is closed or
   *   aborted (an uncalled one would keep the filter on for good).
   */
  draining(interval?: number): (now: number) => void {
    this.#drains++;
    if (interval !== undefined) {
      this.#interval = Math.max(this.#interval ?? 0, interval);
    }
    let ended = false;
    return (now) => {
      if (ended) return;
      ended = true;
      this.#drains--;
      if (this.#leftAt !== undefined) {
        this.#leftAt = Math.max(this.#leftAt, now);
      }
    };
  }

  /**
   * At each tick: drop the filter once nothing can be a second copy, and
   * say a reshard that has been running {@linkcode OVERDUE_RESHARD_MS} or
   * more (again every as long while it runs).
   *
   * @param running Whether a reshard runs now.
   * @param now The process's clock.
   */
  tick(running: boolean, now: number): void {
    const hold = overlapHoldMs(this.#options.times.ttlMs, this.#interval);
    if (
      this.#drains === 0 && this.#leftAt !== undefined &&
      now - this.#leftAt >= hold
    ) {
      // Every process has switched and drained its old set by now, and a
      // new shard whose process died around the flip was taken over
      // (within a TTL) and its replay delivered: nothing of the reshard
      // left can be a second copy (a running one's own filter stays).
      this.#options.events.filter = running ? this.#own : undefined;
      this.#leftAt = undefined;
    }
    const open = this.#running;
    if (!running || !open || now - open.saidAt < OVERDUE_RESHARD_MS) return;
    open.saidAt = now;
    void this.#sayOverdue(open.count, now - open.since);
  }

  /** Say that the reshard to `count`, `ms` old, has not completed. */
  async #sayOverdue(count: number, ms: number): Promise<void> {
    let ids: number[];
    try {
      const { record, leaseNow } = this.#options;
      ids = await record.incompleteShards(count, leaseNow());
    } catch (error) {
      logger.warn("Could not read the reshard's barrier: {error}", { error });
      return;
    }
    const more = ids.length - NAMED_SHARDS;
    visible.warn(
      "The reshard to {count} shards has run {minutes} minutes without completing: new shards {shards}{more} are not complete (not READY with every guild, or run by no process: check the processes' pools, the session starts left, fatal closes). Both shard sets keep running until they all are, or until fleet.cancelReshard({count}) gives the reshard up",
      {
        count,
        minutes: Math.floor(ms / 60_000),
        shards: ids.slice(0, NAMED_SHARDS),
        more: more > 0 ? ` and ${more} more` : "",
      },
    );
  }
}
