// UnpublishedCopies' memory on its own: a failure is forgotten two minutes
// after its last one, at most 1,024 deliveries are remembered (the least
// recently failed forgotten first), and while deliveries are being
// forgotten a shard's clock stands in for theirs: for two minutes after
// the last one forgotten, reset by a published copy or a shard whose
// copies stopped failing two minutes ago.
import assert from "node:assert/strict";
import { UnpublishedCopies } from "../../dispatch/_command_copies.ts";

/** FORGET_AFTER in `_command_copies.ts`: two minutes. */
const FORGET_AFTER = 120_000;
/** MAX_REMEMBERED in `_command_copies.ts`. */
const MAX_REMEMBERED = 1_024;

/** `copies` with `count` failures of shard `shard` at `now`, keys k0.. */
function fill(
  copies: UnpublishedCopies,
  count: number,
  now: number,
  shard = 0,
): void {
  for (let i = 0; i < count; i++) copies.failed(`k${i}`, now, undefined, shard);
}

Deno.test("UnpublishedCopies: a failure is remembered until two minutes after its last one, not that long", () => {
  const copies = new UnpublishedCopies();
  copies.failed("a", 0, undefined, 0);
  copies.failed("a", 10_000, undefined, 0);
  assert.equal(copies.get("a", 10_000 + FORGET_AFTER - 1)?.first, 0);
  assert.equal(copies.get("a", 10_000 + FORGET_AFTER), undefined);
});

Deno.test("UnpublishedCopies: 1,024 deliveries are remembered; past that, the least recently failed is forgotten, not one that failed again since", () => {
  const copies = new UnpublishedCopies();
  fill(copies, MAX_REMEMBERED, 0);
  assert.equal(copies.size, MAX_REMEMBERED);
  copies.failed("k0", 1, undefined, 0); // failed again: the most recent
  copies.failed("new", 2, undefined, 0);
  assert.equal(copies.size, MAX_REMEMBERED);
  assert.equal(copies.get("k0", 2)?.first, 0, "k0 forgotten");
  assert.equal(copies.get("k1", 2), undefined, "k1 remembered");
});

Deno.test("UnpublishedCopies.forgotten: a shard's clock stands in for its deliveries until two minutes after the last one forgotten", () => {
  const copies = new UnpublishedCopies();
  fill(copies, MAX_REMEMBERED + 1, 0); // k0 forgotten at 0
  assert.equal(copies.forgotten(0, 1_000)?.first, 0);
  // The shard's copies still fail (a remembered one), none forgotten since.
  copies.failed("k5", FORGET_AFTER / 2, undefined, 0);
  assert.equal(copies.forgotten(0, FORGET_AFTER - 1)?.first, 0);
  assert.equal(copies.forgotten(0, FORGET_AFTER), undefined);
});

Deno.test("UnpublishedCopies.forgotten: a published copy resets its shard's clock; a shard whose copies stopped failing two minutes ago starts afresh", () => {
  const copies = new UnpublishedCopies();
  fill(copies, MAX_REMEMBERED + 1, 0);
  copies.published("k3", 0);
  assert.equal(copies.forgotten(0, 1_000), undefined, "after a publish");
  // Shard 1's copies failed at 0, then none for two minutes: a failure
  // then (forgetting another delivery) starts its clock anew.
  const later = new UnpublishedCopies();
  later.failed("old", 0, undefined, 1);
  fill(later, MAX_REMEMBERED, FORGET_AFTER, 2);
  later.failed("again", FORGET_AFTER, undefined, 1);
  assert.equal(later.forgotten(1, FORGET_AFTER)?.first, FORGET_AFTER);
});
