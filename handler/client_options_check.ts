/**
 * Checks a {@linkcode Client}'s options when it is created, and the
 * handler `start()` is given, so a wrong value (from JavaScript or through
 * `as any`) fails at once with a message naming the option instead of
 * later, deep inside `start()`. Internal to the package.
 *
 * @module
 */
import { closestName } from "../base/closest_name.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import {
  assertBaseUrlOption,
  assertFunctionOption,
  assertNumberTypedIntegerOption,
  assertSchedulerOption,
  assertSignalOption,
  isClass,
  numberOptionError,
  shown,
  shownQuoted,
} from "../base/option_checks.ts";
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";
import { assertCacheOptionsShape } from "../cache/options.ts";
import { assertTokenOption } from "../base/bot_token.ts";
import {
  assertGatewayUrl,
  assertTimeouts,
  DEFAULT_TIMEOUTS,
} from "../gateway/shard_options.ts";
import { assertBuildableShardCount } from "../gateway/shard_manager.ts";
import { isValidIntents } from "../types/intents.ts";
import { isObject } from "../gateway/payload_guards.ts";
import { isRecord } from "../base/is_record.ts";
import { updatePresenceCommand } from "../gateway/gateway_commands.ts";
import { TRANSPORT_COMPRESSIONS } from "../gateway/inflater.ts";
import { GATEWAY_EVENT_NAMES, isGatewayEventName } from "../types/events.ts";
import type { UpdatePresenceData } from "../types/gateway_payloads.ts";
import type { ClientOptions } from "./client_options.ts";
import { Handler } from "./handler.ts";

/**
 * Every key of {@linkcode ClientOptions}, its own and those it takes from
 * `ShardManagerOptions`: the compiler keeps the list complete and exact.
 */
const CLIENT_OPTION_KEYS = optionKeys(
  {
    token: true,
    intents: true,
    shards: true,
    shardIds: true,
    gatewayUrl: true,
    rest: true,
    restBaseUrl: true,
    fetch: true,
    events: true,
    signal: true,
    cache: true,
    compress: true,
    presence: true,
    largeThreshold: true,
    shardOptions: true,
    identifyQueue: true,
    sessionStore: true,
    sessionSaveInterval: true,
    transport: true,
    scheduler: true,
    random: true,
    timeouts: true,
    maxInflatedBytes: true,
  } satisfies Record<keyof ClientOptions, true>,
);

/** What to use instead of options other classes take and the Client does not. */
const CLIENT_KEY_HINTS: Readonly<Record<string, string>> = {
  shardCount: "the Client's shard count is 'shards'",
  maxConcurrency:
    "the Client reads it from GET /gateway/bot (or give an 'identifyQueue')",
  sessionStartLimit:
    "the Client reads it from GET /gateway/bot (or give an 'identifyQueue')",
};

/** Every key of `timeouts` (`ShardTimeouts`). */
const TIMEOUT_KEYS = Object.keys(DEFAULT_TIMEOUTS);

/** Every key of `presence` (`UpdatePresenceData`); its values the shards check. */
const PRESENCE_KEYS = optionKeys(
  { since: true, activities: true, status: true, afk: true } satisfies Record<
    keyof UpdatePresenceData,
    true
  >,
);

/**
 * The option fields {@linkcode assertClientOptions} looks at (any other key
 * is refused).
 */
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
  /** The gateway transport compression. */
  compress?: unknown;
  /** The presence to identify with. */
  presence?: unknown;
  /** Per-shard options: a function of the shard ID. */
  shardOptions?: unknown;
  /** Paces IDENTIFY. */
  identifyQueue?: unknown;
  /** Where sessions are saved. */
  sessionStore?: unknown;
  /** Makes the sockets. */
  transport?: unknown;
}

/**
 * The methods a given object option must have, by option: what the shards
 * and the Client call on it.
 */
const OBJECT_METHODS: Readonly<Record<string, readonly string[]>> = {
  identifyQueue: ["acquire"],
  sessionStore: ["load", "loadAll", "save", "delete"],
  rest: ["getGatewayBot", "request"],
};

/** What each of {@linkcode OBJECT_METHODS}'s options is, for messages. */
const OBJECT_KINDS: Readonly<Record<string, string>> = {
  identifyQueue: "an IdentifyQueue",
  sessionStore: "a SessionStore",
  rest: "a RestClient",
};

/**
 * Check the options of a `Client`.
 *
 * @param options The options.
 * @throws {TypeError} When `options` is not an object (a token passed
 * alone), the token is missing, an option has the wrong
 * type (a string for a number: the message quotes it; a function option
 * not a function; `rest`, `identifyQueue` or `sessionStore` without the
 * methods called on it; a `presence` the gateway refuses), or a key is not one of the options (at the top, in `timeouts`,
 * `presence`, `cache` or `cache.messages`; the message names the nearest
 * option).
 * @throws {RangeError} When a number is out of range (`NaN`, negative, 0 or
 * fractional where an integer count or duration is needed), `compress` is
 * a word other than its three, `shards`
 * is above 65,536 without `shardIds` (every shard would be built in this
 * process), or `shardIds` is empty, repeats an ID or (with a numeric
 * `shards`) lists one not below `shards`.
 */
