// README ("Cache"): Redis keeps no value whose JSON is longer than 1 MiB.
// One exactly that long is kept whole; a character more, and its stub is
// kept instead (see cache/redis_oversized.ts).
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

const MIB = 1 << 20;

/** Write member 1 of guild 10 with a nick of `length` characters. */
async function writeMember(
  cache: RedisCache,
  redis: RedisConnection,
  length: number,
): Promise<string> {
  await cache.apply("GUILD_MEMBER_ADD", {
    guild_id: "10",
    user: { id: "1", username: "u" },
    nick: "n".repeat(length),
    roles: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    deaf: false,
    mute: false,
  });
  await cache.flush();
  return (await redis.get("member:10:1")) ?? "";
}

Deno.test({
  name:
    "RedisCache keeps a value whose JSON is exactly 1 MiB whole, and the stub of one a character longer",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cache = new RedisCache(redis);
      await cache.apply("GUILD_CREATE", {
        id: "10",
        name: "g",
        roles: [],
        channels: [],
        members: [],
      });
      // The member's JSON beside its nick, measured with a short one.
      const rest = (await writeMember(cache, redis, 1)).length - 1;
      const exact = await writeMember(cache, redis, MIB - rest);
      assert.equal(exact.length, MIB);
      assert.equal(JSON.parse(exact).nick.length, MIB - rest);
      await captureStderr(async () => {
        const over = await writeMember(cache, redis, MIB - rest + 1);
        assert.ok(over.length < MIB);
        assert.equal(JSON.parse(over).nick, undefined, "the stub, no nick");
      });
      assert.equal(cache.stale, false);
    }),
});
