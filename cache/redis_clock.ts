// The clock a RedisCache decides expiry on. Each process stamped its
// entries with its own wall clock and swept with its own, so the one whose
// clock was furthest ahead removed every process's members and messages
// (a 600 s member gone 0.3 s after its write, swept by a machine 15 min
// ahead), and one behind wrote entries already expired. Redis's clock is
// the one they all share: the sweep script reads TIME, and the writes stamp
// this machine's time moved by the offset to Redis's, read with the
// batch's reads. Given a scheduler (a test's virtual clock), its `now()`
// decides instead, as before: every process must then share it.
import type { Scheduler } from "../base/scheduler.ts";
import { realScheduler } from "../base/scheduler.ts";
import type { ExtraRead } from "./redis_reads.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { isPermissionRefusal } from "../redis/_permission_refusal.ts";
import { timeReplyMs } from "../redis/lua_now.ts";

const visible = getVisibleLogger(["disruption", "cache"]);

/** Expiry's "now": Redis's clock, or a given scheduler's. */
export class ExpiryClock {
  /** The scheduler given, whose `now()` decides; none: Redis's clock. */
  readonly #given: Scheduler | undefined;
  /** Whether the store has a TTL: without one, nothing needs the time. */
  readonly #needed: boolean;
  /** Redis's clock minus this machine's, in ms, as last read. */
  #offset: number | undefined;
  /** Whether a refused TIME was said (once per store). */
  #saidRefused = false;

  /**
   * @param needed Whether the store has a TTL.
   * @param scheduler The store's `scheduler` option: given, its clock
   *   decides (a test's virtual clock), else Redis's.
   */
  constructor(needed: boolean, scheduler: Scheduler | undefined) {
    this.#needed = needed;
    // The documented default given by name is the default: Redis's clock.
    this.#given = scheduler === realScheduler ? undefined : scheduler;
  }

  /** The reads for a batch's read pipeline (see fetchReads): Redis's TIME. */
  reads(): ExtraRead[] {
    if (!this.#needed || this.#given !== undefined) return [];
    return [{
      queue: (pipeline) => void pipeline.time(),
      answer: (error, result) => {
        // A failed read keeps the offset it had: the batch's other reads,
        // failing alike, fail the batch the usual way. Not under an ACL
        // without TIME: only it is refused, and nothing else would say so.
        if (error !== null) {
          if (isPermissionRefusal(error.message) && !this.#saidRefused) {
            this.#saidRefused = true;
            visible.warn(
              "Redis refuses TIME to this user (its ACL needs +time): the cache's member and message expiry is stamped on this machine's clock instead of Redis's, and its expiry sweep fails: {error}",
              { error },
            );
          }
          return;
        }
        this.#offset = timeReplyMs(result as string[]) - realScheduler.now();
      },
    }];
  }

  /**
   * The writes' time, in ms since the epoch: the scheduler's, or this
   * machine's moved onto Redis's clock. Every batch that writes a member or
   * a message reads (its guild or channel), so the offset is the one read
   * in the same round trip: a clock stepped since an earlier batch moves
   * nothing. As is before any was read, or when TIME is refused (said).
   */
  now(): number {
    if (this.#given !== undefined) return this.#given.now();
    return realScheduler.now() + (this.#offset ?? 0);
  }

  /** The sweep script's "now": the scheduler's, or "" for Redis's TIME. */
  sweepNow(): string {
    return this.#given === undefined ? "" : String(this.#given.now());
  }
}
