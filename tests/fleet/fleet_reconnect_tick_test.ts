// Redis restarts without its data (the connection drops with it) while a
// process runs its shards, and a newcomer with a shorter renewMs starts
// right after. The newcomer cannot tell the loss from a brand-new fleet: at
// its second tick it takes every shard whose lease is missing. The running
// process used to write its leases back only at its next timed tick (up to
// renewMs after Redis was back), so both ran the shards meanwhile (the
// newcomer IDENTIFYing each) until that tick found its leases taken. It now
// renews as soon as its connection is ready again. On a VirtualScheduler
// (leases on its clock) against a redis-server of the test's own, restarted
// for real; the fake gateway on loopback. The other tests emit "ready" by
// hand on the shared test Redis, through a valve that holds a renewal: the
// forced tick never runs beside another, nor after close().
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import { within } from "../_fakes/watchdog.ts";
import {
  isLeaseTick,
  isRelease,
  running,
  type Scene,
  scene,
  sceneTest,
  server,
  stepAll,
  Valve,
} from "./fleet_run_guard_scene.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";

/** What runs twice now: shards both fleets list, or with two live sessions. */
function runTwice(s: Scene, a: FleetShards, b: FleetShards): string[] {
  const twice: string[] = [];
  const both = a.shardIds.filter((id) => b.shardIds.includes(id));
  if (both.length > 0) twice.push(`both list shards ${both}`);
  const live = s.gateway.sessions
    .filter((x) => x.state === "active")
    .map((x) => x.shard?.[0]);
  for (const id of new Set(live)) {
    const n = live.filter((x) => x === id).length;
    if (n > 1) twice.push(`${n} live sessions of shard ${id}`);
  }
  return twice;
}

Deno.test({
  name:
    "FleetShards: Redis restarted empty under a running process: it renews as soon as it reconnects, so a newcomer with a shorter renewMs never runs its shards too (no IDENTIFY)",
  ignore: server.ignore,
  fn: async () => {
    const redisServer = new PrivateRedis();
    await redisServer.start();
    let teardown = (): Promise<void> => Promise.resolve();
    try {
      const s = await scene(1_000_000, redisServer.url);
      teardown = s.teardown;
      const [va, vb] = [new Valve(), new Valve()];
      await captureStderr(async () => {
        // A third of the TTL, as by default (15 s and 5 s scaled down).
        const a = await s.member(va, { redisStore: true });
        await running(s, a);
        // Renewals (sessions saved) past the fake's 5 s between IDENTIFYs
        // of a bucket (a newcomer's would be refused): a's next renewal is
        // a whole renewMs away.
        for (let i = 0; i < 5; i++) await stepAll(s, [va], 1_000);
        assert.deepEqual(a.shardIds, [0, 1]);
        const restartAt = s.scheduler.now();
        const logFrom = s.gateway.log.length;
        const ready = new Promise((resolve) => {
          va.connection!.once("ready", resolve);
        });
        // Restarted without persistence: the leases, the members and the
        // sessions are gone, and a's connection dropped.
        await redisServer.stop();
        await redisServer.start();
        // A newcomer starts right away (its first tick only joins).
        const b = await s.member(vb, { redisStore: true, renewMs: 250 });
        await b.start();
        await within(ready, "a's connection ready again");
        const valves = [va, vb];
        const twice: string[] = [];
        // b's second tick is 250 ms on, a's timed one 1,000 ms; a hands b
        // its share at the first of a's ticks that counts b.
        for (let i = 0; i < 80; i++) {
          await stepAll(s, valves, 100);
          const at = s.scheduler.now() - restartAt;
          for (const what of runTwice(s, a, b)) {
            twice.push(`+${at} ms: ${what}`);
          }
          if (
            a.shardIds.length === 1 && b.shardIds.length === 1 &&
            twice.length === 0
          ) break;
        }
        const since = () => s.gateway.log.slice(logFrom);
        const identifies = () =>
          since().filter((e) => e.type === "identify").length;
        assert.deepEqual(
          { runTwice: twice, identifies: identifies() },
          { runTwice: [], identifies: 0 },
          "shards run by both processes, IDENTIFYs after the restart",
        );
        assert.deepEqual(
          [...a.shardIds, ...b.shardIds].sort(),
          [0, 1],
          `a runs ${a.shardIds}, b ${b.shardIds}`,
        );
        // The shard handed over is RESUMEd from the session a saved.
        await pollUntil(
          "b's shard connected, a's other shard live",
          () =>
            since().some((e) => e.type === "resume" || e.type === "identify") &&
            s.gateway.sessions.filter((x) => x.state === "active")
                .length === 2,
        );
        assert.equal(identifies(), 0, "IDENTIFYs after the restart");
        for (const resume of since()) {
          if (resume.type === "resume") {
            assert.equal(resume.outcome, "resumed");
          }
        }
      });
    } finally {
      await teardown();
      await redisServer.stop();
    }
  },
});

