// Shard.pause() holds a running shard off the gateway without ending it:
// the connection closes resumably, nothing reconnects until the pause ends
// (every pause, when several consumers paused), and commands, connect()
// callers and the session all wait for the RESUME.
import assert from "node:assert/strict";
import {
  createHarness,
  dispatch,
  hello,
  INTERVAL,
  ready,
  readyHarness,
  sendUntilPaused,
  sentOps,
} from "../_fakes/shard_harness.ts";
import { GatewayOpcode } from "../../types/opcodes.ts";

Deno.test("Shard.pause closes resumably and opens nothing until the pause ends, which RESUMEs with the queued commands kept", async () => {
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  const first = h.socket();
  const resumeShard = h.shard.pause();
  assert.equal(h.shard.paused, true);
  assert.equal(h.shard.status, "reconnecting");
  assert.equal(first.clientCloseCode, 4000);
  const sent = h.shard.updatePresence({
    since: null,
    activities: [],
    status: "idle",
    afk: false,
  });
  let settled: string | undefined;
  sent.then(() => settled = "written", () => settled = "rejected");
  const waiting = h.shard.connect(); // waits for the resume, does not end it
  await h.scheduler.advance(10 * INTERVAL);
  assert.equal(h.transport.sockets.length, 1, "no connection while paused");
  assert.equal(settled, undefined);
  assert.equal(h.shard.paused, true);

  resumeShard();
  await h.settle();
  assert.equal(h.transport.sockets.length, 2);
  hello(h.socket());
  await h.settle();
  const resume = h.socket().sentPayloads().find((p) =>
    p.op === GatewayOpcode.Resume
  );
  assert.deepEqual((resume?.d as { seq: number }).seq, 2);
  h.socket().receive({ op: 0, s: 3, t: "RESUMED", d: {} });
  await waiting;
  await h.settle();
  assert.equal(settled, "written");
  assert.ok(sentOps(h.socket()).includes(GatewayOpcode.PresenceUpdate));
  assert.equal(h.shard.paused, false);
  await h.shard.close();
});

Deno.test("Shard.pause does nothing on a shard that does not run; close() ends a pause for good", async () => {
  const idle = createHarness();
  idle.shard.pause()(); // ending it is harmless too
  assert.equal(idle.shard.paused, false);
  assert.equal(idle.shard.status, "idle");

  const h = await readyHarness();
  const resumeShard = h.shard.pause();
  await h.shard.close();
  assert.equal(h.shard.paused, false);
  resumeShard();
  await h.scheduler.advance(10 * INTERVAL);
  assert.equal(h.shard.status, "closed");
  assert.equal(
    h.transport.sockets.length,
    1,
    "ending the pause after close() opens nothing",
  );
});

Deno.test("Pauses stack: the shard stays off the gateway until every pause has ended, in either order, and ending one twice ends nothing else", async () => {
  for (const firstEndsFirst of [true, false]) {
    const h = await readyHarness();
    const first = h.shard.pause();
    const second = h.shard.pause();
    const [early, late] = firstEndsFirst ? [first, second] : [second, first];
    early();
    early(); // once only: does not end the other pause
    await h.scheduler.advance(10 * INTERVAL);
    assert.equal(h.shard.paused, true, `first ends first: ${firstEndsFirst}`);
    assert.equal(h.transport.sockets.length, 1, "still no connection");
    late();
    assert.equal(h.shard.paused, false);
    await h.settle();
    assert.equal(h.transport.sockets.length, 2, "reconnecting to RESUME");
    await h.shard.close();
  }
});

Deno.test("Shard.pause cancels a pending reconnect: a dropped connection is not reopened while paused", async () => {
  const h = await readyHarness();
  h.socket().drop();
  await h.settle();
  assert.equal(h.shard.status, "reconnecting");
  const resumeShard = h.shard.pause();
  await h.scheduler.advance(120_000);
  assert.equal(h.transport.sockets.length, 1);
  resumeShard();
  await h.settle();
  assert.equal(h.transport.sockets.length, 2);
  await h.shard.close();
});

