// readBarrier on its own, on one shard over faked sockets: when an old
// shard of a reshard counts as having read everything Discord sent it
// before the switch (closing it then loses nothing), and how long each of
// its waits lasts: the ACK wait (two heartbeat intervals and 10 s), the
// wait for `ready` again (RESUME_WAIT_MS) and the overall deadline.
import assert from "node:assert/strict";
import {
  dispatch,
  type Harness,
  hello,
  INTERVAL,
  readyManualHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";
import { runUntil } from "../_fakes/run_until.ts";
import type { Scheduler, TimerId } from "../../base/scheduler.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  ackWaitMs,
  readBarrier,
  type ReadBarrierResult,
  RESUME_WAIT_MS,
} from "../../fleet/shard_read_barrier.ts";

/** The harness's clock, keeping the timers set through it still pending. */
class CountedTimers implements Scheduler {
  readonly live = new Set<TimerId>();
  constructor(readonly inner: VirtualScheduler) {}
  now(): number {
    return this.inner.now();
  }
  setTimeout(callback: () => void, delay: number): TimerId {
    const id = this.inner.setTimeout(() => {
      this.live.delete(id);
      callback();
    }, delay);
    this.live.add(id);
    return id;
  }
  clearTimeout(id: TimerId): void {
    this.live.delete(id);
    this.inner.clearTimeout(id);
  }
}

/** A barrier of `h`'s shard from now: its result once it ended. */
function barrier(
  h: Harness,
  signal: AbortSignal = new AbortController().signal,
): {
  since: number;
  timers: CountedTimers;
  result: () => ReadBarrierResult | undefined;
} {
  const since = h.scheduler.now();
  const timers = new CountedTimers(h.scheduler);
  let result: ReadBarrierResult | undefined;
  void readBarrier(h.shard, since, timers, signal).then((r) => result = r);
  return { since, timers, result: () => result };
}

/** The heartbeats (op 1) the newest socket sent. */
const heartbeats = (h: Harness): number =>
  sentOps(h.socket()).filter((op) => op === 1).length;

/** The sequence of the next dispatch keepAlive sends. */
let seq = 100;

/**
 * Move the clock to `until` in 1 s steps, a dispatch each (heard from:
 * not a zombie), while `going()` holds.
 */
async function keepAlive(
  h: Harness,
  until: number,
  going: () => boolean = () => true,
): Promise<void> {
  while (h.scheduler.now() < until && going()) {
    dispatch(h.socket(), seq++);
    await h.scheduler.advance(Math.min(1_000, until - h.scheduler.now()));
  }
}

/**
 * Drop the shard's connection and refuse every reconnect until `until`,
 * then let the next one through and RESUME it: `ready` again on the same
 * session.
 */
async function awayUntil(h: Harness, until: number): Promise<void> {
  h.socket().drop();
  while (h.scheduler.now() < until) {
    const socket = h.socket();
    if (socket.state === "connecting") socket.refuse();
    await h.scheduler.advance(Math.min(250, until - h.scheduler.now()));
  }
  // The next connect goes through: to the resume URL, or first a probe of
  // the main one (opened, then closed by the shard) and the resume URL after.
  let next = h.socket();
  for (let i = 0; i < 5 && !sentOps(next).includes(6); i++) {
    const old = next;
    await runUntil(
      h.scheduler,
      () => h.socket() !== old || old.state === "connecting",
    );
    next = h.socket();
    next.open();
    hello(next);
    await h.settle();
  }
  assert.ok(sentOps(next).includes(6), "no RESUME sent");
  next.receive({ op: 0, s: null, t: "RESUMED", d: {} });
  await h.settle();
  assert.equal(h.shard.status, "ready");
}

