/**
 * A message's mentions, as the fake fills them from its content: a
 * simulated user's (`postMessage`, `editMessage`) and the bot's own over
 * REST, with `allowed_mentions` and replies, and what a bot without
 * MESSAGE_CONTENT reads of a message that mentions it.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { RestClient } from "../../rest/rest_client.ts";
import type { RestMessage } from "../../rest/payloads.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import type { MessageCreateDispatch } from "../../types/dispatch_payloads.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { CHANNEL, GUILD, oneChannel } from "./_one_channel.ts";

/** Guilds and guild messages, without the privileged MESSAGE_CONTENT. */
const NO_CONTENT = GatewayIntent.Guilds | GatewayIntent.GuildMessages;

async function startBot(
  discord: FakeDiscord,
  intents: number,
): Promise<{ client: Client; created: MessageCreateDispatch[] }> {
  const created: MessageCreateDispatch[] = [];
  const client = new Client({
    token: discord.token,
    intents,
    ...discord.clientOptions,
  });
  client.on("MESSAGE_CREATE", (message) => void created.push(message));
  await client.start();
  return { client, created };
}

function restOf(discord: FakeDiscord): RestClient {
  return new RestClient({ token: discord.token, fetch: discord.rest.fetch });
}

const ids = (users: { id: string }[]): string[] => users.map((u) => u.id);

Deno.test("an @mentioned bot without MESSAGE_CONTENT reads the content, and answers, as on Discord", async () => {
  await using discord = await FakeDiscord.start();
  const { client, created } = await startBot(discord, NO_CONTENT);
  client.on("MESSAGE_CREATE", async (message, ctx) => {
    // Its own answer quotes the mention: a bot ignores bots.
    if (message.author.bot) return;
    if (message.mentions.some((u) => u.id === discord.gateway.botUserId)) {
      await ctx.reply(message, `you said: ${message.content}`);
    }
  });
  try {
    const bot = `<@${discord.gateway.botUserId}>`;
    const answer = await discord.say(`${bot} ping`);
    assert.equal(answer.content, `you said: ${bot} ping`);
    // A message naming no one stays blank for this bot; the legacy
    // nickname form counts as a mention (its answer comes after both).
    discord.postMessage("nobody named");
    const legacy = `<@!${discord.gateway.botUserId}> again`;
    assert.equal((await discord.say(legacy)).content, `you said: ${legacy}`);
    await client.idle();
    assert.deepEqual(
      created.filter((m) => m.author.id === discord.user.id).map((m) =>
        m.content
      ),
      [`${bot} ping`, "", legacy],
    );
  } finally {
    await client.stop();
  }
});

Deno.test("postMessage fills mentions, mention_roles and mention_everyone from the content; unknown ids are left out", async () => {
  await using discord = await FakeDiscord.start({
    gateway: { membersPerGuild: 3 },
  });
  const rest = restOf(discord);
  const role = await rest.request<{ id: string }>(
    "POST",
    `/guilds/${discord.guildId}/roles`,
    { body: { name: "helpers", mentionable: true } },
  );
  const { client, created } = await startBot(
    discord,
    NO_CONTENT | GatewayIntent.MessageContent,
  );
  try {
    const bot = discord.gateway.botUserId;
    // The gateway's generated member1 (GUILD_CREATE and op 8 list it).
    const member1 = String(BigInt(discord.guildId) + 1001n);
    const posted = discord.postMessage(
      `<@${bot}> <@!${member1}> <@${bot}> <@99999999999999999> <@&${role.id}> <@&88888888888888888> @here`,
    );
    assert.deepEqual(ids(posted.mentions), [bot, member1]);
    assert.equal(posted.mentions[1]!.username, "member1");
    assert.deepEqual(posted.mention_roles, [role.id]);
    assert.equal(posted.mention_everyone, true);
    // In a guild each mention carries its partial member, without `user`.
    for (const user of posted.mentions) {
      assert.deepEqual(user.member?.roles, []);
      assert.equal("user" in user.member!, false);
    }
    // The REST copy is Discord's REST message: users without `member`.
    const [stored] = discord.rest.messages(discord.channelId);
    assert.deepEqual(ids(stored!.mentions), [bot, member1]);
    assert.equal("member" in stored!.mentions[0]!, false);
    await client.idle();
    assert.deepEqual(created[0]!.mentions, posted.mentions);

    // Another simulated user, once they acted, is a user a mention finds,
    // and a member of the guild they wrote in.
    const other = { ...discord.user, id: "1300000000000099999", username: "o" };
    discord.postMessage("hi", { author: other });
    const named = discord.postMessage(`<@${other.id}> @everyone`);
    assert.deepEqual(ids(named.mentions), [other.id]);
    assert.deepEqual(named.mentions[0]!.member?.roles, []);
    assert.equal(named.mention_everyone, true);

    // An edit parses its new content again.
    const edited = discord.editMessage(posted, "no one now");
    assert.deepEqual(edited.mentions, []);
    assert.deepEqual(edited.mention_roles, []);
    assert.equal(edited.mention_everyone, false);
    const again = discord.editMessage(posted, `back to <@${bot}>`);
    assert.deepEqual(ids(again.mentions), [bot]);

    // In a DM: users only (no roles, no @everyone), and no members.
    const dm = discord.postMessage(`<@${bot}> @everyone`, {
      guildId: null,
      channelId: "1300000000000077777",
    });
    assert.deepEqual(ids(dm.mentions), [bot]);
    assert.equal("member" in dm.mentions[0]!, false);
    assert.equal(dm.mention_everyone, false);
  } finally {
    await client.stop();
  }
});

