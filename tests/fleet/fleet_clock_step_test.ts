// The wall clock stepped back a minute (NTP, a VM restored) while a lease
// renewal is in flight: the next renewal and the lease guard must still
// come on time, counted on time elapsed. Timed as `deadline - now()`, both
// came a minute late: the leases expired in Redis meanwhile, another
// process took the shards this one still ran, and the two took the
// sessions from each other for that minute. A FleetShards on a wall clock
// over the scene's VirtualScheduler (its timers keep the virtual time, as
// the runtime's keep elapsed time), against the test Redis through a valve
// (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import type { Scheduler } from "../../base/scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  isLeaseTick,
  running,
  type Scene,
  stepAll,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

const STEP_BACK_MS = -60_000;

/** A wall clock over the scene's: `step` moves it, not the timers. */
function wallClock(s: Scene): { clock: Scheduler; step: (ms: number) => void } {
  let offset = 0;
  return {
    clock: {
      now: () => s.scheduler.now() + offset,
      setTimeout: (callback, delay) => s.scheduler.setTimeout(callback, delay),
      clearTimeout: (id) => s.scheduler.clearTimeout(id),
    },
    step: (ms) => void (offset += ms),
  };
}

valvesTest(
  "FleetShards: the wall clock stepped back a minute during a renewal, the next renewal and the lease guard still come on time",
  1,
  async (s, [valve]) => {
    const { clock, step } = wallClock(s);
    // The scene's leases are on this clock too: a member alone keeps its
    // shards across the step (its own leases it renews whatever they say).
    const fleet = await s.member(valve!, { scheduler: clock });
    await running(s, fleet);
    await stepAll(s, [valve!]);
    // The next renewal's lease tick is held, the clock stepped back while
    // it is in flight, then it is answered.
    valve!.hold = isLeaseTick;
    await s.scheduler.advance(1_000);
    await valve!.idle();
    assert.equal(valve!.held.length, 1, "the renewal's lease tick held");
    const sentAt = s.scheduler.now(); // on the timers' time
    step(STEP_BACK_MS);
    valve!.open();
    await valve!.idle();
    assert.deepEqual(fleet.shardIds, [0, 1]);
    // The next renewal goes out a renewal period (1 s) after that one.
    const ticks = () => valve!.sent.filter(isLeaseTick).length;
    const before = ticks();
    await stepAll(s, [valve!]);
    assert.ok(ticks() > before, "no renewal a renewal period after the step");
    // Redis gone: the guard stops the shards within leaseTtlMs - renewMs
    // (2 s) of the last renewal sent, before its leases (3 s) expire.
    const lastSent = s.scheduler.now();
    valve!.down = true;
    await captureStderr(async () => {
      while (fleet.shardIds.length > 0 && s.scheduler.now() < sentAt + 9_000) {
        await stepAll(s, [valve!], 250);
      }
    });
    assert.deepEqual(fleet.shardIds, [], "the guard did not stop the shards");
    assert.ok(
      s.scheduler.now() <= lastSent + 2_000,
      `stopped ${s.scheduler.now() - lastSent} ms after the last renewal`,
    );
  },
);
