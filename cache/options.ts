/**
 * {@linkcode CacheOptions}: what a cache keeps and how much, shared by the
 * in-memory and Redis stores.
 *
 * @module
 */
import type { CacheConfig } from "./changes.ts";
import { CACHE_RESOURCES, type CacheResource } from "./resources.ts";

/** Options shared by the stores. */
export interface CacheOptions {
  /**
   * The resources to keep. `"messages"` implies `"channels"` (a removed
   * guild finds its messages through its channels).
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
     * are dropped when a message arrives there. A time-based bound that
     * needs no clock; for expiry in Redis see its `ttl`.
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
     * in a channel the cache holds.) `RedisCache` keeps every DM channel
     * and its messages: bound the messages there with its `ttl`.
     *
     * @default {1000}
     */
    dmChannels?: number;
  };
}

/** The options checked, with defaults filled in. */
export interface ResolvedCacheOptions extends CacheConfig {
  /** Messages kept per channel. */
  readonly perChannel: number;
  /** The age bound of messages in milliseconds, if any. */
  readonly maxAge: number | undefined;
  /** DM channels whose messages the in-memory store keeps. */
  readonly dmChannels: number;
}

/**
 * Check options and fill in defaults.
 *
 * @throws {TypeError} An unknown resource.
 * @throws {RangeError} A message bound that is not a positive integer.
 */
export function resolveCacheOptions(
  options: CacheOptions = {},
): ResolvedCacheOptions {
  const resources = new Set<CacheResource>(
    options.resources ?? CACHE_RESOURCES,
  );
  for (const resource of resources) {
    if (!CACHE_RESOURCES.includes(resource)) {
      throw new TypeError(
        `Cannot create cache as '${resource}' is not a cache resource: use one of ${
          CACHE_RESOURCES.join(", ")
        }`,
      );
    }
  }
  if (resources.has("messages")) resources.add("channels");
  const perChannel = positiveInteger("perChannel", 100, options);
  const dmChannels = positiveInteger("dmChannels", 1000, options);
  const maxAge = options.messages?.maxAge;
  if (maxAge !== undefined && !(maxAge > 0 && Number.isFinite(maxAge))) {
    throw new RangeError(
      `Cannot create cache as 'messages.maxAge' must be a positive number of milliseconds: current value '${maxAge}'`,
    );
  }
  return { resources, perChannel, maxAge, dmChannels };
}

/** `messages[name]`, or `fallback`, checked to be a positive integer. */
function positiveInteger(
  name: "perChannel" | "dmChannels",
  fallback: number,
  options: CacheOptions,
): number {
  const value = options.messages?.[name] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create cache as 'messages.${name}' must be a positive integer: current value '${value}'`,
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
