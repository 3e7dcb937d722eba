// Which shard count and lease TTL the fleet's generation hash holds when a
// process finds none (a first start, or Redis lost its keys) or finds
// another than its own (generation_seed.ts): on FleetGeneration directly,
// with times given, against the test Redis (DB 0, a key prefix of its own).
import assert from "node:assert/strict";
import { FleetGeneration } from "../../fleet/fleet_generation.ts";
import { MIN_SEED_HOLD_MS } from "../../fleet/generation_seed.ts";
import { LeaseTimes } from "../../fleet/lease_times.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { generationTest } from "../_fakes/fleet_scene.ts";

const T = 1_000_000;

/** A test on the generation hash of a fresh prefix (see generationTest). */
const seedTest = (
  name: string,
  fn: (redis: RedisConnection, prefix: string, key: string) => Promise<void>,
): void => generationTest("seed", name, fn);

seedTest(
  "FleetGeneration: a provisional seed by a process that just started gives way to the count and TTL a running process runs, holds after 60 s, and ends at a flip",
  async (redis, prefix, key) => {
    const runner = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await redis.hset(key, { count: "4", lease_ttl: "3000" }); // a running fleet
    assert.deepEqual(await runner.sync(4, T), { count: 4, next: undefined });
    assert.equal(await redis.hget(key, "lease_ttl"), "3000");
    // Redis loses its keys; a process with older options starts first.
    await redis.del(key);
    const times = new LeaseTimes(6_000);
    const newcomer = new FleetGeneration(redis, prefix, times);
    const lines = await captureStderr(async () => {
      assert.deepEqual(await newcomer.sync(2, T + 100), {
        count: 2,
        next: undefined,
      });
      assert.ok(await redis.hexists(key, "seeded"));
      // The running process puts back what it runs, and says so.
      assert.deepEqual(await runner.sync(4, T + 200), {
        count: 4,
        next: undefined,
      });
      assert.equal(await redis.hexists(key, "seeded"), 0);
      // The newcomer follows, TTL included, and says so.
      assert.deepEqual(await newcomer.sync(2, T + 300), {
        count: 4,
        next: undefined,
      });
    });
    assert.equal(times.ttlMs, 3_000);
    assert.equal(times.renewMs, 1_000);
    assert.ok(lines.some((l) => /put back to what the fleet runs/.test(l)));
    assert.ok(lines.some((l) => /leaseTtlMs \(6000\) differs/.test(l)));

    // A provisional seed nobody running contradicts holds after 60 s.
    await redis.del(key);
    const lone = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    const t2 = T + 100_000;
    await lone.sync(8, t2);
    await lone.sync(8, t2 + MIN_SEED_HOLD_MS);
    assert.equal(await redis.hexists(key, "seeded"), 0);
    await captureStderr(async () => {
      assert.equal(
        (await runner.sync(4, t2 + MIN_SEED_HOLD_MS + 1)).count,
        8,
      );
    });

    // A flip ends a provisional seed at once.
    await redis.del(key);
    const t3 = T + 200_000;
    await lone.sync(8, t3); // runs 8: not provisional
    await redis.del(key);
    const fresh = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await fresh.sync(8, t3); // provisional, 8 as the fleet runs
    // (Asked by lone, a process running 8, the seed would be firm at once.)
    await fresh.request(8, 2, t3);
    await redis.hset(`${prefix}:2:leases`, { 0: `x|${t3 + 3_000}` });
    await redis.hset(`${prefix}:2:leases`, { 1: `x|${t3 + 3_000}` });
    await fresh.markReady(2, 0, true, t3);
    // No old shard is leased: the mark that completes the set flips it.
    assert.ok(await redis.hexists(key, "seeded"));
    assert.equal(await fresh.markReady(2, 1, true, t3 + 1_000), true);
    assert.equal(await redis.hexists(key, "seeded"), 0);
    // A process that has not switched yet runs 8: it does not move back.
    assert.equal((await lone.sync(8, t3 + 1_002)).count, 2);
  },
);

