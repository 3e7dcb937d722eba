// The WaiterIndex that files awaitComponent's and awaitMessage's waiters:
// removing one waiter leaves the others filed beside it (in its set and in
// the levels above), and an offer skips a waiter removed after the offer
// read ahead to it and one added while the offer runs (it came after the
// event).
import assert from "node:assert/strict";
import { WaiterIndex } from "../../interactions/_waiter_index.ts";

Deno.test("WaiterIndex: removing one of two waiters filed under the same values keeps the other offered", () => {
  const index = new WaiterIndex<string>(1);
  const removeOne = index.add(["k"], "one");
  index.add(["k"], "two");
  removeOne();
  assert.equal(index.size, 1);
  assert.deepEqual([...index.offer(["k"])], ["two"]);
  index.add(["k"], "three");
  assert.deepEqual([...index.offer(["k"])], ["two", "three"]);
});

Deno.test("WaiterIndex: emptying one value's waiters keeps a sibling value under the same upper level", () => {
  const index = new WaiterIndex<string>(2);
  index.add(["message", "ada"], "ada's");
  const removeBob = index.add(["message", "bob"], "bob's");
  removeBob();
  // "message" still has ada's waiter below it: the level stays.
  assert.deepEqual([...index.offer(["message", "ada"])], ["ada's"]);
  assert.deepEqual([...index.offer(["message", "bob"])], []);
  assert.equal(index.size, 1);
});

Deno.test("WaiterIndex: a waiter removed after the offer read ahead to it is skipped", () => {
  const index = new WaiterIndex<string>(1);
  index.add(["k"], "x");
  const removeY = index.add(["k"], "y");
  index.add(["k"], "z");
  const offered = index.offer(["k"]);
  const got = [offered.next().value];
  // The offer already holds "y" as its next: x's filter ended y's wait.
  removeY();
  for (const waiter of offered) got.push(waiter);
  assert.deepEqual(got, ["x", "z"]);
});

Deno.test("WaiterIndex: a waiter added while an event is offered is not offered that event", () => {
  const index = new WaiterIndex<string>(1);
  index.add(["k"], "first");
  index.add(["k"], "second");
  const offered = index.offer(["k"]);
  const got = [offered.next().value];
  // The first waiter's filter starts a new wait for the same values: the
  // offer reads on in the set it was filed in.
  index.add(["k"], "late");
  for (const waiter of offered) got.push(waiter);
  assert.deepEqual(got, ["first", "second"]);
  assert.deepEqual([...index.offer(["k"])], ["first", "second", "late"]);
});

Deno.test("WaiterIndex: removing a waiter twice counts it once and keeps the others filed", () => {
  const index = new WaiterIndex<string>(1);
  const remove = index.add(["k"], "settled");
  index.add(["k"], "waiting");
  // The remover may be called again (a second end of the same wait).
  remove();
  remove();
  assert.equal(index.size, 1);
  assert.deepEqual([...index.offer(["k"])], ["waiting"]);
});
