import assert from "node:assert/strict";
import { runPingBot } from "../../examples/ping_bot.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";

Deno.test("ping_bot keeps messages in its cache and says what a deleted one said", async () => {
  await using discord = await FakeDiscord.start();
  const lines: string[] = [];
  const client = await runPingBot({
    token: discord.token,
    ...discord.clientOptions,
    log: (line) => lines.push(line),
  });
  try {
    const posted = discord.postMessage("secret plans");
    await client.idle();
    assert.equal(
      client.cache.message(discord.channelId, posted.id)?.content,
      "secret plans",
    );
    for (const id of [posted.id, "999"]) {
      discord.gateway.dispatch("MESSAGE_DELETE", {
        id,
        channel_id: discord.channelId,
        guild_id: discord.guildId,
      }, { guildId: discord.guildId });
    }
    await client.idle();
    assert.deepEqual(lines.slice(-2), [
      `${posted.author.username} deleted "secret plans"`,
      "message 999 was deleted (not cached)",
    ]);
    assert.equal(client.cache.message(discord.channelId, posted.id), undefined);
  } finally {
    await client.stop();
  }
});