sceneTest(
  "FleetShards: a tick forced by a reconnect waits for the tick in flight, covers every reconnect meanwhile, re-arms the timer from itself, and none runs after close()",
  async (s, valve) => {
    const fleet = await s.member(valve);
    const listeners = () => valve.connection!.listenerCount("ready");
    const ownListeners = listeners();
    await running(s, fleet);
    const leaseTicks = () => valve.sent.filter(isLeaseTick).length;
    const settled = () => valve.answered === valve.sent.length;
    // The next timed renewal goes unanswered a while (Redis slow).
    valve.hold = isLeaseTick;
    await s.scheduler.advance(1_000);
    await pollUntil("the renewal held", () => valve.held.length === 1);
    await s.scheduler.advance(500);
    const [sent, ticks] = [valve.sent.length, leaseTicks()];
    // Redis back after a drop, twice, while that renewal is in flight.
    valve.connection!.emit("ready");
    valve.connection!.emit("ready");
    await s.scheduler.flushMicrotasks();
    assert.equal(valve.sent.length, sent, "a tick ran beside the one held");
    valve.open();
    await pollUntil(
      "the forced tick",
      () => leaseTicks() > ticks && settled(),
    );
    await s.scheduler.flushMicrotasks();
    assert.equal(leaseTicks(), ticks + 1, "one forced tick for both");
    // Due a renewal period after the forced tick, not after the held one.
    await s.scheduler.advance(500);
    await pollUntil("the commands answered", settled);
    assert.equal(leaseTicks(), ticks + 1, "the held tick's timer ran");
    await s.scheduler.advance(500);
    await pollUntil("the timed tick", () => leaseTicks() === ticks + 2);
    await pollUntil("the commands answered", settled);
    await fleet.close();
    assert.equal(listeners(), ownListeners, "a listener left behind");
    const closed = valve.sent.length;
    valve.connection!.emit("ready");
    await s.scheduler.flushMicrotasks();
    assert.equal(valve.sent.length, closed, "a command sent after close()");
  },
);

sceneTest(
  "FleetShards: a tick forced by a reconnect while a tick is in flight does not run once close() was called meanwhile",
  async (s, valve) => {
    const fleet = await s.member(valve);
    await running(s, fleet);
    valve.hold = isLeaseTick;
    await s.scheduler.advance(1_000);
    await pollUntil("the renewal held", () => valve.held.length === 1);
    const sent = valve.sent.length;
    valve.connection!.emit("ready"); // waits for the renewal held
    const closed = fleet.close();
    valve.open();
    await closed;
    await s.scheduler.flushMicrotasks();
    await pollUntil(
      "the commands answered",
      () => valve.answered === valve.sent.length,
    );
    // Only releases: close()'s, and the held tick's handing back.
    assert.deepEqual(
      valve.sent.slice(sent).filter((c) => !isRelease(c)),
      [],
      "commands sent after close()",
    );
    assert.deepEqual(await s.leases(2), {}, "leases left after close()");
  },
);

sceneTest(
  "FleetShards: a newcomer whose connection is ready again right after it joined takes nothing at that renewal (it joins only), so it runs no shard a live process still runs",
  async (s, va) => {
    await captureStderr(async () => {
      const a = await s.member(va, { redisStore: true });
      await running(s, a);
      await pollUntil("a settled", () => va.answered === va.sent.length);
      const identifies = () =>
        s.gateway.log.filter((e) => e.type === "identify").length;
      const before = identifies();
      // Redis lost its data; a's connection is not back yet, b's is.
      await deleteKeys(s.direct, s.prefix);
      const vb = new Valve();
      const b = await s.member(vb, { redisStore: true });
      await b.start(); // its first tick joins only
      vb.connection!.emit("ready");
      await pollUntil(
        "b's reconnect renewal answered",
        () =>
          vb.sent.filter(isLeaseTick).length === 2 &&
          vb.answered === vb.sent.length,
      );
      await s.scheduler.flushMicrotasks();
      assert.deepEqual(b.shardIds, [], "b took shards a runs");
      assert.equal(identifies(), before);
      await b.close();
    });
  },
);

sceneTest(
  "FleetShards: after close() gave up on a stalled tick and start() ran again, a reconnect renews at once though the earlier run's forced tick still waits",
  async (s, valve) => {
    await captureStderr(async () => {
      const fleet = await s.member(valve);
      await running(s, fleet);
      const leaseTicks = () => valve.sent.filter(isLeaseTick).length;
      valve.hold = isLeaseTick;
      await s.scheduler.advance(1_000);
      await pollUntil("the renewal held", () => valve.held.length === 1);
      valve.connection!.emit("ready"); // run 1's ask waits for that renewal
      await s.scheduler.flushMicrotasks();
      valve.hold = undefined; // the stalled renewal stays held
      const closing = fleet.close();
      await s.scheduler.advance(10_000); // close() gives up on it
      await closing;
      await fleet.start(); // run 2
      await pollUntil(
        "run 2's first tick answered",
        () => valve.answered === valve.sent.length - 1,
      );
      await s.scheduler.flushMicrotasks();
      const before = leaseTicks();
      valve.connection!.emit("ready"); // run 2: Redis back after a drop
      await pollUntil("run 2's reconnect renewal", () => leaseTicks() > before);
      valve.open();
      await pollUntil(
        "the commands answered",
        () => valve.answered === valve.sent.length,
      );
      await fleet.close();
    });
  },
);
