/**
 * What the bot changes over REST comes back through FakeDiscord's gateway,
 * as Discord sends it: its own message edits and deletes (MESSAGE_UPDATE,
 * MESSAGE_DELETE, so its cache is not left stale), roles, member edits,
 * channels, reactions and bulk deletes; and a simulated user who posted is
 * a member op 8 finds.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import {
  createGuildRole,
  deleteGuildRole,
  modifyGuildRole,
} from "../../rest/api/roles.ts";
import {
  addGuildMemberRole,
  removeGuildMemberRole,
} from "../../rest/api/members.ts";
import { createGuildChannel } from "../../rest/api/guilds.ts";
import { deleteChannel, modifyChannel } from "../../rest/api/channels.ts";
import { bulkDeleteMessages } from "../../rest/api/messages.ts";
import { createReaction, deleteOwnReaction } from "../../rest/api/reactions.ts";

const MESSAGES = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

Deno.test("the bot's own edit and delete over REST reach its handlers and its cache as MESSAGE_UPDATE and MESSAGE_DELETE", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: MESSAGES,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  const seen: string[] = [];
  let old: unknown;
  client.on("MESSAGE_UPDATE", (m) => void seen.push(`update ${m.content}`));
  client.on("MESSAGE_DELETE", (d, ctx) => {
    seen.push(`delete ${d.id} ${d.guild_id}`);
    old = ctx.old;
  });
  await client.start();
  const sent = await client.rest.createMessage(discord.channelId, {
    content: "v1",
  });
  await discord.delivered();
  await client.idle();
  await client.rest.editMessage(discord.channelId, sent.id, { content: "v2" });
  await discord.delivered();
  await client.idle();
  assert.equal(client.cache.message(discord.channelId, sent.id)?.content, "v2");
  await client.rest.deleteMessage(discord.channelId, sent.id);
  await discord.delivered();
  await client.idle();
  assert.deepEqual(seen, ["update v2", `delete ${sent.id} ${discord.guildId}`]);
  assert.equal((old as { content?: string } | undefined)?.content, "v2");
  assert.equal(client.cache.message(discord.channelId, sent.id), undefined);
});

Deno.test("the bot's edit without the message intents is not dispatched to it", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  client.on("MESSAGE_UPDATE", () => void seen.push("update"));
  await client.start();
  const sent = await client.rest.createMessage(discord.channelId, {
    content: "v1",
  });
  await client.rest.editMessage(discord.channelId, sent.id, { content: "v2" });
  await discord.delivered();
  await client.idle();
  assert.deepEqual(seen, []);
});

Deno.test("roles, member roles, channels, reactions and bulk deletes made over REST come back as their gateway events", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: MESSAGES | GatewayIntent.GuildMembers |
      GatewayIntent.GuildMessageReactions,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "roles", "members", "channels"] },
  });
  const seen: string[] = [];
  const note = (event: string) => () => void seen.push(event);
  for (
    const event of [
      "GUILD_ROLE_CREATE",
      "GUILD_ROLE_UPDATE",
      "GUILD_ROLE_DELETE",
      "GUILD_MEMBER_UPDATE",
      "CHANNEL_CREATE",
      "CHANNEL_UPDATE",
      "CHANNEL_DELETE",
      "MESSAGE_REACTION_ADD",
      "MESSAGE_REACTION_REMOVE",
      "MESSAGE_DELETE_BULK",
      "MESSAGE_DELETE",
    ] as const
  ) client.on(event, note(event));
  await client.start();
  const step = async (run: () => Promise<unknown>): Promise<string[]> => {
    await run();
    await discord.delivered();
    await client.idle();
    return seen.splice(0);
  };
  const { guildId, channelId } = discord;
  const bot = discord.rest.botUser.id;
  let roleId = "";
  assert.deepEqual(
    await step(async () => {
      roleId = (await createGuildRole(client.rest, guildId, { name: "m" })).id;
    }),
    ["GUILD_ROLE_CREATE"],
  );
  assert.deepEqual(
    await step(() => modifyGuildRole(client.rest, guildId, roleId, {})),
    ["GUILD_ROLE_UPDATE"],
  );
  assert.deepEqual(
    await step(() => addGuildMemberRole(client.rest, guildId, bot, roleId)),
    ["GUILD_MEMBER_UPDATE"],
  );
  assert.deepEqual(client.cache.member(guildId, bot)?.roles, [roleId]);
  assert.deepEqual(
    await step(() => removeGuildMemberRole(client.rest, guildId, bot, roleId)),
    ["GUILD_MEMBER_UPDATE"],
  );
  assert.deepEqual(
    await step(() => deleteGuildRole(client.rest, guildId, roleId)),
    ["GUILD_ROLE_DELETE"],
  );
  let newChannel = "";
  assert.deepEqual(
    await step(async () => {
      newChannel = (await createGuildChannel(client.rest, guildId, {
        name: "new",
        type: 0,
      })).id;
    }),
    ["CHANNEL_CREATE"],
  );
  assert.equal(client.cache.channel(newChannel)?.name, "new");
  assert.deepEqual(
    await step(() => modifyChannel(client.rest, newChannel, { name: "re" })),
    ["CHANNEL_UPDATE"],
  );
  assert.equal(client.cache.channel(newChannel)?.name, "re");
  assert.deepEqual(
    await step(() => deleteChannel(client.rest, newChannel)),
    ["CHANNEL_DELETE"],
  );
  const a = await client.rest.createMessage(channelId, { content: "a" });
  const b = await client.rest.createMessage(channelId, { content: "b" });
  assert.deepEqual(
    await step(() => createReaction(client.rest, channelId, a.id, "👍")),
    ["MESSAGE_REACTION_ADD"],
  );
  assert.deepEqual(
    await step(() => deleteOwnReaction(client.rest, channelId, a.id, "👍")),
    ["MESSAGE_REACTION_REMOVE"],
  );
  // One MESSAGE_DELETE_BULK, not a MESSAGE_DELETE per message.
  assert.deepEqual(
    await step(() =>
      bulkDeleteMessages(client.rest, channelId, { messages: [a.id, b.id] })
    ),
    ["MESSAGE_DELETE_BULK"],
  );
});

Deno.test("a simulated user who posted is a member op 8 finds, by id and by query", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.GuildMembers,
    ...discord.clientOptions,
  });
  await client.start();
  discord.postMessage("hi");
  await discord.delivered();
  const byId = [];
  for await (
    const chunk of client.shards!.requestGuildMembers({
      guild_id: discord.guildId,
      user_ids: [discord.user.id],
      limit: 0,
    })
  ) byId.push(chunk);
  assert.deepEqual(byId.flatMap((c) => c.not_found ?? []), []);
  assert.deepEqual(
    byId.flatMap((c) => c.members.map((m) => m.user?.id)),
    [discord.user.id],
  );
  const byQuery = [];
  for await (
    const chunk of client.shards!.requestGuildMembers({
      guild_id: discord.guildId,
      query: "test",
      limit: 10,
    })
  ) byQuery.push(chunk);
  assert.deepEqual(
    byQuery.flatMap((c) => c.members.map((m) => m.user?.username)),
    ["tester"],
  );
});

Deno.test("a simulated user who first posts in a guild joins it: GUILD_MEMBER_ADD before their message, once", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: MESSAGES | GatewayIntent.GuildMembers,
    ...discord.clientOptions,
  });
  const seen: string[] = [];
  client.on("GUILD_MEMBER_ADD", (m) => void seen.push(`add ${m.user.id}`));
  client.on("MESSAGE_CREATE", (m) => void seen.push(`message ${m.content}`));
  await client.start();
  const ada = {
    id: "1400000000000000001",
    username: "ada",
    discriminator: "0",
    global_name: null,
    avatar: null,
  };
  discord.postMessage("one", { author: ada });
  discord.postMessage("two", { author: ada });
  // The default simulated user was a member from the start: no join.
  discord.postMessage("three");
  await discord.delivered();
  await client.idle();
  assert.deepEqual(seen, [
    `add ${ada.id}`,
    "message one",
    "message two",
    "message three",
  ]);
});
