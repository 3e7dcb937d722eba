/**
 * Type checks of `ShardManager`'s options (`shard_manager.ts`) that its
 * constructor makes before it reads them: without them a wrong value failed
 * deep inside with an internal message ("ids is not iterable",
 * "shardOptions is not a function", "scheduler.now is not a function").
 * Other ranges are checked in the constructor, and the shared shard
 * options by each `Shard`.
 *
 * Private to the package.
 *
 * @module
 */
import {
  assertFunctionOption,
  assertOptionsObject,
  assertSchedulerOption,
  shownQuoted,
} from "../base/option_checks.ts";
import { assertTimeouts } from "./shard_options.ts";

/**
 * Check the types of the manager's options that it uses itself before
 * any shard is built.
 *
 * @param options The constructor's argument.
 * @throws {TypeError} When `options` is not given, `scheduler` is not a
 * Scheduler, `shardOptions` is not a function, `shardIds` is not an
 * iterable, or `timeouts` is malformed.
 * @throws {RangeError} When `shardCount` is not a positive integer.
 */
export function assertManagerOptions(
  options: unknown,
): asserts options is { shardCount: number } {
  // The key check lets undefined pass.
  assertOptionsObject("create shard manager", options);
  const { shardCount, scheduler, shardOptions, shardIds, timeouts } =
    options as Record<string, unknown>;
  if (!Number.isSafeInteger(shardCount) || (shardCount as number) < 1) {
    throw new RangeError(
      `Cannot create shard manager as 'shardCount' must be a positive integer: current value 'shardCount=${
        shownQuoted(shardCount)
      }'`,
    );
  }
  assertSchedulerOption("shard manager", scheduler);
  assertFunctionOption("shard manager", "shardOptions", shardOptions);
  if (
    shardIds !== undefined &&
    typeof (shardIds as { [Symbol.iterator]?: unknown } | null)?.[
        Symbol.iterator
      ] !== "function"
  ) {
    throw new TypeError(
      `Cannot create shard manager as 'shardIds' must be an iterable of shard ids: current value 'shardIds=${
        shownQuoted(shardIds)
      }'`,
    );
  }
  assertTimeouts("shard manager", timeouts);
}
