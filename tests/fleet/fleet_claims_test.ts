// RedisDuplicateFilter's claims against a real Redis: `firstSeen` claims an
// event (pending) and the deliverer confirms it; a claim not confirmed in
// `claimTtlMs` is taken for its claimer's death and given to the next
// asker. And the loss it prevents, made deterministic: a process killed
// after Redis applied its claim but before delivering left the event's
// surviving copies to be dropped as second copies (seen ~1 in 10 loaded
// runs of "a process killed as soon as its new shards are complete" in
// fleet_resharding_test.ts). Keys under a fresh prefix of the default
// database (no database number of its own: nothing is flushed).
import assert from "node:assert/strict";
import {
  RedisDuplicateFilter,
  type RedisDuplicateFilterOptions,
} from "../../fleet/duplicate_filter.ts";
import { HeldEvents, type HeldEventsOptions } from "../../fleet/held_events.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";
import { resendingNext } from "./_resent_scripts.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const server = testRedis();
const CLAIM_TTL = 7_500;
const GRACE = 2_000;

const message = (
  id: string,
  shardCount: number,
  shardId: number,
  sequence: number,
): FleetDispatch => ({
  shardId,
  shardCount,
  sessionId: `s${shardCount}/${shardId}`,
  name: "MESSAGE_CREATE",
  sequence,
  data: { id, guild_id: "1", content: id },
});

/**
 * `redis` as a process SIGKILLed once its next script is applied: the
 * script runs, its reply is never read. `applied` resolves when Redis has
 * run it.
 */
