// A RedisIdentifyQueue stand-in for the tests of what reads a shared
// session start budget (a reshard's check, BudgetWatchingQueue): no Redis,
// the budget as given.
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";

/** A shared budget as `RedisIdentifyQueue.budget` answers it. */
export interface StoredBudget {
  /** The day's session starts. */
  total: number;
  /** Those left. */
  remaining: number;
  /** When the budget resets, on the scheduler's clock. */
  resetAt: number;
}

/**
 * A RedisIdentifyQueue whose stored budget is `budget` (no Redis).
 *
 * @param budget The budget read, `undefined` for none stored yet, or a
 *   function giving either (a rejection is a read that failed).
 * @param acquire What a call to `acquire` waits for.
 * @returns The queue.
 */
export function storedBudget(
  budget:
    | StoredBudget
    | undefined
    | (() => Promise<StoredBudget | undefined>),
  acquire: () => Promise<void> = () => Promise.resolve(),
): RedisIdentifyQueue {
  const queue = Object.create(RedisIdentifyQueue.prototype);
  const read = typeof budget === "function"
    ? budget
    : () => Promise.resolve(budget);
  Object.defineProperties(queue, {
    budget: { value: read },
    acquire: { value: acquire },
  });
  return queue;
}
