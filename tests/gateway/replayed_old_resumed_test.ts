import assert from "node:assert/strict";
import { withLogRecords } from "../_fakes/log_records.ts";
import {
  dispatch,
  type Harness,
  hello,
  readyHarness,
} from "../_fakes/shard_harness.ts";

/**
 * A ready shard that took events 2 to 5, lost its connection and sent a
 * RESUME on the next one: the harness, and each event it delivers as
 * `NAME:sequence`.
 */
async function resumingAfterFive(): Promise<{ h: Harness; seen: string[] }> {
  const h = await readyHarness({ recordDispatches: false });
  const seen: string[] = [];
  h.shard.on(
    "dispatch",
    (event) => seen.push(`${event.name}:${event.sequence}`),
  );
  for (let s = 2; s <= 5; s++) dispatch(h.socket(), s);
  h.socket().drop();
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  assert.equal(h.socket().sentPayloads()[0]?.op, 6);
  return { h, seen };
}

Deno.test("Shard drops a RESUMED older than its sequence in a replay's overlap: one RESUMED per RESUME, ready only at the real one", async () => {
  // A server replaying from before the RESUME's sequence may include the
  // RESUMED that answered an earlier RESUME. Taken as this RESUME's answer,
  // it was delivered (renumbered) besides the real one, and the shard was
  // "ready" in the middle of the replay.
  const { h, seen } = await resumingAfterFive();
  assert.equal(h.shard.status, "resuming");
  h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: null });
  assert.equal(h.shard.status, "resuming", "an old RESUMED answers nothing");
  dispatch(h.socket(), 5);
  dispatch(h.socket(), 6);
  assert.equal(h.shard.status, "resuming");
  h.socket().receive({ op: 0, s: 7, t: "RESUMED", d: null });
  assert.equal(h.shard.status, "ready");
  dispatch(h.socket(), 8);
  assert.deepEqual(seen, [
    "MESSAGE_CREATE:2",
    "MESSAGE_CREATE:3",
    "MESSAGE_CREATE:4",
    "MESSAGE_CREATE:5",
    "MESSAGE_CREATE:6",
    "RESUMED:7",
    "MESSAGE_CREATE:8",
  ]);
  assert.equal(h.shard.sequence, 8);
  assert.deepEqual(h.errors, []);
  await h.shard.close();
});

Deno.test("Shard drops an old RESUMED once resumed without saying the gateway went backwards", async () => {
  // An earlier RESUME's answer arriving after this one's is no sign of a
  // gateway renumbering events: dropped silently, the events after it
  // still taken.
  await withLogRecords(async (records) => {
    const { h, seen } = await resumingAfterFive();
    h.socket().receive({ op: 0, s: 6, t: "RESUMED", d: null });
    assert.equal(h.shard.status, "ready");
    h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: null });
    dispatch(h.socket(), 7);
    assert.equal(h.shard.status, "ready");
    assert.equal(h.shard.sequence, 7);
    assert.deepEqual(seen.slice(-2), ["RESUMED:6", "MESSAGE_CREATE:7"]);
    const said = records.map((record) => record.message.join(""));
    assert.deepEqual(said.filter((line) => /went backwards/.test(line)), []);
    assert.deepEqual(h.errors, []);
    await h.shard.close();
  });
});
