// A user's message with no bot connected (a client.start() not awaited)
// went nowhere in silence: the test then waited 10 s for an answer.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

const NO_BOT =
  "[WRN] disruption·testing: FakeGateway: MESSAGE_CREATE reached no bot, as no bot has connected yet (was client.start() awaited?); an event dispatched with no session is lost (said once)";

Deno.test("A message posted while no bot is connected (start() not awaited) says so, once", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  const starting = client.start(); // the mistake: not awaited
  const lines = await captureStderr(() => {
    discord.postMessage("!ping");
    discord.postMessage("!ping again");
  });
  await starting;
  assert.deepEqual(lines, [NO_BOT]);
  // A bot connected: its messages arrive, and nothing is said.
  const got = new Promise<string>((resolve) =>
    client.on("MESSAGE_CREATE", (message) => resolve(message.content))
  );
  const after = await captureStderr(() => discord.postMessage("hello"));
  assert.equal(await got, "hello");
  assert.deepEqual(after, []);
});

Deno.test("A bot's own REST message with no gateway session says nothing (a REST-only test)", async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  const lines = await captureStderr(() =>
    rest.createMessage(discord.channelId, { content: "hello" })
  );
  assert.deepEqual(lines, []);
});

Deno.test("Events lost after a bot has connected (it stopped) are not taken for a start() not awaited", async () => {
  await using discord = await FakeDiscord.start();
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await client.start();
  await client.stop();
  const lines = await captureStderr(() => discord.postMessage("too late"));
  assert.deepEqual(lines, []);
});