seedTest(
  "FleetGeneration: the fleet's lease TTL changes only when a process starts while none of the fleet is live; otherwise the newcomer runs with the stored one",
  async (redis, prefix, key) => {
    await redis.hset(key, { count: "8", lease_ttl: "3000" });
    // A live member of the running count: the stored TTL stands.
    await redis.hset(`${prefix}:8:members`, { a: `${T + 3_000}|` });
    const times = new LeaseTimes(9_000, 1_000);
    const running = new FleetGeneration(redis, prefix, times);
    const lines = await captureStderr(async () => {
      await running.sync(8, T);
    });
    assert.equal(await redis.hget(key, "lease_ttl"), "3000");
    assert.equal(times.ttlMs, 3_000);
    assert.equal(times.renewMs, 1_000);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0]!, /leaseTtlMs \(9000\) differs from the fleet's/);
    // Every member gone (stopped, or expired): the next to start sets it.
    const later = new LeaseTimes(9_000);
    const quiet = await captureStderr(async () => {
      await new FleetGeneration(redis, prefix, later).sync(8, T + 3_001);
    });
    assert.deepEqual(quiet, []);
    assert.equal(await redis.hget(key, "lease_ttl"), "9000");
    assert.equal(later.ttlMs, 9_000);
    // A process running before adopts it at its next sync.
    await captureStderr(async () => {
      await running.sync(8, T + 3_002);
    });
    assert.equal(times.ttlMs, 9_000);
    assert.equal(times.renewMs, 1_000);
    // A stored TTL that is none is put back, loudly.
    await redis.hset(key, "lease_ttl", "2.5");
    const fixed = await captureStderr(async () => {
      await new FleetGeneration(redis, prefix, later).sync(8, T + 3_003);
    });
    assert.ok(fixed.some((l) => /field lease_ttl\) was not/.test(l)));
    assert.equal(await redis.hget(key, "lease_ttl"), "9000");
  },
);

seedTest(
  "FleetGeneration: a newcomer's provisional seed gives way however its TTL compares (longer than twice a runner's, or a runner with a 60 s TTL syncing 20 s later)",
  async (redis, prefix, key) => {
    for (
      const [runnerTtl, newcomerTtl, syncAfter] of [
        [15_000, 60_000, 2_000],
        [60_000, 15_000, 20_000],
      ] as const
    ) {
      const times = new LeaseTimes(runnerTtl);
      const runner = new FleetGeneration(redis, prefix, times);
      // The fleet runs 8, after a reshard.
      await redis.hset(key, { count: "8", lease_ttl: String(runnerTtl) });
      await runner.sync(8, T);
      await redis.del(key); // Redis loses its keys
      const newcomer = new FleetGeneration(
        redis,
        prefix,
        new LeaseTimes(newcomerTtl),
      );
      await captureStderr(async () => {
        await newcomer.sync(4, T + 100); // its options: the count before
        const synced = await runner.sync(8, T + syncAfter);
        assert.equal(synced.count, 8, `runner ${runnerTtl} ms`);
      });
      assert.equal(times.ttlMs, runnerTtl);
      assert.equal(await redis.hget(key, "count"), "8");
      assert.equal(await redis.hget(key, "lease_ttl"), String(runnerTtl));
      await redis.del(key);
    }
  },
);