export function assertClientOptions(options: CheckedClientOptions): void {
  assertOptionsObject(options);
  assertOptionKeys(options);
  assertTokenOption("client", options?.token);
  const { intents } = options;
  if (typeof intents !== "number" || !isValidIntents(intents)) {
    // A string is quoted: 'intents=513' would look right.
    const Refusal = typeof intents === "number" ? RangeError : TypeError;
    throw new Refusal(
      `Cannot create client as 'intents' must be an integer made of documented intent bits (build it from GatewayIntent): current value 'intents=${
        shownQuoted(intents)
      }'`,
    );
  }
  const { shards, shardIds } = options;
  if (shards !== undefined && shards !== "recommended") {
    // Both forms named: a refused "auto" was told only of integers, hiding
    // the word the option takes.
    if (!Number.isSafeInteger(shards) || (shards as number) < 1) {
      throw numberOptionError(
        "client",
        "shards",
        `an integer >= 1 or "recommended" (GET /gateway/bot's count)`,
        shards,
      );
    }
    // Caught here rather than when start() builds them.
    assertBuildableShardCount("client", "shards", shards as number, shardIds);
  }
  if (Array.isArray(shardIds)) {
    assertShardIds(shardIds, shards);
  } else if (shardIds !== undefined && typeof shardIds !== "function") {
    throw new TypeError(
      `Cannot create client as 'shardIds' must be an array or a function: current value 'shardIds=${typeof shardIds}'`,
    );
  }
  if (options.largeThreshold !== undefined) {
    assertCountOption(
      "largeThreshold",
      options.largeThreshold,
      50,
      250,
    );
  }
  if (options.sessionSaveInterval !== undefined) {
    assertCountOption(
      "sessionSaveInterval",
      options.sessionSaveInterval,
      1,
      MAX_TIMER_DELAY,
    );
  }
  if (options.maxInflatedBytes !== undefined) {
    assertCountOption(
      "maxInflatedBytes",
      options.maxInflatedBytes,
      1,
    );
  }
  assertTimeouts("client", options.timeouts);
  if (options.gatewayUrl !== undefined) {
    assertGatewayUrl("client", options.gatewayUrl);
  }
  // The same checks as the RestClient's, shared through base/.
  assertFunctionOption("client", "random", options.random);
  assertFunctionOption("client", "fetch", options.fetch);
  assertObjectOptions(options);
  assertEventsOption(options.events);
  assertPassedOptions(options);
}

/**
 * The options the Client passes on to its shards unchecked until start():
 * `compress: "zlib"` failed only there, `shardOptions: {}` as "shardOptions
 * is not a function", `identifyQueue: {}` at the first IDENTIFY.
 */
function assertPassedOptions(options: CheckedClientOptions): void {
  const { compress, presence } = options;
  if (
    compress !== undefined &&
    !TRANSPORT_COMPRESSIONS.includes(compress as string)
  ) {
    // A word that is none of them is out of range; anything else a type.
    const Refusal = typeof compress === "string" ? RangeError : TypeError;
    throw new Refusal(
      `Cannot create client as 'compress' must be "none", "zlib-stream" or "zstd-stream": current value 'compress=${
        shownQuoted(compress)
      }'`,
    );
  }
  if (presence !== undefined) assertPresenceOption(presence);
  assertFunctionOption("client", "shardOptions", options.shardOptions);
  assertFunctionOption("client", "transport", options.transport);
  for (const name of ["identifyQueue", "sessionStore"] as const) {
    assertMethodsOption(name, options[name]);
  }
}

/** `presence`: an object the gateway's op 3 takes, checked as the shards will. */
function assertPresenceOption(presence: unknown): void {
  if (!isRecord(presence)) {
    throw new TypeError(
      `Cannot create client as 'presence' must be an object with since, activities, status and afk: current value 'presence=${
        shownQuoted(presence)
      }'`,
    );
  }
  try {
    updatePresenceCommand(presence as never);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const Refusal = error instanceof RangeError ? RangeError : TypeError;
    throw new Refusal(
      `Cannot create client as 'presence' must be a presence the gateway takes (${error.message})`,
      { cause: error },
    );
  }
}

/**
 * An injected object, when given, has the methods the library calls on it
 * (else the first call fails deep inside start(), or later).
 */
