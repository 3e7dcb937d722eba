// ChainedDuplicateFilter with filters that claim and confirm (the fleet's,
// in Redis), which chained_duplicate_filter_test.ts's filters in memory do
// not (each found as a surviving mutant): an event confirmed in the later
// filter only (by a process already switched to the new reshard) is seen
// through the chain, and a confirm through the chain reaches the later
// filter, which the overlap ends with.
import assert from "node:assert/strict";
import { ChainedDuplicateFilter } from "../../fleet/chained_duplicate_filter.ts";
import { RedisDuplicateFilter } from "../../fleet/duplicate_filter.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const WINDOW = 60_000;

/** Run `body` with an earlier and a later filter under a fresh prefix. */
async function withFilters(
  body: (
    earlier: RedisDuplicateFilter,
    later: RedisDuplicateFilter,
  ) => Promise<void>,
): Promise<void> {
  const redis: RedisConnection = await connectRedis({ url: server.url });
  const prefix = `disruption:test:chained:${crypto.randomUUID()}`;
  const options = { now: () => 1_000 };
  try {
    await body(
      new RedisDuplicateFilter(redis, `${prefix}:a`, WINDOW, options),
      new RedisDuplicateFilter(redis, `${prefix}:b`, WINDOW, options),
    );
  } finally {
    await deleteKeys(redis, prefix);
    await closeRedis(redis);
  }
}

/** The later filter's key within a key of `chained`. */
function laterKey(chained: ChainedDuplicateFilter, key: string): string {
  return chained.parts(key)[1]![1];
}

Deno.test({
  name:
    "ChainedDuplicateFilter: an event confirmed only in the later filter is seen already through the chain",
  ignore: server.ignore,
  fn: () =>
    withFilters(async (earlier, later) => {
      const chained = new ChainedDuplicateFilter(earlier, later);
      const key = await chained.key('MESSAGE_CREATE\u0000{"id":"2"}');
      const own = laterKey(chained, key);
      assert.deepEqual(await later.firstSeen([own]), [true]);
      await later.confirm([own]);
      assert.deepEqual(await chained.seenAlready([key]), [true]);
      assert.deepEqual(await chained.firstSeen([key]), [false]);
    }),
});

Deno.test({
  name:
    "ChainedDuplicateFilter: a confirm through the chain is a confirm in the later filter: seen there on its own",
  ignore: server.ignore,
  fn: () =>
    withFilters(async (earlier, later) => {
      const chained = new ChainedDuplicateFilter(earlier, later);
      const key = await chained.key('MESSAGE_CREATE\u0000{"id":"1"}');
      assert.deepEqual(await chained.firstSeen([key]), [true]);
      // Claimed, not yet confirmed: not seen in either.
      assert.deepEqual(await later.seenAlready([laterKey(chained, key)]), [
        false,
      ]);
      await chained.confirm([key]);
      assert.deepEqual(await later.seenAlready([laterKey(chained, key)]), [
        true,
      ]);
    }),
});

Deno.test({
  name:
    "ChainedDuplicateFilter: a confirm through the chain is a confirm in the earlier filter too: a process still on it alone sees the event",
  ignore: server.ignore,
  fn: () =>
    withFilters(async (earlier, later) => {
      const chained = new ChainedDuplicateFilter(earlier, later);
      const key = await chained.key('MESSAGE_CREATE\u0000{"id":"3"}');
      const [[, earlierKey]] = chained.parts(key) as [
        [RedisDuplicateFilter, string],
      ];
      assert.deepEqual(await chained.firstSeen([key]), [true]);
      await chained.confirm([key]);
      assert.deepEqual(await earlier.seenAlready([earlierKey]), [true]);
    }),
});
