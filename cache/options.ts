/**
 * {@linkcode CacheOptions}: what a cache keeps and how much, shared by the
 * in-memory and Redis stores.
 *
 * @module
 */
import { closestName } from "../base/closest_name.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import {
  assertFunctionOption,
  assertSchedulerOption,
  numberOptionError,
} from "../base/option_checks.ts";
import type { CacheConfig } from "./changes.ts";
import { CACHE_RESOURCES, type CacheResource } from "./resources.ts";

/** Options shared by the stores. */
export interface CacheOptions {
  /**
   * The resources to keep. `"messages"` implies `"channels"` (a removed
   * guild finds its messages through its channels), and every resource but
   * `"users"` implies `"guilds"` (a new session's READY lists the bot's
   * guilds: one it left while disconnected is found missing only against
   * the guilds held, and its channels, members and the rest go with it).
   * The bot's own member is kept with the guilds, members or not.
   *
   * @default {every resource}
   */
  resources?: readonly CacheResource[];
  /** Bounds on cached messages. */
  messages?: {
    /**
     * Messages kept per channel; the oldest (smallest id) goes first.
     *
     * @default {100}
     */
    perChannel?: number;
    /**
     * Milliseconds: messages older than this, measured back from the
     * newest message of their channel (times read from the snowflakes),
     * are dropped when a message arrives there. A newest message alone,
     * more than this after every other of its channel, is measured from
     * the one before it instead, so one id from the future (a valid
     * snowflake up to the year 2154) cannot evict every real message: a
     * message after a quiet spell drops the older ones with the next
     * message. A time-based bound that needs no clock; for expiry in Redis
     * see its `ttl`.
     *
     * @default {undefined} (no age bound)
     */
    maxAge?: number;
    /**
     * DM channels the in-memory store keeps, with their messages: past it,
     * the DM channel written least recently (its channel object or a
     * message in it) is dropped with its messages. (No guild's removal
     * takes a DM channel, and a DM message needs no create event, so
     * nothing else bounds how many there are; a guild message is kept only
     * in a channel the cache holds.) A DM channel whose messages were all
     * deleted no longer counts (unless the cache holds its channel object),
     * so it never pushes out one that holds messages. `RedisCache` keeps
     * every DM channel and its messages: bound the messages there with its
     * `ttl`.
     *
     * @default {1000}
     */
    dmChannels?: number;
  };
}

/** The options checked, with defaults filled in. */
export interface ResolvedCacheOptions extends CacheConfig {
  /**
   * The resources as given (every one by default), without those they
   * imply: what the start-up warnings about intents judge.
   */
  readonly requested: ReadonlySet<CacheResource>;
  /** Messages kept per channel. */
  readonly perChannel: number;
  /** The age bound of messages in milliseconds, if any. */
  readonly maxAge: number | undefined;
  /** DM channels whose messages the in-memory store keeps. */
  readonly dmChannels: number;
}

/** Every key of {@linkcode CacheOptions}: the compiler keeps it complete. */
const CACHE_OPTION_KEYS = optionKeys(
  { resources: true, messages: true } satisfies Record<
    keyof CacheOptions,
    true
  >,
);

/** Every key of `CacheOptions.messages`. */
const MESSAGE_OPTION_KEYS = optionKeys(
  { perChannel: true, maxAge: true, dmChannels: true } satisfies Record<
    keyof NonNullable<CacheOptions["messages"]>,
    true
  >,
);

/**
 * The keys only `RedisCache` takes (`RedisCacheOptions` besides
 * {@linkcode CacheOptions}; redis_cache_options.ts has the compiler check
 * that they are exactly those).
 */
export const REDIS_ONLY_CACHE_KEYS = [
  "ttl",
  "onStale",
  "shardIds",
  "scheduler",
] as const;

/**
 * Check the shape of cache options: an object with only the keys of
 * {@linkcode CacheOptions} (and `storeKeys`), `resources` an array and
 * `messages` an object with only its own keys. (Resource names and message
 * bounds are checked by {@linkcode resolveCacheOptions}.)
 *
 * @param what The start of the message, e.g. `"create cache"`.
 * @param path The options' path, e.g. `"cache."` (`""` at the top).
 * @param options The options.
 * @param storeKeys The keys the store takes besides those of
 *   `CacheOptions`.
 * @throws {TypeError} When `options` or `messages` is not an object or has
 *   an unknown key (the message names the nearest known one), or
 *   `resources` is not an array.
 */
export function assertCacheOptionsShape(
  what: string,
  path: string,
  options: unknown,
  storeKeys: readonly string[] = [],
): void {
  const redisOnly = Object.fromEntries(
    REDIS_ONLY_CACHE_KEYS.filter((key) => !storeKeys.includes(key)).map((
      key,
    ) => [key, `'${key}' is an option of RedisCache only`]),
  );
  checkOptionKeys(
    what,
    path,
    options,
    [...CACHE_OPTION_KEYS, ...storeKeys],
    redisOnly,
  );
  const { resources, messages } = (options ?? {}) as CacheOptions;
  if (resources !== undefined && !Array.isArray(resources)) {
    throw new TypeError(
      `Cannot ${what} as '${path}resources' must be a list of cache resource names: current value '${path}resources=${
        typeof resources === "object" && resources !== null
          ? "object"
          : String(resources)
      }'`,
    );
  }
  checkOptionKeys(what, `${path}messages.`, messages, MESSAGE_OPTION_KEYS);
}

