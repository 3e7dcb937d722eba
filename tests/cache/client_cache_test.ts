import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import type { CacheOptions } from "../../cache/mod.ts";
import type { GatewayEventMap } from "../../types/events.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/**
 * What `body` makes a Client with `cache` (undefined: no cache option)
 * and `intents` write to stderr, given the Client and its fake Discord.
 */
async function stderrOfClient(
  cache: CacheOptions | undefined,
  body: (client: Client, discord: FakeDiscord) => Promise<unknown>,
  intents = INTENTS,
): Promise<string[]> {
  return await captureStderr(async () => {
    await using discord = await FakeDiscord.start();
    await using client = new Client({
      token: discord.token,
      intents,
      ...discord.clientOptions,
      ...(cache === undefined ? {} : { cache }),
    });
    await body(client, discord);
  });
}

Deno.test("Client cache: handlers and listeners of a delete get ctx.old; the cache follows the gateway", async () => {
  await using discord = await FakeDiscord.start();
  const fromMethod: unknown[] = [];
  const fromListener: unknown[] = [];
  class Bot extends Handler {
    override onMessageDelete(
      _data: GatewayEventMap["MESSAGE_DELETE"],
      ctx: Context,
    ): void {
      fromMethod.push(ctx.old);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    cache: {
      resources: ["guilds", "channels", "messages"],
      messages: { perChannel: 2 },
    },
  });
  client.on("MESSAGE_DELETE", (_data, ctx) => {
    fromListener.push(ctx.old);
  });
  await client.start(new Bot());
  const first = discord.postMessage("first");
  discord.postMessage("second");
  discord.postMessage("third");
  await client.idle();
  // Bounded per channel: the oldest went first.
  assert.deepEqual(
    client.cache.channelMessages(discord.channelId).map((m) => m.content),
    ["second", "third"],
  );
  const third = client.cache.channelMessages(discord.channelId)[1]!;
  discord.gateway.dispatch("MESSAGE_DELETE", {
    id: third.id,
    channel_id: discord.channelId,
    guild_id: discord.guildId,
  }, { guildId: discord.guildId });
  discord.gateway.dispatch("MESSAGE_DELETE", {
    id: first.id,
    channel_id: discord.channelId,
    guild_id: discord.guildId,
  }, { guildId: discord.guildId });
  await client.idle();
  assert.equal((fromMethod[0] as { content: string }).content, "third");
  assert.deepEqual(fromListener, fromMethod);
  assert.equal(fromMethod[1], undefined); // evicted before its delete
  assert.deepEqual(
    client.cache.channelMessages(discord.channelId).map((m) => m.content),
    ["second"],
  );
  assert.equal(client.cache.sizes().message, 1);
});

