// The machine suspended a minute (a VM paused, a laptop asleep) with no
// lease renewal in flight: the leases expired in Redis meanwhile (another
// process may have taken the shards), and at the resume nothing of the
// fleet runs, its timers being on the monotonic clock (stopped during the
// suspend): the guard's and the next tick's come up to a renewal period
// later. What runs first is a shard whose socket died meanwhile,
// reconnecting on its own; it RESUMEd the session the other process took
// (replaying events already delivered). The lease guard must fire as that
// shard moves toward a connection, and the shard send no RESUME. A
// FleetShards over the scene's VirtualScheduler with the runtime's clocks
// replaced (see _suspended_machine.ts), against the test Redis through a
// valve (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { SuspendedMachine } from "./_suspended_machine.ts";
import { running, scene, server, Valve } from "./fleet_run_guard_scene.ts";

const SUSPEND_MS = 60_000;

Deno.test({
  name:
    "FleetShards: a shard reconnecting after a minute's suspend with no renewal in flight fires the lease guard before any RESUME",
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
      // The last renewal answered; none in flight during the suspend.
      await valve.idle();
      const since = s.gateway.log.length;
      const resumed = () =>
        s.gateway.log.slice(since).some((e) => e.type === "resume");
      machine.suspend(SUSPEND_MS);
      const lines = await captureStderr(async () => {
        // The socket died during the suspend: the shard reconnects at once
        // (its reconnect timer is due now; the virtual clock stays put).
        s.gateway.dropConnection({ shardId: 0 });
        for (
          let i = 0;
          i < 500 && fleet.shardIds.length > 0 && !resumed();
          i++
        ) {
          await s.scheduler.advance(0);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        // Whatever was armed at the drop has had its turn.
        await s.scheduler.advance(0);
        await valve.idle();
      });
      const after = s.gateway.log.slice(since);
      assert.deepEqual(
        after.filter((e) => e.type === "resume" || e.type === "connect"),
        [],
        "a shard reconnected on leases expired during the suspend",
      );
      assert.deepEqual(fleet.shardIds, [], "shards ran on expired leases");
      assert.match(lines.join("\n"), /No lease renewal answered.*suspended/);
    } finally {
      await s.teardown();
      machine.uninstall();
    }
  },
});
