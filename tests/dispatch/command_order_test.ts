// CommandOrder on a virtual clock: the turns of a shard's commands going
// round the queue, and a lost copy's turn given up after the wait.
import assert from "node:assert/strict";
import { CommandOrder, ORDER_HEADER } from "../../dispatch/command_order.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("CommandOrder: copies run lowest number first; one never put back waits while any goes round; one taken back goes first", () => {
  const scheduler = new VirtualScheduler();
  const order = new CommandOrder(scheduler, 10_000);
  assert.equal(order.turn(0, undefined), true, "none going round");
  const a = order.putBack(0, undefined);
  const b = order.putBack(0, undefined);
  assert.equal(order.putBack(0, a), a, "a copy keeps its number");
  assert.equal(order.turn(0, b), false);
  assert.equal(order.turn(0, undefined), false, "a new one waits its turn");
  assert.equal(order.turn(1, undefined), true, "other shards are not held");
  assert.equal(order.turn(0, a), true);
  order.done(0, a);
  const first = order.first(0);
  assert.ok(first < b);
  assert.equal(order.turn(0, b), false);
  order.done(0, first);
  assert.equal(order.turn(0, b), true);
  order.done(0, b);
  assert.equal(order.goingRound(0), false);
  assert.equal(order.turn(0, undefined), true);
});

Deno.test("CommandOrder: a lowest number unseen for the wait is given up, and its copy, back late, runs when it can", async () => {
  const scheduler = new VirtualScheduler();
  const order = new CommandOrder(scheduler, 10_000);
  const lost = order.putBack(0, undefined);
  const next = order.putBack(0, undefined);
  await scheduler.advance(9_999);
  assert.equal(order.turn(0, next), false);
  order.seen(0, lost);
  await scheduler.advance(9_999);
  assert.equal(order.turn(0, next), false, "seen again: still waited for");
  await scheduler.advance(1);
  assert.equal(order.turn(0, next), true);
  assert.equal(order.turn(0, lost), true, "given up: runs when it can");
});

Deno.test("CommandOrder: only this process's numbers are read", () => {
  const scheduler = new VirtualScheduler();
  const order = new CommandOrder(scheduler, 10_000);
  const other = new CommandOrder(scheduler, 10_000);
  const number = order.putBack(3, undefined);
  assert.equal(order.read({ [ORDER_HEADER]: order.stamp(number) }), number);
  assert.equal(order.read({ [ORDER_HEADER]: other.stamp(number) }), undefined);
  assert.equal(order.read({ [ORDER_HEADER]: 5 }), undefined);
  assert.equal(order.read(undefined), undefined);
});
