// A router made without a `scheduler`, attached to a Client on a test's
// virtual clock (`...discord.clientOptions`, the README's pattern), kept its
// 3 s deadline and its waits on the real clock: a route that never answered
// was never reported `not_answered` as the test advanced the clock, and
// awaitMessage on that Client never timed out. Both take the Client's clock.
// A router made with a `scheduler` keeps it.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { awaitMessage } from "../../interactions/await_message.ts";
import { command } from "../../interactions/commands.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

const mute = command({ name: "mute", description: "Never answers" });

/** Whether `promise` has settled, read after the clock moved. */
function watch(promise: Promise<unknown>): { settled?: unknown } {
  const state: { settled?: unknown } = {};
  promise.then(
    (value) => void (state.settled = value),
    (error) => void (state.settled = error),
  );
  return state;
}

Deno.test("a router without a scheduler attached to a Client on a virtual clock reports not_answered at its 3 s", async () => {
  const clock = new VirtualScheduler();
  const errors: { kind: string; at: number }[] = [];
  let arrived: number | undefined;
  const router = new InteractionRouter({
    onError: (error) => void errors.push({ kind: error.kind, at: clock.now() }),
  }).command(mute, async () => {
    arrived = clock.now();
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 600_000));
  });
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  router.attach(client);
  try {
    await runUntilSettled(clock, client.start());
    await runUntilSettled(clock, syncCommands(client.rest, router.commands));
    const run = watch(discord.runCommand(mute, {}));
    await runUntil(clock, () => arrived !== undefined);
    await clock.advance(2999);
    assert.deepEqual(errors, [], "not before its 3 s");
    await clock.advance(1);
    assert.deepEqual(errors, [{ kind: "not_answered", at: arrived! + 3000 }]);
    await runUntil(clock, () => "settled" in run);
    assert.match(String(run.settled), /within 3 s/);
  } finally {
    await runUntilSettled(clock, client.stop({ drainTimeout: 0 }));
  }
});

Deno.test("awaitMessage on a Client on a virtual clock times out on that clock, as does a router's awaitComponent", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const router = new InteractionRouter();
  router.attach(client);
  try {
    await runUntilSettled(clock, client.start());
    const message = watch(awaitMessage(client, { timeout: 1000 }));
    const click = watch(router.awaitComponent({ timeout: 1000 }));
    await clock.advance(999);
    assert.ok(!("settled" in message) && !("settled" in click), "not yet");
    await clock.advance(1);
    await clock.flushMicrotasks();
    assert.equal((message.settled as DOMException).name, "TimeoutError");
    assert.equal((click.settled as DOMException).name, "TimeoutError");
  } finally {
    await runUntilSettled(clock, client.stop());
  }
});

Deno.test("a router made with its own scheduler keeps it when attached to a Client on another clock: not_answered comes at its 3 s", async () => {
  const clock = new VirtualScheduler();
  const own = new VirtualScheduler();
  const errors: string[] = [];
  let arrived = false;
  const router = new InteractionRouter({
    scheduler: own,
    onError: (error) => void errors.push(error.kind),
  }).command(mute, async () => {
    arrived = true;
    await new Promise<void>((resolve) => own.setTimeout(resolve, 600_000));
  });
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  router.attach(client);
  try {
    await runUntilSettled(clock, client.start());
    await runUntilSettled(clock, syncCommands(client.rest, router.commands));
    watch(discord.runCommand(mute, {}));
    await runUntil(clock, () => arrived);
    await clock.advance(5000);
    assert.deepEqual(errors, [], "the Client's clock is not the router's");
    await own.advance(3000);
    assert.deepEqual(errors, ["not_answered"]);
  } finally {
    await own.advance(600_000);
    await runUntilSettled(clock, client.stop({ drainTimeout: 0 }));
  }
});
