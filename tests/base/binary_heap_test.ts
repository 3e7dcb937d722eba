import assert from "node:assert/strict";
import { BinaryHeap } from "../../base/binary_heap.ts";
import { Gen } from "../_fakes/prng.ts";

interface Item {
  rank: number;
  seq: number;
}

const byRankThenSeq = (a: Item, b: Item) => a.rank - b.rank || a.seq - b.seq;

Deno.test("BinaryHeap: random pushes, pops and removals come out in order, as a sorted list would", () => {
  const gen = new Gen(11);
  const heap = new BinaryHeap<Item>(byRankThenSeq);
  let model: Item[] = [];
  let seq = 0;
  for (let step = 0; step < 20_000; step++) {
    const roll = gen.int(10);
    if (roll < 5) {
      const item = { rank: gen.int(50), seq: seq++ };
      heap.push(item);
      model.push(item);
    } else if (roll < 8) {
      model.sort(byRankThenSeq);
      assert.equal(heap.peek(), model[0]);
      assert.equal(heap.pop(), model.shift());
    } else if (model.length > 0) {
      const item = model[gen.int(model.length)]!;
      assert.equal(heap.remove(item), true);
      assert.equal(heap.remove(item), false);
      model = model.filter((other) => other !== item);
    }
    assert.equal(heap.length, model.length);
  }
  model.sort(byRankThenSeq);
  const rest: Item[] = [];
  for (let item; (item = heap.pop()) !== undefined;) rest.push(item);
  assert.deepEqual(rest, model);
  assert.equal(heap.peek(), undefined);
});

Deno.test("BinaryHeap: removing the last item, the only item, or one never queued", () => {
  const heap = new BinaryHeap<Item>(byRankThenSeq);
  const a = { rank: 1, seq: 0 };
  const b = { rank: 2, seq: 1 };
  assert.equal(heap.remove(a), false);
  heap.push(a);
  heap.push(b);
  assert.equal(heap.remove(b), true);
  assert.equal(heap.remove(a), true);
  assert.equal(heap.length, 0);
  assert.equal(heap.pop(), undefined);
});