function killedAfterNextScript(redis: RedisConnection): {
  redis: RedisConnection;
  applied: Promise<void>;
} {
  const applied = Promise.withResolvers<void>();
  const proxy = new Proxy(redis, {
    get(target, property): unknown {
      if (property === "eval") {
        return (...args: unknown[]): Promise<unknown> => {
          const run = (target.eval as (...a: unknown[]) => Promise<unknown>)(
            ...args,
          );
          run.then(() => applied.resolve(), applied.reject);
          return new Promise(() => {});
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { redis: proxy, applied: applied.promise };
}

/**
 * Two processes claiming at `key`: `victim`, SIGKILLed once its next script
 * is applied (`applied`), and `survivor`, through `filter`; what either
 * delivers is in `delivered`, by event id.
 */
function victimAndSurvivor(
  redis: RedisConnection,
  key: string,
  options: RedisDuplicateFilterOptions,
  survivorOptions?: HeldEventsOptions,
): {
  delivered: string[];
  applied: Promise<void>;
  victim: HeldEvents;
  filter: RedisDuplicateFilter;
  survivor: HeldEvents;
} {
  const delivered: string[] = [];
  const deliver = (e: FleetDispatch) =>
    delivered.push((e.data as { id: string }).id);
  const killed = killedAfterNextScript(redis);
  const victim = new HeldEvents(
    deliver,
    new RedisDuplicateFilter(killed.redis, key, 40_000, options),
  );
  const filter = new RedisDuplicateFilter(redis, key, 40_000, options);
  const survivor = new HeldEvents(deliver, filter, survivorOptions);
  return { delivered, applied: killed.applied, victim, filter, survivor };
}

/** Marks the claim script, for {@linkcode resendingNext}. */
const CLAIM = "now - at >= claimTtl";

/**
 * The keys of the filter at `key`'s windows: the confirmed sets, or with
 * `suffix` (":pending", ":claimers") the claims' hashes.
 */
async function windowKeys(
  redis: RedisConnection,
  key: string,
  suffix = "",
): Promise<string[]> {
  const keys = await redis.keys(`${key}:*${suffix}`);
  return keys.filter((k) => suffix !== "" || !/:(pending|claimers)$/.test(k));
}

/** Whether `field` is in the `suffix` hash of any window of `key`. */
async function inAnyWindow(
  redis: RedisConnection,
  key: string,
  suffix: string,
  field: string,
): Promise<boolean> {
  for (const k of await windowKeys(redis, key, suffix)) {
    if (await redis.hexists(k, field) === 1) return true;
  }
  return false;
}

/** Run `body` with a connection and a fresh prefix, cleaned up after. */
async function withRedis(
  body: (redis: RedisConnection, prefix: string) => Promise<void>,
): Promise<void> {
  const redis = await connectRedis({ url: server.url });
  const prefix = `disruption:test:claims:${crypto.randomUUID()}`;
  try {
    await body(redis, prefix);
  } finally {
    await deleteKeys(redis, prefix);
    await closeRedis(redis);
  }
}

Deno.test({
  name:
    "Claims: a process killed after Redis applied its claim, before delivering, loses no event: the held copy is kept and the replay after the takeover is delivered, once",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      let now = 1_000_000; // the leases' clock, shared by the fleet
      const { delivered, applied, victim, survivor } = victimAndSurvivor(
        redis,
        `${prefix}:seen:4`,
        { claimTtlMs: CLAIM_TTL, now: () => now },
      );
      // The victim's old shard 1 (of 2) receives m283: its claim is
      // applied, then SIGKILL (no answer read, nothing delivered).
      victim.accept(message("m283", 2, 1, 151));
      await within(applied, "the victim's claim");
      // The survivor's new shard 3 (of 4) holds its copy; its tick prunes.
      survivor.hold(message("m283", 4, 3, 6));
      now += 2_500;
      const pruned = await survivor.prune();
      // The victim's leases expire; the survivor takes its old shard over
      // and RESUMEs it from the session saved at the victim's last tick:
      // Discord replays m283.
      now += CLAIM_TTL;
      survivor.accept(message("m283", 2, 1, 151));
      // The set flips; the survivor switches.
      now += 2_500;
      await survivor.release();
      assert.deepEqual(delivered, ["m283"], "delivered once");
      assert.equal(pruned, 0, "a claim alone does not make a copy second");
      assert.equal(survivor.duplicates, 1, "the held copy, at the switch");
    }),
});

Deno.test({
  name:
    "Claims: while the claim is fresh the replay is a second copy and the held copy is kept; once it expires the held copy is delivered at the switch, once",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      let now = 5_000;
      const { delivered, applied, victim, survivor } = victimAndSurvivor(
        redis,
        `${prefix}:seen:4`,
        { claimTtlMs: CLAIM_TTL, now: () => now },
      );
      victim.accept(message("m7", 2, 1, 9));
      await within(applied, "the victim's claim");
      survivor.hold(message("m7", 4, 3, 2));
      // A copy asked about within the claim TTL: its claimer may be live
      // and delivering, so it is second.
      now += CLAIM_TTL - 1;
      survivor.accept(message("m7", 2, 1, 9));
      assert.equal(await survivor.prune(), 0);
      assert.equal(survivor.heldCount, 1);
      now += 1;
      assert.equal(await survivor.release(), 1);
      assert.deepEqual(delivered, ["m7"]);
    }),
});

Deno.test({
  name:
    "Claims: a process killed after its claim, the fleet switching within claimTtlMs (no replay), loses no event: the switch keeps the held copy for the grace, then delivers and confirms it, once",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const scheduler = new VirtualScheduler({ start: 1_000_000 });
      const { delivered, applied, victim, filter, survivor } =
        victimAndSurvivor(
          redis,
          `${prefix}:seen:4`,
          { claimTtlMs: CLAIM_TTL, now: () => scheduler.now() },
          { scheduler, claimGraceMs: GRACE },
        );
      // The victim renewed after the new set completed; its old shard 1
      // (of 2) receives m283: the claim is applied, then SIGKILL.
      victim.accept(message("m283", 2, 1, 151));
      await within(applied, "the victim's claim");
      survivor.hold(message("m283", 4, 3, 6));
      survivor.hold(message("m284", 4, 3, 7));
      // The set flips within claimTtlMs; the survivor switches at once.
      await scheduler.advance(2_500);
      assert.equal(await survivor.release(), 1, "m284 at once");
      assert.deepEqual(delivered, ["m284"], "m283 kept: claimed, unconfirmed");
      // The old (count 2) sessions end for good: no replay comes.
      await scheduler.advance(GRACE);
      await within(survivor.rechecked(), "the grace's recheck");
      await survivor.confirmed();
      assert.deepEqual(delivered, ["m284", "m283"], "delivered once");
      assert.equal(survivor.duplicates, 0);
      const hash = await filter.key(
        `MESSAGE_CREATE\u0000${JSON.stringify(message("m283", 4, 3, 6).data)}`,
      );
      assert.deepEqual(await filter.seenAlready([hash]), [true], "confirmed");
    }),
});

