// leaveSets (fleet/fleet_leave.ts): each set's leases are released after its
// shards stop, leaving the members; and leaving is said when Redis did not
// answer, before or during the leave, unless no wait was given.
import assert from "node:assert/strict";
import { leaveSets, type SetsLeave } from "../../fleet/fleet_leave.ts";
import type { ShardSet } from "../../fleet/shard_sets.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** A set running `ids`, recording its lease releases. */
function fakeSet(
  ids: number[],
  released: [number[], boolean][],
): ShardSet {
  return {
    shards: new Map(ids.map((id) => [id, {}])),
    carried: [],
    leases: {
      release: (shards: number[], leave: boolean) => {
        released.push([shards, leave]);
        return Promise.resolve();
      },
    },
  } as unknown as ShardSet;
}

/** A leave whose waits answer as `waits` says. */
function how(answered: boolean, waits: boolean, ms = 1_000): SetsLeave {
  return {
    stop: () => Promise.resolve(),
    wait: async (promise) => {
      await promise;
      return waits;
    },
    ms,
    ttlMs: 15_000,
    answered,
  };
}

Deno.test("leaveSets: each set's leases are released after its stop, leaving the members", async () => {
  const released: [number[], boolean][] = [];
  await captureStderr(() =>
    leaveSets(
      [fakeSet([0, 1], released), undefined, fakeSet([2], released)],
      how(true, true),
    )
  );
  assert.deepEqual(released, [[[0, 1], true], [[2], true]]);
});

Deno.test("leaveSets: leaving is said when Redis did not answer before the leave, even if it answers during it; not when no wait was given", async () => {
  const said = (lines: string[]): number =>
    lines.filter((line) => line.includes("without Redis answering")).length;
  const released: [number[], boolean][] = [];
  const set = (): ShardSet => fakeSet([0], released);
  assert.equal(
    said(await captureStderr(() => leaveSets([set()], how(true, true)))),
    0,
  );
  assert.equal(
    said(await captureStderr(() => leaveSets([set()], how(false, true)))),
    1,
  );
  assert.equal(
    said(
      await captureStderr(() => leaveSets([set(), set()], how(true, false))),
    ),
    1,
  );
  assert.equal(
    said(await captureStderr(() => leaveSets([set()], how(false, false, 0)))),
    0,
  );
});
