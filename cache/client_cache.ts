// The Client's side of the cache, kept here so handler/client.ts needs only
// a few lines: the store it reads, the events to parse for it, and the
// start-up warnings.
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { DetachedUpdate } from "./detached_update.ts";
import { MemoryCache } from "./memory_store.ts";
import type { CacheOptions } from "./options.ts";
import { REDUCED_EVENTS } from "./reduce.ts";
import { cacheIntentWarnings } from "./resources.ts";

/** A resource that can never fill is a mistake to show without setup. */
const visible = getVisibleLogger(["disruption", "cache"]);
/** A failing cache is the Client's to report (handlers lose `ctx.old`). */
const handlerVisible = getVisibleLogger(["disruption", "handler"]);

/**
 * The Client's cache: a store, empty and never fed when not configured
 * (reading it then says so once, see {@linkcode saysItIsEmpty}).
 */
export function createClientCache(options: CacheOptions | undefined): {
  cache: MemoryCache;
  events: ReadonlySet<string> | undefined;
} {
  if (options === undefined) {
    return {
      cache: saysItIsEmpty(new MemoryCache({ resources: [] })),
      events: undefined,
    };
  }
  return { cache: new MemoryCache(options), events: REDUCED_EVENTS };
}

/** The store's methods that do not read it. */
const NOT_READS = new Set<PropertyKey>(["apply", "clear", "constructor"]);

/**
 * `cache`, warning visibly the first time anything reads it: a bot author
 * who reads `client.cache` without giving the Client a `cache` gets
 * `undefined` from every getter, which looks like missing state rather
 * than a missing option (discord.js caches without being asked).
 */
function saysItIsEmpty(cache: MemoryCache): MemoryCache {
  let warned = false;
  return new Proxy(cache, {
    get(target, property): unknown {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!warned && !NOT_READS.has(property)) {
        warned = true;
        visible.warn(
          "client.cache.{method}() was called, but this Client keeps no gateway state: give it a `cache` option (`cache: {{}}` keeps every resource; see the README's Cache section)",
          { method: String(property) },
        );
      }
      // Bound to the store itself: its private fields are not the proxy's.
      return value.bind(target);
    },
  });
}

/**
 * Log, at start, the resources the intents make impossible (in one
 * warning however many: `cache: {}` keeps every resource) and messages
 * kept without their content.
 */
export function warnCacheIntents(cache: MemoryCache, intents: number): void {
  for (const warning of cacheIntentWarnings(cache.options.resources, intents)) {
    visible.warn("{warning}", { warning }); // text, not a template
  }
}

/**
 * The Client's call into its cache for one dispatch: the state before it,
 * or undefined when the cache does not take the event. A cache that throws
 * (a payload it does not expect) costs the event its old state, never its
 * delivery; a cache failing event after event is said at the 1st, 2nd,
 * 4th … failure, not once per event.
 */
export class ClientCacheFeed {
  readonly #cache: MemoryCache;
  readonly #events: ReadonlySet<string> | undefined;
  #failures = 0;

  constructor(cache: MemoryCache, events: ReadonlySet<string> | undefined) {
    this.#cache = cache;
    this.#events = events;
  }

  /**
   * Apply `event`; a function returning the state before it as a deep copy
   * the cache does not hold, made at the first call (only an event whose
   * handler reads `ctx.old` pays for it), or undefined when there is none.
   */
  readOld(
    event: { name: string; data: unknown; shardId: number },
  ): (() => unknown) | undefined {
    return this.#apply(event)?.readOld();
  }

  #apply(
    event: { name: string; data: unknown; shardId: number },
  ): DetachedUpdate | undefined {
    if (this.#events === undefined || !this.#events.has(event.name)) {
      return undefined;
    }
    try {
      // The memory store's update: its `old` is copied on read.
      return this.#cache.apply(event.name, event.data) as DetachedUpdate;
    } catch (error) {
      const failures = ++this.#failures;
      if ((failures & (failures - 1)) === 0) {
        handlerVisible.error(
          "The cache failed on {event} (shard {shardId}; {failures} failures so far); handlers get it without ctx.old: {error}",
          { event: event.name, shardId: event.shardId, failures, error },
        );
      }
      return undefined;
    }
  }
}
