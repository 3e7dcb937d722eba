import assert from "node:assert/strict";
import type { RawShardDispatch } from "../../gateway/shard.ts";
import {
  createHarness,
  dispatch,
  type Harness,
  hello,
  ready,
} from "../_fakes/shard_harness.ts";

/** A frame whose envelope reads fine but whose `d` is not JSON. */
function badData(s: number, t: string): string {
  return `{"t":"${t}","s":${s},"op":0,"d":{"id":}}`;
}

async function filteredHarness(
  events: string[],
): Promise<Harness & { delivered: string[] }> {
  const h = createHarness({ recordDispatches: false });
  const delivered: string[] = [];
  h.shard.on(
    "dispatch",
    (event) => delivered.push(`${event.sequence} ${event.name}`),
    {
      events,
    },
  );
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket());
  await connected;
  return { ...h, delivered };
}

Deno.test("Shard never parses a dispatch no listener wants, but tracks its sequence", async () => {
  const h = await filteredHarness(["MESSAGE_CREATE"]);
  h.socket().receive(badData(2, "TYPING_START"));
  assert.equal(h.errors.length, 0, "the unwanted frame was not parsed");
  assert.equal(h.shard.sequence, 2);
  dispatch(h.socket(), 3, "MESSAGE_CREATE");
  assert.deepEqual(h.delivered, ["3 MESSAGE_CREATE"]);
  await h.shard.close();
});

Deno.test("Shard parses wanted dispatches and resumes when one is undecodable", async () => {
  const h = await filteredHarness(["MESSAGE_CREATE"]);
  h.socket().receive(badData(2, "MESSAGE_CREATE"));
  assert.equal(h.errors[0]?.kind, "decode");
  assert.equal(h.shard.sequence, 1, "the bad frame's sequence is not taken");
  await h.shard.close();
});

Deno.test("Shard refuses a wanted frame that repeats op after d with another value, as the parsed path does", async () => {
  const h = await filteredHarness(["MESSAGE_CREATE"]);
  h.socket().receive(
    '{"t":"MESSAGE_CREATE","s":2,"op":0,"d":{"content":"m2"},"op":{"x":1}}',
  );
  assert.deepEqual(h.delivered, []);
  assert.equal(h.errors[0]?.kind, "decode");
  assert.equal(h.shard.sequence, 1, "resumed from before it");
  await h.shard.close();
});

Deno.test("A raw listener gets every dispatch's text without a parse", async () => {
  const h = await filteredHarness(["MESSAGE_CREATE"]);
  const raw: RawShardDispatch[] = [];
  h.shard.on("raw", (event) => raw.push(event));
  const frame = badData(2, "TYPING_START");
  h.socket().receive(frame);
  assert.deepEqual(raw, [{
    shardId: 0,
    name: "TYPING_START",
    sequence: 2,
    text: frame,
  }]);
  assert.equal(h.errors.length, 0);
  await h.shard.close();
});

Deno.test("Shard stops peeking while nearly every dispatch is wanted, and peeks again when not", async () => {
  const h = await filteredHarness(["MESSAGE_CREATE"]);
  let s = 1;
  for (let i = 0; i < 256; i++) dispatch(h.socket(), ++s, "MESSAGE_CREATE");
  // All wanted: parsing first is cheaper, so an unwanted frame is now parsed.
  h.socket().receive(badData(++s, "TYPING_START"));
  assert.equal(h.errors[0]?.kind, "decode");
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  s--; // the bad frame was not taken; Discord replays from here
  h.socket().receive({ op: 0, s: ++s, t: "RESUMED", d: null });
  // While parsing first the shard samples 256 of every 4096 dispatches; a
  // period of unwanted ones is enough to make peeking pay again.
  for (let i = 0; i < 4096 + 256; i++) {
    dispatch(h.socket(), ++s, "TYPING_START");
  }
  assert.equal(h.errors.length, 1);
  // Mostly unwanted: peeking pays again, so a bad unwanted frame is skipped.
  h.socket().receive(badData(++s, "TYPING_START"));
  assert.equal(h.errors.length, 1);
  assert.equal(h.shard.sequence, s);
  await h.shard.close();
});

Deno.test("Removing the last listener for an event stops its parsing", async () => {
  const h = createHarness({ recordDispatches: false });
  const off = h.shard.on("dispatch", () => {}, { events: ["TYPING_START"] });
  assert.equal(h.shard.wants("TYPING_START"), true);
  assert.equal(h.shard.wants("MESSAGE_CREATE"), false);
  off();
  assert.equal(h.shard.wants("TYPING_START"), false);
  const offAll = h.shard.on("dispatch", () => {});
  assert.equal(h.shard.wants("ANYTHING"), true);
  offAll();
  assert.equal(h.shard.wants("ANYTHING"), false);
  await h.shard.close();
});
