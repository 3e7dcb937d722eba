// FleetShards never starts a shard on a lease that may be another's, and
// gets its shards back as soon as Redis answers again: a tick starting
// shards whose sessions load past the lease's safe end gives them up; a
// renewal answered late restarts the shards the guard stopped (at once
// when before its deadline, at the next tick, due at once, when after);
// each store is read once per tick, every shard asked for at once. On a
// VirtualScheduler (leases on its clock) against the test Redis, Redis
// frozen or slowed through a valve (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  CountedStore,
  established,
  isLeaseTick,
  isRelease,
  running,
  type Scene,
  sceneTest,
} from "./fleet_run_guard_scene.ts";

/** Wait (on real I/O) until a tick is due now, then run it. */
async function nextTickAtOnce(s: Scene): Promise<void> {
  await pollUntil(
    "a tick due at once",
    () => s.scheduler.nextDue === s.scheduler.now(),
  );
  await s.scheduler.advance(0);
}

sceneTest(
  "FleetShards: shards whose sessions load past the tick's safe lease time are not started and their leases are released",
  async (s, valve) => {
    const store = new CountedStore();
    let answer: () => void = () => {};
    store.gate = new Promise((resolve) => answer = resolve);
    try {
      const fleet = await s.member(valve, {
        store,
        leaseTtlMs: 10_000,
        renewMs: 2_500,
      });
      const lines = await captureStderr(async () => {
        await established(s, fleet);
        await fleet.start();
        await s.scheduler.advance(2_500); // the tick that takes 0 and 1
        await pollUntil(
          "their sessions asked for",
          () => store.loads + store.loadAlls > 0,
        );
        assert.deepEqual(Object.keys(await s.leases(2)).sort(), ["0", "1"]);
        // The lease is safe until 7.5 s after that tick was sent (the
        // guard's deadline); the store answers later than that.
        await s.scheduler.advance(7_500);
        await pollUntil(
          "the leases handed back",
          () => valve.sent.some(isRelease),
        );
        answer();
        await s.scheduler.flushMicrotasks();
        assert.deepEqual(fleet.shardIds, [], "started without a safe lease");
        let left = ["?"];
        await pollUntil("no lease left", () => {
          void s.leases(2).then((l) => left = Object.keys(l));
          return left.length === 0;
        });
        assert.equal(
          s.gateway.log.filter((e) => e.type === "connect").length,
          0,
        );
        // The next tick, due at once, takes them again; the store answers.
        await nextTickAtOnce(s);
        await pollUntil("both running", () => fleet.shardIds.length === 2);
      });
      assert.ok(
        lines.some((l) => /Did not start shards \[ 0, 1 \]/.test(l)),
        lines.join("\n"),
      );
    } finally {
      answer();
    }
  },
);

sceneTest(
  "FleetShards: a tick reads each session store once, however many shards it starts, and starts them all at once",
  async (s, valve) => {
    const store = new CountedStore();
    // A port nothing listens on: the shards' connections are refused.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const gatewayUrl = `ws://127.0.0.1:${listener.addr.port}`;
    listener.close();
    const fleet = await s.member(valve, {
      store,
      shardCount: 64,
      gatewayUrl,
    });
    await established(s, fleet);
    await fleet.start();
    // No session saved: each shard asks whether it completed a reshard's
    // new set (one Redis call each), held here until all are asked.
    valve.hold = (command) => command.name === "sismember";
    await s.scheduler.advance(1_000);
    await pollUntil(
      "every shard to ask at once",
      () => valve.held.length === 64,
    );
    assert.equal(store.loadAlls, 1);
    assert.equal(store.loads, 0);
    valve.open();
    await pollUntil("64 shards running", () => fleet.shardIds.length === 64);
    assert.equal(store.loadAlls, 1);
    assert.equal(store.loads, 0);
  },
);

sceneTest(
  "FleetShards: a renewal answered late, before its deadline, restarts at once the shards the guard stopped, resuming where they stopped",
  async (s, valve) => {
    const fleet = await s.member(valve);
    const got: string[] = [];
    fleet.onDispatch((e) => {
      if (e.name === "MESSAGE_CREATE") {
        got.push((e.data as { id: string }).id);
      }
    });
    const lines = await captureStderr(async () => {
      await running(s, fleet);
      // Events after the last save: a resume from the store would replay
      // them.
      for (const [i, guild] of s.gateway.guildIds.entries()) {
        s.gateway.dispatch(
          "MESSAGE_CREATE",
          { id: `m${i}`, guild_id: guild, channel_id: "1", content: "" },
          { ignoreIntents: true },
        );
      }
      await pollUntil("the events delivered", () => got.length === 2);
      const sessions = s.gateway.sessions.map((x) => x.id).sort();
      valve.hold = isLeaseTick;
      await s.scheduler.advance(1_000); // the renewal, unanswered
      await pollUntil("the renewal sent", () => valve.held.length === 1);
      await s.scheduler.advance(1_000); // the guard's deadline
      assert.deepEqual(fleet.shardIds, []);
      const stoppedAt = s.scheduler.now();
      valve.open(); // Redis runs it now: both leases are kept
      await pollUntil(
        "both running again",
        () => fleet.shardIds.length === 2,
      );
      assert.equal(s.scheduler.now(), stoppedAt);
      const resumes = () =>
        s.gateway.log.filter((e) => e.type === "resume" && e.at >= stoppedAt);
      await pollUntil("both resumed", () => resumes().length === 2);
      for (const resume of resumes()) {
        assert.ok(resume.type === "resume");
        assert.equal(resume.outcome, "resumed");
        assert.equal(resume.replayed, 0, "resumed from an older sequence");
        assert.ok(sessions.includes(resume.sessionId ?? ""));
      }
      assert.deepEqual(
        s.gateway.log.filter((e) => e.type === "identify" && e.at >= stoppedAt),
        [],
      );
      assert.deepEqual([...got].sort(), ["m0", "m1"]);
    });
    // A silent Redis fails no command: the guard's line is the only sign.
    assert.ok(
      lines.some((l) =>
        /\[ERR\].*No lease renewal answered by Redis for 2000 ms: stopping shards \[ 0, 1 \]/
          .test(l)
      ),
      lines.join("\n"),
    );
  },
);

sceneTest(
  "FleetShards: a renewal answered after its deadline has its shards claimed again at the next tick, due at once",
  async (s, valve) => {
    const fleet = await s.member(valve);
    await captureStderr(async () => {
      await running(s, fleet);
      valve.hold = isLeaseTick;
      await s.scheduler.advance(1_000);
      await pollUntil("the renewal sent", () => valve.held.length === 1);
      // Past the guard (1 s on) and past the renewal's own deadline (2 s
      // on), and the leases' TTL: this process's membership has expired
      // too, so a shard released now would wait out a TTL of grace.
      await s.scheduler.advance(4_000);
      assert.deepEqual(fleet.shardIds, []);
      const answeredAt = s.scheduler.now();
      valve.open();
      await nextTickAtOnce(s);
      await pollUntil(
        "both running again",
        () => fleet.shardIds.length === 2,
      );
      assert.equal(s.scheduler.now(), answeredAt);
    });
  },
);
