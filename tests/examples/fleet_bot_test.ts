import assert from "node:assert/strict";
import { runFleetBot } from "../../examples/fleet_bot.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { testRedis } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

Deno.test({
  name:
    "fleet_bot: two processes split 4 shards and each guild's !where is answered by the process running its shard",
  ignore: server.ignore,
  fn: async () => {
    await using discord = await FakeDiscord.start({
      loopback: true,
      shards: 4,
      gateway: { guilds: 8, maxConcurrency: 4 },
    });
    const prefix = `disruption:test:fleet_bot:${crypto.randomUUID()}`;
    const options = {
      token: discord.token,
      redisUrl: server.url,
      prefix,
      restBaseUrl: discord.clientOptions.restBaseUrl!,
      // Short leases so the hand-over to the joiner takes a second, not 10.
      lease: { ttlMs: 1_500, renewMs: 250 },
    };
    const a = await runFleetBot({ ...options, name: "a" });
    const b = await runFleetBot({ ...options, name: "b" });
    try {
      // b joined after a took every shard: wait until they split 2 and 2.
      await within(
        (async () => {
          while (
            a.fleet.shardIds.length !== 2 || b.fleet.shardIds.length !== 2 ||
            discord.gateway.sessions.filter((s) => s.state === "active")
                .length !== 4
          ) await new Promise((r) => setTimeout(r, 10));
        })(),
        "a 2/2 split with 4 live sessions",
      );
      const owner = new Map<number, string>();
      for (const id of a.fleet.shardIds) owner.set(id, "a");
      for (const id of b.fleet.shardIds) owner.set(id, "b");
      for (const guildId of discord.gateway.guildIds) {
        const channelId = String(BigInt(guildId) + 1n);
        const answer = discord.nextBotMessage(channelId);
        discord.postMessage("!where", { guildId, channelId });
        const shard = shardForGuild(guildId, 4);
        assert.equal(
          (await within(answer, `the answer in guild ${guildId}`)).content,
          `shard ${shard} of 4, ${owner.get(shard)}`,
        );
      }
    } finally {
      await a.stop();
      await b.stop();
      const redis = await connectRedis({ url: server.url });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await closeRedis(redis);
    }
  },
});
