// When no process may take a shard (generation_seed.ts: a lease TTL after
// the fleet's count was written afresh) and the cases around it:
// a tick whose count read failed, a process restarted by close() and
// start(), a fleet key of another type. On a VirtualScheduler (leases on
// its clock) against the test Redis.
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import {
  established,
  isLeaseTick,
  isSync,
  runningIds,
  type Scene,
  stepAll,
  twoRunning,
  type Valve,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

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
    const ids = runningIds(fleets);
    assert.equal(new Set(ids).size, ids.length, `run twice: ${ids} at ${i}`);
    for (const fleet of fleets) {
      assert.ok(fleet.shardIds.length <= most, `${fleet.shardIds} at ${i}`);
    }
  }
}

valvesTest(
  "FleetShards: at a fleet's first start (no count in Redis) no shard is taken, nor identified, until a lease TTL after the count was written",
  1,
  async (s, valves) => {
    const a = await s.member(valves[0]!, { shardCount: 2 });
    await a.start();
    const writtenAt = Number(
      await s.direct.hget(`${s.prefix}:fleet:generation`, "created_at"),
    );
    assert.equal(writtenAt, s.scheduler.now());
    // The lease TTL is 3 s.
    while (s.scheduler.now() < writtenAt + 2_000) await stepAll(s, valves);
    assert.deepEqual(a.shardIds, []);
    assert.deepEqual(
      s.gateway.log.filter((e) => e.type === "identify"),
      [],
    );
    for (let i = 0; i < 2 && a.shardIds.length < 2; i++) {
      await stepAll(s, valves);
    }
    assert.deepEqual(a.shardIds, [0, 1]);
  },
);

valvesTest(
  "FleetShards: processes of a fleet's first start each take their fair share when the hold ends: none takes every shard to hand most of them over",
  2,
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 4 });
      const b = await s.member(valves[1]!, { shardCount: 4 });
      await a.start();
      await b.start();
      await watch(s, valves, [a, b], 8);
      assert.deepEqual(runningIds([a, b]), [0, 1, 2, 3]);
      // Each shard identified once: none was handed over.
      const identified = s.gateway.log.filter((e) => e.type === "identify")
        .map((e) => e.shard?.[0]).sort();
      assert.deepEqual(identified, [0, 1, 2, 3]);
    });
  },
);

valvesTest(
  "FleetShards: a process whose count reads fail takes no shard (after a data loss it cannot know the hold, and took the shards a live process still ran)",
  2,
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
      assert.deepEqual(runningIds([a, b]), [0, 1, 2, 3]);
      assert.equal(b.shardIds.length, 2);
    });
  },
);

valvesTest(
  "FleetShards: a process restarted (close(), start()) during a first start's hold joins afresh and is counted: nobody takes every shard at its end",
  2,
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
      assert.deepEqual(runningIds([a, b]), [0, 1, 2, 3]);
      const identified = s.gateway.log.filter((e) => e.type === "identify")
        .map((e) => e.shard?.[0]).sort();
      assert.deepEqual(identified, [0, 1, 2, 3], "a shard handed over");
    });
  },
);

