// Which heartbeat a heartbeat ACK answers (Discord ACKs each, in order), as
// `latency` and `lastAckAt` show it, and the interval HELLO gave: what a
// reshard's read barrier reads to know an old shard has read everything.
import assert from "node:assert/strict";
import {
  createHarness,
  dispatch,
  hello,
  INTERVAL,
  readyHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";
import {
  readBarrier,
  type ReadBarrierResult,
} from "../../fleet/shard_read_barrier.ts";

Deno.test("Shard.heartbeatInterval is the current connection's HELLO interval: undefined before HELLO and once closed", async () => {
  const h = createHarness();
  assert.equal(h.shard.heartbeatInterval, undefined);
  const connected = h.shard.connect();
  await h.settle();
  assert.equal(h.shard.heartbeatInterval, undefined, "no HELLO yet");
  hello(h.socket(), 120_000);
  await h.settle();
  assert.equal(h.shard.heartbeatInterval, 120_000);
  await h.shard.close();
  await connected.catch(() => {});
  assert.equal(h.shard.heartbeatInterval, undefined);
});

Deno.test("Shard measures an ACK left over from an answered op 1 from that op 1's heartbeat, not from the heartbeat sent after it", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  const heartbeats = (): number =>
    sentOps(socket).filter((op) => op === 1).length;
  await h.scheduler.advance(INTERVAL / 2); // its own heartbeat goes out
  assert.equal(heartbeats(), 1);
  await h.scheduler.advance(900);
  socket.receive({ op: 1, d: null }); // answered while the first waits
  const requested = h.scheduler.now();
  await h.scheduler.advance(100);
  socket.receive({ op: 11, d: null }); // the first heartbeat's
  assert.equal(h.shard.latency, 1_000);
  // Its next heartbeat goes out before the op 1's ACK is read.
  dispatch(socket, 2); // heard from: not a zombie
  await h.scheduler.advance(INTERVAL - 1_000);
  assert.equal(heartbeats(), 3);
  await h.scheduler.advance(100);
  socket.receive({ op: 11, d: null }); // the op 1's
  assert.equal(h.shard.lastAckAt! - h.shard.latency!, requested);
  await h.scheduler.advance(50);
  socket.receive({ op: 11, d: null }); // the latest heartbeat's
  assert.equal(h.shard.latency, 150);
  await h.shard.close();
});

Deno.test("Shard keeps its ACK accounting bounded for a peer that drops ACKs, and measures exactly again once every heartbeat is answered", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  await h.scheduler.advance(INTERVAL / 2);
  // 12 heartbeats unanswered; dispatches keep the connection alive.
  const sent = [h.scheduler.now()];
  for (let i = 0; i < 11; i++) {
    dispatch(socket, 2 + i);
    await h.scheduler.advance(INTERVAL);
    sent.push(h.scheduler.now());
  }
  assert.equal(sentOps(socket).filter((op) => op === 1).length, 12);
  for (const [i, at] of sent.entries()) {
    await h.scheduler.advance(1);
    socket.receive({ op: 11, d: null });
    // Never short: measured from this ACK's heartbeat or an earlier one,
    // or not at all (those waiting two intervals are taken for lost).
    if (h.shard.latency === undefined) continue;
    const from = h.shard.lastAckAt! - h.shard.latency;
    assert.ok(from <= at, `ACK ${i} measured from ${from}, sent at ${at}`);
  }
  // The twelfth ACK was measured from an earlier heartbeat, the kept ones
  // being full; every heartbeat is answered now, and the next is exact.
  dispatch(socket, 20);
  await h.scheduler.advance(INTERVAL - 12);
  await h.scheduler.advance(42);
  socket.receive({ op: 11, d: null });
  assert.equal(h.shard.latency, 42);
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("Shard: two heartbeats whose ACKs never came do not lengthen every later latency, and a read barrier after them waits for proof (a lost ACK looks like a late one) and ends logged, not read", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  const heartbeats = (): number =>
    sentOps(socket).filter((op) => op === 1).length;
  let seq = 2;
  // Two heartbeats go out and are never ACKed; dispatches keep the
  // connection alive.
  await h.scheduler.advance(INTERVAL / 2);
  dispatch(socket, seq++);
  await h.scheduler.advance(INTERVAL);
  dispatch(socket, seq++);
  // From now on every heartbeat is ACKed 50 ms after it goes out.
  const latencies: number[] = [];
  let seen = heartbeats();
  const answer = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 10) {
      await h.scheduler.advance(10);
      if (heartbeats() === seen) continue;
      seen = heartbeats();
      dispatch(socket, seq++);
      await h.scheduler.advance(50);
      t += 50;
      socket.receive({ op: 11, d: null });
      latencies.push(h.shard.latency!);
    }
  };
  await answer(3 * INTERVAL);
  const since = h.scheduler.now();
  const barrier = readBarrier(
    h.shard,
    since,
    h.scheduler,
    new AbortController().signal,
  );
  let result: ReadBarrierResult | undefined;
  void barrier.then((r) => result = r);
  while (result === undefined && h.scheduler.now() - since < 4 * INTERVAL) {
    await answer(1_000);
  }
  // Measured one interval long at most (which heartbeat lost its ACK is
  // not known), never two.
  for (const latency of latencies) {
    assert.ok(latency < 2 * INTERVAL, `${latencies}`);
  }
  // Counted in order, every ACK is taken for the one two heartbeats
  // earlier: no proof within the ACK wait, which ends with its warning
  // rather than pass on a guess.
  assert.equal(result?.end, "unacknowledged");
  await h.shard.close();
});

Deno.test("Shard: behind a read backlog of over two intervals (every ACK late, none lost), a read barrier does not end read on an ACK of a heartbeat sent before its moment", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  const lag = Math.round(2.5 * INTERVAL);
  const sentAt: number[] = [];
  let acked = 0;
  let seq = 2;
  let since: number | undefined;
  let result: ReadBarrierResult | undefined;
  // When each ACK read by the barrier's end answered its heartbeat.
  let lastAnswered = -1;
  for (let t = 0; t < 12 * INTERVAL && result === undefined; t += 250) {
    await h.scheduler.advance(250);
    const heartbeats = sentOps(socket).filter((op) => op === 1).length;
    while (sentAt.length < heartbeats) sentAt.push(h.scheduler.now());
    dispatch(socket, seq++); // heard from: not a zombie
    while (acked < sentAt.length && sentAt[acked]! + lag <= h.scheduler.now()) {
      socket.receive({ op: 11, d: null });
      assert.ok(
        h.shard.ackedHeartbeatAt! <= sentAt[acked]!,
        "never later than the heartbeat answered",
      );
      lastAnswered = sentAt[acked]!;
      acked++;
    }
    if (since === undefined && h.scheduler.now() >= 5 * INTERVAL) {
      since = h.scheduler.now();
      void readBarrier(
        h.shard,
        since,
        h.scheduler,
        new AbortController().signal,
      )
        .then((r) => result = r);
    }
  }
  assert.ok(result !== undefined);
  if (result.end === "read") {
    assert.ok(lastAnswered > since!, "read only once proved");
  } else assert.equal(result.end, "unacknowledged");
  await h.shard.close();
});
