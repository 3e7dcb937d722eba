// ChainedDuplicateFilter: two processes asking the same two filters at once
// for one event must leave exactly one of them delivering it.
import assert from "node:assert/strict";
import { ChainedDuplicateFilter } from "../../fleet/chained_duplicate_filter.ts";
import {
  type DuplicateFilter,
  MemoryDuplicateFilter,
} from "../../fleet/duplicate_filter.ts";

/** `inner`, its firstSeen answered only once `gate` resolves. */
function gated(inner: DuplicateFilter, gate: Promise<void>): DuplicateFilter {
  return {
    key: (identity) => inner.key(identity),
    firstSeen: async (keys) => {
      await gate;
      return inner.firstSeen(keys);
    },
    seenAlready: (keys) => inner.seenAlready(keys),
  };
}

Deno.test("ChainedDuplicateFilter: two askers whose claims interleave (one wins the earlier filter, the other reaches the later one first) leave one deliverer, not none", async () => {
  const earlier = new MemoryDuplicateFilter();
  const later = new MemoryDuplicateFilter();
  // X's request to the later filter arrives after Y's: X's is held.
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const x = new ChainedDuplicateFilter(earlier, gated(later, held));
  const y = new ChainedDuplicateFilter(
    gated(earlier, Promise.resolve()),
    later,
  );
  const key = await x.key("MESSAGE_CREATE m1");
  const asked = x.firstSeen([key]);
  // X's earlier claim lands first, then Y asks both.
  await Promise.resolve();
  const yAnswer = await y.firstSeen([key]);
  release();
  const xAnswer = await asked;
  const deliverers = [xAnswer[0], yAnswer[0]].filter((first) => first);
  assert.equal(deliverers.length, 1, `x ${xAnswer} y ${yAnswer}`);
});

Deno.test("ChainedDuplicateFilter: answers in order for a batch, a key first only when first in both", async () => {
  const earlier = new MemoryDuplicateFilter();
  const later = new MemoryDuplicateFilter();
  earlier.firstSeen([earlier.key("a")]);
  later.firstSeen([later.key("b")]);
  const chained = new ChainedDuplicateFilter(earlier, later);
  const keys = await Promise.all(
    ["a", "b", "c", "c"].map((k) => chained.key(k)),
  );
  assert.deepEqual(await chained.firstSeen(keys), [false, false, true, false]);
  assert.deepEqual(
    later.seenAlready([later.key("a")]),
    [false],
    "not asked past the earlier filter's no",
  );
});