Deno.test("Client without cache: the cache stays empty, ctx.old is undefined, and the first read of client.cache says why, visibly, once", async () => {
  const olds: unknown[] = [];
  const lines = await stderrOfClient(undefined, async (client, discord) => {
    client.on("MESSAGE_CREATE", (_data, ctx) => {
      olds.push(ctx.old);
    });
    await client.start();
    discord.postMessage("hello");
    await client.idle();
    assert.equal(client.cache.guild(discord.guildId), undefined);
    assert.equal(client.cache.sizes().message, 0);
    assert.equal(client.cache.sizes().guild, 0);
    assert.ok(client.cache.options.resources.size === 0);
  });
  assert.deepEqual(olds, [undefined]);
  const warnings = lines.filter((line) => line.includes("disruption·cache"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(warnings[0]!, /client\.cache\.guild\(\).*`cache` option/);
});

Deno.test("Client with a cache: reading client.cache warns about nothing", async () => {
  const lines = await stderrOfClient(
    { resources: ["guilds"] },
    async (client, discord) => {
      await client.start();
      assert.equal(client.cache.guild(discord.guildId)?.id, discord.guildId);
    },
  );
  assert.deepEqual(lines, []);
});

Deno.test("Client cache: the resources the intents make impossible are warned about at start, visibly, in one line", async () => {
  const lines = await stderrOfClient(
    { resources: ["guilds", "presences", "voiceStates"] },
    (client) => client.start(),
  );
  const warnings = lines.filter((line) => line.includes("disruption·cache"));
  assert.equal(warnings.length, 1, lines.join("\n"));
  assert.match(
    warnings[0]!,
    /keeps presences \(needs GuildPresences\), voiceStates \(needs GuildVoiceStates\), which the intents cannot fill/,
  );
});

Deno.test("cacheIntentWarnings: resources a GUILD_CREATE carries whatever the intents are said to go out of date, not to stay empty", async () => {
  const { cacheIntentWarnings } = await import("../../cache/mod.ts");
  const { GatewayIntent } = await import("../../types/intents.ts");
  const [warning, ...rest] = cacheIntentWarnings(
    ["guilds", "emojis", "scheduledEvents", "integrations"],
    GatewayIntent.Guilds,
  );
  assert.deepEqual(rest, []);
  assert.match(
    warning!,
    /integrations \(needs GuildIntegrations\), which the intents cannot fill/,
  );
  assert.match(
    warning!,
    /emojis \(needs GuildExpressions\), scheduledEvents \(needs GuildScheduledEvents\), which only each GUILD_CREATE fills and no event updates after it/,
  );
});

Deno.test("Client cache: the start-up warning judges the resources asked for, not the guilds and channels they imply: messages of a DM-only bot warn of nothing", async () => {
  const dms = GatewayIntent.DirectMessages | GatewayIntent.MessageContent;
  const lines = await stderrOfClient(
    { resources: ["messages"] },
    async (client) => {
      await client.start();
      assert.ok(client.cache.options.resources.has("guilds"), "implied");
    },
    dms,
  );
  assert.deepEqual(lines.filter((line) => line.includes("intent")), []);
});

Deno.test("cacheIntentWarnings: without the Guilds intent, each resource asked for that needs guilds held says it needs Guilds (DM messages need none)", async () => {
  const { cacheIntentWarnings } = await import("../../cache/mod.ts");
  assert.deepEqual(
    cacheIntentWarnings(
      ["messages", "users"],
      GatewayIntent.DirectMessages | GatewayIntent.MessageContent,
    ),
    [],
  );
  const [warning, ...rest] = cacheIntentWarnings(
    ["members", "emojis", "messages"],
    GatewayIntent.GuildMembers | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
  );
  assert.deepEqual(rest, []);
  assert.match(
    warning!,
    /keeps members \(needs Guilds\), emojis \(needs GuildExpressions and Guilds\), messages \(needs Guilds\), which the intents cannot fill/,
  );
  assert.doesNotMatch(warning!, /guilds \(|channels \(/);
  // Receiving guild messages and DMs: the DMs' are kept, the others said.
  const [both] = cacheIntentWarnings(
    ["messages"],
    GatewayIntent.GuildMessages | GatewayIntent.DirectMessages |
      GatewayIntent.MessageContent,
  );
  assert.match(both!, /messages \(needs Guilds for guild ones\)/);
  // A resource whose own intent is Guilds says it once.
  const [own] = cacheIntentWarnings(
    ["roles", "stageInstances"],
    GatewayIntent.GuildMembers,
  );
  assert.match(
    own!,
    /keeps roles \(needs Guilds\), stageInstances \(needs Guilds\), which/,
  );
});

Deno.test("MemoryCache: users live as long as a member or message holds them (bounded)", async () => {
  const { MemoryCache } = await import("../../cache/mod.ts");
  const cache = new MemoryCache({ messages: { perChannel: 2 } });
  const user = (id: string): Record<string, unknown> => ({
    id,
    username: `u${id}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
  });
  for (let i = 0; i < 50; i++) {
    cache.apply("MESSAGE_CREATE", {
      id: String(1000 + i),
      channel_id: "2",
      author: user(String(i)),
      content: "x",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    });
  }
  // Two messages kept, so two authors; the other 48 users went with them.
  assert.equal(cache.sizes().user, 2);
  assert.equal(cache.user("0"), undefined);
  assert.equal(cache.user("49")?.username, "u49");
  // A presence of a held user updates it; of an unknown user adds nothing.
  cache.apply("PRESENCE_UPDATE", {
    user: { id: "49", username: "renamed" },
    guild_id: "1",
    status: "online",
    activities: [],
    client_status: {},
  });
  cache.apply("PRESENCE_UPDATE", {
    user: { id: "777", username: "stranger" },
    guild_id: "1",
    status: "online",
    activities: [],
    client_status: {},
  });
  assert.equal(cache.user("49")?.username, "renamed");
  assert.equal(cache.user("777"), undefined);
  assert.equal(cache.sizes().user, 2);
});

Deno.test("Client cache: members a handler requests with requestGuildMembers are cached from their chunks (the README's advice for members events do not bring)", async () => {
  await using discord = await FakeDiscord.start({
    gateway: { membersPerGuild: 5 },
  });
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "members"] },
  });
  await client.start(new class extends Handler {}());
  await client.idle();
  const before = client.cache.sizes().member;
  const shard = client.shards!.shard(0)!;
  let received = 0;
  for await (
    const chunk of shard.requestGuildMembers({
      guild_id: discord.guildId,
      query: "",
      limit: 0,
    })
  ) received += chunk.members.length;
  await client.idle();
  // The 5 generated members and FakeDiscord's tester, a member as on REST.
  assert.equal(received, 6);
  assert.ok(before < 6, `GUILD_CREATE already held ${before} members`);
  assert.equal(client.cache.sizes().member, 6);
  const fourth = [...client.cache.members(discord.guildId)].find((m) =>
    m.user.username === "member4"
  );
  assert.ok(fourth, "a requested member is in the cache");
});
