// GUILD_ROLE_DELETE on members whose own role list had to be found by
// walking their JSON (a nick holding "[" or "{", or a user written before
// the roles, as twilight-dispatch writes them; spaces around the colon):
// the member is written back with its list first, so the next deletion
// finds it at once (see REMOVE_ROLE). Every other field stays as it was.
// And the role's item is matched with spaces around it aside.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** Store `members` (id -> value) in guild 10, whose role 101 is deleted. */
async function deleteRole(
  redis: RedisConnection,
  members: Record<string, string>,
): Promise<Record<string, string>> {
  const cache = new RedisCache(redis);
  // The role, held (a role not held is on no member where roles are kept).
  await redis.set("role:10:101", JSON.stringify({ id: "101", name: "m" }));
  await redis.sadd("guild_keys:10", "role:10:101");
  for (const [id, value] of Object.entries(members)) {
    await redis.set(`member:10:${id}`, value);
    await redis.sadd("guild_keys:10", `member:10:${id}`);
  }
  await cache.apply("GUILD_ROLE_DELETE", { guild_id: "10", role_id: "101" });
  await cache.flush();
  const stored: Record<string, string> = {};
  for (const id of Object.keys(members)) {
    stored[id] = (await redis.get(`member:10:${id}`))!;
  }
  return stored;
}

Deno.test({
  name:
    "RedisCache: GUILD_ROLE_DELETE writes a member whose list it had to walk to back with its roles first, every other field kept",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const user = { id: "1", username: "u", roles: ["101"] };
      const members: Record<string, string> = {
        middle: '{"nick":"[a]","roles":["101","102"],"user":{"id":"1"}}',
        last: JSON.stringify({ nick: "{", user, roles: ["101", "102"] }),
        firstSpaced: '{ "roles" : [ "101" , "102" ] , "nick" : "[" }',
        onlyKey: '{ "roles" : ["101","102"] }',
        commasSpaced: '{"nick":"[x]" , "roles":["101","102"] ,"mute":false}',
        pretty: JSON.stringify(
          { nick: "[x]", roles: ["101", "102"], deaf: false },
          null,
          2,
        ),
      };
      const stored = await deleteRole(redis, members);
      for (const [id, value] of Object.entries(members)) {
        const text = stored[id] ?? "";
        assert.match(text, /^\{"roles":\[/, id);
        const member = JSON.parse(text);
        assert.deepEqual(member, { ...JSON.parse(value), roles: ["102"] }, id);
        assert.deepEqual(
          Object.keys(member).sort(),
          Object.keys(JSON.parse(value)).sort(),
          id,
        );
      }
    }),
});

Deno.test({
  name:
    "RedisCache: GUILD_ROLE_DELETE edits in place a member whose list nothing nested comes before, and one whose list is first",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const stored = await deleteRole(redis, {
        twilight: '{"nick":"Bob","roles":["101","102"],"user":{"id":"1"}}',
        own: '{"roles":["102","101"],"user":{"id":"2"}}',
      });
      assert.deepEqual(stored, {
        twilight: '{"nick":"Bob","roles":["102"],"user":{"id":"1"}}',
        own: '{"roles":["102"],"user":{"id":"2"}}',
      });
    }),
});

Deno.test({
  name:
    "RedisCache: GUILD_ROLE_DELETE drops the role's item with spaces around it, and keeps an item of spaces or of another id",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const stored = await deleteRole(redis, {
        spaced: '{"roles":["102", \n "101"\t ,"1011"]}',
        // Not JSON (an empty item), but not the role either.
        blank: '{"roles":["101",   ,"102"]}',
      });
      assert.deepEqual(stored, {
        spaced: '{"roles":["102","1011"]}',
        blank: '{"roles":[   ,"102"]}',
      });
    }),
});

Deno.test({
  name:
    "RedisCache writes a member with its roles first, whatever order its payload had, so a role's deletion finds its list at once",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cache = new RedisCache(redis);
      await cache.apply("GUILD_CREATE", {
        id: "10",
        name: "g",
        roles: [{ id: "101", name: "m" }],
        channels: [],
        members: [],
      });
      await cache.apply("GUILD_MEMBER_ADD", {
        guild_id: "10",
        user: { id: "1", username: "u" },
        nick: "[a]",
        joined_at: "2024-01-01T00:00:00.000000+00:00",
        deaf: false,
        mute: false,
        roles: ["101"],
      });
      await cache.flush();
      const text = (await redis.get("member:10:1")) ?? "";
      assert.match(text, /^\{"roles":\["101"\],/);
      assert.equal(JSON.parse(text).nick, "[a]");
    }),
});
