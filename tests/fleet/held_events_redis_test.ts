// HeldEvents with the fleet's RedisDuplicateFilter against a real Redis:
// what a prune and a switch cost (digests, keys per request) whatever is
// held, and a handover between two processes sharing the filter, its ticks
// driven by a VirtualScheduler.
import assert from "node:assert/strict";
import { HeldEvents, PRUNE_LIMIT } from "../../fleet/held_events.ts";
import { RedisDuplicateFilter } from "../../fleet/duplicate_filter.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { Gen } from "../_fakes/prng.ts";
import { testRedis } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

const event = (
  id: string,
  shardCount: number,
  pad = 0,
): FleetDispatch => ({
  shardId: 0,
  shardCount,
  sessionId: `s${shardCount}`,
  name: "MESSAGE_CREATE",
  sequence: 1,
  data: { id, pad: "p".repeat(pad) },
});

/** What the filter sent Redis: hashes per asking and per recording script. */
interface RedisLoad {
  asked: number[];
  recorded: number[];
}

/**
 * `redis`, noting the hashes each duplicate-filter request names: the
 * claim (script, 1, key, window, claimTtl, now, call id, ...hashes) records
 * what follows the first seven; the question (script, 1, key, window, now,
 * ...hashes) asks about what follows the first five; the confirm is not
 * counted.
 */
