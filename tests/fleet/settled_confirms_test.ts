// SettledConfirms (fleet/_settled_confirms.ts): a key this process
// delivered stays its own pending claim until its confirm has landed, not
// only until its listeners settled (asked meanwhile, the filter may not
// know it yet, and a switch took it for another process's claim).
import assert from "node:assert/strict";
import { SettledConfirms } from "../../fleet/_settled_confirms.ts";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";

/** Let promise callbacks run. */
async function settleTurns(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

Deno.test("SettledConfirms: a key stays this process's own until its confirm has landed", async () => {
  const landed = Promise.withResolvers<void>();
  const filter: DuplicateFilter = {
    key: (identity) => identity,
    firstSeen: (keys) => keys.map(() => true),
    seenAlready: (keys) => keys.map(() => false),
    confirm: () => landed.promise,
  };
  const confirms = new SettledConfirms();
  const listener = Promise.withResolvers<void>();
  confirms.confirmSettled(filter, ["k"], [listener.promise]);
  assert.deepEqual(confirms.ownPending(filter, ["k"]), [true]);
  listener.resolve();
  await settleTurns();
  assert.deepEqual(
    confirms.ownPending(filter, ["k"]),
    [true],
    "its confirm in flight: still its own",
  );
  landed.resolve();
  await confirms.confirmed();
  await settleTurns();
  assert.deepEqual(confirms.ownPending(filter, ["k"]), [false]);
});
