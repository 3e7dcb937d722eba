// Run by tests/testing/fake_gateway_cancelled_waits_test.ts in a child
// `deno test` (not a `_test.ts` file, so the suite does not run it: one of
// its tests fails on purpose). What it holds: a test whose
// FakeGateway.nextEvent() was never awaited (it failed first) must fail on
// its own, not crash the file when `using` closes the gateway and rejects
// the wait.
import assert from "node:assert/strict";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("a test failing with a nextEvent() unawaited", () => {
  using gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const identify = gateway.nextEvent((event) => event.type === "identify");
  assert.equal([identify].length, 2, "the test's own assertion");
});

Deno.test("the next test runs", () => {});
