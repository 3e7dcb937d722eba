/**
 * Checks a {@linkcode Client}'s options when it is created, and the
 * handler `start()` is given, so a wrong value (from JavaScript or through
 * `as any`) fails at once with a message naming the option instead of
 * later, deep inside `start()`. Internal to the package.
 *
 * @module
 */
import { closestName } from "../base/closest_name.ts";
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";
import {
  assertIntegerOption,
  assertTimeouts,
  assertTokenOption,
} from "../gateway/shard_options.ts";
import { assertBuildableShardCount } from "../gateway/shard_manager.ts";
import { isValidIntents } from "../types/intents.ts";
import { isObject, isRecord } from "../gateway/payload_guards.ts";
import { GATEWAY_EVENT_NAMES, isGatewayEventName } from "../types/events.ts";
import { Handler } from "./handler.ts";

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
  /** The signal that stops the client. */
  signal?: unknown;
  /** The in-memory cache's options. */
  cache?: unknown;
  /** `"auto"`, `"all"` or a list of event names. */
  events?: unknown;
  /** The REST client. */
  rest?: unknown;
  /** The REST API base URL. */
  restBaseUrl?: unknown;
  /** The `fetch` for the REST client. */
  fetch?: unknown;
  /** The clock and timers. */
  scheduler?: unknown;
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
    if (!isUrl(options.gatewayUrl, ["ws:", "wss:"])) {
      throw new TypeError(
        `Cannot create client as 'gatewayUrl' must be a ws: or wss: URL: current value 'gatewayUrl=${options.gatewayUrl}'`,
      );
    }
  }
  for (const name of ["random", "fetch"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw new TypeError(
        `Cannot create client as '${name}' must be a function: current value '${name}=${typeof options[
          name
        ]}'`,
      );
    }
  }
  assertObjectOptions(options);
  assertEventsOption(options.events);
}

/** `signal`, `cache`, `rest`, `restBaseUrl` and `scheduler`. */
function assertObjectOptions(options: CheckedClientOptions): void {
  const { signal, cache, rest, restBaseUrl, scheduler } = options;
  if (signal !== undefined && !isSignal(signal)) {
    // A common slip: the AbortController instead of its signal.
    const hint = isObject(signal) && isSignal(signal.signal)
      ? " (pass the controller's .signal)"
      : "";
    throw new TypeError(
      `Cannot create client as 'signal' must be an AbortSignal${hint}: current value 'signal=${
        shown(signal)
      }'`,
    );
  }
  if (cache !== undefined) {
    // `cache: false` kept everything, `cache: null` crashed.
    if (!isRecord(cache)) {
      throw new TypeError(
        `Cannot create client as 'cache' must be an object (\`cache: {}\` keeps every resource; leave it out for no cache): current value 'cache=${
          shown(cache)
        }'`,
      );
    }
    // The cache checks the names and bounds inside these itself.
    if (cache.resources !== undefined && !Array.isArray(cache.resources)) {
      throw new TypeError(
        `Cannot create client as 'cache.resources' must be a list of cache resource names: current value 'cache.resources=${
          shown(cache.resources)
        }'`,
      );
    }
    const { messages } = cache;
    if (
      messages !== undefined && !isRecord(messages)
    ) {
      throw new TypeError(
        `Cannot create client as 'cache.messages' must be an object: current value 'cache.messages=${
          shown(messages)
        }'`,
      );
    }
  }
  if (rest !== undefined && !isObject(rest)) {
    // typeof only: a token put here by mistake is never shown.
    throw new TypeError(
      `Cannot create client as 'rest' must be a RestClient: current value 'rest=${typeof rest}'`,
    );
  }
  if (restBaseUrl !== undefined && !isUrl(restBaseUrl, ["http:", "https:"])) {
    throw new TypeError(
      `Cannot create client as 'restBaseUrl' must be an http: or https: URL: current value 'restBaseUrl=${
        shown(restBaseUrl)
      }'`,
    );
  }
  if (
    scheduler !== undefined &&
    (!isObject(scheduler) ||
      ["now", "setTimeout", "clearTimeout"].some((name) =>
        typeof scheduler[name] !== "function"
      ))
  ) {
    throw new TypeError(
      `Cannot create client as 'scheduler' must be a Scheduler (now, setTimeout and clearTimeout functions): current value 'scheduler=${
        shown(scheduler)
      }'`,
    );
  }
}