Deno.test("readBarrier: a proving ACK read late (two heartbeat intervals and 9 s after the moment: a socket read late) ends it read, within a poll of being read", async () => {
  const h = await readyManualHarness();
  await keepAlive(h, 10_000);
  const b = barrier(h);
  // Its next heartbeat goes out after the moment; its ACK is read late.
  await keepAlive(h, b.since + INTERVAL);
  assert.ok(heartbeats(h) >= 1);
  const ackAt = b.since + 2 * INTERVAL + 9_000;
  await keepAlive(h, ackAt);
  assert.equal(b.result(), undefined, "ended before the ACK");
  h.socket().receive({ op: 11, d: null });
  await keepAlive(h, ackAt + 2_000, () => b.result() === undefined);
  assert.equal(b.result()?.end, "read");
  const waited = b.result()!.waited;
  assert.ok(
    waited >= ackAt - b.since && waited <= ackAt - b.since + 1_000,
    `ended ${waited} ms after the moment`,
  );
  await h.shard.close();
});

Deno.test("readBarrier: a shard away over 60 s (its connects refused for 45 s, then its backoff) is waited for, and its RESUME's ACK ends it read", async () => {
  const h = await readyManualHarness();
  const b = barrier(h);
  await awayUntil(h, b.since + 45_000);
  assert.equal(b.result(), undefined, JSON.stringify(b.result()));
  const back = h.scheduler.now();
  await keepAlive(h, back + INTERVAL + 1_000, () => heartbeats(h) === 0);
  h.socket().receive({ op: 11, d: null });
  await keepAlive(h, h.scheduler.now() + 1_000, () => b.result() === undefined);
  assert.equal(b.result()?.end, "read");
  assert.deepEqual([...b.timers.live], [], "timers left");
  await h.shard.close();
});

Deno.test("readBarrier: a shard dropped every 5 s for 100 s whose new connections' HELLO gives a 120 s interval, never ACKed, ends unacknowledged at the overall deadline, moved once to the resume wait and that interval's ACK wait", async () => {
  const h = await readyManualHarness(); // HELLO gave Discord's interval
  const b = barrier(h);
  const resumed = new Set<unknown>();
  let lastDrop = b.since;
  while (b.result() === undefined && h.scheduler.now() - b.since < 900_000) {
    const socket = h.socket();
    if (socket.state === "connecting") {
      socket.open();
      hello(socket, 120_000);
    } else if (
      socket.state === "open" && sentOps(socket).includes(6) &&
      !resumed.has(socket)
    ) {
      resumed.add(socket);
      socket.receive({ op: 0, s: null, t: "RESUMED", d: {} });
    }
    if (h.shard.status === "ready") {
      const dropping = h.scheduler.now() - b.since < 100_000;
      if (dropping && h.scheduler.now() - lastDrop >= 5_000) {
        socket.drop();
        lastDrop = h.scheduler.now();
      } else dispatch(socket, seq++);
    }
    await h.scheduler.advance(250);
  }
  assert.ok(resumed.size > 3, `${resumed.size} RESUMEs`);
  const result = b.result();
  assert.ok(result !== undefined, "never ended");
  // Connected then: the deadline knows the longer interval. (Its ACK wait,
  // from the last `ready`, would end it later.)
  assert.equal(result.waited, RESUME_WAIT_MS + ackWaitMs(120_000));
  assert.equal(result.end, "unacknowledged");
  assert.deepEqual([result.sessionId, result.sequence], [
    "session-1",
    h.shard.sequence,
  ]);
  await h.shard.close();
});

Deno.test("readBarrier: once ended it leaves no timer behind, sets none on the shard's later state changes, and no longer listens to the signal", async () => {
  const h = await readyManualHarness();
  const controller = new AbortController();
  const signal = controller.signal;
  let listening = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    listening++;
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    listening--;
    remove(...args);
  }) as typeof remove;
  const b = barrier(h, signal);
  assert.ok(b.timers.live.size > 0);
  assert.equal(listening, 1);
  await keepAlive(h, b.since + INTERVAL, () => heartbeats(h) === 0);
  h.socket().receive({ op: 11, d: null });
  await keepAlive(h, h.scheduler.now() + 1_000, () => b.result() === undefined);
  assert.equal(b.result()?.end, "read");
  assert.deepEqual([...b.timers.live], [], "timers left");
  assert.equal(listening, 0, "still listening to the signal");
  // The shard reconnects and closes later: nothing of the barrier wakes.
  h.socket().drop();
  await h.scheduler.advance(5_000);
  await h.shard.close();
  assert.deepEqual([...b.timers.live], [], "timers set after the end");
});

