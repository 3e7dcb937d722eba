// The memory store caps, per guild, the kinds Discord caps per guild (at a
// generous multiple of Discord's cap): a gateway naming a new role, event or
// thread id in every event cannot grow one held guild without bound. Past
// the cap a new entity is not kept (it reads as not cached), with one
// warning per guild and kind; members and channels are not capped.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { GUILD_CAPS, THREAD_CAP } from "../../cache/guild_caps.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { user } from "./_event_sequences.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "general" }],
  threads: [],
  roles: [],
};

const id = (n: number): string => String(1_000_000 + n);

/** The create event of entity `n` of each capped kind, in guild `guildId`. */
const CREATES: Record<string, (n: number, guildId: string) => unknown> = {
  role: (n, guildId) => ({ guild_id: guildId, role: { id: id(n), name: "r" } }),
  scheduled_event: (n, guildId) => ({
    id: id(n),
    guild_id: guildId,
    name: "e",
    scheduled_start_time: "2024-01-01T00:00:00.000Z",
    privacy_level: 2,
    status: 1,
    entity_type: 3,
  }),
  soundboard_sound: (n, guildId) => ({
    sound_id: id(n),
    guild_id: guildId,
    name: "s",
    volume: 1,
  }),
  integration: (n, guildId) => ({ id: id(n), guild_id: guildId, name: "i" }),
};
const EVENT: Record<string, string> = {
  role: "GUILD_ROLE_CREATE",
  scheduled_event: "GUILD_SCHEDULED_EVENT_CREATE",
  soundboard_sound: "GUILD_SOUNDBOARD_SOUND_CREATE",
  integration: "INTEGRATION_CREATE",
};

Deno.test("MemoryCache: each kind Discord caps per guild is kept up to its cap; a new one past it is not cached, with one warning per guild and kind", async () => {
  await withLogRecords(async (records) => {
    const cache = new MemoryCache();
    cache.apply("GUILD_CREATE", GUILD);
    cache.apply("GUILD_CREATE", { ...GUILD, id: "3", channels: [] });
    for (const [kind, create] of Object.entries(CREATES)) {
      const cap = GUILD_CAPS[kind as keyof typeof GUILD_CAPS]!;
      for (let n = 0; n < cap + 50; n++) {
        cache.apply(EVENT[kind]!, create(n, "1"));
      }
      assert.equal(cache.sizes()[kind as "role"], cap, kind);
      // Past the cap, an update of one held still applies.
      cache.apply(EVENT[kind]!, create(0, "1"));
      assert.equal(cache.sizes()[kind as "role"], cap, kind);
      // Another guild has its own count.
      cache.apply(EVENT[kind]!, create(0, "3"));
      assert.equal(cache.sizes()[kind as "role"], cap + 1, kind);
    }
    assert.equal(cache.role("1", id(0))?.name, "r");
    // At the cap, a held one still takes its update.
    cache.apply("GUILD_ROLE_UPDATE", {
      guild_id: "1",
      role: { id: id(0), name: "renamed" },
    });
    assert.equal(cache.role("1", id(0))?.name, "renamed");
    assert.equal(cache.role("1", id(GUILD_CAPS.role!)), undefined);
    // One deleted frees a place.
    cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: id(0) });
    cache.apply("GUILD_ROLE_CREATE", CREATES.role!(GUILD_CAPS.role! + 1, "1"));
    assert.equal(cache.role("1", id(GUILD_CAPS.role! + 1))?.name, "r");
    // One warning per guild and kind, not per event.
    assert.equal(records.length, Object.keys(CREATES).length);
    assert.equal(messagesOf(records, /Guild 1 .* role/), 1);
    // A guild created again (rebuilt whole) counts from nothing.
    cache.apply("GUILD_CREATE", GUILD);
    assert.equal(cache.roles("1").length, 0);
    // And warns again past its cap: the warnings went with the old one.
    for (let n = 0; n <= GUILD_CAPS.role!; n++) {
      cache.apply("GUILD_ROLE_CREATE", CREATES.role!(n, "1"));
    }
    assert.equal(messagesOf(records, /Guild 1 .* role/), 2);
    await Promise.resolve();
  });
});

Deno.test("MemoryCache: a guild's active threads are capped apart from its channels, which are not capped; a thread past the cap takes no message", async () => {
  await withLogRecords(async (records) => {
    const cache = new MemoryCache();
    cache.apply("GUILD_CREATE", GUILD);
    for (let n = 0; n < THREAD_CAP + 20; n++) {
      cache.apply("THREAD_CREATE", {
        id: id(n),
        guild_id: "1",
        parent_id: "2",
        type: 11,
        thread_metadata: { archived: false },
      });
    }
    assert.equal(cache.sizes().channel, THREAD_CAP + 1);
    const late = id(THREAD_CAP + 10);
    assert.equal(cache.channel(late), undefined);
    cache.apply("MESSAGE_CREATE", {
      id: "9",
      channel_id: late,
      guild_id: "1",
      content: "x",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
      author: user("7"),
    });
    assert.deepEqual(cache.channelMessages(late), []);
    // Text channels are not counted against it, nor capped.
    for (let n = 0; n < 100; n++) {
      cache.apply("CHANNEL_CREATE", { id: id(90_000 + n), guild_id: "1" });
    }
    assert.equal(cache.sizes().channel, THREAD_CAP + 101);
    // A deleted (or archived) thread frees its place.
    cache.apply("THREAD_DELETE", { id: id(0), guild_id: "1", type: 11 });
    cache.apply("THREAD_CREATE", {
      id: late,
      guild_id: "1",
      parent_id: "2",
      type: 11,
      thread_metadata: { archived: false },
    });
    assert.equal(cache.channel(late)?.parent_id, "2");
    assert.equal(messagesOf(records, /Guild 1 .* thread/), 1);
    assert.equal(records.length, 1);
    await Promise.resolve();
  });
});
