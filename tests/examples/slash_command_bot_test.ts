import assert from "node:assert/strict";
import {
  COMMANDS,
  runSlashCommandBot,
  SLASH_COMMAND_BOT_INTENTS,
} from "../../examples/slash_command_bot.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

Deno.test("slash_command_bot registers its commands globally from READY's application id", async () => {
  await using discord = await FakeDiscord.start();
  const lines: string[] = [];
  const { client, bot } = await runSlashCommandBot({
    token: discord.token,
    ...discord.clientOptions,
    log: (line) => lines.push(line),
  });
  try {
    assert.equal(SLASH_COMMAND_BOT_INTENTS, GatewayIntent.Guilds);
    const applicationId = discord.rest.applicationId;
    const puts = discord.rest.requests.filter((r) => r.method === "PUT");
    assert.equal(puts.length, 1);
    assert.equal(puts[0]!.path, `/applications/${applicationId}/commands`);
    assert.deepEqual(puts[0]!.body, COMMANDS);

    const stored = discord.rest.commands();
    assert.deepEqual(stored.map((c) => [c.name, c.type]), [
      ["ping", 1],
      ["hello", 1],
    ]);
    assert.ok(stored.every((c) => c.application_id === applicationId));
    assert.deepEqual(
      bot.registered?.map((c) => c.id),
      stored.map((c) => c.id),
    );
    assert.equal(discord.rest.commands(discord.guildId).length, 0);
    assert.deepEqual(lines, [
      "READY: shard 0 logged in as FakeBot",
      `registered /ping, /hello for application ${applicationId}`,
    ]);
  } finally {
    await client.stop();
  }
});

Deno.test("slash_command_bot answers /ping and /hello through the interaction callback", async (t) => {
  await using discord = await FakeDiscord.start();
  const { client } = await runSlashCommandBot({
    token: discord.token,
    ...discord.clientOptions,
    log: () => {},
  });
  try {
    await t.step("/ping", async () => {
      const response = await discord.runCommand({ name: "ping" });
      assert.deepEqual(response.body, { type: 4, data: { content: "pong" } });
    });
    await t.step("/hello with a name", async () => {
      const response = await discord.runCommand({
        name: "hello",
        options: [{ name: "name", type: 3, value: "Deno" }],
      });
      assert.deepEqual(response.body, {
        type: 4,
        data: { content: "Hello, Deno!" },
      });
    });
    await t.step("/hello without one greets the member", async () => {
      const response = await discord.runCommand({ name: "hello" });
      assert.deepEqual(response.body.data, { content: "Hello, Tester!" });
    });
    await t.step("/ping in a DM", async () => {
      const response = await discord.runCommand({ name: "ping" }, {
        guildId: null,
        channelId: "1300000000000077777",
      });
      assert.deepEqual(response.body.data, { content: "pong" });
    });
    await t.step("an unknown command gets an ephemeral answer", async () => {
      const response = await discord.runCommand({ name: "nope" }, {
        unregistered: true,
      });
      assert.deepEqual(response.body, {
        type: 4,
        data: { content: "Unknown command /nope", flags: 64 },
      });
    });
    assert.equal(discord.rest.interactionResponses.length, 5);
  } finally {
    await client.stop();
  }
});

// The type check alone narrows the interaction: `data` is the command's,
// `locale` a string (the example once guarded `data` and `name` again).
Deno.test("slash_command_bot logs who ran which command in which locale", async () => {
  await using discord = await FakeDiscord.start();
  const lines: string[] = [];
  const { client } = await runSlashCommandBot({
    token: discord.token,
    ...discord.clientOptions,
    log: (line) => lines.push(line),
  });
  try {
    await discord.runCommand({ name: "ping" });
    assert.equal(lines.at(-1), "tester ran /ping (locale en-US)");
  } finally {
    await client.stop();
  }
});

Deno.test("slash_command_bot registers once, not again on the READY of a new session", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  const lines: string[] = [];
  const started = runSlashCommandBot({
    token: discord.token,
    ...discord.clientOptions,
    log: (line) => lines.push(line),
  });
  let settled = false;
  started.finally(() => settled = true).catch(() => {});
  for (let i = 0; i < 100 && !settled; i++) await scheduler.advance(0);
  const { client } = await started;
  try {
    // 4009: the session is gone; the shard identifies again and gets READY.
    assert.equal(discord.gateway.closeWith(4009, "Session timed out"), 1);
    // The identify queue spaces IDENTIFYs 5 s and a margin apart.
    await scheduler.advance(5_250);
    await client.idle();
    assert.equal(discord.gateway.counters.sessionStarts, 2);
    assert.equal(
      lines.filter((line) => line.startsWith("READY")).length,
      2,
      "both READYs were handled",
    );
    assert.equal(
      discord.rest.requests.filter((r) => r.method === "PUT").length,
      1,
    );
  } finally {
    await client.stop();
    await scheduler.flushMicrotasks();
  }
});

// An empty token takes the same path as a missing one, without touching
// DISCORD_TOKEN: the environment is shared by every test running in parallel.
Deno.test("runSlashCommandBot without a token throws before connecting", async () => {
  await assert.rejects(
    () => runSlashCommandBot({ token: "" }),
    new TypeError(
      "Cannot run the slash command bot as 'token' is missing: pass it or set DISCORD_TOKEN",
    ),
  );
});
