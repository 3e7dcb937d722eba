// A process joins, the one running every shard sheds one to it (closed
// resumably, its session saved, its lease released), and Redis loses its
// data before the joiner's next tick takes it (a FLUSHDB, a restart without
// persistence): the saved session went with it, only the shedding process's
// memory had it, and Discord still held it. Whoever takes the shard once
// the fleet is back must RESUME it, not IDENTIFY (a session start spent,
// its events since the handover lost). On a VirtualScheduler (leases on
// its clock) against the test Redis, through valves.
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import {
  activeSessions,
  assertResumedAll,
  deliveredMessages,
  established,
  postInEveryGuild,
  runningIds,
  stepAll,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

valvesTest(
  "FleetShards: a shard shed to a joining process RESUMEs after Redis loses its data before the joiner takes it, and loses no event",
  2,
  async (s, valves) => {
    const a = await s.member(valves[0]!, { redisStore: true });
    const b = await s.member(valves[1]!, { redisStore: true });
    const got = deliveredMessages([a, b]);
    await captureStderr(async () => {
      await established(s, a);
      await a.start();
      for (let i = 0; i < 5 && activeSessions(s) < 2; i++) {
        await stepAll(s, valves);
      }
      await pollUntil("a runs both shards", () => activeSessions(s) === 2);
      assert.deepEqual(a.shardIds, [0, 1]);
      const posted = postInEveryGuild(s, "before");
      await stepAll(s, valves); // a renewal saves the sessions
      // The joiner ticks half a renewal after the other: between the
      // other's shedding tick and its own, Redis loses its data.
      await stepAll(s, valves, 500);
      await b.start();
      await stepAll(s, valves, 500);
      await pollUntil("a shard shed", () => activeSessions(s) === 1);
      // One shard each now (which one a keeps is not fixed).
      assert.equal(a.shardIds.length, 1);
      assert.deepEqual(b.shardIds, []);
      const shedAt = s.scheduler.now();
      posted.push(...postInEveryGuild(s, "shed"));
      await deleteKeys(s.direct, s.prefix); // Redis lost its data
      const since = () => s.gateway.log.filter((e) => e.at >= shedAt);
      const done = (): boolean =>
        runningIds([a, b]).length === 2 && activeSessions(s) === 2 &&
        (posted.every((id) => got.includes(id)) ||
          since().some((e) => e.type === "identify"));
      for (let i = 0; i < 20 && !done(); i++) {
        await stepAll(s, valves);
        const ids = runningIds([a, b]);
        assert.equal(new Set(ids).size, ids.length, `run twice: ${ids}`);
      }
      await pollUntil("both shards back", done);
      assertResumedAll(s, shedAt, 1, got, posted, "loss");
      assert.deepEqual(runningIds([a, b]), [0, 1]);
    });
  },
);
