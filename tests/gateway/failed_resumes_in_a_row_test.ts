// Three failed RESUMEs in a row, and only failed ones, start a new session:
// a RESUME counts as failed only when it was sent and the connection ended
// with no RESUMED and no replay. op 7 (Discord asking to resume), a drop in
// the middle of a replay and a drop after a successful RESUME all say the
// session lives; counted, they made the shard IDENTIFY and lose the events
// Discord still held. A RESUMED starts the count again.
import assert from "node:assert/strict";
import type { FakeSocket } from "../../testing/fake_socket.ts";
import { runUntil } from "../_fakes/run_until.ts";
import {
  dispatch,
  type Harness,
  hello,
  readyHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";

/** The RESUME (6) and IDENTIFY (2) ops a socket sent. */
function handshakeOps(socket: FakeSocket): number[] {
  return sentOps(socket).filter((op) => op === 6 || op === 2);
}

/**
 * Wait for the connection after `socket`'s, play HELLO and wait for its
 * RESUME or IDENTIFY.
 *
 * @returns The new socket.
 */
async function nextHandshake(
  h: Harness,
  socket: FakeSocket,
): Promise<FakeSocket> {
  await runUntil(h.scheduler, () => h.socket() !== socket);
  const next = h.socket();
  hello(next);
  await runUntil(h.scheduler, () => handshakeOps(next).length > 0);
  return next;
}

/** A ready shard with sequence 2 whose connection just dropped (1006). */
async function droppedSession(): Promise<[Harness, FakeSocket]> {
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  const socket = h.socket();
  socket.serverClose(1006);
  return [h, socket];
}

Deno.test("Shard keeps resuming when Discord answers each RESUME with op 7 before RESUMED", async () => {
  let [h, socket] = await droppedSession();
  const ops: number[][] = [];
  for (let i = 0; i < 4; i++) {
    socket = await nextHandshake(h, socket);
    ops.push(handshakeOps(socket));
    socket.receive({ op: 7, d: null });
    await h.settle();
  }
  assert.deepEqual(ops, [[6], [6], [6], [6]]);
  await h.shard.close();
});

Deno.test("Shard keeps resuming when each connection drops in the middle of its replay", async () => {
  let [h, socket] = await droppedSession();
  const ops: number[][] = [];
  for (let i = 0; i < 4; i++) {
    socket = await nextHandshake(h, socket);
    ops.push(handshakeOps(socket));
    // The replay: the overlap with what came before, then a new event.
    dispatch(socket, 2);
    dispatch(socket, 3 + i);
    await h.settle();
    socket.serverClose(1006);
    await h.settle();
  }
  assert.deepEqual(ops, [[6], [6], [6], [6]]);
  assert.equal(h.shard.sequence, 6);
  await h.shard.close();
});

Deno.test("Shard does not count a RESUME that succeeded (nothing to replay) and dropped later as a failed one", async () => {
  let [h, socket] = await droppedSession();
  socket = await nextHandshake(h, socket);
  socket.receive({ op: 0, s: null, t: "RESUMED", d: {} });
  await h.settle();
  assert.equal(h.shard.status, "ready");
  socket.serverClose(1006);
  // Two RESUMEs that go unanswered: with the one above, three in a row
  // were sent, but only two failed.
  const ops: number[][] = [];
  for (let i = 0; i < 3; i++) {
    socket = await nextHandshake(h, socket);
    ops.push(handshakeOps(socket));
    socket.serverClose(1006);
    await h.settle();
  }
  assert.deepEqual(ops, [[6], [6], [6]]);
  await h.shard.close();
});

Deno.test("Shard counts failed RESUMEs in a row: a RESUMED starts the count again", async () => {
  let [h, socket] = await droppedSession();
  const ops: number[][] = [];
  for (let i = 0; i < 2; i++) {
    socket = await nextHandshake(h, socket);
    ops.push(handshakeOps(socket));
    socket.serverClose(1006);
    await h.settle();
  }
  socket = await nextHandshake(h, socket);
  ops.push(handshakeOps(socket));
  socket.receive({ op: 0, s: null, t: "RESUMED", d: {} });
  await h.settle();
  assert.equal(h.shard.status, "ready");
  socket.serverClose(1006);
  // Three RESUMEs after it, the third after two failures: had the two
  // before the RESUMED still counted, the second would already IDENTIFY.
  for (let i = 0; i < 3; i++) {
    socket = await nextHandshake(h, socket);
    ops.push(handshakeOps(socket));
    socket.serverClose(1006);
    await h.settle();
  }
  assert.deepEqual(ops, [[6], [6], [6], [6], [6], [6]]);
  await h.shard.close();
});

Deno.test("Shard does not count a RESUME its closing socket did not take as a failed one", async () => {
  let [h, socket] = await droppedSession();
  for (let i = 0; i < 4; i++) {
    await runUntil(
      h.scheduler,
      () => h.socket() !== socket && h.socket().state === "open",
    );
    socket = h.socket();
    // The close frame is in: the socket takes no frame, the RESUME neither.
    Object.assign(socket, { send: () => false });
    hello(socket);
    await h.settle();
    socket.serverClose(1006);
  }
  socket = await nextHandshake(h, socket);
  assert.deepEqual(handshakeOps(socket), [6], "still resuming");
  assert.equal(h.shard.sessionId, "session-1");
  await h.shard.close();
});
