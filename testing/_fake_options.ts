/**
 * The checks of the test kit's option values, made when a fake is created:
 * a wrong value otherwise surfaced later as the fake's own crash (reported
 * to the bot as a Discord 405), as rate limiting silently off, as a 401, or
 * as a heap exhausted building guilds. The unknown-key checks are
 * {@linkcode checkOptionKeys}'s. Private to the test kit.
 *
 * @module
 */
import { assertTokenOption } from "../base/bot_token.ts";
import {
  assertBooleanOption,
  assertNumberTypedIntegerOption,
  assertObjectOption,
  assertSchedulerOption,
  assertUrlOption,
  numberOptionError,
  shown,
  shownQuoted,
} from "../base/option_checks.ts";
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";
import type { FakeGatewayOptions } from "./fake_gateway_types.ts";
import { isObject, isSnowflake } from "./_gateway_checks.ts";
import { MAX_MEMBERS_PER_GUILD } from "./_gateway_fixtures.ts";

const REST = "FakeRest";
const GATEWAY = "FakeGateway";

/**
 * Check the values of `FakeRest`'s options (their keys are checked
 * already). Taken as any object, not `FakeRestOptions`: fake_rest.ts imports
 * this file.
 *
 * @param given The fake's options.
 * @throws {TypeError} When a value is of the wrong type.
 * @throws {RangeError} When a number is out of range.
 */
export function checkFakeRestOptions(given: object): void {
  const options = given as Readonly<Record<string, unknown>>;
  if (options.token !== undefined) assertTokenOption(REST, options.token);
  assertSchedulerOption(REST, options.scheduler);
  assertObjectOption(REST, "botUser", options.botUser);
  const { applicationId } = options;
  if (applicationId !== undefined && !isSnowflake(applicationId)) {
    throw new TypeError(
      `Cannot create ${REST} as 'applicationId' must be a snowflake: current value 'applicationId=${
        shownQuoted(applicationId)
      }'`,
    );
  }
  // 0 is a bucket (or the global limit) that refuses every request: a
  // test may want that; -1 or NaN is none.
  if (options.limit !== undefined) {
    assertNumberTypedIntegerOption(REST, "limit", options.limit, 0);
  }
  assertNumber(
    REST,
    "resetAfter",
    options.resetAfter,
    `a number of seconds above 0, at most ${MAX_TIMER_DELAY / 1000}`,
    // Clients wait it out on a timer.
    (n) => n > 0 && n <= MAX_TIMER_DELAY / 1000,
  );
  assertNumber(
    REST,
    "globalLimit",
    options.globalLimit,
    "an integer >= 0, or Infinity",
    (n) => n === Infinity || (Number.isSafeInteger(n) && n >= 0),
  );
  assertNumber(
    REST,
    "latency",
    options.latency,
    `a number of milliseconds from 0 to ${MAX_TIMER_DELAY}`,
    (n) => n >= 0 && n <= MAX_TIMER_DELAY,
  );
  assertUrlOption(REST, "gatewayUrl", options.gatewayUrl, ["ws:", "wss:"]);
  if (options.shards !== undefined) {
    assertNumberTypedIntegerOption(REST, "shards", options.shards, 1);
  }
  const { sessionStartLimit } = options;
  if (
    sessionStartLimit !== undefined &&
    typeof sessionStartLimit !== "function" && !isObject(sessionStartLimit)
  ) {
    throw new TypeError(
      `Cannot create ${REST} as 'sessionStartLimit' must be an object or a function: current value 'sessionStartLimit=${
        shownQuoted(sessionStartLimit)
      }'`,
    );
  }
  for (const name of ["channels", "interactions"] as const) {
    const value: unknown = options[name];
    if (value === undefined || value === "any" || value === "known") continue;
    // Anything else read as "any": a test of "known" passed without it.
    throw new TypeError(
      `Cannot create ${REST} as '${name}' must be "any" or "known": current value '${name}=${
        shownQuoted(value)
      }'`,
    );
  }
}

/**
 * A number option of the fake gateway: its name, the rule its messages
 * state, and the largest value taken.
 */
type GatewayNumber = readonly [name: string, rule: string, max: number];