Deno.test("readBarrier: a proving ACK read in the last poll period before the ACK wait runs out ends it read, not unacknowledged", async () => {
  const h = await readyManualHarness();
  const b = barrier(h);
  const ackAt = b.since + ackWaitMs(INTERVAL) - 100;
  await keepAlive(h, ackAt);
  assert.ok(heartbeats(h) >= 1);
  assert.equal(b.result(), undefined);
  h.socket().receive({ op: 11, d: null });
  await keepAlive(h, ackAt + 2_000, () => b.result() === undefined);
  assert.equal(b.result()?.end, "read");
  assert.equal(b.result()?.waited, ackWaitMs(INTERVAL));
  await h.shard.close();
});

Deno.test("readBarrier: a proving ACK read in the last poll period before the overall deadline ends it read, not unacknowledged", async () => {
  const h = await readyManualHarness();
  const b = barrier(h);
  // Away from 30 s to past 90 s: the ACK wait starts again then, and
  // outlasts the overall deadline.
  await keepAlive(h, b.since + 30_000);
  await awayUntil(h, b.since + 75_000);
  const back = h.scheduler.now() - b.since;
  const deadline = RESUME_WAIT_MS + ackWaitMs(INTERVAL);
  assert.ok(back > deadline - ackWaitMs(INTERVAL), `back at ${back} ms`);
  const ackAt = b.since + deadline - 100;
  await keepAlive(h, ackAt);
  assert.ok(heartbeats(h) >= 1);
  assert.equal(b.result(), undefined);
  h.socket().receive({ op: 11, d: null });
  await keepAlive(h, ackAt + 2_000, () => b.result() === undefined);
  assert.equal(b.result()?.end, "read");
  assert.equal(b.result()?.waited, deadline);
  await h.shard.close();
});

Deno.test("readBarrier: an aborted signal ends it at once, aborted", async () => {
  const h = await readyManualHarness();
  const controller = new AbortController();
  const b = barrier(h, controller.signal);
  await keepAlive(h, b.since + 3_000);
  controller.abort();
  await h.settle();
  assert.equal(b.result()?.end, "aborted");
  assert.equal(b.result()?.waited, 3_000);
  assert.deepEqual([...b.timers.live], []);
  await h.shard.close();
});

Deno.test("readBarrier: a shard whose session ends (op 9, not resumable) ends it session_lost, naming the session it had and its last sequence", async () => {
  const h = await readyManualHarness();
  dispatch(h.socket(), 7);
  const b = barrier(h);
  await keepAlive(h, b.since + 2_000);
  const last = h.shard.sequence;
  assert.ok(last !== null && last > 7);
  h.socket().receive({ op: 9, d: false });
  await h.settle();
  assert.equal(h.shard.sessionId, undefined);
  assert.deepEqual(b.result(), {
    end: "session_lost",
    sequence: last,
    sessionId: "session-1",
    waited: 2_000,
  });
  await h.shard.close();
});

Deno.test("readBarrier: a shard closed meanwhile, or before it began, ends it stopped at once", async () => {
  const h = await readyManualHarness();
  const b = barrier(h);
  await keepAlive(h, b.since + 1_000);
  const last = seq++;
  dispatch(h.socket(), last); // read since the last poll
  // Closed resumably, it keeps its session: the sequence it read last is
  // where what it did not read begins. (A plain close forgets the session
  // before the state says so: the last sequence seen then is reported.)
  await h.shard.close({ resumable: true });
  await h.settle();
  assert.equal(b.result()?.end, "stopped");
  assert.equal(b.result()?.sessionId, "session-1");
  assert.equal(b.result()?.sequence, last);
  // One begun on a shard closed already ends at once.
  const late = barrier(h);
  await h.settle();
  assert.equal(late.result()?.end, "stopped");
  assert.equal(late.result()?.waited, 0);
});

