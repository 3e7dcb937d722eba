import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { DEFAULT_GATEWAY_URL } from "../../gateway/shard_options.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { within } from "../_fakes/watchdog.ts";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { getGuild } from "../../rest/api/guilds.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import type { GuildCreateDispatch } from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { Guild } from "../../types/objects/guild.ts";

Deno.test("FakeDiscord.clientOptions point at the fake in both modes", async (t) => {
  for (const loopback of [false, true]) {
    await t.step(loopback ? "loopback" : "in-process", async () => {
      await using discord = await FakeDiscord.start({ loopback });
      const options = discord.clientOptions;
      if (loopback) {
        assert.match(options.gatewayUrl ?? "", /^ws:\/\/127\.0\.0\.1:\d+/);
      } else {
        // No URL can lead past the fake's own transport.
        assert.equal(options.transport, discord.gateway.transport);
        assert.equal(discord.gateway.url, DEFAULT_GATEWAY_URL);
      }
      // A bare Shard built from the options reaches the fake.
      const shard = new Shard({ token: discord.token, intents: 1, ...options });
      try {
        await within(shard.connect(), "the shard to be ready");
        assert.equal(shard.status, "ready");
        assert.equal(discord.gateway.counters.identifies, 1);
      } finally {
        await shard.close();
      }
    });
  }
});

Deno.test("FakeDiscord sends one guild object: GET /guilds/{id} has the fields GUILD_CREATE has, with the same values", async () => {
  await using discord = await FakeDiscord.start();
  const created: GuildCreateDispatch[] = [];
  let rest: RestClient | undefined;
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  client.on("GUILD_CREATE", (guild, ctx) => {
    created.push(guild);
    rest = ctx.rest;
  });
  await client.start(new (class extends Handler {})());
  await client.idle();
  const fromGateway = created[0] as unknown as Record<string, unknown>;
  assert.ok(fromGateway);
  const fromRest = await getGuild(rest!, String(fromGateway.id)) as
    & Guild
    & Record<string, unknown>;
  // GUILD_CREATE adds gateway-only fields; every field of the guild object
  // it carries is in REST's answer, and agrees.
  const gatewayOnly = new Set([
    "joined_at",
    "large",
    "unavailable",
    "member_count",
    "voice_states",
    "members",
    "channels",
    "threads",
    "presences",
    "stage_instances",
    "guild_scheduled_events",
    "soundboard_sounds",
    "stickers",
  ]);
  for (const [field, value] of Object.entries(fromGateway)) {
    if (gatewayOnly.has(field)) continue;
    assert.ok(field in fromRest, `GET /guilds/{id} lacks ${field}`);
    if (field !== "roles") assert.deepEqual(fromRest[field], value, field);
  }
});
