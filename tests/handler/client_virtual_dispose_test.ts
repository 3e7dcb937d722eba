// `await using client` on the fake's virtual clock: the disposal's stop
// waited up to drainTimeout (10 s) on that clock for a handler still
// running, and nobody advances it during disposal. Deno then ended the test
// with "Promise resolution is still pending but the event loop has already
// resolved": a passing test failed, a failing one lost its own message. In
// a child `deno test`, as the hang ends the whole test run.
import assert from "node:assert/strict";

const CHILD = new URL("./_virtual_dispose_child.ts", import.meta.url);

Deno.test("await using a Client on a virtual clock disposes without advancing the clock", async () => {
  const { stdout, stderr } = await new Deno.Command("deno", {
    args: ["test", "-A", "--no-check", CHILD.pathname],
    env: { NO_COLOR: "1", FORCE_COLOR: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  assert.doesNotMatch(printed, /Promise resolution is still pending/, printed);
  assert.match(printed, /THE TEST'S OWN FAILURE/, printed);
  assert.match(printed, /passing: disposal .* \.\.\. ok/, printed);
  assert.match(printed, /1 passed \| 1 failed/, printed);
  // The handler dropped is said, as stop() says it.
  assert.match(printed, /a handler was still running 0 ms after stop\(\)/);
});
