// A new session of shard 0 (a READY that is no resume: the events of the gap
// are never sent) drops what no GUILD_CREATE rebuilds: the DM channels and
// the messages of channels no guild holds. A bot's READY lists no private
// channels and DMs have no create event, so a DM message deleted or edited
// in the gap stayed, and its next update's `old` was stale. Both stores do
// it (the Redis store's test is in store_differential_test.ts, which owns a
// database), one event at a time and in a batch; another shard's READY does not
// (one Redis cache may be fed by several shards' processes).
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { BEFORE, message, OPTIONS, ready } from "./_dm_session_fixtures.ts";

Deno.test("MemoryCache: shard 0's new session drops the DM channels and DM messages, not the guild's", () => {
  for (const shard of [undefined, [0, 1], [0, 4]] as const) {
    const cache = new MemoryCache(OPTIONS);
    for (const [event, data] of BEFORE) cache.apply(event, data);
    assert.equal(cache.channelMessages("50").length, 1);
    cache.apply("READY", ready(shard && [...shard]));
    assert.deepEqual(cache.channelMessages("50"), [], `${shard}`);
    assert.deepEqual(cache.channelMessages("60"), []);
    assert.equal(cache.channel("60"), undefined);
    // Edited in the gap: the update is handed no stale `old`.
    const { old } = cache.apply("MESSAGE_UPDATE", {
      ...message("302", "50"),
      content: "edited",
    });
    assert.equal(old, undefined);
    assert.equal(cache.channelMessages("100").length, 1, "guild's stay");
    assert.ok(cache.channel("100"));
  }
});

Deno.test("MemoryCache: another shard's READY keeps the DMs", () => {
  const cache = new MemoryCache(OPTIONS);
  for (const [event, data] of BEFORE) cache.apply(event, data);
  cache.apply("READY", { ...ready([1, 2]), guilds: [] });
  assert.equal(cache.channelMessages("50").length, 1);
  assert.equal(cache.channelMessages("60").length, 1);
  assert.ok(cache.channel("60"));
});
