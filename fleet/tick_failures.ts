/**
 * {@linkcode TickFailures}: how a `FleetShards` process says that its ticks
 * fail. The first failure after a tick that went through is said visibly
 * (on stderr when LogTape is not configured); the next ones, until a tick
 * goes through again, as warnings only.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";

const logger = getLogger(["disruption", "fleet"]);
/** Lines an operator must act on: on stderr when LogTape is not configured. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** The failures of one process's ticks, each kind said visibly once in a row. */
export class TickFailures {
  /** The last renewal failed (its failure was said once, visibly). */
  #renewFailing = false;
  /** A tick failed by throwing (said once, visibly, until one does not). */
  #throwing = false;

  /**
   * A renewal failed. Said without setup the first time after one that
   * went through: an error Redis keeps answering (a script it refuses, a
   * key it cannot read) stops every shard, and must not pass unseen; a
   * Redis outage is also said by the connection itself.
   *
   * @param error Why.
   */
  renewFailed(error: unknown): void {
    if (this.#renewFailing) {
      logger.warn("Could not renew shard leases: {error}", { error });
      return;
    }
    this.#renewFailing = true;
    visible.error(
      "Could not renew shard leases (shards stop when their leases run out, and none is taken until a tick goes through): {error}",
      { error },
    );
  }

  /** A renewal went through: the next failure is said visibly again. */
  renewed(): void {
    this.#renewFailing = false;
  }

  /**
   * A tick that nobody awaits (timed, or forced) threw.
   *
   * @param error Why.
   */
  threw(error: unknown): void {
    if (this.#throwing) {
      logger.warn("A fleet tick failed: {error}", { error });
      return;
    }
    this.#throwing = true;
    visible.error(
      "A fleet tick failed (renewals go on; shards it could not start are released): {error}",
      { error },
    );
  }

  /** A tick ran to its end: the next throw is said visibly again. */
  ran(): void {
    this.#throwing = false;
  }
}
