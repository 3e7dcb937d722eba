import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { DEFAULT_GATEWAY_URL } from "../../gateway/shard_options.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { within } from "../_fakes/watchdog.ts";
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
        assert.equal(options.gatewayUrl, discord.gateway.url);
      }
      assert.equal(options.shards, "recommended");
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

Deno.test("An in-process fake at its own URL: a bare Shard from clientOptions never uses the default (production) URL", async () => {
  await using discord = await FakeDiscord.start({
    gateway: {
      url: "wss://gateway.fake.invalid",
      resumeUrl: "wss://resume.fake.invalid",
    },
  });
  const options = discord.clientOptions;
  assert.notEqual(options.gatewayUrl, DEFAULT_GATEWAY_URL);
  const urls: string[] = [];
  const shard = new Shard({
    token: discord.token,
    intents: 1,
    ...options,
    transport: (url, listener) => {
      urls.push(url);
      return discord.gateway.transport(url, listener);
    },
  });
  try {
    await within(shard.connect(), "the shard to be ready");
    assert.equal(discord.gateway.counters.identifies, 1);
    assert.deepEqual(
      urls.map((url) => new URL(url).host),
      ["gateway.fake.invalid"],
    );
  } finally {
    await shard.close();
  }
});

Deno.test("A Client from clientOptions asks the fake's GET /gateway/bot for the shard count in both modes", async (t) => {
  for (const loopback of [false, true]) {
    await t.step(loopback ? "loopback" : "in-process", async () => {
      // max_concurrency 2: both shards identify at once (no 5 s bucket wait).
      await using discord = await FakeDiscord.start({
        loopback,
        shards: 2,
        gateway: { maxConcurrency: 2 },
      });
      const client = new Client({
        ...discord.clientOptions,
        token: discord.token,
        intents: 1,
      });
      try {
        await within(client.start(), "the client to start");
        assert.equal(client.shards?.shards.size, 2);
        assert.equal(discord.gateway.counters.identifies, 2);
      } finally {
        await client.stop();
      }
    });
  }
});
