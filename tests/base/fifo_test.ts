import assert from "node:assert/strict";
import { Fifo } from "../../base/fifo.ts";

/** Everything `queue` holds, head first, emptying it. */
function drain<T>(queue: Fifo<T>): T[] {
  const out: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    out.push(item);
  }
  return out;
}

Deno.test("Fifo keeps order across compactions, put-backs and removals", () => {
  const queue = new Fifo<number>();
  const model: number[] = [];
  // Past the compaction threshold, with items put back and taken out of the
  // middle along the way.
  for (let i = 0; i < 5000; i++) {
    queue.push(i);
    model.push(i);
    if (i % 3 === 0) assert.equal(queue.shift(), model.shift());
    if (i % 7 === 0) {
      const back = -i - 1;
      queue.unshift(back);
      model.unshift(back);
    }
    if (i % 11 === 0) {
      const gone = model.splice(Math.floor(model.length / 2), 1)[0]!;
      assert.equal(queue.remove(gone), true);
    }
    assert.equal(queue.length, model.length);
    assert.equal(queue.peek(), model[0]);
  }
  assert.equal(queue.remove(1_000_000), false);
  assert.deepEqual(drain(queue), model);
  assert.equal(queue.length, 0);
  assert.equal(queue.peek(), undefined);
  queue.unshift(7);
  queue.push(8);
  assert.deepEqual(drain(queue), [7, 8]);
});
