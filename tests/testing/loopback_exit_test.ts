import assert from "node:assert/strict";

const FIXTURE = new URL("../_fakes/loopback_drop_fixture.ts", import.meta.url);

Deno.test("A loopback bot test with a TCP drop exits as soon as it is done", async () => {
  // A subprocess, because what lingered (~15 s after a dropped upgraded
  // socket) was inside the runtime, invisible to the test sanitizers.
  const started = performance.now();
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      FIXTURE.pathname,
    ],
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      // The fake is on loopback: a proxy in the caller's environment cannot reach it.
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    },
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let output = "";
  let closedAt: number | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    output += decoder.decode(chunk, { stream: true });
    if (closedAt === undefined && output.includes("closed\n")) {
      closedAt = performance.now();
    }
  }
  const status = await child.status;
  const exitedAt = performance.now();
  assert.equal(status.code, 0, await stderr);
  assert.ok(closedAt !== undefined, `no "closed" line: ${output}`);
  assert.equal(await stderr, "");
  const linger = exitedAt - closedAt;
  const wall = exitedAt - started;
  // deno-lint-ignore no-console -- the measured figure, for the report
  console.log(
    `loopback fixture: ${wall.toFixed(0)} ms wall, exit ${
      linger.toFixed(0)
    } ms after its last line`,
  );
  assert.ok(linger < 1000, `the process lingered ${linger.toFixed(0)} ms`);
  assert.ok(wall < 5000, `the whole run took ${wall.toFixed(0)} ms`);
});
