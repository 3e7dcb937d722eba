// Counts the cache keeps from events Discord sends no new object for: a
// scheduled event's user_count (GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE) and a
// thread's message_count (its messages deleted in bulk).
import assert from "node:assert/strict";
import { CACHE_RESOURCES, MemoryCache } from "../../cache/mod.ts";

const G = "100";

/** A cache of every resource holding guild 100 with `extra` fields. */
function withGuild(extra: Record<string, unknown>): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("GUILD_CREATE", {
    id: G,
    name: "g",
    member_count: 1,
    channels: [{ id: "200", type: 0, name: "c" }],
    threads: [],
    roles: [],
    emojis: [],
    stickers: [],
    members: [],
    presences: [],
    voice_states: [],
    ...extra,
  });
  return cache;
}

Deno.test("GUILD_SCHEDULED_EVENT_USER_REMOVE lowers the event's user_count by one, USER_ADD raises it", () => {
  const cache = withGuild({
    guild_scheduled_events: [{
      id: "9",
      guild_id: G,
      name: "e",
      user_count: 3,
      status: 1,
      entity_type: 3,
      privacy_level: 2,
      scheduled_start_time: "2024-01-01T00:00:00.000Z",
    }],
  });
  const user = { guild_id: G, guild_scheduled_event_id: "9", user_id: "1" };
  cache.apply("GUILD_SCHEDULED_EVENT_USER_REMOVE", user);
  assert.equal(cache.scheduledEvent(G, "9")?.user_count, 2);
  cache.apply("GUILD_SCHEDULED_EVENT_USER_REMOVE", { ...user, user_id: "2" });
  assert.equal(cache.scheduledEvent(G, "9")?.user_count, 1);
  cache.apply("GUILD_SCHEDULED_EVENT_USER_ADD", user);
  assert.equal(cache.scheduledEvent(G, "9")?.user_count, 2);
});

Deno.test("MESSAGE_DELETE_BULK lowers a thread's message_count by the number of ids", () => {
  const cache = withGuild({
    threads: [{
      id: "300",
      type: 11,
      parent_id: "200",
      guild_id: G,
      name: "t",
      message_count: 10,
      total_message_sent: 10,
      thread_metadata: { archived: false },
    }],
  });
  cache.apply("MESSAGE_DELETE_BULK", {
    guild_id: G,
    channel_id: "300",
    ids: ["301", "302", "303"],
  });
  assert.equal(cache.channel("300")?.message_count, 7);
  // total_message_sent counts messages ever sent: deletes leave it.
  assert.equal(cache.channel("300")?.total_message_sent, 10);
});
