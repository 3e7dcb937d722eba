// Simulated users' messages carry Discord's time in their ids and
// timestamps, on the same wall clock as the bot's: a message a simulated
// user just posted can be bulk-deleted, and under a virtual clock both
// fakes date their messages from 2025-01-01 (FakeRest's base).
import assert from "node:assert/strict";
import { bulkDeleteMessages, getChannelMessages } from "../../rest/mod.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const DISCORD_EPOCH = 1_420_070_400_000n;
/** When a snowflake was made, in milliseconds since the Unix epoch. */
const idTime = (id: string) => Number((BigInt(id) >> 22n) + DISCORD_EPOCH);

Deno.test("FakeDiscord: a simulated user's message id carries the time it was posted", async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  const before = Date.now();
  const a = discord.postMessage("a");
  const bot = await rest.createMessage(discord.channelId, { content: "bot" });
  const b = discord.postMessage("b");
  const after = Date.now();
  for (const message of [a, b]) {
    assert.ok(
      idTime(message.id) >= before && idTime(message.id) <= after,
      `${message.id} dates ${new Date(idTime(message.id)).toISOString()}`,
    );
    assert.equal(idTime(message.id), Date.parse(message.timestamp));
  }
  // One generator for both fakes: ids increase in the order of posting.
  assert.ok(BigInt(a.id) < BigInt(bot.id) && BigInt(bot.id) < BigInt(b.id));
  // A message just posted is under 14 days old: bulk delete takes it.
  await bulkDeleteMessages(rest, discord.channelId, {
    messages: [a.id, b.id],
  });
  assert.deepEqual(
    (await getChannelMessages(rest, discord.channelId)).map((m) => m.content),
    ["bot"],
  );
});

Deno.test("FakeDiscord: under a virtual clock both fakes date messages on one wall clock", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
    scheduler: clock,
  });
  await clock.advance(5_000);
  assert.equal(discord.wallClock(), Date.UTC(2025, 0, 1, 0, 0, 5));
  const bot = await rest.createMessage(discord.channelId, { content: "bot" });
  const user = discord.postMessage("user");
  assert.equal(user.timestamp, bot.timestamp);
  assert.equal(user.timestamp, "2025-01-01T00:00:05.000Z");
  assert.equal(idTime(user.id), discord.wallClock());
  await clock.advance(15 * 86_400_000);
  const edited = discord.editMessage(user, "edited");
  assert.equal(edited.edited_timestamp, "2025-01-16T00:00:05.000Z");
  const later = discord.postMessage("later");
  assert.equal(later.timestamp, new Date(discord.wallClock()).toISOString());
  // Fifteen virtual days on, the user's first message is too old to bulk
  // delete, as the bot's is.
  const refused = await bulkDeleteMessages(rest, discord.channelId, {
    messages: [user.id, later.id],
  }).catch((e) => e);
  assert.equal(refused.code, 50034);
});
