// The MemoryCache's typed getters of one entity and of a guild's list, for
// the kinds GUILD_CREATE brings beside channels, roles and members.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 13, name: "stage" }],
  roles: [],
  members: [{
    user: user("5"),
    roles: [],
    joined_at: null,
    deaf: false,
    mute: false,
    flags: 0,
  }],
  presences: [
    {
      user: { id: "5" },
      status: "online",
      activities: [],
      client_status: { desktop: "online" },
    },
    {
      user: { id: "6" },
      status: "idle",
      activities: [],
      client_status: { mobile: "idle" },
    },
  ],
  stickers: [{ id: "30", name: "wave", type: 2, format_type: 1 }],
  stage_instances: [{
    id: "40",
    channel_id: "2",
    topic: "talk",
    privacy_level: 2,
  }],
  guild_scheduled_events: [{
    id: "50",
    name: "quiz",
    status: 1,
    entity_type: 1,
  }],
  soundboard_sounds: [{
    sound_id: "60",
    name: "boom",
    volume: 1,
    available: true,
  }],
};

Deno.test("MemoryCache: one sticker, stage instance, scheduled event and soundboard sound by id, and a guild's presences", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("GUILD_CREATE", {
    id: "7",
    name: "other",
    channels: [],
    roles: [],
  });

  assert.equal(cache.sticker("1", "30")?.name, "wave");
  assert.equal(cache.stageInstance("1", "40")?.topic, "talk");
  assert.equal(cache.scheduledEvent("1", "50")?.name, "quiz");
  assert.equal(cache.soundboardSound("1", "60")?.name, "boom");
  // Each carries its guild, as the lists give it.
  assert.equal(cache.sticker("1", "30")?.guild_id, "1");
  assert.deepEqual(
    cache.soundboardSound("1", "60"),
    cache.soundboardSounds("1")[0],
  );
  // Another guild, or an id not held: nothing.
  assert.equal(cache.sticker("7", "30"), undefined);
  assert.equal(cache.scheduledEvent("1", "51"), undefined);

  const statuses = [...cache.presences("1")]
    .map((p) => `${p.user.id}:${p.status}`)
    .sort();
  assert.deepEqual(statuses, ["5:online", "6:idle"]);
  assert.deepEqual([...cache.presences("7")], []);

  // A presence update shows in the list; a removed guild takes them all.
  cache.apply("PRESENCE_UPDATE", {
    guild_id: "1",
    user: { id: "6" },
    status: "dnd",
  });
  assert.equal(cache.presence("1", "6")?.status, "dnd");
  assert.equal(
    [...cache.presences("1")].find((p) => p.user.id === "6")?.status,
    "dnd",
  );
  // Offline is no presence: an offline update removes the one held.
  cache.apply("PRESENCE_UPDATE", {
    guild_id: "1",
    user: { id: "6" },
    status: "offline",
  });
  assert.deepEqual([...cache.presences("1")].map((p) => p.user.id), ["5"]);
  cache.apply("GUILD_DELETE", { id: "1" });
  assert.deepEqual([...cache.presences("1")], []);
  assert.equal(cache.stageInstance("1", "40"), undefined);
});
