// What the Client says while it waits for its own handlers: a failed
// start() whose clean-up drains slow handlers said "stop() waits" though no
// stop() was called, and a stop() during that clean-up ran a second one
// beside it (the warning twice); an `await client.idle()` in a handler,
// which waits for that very handler, got the stuck-call warning without a
// word of why.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { STUCK_TASK_MS } from "../../handler/ordered_runner.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

const DRAIN_SAID = /waits up to 10000 ms/;

/**
 * A client whose start fails (MESSAGE_CREATE refused: close code 4014) on
 * `discord` with two shards, its onGatewayError taking 5 s.
 */
function failingStart(
  clock: VirtualScheduler,
  discord: FakeDiscord,
): { client: Client; starting: Promise<void> } {
  discord.gateway.setPrivilegedIntents(discord.token, 0);
  class SlowOnErrors extends Handler {
    override async onGatewayError(): Promise<void> {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 5_000));
    }
  }
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  const starting = client.start(new SlowOnErrors());
  starting.catch(() => {});
  return { client, starting };
}

Deno.test("a failed start() draining slow handlers says that the start waits, not stop()", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler: clock,
    shards: 2,
  });
  const { starting } = failingStart(clock, discord);
  const lines = await captureStderr(async () => {
    await assert.rejects(runUntilSettled(clock, starting), GatewayError);
  });
  const said = lines.filter((line) => DRAIN_SAID.test(line));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.match(said[0]!, /start\(\) failed and, before it rejects, waits/);
  assert.doesNotMatch(lines.join("\n"), /stop\(\)/);
  assert.equal(clock.pending, 0);
});

Deno.test("stop() during a failed start's clean-up waits for that clean-up instead of running a second one beside it", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler: clock,
    shards: 2,
  });
  const { client, starting } = failingStart(clock, discord);
  let started = "pending";
  starting.then(() => started = "ok", (error) => started = error.name);
  const lines = await captureStderr(async () => {
    await clock.advance(10); // the 4014, and the clean-up begun
    assert.equal(started, "pending");
    const stopping = client.stop();
    await runUntilSettled(clock, stopping);
    assert.equal(started, "GatewayError", "stop() resolves once start did");
    assert.equal(client.shards, undefined);
  });
  const said = lines.filter((line) => DRAIN_SAID.test(line));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.equal(clock.pending, 0);
});

/**
 * A started client on `discord` whose handler, at the message "!flush",
 * awaits `client.idle()` in the handler itself; `state()` says how far it
 * got ("waiting", then "done").
 */
async function flushingClient(
  clock: VirtualScheduler,
  discord: FakeDiscord,
): Promise<{ client: Client; state: () => string }> {
  let state = "";
  class Flush extends Handler {
    override async onMessageCreate(
      message: { content: string },
    ): Promise<void> {
      if (message.content !== "!flush") return;
      state = "waiting";
      await client.idle();
      state = "done";
    }
  }
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  await runUntilSettled(clock, client.start(new Flush()));
  return { client, state: () => state };
}

Deno.test("await client.idle() in a handler waits for itself: the stuck-call warning says so", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const { client, state } = await flushingClient(clock, discord);
  const lines = await captureStderr(async () => {
    discord.postMessage("!flush");
    await clock.advance(STUCK_TASK_MS);
  });
  assert.equal(state(), "waiting");
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /a client\.idle\(\) or stop\(\) call waits behind it \(.*a client\.idle\(\) awaited in this very handler, which waits for itself/,
  );
  await captureStderr(() => runUntilSettled(clock, client.stop()));
  assert.equal(state(), "done");
  assert.equal(clock.pending, 0);
});

Deno.test("a handler awaiting client.idle() with a call queued behind it: the stuck-call warning counts the call waiting, and still names the idle() as a cause", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const { client, state } = await flushingClient(clock, discord);
  const lines = await captureStderr(async () => {
    discord.postMessage("!flush");
    await clock.flushMicrotasks();
    discord.postMessage("later");
    await clock.advance(STUCK_TASK_MS);
  });
  assert.equal(state(), "waiting");
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /, and 1 handler calls wait behind it \(.*a client\.idle\(\) awaited in this very handler, which waits for itself/,
  );
  await captureStderr(() => runUntilSettled(clock, client.stop()));
  assert.equal(state(), "done");
});
