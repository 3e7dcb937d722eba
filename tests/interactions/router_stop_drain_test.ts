// The route handlers of a router attached to a Client run beside later
// events (the routing listener does not wait for them: a handler may wait
// for a click), yet belong to the Client's run: stop() waits for them
// within drainTimeout, as for its Handler's calls, and names those still
// running then. The Client never saw their promises before: stop()
// resolved at once and a route's edit went out after it.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { command } from "../../interactions/commands.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** Settles after `ms` on `clock`. */
function sleep(clock: VirtualScheduler, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** A fake Discord and a started Client on `clock`, `router` attached. */
async function started(
  clock: VirtualScheduler,
  router: InteractionRouter,
  setUp: (client: Client) => void = () => {},
): Promise<{ discord: FakeDiscord; client: Client }> {
  const discord = await FakeDiscord.start({ scheduler: clock });
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  router.attach(client);
  setUp(client);
  await runUntilSettled(clock, client.start());
  await runUntilSettled(clock, syncCommands(client.rest, router.commands));
  return { discord, client };
}

Deno.test("client.stop() waits for a running route handler: its edit goes out before the stop resolves", async () => {
  const clock = new VirtualScheduler();
  const slow = command({ name: "slow", description: "Slow" });
  const log: string[] = [];
  const router = new InteractionRouter({ scheduler: clock }).command(
    slow,
    async (_, ctx) => {
      await ctx.defer();
      await sleep(clock, 700);
      await ctx.editOriginal("done");
      log.push("edited");
    },
  );
  const { discord, client } = await started(clock, router);
  try {
    const answer = await runUntilSettled(clock, discord.runCommand(slow, {}));
    assert.equal(answer.body.type, 5, "deferred");
    const stoppedAt = clock.now();
    await runUntilSettled(clock, client.stop().then(() => log.push("stopped")));
    assert.deepEqual(log, ["edited", "stopped"]);
    assert.ok(clock.now() - stoppedAt >= 700, "the stop waited for it");
    assert.equal(clock.pending, 0);
  } finally {
    await client.stop();
    await discord.close();
  }
});

Deno.test("a route handler that never settles is given up at drainTimeout, and stop() names it", async () => {
  const clock = new VirtualScheduler();
  const stuck = command({ name: "stuck", description: "Stuck" });
  let reached = false;
  const router = new InteractionRouter({ scheduler: clock }).command(
    stuck,
    async (_, ctx) => {
      await ctx.defer();
      reached = true;
      await new Promise(() => {});
    },
  );
  await withLogRecords(async (records) => {
    const { discord, client } = await started(clock, router);
    try {
      await runUntilSettled(clock, discord.runCommand(stuck, {}));
      await runUntilSettled(clock, discord.runCommand(stuck, {}));
      assert.equal(reached, true);
      const stoppedAt = clock.now();
      await runUntilSettled(clock, client.stop({ drainTimeout: 2000 }));
      assert.equal(clock.now() - stoppedAt, 2000, "waited drainTimeout");
      assert.equal(
        messagesOf(
          records,
          /2 route handlers had not settled 2000 ms \(drainTimeout\) after stop\(\) \(shard 0: 2\)/,
        ),
        1,
        records.map((r) => r.message.join("")).join("\n"),
      );
      // Not `ctx.beside`: the Context type handlers get has none.
      assert.equal(messagesOf(records, /ctx\.beside/), 0);
    } finally {
      await client.stop();
      await discord.close();
    }
  });
});

Deno.test("route handlers do not hold later events, and stop() waits for those still running", async () => {
  const clock = new VirtualScheduler();
  const wait = command({ name: "wait", description: "Wait" });
  const log: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => open = resolve);
  const router = new InteractionRouter({ scheduler: clock }).command(
    wait,
    async (_, ctx) => {
      await ctx.defer();
      log.push("route waits");
      // Opened by a later event's queued listener: a route handler that
      // held the shard's queue would wait for itself.
      await gate;
      await sleep(clock, 500);
      await ctx.editOriginal("done");
      log.push("route done");
    },
  );
  const { discord, client } = await started(clock, router, (bot) => {
    bot.on("MESSAGE_CREATE", (m) => {
      if (m.content !== "open") return; // not the defer's own message
      log.push("message open");
      open();
    });
  });
  try {
    await runUntilSettled(clock, discord.runCommand(wait, {}));
    discord.postMessage("open");
    await runUntilSettled(clock, discord.delivered());
    await runUntilSettled(clock, client.idle());
    assert.deepEqual(log, ["route waits", "message open"]);
    await runUntilSettled(clock, client.stop().then(() => log.push("stopped")));
    assert.deepEqual(log, [
      "route waits",
      "message open",
      "route done",
      "stopped",
    ]);
  } finally {
    await client.stop();
    await discord.close();
  }
});

// A `/shutdown` route starts the stop and does not await it (a route, like
// a Handler method, would wait for itself): the stop still waits for the
// rest of that route, so its last edit goes out before the Client stops.
// Leaving out of the drain the route stop() was called from let the stop
// resolve at once and the edit go out 700 ms after the Client stopped.
Deno.test("a route handler that calls void client.stop() and goes on is waited for: its edit goes out before the stop resolves", async () => {
  const clock = new VirtualScheduler();
  const shutdown = command({ name: "shutdown", description: "Stop the bot" });
  const log: string[] = [];
  let client: Client | undefined;
  let stopping: Promise<void> | undefined;
  const router = new InteractionRouter({ scheduler: clock }).command(
    shutdown,
    async (_, ctx) => {
      await ctx.defer();
      stopping = client!.stop().then(() => {
        log.push("stopped");
      });
      await sleep(clock, 700);
      await ctx.editOriginal("bye");
      log.push("edited");
    },
  );
  await withLogRecords(async (records) => {
    const bot = await started(clock, router);
    client = bot.client;
    try {
      const stoppedAt = clock.now();
      await runUntilSettled(clock, bot.discord.runCommand(shutdown, {}));
      await runUntil(clock, () => stopping !== undefined);
      await runUntilSettled(clock, stopping!);
      assert.deepEqual(log, ["edited", "stopped"]);
      assert.ok(clock.now() - stoppedAt >= 700, "the stop waited for it");
      assert.equal(
        records.filter((r) => r.level === "warning").length,
        0,
        records.map((r) => r.message.join("")).join("\n"),
      );
    } finally {
      await bot.client.stop();
      await bot.discord.close();
    }
  });
});

Deno.test("stop() names a single route handler still running, in its notice a second in and as one given up at drainTimeout", async () => {
  const clock = new VirtualScheduler();
  const stuck = command({ name: "stuck", description: "Stuck" });
  const router = new InteractionRouter({ scheduler: clock }).command(
    stuck,
    async (_, ctx) => {
      await ctx.defer();
      await new Promise(() => {});
    },
  );
  await withLogRecords(async (records) => {
    const { discord, client } = await started(clock, router);
    try {
      await runUntilSettled(clock, discord.runCommand(stuck, {}));
      await runUntilSettled(clock, client.stop({ drainTimeout: 2000 }));
      assert.equal(
        messagesOf(
          records,
          /stop\(\) waits up to 2000 ms \(drainTimeout\) for handler calls still running \(shard 0: 1 route handlers\)/,
        ),
        1,
        records.map((r) => r.message.join("")).join("\n"),
      );
      assert.equal(
        messagesOf(
          records,
          /^1 route handlers had not settled 2000 ms \(drainTimeout\) after stop\(\) \(shard 0: 1\)/,
        ),
        1,
      );
    } finally {
      await client.stop();
      await discord.close();
    }
  });
});
