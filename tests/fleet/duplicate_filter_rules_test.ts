// RedisDuplicateFilter's windows at their boundary, which fleet_claims_test.ts
// does not reach (each found as a surviving mutant): a claim or a confirm
// made just before a window ends still counts just after it, in the next
// window, and a window's keys outlive the next window (an event is
// remembered a whole window at least). Against a real Redis, on a clock
// given as `now`; keys under a fresh prefix of the default database.
import assert from "node:assert/strict";
import {
  duplicateWindowMs,
  RedisDuplicateFilter,
} from "../../fleet/duplicate_filter.ts";
import { DEFAULT_SESSION_MAX_AGE } from "../../gateway/session_store.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const WINDOW = 60_000;
const CLAIM_TTL = 10_000;

/**
 * Run `body` with two filters (two processes) at one fresh key, on a clock
 * it sets through `at`.
 */
async function withFilters(
  body: (
    filters: [RedisDuplicateFilter, RedisDuplicateFilter],
    at: (ms: number) => void,
    redis: RedisConnection,
    key: string,
  ) => Promise<void>,
): Promise<void> {
  const redis = await connectRedis({ url: server.url });
  const prefix = `disruption:test:filter:${crypto.randomUUID()}`;
  const key = `${prefix}:seen`;
  let now = 0;
  const options = { claimTtlMs: CLAIM_TTL, now: () => now };
  try {
    await body(
      [
        new RedisDuplicateFilter(redis, key, WINDOW, options),
        new RedisDuplicateFilter(redis, key, WINDOW, options),
      ],
      (ms) => void (now = ms),
      redis,
      key,
    );
  } finally {
    await deleteKeys(redis, prefix);
    await closeRedis(redis);
  }
}

Deno.test({
  name:
    "RedisDuplicateFilter: a claim made just before a window ends still stands just after it: another asker's copy is a second copy",
  ignore: server.ignore,
  fn: () =>
    withFilters(async ([a, b], at) => {
      const hash = await a.key("MESSAGE_CREATE claimed");
      at(2 * WINDOW - 10);
      assert.deepEqual(await a.firstSeen([hash]), [true]);
      at(2 * WINDOW + 10); // the next window, 20 ms later
      assert.deepEqual(await b.firstSeen([hash]), [false]);
      at(2 * WINDOW - 10 + CLAIM_TTL); // its claimer taken for dead
      assert.deepEqual(await b.firstSeen([hash]), [true]);
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: an event confirmed just before a window ends is seen just after it, and its copy is a second copy",
  ignore: server.ignore,
  fn: () =>
    withFilters(async ([a, b], at) => {
      const hash = await a.key("MESSAGE_CREATE confirmed");
      at(WINDOW - 10);
      assert.deepEqual(await a.firstSeen([hash]), [true]);
      await a.confirm([hash]);
      at(WINDOW + 10);
      assert.deepEqual(await b.seenAlready([hash]), [true]);
      assert.deepEqual(await b.firstSeen([hash]), [false]);
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: a window's keys expire at the end of the next window, more than a window after",
  ignore: server.ignore,
  fn: () =>
    withFilters(async ([a], at, redis, key) => {
      const [hash, claimed] = await Promise.all(
        ["MESSAGE_CREATE kept", "MESSAGE_CREATE claimed"].map((e) => a.key(e)),
      ) as [string, string];
      at(3 * WINDOW + 5);
      await a.firstSeen([hash, claimed]);
      await a.confirm([hash]); // the other stays claimed: its hashes stay

      const keys = ["", ":pending", ":claimers"].map((s) => `${key}:3${s}`);
      for (const k of keys) {
        const ttl = await redis.pttl(k);
        // 2 windows less the 5 ms into this one; Redis's own clock ran on
        // only the few ms since.
        assert.ok(
          ttl > 2 * WINDOW - 1_000 && ttl <= 2 * WINDOW - 5,
          `${k} expires in ${ttl} ms`,
        );
      }
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: a claim never confirmed (its claimer died) leaves keys that expire, even if the filter is never asked again",
  ignore: server.ignore,
  fn: () =>
    withFilters(async ([a], at, redis, key) => {
      const hash = await a.key("MESSAGE_CREATE never confirmed");
      at(3 * WINDOW + 5);
      assert.deepEqual(await a.firstSeen([hash]), [true]);
      for (const k of [":pending", ":claimers"].map((s) => `${key}:3${s}`)) {
        const ttl = await redis.pttl(k);
        assert.ok(
          ttl > 0 && ttl <= 2 * WINDOW - 5,
          `${k} expires in ${ttl} ms`,
        );
      }
    }),
});

Deno.test({
  name:
    "RedisDuplicateFilter: with the fleet's window, a confirmed event is still seen a session's longest age and 4 TTLs later, wherever in a window it fell",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:filter:${crypto.randomUUID()}`;
    const ttl = 15_000;
    // A replay comes up to a saved session's longest age late, a held copy
    // up to 4 TTLs (see duplicateWindowMs).
    const late = DEFAULT_SESSION_MAX_AGE + 4 * ttl;
    let now = 0;
    const filter = new RedisDuplicateFilter(
      redis,
      `${prefix}:seen`,
      duplicateWindowMs(ttl),
      { now: () => now },
    );
    try {
      const steps = [...Array(10).keys()].map((i) => (i * late) / 10);
      const hashes = await Promise.all(
        steps.map((_, i) => filter.key(`MESSAGE_CREATE ${i}`)),
      );
      for (const [i, at] of steps.entries()) {
        now = at;
        assert.deepEqual(await filter.firstSeen([hashes[i]!]), [true]);
        await filter.confirm([hashes[i]!]);
      }
      for (const [i, at] of steps.entries()) {
        now = at + late - 1;
        assert.deepEqual(
          await filter.seenAlready([hashes[i]!]),
          [true],
          `the event confirmed at ${at} ms, asked at ${now} ms`,
        );
      }
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});
