// Entities an event takes away: a leaving member's presence, the emojis and
// stickers missing from a GUILD_EMOJIS_UPDATE / GUILD_STICKERS_UPDATE list,
// and a voice state whose user left voice (channel_id null).
import assert from "node:assert/strict";
import { CACHE_RESOURCES, MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";

const G = "100";

/** A cache of every resource holding guild 100 with `extra` fields. */
function withGuild(extra: Record<string, unknown> = {}): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("GUILD_CREATE", {
    id: G,
    name: "g",
    member_count: 2,
    channels: [{ id: "200", type: 2, name: "voice" }],
    threads: [],
    roles: [],
    emojis: [],
    stickers: [],
    members: ["1", "2"].map((id) => ({
      user: user(id),
      roles: [],
      joined_at: "2024-01-01T00:00:00.000000+00:00",
      deaf: false,
      mute: false,
      flags: 0,
    })),
    presences: [],
    voice_states: [],
    ...extra,
  });
  return cache;
}

Deno.test("GUILD_MEMBER_REMOVE takes the member's presence away, and no other's", () => {
  const online = (id: string) => ({
    user: { id },
    status: "online",
    activities: [],
  });
  const cache = withGuild({ presences: [online("1"), online("2")] });
  assert.equal(cache.presence(G, "1")?.status, "online");
  cache.apply("GUILD_MEMBER_REMOVE", { guild_id: G, user: user("1") });
  assert.equal(cache.presence(G, "1"), undefined);
  assert.equal(cache.presence(G, "2")?.status, "online");
  assert.equal(cache.sizes().presence, 1);
});

Deno.test("GUILD_EMOJIS_UPDATE and GUILD_STICKERS_UPDATE drop the emojis and stickers their lists leave out (Discord sends the whole list)", () => {
  const cache = withGuild({
    emojis: [{ id: "7", name: "a" }, { id: "8", name: "b" }],
    stickers: [{ id: "17", name: "a" }, { id: "18", name: "b" }],
  });
  cache.apply("GUILD_EMOJIS_UPDATE", {
    guild_id: G,
    emojis: [{ id: "8", name: "b" }],
  });
  cache.apply("GUILD_STICKERS_UPDATE", {
    guild_id: G,
    stickers: [{ id: "18", name: "b" }],
  });
  assert.equal(cache.emoji(G, "7"), undefined);
  assert.deepEqual(cache.emojis(G).map((e) => e.id), ["8"]);
  assert.equal(cache.sticker(G, "17"), undefined);
  assert.deepEqual(cache.stickers(G).map((s) => s.id), ["18"]);
});

Deno.test("VOICE_STATE_UPDATE with channel_id null (the user left voice) removes the voice state", () => {
  const cache = withGuild();
  const voice = {
    guild_id: G,
    user_id: "1",
    session_id: "s",
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  };
  cache.apply("VOICE_STATE_UPDATE", { ...voice, channel_id: "200" });
  assert.equal(cache.voiceState(G, "1")?.channel_id, "200");
  cache.apply("VOICE_STATE_UPDATE", { ...voice, channel_id: null });
  assert.equal(cache.voiceState(G, "1"), undefined);
  assert.deepEqual(cache.voiceStates(G), []);
  assert.equal(cache.sizes().voice, 0);
});