Deno.test({
  name:
    "Claims: a live claimer that confirms within the grace gets the held copy dropped at the switch, no second delivery",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const key = `${prefix}:seen:4`;
      const scheduler = new VirtualScheduler({ start: 1_000_000 });
      const options = { claimTtlMs: CLAIM_TTL, now: () => scheduler.now() };
      const delivered: string[] = [];
      const claimer = new RedisDuplicateFilter(redis, key, 40_000, options);
      const survivor = new HeldEvents(
        (e) => delivered.push((e.data as { id: string }).id),
        new RedisDuplicateFilter(redis, key, 40_000, options),
        { scheduler, claimGraceMs: GRACE },
      );
      const event = message("m9", 4, 3, 2);
      const hash = await claimer.key(
        `MESSAGE_CREATE\u0000${JSON.stringify(event.data)}`,
      );
      // Another, live but slow, process claimed m9 on its old shard.
      assert.deepEqual(await claimer.firstSeen([hash]), [true]);
      survivor.hold(event);
      await scheduler.advance(2_500);
      assert.equal(await survivor.release(), 0);
      await scheduler.advance(GRACE / 2);
      // It delivers and confirms within the grace.
      await claimer.confirm([hash]);
      await scheduler.advance(GRACE / 2);
      await within(survivor.rechecked(), "the grace's recheck");
      assert.deepEqual(delivered, [], "its copy was delivered by the claimer");
      assert.equal(survivor.duplicates, 1);
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: a claim answers false to any asker within claimTtlMs and true after it (taken over); a confirmed key answers false for good and is seen; a claimed one is not seen",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const key = `${prefix}:seen`;
      let now = 10_000;
      const options = { claimTtlMs: CLAIM_TTL, now: () => now };
      const a = new RedisDuplicateFilter(redis, key, 60_000, options);
      const b = new RedisDuplicateFilter(redis, key, 60_000, options);
      const [h1, h2, h3] = await Promise.all(
        ["e1", "e2", "e3"].map((e) => a.key(e)),
      ) as [string, string, string];
      assert.deepEqual(await a.firstSeen([h1, h2, h2]), [true, true, false]);
      now += CLAIM_TTL - 1;
      assert.deepEqual(await b.firstSeen([h1]), [false], "another asker");
      assert.deepEqual(await a.firstSeen([h1]), [false], "the claimer");
      assert.deepEqual(await b.seenAlready([h1, h2]), [false, false]);
      now += 1;
      assert.deepEqual(await b.firstSeen([h1]), [true], "taken over");
      assert.deepEqual(await a.firstSeen([h1]), [false], "claimed anew");
      await b.confirm([h1]);
      assert.deepEqual(await a.seenAlready([h1, h2]), [true, false]);
      now += 10 * CLAIM_TTL;
      assert.deepEqual(await a.firstSeen([h1]), [false], "confirmed");
      assert.equal(await inAnyWindow(redis, key, ":pending", h1), false);
      // A process from before claims (or windows) adds to the confirmed
      // set at the key itself.
      await redis.sadd(key, h3);
      assert.deepEqual(await b.firstSeen([h3]), [false]);
      assert.deepEqual(await b.seenAlready([h3]), [true]);
      const windows = [
        ...await windowKeys(redis, key),
        ...await windowKeys(redis, key, ":pending"),
      ];
      assert.ok(windows.length >= 2, `${windows}`);
      for (const k of windows) {
        const ttl = await redis.pttl(k);
        assert.ok(ttl > 0 && ttl <= 120_000, `${k} expires in ${ttl} ms`);
      }
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: without a clock, claims are dated on the Redis server's TIME",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const key = `${prefix}:seen`;
      const a = new RedisDuplicateFilter(redis, key, 60_000, {
        claimTtlMs: 300,
      });
      const b = new RedisDuplicateFilter(redis, key, 60_000, {
        claimTtlMs: 300,
      });
      const h = await a.key("e");
      assert.deepEqual(await a.firstSeen([h]), [true]);
      assert.deepEqual(await b.firstSeen([h]), [false]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.deepEqual(await b.firstSeen([h]), [true]);
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: a claim whose reply was lost and resent (Redis ran it twice) answers as its first run: the event is delivered, not dropped as a second copy of itself",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const key = `${prefix}:seen:4`;
      let now = 1_000_000;
      const options = { claimTtlMs: CLAIM_TTL, now: () => now };
      // Through HeldEvents.accept, as a process's running set delivers.
      const lossy = resendingNext(redis, CLAIM);
      const delivered: string[] = [];
      const events = new HeldEvents(
        (e) => delivered.push((e.data as { id: string }).id),
        new RedisDuplicateFilter(lossy.redis, key, 40_000, options),
      );
      events.accept(message("m2", 2, 0, 2));
      await within(
        (async () => {
          while (delivered.length + events.duplicates === 0) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })(),
        "the claim's answer",
      );
      await events.confirmed();
      assert.equal(lossy.resent(), 1, "the claim ran twice");
      assert.deepEqual(delivered, ["m2"], "its only copy was dropped");
      assert.equal(events.duplicates, 0);
      // The answers of a resent call are the first run's, repeats included;
      // a later call (of the same filter too) is any other asker.
      const again = resendingNext(redis, CLAIM);
      const filter = new RedisDuplicateFilter(
        again.redis,
        key,
        40_000,
        options,
      );
      const [h1, h2] = await Promise.all([filter.key("e1"), filter.key("e2")]);
      const other = new RedisDuplicateFilter(redis, key, 40_000, options);
      assert.deepEqual(await other.firstSeen([h2]), [true]);
      assert.deepEqual(await filter.firstSeen([h1, h2, h1]), [
        true,
        false,
        false,
      ]);
      assert.equal(again.resent(), 1);
      assert.deepEqual(await filter.firstSeen([h1]), [false], "a later call");
      assert.deepEqual(await other.firstSeen([h1, h2]), [false, false]);
      // Taken over after the claim TTL by another, it is no longer this
      // call's: the claimers hash follows, and confirming clears it.
      now += CLAIM_TTL;
      assert.deepEqual(await other.firstSeen([h1]), [true]);
      await other.confirm([h1, h2]);
      const claimers = await windowKeys(redis, key, ":claimers");
      assert.deepEqual(claimers, [], "an empty hash is no key");
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: over a real connection cut at the claim's reply (ioredis resends it), the claim still answers true",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const relay = tcpCut(Number(new URL(server.url).port));
      const lossy = await connectRedis({
        url: `redis://127.0.0.1:${relay.port}`,
      });
      try {
        const filter = new RedisDuplicateFilter(
          lossy,
          `${prefix}:seen`,
          40_000,
        );
        const hash = await filter.key("e");
        let reconnects = 0;
        lossy.on("reconnecting", () => reconnects++);
        // The claiming reply (an array of one 1) is lost with the connection.
        relay.cutAtReply(/\*1\r\n:1\r\n/);
        const answer = await within(filter.firstSeen([hash]), "the claim");
        assert.equal(reconnects, 1, "the reply was lost and the claim resent");
        assert.deepEqual(answer, [true]);
        assert.ok(await inAnyWindow(redis, `${prefix}:seen`, ":pending", hash));
      } finally {
        await closeRedis(lossy);
        await relay.close();
      }
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: a confirmed event is remembered a window at least and two at most; Redis holds the last two windows' events however long the filter runs",
  ignore: server.ignore,
  fn: () =>
    withRedis(async (redis, prefix) => {
      const key = `${prefix}:seen:4`;
      const WINDOW = 60_000;
      let now = 7 * WINDOW + 1; // the start of window 7
      const options = { claimTtlMs: CLAIM_TTL, now: () => now };
      const a = new RedisDuplicateFilter(redis, key, WINDOW, options);
      const b = new RedisDuplicateFilter(redis, key, WINDOW, options);
      const [early, late] = await Promise.all([a.key("early"), a.key("late")]);
      assert.deepEqual(await a.firstSeen([early]), [true]);
      await a.confirm([early]);
      now = 8 * WINDOW - 1; // the end of window 7
      assert.deepEqual(await a.firstSeen([late]), [true]);
      await a.confirm([late]);
      // A copy a window less a millisecond after the later confirm (two
      // windows less 3 ms after the earlier) is a second copy.
      now = 9 * WINDOW - 2;
      assert.deepEqual(await b.firstSeen([early, late]), [false, false]);
      assert.deepEqual(await b.seenAlready([early, late]), [true, true]);
      now = 9 * WINDOW; // window 9: window 7 is forgotten
      assert.deepEqual(await b.seenAlready([early, late]), [false, false]);
      // A steady stream: what Redis holds stays two windows' worth.
      const held: number[] = [];
      for (let second = 1; second <= 8 * 60; second++) {
        const hash = await a.key(`e${second}`);
        assert.deepEqual(await a.firstSeen([hash]), [true]);
        await a.confirm([hash]);
        // Its copy within the window: a second copy.
        assert.deepEqual(await b.firstSeen([hash]), [false]);
        now += 1_000;
        if (second % 120 === 0) {
          let members = 0;
          for (const k of await windowKeys(redis, key)) {
            members += await redis.scard(k);
          }
          held.push(members);
        }
      }
      assert.ok(held.every((n) => n <= 120), `held ${held}`);
      assert.equal(new Set(held.slice(1)).size, 1, `held ${held}`);
      const claims = await windowKeys(redis, key, ":pending");
      assert.deepEqual(claims, [], "confirmed claims leave no pending hash");
    }),
});

Deno.test("RedisDuplicateFilter: the window and claim TTL must be positive, the claim TTL at most the window", () => {
  const redis = {} as RedisConnection;
  assert.throws(() => new RedisDuplicateFilter(redis, "k", 0), RangeError);
  assert.throws(
    () => new RedisDuplicateFilter(redis, "k", 1_000, { claimTtlMs: -1 }),
    RangeError,
  );
  assert.throws(
    () => new RedisDuplicateFilter(redis, "k", 1_000, { claimTtlMs: 1_001 }),
    {
      name: "RangeError",
      message:
        "Cannot create a duplicate filter as 'claimTtlMs' must be at most 'windowMs' (1000 ms): current value 'claimTtlMs=1001'",
    },
  );
});
