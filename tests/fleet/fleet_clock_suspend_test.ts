// The machine suspended a minute (a VM paused, a laptop asleep) while a
// lease renewal is in flight: Redis ran it before the suspend, its answer
// is read after. The monotonic clock stopped meanwhile, the wall clock and
// the leases' clock went on: the leases it renewed expired in Redis 57 s
// ago (another process may run the shards). Timed on the monotonic clock
// alone, the renewal looked a few milliseconds old: the guard armed with
// 2 s left and the shards ran on, two processes on one session. The guard
// must fire at once and no start be allowed on that renewal; the fleet's
// time must go on with the suspend. A FleetShards over the scene's
// VirtualScheduler with the runtime's clocks replaced (see
// _suspended_machine.ts), against the test Redis through a valve (see
// fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { FleetClock } from "../../fleet/fleet_clock.ts";
import { LeaseGuard } from "../../fleet/lease_guard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { SuspendedMachine } from "./_suspended_machine.ts";
import {
  isLeaseTick,
  running,
  scene,
  server,
  Valve,
} from "./fleet_run_guard_scene.ts";

const SUSPEND_MS = 60_000;

Deno.test({
  name:
    "FleetShards: a renewal answered after a minute's suspend fires the lease guard at once (its leases expired in Redis meanwhile)",
  ignore: server.ignore,
  fn: async () => {
    const s = await scene();
    const machine = new SuspendedMachine(s.scheduler);
    machine.install();
    try {
      const valve = new Valve();
      // The scene's leases are on the scheduler's clock: the wall clock.
      const fleet = await s.member(valve, { scheduler: machine.scheduler });
      await running(s, fleet);
      await valve.idle();
      // The next renewal's lease tick is held (Redis ran it, the answer
      // not read yet), the machine sleeps a minute, then it is answered.
      valve.hold = isLeaseTick;
      await s.scheduler.advance(1_000);
      await valve.idle();
      assert.equal(valve.held.length, 1, "the renewal's lease tick held");
      machine.suspend(SUSPEND_MS);
      const lines = await captureStderr(async () => {
        valve.open();
        await valve.idle();
        await s.scheduler.advance(0);
        await valve.idle();
      });
      assert.deepEqual(fleet.shardIds, [], "shards ran on expired leases");
      assert.match(lines.join("\n"), /No lease renewal answered/);
    } finally {
      await s.teardown();
      machine.uninstall();
    }
  },
});

Deno.test("FleetClock: across a suspend, a renewal sent before it starts nothing and the fleet's time goes on", async () => {
  const virtual = new VirtualScheduler({ start: 1_000_000 });
  const machine = new SuspendedMachine(virtual);
  machine.install();
  try {
    const clock = new FleetClock(machine.scheduler, true);
    const fired: string[] = [];
    const guard = new LeaseGuard(
      clock.scheduler,
      { ttlMs: 15_000, renewMs: 5_000 },
      (why) => fired.push(why),
    );
    // The fleet's clock is the leases' (the wall clock) here.
    const sentAt = clock.stamp();
    clock.learn(clock.leaseNow()!, sentAt);
    await virtual.advance(100);
    machine.suspend(SUSPEND_MS);
    assert.equal(clock.fleetNow(), clock.leaseNow(), "the fleet's time lags");
    const startable = guard.startable(sentAt);
    await captureStderr(async () => {
      guard.arm(sentAt);
      assert.equal(startable(), false, "a start allowed on expired leases");
      await virtual.advance(0);
    });
    assert.equal(fired.length, 1, "the guard did not fire at once");
    // A step back is no time passed for the leases: none elapses more.
    const next = clock.stamp();
    clock.learn(clock.leaseNow()!, next);
    machine.suspend(-SUSPEND_MS);
    assert.ok(clock.scheduler.elapsed(next) < 10, "a step back counted");
    assert.ok(guard.startable(next)(), "no start after a step back");
  } finally {
    machine.uninstall();
  }
});
