// The Client's side of the cache, kept here so handler/client.ts needs only
// a few lines: the store it reads, the events to parse for it, and the
// start-up warnings.
import { getVisibleLogger } from "../base/visible_logger.ts";
import { MemoryCache } from "./memory_store.ts";
import type { CacheOptions } from "./options.ts";
import { REDUCED_EVENTS } from "./reduce.ts";
import { cacheIntentWarnings } from "./resources.ts";

/** A resource that can never fill is a mistake to show without setup. */
const visible = getVisibleLogger(["disruption", "cache"]);

/** The Client's cache: a store, empty and never fed when not configured. */
export function createClientCache(options: CacheOptions | undefined): {
  cache: MemoryCache;
  events: ReadonlySet<string> | undefined;
} {
  if (options === undefined) {
    return { cache: new MemoryCache({ resources: [] }), events: undefined };
  }
  return { cache: new MemoryCache(options), events: REDUCED_EVENTS };
}

/** Log, at start, each resource the intents make impossible. */
export function warnCacheIntents(cache: MemoryCache, intents: number): void {
  for (const warning of cacheIntentWarnings(cache.options.resources, intents)) {
    visible.warn(warning);
  }
}
