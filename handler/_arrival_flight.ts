// The promises of one shard's `atArrival` listeners that have not settled
// (or, a second count, of an attached router's route handlers):
// such a listener is not awaited, so nothing queues behind it and the
// ordered runner's backlog warning never sees one that never settles. Said
// as the runner says its backlog: at 1,000, and at each doubling; a count
// back at none starts over, and a burst that fills again within a minute of
// the last word is told only past the count already told.
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  BACKLOG_REPEAT_MS,
  DEFAULT_BACKLOG_WARNING,
} from "./ordered_runner.ts";

/** Shown without setup, as the runner's backlog is. */
const visible = getVisibleLogger(["disruption", "handler"]);

/** Counts a shard's unsettled `atArrival` promises, and says when many. */
export class ArrivalFlight {
  readonly #shardId: number;
  readonly #scheduler: Scheduler;
  /** What the promises are of, in the warning. */
  readonly #what: string;
  #count = 0;
  /** The count at which it is said next. */
  #next = DEFAULT_BACKLOG_WARNING;
  /** The threshold in force when the count last went back to none. */
  #told = 0;
  /** When it was last said; -Infinity before. */
  #lastAt = -Infinity;

  /**
   * @param shardId The shard, named in the warning.
   * @param scheduler The clock that spaces the warnings.
   * @param what What the promises are of, in the warning.
   */
  constructor(
    shardId: number,
    scheduler: Scheduler,
    what = "atArrival listener calls",
  ) {
    this.#shardId = shardId;
    this.#scheduler = scheduler;
    this.#what = what;
  }

  /** How many promises have not settled. */
  get count(): number {
    return this.#count;
  }

  /** One more promise in flight. */
  started(): void {
    const count = ++this.#count;
    if (count < this.#next) return;
    const now = this.#scheduler.now();
    if (count < this.#told && now - this.#lastAt < BACKLOG_REPEAT_MS) {
      // Said a moment ago, and no larger now: the same burst again.
      this.#next = this.#told;
      return;
    }
    this.#lastAt = now;
    this.#next = count * 2;
    visible.warn(
      "Shard {shardId} has {pending} {what} whose promises have not settled (an await that never settles?); their events are held in memory until they do, and the shard pauses past its bound",
      { shardId: this.#shardId, pending: count, what: this.#what },
    );
  }

  /** One settled. */
  settled(): void {
    if (--this.#count > 0) return;
    if (this.#next > DEFAULT_BACKLOG_WARNING) this.#told = this.#next;
    this.#next = DEFAULT_BACKLOG_WARNING;
  }
}
