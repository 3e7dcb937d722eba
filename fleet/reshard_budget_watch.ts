/**
 * {@linkcode watchReshardBudget}: the identify queue of a fleet reshard's
 * new set, which gives the reshard up when the session start budget runs
 * out before every new shard identified.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { BudgetWatchingQueue } from "./reshard_identify_guard.ts";

const logger = getLogger(["disruption", "fleet"]);
/** A reshard given up is for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/**
 * The queue a fleet reshard's new shards identify through. The budget
 * counted at the request can run out before every new shard identified
 * (old shards losing their sessions identify too), and a new shard left
 * waiting for the reset held the reshard, its events and every other
 * reshard up to a day: the reshard is given up instead, said on stderr.
 *
 * @param fleet The fleet's identify queue and timers (its options).
 * @param count The count the reshard moves to.
 * @param giveUp Gives the reshard to `count` up (`FleetShards.cancelReshard`,
 *   which answers the same when several processes run it).
 * @returns The queue, to stop once the reshard ends.
 */
export function watchReshardBudget(
  fleet: { identifyQueue: IdentifyQueue; scheduler?: Scheduler | undefined },
  count: number,
  giveUp: (count: number) => Promise<unknown>,
): BudgetWatchingQueue {
  const scheduler = fleet.scheduler ?? realScheduler;
  return new BudgetWatchingQueue(fleet.identifyQueue, scheduler, (shardId) => {
    visible.error(
      "Giving up the fleet's reshard to {count} shards: new shard {id} would wait for the session start budget's reset, as no session start is left (shards that identified since the reshard was asked used those it counted on); the old set runs on: reshard again after the reset",
      { count, id: shardId },
    );
    giveUp(count).catch((error: unknown) => {
      logger.warn("Could not give up the reshard to {count}: {error}", {
        count,
        error,
      });
    });
  });
}
