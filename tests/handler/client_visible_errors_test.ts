import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { ShardContext } from "../../handler/context.ts";
import { Shard } from "../../gateway/shard.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import type { HandlerError } from "../../handler/handler_error.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** Start a bot whose MESSAGE_CREATE handler throws on "boom", post "boom". */
async function throwOnce(bot: Handler): Promise<void> {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start(bot);
  const after = new Promise<void>((resolve) =>
    client.on("MESSAGE_CREATE", (m) => {
      if (m.content === "after") resolve();
    })
  );
  discord.postMessage("boom");
  discord.postMessage("after");
  await after;
  await client.idle();
}

class ThrowingBot extends Handler {
  override onMessageCreate(message: GatewayEventMap["MESSAGE_CREATE"]): void {
    if (message.content === "boom") throw new Error("handler bug");
  }
}

Deno.test("A throwing handler is printed to stderr with its stack when nothing is configured", async () => {
  const lines = await captureStderr(() => throwOnce(new ThrowingBot()));
  assert.equal(lines.length, 1, lines.join("\n"));
  const line = lines[0]!;
  assert.match(
    line,
    /^\[ERR\] disruption·handler: HandlerError: Handler method onMessageCreate for MESSAGE_CREATE \(shard 0, sequence \d+\) threw: handler bug/,
  );
  // The handler's own frame, not only the library's.
  assert.match(
    line,
    /Error: handler bug\n +at ThrowingBot\.onMessageCreate .*client_visible_errors_test\.ts/,
  );
});

Deno.test("A throwing on() listener is printed to stderr too", async () => {
  const lines = await captureStderr(async () => {
    await using discord = await FakeDiscord.start();
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    client.on("MESSAGE_CREATE", (message) => {
      if (message.content === "boom") throw new TypeError("listener bug");
    });
    await client.start();
    const after = new Promise<void>((resolve) =>
      client.on("MESSAGE_CREATE", (m) => {
        if (m.content === "after") resolve();
      })
    );
    discord.postMessage("boom");
    discord.postMessage("after");
    await after;
    await client.idle();
  });
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /^\[ERR\] disruption·handler: HandlerError: A listener for MESSAGE_CREATE .* threw: listener bug/,
  );
  assert.match(lines[0]!, /TypeError: listener bug\n +at /);
});

Deno.test("An overridden onError replaces the stderr line", async () => {
  const errors: HandlerError[] = [];
  class Bot extends ThrowingBot {
    override onError(error: HandlerError): void {
      errors.push(error);
    }
  }
  const lines = await captureStderr(() => throwOnce(new Bot()));
  assert.deepEqual(lines, []);
  assert.equal(errors.length, 1);
});

Deno.test("A LogTape sink for disruption replaces the stderr line", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { test: (record) => records.push(record) },
    loggers: [
      { category: ["disruption"], sinks: ["test"], lowestLevel: "error" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  try {
    const lines = await captureStderr(() => throwOnce(new ThrowingBot()));
    assert.deepEqual(lines, []);
    assert.equal(records.length, 1);
    assert.deepEqual(records[0]!.category, ["disruption", "handler"]);
    assert.match(String(records[0]!.properties.error), /handler bug/);
  } finally {
    await reset();
  }
});

Deno.test("Start-up warnings reach stderr when nothing is configured", async () => {
  await using discord = await FakeDiscord.start();
  class Bot extends Handler {
    override onPresenceUpdate(): void {}
    override onMessageCreate(): void {}
  }
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.GuildMessages,
    ...discord.clientOptions,
  });
  const lines = await captureStderr(() => client.start(new Bot()));
  const text = lines.join("\n");
  assert.match(
    text,
    /\[WRN\] disruption·handler: onPresenceUpdate\(\) will never be called: PRESENCE_UPDATE needs the GuildPresences intent/,
  );
  assert.match(
    text,
    /\[WRN\] disruption·handler: onMessageCreate\(\): without the MESSAGE_CONTENT intent/,
  );
  assert.ok(!text.includes(discord.token));
});

Deno.test("ctx.respond refused as an unknown interaction (10062) says on stderr why: the 3 s deadline, and how to defer", async () => {
  const rest = new RestClient({
    token: "t",
    fetch: () =>
      Promise.resolve(
        Response.json({ message: "Unknown interaction", code: 10062 }, {
          status: 404,
        }),
      ),
  });
  const ctx = new ShardContext(new Shard({ token: "t", intents: 0 }), rest);
  const lines = await captureStderr(() =>
    assert.rejects(
      ctx.respond({ id: "123456789012345678", token: "tok" }, "pong"),
      (error) => error instanceof DiscordApiError && error.code === 10062,
    )
  );
  assert.match(
    lines.join("\n"),
    /\[WRN\] .*Interaction 123456789012345678 was unknown to Discord \(10062\): an interaction must be answered within 3 s .*\{ type: 5 \}/,
  );
});

Deno.test("A full cache with few intents warns once at start, listing each resource the intents cannot fill", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    cache: {},
    ...discord.clientOptions,
  });
  const lines = await captureStderr(() => client.start());
  const fit = lines.filter((l) => l.includes("which the intents cannot fill"));
  assert.equal(fit.length, 1, lines.join("\n"));
  assert.match(fit[0]!, /cache: \{ resources: \[\.\.\.\] \}/);
  assert.match(
    fit[0]!,
    /presences \(needs GuildPresences\), voiceStates \(needs GuildVoiceStates\)/,
  );
  // Members arrive in GUILD_CREATE (the bot's own, those in voice) but are
  // never updated without GuildMembers: said as such, not as impossible.
  assert.match(
    fit[0]!,
    /emojis \(needs GuildExpressions\), stickers \(needs GuildExpressions\), members \(needs GuildMembers\).*which only each GUILD_CREATE fills/,
  );
  assert.equal(
    lines.filter((l) => /without the MessageContent intent/.test(l)).length,
    1,
  );
});
