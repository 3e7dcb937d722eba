// A FakeGateway.nextEvent() a test never awaited (it failed before its
// await) is rejected when the gateway closes: that must not surface as an
// unhandled rejection, which hides the test's own error and cancels every
// later test of the file (as for FakeDiscord's waits, see
// kit_cancelled_waits_test.ts).
import assert from "node:assert/strict";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const FIXTURE = new URL(
  "../_fakes/unawaited_gateway_waits_fixture.ts",
  import.meta.url,
);

Deno.test("FakeGateway: nextEvent() waits rejected by close() crash no test file, and the failing test's own error is shown", async () => {
  // A subprocess: an unhandled rejection fails the whole file it occurs in.
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["test", "--no-check", FIXTURE.pathname],
    env: { NO_COLOR: "1", FORCE_COLOR: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  assert.equal(code, 1, printed);
  assert.doesNotMatch(
    printed,
    /Uncaught error|\.\.\. cancelled|FakeGateway closed/,
  );
  assert.match(printed, /the test's own assertion/);
  assert.match(printed, /the next test runs \.\.\. ok/);
  assert.match(printed, /1 passed \| 1 failed/);
});

Deno.test("FakeGateway: a nextEvent() still awaited when the gateway closes rejects, naming the close", async () => {
  const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const waiting = gateway.nextEvent(() => true);
  gateway.close();
  await assert.rejects(waiting, /The FakeGateway closed/);
});
