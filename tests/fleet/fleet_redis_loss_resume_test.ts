// Redis down long enough for the lease guard to stop every shard, then back
// without its data (a restart without persistence): the sessions were gone
// from the Redis store, only the processes' memory had them, and Discord
// still held them (90 s). Every shard must RESUME, none IDENTIFY (a session
// start spent, the events since the stop lost), whichever process takes it
// once Redis is back. On a VirtualScheduler (leases on its clock) against
// the test Redis, through valves (see fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import {
  activeSessions,
  assertResumedAll,
  deliveredMessages,
  established,
  postInEveryGuild,
  type Scene,
  scene,
  server,
  stepAll,
  Valve,
} from "./fleet_run_guard_scene.ts";

/**
 * Run `fleets` (on `valves`) to two live shards, take Redis down for
 * `outageMs` with its data lost meanwhile, and bring it back: the ids of the
 * events posted before and during the outage, and when it began.
 */
async function outage(
  s: Scene,
  fleets: FleetShards[],
  valves: Valve[],
  outageMs: number,
): Promise<{ posted: string[]; downAt: number }> {
  await established(s, fleets[0]!);
  for (const fleet of fleets) await fleet.start();
  await stepAll(s, valves); // the tick after the join takes the shards
  await pollUntil(
    "both shards running",
    () =>
      fleets.flatMap((f) => f.shardIds).length === 2 && activeSessions(s) === 2,
  );
  const posted = postInEveryGuild(s, "before");
  await stepAll(s, valves); // a renewal saves the sessions
  const downAt = s.scheduler.now();
  for (const valve of valves) valve.down = true;
  // The guard stops every shard before its lease can expire.
  for (let t = 0; t < 3_000; t += 1_000) await stepAll(s, valves);
  assert.deepEqual(fleets.flatMap((f) => f.shardIds), []);
  await pollUntil(
    "both sessions closed resumably",
    () => activeSessions(s) === 0,
  );
  posted.push(...postInEveryGuild(s, "during"));
  await deleteKeys(s.direct, s.prefix); // Redis restarted empty
  while (s.scheduler.now() < downAt + outageMs) await stepAll(s, valves);
  for (const valve of valves) valve.down = false;
  return { posted, downAt };
}

/**
 * Tick until both shards run and every event posted was delivered (a few
 * TTLs at most), no shard run by two processes meanwhile; then nothing
 * identified since `downAt`, and every RESUME since resumed.
 *
 * @returns Whether a process ran both shards meanwhile (so one ran a shard
 * whose session another had).
 */
async function recovered(
  s: Scene,
  fleets: FleetShards[],
  valves: Valve[],
  got: string[],
  expected: { posted: string[]; downAt: number },
): Promise<boolean> {
  const { posted, downAt } = expected;
  const since = () => s.gateway.log.filter((e) => e.at >= downAt);
  // Done once every event came, or once one cannot (a session started anew).
  const done = (): boolean =>
    fleets.flatMap((f) => f.shardIds).length === 2 && activeSessions(s) === 2 &&
    (posted.every((id) => got.includes(id)) ||
      since().some((e) => e.type === "identify"));
  let tookBoth = false;
  for (let i = 0; i < 15 && !done(); i++) {
    await stepAll(s, valves);
    const ids = fleets.flatMap((f) => f.shardIds);
    assert.equal(new Set(ids).size, ids.length, `run twice: ${ids}`);
    tookBoth ||= fleets.some((f) => f.shardIds.length === 2);
  }
  await pollUntil("the fleet back, every event delivered", done);
  assertResumedAll(s, downAt, 2, got, posted, "outage");
  assert.deepEqual(
    [...fleets.flatMap((f) => f.shardIds)].sort(),
    [0, 1],
    "a shard run twice",
  );
  return tookBoth;
}

Deno.test({
  name:
    "FleetShards: after a 40 s Redis outage that lost its data, two processes RESUME every shard the guard stopped, whichever takes it, and lose no event",
  ignore: server.ignore,
  fn: async () => {
    const s = await scene();
    const valves = [new Valve(), new Valve()];
    try {
      const fleets = [
        await s.member(valves[0]!, { redisStore: true }),
        await s.member(valves[1]!, { redisStore: true }),
      ];
      const got = deliveredMessages(fleets);
      await captureStderr(async () => {
        const expected = await outage(s, fleets, valves, 40_000);
        // The first process out of its grace after the loss counts the
        // other out and takes both shards: one whose session only the
        // other process had kept.
        assert.ok(await recovered(s, fleets, valves, got, expected));
      });
    } finally {
      await s.teardown();
    }
  },
});

Deno.test({
  name:
    "FleetShards: after a 20 s Redis outage that lost its data, one process RESUMEs the shards the guard stopped and loses no event",
  ignore: server.ignore,
  fn: async () => {
    const s = await scene();
    const valves = [new Valve()];
    try {
      const fleets = [await s.member(valves[0]!, { redisStore: true })];
      const got = deliveredMessages(fleets);
      await captureStderr(async () => {
        const expected = await outage(s, fleets, valves, 20_000);
        await recovered(s, fleets, valves, got, expected);
      });
    } finally {
      await s.teardown();
    }
  },
});
