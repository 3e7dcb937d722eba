// How RedisIdentifyQueue (redis/identify_queue.ts) says that Redis is out of
// reach: once an outage, whichever waiter finds it, and its end where it was
// shown. Private to the queue.
import { errorText } from "../base/error_text.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { isRedisReply } from "./connection.ts";
import {
  IDENTIFY_QUEUE_COMMANDS,
  isPermissionError,
} from "./_redis_permissions.ts";

// The queue's category: these lines are the queue's. Shards that cannot
// identify are something to act on: shown on stderr unless LogTape is set
// up.
const visible = getVisibleLogger(["disruption", "redis", "identify_queue"]);

/** An outage of the identify queue's Redis, said once until it ends. */
export class IdentifyOutage {
  #down = false;

  /**
   * A command failed: say why, unless this outage was said.
   *
   * @param error What the command failed with.
   */
  failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    // An error reply (ERR, WRONGTYPE, READONLY, OOM, NOAUTH, LOADING…) is
    // Redis answering, not Redis gone: say which. A refusal by the user's
    // ACL names every command needed, not only the one refused first.
    visible.warn(
      isPermissionError(error)
        ? "Redis refused the identify queue's script: {message}; no shard identifies until the Redis user may run it: the Redis user needs {commands}"
        : isRedisReply(error)
        ? "Redis refused the identify queue's script: {message}; no shard identifies until this is fixed"
        : "Identify queue cannot reach Redis; no shard identifies until it is back: {message}",
      {
        message: errorText(error),
        commands: IDENTIFY_QUEUE_COMMANDS.map((name) => `+${name}`).join(" "),
      },
    );
  }

  /**
   * A round trip has gone unanswered for `waitedMs`: say so, unless this
   * outage was said.
   *
   * @param waitedMs How long it has gone unanswered.
   */
  silent(waitedMs: number): void {
    if (this.#down) return;
    this.#down = true;
    visible.warn(
      "Identify queue: Redis has not answered for {waitedMs} ms; no shard identifies until it does",
      { waitedMs },
    );
  }

  /** Redis answered: the end of a said outage is said too. */
  answered(): void {
    if (!this.#down) return;
    this.#down = false;
    // Shown where the outage was: on stderr, the wait seemed to last for
    // ever.
    visible.info("Identify queue reaches Redis again");
  }
}
