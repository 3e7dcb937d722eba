// The memory store read through the Redis layout's keys (`guild:G`,
// `member:G:U`, `bot_user`, …), which the reference model and the Redis
// store are keyed by: how the property and differential tests compare them.
import type { CacheKind, MemoryCache } from "../../cache/mod.ts";

/** The memory store's view of one Redis-style key's entity. */
export function memoryValue(cache: MemoryCache, key: string): unknown {
  const [kind, a, b] = key.split(":") as [CacheKind, string, string?];
  if (kind === "bot_user") return cache.botUser();
  if (kind === "guild" || kind === "channel") return cache.get(kind, "", a);
  return cache.get(kind, a, b!);
}
