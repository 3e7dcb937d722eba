// A wait (awaitMessage, router.awaitComponent) belongs to the run of the
// Client it listens to. Left pending by stop(), it kept its timer and
// listener: a bot's process exited only at the wait's timeout (up to 2^31
// ms), stop() waited drainTimeout for the handler awaiting it, and after a
// new start() of the same Client the old wait took a message of the new run.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { ClientStoppedError } from "../../handler/client_stopped_error.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { awaitMessage } from "../../interactions/await_message.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** A client of `discord`, not started. */
function clientOf(discord: FakeDiscord, signal?: AbortSignal): Client {
  return new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    ...(signal ? { signal } : {}),
  });
}

/** Two Clients of two fake Discords, and one router attached to both. */
async function twoClients(clock: VirtualScheduler): Promise<{
  first: Client;
  second: Client;
  shared: InteractionRouter;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const one = await FakeDiscord.start({ scheduler: clock });
  const two = await FakeDiscord.start({ scheduler: clock });
  const first = clientOf(one);
  const second = clientOf(two);
  const shared = new InteractionRouter({ scheduler: clock });
  shared.attach(first);
  shared.attach(second);
  return {
    first,
    second,
    shared,
    async [Symbol.asyncDispose](): Promise<void> {
      await one[Symbol.asyncDispose]();
      await two[Symbol.asyncDispose]();
    },
  };
}

/** Give `router` to an HTTP interactions endpoint (never called here). */
async function serveOverHttp(router: InteractionRouter): Promise<void> {
  const signer = await InteractionSigner.create();
  interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest: new RestClient({ token: "t", fetch: new FakeRest({}).fetch }),
  });
}

/** How `promise` has settled so far: "pending", its value, or its error. */
function watch<T>(promise: Promise<T>): { readonly state: unknown } {
  const seen: { state: unknown } = { state: "pending" };
  promise.then((value) => seen.state = value, (error) => seen.state = error);
  return seen;
}

Deno.test("a handler awaiting awaitMessage gets ClientStoppedError as stop() begins: the stop does not wait for it, and no timer is left", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  let outcome = "waiting" as unknown;
  class Quiz extends Handler {
    override async onMessageCreate(
      m: GatewayEventMap["MESSAGE_CREATE"],
      ctx: Context,
    ): Promise<void> {
      if (m.content !== "!quiz") return;
      await ctx.reply(m, "answer?");
      try {
        await awaitMessage(client, {
          authorId: m.author.id,
          timeout: 60_000,
          scheduler: clock,
        });
        outcome = "answered";
      } catch (error) {
        outcome = error;
      }
    }
  }
  const client = clientOf(discord);
  await runUntilSettled(clock, client.start(new Quiz()));
  discord.postMessage("!quiz");
  await clock.advance(10);
  assert.equal(String(outcome), "waiting");
  const stoppedAt = clock.now();
  await runUntilSettled(clock, client.stop());
  assert.ok(outcome instanceof ClientStoppedError, String(outcome));
  assert.match(outcome.message, /message wait ended as the client stopped/);
  assert.ok(
    clock.now() - stoppedAt < 1_000,
    `the stop waited ${clock.now() - stoppedAt} ms for the handler`,
  );
  assert.equal(clock.pending, 0, "the wait's timer is cleared");
});

Deno.test("an awaitMessage wait of one run never takes a message of the next run of the same Client", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = clientOf(discord);
  await runUntilSettled(clock, client.start());
  const old = watch(
    awaitMessage(client, { timeout: 60_000, scheduler: clock }),
  );
  await runUntilSettled(clock, client.stop());
  assert.equal(clock.pending, 0);
  assert.ok(old.state instanceof ClientStoppedError);

  await runUntilSettled(clock, client.start());
  const fresh = watch(awaitMessage(client, { scheduler: clock }));
  discord.postMessage("new run");
  await clock.advance(10);
  assert.ok(old.state instanceof ClientStoppedError, "still the stop's error");
  assert.equal(
    (fresh.state as GatewayEventMap["MESSAGE_CREATE"]).content,
    "new run",
  );
  await runUntilSettled(clock, client.stop());
  assert.equal(clock.pending, 0);
});

Deno.test("awaitMessage on a Client that does not run rejects at once with ClientStoppedError, before start() and once stop() began", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = clientOf(discord);
  const before = watch(awaitMessage(client, { scheduler: clock }));
  await clock.flushMicrotasks();
  assert.ok(before.state instanceof ClientStoppedError, String(before.state));
  assert.match(before.state.message, /client is not running/);
  assert.equal(clock.pending, 0);

  // From a handler still running in stop()'s drain.
  let release!: () => void;
  const hold = new Promise<void>((resolve) => release = resolve);
  let during: { state: unknown } | undefined;
  class Bot extends Handler {
    override async onMessageCreate(): Promise<void> {
      await hold;
      during = watch(awaitMessage(client, { scheduler: clock }));
    }
  }
  await runUntilSettled(clock, client.start(new Bot()));
  discord.postMessage("hi");
  await clock.advance(10);
  const stopping = client.stop();
  await clock.flushMicrotasks();
  release();
  await runUntilSettled(clock, stopping);
  assert.ok(during?.state instanceof ClientStoppedError, String(during));
  const after = watch(awaitMessage(client, { scheduler: clock }));
  await clock.flushMicrotasks();
  assert.ok(after.state instanceof ClientStoppedError);
  assert.equal(clock.pending, 0);
});

