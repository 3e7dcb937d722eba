/**
 * {@linkcode ReshardOverlap}: one `FleetShards` process's side of the
 * overlap of a fleet's reshard, while two shard sets run: the duplicate
 * filter it shares with the fleet in Redis, from the reshard's request
 * until twice the lease TTL after the process leaves it, and a warning,
 * shown without setup, while the reshard stays incomplete.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { duplicateWindowMs, RedisDuplicateFilter } from "./duplicate_filter.ts";
import type { FleetGeneration } from "./fleet_generation.ts";
import type { HeldEvents } from "./held_events.ts";
import type { LeaseTimes } from "./lease_times.ts";

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

  /** @param options The process's parts. */
  constructor(options: ReshardOverlapOptions) {
    this.#options = options;
  }

  /**
   * A reshard to `count` is seen: events are checked against the fleet's
   * duplicate filter (`<prefix>:seen:<count>`, windows of
   * {@linkcode duplicateWindowMs}) from now on.
   *
   * @param count The count it moves to.
   * @param now The process's clock (the scheduler's).
   */
  begin(count: number, now: number): void {
    const { redis, prefix, times, events, leaseNow } = this.#options;
    events.filter = new RedisDuplicateFilter(
      redis,
      `${prefix}:seen:${count}`,
      duplicateWindowMs(times.ttlMs),
      // A dead process's claims expire before its leases can (see
      // RedisDuplicateFilterOptions.claimTtlMs), on the leases' clock.
      { claimTtlMs: times.ttlMs - times.renewMs, now: leaseNow },
    );
    this.#running = { count, since: now, saidAt: now };
  }

  /**
   * This process left the reshard (switched to its set, or dropped it):
   * the filter runs on for twice the lease TTL (see
   * {@linkcode ReshardOverlap.tick}).
   *
   * @param now The process's clock.
   */
  end(now: number): void {
    this.#leftAt = now;
    this.#running = undefined;
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
    const ttl = this.#options.times.ttlMs;
    if (
      !running && this.#leftAt !== undefined && now - this.#leftAt >= 2 * ttl
    ) {
      // Every process has switched by now, and a new shard whose process
      // died around the flip was taken over (within a TTL) and its replay
      // delivered: nothing can be a second copy.
      this.#options.events.filter = undefined;
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
