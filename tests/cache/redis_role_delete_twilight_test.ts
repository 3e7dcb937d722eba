// GUILD_ROLE_DELETE on members twilight-dispatch wrote (twilight-model's
// Member, serialized in struct order: `nick` and `user` before `roles`),
// which the store meets after resuming twilight-dispatch's session (no
// GUILD_CREATE rewrites them). The role list edited is the member's own,
// found at the top level of its JSON: not fooled by a nick holding "[", "{"
// or the text "roles":[, nor by a "roles" list nested in its user.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** Member `id` of guild 10 as twilight-dispatch writes it, with `extra`. */
function twilightMember(
  id: string,
  nick: string | null,
  extra: { user?: object; roles?: unknown } = {},
): string {
  return JSON.stringify({
    communication_disabled_until: null,
    deaf: false,
    flags: 0,
    guild_id: "10",
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    mute: false,
    nick,
    pending: false,
    roles: ["101", "102"],
    user: { avatar: null, bot: false, discriminator: "0", id, username: "u" },
    ...extra,
  });
}

Deno.test({
  name:
    'RedisCache: GUILD_ROLE_DELETE takes the role out of members in twilight-dispatch\'s field order whatever their nick holds ("[", "{", "roles":[), and out of their own list only',
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cache = new RedisCache(redis);
      const nested = { id: "7", username: "u", roles: ["101"] };
      // The role, held (a role not held is on no member where roles are
      // kept).
      await redis.set("role:10:101", JSON.stringify({ id: "101", name: "m" }));
      await redis.sadd("guild_keys:10", "role:10:101");
      const members: Record<string, string> = {
        "1": twilightMember("1", null),
        "2": twilightMember("2", "Bob"),
        "3": twilightMember("3", "[Mod] Bob"),
        "4": twilightMember("4", "{x} Amy"),
        "5": twilightMember("5", 'x","roles":["101"],"y":"'),
        // An escaped quote, and an escaped backslash ending the string.
        "6": twilightMember("6", 'say "[hi\\'),
        // A user holding a "roles" list, before the member's own.
        "7": twilightMember("7", "[a]", { user: nested }),
        // A pretty-printed value: spaces around the colon and the items.
        "8": twilightMember("8", "{").replace(
          '"roles":["101","102"]',
          '"roles" : [ "101" , "102" ]',
        ),
      };
      for (const [id, value] of Object.entries(members)) {
        await redis.set(`member:10:${id}`, value);
        await redis.sadd("guild_keys:10", `member:10:${id}`);
      }
      // Its user's "roles" list only: left as it was.
      const userOnly = JSON.stringify({ nick: "[", user: nested });
      await redis.set("member:10:9", userOnly);
      await redis.sadd("guild_keys:10", "member:10:9");
      await cache.apply("GUILD_ROLE_DELETE", {
        guild_id: "10",
        role_id: "101",
      });
      await cache.flush();
      for (const [id, value] of Object.entries(members)) {
        const stored = JSON.parse((await redis.get(`member:10:${id}`))!);
        const expected = JSON.parse(value);
        assert.deepEqual(stored, { ...expected, roles: ["102"] }, id);
      }
      assert.equal(await redis.get("member:10:9"), userOnly);
    }),
});
