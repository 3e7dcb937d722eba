import assert from "node:assert/strict";
import { OrderedRunner } from "../../handler/ordered_runner.ts";

Deno.test("OrderedRunner runs synchronous tasks at once", () => {
  const runner = new OrderedRunner(() => {});
  const seen: number[] = [];
  runner.push(() => void seen.push(1));
  assert.deepEqual(seen, [1]);
  assert.equal(runner.pending, 0);
});

Deno.test("OrderedRunner keeps later tasks behind an awaiting one", async () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  runner.push(async () => {
    seen.push("a:start");
    await gate;
    seen.push("a:end");
  });
  runner.push(() => void seen.push("b"));
  runner.push(async () => {
    await null;
    seen.push("c");
  });
  assert.deepEqual(seen, ["a:start"]);
  assert.equal(runner.pending, 2);
  release();
  await runner.idle();
  assert.deepEqual(seen, ["a:start", "a:end", "b", "c"]);
});

Deno.test("OrderedRunner reports throws and rejections and carries on", async () => {
  const errors: unknown[] = [];
  const runner = new OrderedRunner((error) => errors.push(error));
  const seen: number[] = [];
  runner.push(() => {
    throw new Error("sync");
  });
  runner.push(() => Promise.reject(new Error("async")));
  runner.push(() => void seen.push(3));
  await runner.idle();
  assert.deepEqual(errors.map((e) => (e as Error).message), ["sync", "async"]);
  assert.deepEqual(seen, [3]);
});

Deno.test("OrderedRunner runs a task pushed by a running task after it", () => {
  const runner = new OrderedRunner(() => {});
  const seen: string[] = [];
  runner.push(() => {
    runner.push(() => void seen.push("inner"));
    seen.push("outer");
  });
  assert.deepEqual(seen, ["outer", "inner"]);
});
