// When no process may take a shard (generation_seed.ts: a lease TTL after
// the fleet's count was written afresh) and what ends such a hold early:
// a tick whose count read failed, a process restarted by close() and
// start(), a fleet key of another type. On a VirtualScheduler (leases on
// its clock) against the test Redis.
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import {
  established,
  isSync,
  type Scene,
  scene,
  server,
  stepAll,
  Valve,
} from "./fleet_run_guard_scene.ts";

/** Every shard id `fleets` run, sorted. */
function running(fleets: FleetShards[]): number[] {
  return fleets.flatMap((f) => f.shardIds).sort((a, b) => a - b);
}

/** Step `steps` times; no shard may run twice, nor anyone hold over `most`. */
async function watch(
  s: Scene,
  valves: Valve[],
  fleets: FleetShards[],
  steps: number,
  most = 2,
): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await stepAll(s, valves);
    const ids = running(fleets);
    assert.equal(new Set(ids).size, ids.length, `run twice: ${ids} at ${i}`);
    for (const fleet of fleets) {
      assert.ok(fleet.shardIds.length <= most, `${fleet.shardIds} at ${i}`);
    }
  }
}

function holdTest(
  name: string,
  fn: (s: Scene, valves: Valve[]) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: server.ignore,
    fn: async () => {
      const s = await scene();
      try {
        await fn(s, [new Valve(), new Valve()]);
      } finally {
        await s.teardown();
      }
    },
  });
}

holdTest(
  "FleetShards: a process whose count reads fail takes no shard (after a data loss it cannot know the hold, and took the shards a live process still ran)",
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 4 });
      await established(s, a);
      await a.start();
      for (let i = 0; i < 5 && a.shardIds.length < 4; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(a.shardIds, [0, 1, 2, 3]);
      await deleteKeys(s.direct, s.prefix); // Redis restarted empty
      // A newcomer renewing often, whose count reads fail.
      valves[1]!.rewrite = (command, answer) => {
        if (isSync(command)) throw new Error("READONLY (injected)");
        return answer;
      };
      const b = await s.member(valves[1]!, { shardCount: 4, renewMs: 250 });
      await b.start();
      await watch(s, valves, [a, b], 6, 4);
      assert.deepEqual(b.shardIds, []);
      // Its reads answered again: it gets its share, once the hold is over.
      valves[1]!.rewrite = undefined;
      for (let i = 0; i < 8 && b.shardIds.length < 2; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(running([a, b]), [0, 1, 2, 3]);
      assert.equal(b.shardIds.length, 2);
    });
  },
);

holdTest(
  "FleetShards: a process restarted (close(), start()) during a first start's hold joins afresh and is counted: nobody takes every shard at its end",
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 4 });
      const b = await s.member(valves[1]!, { shardCount: 4 });
      await a.start();
      await b.start();
      await stepAll(s, valves);
      await a.close();
      await a.start();
      await watch(s, valves, [a, b], 8);
      assert.deepEqual(running([a, b]), [0, 1, 2, 3]);
      const identified = s.gateway.log.filter((e) => e.type === "identify")
        .map((e) => e.shard?.[0]).sort();
      assert.deepEqual(identified, [0, 1, 2, 3], "a shard handed over");
    });
  },
);

holdTest(
  "FleetShards: a generation key or retired key of another type is dropped and said on stderr, and the fleet runs on (it failed every count read, for good, and reshard() threw WRONGTYPE)",
  async (s, valves) => {
    for (const suffix of ["generation", "retired"]) {
      const key = `${s.prefix}:fleet:${suffix}`;
      await s.direct.set(key, "written by another program");
      const lines = await captureStderr(async () => {
        const a = await s.member(valves[0]!, { shardCount: 2 });
        await a.start();
        for (let i = 0; i < 5 && a.shardIds.length < 2; i++) {
          await stepAll(s, valves);
        }
        assert.deepEqual(a.shardIds, [0, 1], suffix);
        assert.equal(
          await s.direct.hget(`${s.prefix}:fleet:generation`, "count"),
          "2",
          suffix,
        );
        await a.close();
      });
      assert.ok(
        lines.some((l) => /\[ERR\].*held another type than expected/.test(l)),
        `${suffix}: ${lines.join("\n")}`,
      );
      await deleteKeys(s.direct, s.prefix);
    }
    // reshard() too: it reads the generation hash before any sync.
    const a = await s.member(valves[1]!, { shardCount: 2 });
    await established(s, a);
    await captureStderr(async () => {
      await a.start();
      await s.direct.del(`${s.prefix}:fleet:generation`);
      await s.direct.set(`${s.prefix}:fleet:generation`, "x");
      await a.reshard(3, { sessionStartsLeft: 100 });
      assert.equal(
        await s.direct.hget(`${s.prefix}:fleet:generation`, "next"),
        "3",
      );
    });
  },
);
