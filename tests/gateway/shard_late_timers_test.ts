// A shard whose event loop was blocked (a synchronous handler, a throttled
// container) runs its overdue timers before it reads what arrived meanwhile:
// the heartbeat ACK or READY waiting unread must not be judged missing. A
// timer run late at all waits a quarter second, then decides (said when it
// was over a second late); an exactly on-time one decides at once. The loop is blocked with the
// BlockedLoop scheduler (timers due in the block run at its end, late); the
// test plays the socket's unread frame after the block, as the runtime reads
// it after the timers.
import assert from "node:assert/strict";
import {
  createHarness,
  dispatch,
  type Harness,
  hello,
  INTERVAL,
  ready,
  readyHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { BlockedLoop } from "../fleet/_blocked_loop.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  BLOCKED_LOOP_MS,
  LATE_VERDICT_GRACE_MS,
} from "../../base/blocked_loop.ts";
import { DEFAULT_TIMEOUTS } from "../../gateway/shard_options.ts";
import type { FakeSocket } from "../../testing/fake_socket.ts";

/** The first heartbeat's time after HELLO (the harness's jitter is 0.5). */
const FIRST_HEARTBEAT = INTERVAL / 2;

interface Blockable {
  clock: VirtualScheduler;
  loop: BlockedLoop;
}

function blockable(): Blockable {
  const clock = new VirtualScheduler();
  return { clock, loop: new BlockedLoop(clock) };
}

function heartbeats(h: Harness): number {
  return sentOps(h.socket()).filter((op) => op === 1).length;
}

/**
 * A ready shard whose first heartbeat went out unanswered, then whose loop
 * was blocked from 1 s before the second heartbeat to `late` ms past it.
 */
async function blockedAtSecondHeartbeat(
  late: number,
): Promise<Blockable & { h: Harness; first: FakeSocket; lines: string[] }> {
  const { clock, loop } = blockable();
  const h = await readyHarness({ scheduler: loop });
  await clock.advance(FIRST_HEARTBEAT);
  assert.equal(heartbeats(h), 1);
  await clock.advance(INTERVAL - 1_000);
  const first = h.socket();
  const lines = await captureStderr(() => loop.block(1_000 + late));
  return { clock, loop, h, first, lines };
}

Deno.test("Shard: a heartbeat tick run late by a blocked loop reads the ACK that waited unread, and sends its heartbeat instead of resuming", async () => {
  const { clock, h, first: socket, lines } = await blockedAtSecondHeartbeat(
    4_000,
  );
  // The ACK the server sent during the block, read after the late tick.
  socket.receive({ op: 11, d: null });
  const after = await captureStderr(() => clock.advance(LATE_VERDICT_GRACE_MS));
  assert.equal(socket.clientCloseCode, undefined, "not closed as a zombie");
  assert.equal(h.transport.sockets.length, 1, "no reconnect");
  assert.equal(heartbeats(h), 2, "the late tick's heartbeat went out");
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(after, []);
  // Said once, with the lateness, in the fleet's words.
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /event loop was blocked for at least 4000 ms, or the process was paused .*heartbeat ran late; deciding in 250 ms/,
  );
  await h.shard.close();
});

Deno.test("Shard: a late heartbeat tick whose ACK really is missing still resumes, after the grace", async () => {
  const { clock, h, first: socket } = await blockedAtSecondHeartbeat(4_000);
  await clock.advance(LATE_VERDICT_GRACE_MS - 1);
  assert.equal(socket.clientCloseCode, undefined, "still within the grace");
  await clock.advance(1);
  assert.equal(socket.clientCloseCode, 4000, "a zombie: closed to resume");
  await clock.advance(0);
  assert.equal(h.transport.sockets.length, 2);
  hello(h.socket());
  await h.settle();
  assert.deepEqual(sentOps(h.socket()), [6], "RESUME, not IDENTIFY");
  await h.shard.close();
});

Deno.test("Shard: a shard closed while a late heartbeat tick waits out its grace leaves no timer behind", async () => {
  const { clock, h, lines } = await blockedAtSecondHeartbeat(4_000);
  assert.equal(lines.length, 1, "the verdict was deferred");
  await h.shard.close();
  assert.equal(clock.pending, 0, "a timer outlived close()");
});

Deno.test("Shard: a late heartbeat tick that heard from the server sends its heartbeat at once", async () => {
  const { clock, loop } = blockable();
  const h = await readyHarness({ scheduler: loop });
  await clock.advance(FIRST_HEARTBEAT);
  dispatch(h.socket(), 2); // read before the block: the connection lives
  await clock.advance(INTERVAL - 1_000);
  const lines = await captureStderr(() => loop.block(5_000));
  assert.equal(heartbeats(h), 2, "sent when the loop was freed");
  assert.deepEqual(lines, [], "nothing deferred, nothing said");
  await h.shard.close();
});

