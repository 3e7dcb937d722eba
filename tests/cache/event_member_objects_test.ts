// Member and user objects carried by events besides their own state: a
// VOICE_STATE_UPDATE's whole member is kept (a large guild's GUILD_CREATE,
// or one without GUILD_PRESENCES, lists only the members in voice, and one
// who joins voice later comes from nowhere else), and a PRESENCE_UPDATE's
// partial user updates the shared user with the fields whose types are the
// user object's only (Discord's docs: a presence's fields are not
// type-validated).
import assert from "node:assert/strict";
import { CACHE_RESOURCES, MemoryCache } from "../../cache/mod.ts";

const USER = {
  id: "7",
  username: "ada",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

function cacheWithGuild(): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "3", type: 2, name: "voice" }],
    roles: [],
    members: [],
    threads: [],
  });
  return cache;
}

const MEMBER = {
  user: USER,
  roles: [],
  joined_at: "2020-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
  flags: 0,
  nick: "A",
};

Deno.test("VOICE_STATE_UPDATE keeps its whole member, not a partial one or another user's", () => {
  const cache = cacheWithGuild();
  const voice = {
    guild_id: "1",
    channel_id: "3",
    user_id: "7",
    session_id: "s",
  };
  cache.apply("VOICE_STATE_UPDATE", { ...voice, member: MEMBER });
  assert.equal(cache.member("1", "7")?.nick, "A");
  assert.equal(cache.member("1", "7")?.user.username, "ada");
  assert.equal(cache.voiceState("1", "7")?.session_id, "s");
  assert.equal("member" in cache.voiceState("1", "7")!, false);

  const partial = { ...MEMBER, nick: "B", deaf: undefined };
  cache.apply("VOICE_STATE_UPDATE", { ...voice, member: partial });
  assert.equal(cache.member("1", "7")?.nick, "A", "a partial one is not");
  cache.apply("VOICE_STATE_UPDATE", {
    ...voice,
    user_id: "8",
    member: { ...MEMBER, nick: "C" },
  });
  assert.equal(cache.member("1", "8"), undefined, "another user's is not");
  assert.equal(cache.member("1", "7")?.nick, "A");
});

Deno.test("PRESENCE_UPDATE merges only the user fields of the user object's types", () => {
  const cache = cacheWithGuild();
  cache.apply("GUILD_MEMBER_ADD", { ...MEMBER, guild_id: "1" });
  cache.apply("PRESENCE_UPDATE", {
    guild_id: "1",
    status: "online",
    user: {
      id: "7",
      username: 5,
      avatar: { x: 1 },
      global_name: "Ada",
      bot: "yes",
      public_flags: 64,
    },
  });
  const user = cache.member("1", "7")!.user;
  assert.equal(user.username, "ada");
  assert.equal(user.avatar, null);
  assert.equal(user.global_name, "Ada");
  assert.equal(user.bot, undefined);
  assert.equal(user.public_flags, 64);
});
