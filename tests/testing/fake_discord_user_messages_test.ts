/**
 * A simulated user's message, its edit and its delete, as the bot gets them
 * (MESSAGE_CREATE, MESSAGE_UPDATE, MESSAGE_DELETE with Discord's fields),
 * and the warning when a dispatch reaches no session because of intents.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type {
  MessageCreateDispatch,
  MessageDeleteDispatch,
} from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const MESSAGES = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

interface Seen {
  created: MessageCreateDispatch[];
  updated: MessageCreateDispatch[];
  deleted: MessageDeleteDispatch[];
}

async function startBot(
  discord: FakeDiscord,
  intents: number,
  setup?: (client: Client) => void,
): Promise<{ client: Client; seen: Seen }> {
  const seen: Seen = { created: [], updated: [], deleted: [] };
  const client = new Client({
    token: discord.token,
    intents,
    ...discord.clientOptions,
  });
  client.on("MESSAGE_CREATE", (message) => void seen.created.push(message));
  client.on("MESSAGE_UPDATE", (message) => void seen.updated.push(message));
  client.on("MESSAGE_DELETE", (data) => void seen.deleted.push(data));
  setup?.(client);
  await client.start();
  return { client, seen };
}

Deno.test("postMessage returns the message as dispatched: guild_id and member included", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord, MESSAGES);
  try {
    const posted = discord.postMessage("hello");
    await client.idle();
    assert.equal(posted.guild_id, discord.guildId);
    assert.deepEqual(posted.member?.roles, []);
    assert.equal(seen.created.length, 1);
    assert.equal(seen.created[0]!.guild_id, posted.guild_id);
    assert.deepEqual(seen.created[0]!.member, posted.member);
    // The REST copy is Discord's REST message: no gateway-only fields.
    const [stored] = discord.rest.messages(discord.channelId);
    assert.equal("guild_id" in stored!, false);
    // The reviewer's hand-made MESSAGE_UPDATE from it is a guild event now,
    // not a DM the bot (without DirectMessages) never gets.
    const reached = discord.gateway.dispatch("MESSAGE_UPDATE", {
      ...posted,
      content: "edited by hand",
    });
    assert.equal(reached, 1);
    await client.idle();
    assert.deepEqual(seen.updated.map((m) => m.content), ["edited by hand"]);
    // A DM has neither (and this bot, without DirectMessages, is told so).
    let dm: MessageCreateDispatch | undefined;
    const lines = await captureStderr(() => {
      dm = discord.postMessage("psst", {
        guildId: null,
        channelId: "1300000000000077777",
      });
    });
    assert.match(
      lines.join("\n"),
      /MESSAGE_CREATE reached none.*DirectMessages/,
    );
    assert.ok(dm);
    assert.equal("guild_id" in dm, false);
    assert.equal("member" in dm, false);
  } finally {
    await client.stop();
  }
});

Deno.test("editMessage dispatches MESSAGE_UPDATE as Discord does and edits the stored copy", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  const { client, seen } = await startBot(discord, MESSAGES);
  try {
    const posted = discord.postMessage("helo");
    await scheduler.advance(1_500);
    const edited = discord.editMessage(posted, "hello");
    await client.idle();
    // The whole message, new content, edited_timestamp set, same extra
    // fields as MESSAGE_CREATE.
    assert.equal(edited.id, posted.id);
    assert.equal(edited.content, "hello");
    assert.equal(edited.timestamp, posted.timestamp);
    // On the fakes' wall clock (a virtual 0 is 2025-01-01), as the bot's.
    assert.equal(
      edited.edited_timestamp,
      new Date(discord.wallClock()).toISOString(),
    );
    assert.equal(edited.edited_timestamp, "2025-01-01T00:00:01.500Z");
    assert.equal(edited.tts, false);
    assert.equal(edited.guild_id, discord.guildId);
    assert.deepEqual(edited.member, posted.member);
    assert.deepEqual(edited.author, posted.author);
    assert.equal(seen.updated.length, 1);
    assert.deepEqual(seen.updated[0], edited);
    const [stored] = discord.rest.messages(discord.channelId);
    assert.equal(stored!.content, "hello");
    assert.equal(stored!.edited_timestamp, edited.edited_timestamp);
  } finally {
    await client.stop();
  }
});

Deno.test("deleteMessage dispatches MESSAGE_DELETE (id, channel_id, guild_id) and forgets the message", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord, MESSAGES);
  try {
    const posted = discord.postMessage("oops");
    const deleted = discord.deleteMessage(posted);
    await client.idle();
    assert.deepEqual(deleted, {
      id: posted.id,
      channel_id: discord.channelId,
      guild_id: discord.guildId,
    });
    assert.deepEqual(seen.deleted, [deleted]);
    assert.deepEqual(discord.rest.messages(discord.channelId), []);
    // The bot's REST calls about it get Discord's 404.
    const response = await discord.rest.fetch(
      `https://discord.com/api/v10/channels/${discord.channelId}/messages/${posted.id}`,
      { headers: { Authorization: `Bot ${discord.token}` } },
    );
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, 10008);
    // Gone: neither editable nor deletable again.
    assert.throws(() => discord.editMessage(posted, "x"), /no such message/);
    assert.throws(() => discord.deleteMessage(posted), /no such message/);
  } finally {
    await client.stop();
  }
});

Deno.test("editMessage and deleteMessage in a DM: no guild_id, DirectMessages needed", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(
    discord,
    GatewayIntent.Guilds | GatewayIntent.DirectMessages |
      GatewayIntent.MessageContent,
  );
  try {
    const where = { guildId: null, channelId: "1300000000000077777" };
    const posted = discord.postMessage("dm", where);
    const edited = discord.editMessage(posted, "dm, edited");
    const deleted = discord.deleteMessage(posted);
    await client.idle();
    assert.equal("guild_id" in edited, false);
    assert.equal("member" in edited, false);
    assert.deepEqual(deleted, { id: posted.id, channel_id: where.channelId });
    assert.deepEqual(seen.updated.map((m) => m.content), ["dm, edited"]);
    assert.deepEqual(seen.deleted, [deleted]);
  } finally {
    await client.stop();
  }
});

Deno.test("editMessage refuses the bot's own message: only its author edits a message", async () => {
  await using discord = await FakeDiscord.start();
  const { client } = await startBot(
    discord,
    MESSAGES,
    (client) =>
      client.on("MESSAGE_CREATE", async (message, ctx) => {
        if (message.content === "!ping") await ctx.reply(message, "pong");
      }),
  );
  try {
    const answer = await discord.say("!ping");
    assert.throws(
      () => discord.editMessage(answer, "hacked"),
      /the bot wrote it/,
    );
    // A moderator may delete it.
    discord.deleteMessage(answer);
    assert.equal(
      discord.rest.messages(discord.channelId).some((m) => m.id === answer.id),
      false,
    );
  } finally {
    await client.stop();
  }
});

Deno.test("the bot's own guild message comes back as MESSAGE_CREATE with guild_id and member, as Discord sends it", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(
    discord,
    MESSAGES,
    (client) => {
      client.on("MESSAGE_CREATE", async (message, ctx) => {
        if (message.content === "!ping") await ctx.reply(message, "pong");
      });
      client.on("INTERACTION_CREATE", async (interaction, ctx) => {
        await ctx.respond(interaction, "answer");
      });
    },
  );
  try {
    const answer = await discord.say("!ping");
    await client.idle();
    const own = seen.created.find((m) => m.id === answer.id);
    assert.ok(own, "the bot's message was dispatched");
    assert.equal(own.author.id, discord.rest.botUser.id);
    assert.equal(own.guild_id, discord.guildId);
    assert.ok(own.member, "member is set on a guild MESSAGE_CREATE");
    assert.deepEqual(own.member.roles, []);
    assert.equal(own.member.joined_at, answer.timestamp);
    // The same shape as a user's message.
    const user = seen.created.find((m) => m.content === "!ping")!;
    assert.deepEqual(Object.keys(own.member), Object.keys(user.member!));
    // An interaction response is a webhook's message: Discord sends no
    // member with it.
    await discord.runCommand({ name: "hello" }, { unregistered: true });
    await client.idle();
    const response = seen.created.find((m) => m.content === "answer");
    assert.ok(response?.webhook_id);
    assert.equal(response.guild_id, discord.guildId);
    assert.equal("member" in response, false);
  } finally {
    await client.stop();
  }
});

Deno.test("a dispatch the intents filter out everywhere says why on stderr, once", async () => {
  await using discord = await FakeDiscord.start();
  // No DirectMessages: a MESSAGE_UPDATE without guild_id counts as a DM.
  const { client, seen } = await startBot(discord, MESSAGES);
  try {
    const posted = discord.postMessage("hello");
    const { guild_id: _guild, member: _member, ...withoutGuild } = posted;
    const counts: number[] = [];
    const lines = await captureStderr(() => {
      counts.push(discord.gateway.dispatch("MESSAGE_UPDATE", withoutGuild));
      counts.push(discord.gateway.dispatch("MESSAGE_UPDATE", withoutGuild));
    });
    assert.deepEqual(counts, [0, 0]);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /^\[WRN\] disruption·testing: FakeGateway: MESSAGE_UPDATE reached none of the 1 session\(s\)/,
    );
    assert.match(lines[0]!, /DirectMessages \(4096\)/);
    assert.match(lines[0]!, /as a DM event: its data has no guild_id/);
    // The guild intent missing: named too.
    const guildLines = await captureStderr(() =>
      discord.gateway.dispatch("TYPING_START", {
        channel_id: discord.channelId,
        guild_id: discord.guildId,
        user_id: discord.user.id,
        timestamp: 0,
      })
    );
    assert.equal(guildLines.length, 1);
    assert.match(guildLines[0]!, /GuildMessageTyping \(2048\).*guild event/);
    // A filter on purpose stays quiet; so does a dispatch that does reach
    // a session, and one with no session to reach.
    const quiet = await captureStderr(() => {
      discord.gateway.dispatch("MESSAGE_DELETE", {
        id: "1",
        channel_id: "2",
      }, { warnIfFiltered: false });
      discord.gateway.dispatch("MESSAGE_UPDATE", posted);
      discord.gateway.dispatch("GUILD_UPDATE", { id: "42" }, { shardId: 5 });
    });
    assert.deepEqual(quiet, []);
    await client.idle();
    assert.equal(seen.updated.length, 1);
  } finally {
    await client.stop();
  }
});

/** A fake gateway of one guild with one session identified with Guilds only. */
async function guildsOnlySession(): Promise<FakeGateway> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const socket = gateway.transport(`${gateway.url}/?v=10&encoding=json`, {
    onOpen: () =>
      socket.send(JSON.stringify({
        op: 2,
        d: {
          token: "fake-token",
          intents: GatewayIntent.Guilds,
          properties: { os: "linux", browser: "t", device: "t" },
        },
      })),
    onMessage: () => {},
    onClose: () => {},
    onError: () => {},
  });
  await scheduler.flushMicrotasks();
  return gateway;
}

