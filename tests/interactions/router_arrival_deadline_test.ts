// On the gateway path an interaction can wait its turn behind a slow
// listener of the same shard. Discord's 3 s and the token's 15 minutes run
// from when it arrived, not from when the router's listener got it: the
// router must report `not_answered` and refuse late answers by that clock.
import assert from "node:assert/strict";
import { delay } from "../../base/scheduler.ts";
import { Client } from "../../handler/client.ts";
import { command } from "../../interactions/commands.ts";
import type { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

const slow = command({ name: "slow", description: "Slow" });

/** What a handler saw, on the virtual clock. */
interface Seen {
  busy?: boolean;
  arrived?: number;
  routed?: number;
  outcome?: string;
  errors: { kind: string; at: number }[];
}

/**
 * A started client whose MESSAGE_CREATE listener takes `busy` ms, with the
 * router attached and `/slow` routed to `handler`; the time each
 * interaction arrived is recorded by an `atArrival` listener.
 */
async function busyBot(
  clock: VirtualScheduler,
  busy: number,
  handler: (ctx: InteractionContext, seen: Seen) => Promise<void>,
  onError: (error: InteractionError) => void = () => {},
): Promise<{ discord: FakeDiscord; client: Client; seen: Seen }> {
  const seen: Seen = { errors: [] };
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => {
      seen.errors.push({ kind: error.kind, at: clock.now() });
      onError(error);
    },
  }).command(slow, async (_i, ctx) => {
    seen.routed = clock.now();
    await handler(ctx, seen);
  });
  const discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  client.on("INTERACTION_CREATE", () => void (seen.arrived = clock.now()), {
    atArrival: true,
  });
  router.attach(client);
  client.on("MESSAGE_CREATE", () => {
    seen.busy = true;
    return delay(clock, busy);
  });
  await runUntilSettled(clock, client.start());
  await runUntilSettled(clock, syncCommands(client.rest, router.commands));
  return { discord, client, seen };
}

/** The kind of an InteractionError, or the message of anything else. */
function outcome(error: unknown): string {
  return error instanceof InteractionError
    ? error.kind
    : `other: ${(error as Error).message}`;
}

Deno.test("an interaction queued 2 s behind a slow listener is reported not_answered 3 s after it arrived, and a later respond is token_expired", async () => {
  const clock = new VirtualScheduler();
  const { discord, client, seen } = await busyBot(
    clock,
    2000,
    async (ctx, seen) => {
      await delay(clock, 1500); // 3.5 s after arrival: too late for Discord
      await ctx.respond("done").then(
        () => void (seen.outcome = "sent"),
        (error) => void (seen.outcome = outcome(error)),
      );
    },
  );
  try {
    discord.postMessage("busy");
    await runUntil(clock, () => seen.busy === true);
    const run = discord.runCommand(slow, {}).then(() => "answered", () => "");
    await runUntil(clock, () => seen.outcome !== undefined);
    assert.equal(await run, "", "Discord got no answer");
    const arrived = seen.arrived!;
    assert.equal(
      seen.routed! - arrived,
      2000,
      "routed after the slow listener",
    );
    assert.equal(seen.outcome, "token_expired");
    assert.deepEqual(seen.errors, [{
      kind: "not_answered",
      at: arrived + 3000,
    }]);
  } finally {
    await runUntilSettled(clock, client.stop());
    await discord.close();
  }
});

Deno.test("an interaction routed after its 3 s already passed is refused before sending (token_expired), not sent into a 404", async () => {
  const clock = new VirtualScheduler();
  const { discord, client, seen } = await busyBot(
    clock,
    3500,
    async (ctx, seen) => {
      await ctx.respond("done").then(
        () => void (seen.outcome = "sent"),
        (error) => void (seen.outcome = outcome(error)),
      );
    },
  );
  try {
    discord.postMessage("busy");
    await runUntil(clock, () => seen.busy === true);
    const run = discord.runCommand(slow, {}).then(() => "answered", () => "");
    await runUntil(clock, () => seen.outcome !== undefined);
    assert.equal(await run, "");
    assert.equal(seen.outcome, "token_expired");
    assert.equal(discord.rest.interactionResponses.length, 0, "nothing sent");
    await runUntil(clock, () => seen.errors.length > 0);
    assert.deepEqual(seen.errors.map((error) => error.kind), ["not_answered"]);
  } finally {
    await runUntilSettled(clock, client.stop());
    await discord.close();
  }
});

Deno.test("the token's 15 minutes count from arrival for an interaction queued behind a slow listener", async () => {
  const clock = new VirtualScheduler();
  const { discord, client, seen } = await busyBot(
    clock,
    2000,
    async (ctx, seen) => {
      await ctx.defer();
      // 15 min after arrival and 500 ms (15 min - 1.5 s after routing).
      await delay(clock, 15 * 60_000 - 1500);
      await ctx.followUp("late").then(
        () => void (seen.outcome = "sent"),
        (error) => void (seen.outcome = outcome(error)),
      );
    },
  );
  try {
    discord.postMessage("busy");
    await runUntil(clock, () => seen.busy === true);
    const run = discord.runCommand(slow, {});
    await runUntil(clock, () => seen.outcome !== undefined);
    assert.equal((await run).body.type, 5, "the defer went out in time");
    assert.equal(seen.outcome, "token_expired");
    assert.deepEqual(seen.errors, []);
  } finally {
    await runUntilSettled(clock, client.stop());
    await discord.close();
  }
});

Deno.test("a handler routed after its 3 s already passed is reported not_answered first, saying how long the interaction waited for its turn, then its refused answer", async () => {
  const clock = new VirtualScheduler();
  const messages: string[] = [];
  const { discord, client, seen } = await busyBot(
    clock,
    3500,
    async (ctx, seen) => {
      seen.outcome = "ran";
      await ctx.respond("done"); // refused: the report above says why
    },
    (error) => void messages.push(error.message),
  );
  try {
    discord.postMessage("busy");
    await runUntil(clock, () => seen.busy === true);
    const run = discord.runCommand(slow, {}).then(() => "answered", () => "");
    await runUntil(clock, () => seen.outcome !== undefined);
    assert.equal(await run, "");
    await clock.flushMicrotasks();
    assert.deepEqual(seen.errors.map((error) => error.kind), [
      "not_answered",
      "token_expired",
    ]);
    assert.match(messages[0]!, /reached its handler 3500 ms after it arrived/);
    assert.equal(discord.rest.interactionResponses.length, 0, "nothing sent");
  } finally {
    await runUntilSettled(clock, client.stop());
    await discord.close();
  }
});