seedTest(
  "FleetGeneration: a reshard's barrier ignores a stored lease TTL that is none (-inf, nan, negative, under the least valid 3 ms) and waits for the old holder as with the fleet's",
  async (redis, prefix, key) => {
    const keys = [
      key,
      `${prefix}:ready`,
      `${prefix}:1:leases`,
      `${prefix}:2:leases`,
    ];
    for (const stored of ["15000", "-100000000", "-inf", "nan", "0", "2"]) {
      await captureStderr(async () => {
        const g = new FleetGeneration(redis, prefix, new LeaseTimes(15_000));
        await g.sync(1, T);
        await g.request(1, 2, T);
        // The old shard's holder renewed at T and is dead since.
        await redis.hset(`${prefix}:1:leases`, { 0: `dead|${T + 15_000}` });
        await redis.hset(`${prefix}:2:leases`, {
          0: `x|${T + 20_000}`,
          1: `x|${T + 20_000}`,
        });
        await redis.hset(key, { lease_ttl: stored }); // edited by hand
        await g.markReady(2, 0, true, T + 5_000);
        const flipped = await g.markReady(2, 1, true, T + 5_000);
        assert.equal(flipped, false, `lease_ttl=${stored}`);
      });
      await redis.del(...keys);
    }
  },
);

seedTest(
  "FleetGeneration: Redis losing the fleet's keys during a reshard is said on stderr (the reshard is abandoned); without one, nothing is",
  async (redis, prefix, key) => {
    const runner = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    const quiet = await captureStderr(async () => {
      await runner.sync(2, T);
      await runner.sync(2, T + 1_000); // runs 2 now
      await redis.del(key);
      assert.deepEqual(await runner.sync(2, T + 2_000), {
        count: 2,
        next: undefined,
      });
    });
    assert.deepEqual(quiet, []);
    await runner.request(2, 4, T + 3_000);
    assert.equal((await runner.sync(2, T + 4_000)).next, 4);
    await redis.del(key); // lost mid-reshard
    const lines = await captureStderr(async () => {
      assert.deepEqual(await runner.sync(2, T + 5_000), {
        count: 2,
        next: undefined,
      });
    });
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /Redis lost the fleet's keys .* during the reshard to 4 shards: the reshard is abandoned .* call reshard\(\) again/,
    );
  },
);

seedTest(
  "FleetGeneration: the time a count is written where there was none is kept (created_at): not moved by later syncs or by a running process putting its count back; one not in the past is dropped",
  async (redis, prefix, key) => {
    const runner = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await runner.sync(4, T);
    assert.equal(runner.createdAt, T);
    assert.equal(await redis.hget(key, "created_at"), String(T));
    // Its own seed held (provisional no more): it runs the fleet's count.
    const U = T + MIN_SEED_HOLD_MS + 1_000;
    await runner.sync(4, U);
    assert.equal(runner.createdAt, T);
    // Redis loses its keys; a process with older options starts first.
    await redis.del(key);
    const fresh = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await fresh.sync(2, U + 5_000);
    assert.equal(fresh.createdAt, U + 5_000);
    await captureStderr(() => runner.sync(4, U + 6_000)); // puts its 4 back
    assert.equal(await redis.hget(key, "count"), "4");
    assert.equal(runner.createdAt, U + 5_000);
    // Written by hand: a time ahead would hold every take past a TTL.
    for (const value of [String(U + 60_000), "abc", "-5", "0"]) {
      await redis.hset(key, "created_at", value);
      await runner.sync(4, U + 7_000);
      assert.equal(runner.createdAt, undefined, value);
      assert.equal(await redis.hexists(key, "created_at"), 0, value);
    }
  },
);

seedTest(
  "FleetGeneration: after a loss during a reshard, a newcomer's seed does not win over the count a running process puts back (its seed is no count it runs), and the lost reshard is said",
  async (redis, prefix, key) => {
    const runner = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await redis.hset(key, { count: "4", lease_ttl: "3000" }); // a running fleet
    await runner.sync(4, T);
    await runner.request(4, 8, T);
    assert.equal((await runner.sync(4, T + 100)).next, 8);
    await redis.del(key); // Redis loses its keys mid-reshard
    const newcomer = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    const lines = await captureStderr(async () => {
      assert.equal((await newcomer.sync(2, T + 200)).count, 2);
      assert.equal((await runner.sync(4, T + 300)).count, 4);
      assert.equal((await newcomer.sync(2, T + 400)).count, 4);
    });
    assert.equal(await redis.hget(key, "count"), "4");
    assert.ok(
      lines.some((l) => /during the reshard to 8 shards/.test(l)),
      lines.join("\n"),
    );
  },
);

