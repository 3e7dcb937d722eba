/**
 * {@linkcode FailureStreak}: how a thing that keeps failing (a session
 * store, a periodic check) says so without flooding stderr or falling
 * silent: the first failure, and one whose reason differs from the last,
 * on the visible logger; repeats through LogTape only; and the first
 * success after a failure once, visibly, as the reader of the failure
 * would otherwise think it still fails.
 *
 * Internal: other library modules use it; it is not exported from any entry
 * point.
 *
 * @module
 */
import { getLogger, type Logger } from "@logtape/logtape";
import {
  getVisibleLogger,
  type LogProperties,
  type VisibleLogger,
} from "./visible_logger.ts";

/** One thing's run of failures, said once per reason and once when over. */
export class FailureStreak {
  readonly #logger: Logger;
  readonly #visible: VisibleLogger;
  /** The reason of the last failure; `undefined` after a success. */
  #reason: string | undefined;

  /**
   * @param category The LogTape category the lines are logged under.
   */
  constructor(category: readonly string[]) {
    this.#logger = getLogger(category);
    this.#visible = getVisibleLogger(category);
  }

  /**
   * It failed: said visibly unless the last call failed for the same
   * `reason`, then as a LogTape warning only.
   *
   * @param reason What the failure is about (a repeat has the same).
   * @param level How it is said visibly.
   * @param message A LogTape message template.
   * @param properties The values for the template's holes.
   */
  failed(
    reason: string,
    level: "warn" | "error",
    message: string,
    properties: LogProperties,
  ): void {
    const repeat = reason === this.#reason;
    this.#reason = reason;
    if (repeat) this.#logger.warn(message, properties);
    else this.#visible[level](message, properties);
  }

  /**
   * It worked: `message` is said visibly when the last call failed.
   *
   * @param message What works again.
   */
  worked(message: string): void {
    if (this.#reason === undefined) return;
    this.#reason = undefined;
    this.#visible.warn(message);
  }
}