/** `"auto"`, `"all"` or a list of gateway event names. */
function assertEventsOption(events: unknown): void {
  if (!Array.isArray(events)) {
    // A word other than these was parsed as a set of its letters.
    if (events === undefined || events === "auto" || events === "all") return;
    throw new TypeError(
      `Cannot create client as 'events' must be "auto", "all" or a list of gateway event names: current value 'events=${
        shown(events)
      }'`,
    );
  }
  for (const event of events) {
    if (isGatewayEventName(event)) continue;
    const nearest = typeof event === "string"
      ? closestName(event, GATEWAY_EVENT_NAMES)
      : undefined;
    throw new TypeError(
      `Cannot create client as 'events[]' must be a gateway event name${
        nearest ? ` (did you mean '${nearest}'?)` : ""
      }: current value 'events[]=${shown(event)}'`,
    );
  }
}

/** The methods every handler has: those of {@linkcode Handler} itself. */
const HANDLER_METHODS = Object.getOwnPropertyNames(Handler.prototype).filter(
  (name) => name !== "constructor",
);

/**
 * Why `Client.start(handler)` must fail before it begins, if it must: a
 * handler that can never work (a class instead of an instance, a
 * non-object, an object lacking a Handler method), or a run already under
 * way. Any object with every Handler method is taken, so a Handler of
 * another copy of the library works too.
 *
 * @param handler What `start()` was given.
 * @param run The client's current run, if any.
 * @returns The error to reject with, or `undefined` to start.
 */
export function startRefusal(
  handler: unknown,
  run: { readonly stopping: unknown } | undefined,
): Error | undefined {
  if (typeof handler === "function") {
    const hint = isClass(handler)
      ? `, not a class (pass an instance: new ${handler.name || "X"}())`
      : "";
    return new TypeError(
      `Cannot start client as 'handler' must be a Handler instance${hint}: current value 'handler=${
        shown(handler)
      }'`,
    );
  }
  if (typeof handler === "string") {
    // As discord.js's login(token): the string is never shown.
    return new TypeError(
      "Cannot start client as 'handler' must be a Handler instance (the token goes in the Client's options): current value 'handler=string'",
    );
  }
  if (!isObject(handler)) {
    return new TypeError(
      `Cannot start client as 'handler' must be a Handler instance: current value 'handler=${
        shown(handler)
      }'`,
    );
  }
  const missing = HANDLER_METHODS.find((name) =>
    typeof handler[name] !== "function"
  );
  if (missing !== undefined) {
    return new TypeError(
      `Cannot start client as 'handler' must be a Handler instance (class Bot extends Handler, then start(new Bot())): current value 'handler=${
        shown(handler)
      } without ${missing}()'`,
    );
  }
  if (run === undefined) return undefined;
  return new Error(
    `Cannot start client as it is already ${
      run.stopping ? "stopping" : "started or starting"
    }: call stop() and await it first`,
  );
}

/** Whether `fn` is a class (its source starts `class`), not a function. */
// deno-lint-ignore ban-types -- any function's source is read
function isClass(fn: Function): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/** Whether `value` can serve as an `AbortSignal` (any realm's). */
function isSignal(value: unknown): boolean {
  return isObject(value) && typeof value.aborted === "boolean" &&
    typeof value.addEventListener === "function";
}

/** Whether `value` is a URL string with one of `protocols`. */
function isUrl(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== "string") return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A wrong value as a message shows it: short, and never an object dump. */
function shown(value: unknown): string {
  if (typeof value === "function") {
    const kind = isClass(value) ? "class" : "function";
    return `${kind} ${value.name || "anonymous"}`;
  }
  if (Array.isArray(value)) return "array";
  if (isObject(value)) {
    const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object"
      ? name
      : "object";
  }
  return String(value);
}
