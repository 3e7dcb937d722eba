import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  cacheReads,
  EVENT_CACHE_EFFECTS,
  MemoryCache,
  reduceDispatch,
} from "../../cache/mod.ts";
import { readDispatchEventsReference } from "../_fakes/dispatch_events_reference.ts";

Deno.test("EVENT_CACHE_EFFECTS has one row per event of the reference, and no other", async () => {
  const reference = (await readDispatchEventsReference()).map((r) => r.name);
  assert.equal(reference.length, 79);
  assert.deepEqual(
    Object.keys(EVENT_CACHE_EFFECTS).sort(),
    [...reference].sort(),
  );
  for (const [event, row] of Object.entries(EVENT_CACHE_EFFECTS)) {
    const changes = row.creates.length + row.updates.length +
      row.deletes.length;
    assert.ok(
      (changes === 0) === (row.none !== undefined),
      `${event}: a row has effects or says why it has none`,
    );
  }
});

Deno.test("reduceDispatch ignores malformed payloads of every event", () => {
  const config = { resources: new Set(CACHE_RESOURCES) };
  const lookup = { get: () => undefined, ids: () => [] };
  for (const event of Object.keys(EVENT_CACHE_EFFECTS)) {
    for (const data of [null, 7, "x", [], {}, { id: 5, guild_id: [] }]) {
      const update = reduceDispatch(lookup, event, data, config);
      assert.deepEqual(update.changes, [], `${event} ${JSON.stringify(data)}`);
      assert.doesNotThrow(() => cacheReads(event, data, config));
    }
  }
});

Deno.test("a dispatch named like an Object.prototype member has no cache effect and does not throw", () => {
  // A hostile gateway picks `t`; an object table would find these members.
  const config = { resources: new Set(CACHE_RESOURCES) };
  const lookup = { get: () => undefined, ids: () => [] };
  const cache = new MemoryCache();
  for (
    const event of [
      "__proto__",
      "constructor",
      "toString",
      "valueOf",
      "hasOwnProperty",
      "isPrototypeOf",
    ]
  ) {
    assert.deepEqual(reduceDispatch(lookup, event, {}, config), {
      changes: [],
      old: undefined,
    }, event);
    assert.deepEqual(cacheReads(event, {}, config), [], event);
    assert.deepEqual(cache.apply(event, { id: "1" }).changes, [], event);
  }
});

Deno.test("a payload key __proto__ is dropped from cached copies", () => {
  // Deno has no __proto__ accessor, so the copy got an own "__proto__" key
  // (stored and sent on to Redis); where the accessor exists (Node), the
  // same assignment would have replaced the copy's prototype.
  const cache = new MemoryCache();
  cache.apply(
    "GUILD_CREATE",
    JSON.parse(
      '{"id":"1","name":"G","__proto__":{"owner_id":"666"},"channels":[],"roles":[]}',
    ),
  );
  cache.apply(
    "VOICE_STATE_UPDATE",
    JSON.parse(
      '{"guild_id":"1","user_id":"2","channel_id":"3","__proto__":{"mute":true}}',
    ),
  );
  for (const value of [cache.guild("1")!, cache.voiceState("1", "2")!]) {
    assert.equal(Object.hasOwn(value, "__proto__"), false);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  }
});

Deno.test("GUILD_DELETE: unavailable keeps the guild marked, removed takes everything", () => {
  const config = { resources: new Set(CACHE_RESOURCES) };
  const guild = { id: "1", name: "g" };
  const lookup = {
    get: (kind: string) => kind === "guild" ? guild : undefined,
    ids: () => [],
  };
  const outage = reduceDispatch(lookup, "GUILD_DELETE", {
    id: "1",
    unavailable: true,
  }, config);
  assert.deepEqual(outage.changes, [{
    op: "set",
    kind: "guild",
    scope: "",
    id: "1",
    value: { id: "1", name: "g", unavailable: true },
  }]);
  const removed = reduceDispatch(lookup, "GUILD_DELETE", { id: "1" }, config);
  assert.deepEqual(removed.changes, [{ op: "remove_guild", id: "1" }]);
  assert.equal(removed.old, guild);
});

Deno.test("GUILD_UPDATE adds no guild the cache does not hold, and its row says it creates nothing", () => {
  assert.deepEqual(EVENT_CACHE_EFFECTS.GUILD_UPDATE!.creates, []);
  const cache = new MemoryCache({ resources: ["guilds"] });
  const update = cache.apply("GUILD_UPDATE", { id: "5", name: "Renamed" });
  assert.equal(cache.guild("5"), undefined);
  assert.deepEqual(update.changes, []);
});
