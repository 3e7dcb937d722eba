// A thread's `member` field is the bot's own thread member. Discord sends it
// in THREAD_CREATE (when the bot is added), THREAD_MEMBER_UPDATE,
// THREAD_MEMBERS_UPDATE and THREAD_LIST_SYNC's `members`; a THREAD_UPDATE's
// channel object does not carry it.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";

const BOT = user("9");
const MEMBER = { id: "3", user_id: "9", join_timestamp: "t", flags: 0 };

function cacheWithThread(): MemoryCache {
  const cache = new MemoryCache();
  cache.apply("READY", { v: 10, user: BOT, guilds: [], session_id: "s" });
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, name: "c" }],
    threads: [],
    roles: [],
  });
  cache.apply("THREAD_CREATE", {
    id: "3",
    type: 11,
    guild_id: "1",
    parent_id: "2",
    name: "t",
    member: MEMBER,
  });
  return cache;
}

Deno.test("THREAD_UPDATE keeps the bot's thread member it does not carry", () => {
  const cache = cacheWithThread();
  cache.apply("THREAD_UPDATE", {
    id: "3",
    type: 11,
    guild_id: "1",
    parent_id: "2",
    name: "renamed",
  });
  assert.equal(cache.channel("3")?.name, "renamed");
  assert.deepEqual(cache.channel("3")?.member, MEMBER);
});

Deno.test("THREAD_LIST_SYNC sets each synced thread's member from `members`, and none for a thread the bot is not in", () => {
  const cache = cacheWithThread();
  cache.apply("THREAD_LIST_SYNC", {
    guild_id: "1",
    threads: [
      { id: "3", type: 11, parent_id: "2", name: "t" },
      { id: "4", type: 11, parent_id: "2", name: "u" },
    ],
    members: [{ ...MEMBER, id: "4", flags: 1 }],
  });
  assert.deepEqual(cache.channel("4")?.member, {
    ...MEMBER,
    id: "4",
    flags: 1,
  });
  assert.equal(cache.channel("3")?.member, undefined);
});

Deno.test("THREAD_MEMBER_UPDATE keeps the bot's thread member without the event's guild_id (a thread member object has none)", () => {
  const cache = cacheWithThread();
  const updated = { ...MEMBER, flags: 2 };
  cache.apply("THREAD_MEMBER_UPDATE", { ...updated, guild_id: "1" });
  assert.deepEqual(cache.channel("3")?.member, updated);
});

Deno.test("THREAD_MEMBERS_UPDATE keeps the bot's added thread member without the guild member and presence it carries", () => {
  const cache = cacheWithThread();
  cache.apply("THREAD_MEMBERS_UPDATE", {
    id: "3",
    guild_id: "1",
    member_count: 1,
    removed_member_ids: ["9"],
  });
  assert.equal(cache.channel("3")?.member, undefined);
  const added = { ...MEMBER, flags: 1 };
  cache.apply("THREAD_MEMBERS_UPDATE", {
    id: "3",
    guild_id: "1",
    member_count: 2,
    added_members: [{
      ...added,
      member: { user: BOT, roles: [], joined_at: null, deaf: false },
      presence: { user: { id: "9" }, status: "online" },
    }],
  });
  assert.deepEqual(cache.channel("3")?.member, added);
  assert.equal(cache.channel("3")?.member_count, 2);
});
