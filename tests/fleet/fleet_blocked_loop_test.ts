// A FleetShards process whose event loop is blocked 13 s (a handler doing
// synchronous work) with Redis healthy: on waking, its leases still good
// for 2 s, it says the loop was blocked (not that Redis did not answer) and,
// the renewal it sends answering, stops and resumes no shard. On a
// VirtualScheduler against the test Redis (see fleet_run_guard_scene.ts),
// the process's loop blockable (see _blocked_loop.ts).
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import { BlockedLoop } from "./_blocked_loop.ts";
import {
  established,
  isLeaseTick,
  sceneTest,
  step,
} from "./fleet_run_guard_scene.ts";

sceneTest(
  "FleetShards: an event loop blocked 13 s with Redis healthy says so and stops no shard once its renewal answers",
  async (s, valve) => {
    const loop = new BlockedLoop(s.scheduler);
    const fleet = await s.member(valve, {
      leaseTtlMs: 15_000,
      renewMs: 5_000,
      scheduler: loop,
    });
    await established(s, fleet);
    await fleet.start();
    for (let i = 0; i < 5 && fleet.shardIds.length < 2; i++) {
      await step(s, valve, 5_000);
    }
    await pollUntil("two shards running", () => fleet.shardIds.length === 2);
    await pollUntil(
      "two live sessions",
      () => s.gateway.sessions.filter((x) => x.state === "active").length === 2,
    );
    await valve.idle();
    const ticks = valve.sent.filter(isLeaseTick).length;
    const blockedAt = s.scheduler.now();
    const logged = s.gateway.log.length;
    const lines = await captureStderr(async () => {
      // Renewed just now: the next tick is due in 5 s, the guard in 10 s.
      await loop.block(13_000);
      // Awake, its renewal not answered yet: nothing stopped.
      assert.deepEqual(fleet.shardIds, [0, 1]);
      await pollUntil(
        "a renewal sent on waking",
        () => valve.sent.filter(isLeaseTick).length > ticks,
      );
      await valve.idle();
      assert.deepEqual(fleet.shardIds, [0, 1]);
      // Well past the old leases' end: the renewals went on.
      for (let i = 0; i < 3; i++) await step(s, valve, 5_000);
      await valve.idle();
    });
    assert.deepEqual(fleet.shardIds, [0, 1]);
    assert.ok(s.scheduler.now() > blockedAt + 15_000);
    // No shard stopped or resumed: no close by the client, no RESUME.
    const after = s.gateway.log.slice(logged);
    assert.deepEqual(
      after.filter((e) =>
        (e.type === "close" && e.initiator === "client") ||
        e.type === "resume" || e.type === "identify"
      ),
      [],
    );
    const text = lines.join("\n");
    assert.match(text, /event loop was blocked for at least 3000 ms/);
    assert.doesNotMatch(text, /No lease renewal answered/);
  },
);
