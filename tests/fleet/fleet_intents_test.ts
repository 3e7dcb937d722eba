// Members of one fleet started with different `intents` (a rolling change,
// one deployment's mistake): a shard a member takes by RESUME keeps the
// intents it was identified with, and only a new IDENTIFY applies the
// member's own, so the fleet ran shards on both, and nothing said so. The
// fleet's intents live in Redis beside its lease TTL: a member whose
// intents differ says so on stderr, naming both values.
// On a VirtualScheduler (leases on its clock) against the test Redis.
import assert from "node:assert/strict";
import { FleetGeneration } from "../../fleet/fleet_generation.ts";
import { LeaseTimes } from "../../fleet/lease_times.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { generationTest } from "../_fakes/fleet_scene.ts";
import { scene, server, stepAll, Valve } from "./fleet_run_guard_scene.ts";

/**
 * A member with intents 1 runs both shards, then one with `intents` joins
 * and both run a few renewals: what they wrote on stderr, and the fleet's
 * intents in Redis.
 */
async function joinWith(
  intents: number,
): Promise<{ lines: string[]; stored: string | null }> {
  const s = await scene();
  const valves = [new Valve(), new Valve()];
  try {
    let stored: string | null = null;
    const lines = await captureStderr(async () => {
      const a = await s.member(valves[0]!, { intents: 1 });
      await a.start();
      // A fleet's first start takes shards a lease TTL after it.
      for (let i = 0; i < 8 && a.shardIds.length < 2; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(a.shardIds, [0, 1]);
      const b = await s.member(valves[1]!, { intents });
      await b.start();
      for (let i = 0; i < 5; i++) await stepAll(s, valves);
      stored = await s.direct.hget(`${s.prefix}:fleet:generation`, "intents");
    });
    return { lines, stored };
  } finally {
    await s.teardown();
  }
}

Deno.test({
  name:
    "FleetShards: a member whose intents differ from the fleet's says so, naming both",
  ignore: server.ignore,
  fn: async () => {
    const { lines, stored } = await joinWith(513);
    const said = lines.filter((l) => /intents/.test(l));
    assert.equal(said.length, 1, lines.join("\n"));
    assert.match(said[0]!, /\(513\) differ from the fleet's \(1,/);
    assert.match(said[0]!, /RESUME keep the intents they were identified/);
    assert.match(said[0]!, /own apply only at a new IDENTIFY/);
    // The fleet's stay the first member's: the newcomer does not take over.
    assert.equal(stored, "1");
  },
});

Deno.test({
  name: "FleetShards: a member with the fleet's intents says nothing of them",
  ignore: server.ignore,
  fn: async () => {
    const { lines, stored } = await joinWith(1);
    assert.equal(stored, "1");
    assert.deepEqual(lines.filter((l) => /intents/.test(l)), []);
  },
});

/** A test on the generation hash of a fresh prefix (see generationTest). */
const intentsTest = (
  name: string,
  fn: (redis: RedisConnection, prefix: string, key: string) => Promise<void>,
): void => generationTest("intents", name, fn);

const T = 1_000_000;

intentsTest(
  "FleetGeneration: a fleet that recorded no intents (older than the field) takes the first syncing process's, silently",
  async (redis, prefix, key) => {
    await redis.hset(key, { count: "4", lease_ttl: "3000" });
    const g = new FleetGeneration(redis, prefix, new LeaseTimes(3_000), 513);
    const lines = await captureStderr(() => g.sync(4, T).then(() => {}));
    assert.equal(await redis.hget(key, "intents"), "513");
    assert.deepEqual(lines, []);
  },
);

intentsTest(
  "FleetGeneration: a live fleet that recorded no intents takes the first syncing process's, and tells a later one that differs",
  async (redis, prefix, key) => {
    await redis.hset(key, { count: "4", lease_ttl: "3000" });
    await redis.hset(`${prefix}:4:members`, { old: `${T + 2_000}|x` }); // live
    const times = new LeaseTimes(3_000);
    const first = await captureStderr(async () => {
      await new FleetGeneration(redis, prefix, times, 513).sync(4, T);
    });
    assert.equal(await redis.hget(key, "intents"), "513");
    assert.deepEqual(first, []);
    const other = await captureStderr(async () => {
      await new FleetGeneration(redis, prefix, times, 1).sync(4, T);
    });
    assert.equal(
      other.filter((l) => /intents \(1\) differ/.test(l)).length,
      1,
      other.join("\n"),
    );
  },
);

intentsTest(
  "FleetGeneration: the fleet's intents change once none of its processes is live, not while one is",
  async (redis, prefix, key) => {
    await redis.hset(key, { count: "4", lease_ttl: "3000", intents: "1" });
    const members = `${prefix}:4:members`;
    await redis.hset(members, { old: `${T + 2_000}|x` }); // a live process
    const times = new LeaseTimes(3_000);
    const live = await captureStderr(async () => {
      await new FleetGeneration(redis, prefix, times, 513).sync(4, T);
    });
    assert.equal(await redis.hget(key, "intents"), "1");
    assert.equal(live.filter((l) => /intents \(513\)/.test(l)).length, 1);
    // Every process stopped (its membership expired): a new start's are
    // the fleet's, and nothing is said.
    const stopped = await captureStderr(async () => {
      await new FleetGeneration(redis, prefix, times, 513).sync(4, T + 3_000);
    });
    assert.equal(await redis.hget(key, "intents"), "513");
    assert.deepEqual(stopped, []);
  },
);