Deno.test("FakeGateway.dispatch warns when every session it was routed to lacks the intent", async () => {
  const gateway = await guildsOnlySession();
  try {
    const lines = await captureStderr(() => {
      assert.equal(
        gateway.dispatch("MESSAGE_CREATE", {
          id: "1",
          channel_id: "2",
          guild_id: gateway.guildIds[0],
          content: "x",
        }),
        0,
      );
    });
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /MESSAGE_CREATE reached none.*GuildMessages \(512\)/,
    );
    // ignoreIntents sends it: nothing to say.
    const sent = await captureStderr(() =>
      assert.equal(
        gateway.dispatch("MESSAGE_REACTION_ADD", {
          guild_id: gateway.guildIds[0],
        }, { ignoreIntents: true }),
        1,
      )
    );
    assert.deepEqual(sent, []);
  } finally {
    gateway.close();
  }
});

Deno.test("the filtered-dispatch warning of a THREAD_MEMBERS_UPDATE names GuildMembers, which a Guilds-only session lacks", async () => {
  const gateway = await guildsOnlySession();
  try {
    const guildId = gateway.guildIds[0]!;
    const membersUpdate = (userId: string) => ({
      id: "1300000000000000001",
      guild_id: guildId,
      member_count: 2,
      added_members: [{
        id: "1300000000000000001",
        user_id: userId,
        join_timestamp: "2025-01-01T00:00:00.000Z",
        flags: 0,
      }],
    });
    const counts: number[] = [];
    const lines = await captureStderr(() => {
      // Another user joins: Guilds alone does not bring it.
      counts.push(
        gateway.dispatch(
          "THREAD_MEMBERS_UPDATE",
          membersUpdate("1300000000000000002"),
        ),
      );
      // The bot itself joins: Guilds is enough, nothing to say.
      counts.push(
        gateway.dispatch(
          "THREAD_MEMBERS_UPDATE",
          membersUpdate(gateway.botUserId),
        ),
      );
    });
    assert.deepEqual(counts, [0, 1]);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /THREAD_MEMBERS_UPDATE reached none of the 1 session\(s\).*none requested GuildMembers \(2\)/,
    );
    assert.doesNotMatch(lines[0]!, /Guilds \(1\)/);
  } finally {
    gateway.close();
  }
});

Deno.test("postMessage in a guild channel the fake has not seen dispatches its CHANNEL_CREATE first, so a bot's cache keeps the message and says what a delete removed", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: MESSAGES,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  const created: string[] = [];
  client.on("CHANNEL_CREATE", (channel) => void created.push(channel.id));
  let deleted: unknown;
  client.on("MESSAGE_DELETE", (_d, ctx) => void (deleted = ctx.old));
  await client.start();
  const channelId = "4242";
  const posted = discord.postMessage("hello", { channelId });
  discord.postMessage("again", { channelId });
  await client.idle();
  assert.deepEqual(created, [channelId], "one CHANNEL_CREATE, before");
  assert.equal(client.cache.channel(channelId)?.guild_id, discord.guildId);
  assert.deepEqual(
    client.cache.channelMessages(channelId).map((m) => m.content),
    ["hello", "again"],
  );
  discord.deleteMessage(posted);
  await client.idle();
  assert.equal((deleted as { content?: string } | undefined)?.content, "hello");
  // A DM channel has no create event: none is dispatched.
  discord.postMessage("dm", { channelId: "4343", guildId: null });
  await client.idle();
  assert.deepEqual(created, [channelId]);
});
