// A FakeDiscord wait a test never awaited (the action threw, or the test
// failed before its await) is cancelled when `await using` closes the
// fake: that must not surface as an unhandled rejection, which hides the
// test's own error and cancels every later test of the file.
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/mod.ts";

const FIXTURE = new URL(
  "../_fakes/unawaited_waits_fixture.ts",
  import.meta.url,
);

Deno.test("FakeDiscord: waits cancelled by close() crash no test file, and the failing test's own error is shown", async () => {
  // A subprocess: an unhandled rejection fails the whole file it occurs
  // in. No permission flags: the in-process kit needs none.
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["test", "--no-check", FIXTURE.pathname],
    env: { NO_COLOR: "1", FORCE_COLOR: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  assert.equal(code, 1, printed);
  assert.doesNotMatch(printed, /Uncaught error|\.\.\. cancelled|closed while/);
  assert.match(
    printed,
    /say\(\) into a deleted channel throws and leaves nothing behind \.\.\. ok/,
  );
  assert.match(printed, /the test's own assertion/);
  assert.match(printed, /the next test runs \.\.\. ok/);
  assert.match(printed, /2 passed \| 1 failed/);
});

Deno.test("FakeDiscord: a wait still awaited when the fake closes rejects, naming the close", async () => {
  const discord = await FakeDiscord.start();
  const waiting = discord.nextBotMessage();
  const reply = discord.runCommand({ name: "x" }, { unregistered: true });
  await discord.close();
  await assert.rejects(
    waiting,
    /The fake Discord closed while waiting for a bot message/,
  );
  await assert.rejects(
    reply,
    /The fake Discord closed while waiting for an answer to \/x/,
  );
});
