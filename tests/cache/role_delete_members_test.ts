// GUILD_ROLE_DELETE: Discord sends no GUILD_MEMBER_UPDATE for the members
// that had the role, so the cache takes it out of their role lists itself.
import assert from "node:assert/strict";
import { cacheReads, MemoryCache, reduceDispatch } from "../../cache/mod.ts";

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
  assert.deepEqual(old, before, "old is the deleted role");
  assert.deepEqual(changes, [
    { op: "delete", kind: "role", scope: "1", id: "10" },
    { op: "remove_role", scope: "1", id: "10" },
  ]);
  assert.equal(cache.role("1", "10"), undefined);
  assert.deepEqual(cache.member("1", "5")?.roles, ["11"]);
  assert.equal(cache.member("1", "5")?.nick, "n5", "the rest of it is kept");
  assert.deepEqual(cache.member("1", "6")?.roles, ["11"]);
  assert.deepEqual(cache.member("1", "7")?.roles, []);
  assert.deepEqual(cache.member("2", "5")?.roles, ["10"]);
  assert.equal(cache.user("5")?.username, "u5");
});

Deno.test("GUILD_ROLE_DELETE reads no member: the stores take the role out of their members (a large guild's members are not decoded)", () => {
  const withMembers = { resources: new Set(["roles", "members"] as const) };
  assert.deepEqual(
    cacheReads(
      "GUILD_ROLE_DELETE",
      { guild_id: "1", role_id: "10" },
      withMembers,
    ),
    [{ type: "get", kind: "role", scope: "1", id: "10" }],
  );
  // A lookup that counts what is read: one role, no member.
  const read: string[] = [];
  const lookup = {
    get: (kind: string, _scope: string, id: string) => {
      read.push(`${kind}:${id}`);
      return kind === "role" ? { id, name: "a" } : undefined;
    },
    ids: (kind: string) => {
      read.push(`all ${kind}`);
      return [];
    },
  };
  const { changes } = reduceDispatch(
    lookup,
    "GUILD_ROLE_DELETE",
    { guild_id: "1", role_id: "10" },
    withMembers,
  );
  assert.deepEqual(read, ["role:10"]);
  assert.deepEqual(changes, [
    { op: "delete", kind: "role", scope: "1", id: "10" },
    { op: "remove_role", scope: "1", id: "10" },
  ]);
});

Deno.test("GUILD_ROLE_DELETE of a role not held leaves every member (where roles are kept: a gateway deleting made-up roles costs nothing)", () => {
  const cache = new MemoryCache({ resources: ["guilds", "roles", "members"] });
  cache.apply("GUILD_CREATE", guild("1", [member("5", ["10", "12"])]));
  const { changes } = cache.apply("GUILD_ROLE_DELETE", {
    guild_id: "1",
    role_id: "12",
  });
  assert.deepEqual(changes, [
    { op: "delete", kind: "role", scope: "1", id: "12" },
  ]);
  assert.deepEqual(cache.member("1", "5")?.roles, ["10", "12"]);
});

Deno.test("GUILD_ROLE_DELETE without the roles resource takes the role off the members (any role may be on one)", () => {
  const cache = new MemoryCache({ resources: ["guilds", "members"] });
  cache.apply("GUILD_CREATE", guild("1", [member("5", ["10", "11"])]));
  cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "10" });
  assert.deepEqual(cache.member("1", "5")?.roles, ["11"]);
});

Deno.test("GUILD_ROLE_DELETE of a role no member holds scans no member: 2,000 deletes in a guild of 100,000 members", () => {
  const cache = new MemoryCache({ resources: ["guilds", "members"] });
  const members = [];
  for (let i = 0; i < 100_000; i++) {
    members.push(member(String(10_000_000 + i), ["10", "11"]));
  }
  cache.apply("GUILD_CREATE", guild("1", members));
  const start = performance.now();
  for (let i = 0; i < 2_000; i++) {
    cache.apply("GUILD_ROLE_DELETE", {
      guild_id: "1",
      role_id: String(1_000_000_000_000 + i),
    });
  }
  // A scan per delete took seconds; a lookup per delete a few milliseconds.
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 500, `${elapsed.toFixed(0)} ms`);
  assert.deepEqual(cache.member("1", "10000000")?.roles, ["10", "11"]);
});

Deno.test("GUILD_ROLE_DELETE still reaches the members that took the role by update, and not those that lost it or left", () => {
  const cache = new MemoryCache({ resources: ["guilds", "members"] });
  cache.apply("GUILD_CREATE", guild("1", [member("5", []), member("6", [])]));
  const update = (userId: string, roles: string[]) =>
    cache.apply("GUILD_MEMBER_UPDATE", {
      guild_id: "1",
      ...member(userId, roles),
    });
  update("5", ["12"]);
  update("6", ["12", "13"]);
  update("6", ["13"]);
  cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "12" });
  assert.deepEqual(cache.member("1", "5")?.roles, []);
  assert.deepEqual(cache.member("1", "6")?.roles, ["13"]);
  // Held again after the delete (a member re-added with it), then removed.
  update("5", ["12"]);
  cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "12" });
  assert.deepEqual(cache.member("1", "5")?.roles, []);
  // A guild deleted and created again counts its new members only.
  cache.apply("GUILD_DELETE", { id: "1" });
  cache.apply("GUILD_CREATE", guild("1", [member("7", ["13"])]));
  cache.apply("GUILD_MEMBER_REMOVE", { guild_id: "1", user: { id: "7" } });
  cache.apply("GUILD_MEMBER_ADD", { guild_id: "1", ...member("8", ["13"]) });
  cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "13" });
  assert.deepEqual(cache.member("1", "8")?.roles, []);
});