valvesTest(
  "FleetShards: a generation key or retired key of another type is dropped and said on stderr, and the fleet runs on (it failed every count read, for good, and reshard() threw WRONGTYPE)",
  2,
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

valvesTest(
  "FleetShards: a process started again after close() does not write back the count it ran before as one it runs (after a reshard and a loss meanwhile, it took the fleet back)",
  2,
  async (s, valves) => {
    const generation = `${s.prefix}:fleet:generation`;
    await captureStderr(async () => {
      const [a, b] = await twoRunning(s, valves);
      await a.close();
      // b alone reshards to 4 and switches. (A new shard whose IDENTIFY met
      // another's in its bucket three times in a row waits about a minute:
      // 150 steps, where 60 ran out 1 run in 10.)
      await b.reshard(4, { sessionStartsLeft: 100 });
      for (let i = 0; i < 150 && b.shardCount !== 4; i++) {
        await stepAll(s, valves);
      }
      assert.equal(b.shardCount, 4);
      await deleteKeys(s.direct, s.prefix); // Redis restarts empty
      const before = s.gateway.log.length;
      await a.start(); // first to find no count: its old 2, provisionally
      for (let i = 0; i < 12; i++) {
        await stepAll(s, valves);
        assert.equal(b.shardCount, 4, `b went back at step ${i}`);
      }
      assert.equal(a.shardCount, 4);
      assert.equal(await s.direct.hget(generation, "count"), "4");
      assert.deepEqual(
        s.gateway.log.slice(before).filter((e) =>
          e.type === "identify" && e.shard?.[1] !== 4
        ),
        [],
      );
    });
  },
);

valvesTest(
  "FleetShards: a barrier set of another type dropped during a reshard abandons the reshard, said on stderr (its marks were lost with it, and it never flipped)",
  2,
  async (s, valves) => {
    const generation = `${s.prefix}:fleet:generation`;
    const ready = `${s.prefix}:fleet:ready`;
    const lines = await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 2 });
      await established(s, a);
      await a.start();
      for (let i = 0; i < 5 && a.shardIds.length < 2; i++) {
        await stepAll(s, valves);
      }
      await a.reshard(4, { sessionStartsLeft: 100 });
      await s.direct.set(ready, "written by another program");
      for (let i = 0; i < 3; i++) await stepAll(s, valves);
      assert.equal(await s.direct.hget(generation, "next"), null);
      assert.equal(await s.direct.type(ready), "none");
      assert.deepEqual([a.shardCount, a.resharding], [2, undefined]);
      // A reshard asked again runs to its end.
      await a.reshard(4, { sessionStartsLeft: 100 });
      for (let i = 0; i < 60 && a.shardCount !== 4; i++) {
        await stepAll(s, valves);
      }
      assert.equal(a.shardCount, 4);
    });
    assert.ok(
      lines.some((l) => /\[ERR\].*reshard running is abandoned/.test(l)),
      lines.join("\n"),
    );
  },
);

valvesTest(
  "FleetShards: a reshard given up and asked again to the same count before the next renewal runs to its end (the set kept did not mark its shards again, and it never flipped)",
  1,
  async (s, valves) => {
    const ready = `${s.prefix}:fleet:ready`;
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 2 });
      await established(s, a);
      await a.start();
      await a.reshard(4, { sessionStartsLeft: 100 });
      for (let i = 0; i < 60; i++) {
        await stepAll(s, valves);
        if ((await s.direct.scard(ready)) > 0) break;
      }
      assert.ok((await s.direct.scard(ready)) > 0, "a new shard marked");
      await a.cancelReshard(4);
      await a.reshard(4, { sessionStartsLeft: 100 });
      for (let i = 0; i < 150 && a.shardCount !== 4; i++) {
        await stepAll(s, valves);
      }
      assert.equal(a.shardCount, 4);
      assert.deepEqual(a.shardIds, [0, 1, 2, 3]);
    });
  },
);

valvesTest(
  "FleetShards: a newcomer with a shorter lease TTL, syncing after a loss between a running process's sync and its lease tick, does not replace the fleet's TTL (the running process's leases looked like ghosts to it, and both ran the shards)",
  2,
  async (s, valves) => {
    const generation = `${s.prefix}:fleet:generation`;
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, {
        shardCount: 2,
        leaseTtlMs: 12_000,
        renewMs: 4_000,
      });
      await established(s, a);
      await a.start();
      for (let i = 0; i < 12 && a.shardIds.length < 2; i++) {
        await stepAll(s, [valves[0]!]);
      }
      assert.deepEqual(a.shardIds, [0, 1]);
      await deleteKeys(s.direct, s.prefix); // Redis restarts empty
      // a's sync goes through (and writes the count back); its lease tick,
      // one round trip later, is held until the newcomer synced.
      valves[0]!.hold = isLeaseTick;
      const syncs = valves[0]!.sent.filter(isSync).length;
      for (let i = 0; i < 8; i++) {
        if (valves[0]!.sent.filter(isSync).length > syncs) break;
        await stepAll(s, [valves[0]!], 500);
      }
      await pollUntil("a's lease tick held", () => valves[0]!.held.length > 0);
      assert.equal(await s.direct.hget(generation, "lease_ttl"), "12000");
      const n = await s.member(valves[1]!, {
        shardCount: 2,
        leaseTtlMs: 3_000,
        renewMs: 1_000,
      });
      await n.start();
      assert.equal(await s.direct.hget(generation, "lease_ttl"), "12000");
      valves[0]!.open();
      await watch(s, valves, [a, n], 12);
    });
  },
);