Deno.test("the bot's own messages over REST carry their mentions, limited by allowed_mentions, and a reply mentions its author", async () => {
  await using discord = await FakeDiscord.start();
  const { client, created } = await startBot(
    discord,
    NO_CONTENT | GatewayIntent.MessageContent,
  );
  const rest = restOf(discord);
  try {
    const user = discord.user.id;
    const sent = await rest.createMessage(discord.channelId, {
      content: `hello <@${user}> and @everyone`,
    }) as RestMessage;
    assert.deepEqual(ids(sent.mentions), [user]);
    assert.equal(sent.mention_everyone, true);
    await client.idle();
    const dispatched = created.find((m) => m.id === sent.id)!;
    assert.deepEqual(ids(dispatched.mentions), [user]);
    assert.deepEqual(dispatched.mentions[0]!.member?.roles, []);

    // allowed_mentions decides who is mentioned, as on Discord.
    const quiet = await rest.createMessage(discord.channelId, {
      content: `hello <@${user}> and @everyone`,
      allowed_mentions: { parse: [] },
    }) as RestMessage;
    assert.deepEqual(quiet.mentions, []);
    assert.equal(quiet.mention_everyone, false);
    const listed = await rest.createMessage(discord.channelId, {
      content: `hello <@${user}> and @here`,
      allowed_mentions: { users: [user] },
    }) as RestMessage;
    assert.deepEqual(ids(listed.mentions), [user]);
    assert.equal(listed.mention_everyone, false);

    // A reply mentions the replied-to author, unless allowed_mentions is
    // sent without replied_user.
    const posted = discord.postMessage("question");
    const reply = await rest.createMessage(discord.channelId, {
      content: "answer",
      message_reference: { message_id: posted.id },
    }) as RestMessage;
    assert.deepEqual(ids(reply.mentions), [user]);
    const silent = await rest.createMessage(discord.channelId, {
      content: "answer",
      message_reference: { message_id: posted.id },
      allowed_mentions: { parse: ["users"] },
    }) as RestMessage;
    assert.deepEqual(silent.mentions, []);

    // An edit over REST parses the new content again.
    const edited = await rest.editMessage(discord.channelId, sent.id, {
      content: "nobody",
    }) as RestMessage;
    assert.deepEqual(edited.mentions, []);
    assert.equal(edited.mention_everyone, false);
  } finally {
    await client.stop();
  }
});

Deno.test("a standalone FakeRest fills mentions from the users and roles its resources hold", async () => {
  const { fake, rest } = oneChannel();
  const member = {
    id: "100000000000000050",
    username: "m",
    discriminator: "0",
    global_name: null,
    avatar: null,
  };
  fake.resources.addMember(GUILD, member);
  const sent = await rest.createMessage(CHANNEL, {
    content: `<@${member.id}> <@100000000000000051> <@&${GUILD}0>`,
  }) as RestMessage;
  assert.deepEqual(sent.mentions, [member]);
  assert.deepEqual(sent.mention_roles, []);
  // A user the resources do not hold is found through knownUser.
  fake.knownUser = (id) =>
    id === "100000000000000051" ? { ...member, id, username: "n" } : undefined;
  const second = await rest.createMessage(CHANNEL, {
    content: "<@100000000000000051>",
  }) as RestMessage;
  assert.deepEqual(ids(second.mentions), ["100000000000000051"]);
});
