import assert from "node:assert/strict";
import {
  PING_BOT_INTENTS,
  PingBot,
  runPingBot,
} from "../../examples/ping_bot.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { GatewayIntent } from "../../types/intents.ts";

type Message = GatewayEventMap["MESSAGE_CREATE"];

/** The ID of the message `message` replies to. */
function referenced(message: RestMessage): string | undefined {
  return message.message_reference?.message_id;
}

/** The next MESSAGE_CREATE the bot receives that matches. */
function nextDispatch(
  client: Client,
  match: (message: Message) => boolean,
): Promise<Message> {
  return new Promise((resolve) => {
    const off = client.on("MESSAGE_CREATE", (message) => {
      if (!match(message)) return;
      off();
      resolve(message);
    });
  });
}

Deno.test("ping_bot asks for guild and DM messages with their content", () => {
  assert.equal(
    PING_BOT_INTENTS,
    GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.DirectMessages | GatewayIntent.MessageContent,
  );
});

Deno.test("ping_bot answers !ping with pong, and the pong comes back through the gateway", async () => {
  await using discord = await FakeDiscord.start();
  const lines: string[] = [];
  const client = await runPingBot({
    token: discord.token,
    ...discord.clientOptions,
    log: (line) => lines.push(line),
  });
  try {
    assert.match(lines[0]!, /^READY: shard 0 logged in as /);
    const echoed = nextDispatch(client, (m) => m.content === "pong");
    const answer = discord.nextBotMessage(discord.channelId);
    const asked = discord.postMessage("!ping");
    const reply = await answer;
    assert.equal(reply.content, "pong");
    assert.equal(referenced(reply), asked.id);
    const dispatched = await echoed;
    assert.equal(dispatched.id, reply.id);
    assert.equal(dispatched.author.id, discord.gateway.botUserId);
    assert.equal(dispatched.guild_id, discord.guildId);
    await client.idle();
    assert.deepEqual(lines.slice(1), [
      "!ping from tester",
      `replied "pong" (message ${reply.id})`,
    ]);
  } finally {
    await client.stop();
  }
});

Deno.test("ping_bot answers in DMs, and ignores other text, bots and itself", async () => {
  await using discord = await FakeDiscord.start();
  const client = await runPingBot({
    token: discord.token,
    ...discord.clientOptions,
    log: () => {},
  });
  try {
    const dmChannel = "1300000000000099999";
    const dm = await discord.say("!ping", {
      guildId: null,
      channelId: dmChannel,
    });
    assert.equal(dm.content, "pong");
    assert.equal(dm.channel_id, dmChannel);

    const bot = { ...discord.user, id: "1300000000000088888", bot: true };
    discord.postMessage("!ping", { author: bot });
    const itself = {
      ...discord.user,
      id: discord.gateway.botUserId,
      username: "FakeBot",
    };
    discord.postMessage("!ping", { author: itself });
    discord.postMessage("ping");
    discord.postMessage("!pingpong");
    // Events are handled in order: once this one is answered, the four
    // before it have been handled too.
    const last = await discord.say("  !ping  ");
    assert.equal(last.content, "pong");
    await client.idle();
    const replies = discord.rest.requests.filter((r) =>
      r.method === "POST" && r.route.startsWith("POST /channels/")
    );
    assert.equal(replies.length, 2, "one reply per real !ping");
  } finally {
    await client.stop();
  }
});

Deno.test("ping_bot works over loopback with the runtime's WebSocket and fetch", async () => {
  await using discord = await FakeDiscord.start({ loopback: true });
  const client = await runPingBot({
    token: discord.token,
    ...discord.clientOptions,
    log: () => {},
  });
  try {
    assert.ok(
      discord.gateway.connections[0]!.url.startsWith("ws://127.0.0.1:"),
    );
    const echoed = nextDispatch(client, (m) => m.content === "pong");
    const reply = await discord.say("!ping");
    assert.equal(reply.content, "pong");
    assert.equal((await echoed).id, reply.id);
  } finally {
    await client.stop();
  }
});

Deno.test("ping_bot's handler can be extended, as the demo does", async () => {
  await using discord = await FakeDiscord.start();
  const names: string[] = [];
  class Recording extends PingBot {
    override onRaw(event: { name: string }): void {
      names.push(event.name);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: PING_BOT_INTENTS,
    ...discord.clientOptions,
  });
  await client.start(new Recording(() => {}));
  assert.equal((await discord.say("!ping")).content, "pong");
  await client.idle();
  assert.deepEqual(names.slice(0, 2), ["READY", "GUILD_CREATE"]);
  assert.ok(names.includes("MESSAGE_CREATE"));
});

// An empty token takes the same path as a missing one, without touching
// DISCORD_TOKEN: the environment is shared by every test running in parallel.
Deno.test("runPingBot without a token throws before connecting", async () => {
  await assert.rejects(
    () => runPingBot({ token: "" }),
    new TypeError(
      "Cannot run the ping bot as 'token' is missing: pass it or set DISCORD_TOKEN",
    ),
  );
});
