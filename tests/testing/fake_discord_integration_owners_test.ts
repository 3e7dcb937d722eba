/**
 * `authorizing_integration_owners` on a fake interaction and on its
 * response's `interaction_metadata`: for the guild-installed app the fake
 * plays, the key "0" (GUILD_INSTALL) maps to the guild's ID in a guild and
 * to "0" in a DM with the bot, as Discord's "Authorizing Integration
 * Owners Object" describes.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import type { InteractionCreateDispatch } from "../../types/dispatch_payloads.ts";

Deno.test('FakeDiscord: authorizing_integration_owners names the guild, or "0" in a DM', async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  const seen: InteractionCreateDispatch[] = [];
  client.on("INTERACTION_CREATE", async (interaction) => {
    seen.push(interaction);
    await rest.createInteractionResponse(interaction.id, interaction.token, {
      type: 4,
      data: { content: "ok" },
    });
  });
  await client.start();
  await discord.runCommand({ name: "ping" }, { unregistered: true });
  await discord.runCommand({ name: "ping" }, {
    unregistered: true,
    channelId: "777000",
    guildId: null,
  });
  assert.deepEqual(seen[0]!.authorizing_integration_owners, {
    "0": discord.guildId,
  });
  assert.deepEqual(seen[1]!.authorizing_integration_owners, { "0": "0" });
  // The response messages carry the same owners in interaction_metadata.
  const [inGuild] = discord.rest.messages(discord.channelId).slice(-1);
  assert.deepEqual(
    inGuild!.interaction_metadata?.authorizing_integration_owners,
    { "0": discord.guildId },
  );
  const [inDm] = discord.rest.messages("777000");
  assert.deepEqual(
    inDm!.interaction_metadata?.authorizing_integration_owners,
    { "0": "0" },
  );
});
