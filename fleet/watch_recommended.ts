/**
 * {@linkcode watchRecommendedShards}: the opt-in periodic check of Discord's
 * recommended shard count, shared by {@linkcode ReshardingShards} and
 * `FleetShards`.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);

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
   * How often to ask, in ms.
   *
   * @default {3600000}
   */
  intervalMs?: number;
}

/** What the watcher needs from the shards it reshards. */
export interface ReshardTarget {
  /** The shard count events come from. */
  shardCount(): number;
  /** `true` while a reshard runs (or before start): nothing is asked. */
  busy(): boolean;
  /** Reshard to `count`, refusing when `sessionStartsLeft` cannot cover it. */
  reshard(count: number, sessionStartsLeft: number): Promise<unknown>;
}

/**
 * Every `intervalMs`, ask for the recommended shard count and reshard
 * `target` when it is above the current one (a refusal or a failure is
 * logged as a warning and asked again next time).
 *
 * @param scheduler The timers.
 * @param options How to ask, and how often.
 * @param target What to reshard.
 * @returns A function that stops watching.
 */
export function watchRecommendedShards(
  scheduler: Scheduler,
  options: WatchRecommendedOptions,
  target: ReshardTarget,
): () => void {
  const intervalMs = options.intervalMs ?? 3_600_000;
  let timer: TimerId | undefined;
  let stopped = false;
  const check = async (): Promise<void> => {
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
        logger.warn(
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
        await target.reshard(bot.shards, remaining);
      }
    } catch (error) {
      logger.warn("Resharding to the recommended count failed: {error}", {
        error,
      });
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