function assertMethodsOption(name: string, value: unknown): void {
  if (value === undefined) return;
  const methods = OBJECT_METHODS[name]!;
  const missing = isObject(value)
    ? methods.find((method) => typeof value[method] !== "function")
    : methods[0];
  if (missing === undefined) return;
  const list = methods.length > 1
    ? `${methods.slice(0, -1).join(", ")} and ${methods.at(-1)} functions`
    : `an ${methods[0]} function`;
  throw new TypeError(
    `Cannot create client as '${name}' must be ${
      OBJECT_KINDS[name]
    } (${list}): current value '${name}=${
      // typeof only for rest: a token put there by mistake is never shown.
      name === "rest" ? typeof value : shownQuoted(value)}${
      isObject(value) ? ` without ${missing}()` : ""
    }'`,
  );
}

/**
 * The options are an object: `new Client("…")`, as discord.js's
 * `login(token)`, was told 'token' must be a non-empty string, with the
 * token right there. Only its type is shown: it may be the token.
 */
function assertOptionsObject(options: unknown): void {
  if (isObject(options) && !Array.isArray(options)) return;
  const type = options === null
    ? "null"
    : Array.isArray(options)
    ? "array"
    : typeof options;
  throw new TypeError(
    `Cannot create client as its argument must be an options object ({ token, intents }): current type '${type}'`,
  );
}

/**
 * Refuse a key that is not an option, at every level written by hand: a
 * misspelt one (`shard`, `timeouts.conect`) would leave the default in
 * force without a word.
 */
function assertOptionKeys(options: CheckedClientOptions): void {
  // Refused before by assertOptionsObject; narrows the type.
  if (!isObject(options)) return;
  checkOptionKeys(
    "create client",
    "",
    options,
    CLIENT_OPTION_KEYS,
    CLIENT_KEY_HINTS,
  );
  // Not an object: the checks of their values say so.
  if (isRecord(options.timeouts)) {
    checkOptionKeys(
      "create client",
      "timeouts.",
      options.timeouts,
      TIMEOUT_KEYS,
    );
  }
  if (isRecord(options.presence)) {
    checkOptionKeys(
      "create client",
      "presence.",
      options.presence,
      PRESENCE_KEYS,
    );
  }
}

/**
 * A list of shard IDs: integers of at least 0, not empty, none twice, and
 * each below `shards` when that is a number (else only GET /gateway/bot
 * tells the count, at start).
 */
function assertShardIds(shardIds: readonly unknown[], shards: unknown): void {
  if (shardIds.length === 0) {
    throw new RangeError(
      "Cannot create client as 'shardIds' must not be empty: current value 'shardIds=[]'",
    );
  }
  const seen = new Set<unknown>();
  for (const id of shardIds) {
    assertCountOption("shardIds[]", id, 0);
    if (typeof shards === "number" && (id as number) >= shards) {
      throw new RangeError(
        `Cannot create client as 'shardIds[]' must be an integer from 0 to 'shards' - 1: current values 'shardIds[]=${id}', 'shards=${shards}'`,
      );
    }
    if (seen.has(id)) {
      throw new RangeError(
        `Cannot create client as 'shardIds' must not repeat: current value 'shardIds[]=${id}' appears twice`,
      );
    }
    seen.add(id);
  }
}

/** `signal`, `cache`, `rest`, `restBaseUrl` and `scheduler`. */
function assertObjectOptions(options: CheckedClientOptions): void {
  const { signal, cache, rest, restBaseUrl, scheduler } = options;
  assertSignalOption("create client", "signal", signal);
  if (cache !== undefined) {
    // `cache: false` kept everything, `cache: null` crashed.
    if (!isRecord(cache)) {
      throw new TypeError(
        `Cannot create client as 'cache' must be an object (\`cache: {}\` keeps every resource; leave it out for no cache): current value 'cache=${
          shown(cache)
        }'`,
      );
    }
    // Its keys, `resources` an array, `messages` an object with its keys;
    // the cache checks the names and bounds inside these itself.
    assertCacheOptionsShape("create client", "cache.", cache);
  }
  if (rest !== undefined && !isObject(rest)) {
    // typeof only: a token put here by mistake is never shown.
    throw new TypeError(
      `Cannot create client as 'rest' must be a RestClient: current value 'rest=${typeof rest}'`,
    );
  }
  // `rest: {}` failed at start() as "rest.getGatewayBot is not a function".
  assertMethodsOption("rest", rest);
  assertBaseUrlOption("client", "restBaseUrl", restBaseUrl, [
    "http:",
    "https:",
  ]);
  assertSchedulerOption("client", scheduler);
}

/**
 * {@linkcode assertNumberTypedIntegerOption} for the client: a value that
 * is not a number at all (`"4"`) is a `TypeError`.
 */
function assertCountOption(
  name: string,
  value: unknown,
  min: number,
  max?: number,
): void {
  assertNumberTypedIntegerOption("client", name, value, min, max);
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
 * another copy of the library works too (and is routed as one of this
 * copy's: only the methods it overrides are called).
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
