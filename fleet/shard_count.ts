// The one check of a shard count a fleet is given (at construction, or to
// reshard to), and of a reshard's session start budget: shared by the
// in-process and the Redis-backed fleets.
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";

/**
 * Throw unless `shardCount` is an integer from 1 to 65,536, the most Discord
 * recommends (`MAX_RECOMMENDED_SHARDS`). Past it every lease tick walked
 * the whole count in one Redis script: 3,000,000 shards blocked Redis for
 * every client for 26 s, and 1e9 never finished.
 *
 * @param shardCount The count.
 * @param what What the message says cannot be done.
 * @throws {RangeError} When it is none.
 */
export function checkShardCount(
  shardCount: number,
  what = "run shards",
): void {
  if (
    !Number.isSafeInteger(shardCount) || shardCount < 1 ||
    shardCount > MAX_RECOMMENDED_SHARDS
  ) {
    throw new RangeError(
      `Cannot ${what} as 'shardCount' must be an integer from 1 to ${MAX_RECOMMENDED_SHARDS}: current value 'shardCount=${
        typeof shardCount === "string"
          ? JSON.stringify(shardCount)
          : String(shardCount)
      }'`,
    );
  }
}

/**
 * Throw unless `sessionStartsLeft` (a reshard's budget) is `undefined` or
 * an integer of at least 0: `NaN` (or a string) is never below the count,
 * so the budget check let a reshard ask for IDENTIFYs the day may not have.
 *
 * @param sessionStartsLeft The budget, when given.
 * @param shardCount The count the reshard moves to, for the message.
 * @throws {RangeError} When it is given and is none.
 */
export function checkSessionStartsLeft(
  sessionStartsLeft: number | undefined,
  shardCount: number,
): void {
  if (
    sessionStartsLeft === undefined ||
    (Number.isSafeInteger(sessionStartsLeft) && sessionStartsLeft >= 0)
  ) return;
  throw new RangeError(
    `Cannot reshard to ${shardCount} shards as 'sessionStartsLeft' must be an integer >= 0 (session_start_limit.remaining): current value 'sessionStartsLeft=${
      typeof sessionStartsLeft === "string"
        ? JSON.stringify(sessionStartsLeft)
        : String(sessionStartsLeft)
    }'`,
  );
}