function counted(redis: RedisConnection, load: RedisLoad): RedisConnection {
  return new Proxy(redis, {
    get(target, property): unknown {
      if (property === "eval") {
        return (...args: (string | number)[]): unknown => {
          const script = String(args[0]);
          if (script.includes("claimTtl")) load.recorded.push(args.length - 7);
          else if (script.includes("SMISMEMBER")) {
            load.asked.push(args.length - 5);
          }
          return (target.eval as (...a: unknown[]) => unknown)(...args);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A Redis filter counting the digests it computes (its `key` calls). */
class CountingFilter extends RedisDuplicateFilter {
  static digests = 0;

  override key(identity: string): Promise<string> {
    CountingFilter.digests++;
    return super.key(identity);
  }
}

Deno.test({
  name:
    "HeldEvents with the Redis filter: an event is hashed once, when held; a prune hashes nothing and asks Redis about at most PRUNE_LIMIT, 1,000 a request; the switch records 1,000 a request",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:held:${crypto.randomUUID()}`;
    const load: RedisLoad = { asked: [], recorded: [] };
    try {
      {
        CountingFilter.digests = 0;
        const digests = () => CountingFilter.digests;
        const key = `${prefix}:seen`;
        const filter = () =>
          new CountingFilter(counted(redis, load), key, 60_000);
        const held = 2 * PRUNE_LIMIT + PRUNE_LIMIT / 2;
        let newDelivered = 0;
        let oldDelivered = 0;
        const oldDone = Promise.withResolvers<void>();
        const fresh = new HeldEvents(() => newDelivered++, filter());
        const old = new HeldEvents(() => {
          if (++oldDelivered === held / 5) oldDone.resolve();
        }, filter());
        for (let i = 0; i < held; i++) fresh.hold(event(`n${i}`, 4));
        const whenHeld = digests();
        // The running set (another process) delivers every fifth meanwhile.
        for (let i = 0; i < held; i += 5) old.accept(event(`n${i}`, 2));
        await within(oldDone.promise, "the running set's deliveries");
        const before = digests();
        load.asked.length = 0;
        let pruned = 0;
        for (let tick = 0; tick < 3; tick++) {
          const asked = load.asked.length;
          pruned += await fresh.prune();
          assert.equal(digests() - before, 0, `tick ${tick} hashed again`);
          const sizes = load.asked.slice(asked);
          assert.ok(
            sizes.reduce((a, b) => a + b, 0) <= PRUNE_LIMIT,
            `tick ${tick} asked about ${sizes}`,
          );
          assert.ok(sizes.every((n) => n <= 1_000), `requests of ${sizes}`);
        }
        assert.equal(whenHeld, held, "each was hashed once, when held");
        assert.equal(pruned, held / 5, "three prunes went round them all");
        assert.equal(fresh.heldCount, held - held / 5);
        load.recorded.length = 0;
        const kept = fresh.heldCount;
        assert.equal(await fresh.release(), kept);
        assert.equal(newDelivered, kept);
        assert.equal(digests(), before, "the switch uses the kept digests");
        assert.equal(load.recorded.length, Math.ceil(kept / 1_000));
        assert.ok(load.recorded.every((n) => n <= 1_000));
      }
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "HeldEvents with the Redis filter: two processes hand over a reshard (one on the old set, one holding the new within a size bound, pruning every tick): every event delivered once",
  ignore: server.ignore,
  fn: async () => {
    const redisOld = await connectRedis({ url: server.url });
    const redisNew = await connectRedis({ url: server.url });
    const prefix = `disruption:test:held:${crypto.randomUUID()}`;
    const RENEW = 2_500;
    const GRACE = 1_000;
    const maxHeldChars = 300_000;
    // The old set's process is slow to confirm around the switch, so the
    // release may find copies it claimed and has not confirmed (unless the
    // size bound had the new set deliver those early), and keeps them
    // for the grace (on the virtual clock): once confirmed, they are second
    // copies. (Under a loaded run its confirms lagged on their own, and the
    // test's end delivered what the grace still kept: twice.)
    let confirmsOpen = Promise.resolve();
    /**
     * The old set's claims sent (one per event it accepts, once the
     * event's digest is known): the switch waits for them to be in.
     */
    const oldClaims: Promise<unknown>[] = [];
    let claimSent = (): void => {};
    const slowOld = new Proxy(redisOld, {
      get(target, property): unknown {
        if (property === "eval") {
          return async (...args: unknown[]): Promise<unknown> => {
            const script = String(args[0]);
            if (script.includes("SADD")) await confirmsOpen;
            const sent = (target.eval as (...a: unknown[]) => unknown)(
              ...args,
            ) as Promise<unknown>;
            if (script.includes("claimTtl")) {
              oldClaims.push(sent);
              claimSent();
            }
            return await sent;
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    try {
      await withLogRecords(async (records) => {
        const delivered: string[] = [];
        const deliver = (e: FleetDispatch) =>
          delivered.push((e.data as { id: string }).id);
        const key = `${prefix}:seen`;
        const clock = new VirtualScheduler();
        const old = new HeldEvents(
          deliver,
          new RedisDuplicateFilter(slowOld, key, 60_000),
        );
        const fresh = new HeldEvents(
          deliver,
          new RedisDuplicateFilter(redisNew, key, 60_000),
          { maxHeldChars, claimGraceMs: GRACE, scheduler: clock },
        );
        // The new set's process prunes at each renewal, as FleetShards does,
        // here asking about few at a time so that prunes go round.
        let pruning = Promise.resolve();
        let ticks = 0;
        let pruned = 0;
        const tick = (): void => {
          ticks++;
          pruning = pruning.then(async () => {
            pruned += await fresh.prune(200);
          });
          clock.setTimeout(tick, RENEW);
        };
        clock.setTimeout(tick, RENEW);
        const gen = new Gen(2024);
        const sent: string[] = [];
        let most = 0;
        let switched = false;
        let early = 0;
        let openConfirms = () => {};
        let oldAccepted = 0;
        const accept = (copy: FleetDispatch): void => {
          oldAccepted++;
          old.accept(copy);
        };
        for (let i = 0; i < 4_000; i++) {
          const id = `m${i}`;
          sent.push(id);
          const copy = event(id, 2, gen.int(1_500));
          const next = { ...copy, shardCount: 4, sessionId: "s4" };
          if (i === 2_990) {
            const gate = Promise.withResolvers<void>();
            confirmsOpen = gate.promise;
            openConfirms = gate.resolve;
          }
          if (i === 3_010) {
            openConfirms();
            await within(old.confirmed(), "the old set's confirms");
          }
          if (i === 3_000) {
            // The flip: the new set's process switches; the old one runs
            // on a while (until its own next tick), its copies second.
            early = fresh.deliveredEarly;
            // The old set claimed its copies before the switch (under load
            // the release's claims overtook them, and it kept none).
            const allSent = new Promise<void>((resolve) => {
              claimSent = () => {
                if (oldClaims.length >= oldAccepted) resolve();
              };
              claimSent();
            });
            await within(allSent, "the old set's claims sent");
            await within(Promise.all(oldClaims), "the old set's claims");
            await fresh.release();
            switched = true;
          }
          const route = gen.int(10);
          if (switched) {
            fresh.accept(next);
            if (i < 3_500 && route < 7) accept(copy);
          } else if (route < 3) {
            accept(copy); // the old set's copy first
            fresh.hold(next);
          } else if (route < 6) {
            fresh.hold(next); // the new set's copy first
            accept(copy);
          } else if (route < 9) {
            fresh.hold(next); // only the new set has the guild yet
          } else {
            accept(copy); // only the old set
          }
          most = Math.max(most, fresh.heldChars);
          await clock.advance(10);
          await pruning;
        }
        // Both drained: every verdict in, the old set's confirms sent, and
        // the grace over (the test's end would deliver what it keeps).
        await old.release();
        await within(old.confirmed(), "the old set's last confirms");
        await clock.advance(GRACE);
        await within(fresh.rechecked(), "the grace's recheck");
        await fresh.release();
        assert.ok(ticks >= 15, `${ticks} ticks`);
        assert.ok(pruned > 0, "prunes forgot what the old set delivered");
        assert.ok(most <= maxHeldChars, `${most} characters held`);
        assert.ok(early > 0, "the bound was reached");
        assert.ok(fresh.duplicates > 0 && old.duplicates > 0);
        const twice = delivered.length - new Set(delivered).size;
        assert.equal(twice, 0, "no event delivered twice");
        assert.deepEqual(new Set(delivered), new Set(sent), "none lost");
        const warnings = records.filter((r) =>
          r.category.join(".") === "disruption.fleet.reshard"
        );
        assert.equal(warnings.length, 1, "the bound is said once");
      });
    } finally {
      await deleteKeys(redisNew, prefix);
      await closeRedis(redisOld);
      await closeRedis(redisNew);
    }
  },
});
