// Child of redis_outage_test.ts (run with --expose-gc): 20,000 dispatches,
// each its own batch, through a RedisCache on a healthy connection (the
// Redis URL is the first argument). Prints the heap growth in MB after a
// full collection: what each batch leaves behind until the connection is
// next lost, if anything.
import { RedisCache } from "../../cache/mod.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const redis = await connectRedis({ url: Deno.args[0]! });
await redis.flushdb();
const cache = new RedisCache(redis, {
  resources: ["guilds", "channels", "messages"],
});
// A topic of 20 KB: every batch reads the channel back.
const topic = "t".repeat(20_000);
await cache.apply("GUILD_CREATE", {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c", topic }],
  roles: [],
  members: [],
});
const round = async (from: number): Promise<void> => {
  for (let i = from; i < from + 10_000; i++) {
    await cache.apply("CHANNEL_UPDATE", {
      id: "2",
      guild_id: "1",
      type: 0,
      name: `c${i}`,
      topic,
    });
  }
  await cache.flush();
};
await round(0);
gc();
const before = Deno.memoryUsage().heapUsed;
await round(10_000);
gc();
const after = Deno.memoryUsage().heapUsed;
await redis.flushdb();
await closeRedis(redis);
await Deno.stdout.write(
  new TextEncoder().encode(`${((after - before) / 1e6).toFixed(1)}\n`),
);