Deno.test("The end of a pause keeps the reconnect wait a pause interrupted (backoff after failed attempts)", async () => {
  const h = createHarness({ autoOpen: false });
  const connected = h.shard.connect();
  connected.catch(() => {});
  await h.settle();
  for (let i = 0; i < 5; i++) {
    h.socket().refuse();
    await h.settle();
    if (i < 4) {
      await h.scheduler.advance(h.scheduler.nextDue! - h.scheduler.now());
    }
  }
  const due = h.scheduler.nextDue!;
  assert.ok(due - h.scheduler.now() > 1000, "a backoff is pending");
  const sockets = h.transport.sockets.length;
  h.shard.pause()();
  await h.settle();
  assert.equal(h.transport.sockets.length, sockets, "not at once");
  await h.scheduler.advance(due - h.scheduler.now());
  assert.equal(h.transport.sockets.length, sockets + 1, "when it was due");
  await h.shard.close();
});

Deno.test("A state listener that pauses the shard on 'ready' still gets READY delivered, and the RESUME follows it", async () => {
  const h = createHarness();
  let resumeShard: (() => void) | undefined;
  h.shard.on("state", ({ current }) => {
    if (current === "ready" && resumeShard === undefined) {
      resumeShard = h.shard.pause();
    }
  });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket());
  await h.settle();
  assert.equal(h.shard.paused, true);
  assert.deepEqual(h.dispatches.map((d) => d.name), ["READY"]);
  resumeShard!();
  await h.settle();
  hello(h.socket());
  await h.settle();
  const resume = h.socket().sentPayloads().find((p) =>
    p.op === GatewayOpcode.Resume
  );
  assert.equal((resume?.d as { seq: number }).seq, 1);
  h.socket().receive({ op: 0, s: 2, t: "RESUMED", d: {} });
  await connected;
  await h.shard.close();
});

Deno.test("A dispatch stream read too slowly pauses its shard past 16 MiB; read down to a quarter, the shard RESUMEs; every event once, in order", async () => {
  const h = await readyHarness();
  const reader = h.shard.dispatches().getReader();
  const last = sendUntilPaused(h);
  // 16 events of a little over 1 MiB: past the 16 MiB bound.
  assert.equal(last, 17, "paused once 16 MiB wait unread");
  assert.equal(h.transport.sockets.at(-1)!.clientCloseCode, 4000);
  const read: number[] = [];
  while (h.transport.sockets.length === 1 && read.length < last) {
    read.push((await reader.read()).value!.sequence);
    await h.settle();
  }
  assert.equal(h.shard.paused, false);
  assert.equal(last - read.length, 4, "resumed with a quarter unread");
  hello(h.socket());
  await h.settle();
  const resume = h.socket().sentPayloads().find((p) =>
    p.op === GatewayOpcode.Resume
  );
  assert.equal((resume?.d as { seq: number }).seq, last);
  h.socket().receive({ op: 0, s: last + 1, t: "RESUMED", d: {} });
  dispatch(h.socket(), last + 2);
  while (read.at(-1) !== last + 2) {
    read.push((await reader.read()).value!.sequence);
  }
  // The events, RESUMED, then the event after it: each once, in order.
  assert.deepEqual(read, Array.from({ length: last + 1 }, (_, i) => i + 2));
  await reader.cancel();
  await h.shard.close();
});

Deno.test("Two slow dispatch streams of one shard: the shard resumes only once both have read down to a quarter", async () => {
  const h = await readyHarness();
  const fast = h.shard.dispatches().getReader();
  const slow = h.shard.dispatches().getReader();
  const last = sendUntilPaused(h);
  // The first reader catches up entirely; the second has read nothing.
  for (let i = 2; i <= last; i++) await fast.read();
  await h.settle();
  assert.equal(h.shard.paused, true, "the slow reader still holds it");
  assert.equal(h.transport.sockets.length, 1);
  for (let i = 2; i <= last - 3; i++) await slow.read(); // 3 MiB unread
  await h.settle();
  assert.equal(h.shard.paused, false);
  assert.equal(h.transport.sockets.length, 2, "reconnecting to RESUME");
  await fast.cancel();
  await slow.cancel();
  await h.shard.close();
});

Deno.test("Cancelling a dispatch stream that paused its shard resumes the shard", async () => {
  const h = await readyHarness();
  const stream = h.shard.dispatches();
  sendUntilPaused(h);
  await stream.cancel();
  assert.equal(h.shard.paused, false);
  await h.settle();
  assert.equal(h.transport.sockets.length, 2, "reconnecting to RESUME");
  await h.shard.close();
});
