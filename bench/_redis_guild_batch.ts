/**
 * The Redis store's cost per GUILD_CREATE in one `applyBatch` against the
 * same GUILD_CREATEs applied one by one, in the same run (a case of the
 * cache benchmark, `bench/cache_bench.ts`). Every GUILD_CREATE starts by
 * removing its guild, so a batch whose removals looked at everything the
 * batch set before them cost the square of its length: a backlog of guilds
 * after a reconnect, which the dispatch service hands over as one batch,
 * then fell further behind than the same events one at a time.
 *
 * Measured twice per way: guilds the cache does not hold yet (a fresh
 * start), then the same guilds again (a reconnect: each is rebuilt). Wall
 * time, the server's work included; payloads parsed before the clock.
 *
 * @module
 */
import { rng } from "./_stream.ts";
import {
  guildCreate,
  member,
  memChannelId,
  memGuildId,
} from "./_cache_payloads.ts";

/** Members per guild (the channels and roles are guildCreate's 40 and 30). */
const MEMBERS = 100;

/** One way's per-event cost, ms: new guilds, then held guilds again. */
export interface GuildBatchCosts {
  /** Per GUILD_CREATE of a guild not held. */
  newMs: number;
  /** Per GUILD_CREATE of a held guild (rebuilt). */
  heldMs: number;
}

/** Both ways, measured in one run. */
export interface GuildBatchResult {
  /** `apply` awaited event by event. */
  oneByOne: GuildBatchCosts;
  /** One `applyBatch` of every GUILD_CREATE. */
  batch: GuildBatchCosts;
}

/** The GUILD_CREATEs, as JSON text (parsed afresh for each pass). */
function guildTexts(guilds: number): string[] {
  const random = rng(11);
  return Array.from({ length: guilds }, (_, g) => {
    const channels = Array.from({ length: 40 }, (_, c) => memChannelId(g, c));
    const payload = guildCreate(random, g, memGuildId(g), channels) as {
      members: unknown[];
    };
    payload.members = Array.from(
      { length: MEMBERS },
      (_, m) => member(random, g, m),
    );
    return JSON.stringify(payload);
  });
}

/**
 * Measure `guilds` GUILD_CREATEs (at most the store's batch of 1,000) both
 * ways against database 15 of the server at `url` (flushed before and
 * after).
 */
export async function guildBatchCosts(
  url: string,
  guilds: number,
): Promise<GuildBatchResult> {
  if (!Number.isInteger(guilds) || guilds < 1 || guilds > 1_000) {
    throw new RangeError(`--guild-batch=${guilds}: use 1 to 1000`);
  }
  const { RedisCache } = await import("../cache/mod.ts");
  const { closeRedis, connectRedis } = await import("../redis/mod.ts");
  const target = new URL(url);
  target.pathname = "/15";
  const redis = await connectRedis({ url: target.href });
  const texts = guildTexts(guilds);
  const dispatches = (): { event: string; data: unknown }[] =>
    texts.map((text) => ({ event: "GUILD_CREATE", data: JSON.parse(text) }));
  /** Per-event ms of one pass: fresh, then again over what it left. */
  const run = async (
    pass: (
      cache: InstanceType<typeof RedisCache>,
      events: { event: string; data: unknown }[],
    ) => Promise<unknown>,
  ): Promise<GuildBatchCosts> => {
    await redis.flushdb();
    const cache = new RedisCache(redis, {});
    const costs: number[] = [];
    for (let round = 0; round < 2; round++) {
      const events = dispatches();
      const start = performance.now();
      await pass(cache, events);
      await cache.flush();
      costs.push((performance.now() - start) / guilds);
    }
    if (cache.stale) throw new Error("the Redis cache went stale");
    return { newMs: costs[0]!, heldMs: costs[1]! };
  };
  try {
    const oneByOne = await run(async (cache, events) => {
      for (const { event, data } of events) await cache.apply(event, data);
    });
    const batch = await run((cache, events) => cache.applyBatch(events));
    return { oneByOne, batch };
  } finally {
    await redis.flushdb();
    await closeRedis(redis);
  }
}
