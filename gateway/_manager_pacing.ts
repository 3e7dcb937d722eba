/**
 * The identify queue's pacing options of `ShardManager`
 * (`shard_manager.ts`): the default queue built from `maxConcurrency` and
 * `sessionStartLimit` (or, without a limit, the budget it assumes), the
 * check that a given queue can take them, handing it the limit, and
 * {@linkcode pacingOptions} (what the `Client` adds from GET /gateway/bot).
 *
 * Private to the package: `shard_manager.ts` re-exports
 * {@linkcode pacingOptions} and {@linkcode assumeSessionStartLimit};
 * `redis/identify_queue.ts` takes {@linkcode assumedSessionStartLimit}; the
 * rest is the manager's constructor's.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { assertObjectOption } from "../base/option_checks.ts";
import {
  type IdentifyQueue,
  MemoryIdentifyQueue,
  type SessionStartLimit,
} from "./identify_queue.ts";

// The manager's category: these lines are the manager's.
const visible = getVisibleLogger(["disruption", "gateway", "manager"]);
const logger = getLogger(["disruption", "gateway", "manager"]);

/**
 * The budget a queue assumes when nobody told it Discord's (no
 * `sessionStartLimit`, as with a `gatewayUrl` and a shard count, where GET
 * /gateway/bot is not asked): Discord's default, 1,000 session starts a
 * day for all of the bot's shards. Without it nothing capped IDENTIFYs: 16
 * shards behind a gateway that ended every session after 10 min started
 * 2,294 sessions in a day, and past 1,000 Discord resets the token. Counted
 * from the queue's creation, as the day's spending so far is not known.
 */
const ASSUMED_LIMIT = {
  total: 1_000,
  remaining: 1_000,
  reset_after: 24 * 60 * 60 * 1000,
} as const;

/**
 * The budget an identify queue that knows no session start limit assumes
 * (see {@linkcode ASSUMED_LIMIT}): Discord's default with the queue's
 * `max_concurrency`, or none with a `max_concurrency` over 1, large bot
 * sharding's, whose budget Discord raises with it (1,200 shards need 1,200
 * starts a day at the least: 1,000 assumed would hold every shard past the
 * 1,000th for a day). Shared by the in-memory queue's
 * {@linkcode assumeSessionStartLimit} and `RedisIdentifyQueue`, so both
 * assume the same.
 *
 * @param maxConcurrency The queue's `max_concurrency`.
 * @returns The limit to assume, or `undefined` when none is.
 */
export function assumedSessionStartLimit(
  maxConcurrency: number,
): SessionStartLimit | undefined {
  if (maxConcurrency > 1) return undefined;
  return { ...ASSUMED_LIMIT, max_concurrency: maxConcurrency };
}

/**
 * The manager's pacing options (`sessionStartLimit` and `maxConcurrency`
 * of `ShardManagerOptions`, the same fields with the same types).
 */
export interface PacingOptions {
  /** IDENTIFYs allowed per 5 s, for the default queue. */
  maxConcurrency?: number;
  /** The daily IDENTIFY budget from GET /gateway/bot. */
  sessionStartLimit?: SessionStartLimit;
}

/**
 * The pacing options of a manager built from GET /gateway/bot's session
 * start limit (what the `Client` does): the limit and its
 * `max_concurrency` when the manager's queue can take them (the default
 * one, or a given one with `updateSessionStartLimit`); none, with a
 * warning shown, when the given queue cannot, as it must then keep to them
 * itself.
 *
 * @param limit GET /gateway/bot's `session_start_limit`.
 * @param queue The `identifyQueue` option, if given.
 * @returns The options to add.
 */
export function pacingOptions(
  limit: SessionStartLimit,
  queue: IdentifyQueue | undefined,
): PacingOptions {
  if (queue === undefined || takesSessionStartLimit(queue)) {
    return { sessionStartLimit: limit, maxConcurrency: limit.max_concurrency };
  }
  visible.warn(
    "The identify queue has no updateSessionStartLimit method, so GET /gateway/bot's session start limit ({remaining} of {total} left) and max_concurrency {maxConcurrency} are not applied to it: it must keep to them itself (Discord resets the token of a bot that starts too many sessions)",
    {
      remaining: limit.remaining,
      total: limit.total,
      maxConcurrency: limit.max_concurrency,
    },
  );
  return {};
}

/**
 * The identify queue a manager's shards share: the given one, checked
 * against the pacing options (see {@linkcode assertQueueTakes}), or the
 * default one built from them.
 *
 * @param scheduler The manager's clock, for the default queue.
 * @param identifyQueue The `identifyQueue` option.
 * @param maxConcurrency The `maxConcurrency` option.
 * @param limit The `sessionStartLimit` option.
 * @returns The queue.
 * @throws {TypeError} When the limit is not an object, or the given queue
 * cannot do what the options ask.
 * @throws {RangeError} When the default queue refuses a malformed limit.
 */
