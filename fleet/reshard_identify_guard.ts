/**
 * {@linkcode BudgetWatchingQueue}: the identify queue a reshard's new set
 * identifies through, which tells the reshard when a new shard would have
 * to wait for the session start budget's reset (up to a day) instead of
 * letting the reshard hang that long.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import {
  type SessionStartBudget,
  sessionStartBudget,
} from "./reshard_budget.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);

/** How often the budget is looked at while a new shard waits to identify. */
export const BUDGET_CHECK_MS = 1_000;

/**
 * A spent budget whose reset is less than this many ms away is waited for,
 * not taken as the reshard's end: the new set would be thrown away, and
 * the reshard started again, for want of seconds.
 */
export const RESET_SOON_MS = 60_000;

/**
 * An {@linkcode IdentifyQueue} that hands every call on to `queue` and,
 * while a call waits, looks at `queue`'s budget (see `sessionStartBudget`)
 * every {@linkcode BUDGET_CHECK_MS}: a call that is still waiting at two
 * checks in a row that both found no session start left, and the reset
 * {@linkcode RESET_SOON_MS} or more away, waits for the reset, and
 * `exhausted` is called (once; the watch then ends). Two checks,
 * not one: a grant that took the last start reaches its caller a moment
 * after the budget shows it (a Redis round trip later for a shared queue),
 * and the call still looks waiting meanwhile.
 *
 * The budget counted at the reshard's start can run out after it when
 * other shards (the old set's, losing their sessions) identify meanwhile.
 */
export class BudgetWatchingQueue implements IdentifyQueue {
  readonly #queue: IdentifyQueue;
  readonly #scheduler: Scheduler;
  readonly #exhausted: (shardId: number) => void;
  /** The calls waiting, each by a token of its own, with their shard. */
  readonly #waiting = new Map<object, number>();
  /** The calls that were waiting at the last check, which found no budget. */
  #suspects = new Set<object>();
  #timer: TimerId | undefined;
  #checking = false;
  #stopped = false;

  /**
   * @param queue The queue the calls go to.
   * @param scheduler The timers of the checks.
   * @param exhausted Called with a shard whose call waits for the reset.
   */
  constructor(
    queue: IdentifyQueue,
    scheduler: Scheduler,
    exhausted: (shardId: number) => void,
  ) {
    this.#queue = queue;
    this.#scheduler = scheduler;
    this.#exhausted = exhausted;
  }

  /**
   * Wait, through the queue, until shard `shardId` may send IDENTIFY.
   *
   * @param shardId The shard that wants to identify.
   * @param signal Gives up waiting; the promise rejects with its reason.
   * @returns What the queue's `acquire` returns.
   */
  acquire(shardId: number, signal?: AbortSignal): Promise<void> {
    const granted = this.#queue.acquire(shardId, signal);
    if (this.#stopped) return granted;
    const token = {};
    this.#waiting.set(token, shardId);
    const settled = (): void => {
      this.#waiting.delete(token);
      this.#suspects.delete(token);
      if (this.#waiting.size === 0) this.#disarm();
    };
    granted.then(settled, settled);
    void this.#check();
    this.#arm();
    return granted;
  }

  /** End the watch: calls are handed on, nothing more is checked. */
  stop(): void {
    this.#stopped = true;
    this.#waiting.clear();
    this.#suspects.clear();
    this.#disarm();
  }

  #arm(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    if (this.#waiting.size === 0) return;
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      void this.#check().finally(() => this.#arm());
    }, BUDGET_CHECK_MS);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<void> {
    if (this.#checking || this.#stopped) return;
    this.#checking = true;
    let budget: SessionStartBudget | undefined;
    try {
      budget = await sessionStartBudget(
        this.#scheduler,
        this.#queue,
        "read the session starts left for the new shards",
      );
    } catch (error) {
      // Not known this time: asked again at the next check.
      logger.debug("Could not read the session starts left: {error}", {
        error,
      });
    } finally {
      this.#checking = false;
    }
    if (this.#stopped) return;
    if (
      budget === undefined || budget.left > 0 ||
      budget.resetIn < RESET_SOON_MS
    ) {
      this.#suspects.clear();
      return;
    }
    for (const token of this.#suspects) {
      const shardId = this.#waiting.get(token);
      if (shardId === undefined) continue;
      this.stop();
      this.#exhausted(shardId);
      return;
    }
    this.#suspects = new Set(this.#waiting.keys());
  }
}
