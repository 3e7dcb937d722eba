/**
 * {@linkcode TickFailures}: how a `FleetShards` process says that its ticks
 * fail, as `StoreFailures` says its session store fails (a
 * {@linkcode FailureStreak} per kind): the first failure after a tick that
 * went through is said visibly (on stderr when LogTape is not configured);
 * the next ones, until a tick goes through again, as warnings only; and
 * that first tick that goes through, visibly, once: the reader of the
 * failure would otherwise think the shards still stop.
 *
 * @module
 */
import { FailureStreak } from "../base/failure_streak.ts";

/** The category the fleet's lines are logged under. */
const CATEGORY = ["disruption", "fleet"];

/**
 * The reason of every renewal failure, and of every throw: a streak is one
 * kind failing, whatever the error (a flapping error must not flood
 * stderr, as the store's do not).
 */
const REPEATED = "tick";

/** The failures of one process's ticks, each kind said visibly once in a row. */
export class TickFailures {
  /**
   * Renewals: an error Redis keeps answering (a script it refuses, a key
   * it cannot read) stops every shard, and must not pass unseen; a Redis
   * outage is also said by the connection itself.
   */
  readonly #renewals = new FailureStreak(CATEGORY);
  /** Ticks that nobody awaits (timed, or forced) and that threw. */
  readonly #throws = new FailureStreak(CATEGORY);

  /**
   * A renewal failed: said visibly the first time after one that went
   * through, then as a warning only.
   *
   * @param error Why.
   */
  renewFailed(error: unknown): void {
    this.#renewals.failed(
      REPEATED,
      "error",
      "Could not renew shard leases (shards stop when their leases run out, and none is taken until a tick goes through): {error}",
      { error },
    );
  }

  /**
   * A renewal went through: said visibly when the last one failed, and the
   * next failure is said visibly again.
   */
  renewed(): void {
    this.#renewals.worked(
      "Renewing shard leases works again: this process keeps its shards and takes free ones",
    );
  }

  /**
   * A tick that nobody awaits (timed, or forced) threw: said visibly the
   * first time after one that ran to its end, then as a warning only.
   *
   * @param error Why.
   */
  threw(error: unknown): void {
    this.#throws.failed(
      REPEATED,
      "error",
      "A fleet tick failed (renewals go on; shards it could not start are released): {error}",
      { error },
    );
  }

  /**
   * A tick ran to its end: said visibly when the last one threw, and the
   * next throw is said visibly again.
   */
  ran(): void {
    this.#throws.worked("Fleet ticks run to their end again");
  }
}
