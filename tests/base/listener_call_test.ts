import assert from "node:assert/strict";
import { callListener } from "../../base/listener_call.ts";

Deno.test("callListener reports a listener that throws at once, and returns nothing to wait for", () => {
  const failures: unknown[] = [];
  const error = new Error("boom");
  const result = callListener(
    () => {
      throw error;
    },
    1,
    (e) => failures.push(e),
  );
  assert.equal(result, undefined);
  assert.deepEqual(failures, [error]);
});
