// What a new bot author sees while the Client waits: a REST API that
// accepts connections and never answers kept start() silent for over a
// minute, and a Ctrl+C on a stuck handler gave stop()'s drainTimeout of
// silence.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

/** A `fetch` that answers nothing until its request is aborted. */
const hangingFetch =
  ((_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener(
        "abort",
        () => reject(init.signal!.reason),
        { once: true },
      );
    })) as typeof fetch;

/**
 * A started Client whose onMessageCreate runs `handle`, a message posted
 * and its handler running.
 */
async function handling(
  clock: VirtualScheduler,
  discord: FakeDiscord,
  handle: () => Promise<void>,
): Promise<Client> {
  let entered = false;
  class Bot extends Handler {
    override async onMessageCreate(): Promise<void> {
      entered = true;
      await handle();
    }
  }
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  await runUntilSettled(clock, client.start(new Bot()));
  discord.postMessage("a message");
  await clock.flushMicrotasks();
  assert.ok(entered, "its handler runs");
  return client;
}

Deno.test("start() says on stderr when GET /gateway/bot has gone unanswered for the connect timeout", async () => {
  const clock = new VirtualScheduler();
  const client = new Client({
    token: "t",
    intents: 1,
    fetch: hangingFetch,
    scheduler: clock,
  });
  let starting: Promise<void> | undefined;
  const early = await captureStderr(async () => {
    starting = client.start();
    await clock.advance(9_999);
  });
  assert.deepEqual(early, []);
  const lines = await captureStderr(() => clock.advance(1));
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^\[WRN\] disruption·handler: start\(\) is waiting/);
  assert.match(lines[0]!, /GET \/gateway\/bot has not answered after 10000 ms/);
  assert.match(lines[0]!, /retries/);
  await client.stop();
  await assert.rejects(starting!, ClientStoppedError);
  assert.equal(clock.pending, 0, "no timer is left behind");
});

Deno.test("start() waits timeouts.connect before saying GET /gateway/bot has not answered", async () => {
  const clock = new VirtualScheduler();
  const client = new Client({
    token: "t",
    intents: 1,
    fetch: hangingFetch,
    scheduler: clock,
    timeouts: { connect: 3_000 },
  });
  let starting: Promise<void> | undefined;
  const lines = await captureStderr(async () => {
    starting = client.start();
    await clock.advance(3_000);
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /after 3000 ms/);
  await client.stop();
  await assert.rejects(starting!, ClientStoppedError);
});

Deno.test("stop() with a handler still running says, a second in, that it waits up to drainTimeout; one that finishes within the second is not mentioned", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  let release!: () => void;
  const hang = new Promise<void>((resolve) => release = resolve);
  const client = await handling(clock, discord, () => hang);
  let stopping: Promise<void> | undefined;
  const atStop = await captureStderr(async () => {
    stopping = client.stop({ drainTimeout: 20_000 });
    // The shards' close handshake, not the drain.
    await clock.advance(0);
    await clock.flushMicrotasks();
    await clock.advance(999);
  });
  assert.deepEqual(atStop, [], "nothing said within the first second");
  const aSecondIn = await captureStderr(() => clock.advance(1));
  assert.deepEqual(aSecondIn, [
    "[WRN] disruption·handler: stop() waits up to 20000 ms (drainTimeout) for handler calls still running (shard 0: MESSAGE_CREATE); calls not started by then are dropped (a handler or route awaiting client.stop() waits for itself: write void client.stop() there)",
  ]);
  release();
  const after = await captureStderr(() => runUntilSettled(clock, stopping!));
  assert.deepEqual(after, [], "a handler that finished is not warned about");
});

Deno.test("stop() while a handler finishes its reply within a second says nothing (a clean exit of the quick start)", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = await handling(
    clock,
    discord,
    () => new Promise<void>((resolve) => clock.setTimeout(resolve, 500)),
  );
  const lines = await captureStderr(() =>
    runUntilSettled(clock, client.stop())
  );
  assert.deepEqual(lines, []);
});

Deno.test("stop() with no handler running says nothing", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  await runUntilSettled(clock, client.start());
  const lines = await captureStderr(() =>
    runUntilSettled(clock, client.stop())
  );
  assert.deepEqual(lines, []);
});

Deno.test("A handler awaiting client.stop() waits for itself, and the drain notice says so", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  // In a box: a promise resolved with a promise would be awaited through.
  const stopping = Promise.withResolvers<{ stop: Promise<void> }>();
  class Bot extends Handler {
    override async onMessageCreate(): Promise<void> {
      const stop = client.stop();
      stopping.resolve({ stop });
      await stop; // the mistake: `void client.stop()` is meant
    }
  }
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(async () => {
    await runUntilSettled(clock, client.start(new Bot()));
    discord.postMessage("!shutdown");
    // The notice comes a second in; the stop ends at drainTimeout (10 s).
    await runUntilSettled(clock, (await stopping.promise).stop);
  });
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.equal(
    lines[0],
    "[WRN] disruption·handler: stop() waits up to 10000 ms (drainTimeout) for handler calls still running (shard 0: MESSAGE_CREATE); calls not started by then are dropped (a handler or route awaiting client.stop() waits for itself: write void client.stop() there)",
  );
  assert.match(
    lines[1]!,
    /a handler was still running 10000 ms after stop\(\)/,
  );
});

Deno.test("stop() with a drainTimeout of exactly a second says only that it dropped the calls, not first that it waits", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  let release!: () => void;
  const hang = new Promise<void>((resolve) => release = resolve);
  const client = await handling(clock, discord, () => hang);
  const lines = await captureStderr(() =>
    runUntilSettled(clock, client.stop({ drainTimeout: 1000 }))
  );
  release();
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /Shard 0: a handler was still running 1000 ms after stop\(\)/,
  );
});