export function managerQueue(
  scheduler: Scheduler,
  identifyQueue: IdentifyQueue | undefined,
  maxConcurrency: number | undefined,
  limit: SessionStartLimit | undefined,
): IdentifyQueue {
  // A falsy one (0, "", null) was read as "not set".
  assertObjectOption("shard manager", "sessionStartLimit", limit);
  if (identifyQueue !== undefined) {
    assertQueueTakes(identifyQueue, maxConcurrency, limit);
    return identifyQueue;
  }
  const queue = new MemoryIdentifyQueue({
    scheduler,
    maxConcurrency: maxConcurrency ?? 1,
  });
  if (limit !== undefined) queue.updateSessionStartLimit(limit);
  else assumeSessionStartLimit(queue);
  return queue;
}

/**
 * Give an in-memory identify queue that knows no session start limit
 * Discord's default daily budget (1,000 a day, counted from now; not with
 * a `maxConcurrency` over 1, large bot sharding's, whose budget is larger
 * and unknown), and say
 * so at info level: a normal setup (a `gatewayUrl` and a shard count) is
 * no fault to warn about, but the queue now holds shards back once 1,000
 * IDENTIFYs went out in a day (with the queue's own warning). A queue
 * with a budget (a limit given, or assumed at an earlier start) keeps it:
 * assumed again, each restart would refill it. Other queues keep to their
 * own budget (`RedisIdentifyQueue` assumes the same one itself, through
 * {@linkcode assumedSessionStartLimit}).
 *
 * @param queue The default queue, or the `Client`'s own.
 */
export function assumeSessionStartLimit(queue: IdentifyQueue): void {
  if (!(queue instanceof MemoryIdentifyQueue)) return;
  if (queue.remaining !== undefined) return;
  const assumed = assumedSessionStartLimit(queue.maxConcurrency);
  if (assumed === undefined) return;
  queue.updateSessionStartLimit(assumed);
  logger.info(
    "No session start limit is known (GET /gateway/bot was not asked), so the identify queue assumes Discord's default: {total} session starts per {hours} h from now for the shards of this queue, held back past it",
    { total: ASSUMED_LIMIT.total, hours: ASSUMED_LIMIT.reset_after / 3.6e6 },
  );
}

/**
 * Hand a session start limit to a given identify queue. A malformed limit
 * throws here as it would building the default queue; a queue that stores
 * it asynchronously (Redis) and fails is reported, as its shards may then
 * identify past the budget, unless the manager is closed by then: no
 * shard of it runs, and the failure is most likely the close's own (the
 * caller closed Redis after stopping). The write is not awaited, not even
 * by the manager's close: a frozen store would hold the close with it.
 *
 * @param queue A queue that passed {@linkcode assertQueueTakes}.
 * @param limit The limit.
 * @param closed Whether the manager is closed.
 */
export function handLimit(
  queue: IdentifyQueue,
  limit: SessionStartLimit,
  closed: () => boolean,
): void {
  if (!takesSessionStartLimit(queue)) return;
  const stored = queue.updateSessionStartLimit(limit);
  if (stored instanceof Promise) {
    stored.catch((error: unknown) =>
      closed()
        ? logger.debug(
          "The identify queue could not store the session start limit, after the manager closed: {error}",
          { error },
        )
        : visible.warn(
          "The identify queue could not store the session start limit from GET /gateway/bot, so it may let shards identify past it: {error}",
          { error },
        )
    );
  }
}

/**
 * Whether an identify queue can take a session start limit and its
 * `max_concurrency`: it has an `updateSessionStartLimit` method, as
 * `MemoryIdentifyQueue` and `RedisIdentifyQueue` do (the
 * {@linkcode IdentifyQueue} interface itself only asks for `acquire`).
 *
 * @param queue The queue.
 * @returns `true` when the manager can hand it the limit.
 */
function takesSessionStartLimit(
  queue: IdentifyQueue,
): queue is IdentifyQueue & {
  updateSessionStartLimit(limit: SessionStartLimit): unknown;
} {
  return typeof (queue as { updateSessionStartLimit?: unknown })
    .updateSessionStartLimit === "function";
}

/**
 * Check that a given identify queue can do what the pacing options ask:
 * before this check both were dropped without a word, so shards identified
 * with no budget left.
 *
 * @param queue The given queue.
 * @param maxConcurrency The `maxConcurrency` option.
 * @param limit The `sessionStartLimit` option.
 */
function assertQueueTakes(
  queue: IdentifyQueue,
  maxConcurrency: number | undefined,
  limit: SessionStartLimit | undefined,
): void {
  if (limit !== undefined) {
    // A TypeError, not a warning: the caller asked for a budget that
    // nothing would keep, and spending past it gets the token reset.
    if (!takesSessionStartLimit(queue)) {
      throw new TypeError(
        "Cannot create shard manager as 'sessionStartLimit' needs an 'identifyQueue' with an updateSessionStartLimit method (as MemoryIdentifyQueue and RedisIdentifyQueue have): give the limit to your queue yourself and leave the option out",
      );
    }
    return;
  }
  if (maxConcurrency === undefined) return;
  const own = (queue as { maxConcurrency?: unknown }).maxConcurrency;
  if (own !== maxConcurrency) {
    throw new TypeError(
      `Cannot create shard manager as 'maxConcurrency' only builds the default identify queue and the given 'identifyQueue' paces ${
        typeof own === "number" ? own : "its own number of"
      } buckets: build the queue with it, or pass 'sessionStartLimit' (its max_concurrency reaches a queue that takes it): current value 'maxConcurrency=${maxConcurrency}'`,
    );
  }
}