Deno.test("the client's signal stopping it ends a wait with ClientStoppedError whose cause is the signal's reason", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const controller = new AbortController();
  const client = clientOf(discord, controller.signal);
  await runUntilSettled(clock, client.start());
  const wait = watch(awaitMessage(client, { scheduler: clock }));
  const reason = new Error("Ctrl+C");
  controller.abort(reason);
  await clock.flushMicrotasks();
  assert.ok(wait.state instanceof ClientStoppedError);
  assert.equal(wait.state.cause, reason);
  await runUntilSettled(clock, client.stop());
  assert.equal(clock.pending, 0);
});

Deno.test("router.awaitComponent on a router attached to a Client ends with its stop (no timer left) and rejects at once while it does not run", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = clientOf(discord);
  const router = new InteractionRouter({ scheduler: clock });
  router.attach(client);
  await runUntilSettled(clock, client.start());
  const timers = clock.pending;
  const wait = watch(
    router.awaitComponent({ customId: "x", timeout: 900_000 }),
  );
  assert.equal(clock.pending, timers + 1);
  await runUntilSettled(clock, client.stop());
  assert.ok(wait.state instanceof ClientStoppedError, String(wait.state));
  assert.match(wait.state.message, /component wait ended/);
  assert.equal(clock.pending, 0, "the wait's timer is cleared");

  const after = watch(router.awaitComponent({ customId: "x" }));
  await clock.flushMicrotasks();
  assert.ok(after.state instanceof ClientStoppedError);
  assert.equal(clock.pending, 0);
});

Deno.test("router.awaitComponent: a router attached to no Client (the HTTP endpoint's) or detached waits as before; one on two Clients ends when both stopped", async () => {
  const clock = new VirtualScheduler();
  await using t = await twoClients(clock);
  const { first, second, shared } = t;

  const alone = new InteractionRouter({ scheduler: clock });
  const detach = alone.attach(first);
  detach();
  const unattached = watch(alone.awaitComponent({ timeout: 1_000 }));
  await clock.advance(1_000);
  assert.equal((unattached.state as Error).name, "TimeoutError");

  await runUntilSettled(clock, first.start());
  await runUntilSettled(clock, second.start());
  const wait = watch(shared.awaitComponent({ timeout: 900_000 }));
  await runUntilSettled(clock, first.stop());
  assert.equal(wait.state as unknown, "pending", "another Client delivers");
  await runUntilSettled(clock, second.stop());
  assert.ok(wait.state instanceof ClientStoppedError, String(wait.state));
  assert.equal(clock.pending, 0);
});

Deno.test("router.awaitComponent on two Clients: one started after the wait keeps it alive when the other stops", async () => {
  const clock = new VirtualScheduler();
  await using t = await twoClients(clock);
  const { first, second, shared } = t;
  await runUntilSettled(clock, first.start());
  const wait = watch(shared.awaitComponent({ timeout: 900_000 }));
  await runUntilSettled(clock, second.start());
  await runUntilSettled(clock, first.stop());
  assert.equal(wait.state as unknown, "pending", "the second Client runs");
  await runUntilSettled(clock, second.stop());
  assert.ok(wait.state instanceof ClientStoppedError, String(wait.state));
  assert.equal(clock.pending, 0);
});

Deno.test("router.awaitComponent on a router the HTTP endpoint serves waits whether its attached Client runs or not", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = clientOf(discord);
  const router = new InteractionRouter({ scheduler: clock });
  router.attach(client);
  await serveOverHttp(router);
  // The Client is not running: clicks still come over HTTP.
  const wait = watch(router.awaitComponent({ timeout: 1_000 }));
  await clock.flushMicrotasks();
  assert.equal(wait.state as unknown, "pending");
  await clock.advance(1_000);
  assert.equal((wait.state as Error).name, "TimeoutError");
});

Deno.test("router.awaitComponent started before an HTTP endpoint came to serve the router is not ended by the Client's stop", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const client = clientOf(discord);
  const router = new InteractionRouter({ scheduler: clock });
  router.attach(client);
  await runUntilSettled(clock, client.start());
  const wait = watch(router.awaitComponent({ timeout: 900_000 }));
  await serveOverHttp(router);
  await runUntilSettled(clock, client.stop());
  assert.equal(wait.state as unknown, "pending", "clicks still come over HTTP");
  await clock.advance(900_000);
  assert.equal((wait.state as Error).name, "TimeoutError");
});