seedTest(
  "FleetGeneration: every flip stamps the epoch with its time; after a loss the count of the later epoch wins whichever process syncs first, once, with a warning; an epoch that is none is dropped, said",
  async (redis, prefix, key) => {
    const lagging = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    const switched = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await redis.hset(key, { count: "2", lease_ttl: "3000", epoch: "junk" });
    const junk = await captureStderr(async () => {
      await lagging.sync(2, T);
    });
    assert.equal(await redis.hget(key, "epoch"), null);
    assert.ok(junk.some((l) => /field epoch/.test(l)), junk.join("\n"));
    await switched.sync(2, T);
    await switched.request(2, 1, T);
    // No old shard is leased: marking the new shard (leased) flips it.
    await redis.hset(`${prefix}:1:leases`, { 0: `x|${T + 3_000}` });
    assert.equal(await switched.markReady(1, 0, true, T), true);
    const flipped = await redis.hget(key, "epoch"); // the flip's time
    assert.equal(flipped, String(T));
    assert.equal((await switched.sync(1, T + 1_100)).count, 1);
    await redis.del(key); // Redis loses its keys
    const lines = await captureStderr(async () => {
      // The lagging process (epoch 0, count 2) writes first; the switched
      // one (epoch 1) puts 1 back over it, and the lagging one cannot undo
      // that (a command of its sent before, resent, changes nothing).
      assert.equal((await lagging.sync(2, T + 1_200)).count, 2);
      assert.equal((await switched.sync(1, T + 1_300)).count, 1);
      assert.equal((await lagging.sync(2, T + 1_400)).count, 1);
      assert.equal((await switched.sync(1, T + 1_500)).count, 1);
    });
    assert.deepEqual(
      [await redis.hget(key, "count"), await redis.hget(key, "epoch")],
      ["1", flipped],
    );
    const warned = lines.filter((l) => /missed a reshard/.test(l));
    assert.equal(warned.length, 1, lines.join("\n"));
  },
);

/**
 * Flip `generation`'s fleet from `from` to `to` shards at `now`: the
 * request, every new shard leased and marked (no old shard is leased), and
 * the syncs that flip it.
 */
async function flip(
  redis: RedisConnection,
  prefix: string,
  generation: FleetGeneration,
  [from, to]: [number, number],
  now: number,
): Promise<void> {
  await generation.request(from, to, now);
  for (let shard = 0; shard < to; shard++) {
    await redis.hset(`${prefix}:${to}:leases`, { [shard]: `x|${now + 3_000}` });
    await redis.sadd(`${prefix}:ready`, String(shard));
  }
  await generation.sync(from, now); // complete since now
  assert.equal((await generation.sync(from, now + 1)).count, to);
}

seedTest(
  "FleetGeneration: an epoch this Redis stamped since a loss (a seed that held, a flip) is never replaced by one a process writes back, however late it comes back or whatever Redis's clock said",
  async (redis, prefix, key) => {
    const frozen = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    const T0 = T + 1_000_000;
    await redis.hset(key, { count: "3", lease_ttl: "3000", epoch: String(T0) });
    await frozen.sync(3, T0 + 5_000); // runs 3 (a flip at T0), then frozen
    // A loss; Redis comes back with its clock 5 minutes behind, and a
    // newcomer's seed of 2 holds.
    await redis.del(key);
    const behind = T0 + 10_000 - 300_000;
    const newcomer = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await captureStderr(async () => {
      await newcomer.sync(2, behind);
    });
    await newcomer.sync(2, behind + MIN_SEED_HOLD_MS + 1_000);
    assert.equal(await redis.hget(key, "epoch_stamped"), "seed");
    // The frozen process comes back: the seed holds.
    assert.equal((await frozen.sync(3, behind + 100_000)).count, 2);
    // The fleet reshards to 4, stamped on the clock behind: it holds too.
    await flip(redis, prefix, newcomer, [2, 4], behind + 120_000);
    assert.ok(Number(await redis.hget(key, "epoch")) < T0);
    const lines = await captureStderr(async () => {
      assert.equal((await frozen.sync(3, behind + 200_000)).count, 4);
    });
    assert.equal(await redis.hget(key, "count"), "4");
    assert.deepEqual(lines, []);
  },
);

