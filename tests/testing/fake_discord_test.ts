import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { DEFAULT_GATEWAY_URL } from "../../gateway/shard_options.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { within } from "../_fakes/watchdog.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Context } from "../../handler/context.ts";
import type { DiscordApiError } from "../../rest/errors.ts";
import type { InteractionCreateDispatch } from "../../types/dispatch_payloads.ts";
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
      // A bare Shard built from the options' gateway part reaches the fake
      // (a Shard refuses the Client's own keys: shards, restBaseUrl, fetch).
      const { gatewayUrl, transport, scheduler } = options;
      const shard = new Shard({
        token: discord.token,
        intents: 1,
        gatewayUrl,
        ...(transport ? { transport } : {}),
        ...(scheduler ? { scheduler } : {}),
      });
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
    gatewayUrl: options.gatewayUrl,
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

Deno.test("FakeDiscord.runCommand rejects, naming the 3 s rule, when the bot answers late; Discord refuses the late callback", async (t) => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  let thinking = 0;
  const outcomes: string[] = [];
  class Bot extends Handler {
    override async onInteractionCreate(
      interaction: InteractionCreateDispatch,
      ctx: Context,
    ): Promise<void> {
      await new Promise<void>((resolve) =>
        scheduler.setTimeout(resolve, thinking)
      );
      await ctx.respond(interaction, "answer").then(
        () => outcomes.push("accepted"),
        (e: DiscordApiError) => outcomes.push(`${e.status} ${e.code}`),
      );
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  let started = false;
  const starting = client.start(new Bot()).finally(() => started = true);
  await runUntil(scheduler, () => started);
  await starting;
  const run = async () => {
    let settled: unknown;
    const running = discord.runCommand({ name: "hello" }, {
      unregistered: true,
    }).then(
      (answer) => settled = answer,
      (error) => settled = error,
    );
    const start = scheduler.now();
    await runUntil(scheduler, () => settled !== undefined);
    await running;
    return { settled, after: scheduler.now() - start };
  };

  await t.step("an answer within 3 s resolves", async () => {
    thinking = 2_900;
    const { settled } = await run();
    assert.equal(
      (settled as { body: { type: number } }).body.type,
      4,
    );
    assert.deepEqual(outcomes, ["accepted"]);
  });
  await t.step("an answer after 4 s rejects at 3 s", async () => {
    thinking = 4_000;
    const { settled, after } = await run();
    assert.ok(settled instanceof Error);
    assert.match(settled.message, /did not answer \/hello within 3 s/);
    assert.match(settled.message, /10062/);
    assert.equal(after, 3_000);
    await runUntil(scheduler, () => outcomes.length === 2);
    assert.deepEqual(outcomes, ["accepted", "404 10062"]);
    assert.equal(discord.rest.interactionResponses.length, 1);
  });
});

Deno.test("FakeDiscord over an HTTP interactions endpoint: an answer later than 3 s fails runCommand", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  let thinking = 0;
  discord.useEndpoint(async () => {
    await new Promise<void>((resolve) =>
      scheduler.setTimeout(resolve, thinking)
    );
    return Response.json({ type: 4, data: { content: "pong" } });
  });
  const run = async () => {
    let settled: unknown;
    const running = discord.runCommand({ name: "ping" }, { unregistered: true })
      .then(
        (answer) => settled = answer,
        (error) => settled = error,
      );
    await runUntil(scheduler, () => settled !== undefined, {
      // The request is signed with WebCrypto: real promises, not timers.
      settle: async () => {
        for (let i = 0; i < 5; i++) {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        await scheduler.flushMicrotasks();
      },
    });
    await running;
    return settled;
  };
  thinking = 2_000;
  const answered = await run();
  assert.equal(
    (answered as { body: { data: { content: string } } }).body.data.content,
    "pong",
  );
  thinking = 3_500;
  const late = await run();
  assert.ok(late instanceof Error);
  assert.match(late.message, /within 3 s/);
  // The endpoint's late answer is not applied.
  await scheduler.advance(1_000);
  assert.equal(discord.rest.interactionResponses.length, 1);
  assert.equal(discord.rest.messages(discord.channelId).length, 1);
});

Deno.test("FakeDiscord's GET /gateway/bot reports the gateway's live session start budget", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler,
    gateway: { sessionStartLimit: { total: 5 } },
  });
  const gatewayBot = async () =>
    (await (await discord.rest.fetch(
      "https://discord.com/api/v10/gateway/bot",
      { headers: { authorization: `Bot ${discord.token}` } },
    )).json()).session_start_limit;
  assert.deepEqual(await gatewayBot(), {
    total: 5,
    remaining: 5,
    reset_after: 86_400_000,
    max_concurrency: 1,
  });
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  let started = false;
  const starting = client.start().finally(() => started = true);
  await runUntil(scheduler, () => started);
  await starting;
  await scheduler.advance(60_000);
  const live = discord.gateway.sessionStartLimit();
  assert.equal(live.remaining, 4, "the IDENTIFY used one start");
  assert.ok(live.reset_after <= 86_400_000 - 60_000, "the window runs");
  assert.deepEqual(await gatewayBot(), live);
});

Deno.test("FakeDiscord: the bot can post only in channels that exist (404 Unknown Channel otherwise)", async () => {
  await using discord = await FakeDiscord.start({ gateway: { guilds: 2 } });
  const post = async (channelId: string) => {
    const response = await discord.rest.fetch(
      `https://discord.com/api/v10/channels/${channelId}/messages`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bot ${discord.token}`,
        },
        body: JSON.stringify({ content: "hi" }),
      },
    );
    return [response.status, await response.json()];
  };
  const unknownChannel = [404, { code: 10003, message: "Unknown Channel" }];
  assert.deepEqual(await post(discord.user.id), unknownChannel);
  assert.deepEqual(await post(discord.guildId), unknownChannel);
  assert.deepEqual(await post("123456789012345678"), unknownChannel);
  // Every channel GUILD_CREATE announced exists, in every guild.
  const second = discord.gateway.guildIds[1]!;
  const secondGeneral = String(BigInt(second) + 1n);
  assert.equal(discord.rest.resources.channel(secondGeneral)?.name, "general");
  assert.equal((await post(discord.channelId))[0], 200);
  assert.equal((await post(secondGeneral))[0], 200);
  // A channel a simulated user writes in exists from then on.
  discord.postMessage("hello", { channelId: "123456789012345678" });
  assert.equal((await post("123456789012345678"))[0], 200);
  discord.postMessage("dm", { channelId: "5555", guildId: null });
  assert.equal(discord.rest.resources.channel("5555")?.type, 1);
  assert.equal((await post("5555"))[0], 200);
});
