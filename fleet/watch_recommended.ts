/**
 * {@linkcode watchRecommendedShards}: the opt-in periodic check of Discord's
 * recommended shard count, shared by {@linkcode ReshardingShards} and
 * `FleetShards`.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { getLogger } from "@logtape/logtape";
import { FailureStreak } from "../base/failure_streak.ts";
import {
  MAX_TIMER_DELAY,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { assertIntegerOption } from "../base/option_checks.ts";
import { isRecord } from "../base/is_record.ts";
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";
import { ReshardError } from "./reshard_error.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);

/** The default of {@linkcode WatchRecommendedOptions.intervalMs}: an hour. */
export const DEFAULT_WATCH_INTERVAL_MS = 3_600_000;

/**
 * The shortest {@linkcode WatchRecommendedOptions.intervalMs}: a minute.
 * Discord's recommendation moves with the guild count (about a shard per
 * 1,000 guilds), so hourly is plenty; any number of processes may watch, and
 * each asks `GET /gateway/bot` once per interval: `0` or `NaN` asked it
 * about 460 times a second.
 */
export const MIN_WATCH_INTERVAL_MS = 60_000;

/** Who the option messages say is being created. */
const WHAT = "recommended shard count watch";

/** What {@linkcode ReshardingShards.watchRecommended} asks for. */
export interface RecommendedShards {
  /** The shard count Discord recommends (`GET /gateway/bot` `shards`). */
  shards: number;
  /** The day's budget (`session_start_limit`). */
  session_start_limit: { remaining: number };
}

/** Options for {@linkcode ReshardingShards.watchRecommended}. */
export interface WatchRecommendedOptions {
  /** Ask Discord, e.g. `() => rest.getGatewayBot()`. */
  fetch: () => Promise<RecommendedShards>;
  /**
   * How often to ask, in ms: an integer from 60,000 (a minute: any number
   * of processes may watch, each asking `GET /gateway/bot` once per
   * interval) to 2^31 - 1 (a timer's longest wait).
   *
   * @default {3600000}
   */
  intervalMs?: number;
}

/** What the watcher needs from the shards it reshards. */
export interface ReshardTarget {
  /** The shard count events come from. */
  shardCount(): number;
  /**
   * `true` while a reshard runs, until its old set is closed (or before
   * start): the recommendation is not acted on.
   */
  busy(): boolean;
  /** Reshard to `count`, refusing when `sessionStartsLeft` cannot cover it. */
  reshard(count: number, sessionStartsLeft: number): Promise<unknown>;
}

/**
 * Every `intervalMs`, ask for the recommended shard count and reshard
 * `target` when it is above the current one (a reshard to that count
 * already running, another watching process having asked first, is no
 * failure; a refusal or a failure is logged as a warning and asked again next time: on stderr without setup
 * the first time, and when its reason changes, as is the first check that
 * works after).
 *
 * @param scheduler The timers.
 * @param options How to ask, and how often.
 * @param target What to reshard.
 * @returns A function that stops watching.
 * @throws {TypeError} When `options` is not an object or `fetch` is not a
 * function.
 * @throws {RangeError} When `intervalMs` is not an integer from
 * {@linkcode MIN_WATCH_INTERVAL_MS} to 2^31 - 1.
 */
export function watchRecommendedShards(
  scheduler: Scheduler,
  options: WatchRecommendedOptions,
  target: ReshardTarget,
): () => void {
  assertWatchOptions(options);
  const intervalMs = options.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  let timer: TimerId | undefined;
  let stopped = false;
  // A watch that keeps failing never reshards: Discord's first sign is a
  // 4011 close once the count is too low. Shown without setup.
  const said = new FailureStreak(["disruption", "fleet", "reshard"]);
  const check = async (): Promise<void> => {
    let asked: number | undefined;
    try {
      const bot = await options.fetch();
      if (stopped || target.busy()) return;
      const remaining = bot?.session_start_limit?.remaining;
      if (
        !Number.isSafeInteger(bot?.shards) || bot.shards < 1 ||
        bot.shards > MAX_RECOMMENDED_SHARDS ||
        !Number.isSafeInteger(remaining) || remaining < 0
      ) {
        // The answer comes from the network: 1e9 shards would be built
        // before anything failed, and a non-number budget never refuses.
        said.failed(
          "invalid answer",
          "warn",
          "Ignoring a recommended shard count that is not an integer from 1 to {max} with a non-negative integer budget: shards={shards}, remaining={remaining}",
          { max: MAX_RECOMMENDED_SHARDS, shards: bot?.shards, remaining },
        );
        return;
      }
      const from = target.shardCount();
      if (bot.shards > from) {
        logger.info("Discord recommends {to} shards (running {from})", {
          from,
          to: bot.shards,
        });
        asked = bot.shards;
        await target.reshard(bot.shards, remaining);
      }
      said.worked("Checking the recommended shard count works again");
    } catch (error) {
      if (asked !== undefined && runningTo(error) === asked) {
        // Another process watching asked first (any number may watch):
        // the count is on its way, which is what this check wanted.
        logger.info("A reshard to {to} shards is already running", {
          to: asked,
        });
        said.worked("Checking the recommended shard count works again");
        return;
      }
      said.failed(
        reasonOf(error),
        "warn",
        "Resharding to the recommended count failed (asked again in {ms} ms): {error}",
        { ms: intervalMs, error },
      );
    }
  };
  const schedule = (): void => {
    timer = scheduler.setTimeout(() => {
      timer = undefined;
      void check().finally(() => {
        if (!stopped) schedule();
      });
    }, intervalMs);
  };
  schedule();
  return () => {
    stopped = true;
    if (timer !== undefined) scheduler.clearTimeout(timer);
  };
}

/**
 * The count of the reshard already running that refused `error`, if that is
 * its reason.
 */
function runningTo(error: unknown): number | undefined {
  return error instanceof ReshardError ? error.runningTo : undefined;
}

/**
 * What a failure is about, for telling a new reason from a repeat: its
 * class and message, numbers left out (a budget refusal names the session
 * starts left, which change every check).
 */
function reasonOf(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
  } catch {
    // A value that throws when read (an object without a prototype, a
    // hostile Proxy): its throw escaped the check and ended the process.
    text = errorText(error);
  }
  return text.replace(/\d+/g, "#");
}

/** Throw unless `options` are what {@linkcode watchRecommendedShards} takes. */
function assertWatchOptions(options: WatchRecommendedOptions): void {
  if (!isRecord(options)) {
    throw new TypeError(
      `Cannot create ${WHAT} as its options must be an object: current value '${
        options === null ? "null" : typeof options
      }'`,
    );
  }
  if (typeof options.fetch !== "function") {
    throw new TypeError(
      `Cannot create ${WHAT} as 'fetch' must be a function (e.g. () => rest.getGatewayBot()): current value 'fetch=${typeof options
        .fetch}'`,
    );
  }
  if (options.intervalMs === undefined) return;
  assertIntegerOption(
    WHAT,
    "intervalMs",
    options.intervalMs,
    MIN_WATCH_INTERVAL_MS,
    MAX_TIMER_DELAY,
  );
}
