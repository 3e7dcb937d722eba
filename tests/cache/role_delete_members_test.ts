// GUILD_ROLE_DELETE: Discord sends no GUILD_MEMBER_UPDATE for the members
// that had the role, so the cache takes it out of their role lists itself.
import assert from "node:assert/strict";
import { cacheReads, MemoryCache } from "../../cache/mod.ts";

function member(userId: string, roles: string[]): object {
  return {
    user: {
      id: userId,
      username: `u${userId}`,
      discriminator: "0",
      global_name: null,
      avatar: null,
    },
    roles,
    joined_at: null,
    deaf: false,
    mute: false,
    flags: 0,
    nick: `n${userId}`,
  };
}

function guild(id: string, members: object[]): object {
  return {
    id,
    name: "g",
    channels: [],
    roles: [{ id: "10", name: "a" }, { id: "11", name: "b" }],
    members,
  };
}

Deno.test("GUILD_ROLE_DELETE removes the role from every cached member of its guild that had it", () => {
  const cache = new MemoryCache({ resources: ["guilds", "roles", "members"] });
  cache.apply(
    "GUILD_CREATE",
    guild("1", [
      member("5", ["10", "11"]),
      member("6", ["11"]),
      member("7", []),
    ]),
  );
  // Another guild whose member lists the same role id stays as it was.
  cache.apply("GUILD_CREATE", guild("2", [member("5", ["10"])]));
  const before = cache.role("1", "10");
  const { changes, old } = cache.apply("GUILD_ROLE_DELETE", {
    guild_id: "1",
    role_id: "10",
  });
  assert.equal(old, before, "old is the deleted role");
  assert.deepEqual(changes.map((c) => [c.op, "kind" in c ? c.kind : ""]), [
    ["delete", "role"],
    ["set", "member"],
  ]);
  assert.equal(cache.role("1", "10"), undefined);
  assert.deepEqual(cache.member("1", "5")?.roles, ["11"]);
  assert.equal(cache.member("1", "5")?.nick, "n5", "the rest of it is kept");
  assert.deepEqual(cache.member("1", "6")?.roles, ["11"]);
  assert.deepEqual(cache.member("1", "7")?.roles, []);
  assert.deepEqual(cache.member("2", "5")?.roles, ["10"]);
  assert.equal(cache.user("5")?.username, "u5");
});

Deno.test("GUILD_ROLE_DELETE touches members only when members are kept", () => {
  const config = { resources: new Set(["roles"] as const) };
  assert.deepEqual(
    cacheReads("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "10" }, config),
    [{ type: "get", kind: "role", scope: "1", id: "10" }],
  );
  const withMembers = { resources: new Set(["roles", "members"] as const) };
  assert.deepEqual(
    cacheReads(
      "GUILD_ROLE_DELETE",
      { guild_id: "1", role_id: "10" },
      withMembers,
    ),
    [
      { type: "get", kind: "role", scope: "1", id: "10" },
      { type: "all", kind: "member", scope: "1" },
    ],
  );
  const cache = new MemoryCache({ resources: ["guilds", "roles"] });
  cache.apply("GUILD_CREATE", guild("1", [member("5", ["10"])]));
  const { changes } = cache.apply("GUILD_ROLE_DELETE", {
    guild_id: "1",
    role_id: "10",
  });
  assert.deepEqual(changes, [
    { op: "delete", kind: "role", scope: "1", id: "10" },
  ]);
});