// A block that began before the tick was due leaves it late by less than
// the block: the ACK that came during the block still waits unread. Late by
// no more than BLOCKED_LOOP_MS, it waits the grace all the same, unsaid.
Deno.test("Shard: a heartbeat tick late by a second or less reads the ACK that waited unread, and says nothing", async () => {
  const { clock, h, first, lines } = await blockedAtSecondHeartbeat(
    BLOCKED_LOOP_MS,
  );
  first.receive({ op: 11, d: null }); // sent during the block, read after it
  await clock.advance(LATE_VERDICT_GRACE_MS);
  assert.equal(first.clientCloseCode, undefined, "not closed as a zombie");
  assert.equal(heartbeats(h), 2, "the heartbeat went out after the grace");
  assert.deepEqual(lines, []);
  await h.shard.close();
});

Deno.test("Shard: a heartbeat tick exactly on time without an ACK resumes at once", async () => {
  const { clock, loop } = blockable();
  const h = await readyHarness({ scheduler: loop });
  await clock.advance(FIRST_HEARTBEAT);
  const first = h.socket();
  await clock.advance(INTERVAL);
  assert.equal(first.clientCloseCode, 4000);
  await h.shard.close();
});

/** A shard that sent IDENTIFY and waits for READY on `loop`. */
async function identified(
  loop: BlockedLoop,
): Promise<{ h: Harness; connected: Promise<void> }> {
  const h = createHarness({ scheduler: loop });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  assert.deepEqual(sentOps(h.socket()), [2]);
  return { h, connected };
}

Deno.test("Shard: a READY timeout run late by a blocked loop reads the READY that waited unread, and identifies once", async () => {
  const { clock, loop } = blockable();
  const { h, connected } = await identified(loop);
  const lines = await captureStderr(() =>
    loop.block(DEFAULT_TIMEOUTS.ready + 3_000)
  );
  const socket = h.transport.sockets[0]!;
  ready(socket); // sent by the server during the block, read after it
  await clock.advance(LATE_VERDICT_GRACE_MS);
  assert.equal(socket.clientCloseCode, undefined);
  assert.equal(h.transport.sockets.length, 1, "no reconnect");
  const identifies = h.transport.sockets.flatMap(sentOps).filter((op) =>
    op === 2
  );
  assert.equal(identifies.length, 1, "one IDENTIFY: no session start burned");
  assert.deepEqual(h.errors.map((e) => e.kind), []);
  assert.equal(h.shard.status, "ready");
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /blocked for at least 3000 ms.*READY timeout/);
  await connected;
  await h.shard.close();
});

Deno.test("Shard: a READY timeout late by a second or less reads the READY that waited unread, and says nothing", async () => {
  const { clock, loop } = blockable();
  const { h, connected } = await identified(loop);
  const lines = await captureStderr(() =>
    loop.block(DEFAULT_TIMEOUTS.ready + BLOCKED_LOOP_MS)
  );
  const socket = h.transport.sockets[0]!;
  ready(socket);
  await clock.advance(LATE_VERDICT_GRACE_MS);
  assert.equal(socket.clientCloseCode, undefined);
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(lines, []);
  await connected;
  await h.shard.close();
});

Deno.test("Shard: a late READY timeout with no READY coming still reconnects, after the grace", async () => {
  const { clock, loop } = blockable();
  const { h, connected } = await identified(loop);
  connected.catch(() => {});
  await captureStderr(() => loop.block(DEFAULT_TIMEOUTS.ready + 3_000));
  await captureStderr(() => clock.advance(LATE_VERDICT_GRACE_MS - 1));
  assert.deepEqual(h.errors.map((e) => e.kind), []);
  await captureStderr(() => clock.advance(1));
  assert.deepEqual(h.errors.map((e) => e.kind), ["timeout"]);
  assert.notEqual(h.transport.sockets[0]!.clientCloseCode, undefined);
  await h.shard.close();
});

Deno.test("Shard: a READY timeout on time fails at once, as before", async () => {
  const { clock, loop } = blockable();
  const { h, connected } = await identified(loop);
  connected.catch(() => {});
  await captureStderr(() => clock.advance(DEFAULT_TIMEOUTS.ready));
  assert.deepEqual(h.errors.map((e) => e.kind), ["timeout"]);
  await h.shard.close();
});
