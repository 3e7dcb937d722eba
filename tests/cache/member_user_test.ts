// A member's user is the shared user: a GUILD_MEMBER_UPDATE changes it (an
// avatar alone too), and the member's leave frees it, however often the
// member was updated before.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";

const G = "100";

/** A cache holding guild 100 with member 1 (the user's one holder). */
function withMember(): MemoryCache {
  const cache = new MemoryCache({ resources: ["guilds", "members"] });
  cache.apply("GUILD_CREATE", {
    id: G,
    name: "g",
    member_count: 1,
    channels: [],
    threads: [],
    roles: [],
    emojis: [],
    stickers: [],
    members: [{
      user: user("1"),
      roles: [],
      joined_at: "2024-01-01T00:00:00.000000+00:00",
      deaf: false,
      mute: false,
      flags: 0,
    }],
    presences: [],
    voice_states: [],
  });
  return cache;
}

Deno.test("MemoryCache: a member updated, then gone, frees its user (getter and sizes)", () => {
  const cache = withMember();
  for (const nick of ["a", "b"]) {
    cache.apply("GUILD_MEMBER_UPDATE", {
      guild_id: G,
      user: user("1"),
      roles: [],
      nick,
    });
  }
  assert.equal(cache.sizes().user, 1);
  cache.apply("GUILD_MEMBER_REMOVE", { guild_id: G, user: user("1") });
  assert.equal(cache.user("1"), undefined);
  assert.equal(cache.sizes().user, 0);
});

Deno.test("MemoryCache: a GUILD_MEMBER_UPDATE changing the user's avatar alone changes the shared user", () => {
  const cache = withMember();
  const avatar = "0123456789abcdef0123456789abcdef";
  cache.apply("GUILD_MEMBER_UPDATE", {
    guild_id: G,
    user: { ...user("1"), avatar },
    roles: [],
  });
  assert.equal(cache.user("1")?.avatar, avatar);
  assert.equal(cache.member(G, "1")?.user.avatar, avatar);
});
