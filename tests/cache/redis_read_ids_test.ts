// The lists a batch's reads find (fetchReads, cache/redis_reads.ts): the
// ids of a list are those of its kind alone (a guild's set of keys,
// `guild_keys:G`, lists every kind of the guild, and a kind's own set,
// `guild_kind_keys:G:K`, its whole-set marker, the empty member: taken as
// ids, they named entities that do not exist); and a list one dispatch
// reads for its ids and a later one whole is fetched whole.
import assert from "node:assert/strict";
import { fetchReads } from "../../cache/redis_reads.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

Deno.test({
  name:
    "fetchReads: a list's ids are its kind's keys alone, from a guild's set of every kind and from a kind's own set with its whole-set marker",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      await redis.sadd(
        "guild_keys:1",
        "role:1:2",
        "member:1:3",
        "channel:4",
        "emoji:1:5",
      );
      await redis.set("role:1:2", JSON.stringify({ id: "2", name: "r" }));
      await redis.sadd("guild_kind_keys:1:emoji", "", "emoji:1:5");
      await redis.set("emoji:1:5", JSON.stringify({ id: "5", name: "e" }));
      const lookup = await fetchReads(redis, [
        { type: "all", kind: "role", scope: "1" },
        { type: "all", kind: "emoji", scope: "1" },
        { type: "ids", kind: "member", scope: "1" },
      ]);
      assert.deepEqual([...lookup.ids("role", "1")], ["2"]);
      assert.equal(lookup.get("role", "1", "2")?.name, "r");
      assert.deepEqual([...lookup.ids("emoji", "1")], ["5"]);
      assert.equal(lookup.get("emoji", "1", "5")?.name, "e");
      assert.deepEqual([...lookup.ids("member", "1")], ["3"]);
    }),
});

Deno.test({
  name:
    "fetchReads: a list read for its ids and, by a later dispatch of the batch, whole is read whole",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      await redis.sadd("guild_keys:1", "role:1:2");
      await redis.set("role:1:2", JSON.stringify({ id: "2", name: "r" }));
      const lookup = await fetchReads(redis, [
        { type: "ids", kind: "role", scope: "1" },
        { type: "all", kind: "role", scope: "1" },
      ]);
      assert.deepEqual([...lookup.ids("role", "1")], ["2"]);
      assert.equal(lookup.get("role", "1", "2")?.name, "r");
    }),
});
