import assert from "node:assert/strict";
import { runUntilExit } from "../_fakes/exit_linger.ts";

const FIXTURE = new URL("../_fakes/loopback_drop_fixture.ts", import.meta.url);

Deno.test("A loopback bot test with a TCP drop exits as soon as it is done", async () => {
  // A subprocess, because what lingered (~15 s after a dropped upgraded
  // socket) was inside the runtime, invisible to the test sanitizers.
  const { code, stdout, stderr, linger, wall } = await runUntilExit(
    FIXTURE,
    "closed\n",
  );
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "", stdout);
  // deno-lint-ignore no-console -- the measured figure, for the report
  console.log(
    `loopback fixture: ${wall.toFixed(0)} ms wall, exit ${
      linger.toFixed(0)
    } ms after its last line`,
  );
  assert.ok(linger < 1000, `the process lingered ${linger.toFixed(0)} ms`);
  // A cold process under load took 4.6 s; the lingering socket (15 s)
  // is still caught.
  assert.ok(wall < 10_000, `the whole run took ${wall.toFixed(0)} ms`);
});
