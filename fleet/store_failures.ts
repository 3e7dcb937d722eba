/**
 * {@linkcode StoreFailures}: how a `FleetShards` process says that its
 * session store fails, as `ShardManager` does (`gateway/_manager_sessions.ts`):
 * the first failure of a kind of call is said visibly (on stderr when
 * LogTape is not configured), the next ones, while that kind keeps failing,
 * as warnings only, and the first success after, visibly, once (a
 * {@linkcode FailureStreak} per kind).
 *
 * @module
 */
import { FailureStreak } from "../base/failure_streak.ts";

/** The category the fleet's lines are logged under. */
const CATEGORY = ["disruption", "fleet"];

/** A kind of session store call, failing or working on its own. */
export type StoreCall = "save" | "load" | "forget";

/** How each kind's first failure is said, and what its success says. */
const KINDS: Record<
  StoreCall,
  { level: "error" | "warn"; again: string }
> = {
  save: {
    level: "error",
    again: "Saving the fleet's sessions works again: the session store answers",
  },
  load: {
    level: "warn",
    again:
      "Loading the fleet's saved sessions works again: the session store answers",
  },
  forget: {
    level: "warn",
    again: "Forgetting the sessions of a shard count left behind works again",
  },
};

/** The failures of one process's session store calls, by kind. */
export class StoreFailures {
  /**
   * One streak per kind: a kind works or fails on its own. Sessions not
   * saved or not loaded cost session starts and lose events at the next
   * takeover: shown without setup.
   */
  readonly #streaks: Record<StoreCall, FailureStreak> = {
    save: new FailureStreak(CATEGORY),
    load: new FailureStreak(CATEGORY),
    forget: new FailureStreak(CATEGORY),
  };

  /**
   * A call of kind `call` failed: said visibly unless the last one of its
   * kind failed too.
   *
   * @param call The kind of call.
   * @param message A LogTape message template.
   * @param properties The values for the template's holes.
   */
  failed(
    call: StoreCall,
    message: string,
    properties: Record<string, unknown>,
  ): void {
    this.#streaks[call].failed(call, KINDS[call].level, message, properties);
  }

  /**
   * A call of kind `call` worked: said visibly when the last one failed
   * (the reader of that line would otherwise think it still fails).
   *
   * @param call The kind of call.
   */
  worked(call: StoreCall): void {
    this.#streaks[call].worked(KINDS[call].again);
  }
}