Deno.test("readBarrier: the ACK of a heartbeat sent in the very millisecond of the moment proves nothing (it may have gone out just before)", async () => {
  const h = await readyManualHarness();
  await runUntil(h.scheduler, () => heartbeats(h) === 1);
  const b = barrier(h); // the heartbeat's own millisecond
  h.socket().receive({ op: 11, d: null });
  assert.equal(h.shard.ackedHeartbeatAt, b.since);
  await keepAlive(h, b.since + 5_000);
  assert.equal(b.result(), undefined, "ended read on that ACK");
  await h.shard.close();
});

Deno.test("readBarrier: after a reconnect, the ACK of a heartbeat sent before RESUMED (the replay maybe not read yet) proves nothing; one sent after it does", async () => {
  const h = await readyManualHarness();
  const b = barrier(h);
  await keepAlive(h, b.since + 1_000);
  h.socket().drop();
  await runUntil(h.scheduler, () => h.socket().state === "connecting");
  const next = h.socket();
  next.open();
  hello(next);
  await runUntil(h.scheduler, () => sentOps(next).includes(6));
  // The new connection's first heartbeat goes out before RESUMED; its ACK
  // is read before the replay.
  await runUntil(h.scheduler, () => heartbeats(h) === 1);
  next.receive({ op: 11, d: null });
  assert.ok(h.shard.ackedHeartbeatAt! > b.since);
  await h.scheduler.advance(1_000); // looked at while resuming
  assert.equal(h.shard.status, "resuming");
  assert.equal(b.result(), undefined, "ended read before RESUMED");
  next.receive({ op: 0, s: null, t: "RESUMED", d: {} });
  await h.settle();
  assert.equal(h.shard.status, "ready");
  const ready = h.scheduler.now();
  await keepAlive(h, ready + 2_000);
  assert.equal(b.result(), undefined, "ended read on that ACK");
  // The next heartbeat, sent after RESUMED, proves the replay read.
  await keepAlive(h, ready + INTERVAL + 1_000, () => heartbeats(h) === 1);
  next.receive({ op: 11, d: null });
  await keepAlive(h, h.scheduler.now() + 1_000, () => b.result() === undefined);
  assert.equal(b.result()?.end, "read");
  await h.shard.close();
});

Deno.test("readBarrier: a shard whose RESUMEs failed three times in a row (its session forgotten) ends it session_lost at once, naming that session, before it spends a session start", async () => {
  const h = await readyManualHarness();
  const b = barrier(h);
  const identifies = (): number =>
    h.transport.sockets.flatMap((s) => sentOps(s)).filter((op) => op === 2)
      .length;
  assert.equal(identifies(), 1); // the first connection's
  let forgotten: number | undefined;
  h.shard.on("state", () => {
    if (h.shard.sessionId === undefined) forgotten ??= h.scheduler.now();
  });
  h.socket().drop();
  for (let i = 0; b.result() === undefined && i < 10; i++) {
    const old = h.socket();
    await runUntil(
      h.scheduler,
      () =>
        b.result() !== undefined || old.state === "connecting" ||
        h.socket() !== old,
    );
    if (b.result() !== undefined) break;
    const next = h.socket();
    next.open();
    hello(next);
    // Let the handshake's first step run, not the clock.
    await h.settle();
    if (sentOps(next).includes(6)) next.serverClose(1006); // a failed RESUME
  }
  const result = b.result();
  assert.equal(result?.end, "session_lost");
  assert.equal(result?.sessionId, "session-1");
  assert.ok(forgotten !== undefined);
  assert.equal(result?.waited, forgotten - b.since, "ended late");
  await h.scheduler.flushMicrotasks();
  assert.equal(identifies(), 1, "identified before it ended");
  await h.shard.close();
});
