// The Shard tells its session pacer how long each session lasted: sessions
// that each stayed up HEALTHY_SESSION or longer are no storm of new
// sessions, so a new one after them (here after 4009, session timed out)
// IDENTIFYs at once instead of waiting FIRST_SESSION_WAIT and more.
import assert from "node:assert/strict";
import {
  FIRST_SESSION_WAIT,
  FREE_SESSIONS,
  HEALTHY_SESSION,
} from "../../gateway/session_pacer.ts";
import type { FakeSocket } from "../../testing/fake_socket.ts";
import { runUntil } from "../_fakes/run_until.ts";
import {
  type Harness,
  hello,
  ready,
  readyHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";

/** Advance `ms`, answering each heartbeat `socket` sends with an ACK. */
async function stayUp(
  h: Harness,
  socket: FakeSocket,
  ms: number,
): Promise<void> {
  let answered = 0;
  for (let elapsed = 0; elapsed < ms; elapsed += 5_000) {
    await h.scheduler.advance(5_000);
    const sent = sentOps(socket).filter((op) => op === 1).length;
    for (; answered < sent; answered++) socket.receive({ op: 11, d: null });
  }
}

Deno.test("Shard does not make a new session wait after sessions that each stayed up healthy", async () => {
  const h = await readyHarness();
  let socket = h.socket();
  const waits: number[] = [];
  // Past the free sessions a pacer never told they were healthy waits
  // FIRST_SESSION_WAIT doubling, from the last session's start: enough
  // sessions for that wait to outlast a session of 11 minutes.
  for (let i = 0; i < FREE_SESSIONS + 7; i++) {
    await stayUp(h, socket, HEALTHY_SESSION + 60_000);
    assert.equal(h.shard.status, "ready");
    socket.serverClose(4009);
    const closedAt = h.scheduler.now();
    await runUntil(h.scheduler, () => h.socket() !== socket);
    socket = h.socket();
    hello(socket);
    await runUntil(h.scheduler, () => sentOps(socket).includes(2));
    waits.push(h.scheduler.now() - closedAt);
    ready(socket, 1, `session-${i + 2}`);
    await h.settle();
  }
  assert.ok(waits.every((wait) => wait < FIRST_SESSION_WAIT), `${waits}`);
  await h.shard.close();
});