const POSITIVE = "a positive integer";
const NON_NEGATIVE = "a non-negative integer";
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The gateway's number options. Those in milliseconds that the fake sets
 * a timer for stop at {@linkcode MAX_TIMER_DELAY}: a longer delay fires at
 * once. The range below the maximum is `resolveConfig`'s to check.
 */
const GATEWAY_NUMBERS: readonly GatewayNumber[] = [
  ["heartbeatInterval", POSITIVE, MAX_TIMER_DELAY],
  ["heartbeatTolerance", NON_NEGATIVE, MAX_TIMER_DELAY],
  // Its range is the close-code check's, with that message.
  ["heartbeatTimeoutCode", "a close code", Infinity],
  ["maxConcurrency", POSITIVE, SAFE],
  ["sessionTtl", NON_NEGATIVE, MAX_TIMER_DELAY],
  ["replayBufferSize", NON_NEGATIVE, SAFE],
  ["recordedFrames", NON_NEGATIVE, SAFE],
  // Each generated member is built on every op 8 that lists them.
  ["membersPerGuild", POSITIVE, MAX_MEMBERS_PER_GUILD],
  ["maxGuildsPerShard", POSITIVE, SAFE],
  ["shardCountMultiple", POSITIVE, SAFE],
  ["rateLimit.limit", POSITIVE, SAFE],
  ["rateLimit.window", POSITIVE, SAFE],
  ["reconnectCloseDelay", NON_NEGATIVE, MAX_TIMER_DELAY],
  ["zlibFrameParts", POSITIVE, SAFE],
  ["sessionStartLimit.total", NON_NEGATIVE, SAFE],
  ["sessionStartLimit.remaining", NON_NEGATIVE, SAFE],
  ["sessionStartLimit.resetAfter", NON_NEGATIVE, SAFE],
];

/**
 * Check the types of {@linkcode FakeGatewayOptions}' values and the upper
 * bounds of its numbers (its keys are checked already; the lower bounds
 * when its settings are resolved). `null` is refused like any other wrong
 * value, not read as "unset".
 *
 * @param options The fake's options.
 * @throws {TypeError} When a value is of the wrong type.
 * @throws {RangeError} When a number is above its maximum.
 */
export function checkFakeGatewayOptions(options: FakeGatewayOptions): void {
  assertSchedulerOption(GATEWAY, options.scheduler);
  for (const name of ["url", "resumeUrl"] as const) {
    const value: unknown = options[name];
    if (value === undefined || typeof value === "string") continue;
    throw new TypeError(
      `Cannot create ${GATEWAY} as '${name}' must be a URL: current value '${name}=${
        shown(value)
      }'`,
    );
  }
  const { guilds } = options as { guilds?: unknown };
  if (
    guilds !== undefined && typeof guilds !== "number" && !Array.isArray(guilds)
  ) {
    throw new TypeError(
      `Cannot create ${GATEWAY} as 'guilds' must be a count or an array of guild IDs: current value 'guilds=${
        shownQuoted(guilds)
      }'`,
    );
  }
  // null read as unset (the default token), a string as one token per
  // character.
  if (!Array.isArray(options.tokens)) {
    assertObjectOption(
      GATEWAY,
      "tokens",
      options.tokens,
      "an array of tokens or an object of per-token settings",
    );
  }
  assertBooleanOption(
    `create ${GATEWAY}`,
    "filterIntents",
    options.filterIntents,
  );
  for (const [name, rule, max] of GATEWAY_NUMBERS) {
    const value = valueAt(options, name);
    if (value === undefined) continue;
    if (typeof value !== "number") {
      throw numberOptionError(GATEWAY, name, rule, value);
    }
    if (Number.isInteger(value) && value > max) {
      throw numberOptionError(
        GATEWAY,
        name,
        `${rule} of at most ${max}`,
        value,
      );
    }
  }
}

/** The value at a dotted path (`"rateLimit.limit"`) of the options. */
function valueAt(options: object, path: string): unknown {
  let value: unknown = options;
  for (const key of path.split(".")) {
    // A nested option that is not an object was refused with its keys.
    if (!isObject(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** A number option that passes `ok`; `undefined` passes. */
function assertNumber(
  what: string,
  name: string,
  value: unknown,
  rule: string,
  ok: (value: number) => boolean,
): void {
  if (value === undefined) return;
  if (typeof value !== "number" || Number.isNaN(value) || !ok(value)) {
    throw numberOptionError(what, name, rule, value);
  }
}