seedTest(
  "FleetGeneration: a process still running its shards (a long TTL, cut off from Redis over a seed's minute) puts its count back over a newcomer's seed that held; a seed far ahead (Redis's clock stepped back) stays provisional instead of holding at once",
  async (redis, prefix, key) => {
    const runner = new FleetGeneration(redis, prefix, new LeaseTimes(180_000));
    await redis.hset(key, {
      count: "3",
      lease_ttl: "180000",
      epoch: String(T),
      epoch_stamped: "flip",
    });
    await runner.sync(3, T + 1_000, T + 121_000);
    await redis.del(key); // a loss; the runner is cut off
    const newcomer = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await captureStderr(async () => {
      await newcomer.sync(2, T + 2_000);
    });
    await newcomer.sync(2, T + 2_000 + MIN_SEED_HOLD_MS + 1_000); // held
    assert.equal(await redis.hget(key, "epoch_stamped"), "seed");
    // Back at 75 s, its last renewal still safe until 121 s: it puts 3 back.
    const lines = await captureStderr(async () => {
      assert.equal((await runner.sync(3, T + 75_000, T + 121_000)).count, 3);
    });
    assert.equal(await redis.hget(key, "count"), "3");
    assert.ok(lines.some((l) => /put back to what the fleet runs/.test(l)));
    // Its shards stopped before a seed held, it would not have.
    await redis.del(key);
    const second = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await captureStderr(async () => {
      await second.sync(2, T + 200_000);
    });
    await second.sync(2, T + 200_000 + MIN_SEED_HOLD_MS + 1_000);
    await captureStderr(async () => {
      assert.equal((await runner.sync(3, T + 275_000, T + 121_000)).count, 2);
    });

    // Redis's clock steps back 3 minutes in a seed's minute: the seed,
    // now far ahead, is provisional for a hold from now, and a running
    // process's count goes back over it.
    await redis.hset(key, { count: "3", epoch: String(T), epoch_stamped: "" });
    const other = new FleetGeneration(redis, prefix, new LeaseTimes(180_000));
    await captureStderr(async () => {
      await other.sync(3, T + 300_000, T + 420_000);
    });
    await redis.del(key);
    const late = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await captureStderr(async () => {
      await late.sync(2, T + 400_000);
    });
    assert.ok(await redis.hexists(key, "seeded"));
    await captureStderr(async () => {
      assert.equal((await other.sync(3, T + 220_000)).count, 3);
    });
    assert.equal(await redis.hget(key, "epoch_stamped"), null);
  },
);

