/**
 * `delivered()`: after a simulated user's action, which dispatches without
 * waiting for the bot, it resolves once the bot has read every dispatch
 * sent before it, so `client.idle()` then waits for the handlers those
 * dispatches queued (an idle() alone resolved before they were even read).
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { MessageCreateDispatch } from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { within } from "../_fakes/watchdog.ts";
import { runUntil } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** A bot that answers each user message over REST (an async handler). */
function echoing(client: Client, discord: FakeDiscord): void {
  client.on(
    "MESSAGE_CREATE",
    async (message: MessageCreateDispatch, ctx: Context) => {
      if (message.author.id === discord.rest.botUser.id) return;
      await ctx.reply(message, `echo ${message.content}`);
    },
  );
}

/** The bot's messages in the fake's channel, by content. */
function botMessages(discord: FakeDiscord): string[] {
  return discord.rest.messages(discord.channelId)
    .filter((m) => m.author.id === discord.rest.botUser.id)
    .map((m) => m.content);
}

Deno.test("delivered() then idle() waits for an async handler of a posted message (in-process, virtual clock)", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  echoing(client, discord);
  const started = client.start();
  await runUntil(scheduler, () => client.shards?.shard(0)?.status === "ready");
  await started;
  // Three in a row: the wait holds every time, not once per heartbeat.
  for (const word of ["a", "b", "c"]) {
    discord.postMessage(word);
    await discord.delivered();
    await client.idle();
    assert.equal(botMessages(discord).at(-1), `echo ${word}`);
  }
  assert.deepEqual(botMessages(discord), ["echo a", "echo b", "echo c"]);
});

Deno.test("delivered() then idle() waits for the handlers of an edit and a delete", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  client.on("MESSAGE_UPDATE", async (message) => {
    await Promise.resolve();
    seen.push(`edit ${message.content}`);
  });
  client.on("MESSAGE_DELETE", async (data) => {
    await Promise.resolve();
    seen.push(`delete ${data.id}`);
  });
  const started = client.start();
  await runUntil(scheduler, () => client.shards?.shard(0)?.status === "ready");
  await started;
  const posted = discord.postMessage("helo");
  discord.editMessage(posted, "hello");
  discord.deleteMessage(posted);
  await discord.delivered();
  await client.idle();
  assert.deepEqual(seen, ["edit hello", `delete ${posted.id}`]);
});

Deno.test("delivered() then idle() waits for an async handler on loopback, again and again", async () => {
  await using discord = await FakeDiscord.start({ loopback: true });
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    // The first heartbeat comes at a random part of the 41.25 s interval
    // (real time here): at the interval's end, none falls in the test.
    random: () => 0.999,
  });
  const seen: string[] = [];
  // A synchronous listener too: on loopback even that ran after idle().
  client.on("MESSAGE_CREATE", (message) => void seen.push(message.content));
  echoing(client, discord);
  await within(client.start(), "the client to start");
  for (const word of ["a", "b", "c"]) {
    discord.postMessage(word);
    await within(discord.delivered(), "the delivery");
    await client.idle();
    assert.equal(botMessages(discord).at(-1), `echo ${word}`);
  }
  assert.deepEqual(botMessages(discord), ["echo a", "echo b", "echo c"]);
  assert.deepEqual(
    seen.filter((content) => !content.startsWith("echo")),
    ["a", "b", "c"],
  );
  // The probes are WebSocket pings: no gateway frame, no heartbeat counted.
  assert.equal(discord.gateway.counters.heartbeats, 0);
});

Deno.test("delivered() resolves with no client connected, and when the connection drops meanwhile", async (t) => {
  for (const loopback of [false, true]) {
    await t.step(loopback ? "loopback" : "in-process", async () => {
      await using discord = await FakeDiscord.start({ loopback });
      await within(discord.delivered(), "delivered() with nobody connected");
      await using client = new Client({
        token: discord.token,
        intents: INTENTS,
        ...discord.clientOptions,
      });
      await within(client.start(), "the client to start");
      discord.gateway.dispatch("GUILD_UPDATE", {
        id: discord.guildId,
        name: "x",
      });
      const waiting = discord.delivered();
      discord.gateway.dropConnection();
      await within(waiting, "delivered() across a drop");
    });
  }
});

Deno.test("FakeGateway.delivered() rejects for a carrier that cannot tell, naming the connection", async () => {
  using gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const handle = gateway.acceptConnection(`${gateway.url}/?v=10`, {
    send: () => {},
    close: () => {},
    drop: () => {},
  });
  assert.ok(handle);
  await assert.rejects(
    gateway.delivered(),
    /^Error: Cannot wait for delivery on connection 1: its carrier has no delivered\(\)/,
  );
});

Deno.test("The simulated user's actions refuse an option they do not read", async () => {
  await using discord = await FakeDiscord.start({
    scheduler: new VirtualScheduler(),
  });
  const other = "999000000000000001";
  assert.throws(
    () => discord.postMessage("hi", { channel: other } as never),
    /^TypeError: Cannot post a message as 'channel' is not one of its options \(did you mean 'channelId'\?\)/,
  );
  assert.throws(
    () => discord.say("x", { timeout: 5 } as never),
    /^TypeError: Cannot say a message as 'timeout' is not one of its options/,
  );
  await assert.rejects(
    () => discord.runCommand({ name: "ping" }, { unregistred: true } as never),
    /'unregistred' is not one of its options \(did you mean 'unregistered'\?\)/,
  );
  // Nothing was posted, and the refused say() left no wait behind.
  assert.deepEqual(discord.rest.messages(discord.channelId), []);
  assert.equal(discord.rest.messages(other).length, 0);
});
