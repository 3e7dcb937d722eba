// Guilds, channels and scheduled events are kept with their documented
// fields only: other events copy them to change one field (member_count,
// last_message_id, user_count), so extra keys a gateway sends would be
// copied by every such event after it.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";

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
  assert.equal(cache.guild("1")?.name, "g");
  assert.equal(cache.channel("2")?.name, "general");
  assert.equal(cache.scheduledEvent("1", "5")?.name, "quiz");
});
