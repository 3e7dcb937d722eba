// A reshard's new shard that was marked complete, then lost its session
// (op 9 d:false, a close 4007/4009: "start a new session"), identifies
// again: its mark is withdrawn until the new session is complete, so the
// fleet does not switch (closing the old set for good) while that shard's
// guilds have no session, whose events would reach nobody. A RESUME that
// succeeds keeps the mark. On a VirtualScheduler against the test Redis,
// through a valve (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import { within } from "../_fakes/watchdog.ts";
import {
  established,
  type Scene,
  sceneTest,
  type SentCommand,
  step,
  type Valve,
} from "./fleet_run_guard_scene.ts";

/** Whether `command` marks new shard `id` complete (fleet_generation.ts). */
function isMarkOf(command: SentCommand, id: string): boolean {
  return command.name === "eval" && command.args[6] === "1" &&
    command.args[5] === id &&
    String(command.args[0]).includes("redis.call('SADD', KEYS[2], ARGV[2])");
}

/** Until `cond` (asked of Redis, say) holds, bounded by the watchdog. */
async function until(
  what: string,
  cond: () => Promise<boolean>,
): Promise<void> {
  await within(
    (async () => {
      while (!(await cond())) await new Promise((r) => setTimeout(r, 10));
    })(),
    what,
  );
}

// The scene's step waits until the member is idle: waiting only for
// Redis's answers stepped into a tick's gap now and then, the lease guard
// fired, and new shard 0, its new session not yet complete, identified a
// third time (a RESUMED carries no READY listing the guilds to wait for).
// About 3 runs in 10 failed so, none of them at the switch.

/** Whether the lease guard stopped the shards (said on stderr). */
const GUARD_FIRED = /No lease renewal answered by Redis/;

/** Whether new shard 0 of 2 has a live session at the gateway. */
function newShard0Live(s: Scene): boolean {
  return s.gateway.sessions.some((x) =>
    x.state === "active" && x.shard?.[0] === 0 && x.shard?.[1] === 2
  );
}

/**
 * A fleet of one process resharding from 1 to 2 shards, new shard 1's mark
 * held, until new shard 0 is marked complete. Returns the barrier's key.
 */
async function newShard0Marked(s: Scene, valve: Valve): Promise<string> {
  const fleet = await s.member(valve, { shardCount: 1 });
  await established(s, fleet);
  await fleet.start();
  await step(s, valve, 1_000); // takes shard 0
  await pollUntil(
    "the old shard live",
    () => s.gateway.sessions.some((x) => x.state === "active"),
  );
  // The fake gateway allows one IDENTIFY per bucket every 5 s: new shard 0
  // shares the old one's bucket.
  for (let i = 0; i < 5; i++) await step(s, valve, 1_000);
  await fleet.reshard(2);
  valve.hold = (command) => isMarkOf(command, "1");
  await step(s, valve, 1_000); // sees the reshard
  await step(s, valve, 1_000); // takes the new shards
  const ready = `${s.prefix}:fleet:ready`;
  await until(
    "new shard 0 marked complete",
    async () => await s.direct.sismember(ready, "0") === 1,
  );
  await pollUntil("new shard 1's mark sent", () => valve.held.length === 1);
  return ready;
}

sceneTest(
  "FleetShards: a new shard that lost its session (op 9 d:false) after it was marked complete is uncounted until its new session is complete: the fleet switches only with its guilds' session live",
  async (s, valve) => {
    const stderr = await captureStderr(async () => {
      const ready = await newShard0Marked(s, valve);
      const conn = s.gateway.connections.find((c) =>
        c.shard?.[0] === 0 && c.shard?.[1] === 2
      )!;
      assert.equal(
        s.gateway.invalidateSession(false, { connectionId: conn.id }),
        1,
      );
      await until(
        "new shard 0's mark withdrawn",
        async () => await s.direct.sismember(ready, "0") === 0,
      );
      // New shard 1's mark goes through now: the set is not complete.
      valve.open();
      // Up to two minutes: its IDENTIFY again waits for the invalid-session
      // backoff (1 to 5 s at random), and the fake refuses (op 9) each one
      // within 5 s of the last in the bucket; refused twice, the shard has
      // started 3 sessions in a row, and its session pacer holds the next
      // 60 s. (A budget of a minute failed about 1 run in 10 so.)
      let switched = false;
      for (let i = 0; i < 480 && !switched; i++) {
        await step(s, valve, 250);
        const count = await s.direct.hget(
          `${s.prefix}:fleet:generation`,
          "count",
        );
        if (count === "2") {
          switched = true;
          assert.ok(
            newShard0Live(s),
            "switched while new shard 0 had no session",
          );
        }
      }
      assert.ok(switched, "the fleet switched once new shard 0 completed");
    });
    // Every renewal answered in time: no shard was stopped and restarted.
    assert.deepEqual(stderr.filter((line) => GUARD_FIRED.test(line)), []);
    const identifies = s.gateway.log.filter((e) =>
      e.type === "identify" && e.shard?.[0] === 0 && e.shard?.[1] === 2 &&
      e.outcome === "ready"
    );
    assert.equal(identifies.length, 2, "identified again after the op 9");
  },
);

sceneTest(
  "FleetShards: a new shard marked complete that resumes its session (op 9 d:true) stays counted: the fleet switches at once",
  async (s, valve) => {
    await captureStderr(async () => {
      const ready = await newShard0Marked(s, valve);
      const conn = s.gateway.connections.find((c) =>
        c.shard?.[0] === 0 && c.shard?.[1] === 2
      )!;
      s.gateway.invalidateSession(true, { connectionId: conn.id });
      let resumed = false;
      for (let i = 0; i < 40 && !resumed; i++) {
        await step(s, valve, 250);
        resumed = s.gateway.log.some((e) =>
          e.type === "resume" && e.outcome === "resumed"
        );
      }
      assert.ok(resumed, "new shard 0 resumed");
      await valve.idle();
      assert.equal(await s.direct.sismember(ready, "0"), 1, "still marked");
      valve.open(); // new shard 1's mark completes the set
      // At once: within two renewal ticks of the virtual clock (stepped, so
      // a flip that waits for the member's next tick is not a real-time
      // race: a busy machine made it one).
      let switched = false;
      for (let i = 0; i < 8 && !switched; i++) {
        await step(s, valve, 250);
        switched =
          await s.direct.hget(`${s.prefix}:fleet:generation`, "count") ===
            "2";
      }
      assert.ok(switched, "the fleet switched within two ticks");
    });
  },
);
