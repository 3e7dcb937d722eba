// Run by tests/testing/kit_cancelled_waits_test.ts in a child `deno test`
// (not a `_test.ts` file, so the suite does not run it: one of its tests
// fails on purpose). What it holds: a bot test whose FakeDiscord wait
// never got awaited (the action threw, or the test failed first) must
// fail, or pass, on its own, not crash the file when `await using` closes
// the fake and cancels the wait.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { deleteChannel } from "../../rest/mod.ts";
import { FakeDiscord } from "../../testing/mod.ts";

async function start(): Promise<{ discord: FakeDiscord; client: Client }> {
  const discord = await FakeDiscord.start();
  const client = new Client({
    token: discord.token,
    intents: 1 | 512,
    ...discord.clientOptions,
  });
  await client.start();
  return { discord, client };
}

Deno.test("say() into a deleted channel throws and leaves nothing behind", async () => {
  const scene = await start();
  await using discord = scene.discord;
  await using client = scene.client;
  await deleteChannel(client.rest, discord.channelId);
  await discord.delivered();
  assert.throws(() => discord.say("hi"), /was deleted/);
});

Deno.test("a test failing with its waits unawaited", async () => {
  const scene = await start();
  await using discord = scene.discord;
  await using _client = scene.client;
  const answer = discord.say("hi");
  const reply = discord.runCommand({ name: "x" }, { unregistered: true });
  const next = discord.nextBotMessage();
  assert.equal([answer, reply, next].length, 4, "the test's own assertion");
});

Deno.test("the next test runs", () => {});
