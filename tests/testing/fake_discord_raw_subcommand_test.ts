// The raw form of `runCommand` expresses a subcommand (its options nested
// in the subcommand option, as Discord sends them), and the fake's guild
// carries `incidents_data` (null: no incident), as Discord's guild object.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { getGuild } from "../../rest/mod.ts";
import { RestClient } from "../../rest/rest_client.ts";
import {
  FakeDiscord,
  type FakeSlashCommand,
} from "../../testing/fake_discord.ts";
import type { InteractionCreateDispatch } from "../../types/dispatch_payloads.ts";

Deno.test("FakeDiscord.runCommand takes a raw subcommand with nested options", async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  const seen: InteractionCreateDispatch[] = [];
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  client.on("INTERACTION_CREATE", async (interaction) => {
    seen.push(interaction);
    await rest.createInteractionResponse(interaction.id, interaction.token, {
      type: 4,
      data: { content: "ok" },
    });
  });
  await client.start();
  const raw: FakeSlashCommand = {
    name: "tag",
    options: [{
      name: "add",
      type: 1,
      options: [{ name: "n", type: 3, value: "x" }],
    }],
  };
  await discord.runCommand(raw, { unregistered: true });
  const data = seen[0]!.data as { options?: unknown };
  assert.deepEqual(data.options, raw.options);
});

Deno.test("FakeDiscord: the guild has incidents_data null, over REST and in GUILD_CREATE", async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  const guild = await getGuild(rest, discord.guildId);
  assert.ok("incidents_data" in guild, "GET /guilds/{id}");
  assert.equal(guild.incidents_data, null);
  const created: Record<string, unknown>[] = [];
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  client.on("GUILD_CREATE", (g) => {
    created.push(g as unknown as Record<string, unknown>);
  });
  await client.start();
  await discord.delivered();
  await client.idle();
  assert.ok(created.length > 0);
  assert.ok("incidents_data" in created[0]!, "GUILD_CREATE");
  assert.equal(created[0]!.incidents_data, null);
});
