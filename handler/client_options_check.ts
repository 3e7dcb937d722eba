/**
 * Checks a {@linkcode Client}'s options when it is created, so a wrong
 * number fails at once with a message naming the option instead of later,
 * deep inside `start()`. Internal to the package.
 *
 * @module
 */
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";
import {
  assertIntegerOption,
  assertTimeouts,
  assertTokenOption,
} from "../gateway/shard_options.ts";
import { assertBuildableShardCount } from "../gateway/shard_manager.ts";
import { isValidIntents } from "../types/intents.ts";

/** The option fields {@linkcode assertClientOptions} looks at. */
export interface CheckedClientOptions {
  /** The bot token. */
  token: unknown;
  /** The gateway intents. */
  intents: unknown;
  /** A shard count or `"recommended"`. */
  shards?: unknown;
  /** A list of shard IDs, or a function. */
  shardIds?: unknown;
  /** 50 to 250. */
  largeThreshold?: unknown;
  /** Milliseconds between session saves. */
  sessionSaveInterval?: unknown;
  /** Handshake timeouts. */
  timeouts?: unknown;
  /** The gateway URL. */
  gatewayUrl?: unknown;
  /** Randomness for jitter. */
  random?: unknown;
  /** The cap on one inflated gateway message. */
  maxInflatedBytes?: unknown;
}

/**
 * Check the options of a `Client`.
 *
 * @param options The options.
 * @throws {TypeError} When the token is missing or an option has the wrong
 * type.
 * @throws {RangeError} When a number is out of range (`NaN`, negative, 0 or
 * fractional where an integer count or duration is needed), or `shards`
 * is above 65,536 without `shardIds` (every shard would be built in this
 * process).
 */
export function assertClientOptions(options: CheckedClientOptions): void {
  assertTokenOption("client", options?.token);
  if (typeof options.intents !== "number" || !isValidIntents(options.intents)) {
    throw new RangeError(
      `Cannot create client as 'intents' must be an integer made of documented intent bits (build it from GatewayIntent): current value 'intents=${options.intents}'`,
    );
  }
  const { shards, shardIds } = options;
  if (shards !== undefined && shards !== "recommended") {
    assertIntegerOption("client", "shards", shards, 1);
    // Caught here rather than when start() builds them.
    assertBuildableShardCount("client", "shards", shards as number, shardIds);
  }
  if (Array.isArray(shardIds)) {
    for (const id of shardIds) {
      assertIntegerOption("client", "shardIds[]", id, 0);
    }
  } else if (shardIds !== undefined && typeof shardIds !== "function") {
    throw new TypeError(
      `Cannot create client as 'shardIds' must be an array or a function: current value 'shardIds=${typeof shardIds}'`,
    );
  }
  if (options.largeThreshold !== undefined) {
    assertIntegerOption(
      "client",
      "largeThreshold",
      options.largeThreshold,
      50,
      250,
    );
  }
  if (options.sessionSaveInterval !== undefined) {
    assertIntegerOption(
      "client",
      "sessionSaveInterval",
      options.sessionSaveInterval,
      1,
      MAX_TIMER_DELAY,
    );
  }
  if (options.maxInflatedBytes !== undefined) {
    assertIntegerOption(
      "client",
      "maxInflatedBytes",
      options.maxInflatedBytes,
      1,
    );
  }
  assertTimeouts("client", options.timeouts);
  if (options.gatewayUrl !== undefined) {
    let protocol = "";
    try {
      protocol = new URL(String(options.gatewayUrl)).protocol;
    } catch {
      // reported below
    }
    if (
      typeof options.gatewayUrl !== "string" ||
      (protocol !== "ws:" && protocol !== "wss:")
    ) {
      throw new TypeError(
        `Cannot create client as 'gatewayUrl' must be a ws: or wss: URL: current value 'gatewayUrl=${options.gatewayUrl}'`,
      );
    }
  }
  if (options.random !== undefined && typeof options.random !== "function") {
    throw new TypeError(
      `Cannot create client as 'random' must be a function: current value 'random=${typeof options
        .random}'`,
    );
  }
}