seedTest(
  "FleetGeneration: running processes put their counts back over a seed that held in the order of their epochs, whichever syncs first (the first back won, and one that missed the last reshard undid it)",
  async (redis, prefix, key) => {
    const ttl = 300_000;
    for (
      const [seedCount, laggingFirst] of [[2, true], [4, true], [2, false]] as [
        number,
        boolean,
      ][]
    ) {
      await redis.del(key);
      const switched = new FleetGeneration(redis, prefix, new LeaseTimes(ttl));
      const lagging = new FleetGeneration(redis, prefix, new LeaseTimes(ttl));
      const T0 = T + 10_000_000;
      // The fleet ran 8; lagging syncs, then is cut off (misses the flip).
      await redis.hset(key, {
        count: "8",
        lease_ttl: String(ttl),
        epoch: String(T0 - 600_000),
        epoch_stamped: "flip",
      });
      await lagging.sync(8, T0 - 5_000, T0 - 5_000 + ttl);
      // The reshard to 4 flips at T0; switched syncs, then is cut off.
      await redis.hset(key, { count: "4", epoch: String(T0) });
      await switched.sync(4, T0 + 1_000, T0 + 1_000 + ttl);
      await redis.del(key); // Redis loses its keys; a newcomer's seed holds
      const newcomer = new FleetGeneration(
        redis,
        prefix,
        new LeaseTimes(3_000),
      );
      await captureStderr(async () => {
        await newcomer.sync(seedCount, T0 + 15_000);
        await newcomer.sync(seedCount, T0 + 76_000);
      });
      assert.equal(await redis.hget(key, "epoch_stamped"), "seed");
      // Both come back within their leases, in either order.
      const back = [
        () => lagging.sync(8, T0 + 100_000, T0 - 5_000 + ttl),
        () => switched.sync(4, T0 + 100_100, T0 + 1_000 + ttl),
      ];
      if (!laggingFirst) back.reverse();
      await captureStderr(async () => {
        for (const sync of back) await sync();
        assert.equal((await newcomer.sync(seedCount, T0 + 100_200)).count, 4);
        assert.equal((await lagging.sync(8, T0 + 101_000)).count, 4);
      });
      assert.equal(await redis.hget(key, "count"), "4", `${seedCount}`);
    }
  },
);

seedTest(
  "FleetGeneration: a reshard asked on a newcomer's seed to the count a running process then puts back is dropped without a word (it said a field was broken)",
  async (redis, prefix, key) => {
    const runner = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await redis.hset(key, { count: "3", lease_ttl: "3000" });
    await runner.sync(3, T);
    await redis.del(key); // a loss
    const newcomer = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    const lines = await captureStderr(async () => {
      await newcomer.sync(2, T + 100);
      await newcomer.request(2, 3, T + 200);
      assert.deepEqual(await runner.sync(3, T + 300), {
        count: 3,
        next: undefined,
      });
    });
    assert.equal(await redis.hget(key, "next"), null);
    assert.ok(!lines.some((l) => /field next/.test(l)), lines.join("\n"));
  },
);

seedTest(
  "FleetGeneration: a reshard request that drops a barrier set of another type says so on stderr",
  async (redis, prefix, key) => {
    const g = new FleetGeneration(redis, prefix, new LeaseTimes(3_000));
    await redis.hset(key, { count: "2", lease_ttl: "3000" });
    await g.sync(2, T);
    await redis.set(`${prefix}:ready`, "written by another program");
    const lines = await captureStderr(async () => {
      assert.deepEqual(await g.request(2, 4, T + 100), {
        count: 2,
        running: undefined,
      });
    });
    assert.ok(
      lines.some((l) => /\[ERR\].*held another type than expected/.test(l)),
      lines.join("\n"),
    );
  },
);

seedTest(
  "FleetGeneration: a runningUntil far past a held seed's stamp (made on a clock Redis is now behind) does not count as running",
  async (redis, prefix, key) => {
    const T0 = T + 20_000_000;
    // A process stopped before a seed held, its runningUntil computed on
    // a clock 300 s ahead of the Redis that came back: not running.
    await redis.del(key);
    const frozen = new FleetGeneration(redis, prefix, new LeaseTimes(60_000));
    await redis.hset(key, {
      count: "4",
      lease_ttl: "60000",
      epoch: String(T0),
    });
    await frozen.sync(4, T0, T0 + 40_000);
    await redis.del(key);
    const behind = T0 - 300_000;
    const seeder = new FleetGeneration(redis, prefix, new LeaseTimes(60_000));
    await captureStderr(async () => {
      await seeder.sync(2, behind + 10_000);
      await seeder.sync(2, behind + 80_000);
      assert.equal(
        (await frozen.sync(4, behind + 240_000, T0 + 40_000)).count,
        2,
      );
    });
  },
);
