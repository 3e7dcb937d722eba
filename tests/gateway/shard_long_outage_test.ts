// A shard with a session that cannot reconnect rides a short outage out
// without a word (LogTape only), says a long one once on stderr, and says
// (an info line) when it is connected again and stayed up. An op 9 once it
// is back waits as a first one does, not as long as the outage's backoff had
// grown.
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";
import {
  createHarness,
  type Harness,
  hello,
  INTERVAL,
  ready,
  readyManualHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";

/**
 * Answer the newest socket's heartbeats for two intervals: the connection
 * stays up, which is what ends an outage.
 */
async function stayUp(h: Harness): Promise<void> {
  const socket = h.socket();
  let answered = 0;
  for (let elapsed = 0; elapsed < 2 * INTERVAL + 5_000; elapsed += 5_000) {
    await h.scheduler.advance(5_000);
    const sent = sentOps(socket).filter((op) => op === 1).length;
    for (; answered < sent; answered++) socket.receive({ op: 11, d: null });
  }
}

/** Refuse the connect in progress, and run until the next one starts. */
async function refuseAndWait(h: Harness): Promise<void> {
  const count = h.transport.sockets.length;
  h.socket().refuse();
  await runUntil(h.scheduler, () => h.transport.sockets.length > count);
}

Deno.test("Shard says on stderr, once, that it has had no connection for a minute, and when it is back", async () => {
  const h = await readyManualHarness();
  const downAt = h.scheduler.now();
  const short = await captureStderr(async () => {
    const count = h.transport.sockets.length;
    h.socket().serverClose(4000);
    await runUntil(h.scheduler, () => h.transport.sockets.length > count);
    // Every reconnect fails (a DNS or egress change): 1, 2, 4 … s apart.
    while (h.scheduler.now() - downAt < 30_000) await refuseAndWait(h);
    await h.scheduler.advance(downAt + 59_000 - h.scheduler.now());
  });
  assert.deepEqual(short, [], "a short outage is ridden out unseen");
  const long = await captureStderr(async () => {
    for (let i = 0; i < 3; i++) await refuseAndWait(h);
  });
  assert.equal(long.length, 1, long.join("\n"));
  assert.match(
    long[0]!,
    /^\[WRN\] disruption·gateway·shard: Shard 0 has not reached the gateway for \d+ s .*still trying/,
  );
  const back = await captureStderr(async () => {
    h.socket().open();
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 0, s: 2, t: "RESUMED", d: null });
    await runUntil(h.scheduler, () => h.shard.status === "ready");
    await stayUp(h);
  });
  assert.equal(back.length, 1, back.join("\n"));
  assert.match(
    back[0]!,
    /^\[INF\] disruption·gateway·shard: Shard 0 is connected again after \d+ s \(resumed\)$/,
  );
  await h.shard.close();
});

Deno.test("Shard waits 1-5 s after op 9 d:false that follows an outage of refused connects, not the outage's backoff", async () => {
  const h = await readyManualHarness();
  const count = h.transport.sockets.length;
  h.socket().serverClose(4000);
  await runUntil(h.scheduler, () => h.transport.sockets.length > count);
  // Six refused connects: the reconnect backoff is at 32 s by now.
  for (let i = 0; i < 6; i++) await refuseAndWait(h);
  // The network is back, the session is not: the RESUME gets op 9.
  h.socket().open();
  hello(h.socket());
  await h.settle();
  assert.equal(h.socket().sentPayloads()[0]?.op, 6);
  const invalidatedAt = h.scheduler.now();
  const before = h.transport.sockets.length;
  h.socket().receive({ op: 9, d: false });
  await runUntil(h.scheduler, () => h.transport.sockets.length > before);
  // 1-5 s (3 s with random 0.5), as after any first op 9.
  assert.equal(h.scheduler.now() - invalidatedAt, 3000);
  await h.shard.close();
});

Deno.test("Shard says on stderr, once, that it has not started a first session for a minute when every connection closes before HELLO (a proxy before a dead gateway), naming the close", async () => {
  const h = createHarness();
  void h.shard.connect().catch(() => {});
  const startedAt = h.scheduler.now();
  const lines = await captureStderr(async () => {
    while (h.scheduler.now() - startedAt < 120_000) {
      await h.settle();
      const count = h.transport.sockets.length;
      h.socket().serverClose(1006, "");
      await runUntil(h.scheduler, () => h.transport.sockets.length > count);
    }
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /^\[WRN\] disruption·gateway·shard: Shard 0 has not started a session for \d+ s \(the last attempt: closed with 1006\); still trying/,
  );
  const back = await captureStderr(async () => {
    await h.settle();
    hello(h.socket());
    await h.settle();
    ready(h.socket());
    await runUntil(h.scheduler, () => h.shard.status === "ready");
    await stayUp(h);
  });
  assert.equal(back.length, 1, back.join("\n"));
  assert.match(
    back[0]!,
    /^\[INF\] disruption·gateway·shard: Shard 0 is connected again after \d+ s \(new session\)$/,
  );
  await h.shard.close();
});
