/**
 * The state cache: one pure core ({@linkcode reduceDispatch}) turns each
 * dispatch into changes and the previous state; stores keep the changes —
 * {@linkcode MemoryCache} in this process (the Client's `cache` option), or
 * {@linkcode RedisCache} in Redis with twilight-dispatch's key layout.
 *
 * ```ts
 * import { MemoryCache } from "@disruption/disruption/cache";
 * import assert from "node:assert/strict";
 *
 * const cache = new MemoryCache({ resources: ["guilds", "roles"] });
 * cache.apply("GUILD_CREATE", { id: "1", name: "Home", roles: [{ id: "1", name: "@everyone" }] });
 * assert.equal(cache.guild("1")?.name, "Home");
 * assert.equal(cache.roles("1").length, 1);
 * ```
 *
 * @module
 */
export {
  type CacheChange,
  type CacheConfig,
  type CachedValue,
  type CacheKind,
  type CacheLookup,
  type CacheRead,
  type CacheUpdate,
  KIND_RESOURCE,
} from "./changes.ts";
export { type CacheEffect, EVENT_CACHE_EFFECTS } from "./event_effects.ts";
export {
  type CachedMember,
  type CachedMessage,
  type CacheSizes,
  MemoryCache,
} from "./memory_store.ts";
export {
  type CacheOptions,
  resolveCacheOptions,
  type ResolvedCacheOptions,
} from "./options.ts";
export { cacheReads, reduceDispatch } from "./reduce.ts";
export { RedisCache, type RedisCacheOptions, redisKey } from "./redis_store.ts";
export {
  CACHE_RESOURCES,
  cacheIntentWarnings,
  type CacheResource,
  RESOURCE_INTENTS,
} from "./resources.ts";
