// What a READY reads from the Redis store: the ids of the guilds held (to
// drop those its shard no longer lists), and the values of the guilds it
// lists only. It read every guild's JSON: 1 s and 96 MB for one READY
// against 80,000 guilds.
import assert from "node:assert/strict";
import { cacheReads, RedisCache } from "../../cache/mod.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";
import { createdGuild } from "./_created_guild.ts";
import { recordingMgets } from "./_recording_redis.ts";

const server = testRedis();

/** The id of the `n`th guild: shard `n % 16` of 16. */
const guildId = (n: number): string => (BigInt(n) << 22n).toString();

Deno.test({
  name:
    "RedisCache: a READY reads the ids of the guilds held and the values of the guilds it lists only; those its shard no longer lists are still removed",
  ignore: server.ignore,
  fn: async () => {
    const redisServer = new PrivateRedis();
    await redisServer.start();
    const admin = await connectRedis({ url: redisServer.url });
    const redis = await connectRedis({ url: redisServer.url });
    try {
      const held = 2_000;
      const pipeline = admin.pipeline();
      for (let n = 1; n <= held; n++) {
        const key = `guild:${guildId(n)}`;
        pipeline.set(key, JSON.stringify({ id: guildId(n), name: `g${n}` }));
        pipeline.sadd("guild_keys", key);
      }
      await pipeline.exec();
      const read: string[] = [];
      const cache = new RedisCache(recordingMgets(redis, read));
      // Shard 0 of 16 lists guild 16 (held), guild 50,000 (new), and no
      // longer guild 32 (held: it left while no session was up).
      const listed = [guildId(16), guildId(50_000)];
      await cache.apply("READY", {
        v: 10,
        user: { id: "9", username: "bot" },
        guilds: listed.map((id) => ({ id, unavailable: true })),
        session_id: "s",
        resume_gateway_url: "wss://x",
        application: { id: "9", flags: 0 },
        shard: [0, 16],
      });
      await cache.flush();
      const guildsRead = read.filter((key) => key.startsWith("guild:"));
      assert.deepEqual(
        guildsRead.sort(),
        listed.map((id) => `guild:${id}`).sort(),
        `${guildsRead.length} guild values read`,
      );
      assert.deepEqual(await cache.guild(guildId(16)), {
        id: guildId(16),
        name: "g16",
        unavailable: true,
      });
      assert.equal(await cache.guild(guildId(32)), undefined, "unlisted");
      assert.equal(createdGuild(await cache.guild(guildId(17)))?.name, "g17");
      // Shard 0's held guilds but the one listed went; the new one came.
      const shardZero = held / 16;
      assert.equal(
        await admin.scard("guild_keys"),
        held - (shardZero - 1) + 1,
      );
    } finally {
      await closeRedis(redis);
      await closeRedis(admin);
      await redisServer.stop();
    }
  },
});

Deno.test("cacheReads: READY's guild list is an ids read; a list whose values the core reads is an all read", () => {
  const config = { resources: new Set(["guilds", "emojis"] as const) };
  const ready = cacheReads("READY", {
    user: { id: "9", username: "bot" },
    guilds: [{ id: "1", unavailable: true }],
    shard: [0, 1],
  }, config);
  const lists = ready.filter((read) => read.type !== "get");
  assert.deepEqual(lists, [{ type: "ids", kind: "guild", scope: "" }]);
  assert.ok(
    ready.some((read) => read.type === "get" && read.id === "1"),
    "the listed guild's value",
  );
  const emojis = cacheReads("GUILD_EMOJIS_UPDATE", {
    guild_id: "1",
    emojis: [],
  }, config);
  assert.deepEqual(
    emojis.filter((read) => read.type !== "get"),
    [{ type: "all", kind: "emoji", scope: "1" }],
  );
});
