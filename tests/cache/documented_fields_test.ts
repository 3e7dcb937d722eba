// Guilds, channels and scheduled events are kept with their documented
// fields only: other events copy them to change one field (member_count,
// last_message_id, user_count), so extra keys a gateway sends would be
// copied by every such event after it. Every kept value is a copy: the
// Client hands the same payload to the handlers next.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";
import { createdGuild } from "./_created_guild.ts";

/** `count` keys no Discord object has, on top of `value`. */
function withJunk<T extends object>(value: T, count: number): T {
  const junk: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) junk[`junk_${i}`] = i;
  return { ...junk, ...value };
}

Deno.test("a guild, channel or scheduled event sent with 10,000 undocumented keys is kept with its documented ones, through the events that copy it", () => {
  const cache = new MemoryCache();
  cache.apply(
    "GUILD_CREATE",
    withJunk({
      id: "1",
      name: "g",
      member_count: 1,
      channels: [withJunk({ id: "2", type: 0, name: "general" }, 10_000)],
      guild_scheduled_events: [
        withJunk({ id: "3", name: "party", user_count: 0 }, 10_000),
      ],
      roles: [],
      members: [],
    }, 10_000),
  );
  cache.apply(
    "CHANNEL_CREATE",
    withJunk({ id: "4", guild_id: "1", type: 0, name: "other" }, 10_000),
  );
  cache.apply(
    "GUILD_SCHEDULED_EVENT_CREATE",
    withJunk({ id: "5", guild_id: "1", name: "quiz" }, 10_000),
  );
  cache.apply("GUILD_MEMBER_ADD", {
    guild_id: "1",
    user: user("6"),
    roles: [],
    joined_at: null,
  });
  cache.apply("MESSAGE_CREATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    author: user("6"),
    content: "hi",
  });
  cache.apply("GUILD_SCHEDULED_EVENT_USER_ADD", {
    guild_id: "1",
    guild_scheduled_event_id: "3",
    user_id: "6",
  });
  assert.deepEqual(cache.guild("1"), { id: "1", name: "g", member_count: 2 });
  assert.deepEqual(cache.channel("2"), {
    id: "2",
    type: 0,
    name: "general",
    guild_id: "1",
    last_message_id: "100",
  });
  assert.deepEqual(cache.channel("4"), {
    id: "4",
    guild_id: "1",
    type: 0,
    name: "other",
  });
  assert.deepEqual(cache.scheduledEvent("1", "3"), {
    id: "3",
    name: "party",
    user_count: 1,
    guild_id: "1",
  });
  assert.deepEqual(cache.scheduledEvent("1", "5"), {
    id: "5",
    guild_id: "1",
    name: "quiz",
  });
});

Deno.test("a handler editing its event's guild, channel or scheduled event does not edit the cache", () => {
  const cache = new MemoryCache();
  const guild = {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, name: "general" }],
    roles: [],
    members: [],
  };
  cache.apply("GUILD_CREATE", guild);
  const event = { id: "5", guild_id: "1", name: "quiz" };
  cache.apply("GUILD_SCHEDULED_EVENT_CREATE", event);
  guild.name = "edited";
  guild.channels[0]!.name = "edited";
  event.name = "edited";
  assert.equal(createdGuild(cache.guild("1"))?.name, "g");
  assert.equal(cache.channel("2")?.name, "general");
  assert.equal(cache.scheduledEvent("1", "5")?.name, "quiz");
});

Deno.test("a handler editing its event's role, emoji, sticker, stage instance, soundboard sound or integration does not edit the cache, nor the next update's old", () => {
  const cache = new MemoryCache();
  /** Every string in `value` made `"edited"`, as a handler may. */
  const edit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(edit);
    else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      for (const [key, field] of Object.entries(record)) {
        if (typeof field === "string") record[key] = "edited";
        else edit(field);
      }
    }
  };
  const applyAndEdit = (event: string, data: Record<string, unknown>): void => {
    cache.apply(event, data);
    edit(data);
  };
  applyAndEdit("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 13, name: "stage" }],
    roles: [{ id: "1", name: "everyone" }],
    emojis: [{ id: "3", name: "wave" }],
    stickers: [{ id: "4", guild_id: "1", name: "sticker" }],
    stage_instances: [{ id: "5", guild_id: "1", channel_id: "2", topic: "s" }],
    soundboard_sounds: [{ sound_id: "6", guild_id: "1", name: "sound" }],
    members: [],
  });
  assert.equal(cache.role("1", "1")?.name, "everyone");
  assert.equal(cache.emoji("1", "3")?.name, "wave");
  assert.equal(cache.sticker("1", "4")?.name, "sticker");
  assert.equal(cache.stageInstance("1", "5")?.topic, "s");
  assert.equal(cache.soundboardSound("1", "6")?.name, "sound");
  const role = { id: "10", name: "role" };
  applyAndEdit("GUILD_ROLE_CREATE", { guild_id: "1", role });
  assert.equal(cache.role("1", "10")?.name, "role");
  const update = { id: "10", name: "role 2" };
  applyAndEdit("GUILD_ROLE_UPDATE", { guild_id: "1", role: update });
  assert.equal(cache.role("1", "10")?.name, "role 2");
  const { old } = cache.apply("GUILD_ROLE_UPDATE", {
    guild_id: "1",
    role: { id: "10", name: "role 3" },
  });
  assert.notEqual(old, update);
  assert.deepEqual(old, { id: "10", name: "role 2" });
  applyAndEdit("GUILD_EMOJIS_UPDATE", {
    guild_id: "1",
    emojis: [{ id: "11", name: "emoji" }],
  });
  assert.equal(cache.emoji("1", "11")?.name, "emoji");
  applyAndEdit("GUILD_STICKERS_UPDATE", {
    guild_id: "1",
    stickers: [{ id: "12", guild_id: "1", name: "sticker 2" }],
  });
  assert.equal(cache.sticker("1", "12")?.name, "sticker 2");
  for (const event of ["CREATE", "UPDATE"]) {
    applyAndEdit(`STAGE_INSTANCE_${event}`, {
      id: "13",
      guild_id: "1",
      channel_id: "2",
      topic: event,
    });
    assert.equal(cache.stageInstance("1", "13")?.topic, event);
    applyAndEdit(`GUILD_SOUNDBOARD_SOUND_${event}`, {
      sound_id: "14",
      guild_id: "1",
      name: event,
    });
    assert.equal(cache.soundboardSound("1", "14")?.name, event);
    applyAndEdit(`INTEGRATION_${event}`, {
      id: "15",
      guild_id: "1",
      name: event,
    });
    assert.equal(cache.integrations("1")[0]?.name, event);
  }
  applyAndEdit("GUILD_SOUNDBOARD_SOUNDS_UPDATE", {
    guild_id: "1",
    soundboard_sounds: [{ sound_id: "16", guild_id: "1", name: "sounds" }],
  });
  assert.equal(cache.soundboardSound("1", "16")?.name, "sounds");
  applyAndEdit("SOUNDBOARD_SOUNDS", {
    guild_id: "1",
    soundboard_sounds: [{ sound_id: "17", guild_id: "1", name: "all" }],
  });
  assert.equal(cache.soundboardSound("1", "17")?.name, "all");
});