/** Where cache options are given, for the messages refusing them. */
type OptionsPlace = {
  /** What is created, e.g. `"cache"` or `"client"`. */
  readonly what: string;
  /** The options' path, e.g. `"cache."` (`""` at the top). */
  readonly path: string;
};

/**
 * Check options and fill in defaults.
 *
 * @param options The options.
 * @param storeKeys The keys the store takes besides those of
 *   {@linkcode CacheOptions} (`RedisCache` gives its own, which it checks
 *   itself); none by default.
 * @param where What is created and the options' path, for the messages
 *   (the Client's `{ what: "client", path: "cache." }`); a cache
 *   at the top by default.
 * @throws {TypeError} Options or `messages` that are not an object or have
 * an unknown key, `resources` that is not an array, an unknown resource,
 * a message bound that is not a number (a string such as `"100"`
 * or `null` included: only `undefined` takes the default), or
 * `RedisCache`'s `onStale` not a function or `scheduler` not a
 * `Scheduler`.
 * @throws {RangeError} A message bound that is not a positive integer.
 */
export function resolveCacheOptions(
  options: CacheOptions = {},
  storeKeys: readonly string[] = [],
  where: { readonly what: string; readonly path: string } = {
    what: "cache",
    path: "",
  },
): ResolvedCacheOptions {
  const { what, path } = where;
  assertCacheOptionsShape(`create ${what}`, path, options, storeKeys);
  // RedisCache's own (refused above for any other store): a wrong one
  // failed only later, `onStale` at the first Redis failure (the cache
  // went stale without its hook), `scheduler` at the first expiry.
  const { onStale, scheduler } = options as {
    onStale?: unknown;
    scheduler?: unknown;
  };
  assertFunctionOption(what, `${path}onStale`, onStale);
  assertSchedulerOption(what, scheduler);
  const requested = new Set<CacheResource>(
    options.resources ?? CACHE_RESOURCES,
  );
  for (const resource of requested) {
    if (!CACHE_RESOURCES.includes(resource)) {
      const nearest = typeof resource === "string"
        ? closestName(resource, CACHE_RESOURCES)
        : undefined;
      throw new TypeError(
        `Cannot create ${what} as '${path}resources' has '${resource}', which is not a cache resource${
          nearest ? ` (did you mean '${nearest}'?)` : ""
        }: use one of ${CACHE_RESOURCES.join(", ")}`,
      );
    }
  }
  const resources = new Set(requested);
  if (resources.has("messages")) resources.add("channels");
  // Without the guilds, READY could not tell which guilds the bot left while
  // disconnected (no GUILD_DELETE comes for those), and everything of theirs
  // stayed for good, session after session.
  if ([...resources].some((resource) => resource !== "users")) {
    resources.add("guilds");
  }
  const perChannel = positiveInteger("perChannel", 100, options, where);
  const dmChannels = positiveInteger("dmChannels", 1000, options, where);
  const maxAge: unknown = options.messages?.maxAge;
  if (
    maxAge !== undefined &&
    !(typeof maxAge === "number" && maxAge > 0 && Number.isFinite(maxAge))
  ) {
    throw numberOptionError(
      what,
      `${path}messages.maxAge`,
      "a positive number of milliseconds",
      maxAge,
    );
  }
  return { resources, requested, perChannel, maxAge, dmChannels };
}

/**
 * `messages[name]`, or `fallback` when undefined, checked to be a positive
 * integer (`null` is refused, as every optional number of the project is:
 * `??` took it for the default).
 */
function positiveInteger(
  name: "perChannel" | "dmChannels",
  fallback: number,
  options: CacheOptions,
  { what, path }: OptionsPlace,
): number {
  const given: unknown = options.messages?.[name];
  const value = given === undefined ? fallback : given;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw numberOptionError(
      what,
      `${path}messages.${name}`,
      "a positive integer",
      value,
    );
  }
  return value;
}

/** Compare two snowflakes as numbers (without parsing them). */
export function compareSnowflakes(a: string, b: string): number {
  return a.length !== b.length
    ? a.length - b.length
    : a < b
    ? -1
    : a > b
    ? 1
    : 0;
}

/**
 * A snowflake's time in milliseconds since 1970, read from its top bits.
 * (Through a double: within a millisecond, the same in Redis's Lua.)
 */
export function snowflakeTime(id: string): number {
  return Math.floor(Number(id) / 4_194_304) + 1_420_070_400_000;
}

/**
 * The oldest time a channel's messages may have under `messages.maxAge`:
 * `maxAge` before the newest, or before the one before it when the newest
 * is alone more than `maxAge` after every other (one id from the future
 * would otherwise evict every real message). The memory store and a
 * batch's overlay use it; the Redis trim script does the same in Lua.
 *
 * @param newest The newest message's time (see {@linkcode snowflakeTime}).
 * @param beforeNewest The time of the one before it, if any.
 * @param maxAge The age bound, in milliseconds.
 * @returns Messages older than this are dropped.
 */
export function messageAgeCutoff(
  newest: number,
  beforeNewest: number | undefined,
  maxAge: number,
): number {
  const cutoff = newest - maxAge;
  return beforeNewest !== undefined && beforeNewest < cutoff
    ? beforeNewest - maxAge
    : cutoff;
}
