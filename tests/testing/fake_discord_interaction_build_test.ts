/**
 * FakeDiscord builds interactions as Discord does, so a bot's tests mean
 * something: a refused action rejects its promise (never throws), the
 * responses name the user who acted, a user command resolves its target's
 * member, role and channel options resolve the guild's stored role and the
 * stored channel as Discord's partial channel (an ID not of the guild is
 * refused), the acting user picking themselves resolves their member, and
 * roles carry Discord's `colors`. A resolved channel carries the acting
 * user's permissions and the bot's as `app_permissions`, and an option's
 * `min_value` and `max_value` are themselves allowed.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import {
  channel,
  command,
  integer,
  mentionable,
  role,
  user,
  userCommand,
} from "../../interactions/commands.ts";
import type { RestUser } from "../../rest/payloads.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import {
  resolvedOf,
  someone,
  startInteractionBot,
} from "../_fakes/interaction_bot.ts";

const pick = command({
  name: "pick",
  description: "Pick",
  options: {
    u: user({ description: "u" }),
    r: role({ description: "r" }),
    c: channel({ description: "c" }),
    m: mentionable({ description: "m" }),
  },
});

const inspect = userCommand({ name: "Inspect" });

const run = { unregistered: true } as const;

Deno.test("FakeDiscord: a refused user action rejects its promise instead of throwing", async () => {
  await using discord = await FakeDiscord.start();
  const { client } = await startInteractionBot(discord);
  await using _client = client;
  const refused: [string, () => Promise<unknown>][] = [
    ["unknown option", () => discord.runCommand(pick, { x: 1 } as never, run)],
    [
      "unknown subcommand",
      () => discord.runCommand(pick, { subcommand: "nope" } as never, run),
    ],
    ["bad key", () => discord.runCommand({ name: "p" }, { bad: 1 } as never)],
    [
      "user command key",
      () => discord.runUserCommand(inspect, discord.user, { bad: 1 } as never),
    ],
    [
      "message command key",
      () =>
        discord.runMessageCommand(
          userCommand({ name: "M" }) as never,
          { id: "1", channel_id: discord.channelId } as never,
          { bad: 1 } as never,
        ),
    ],
    [
      "click",
      () => discord.click({ id: "404", channel_id: discord.channelId }, "b"),
    ],
    [
      "select",
      () =>
        discord.select({ id: "404", channel_id: discord.channelId }, "s", []),
    ],
    [
      "modal",
      () =>
        discord.submitModal({
          interactionId: "1",
          token: "t",
          body: { type: 4 },
          at: 0,
        }, {}),
    ],
  ];
  for (const [what, action] of refused) {
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      promise = action();
    }, `${what}: thrown synchronously`);
    await assert.rejects(promise!, Error, what);
  }
});

Deno.test("FakeDiscord: a response's interaction_metadata names the user who acted", async () => {
  await using discord = await FakeDiscord.start();
  const { client } = await startInteractionBot(discord);
  await using _client = client;
  const author = someone("717171", "actor");
  await discord.runCommand({ name: "hello" }, { author, unregistered: true });
  const [answer] = discord.rest.messages(discord.channelId).slice(-1);
  const metadata = answer!.interaction_metadata as { user: RestUser };
  assert.equal(metadata.user.id, author.id);
  assert.equal(metadata.user.username, "actor");
});

Deno.test("FakeDiscord: a user command resolves its target's member in a guild", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const mod = someone("515151", "mod");
  discord.rest.resources.addMember(discord.guildId, mod, { nick: "Moddy" });
  await discord.runUserCommand(inspect, mod, run);
  const resolved = resolvedOf(seen[0]!);
  assert.equal(resolved.users?.[mod.id]?.id, mod.id);
  assert.equal(resolved.members?.[mod.id]?.nick, "Moddy");
  assert.equal(typeof resolved.members?.[mod.id]?.permissions, "string");
  assert.equal("user" in (resolved.members?.[mod.id] ?? {}), false);
});

Deno.test("FakeDiscord: role options resolve the guild's stored role, with colors", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const response = await discord.rest.fetch(
    `https://discord.com/api/v10/guilds/${discord.guildId}/roles`,
    {
      method: "POST",
      headers: {
        authorization: `Bot ${discord.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "mods", color: 0xff0000, hoist: true }),
    },
  );
  const stored = await response.json() as Record<string, unknown>;
  await discord.runCommand(pick, {
    r: { id: String(stored.id), name: "made up" },
    m: { id: discord.guildId, name: "everyone" },
  }, run);
  const roles = resolvedOf(seen[0]!).roles!;
  assert.deepEqual(roles[String(stored.id)], stored);
  assert.deepEqual(roles[String(stored.id)]!.colors, {
    primary_color: 0xff0000,
    secondary_color: null,
    tertiary_color: null,
  });
  assert.equal(roles[discord.guildId]!.name, "@everyone");
  assert.deepEqual(roles[discord.guildId]!.colors, {
    primary_color: 0,
    secondary_color: null,
    tertiary_color: null,
  });
  await assert.rejects(
    discord.runCommand(pick, { r: { id: "999999", name: "ghost" } }, run),
    TypeError,
  );
  await assert.rejects(
    discord.runCommand(pick, { m: { id: "999999", name: "ghost" } }, run),
    TypeError,
  );
  assert.equal(seen.length, 1, "a refused role is never sent");
});

Deno.test("FakeDiscord: channel options resolve the stored channel as Discord's partial channel", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const threadId = "828282";
  discord.rest.resources.addChannel({
    id: threadId,
    type: 11,
    guild_id: discord.guildId,
    parent_id: discord.channelId,
    name: "talk",
    owner_id: discord.user.id,
    message_count: 0,
    member_count: 1,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: "2024-01-01T00:00:00.000Z",
      locked: false,
    },
  });
  await discord.runCommand(pick, {
    c: { id: discord.channelId, name: "made up", type: 2 },
  }, run);
  const general = resolvedOf(seen[0]!).channels![discord.channelId]!;
  assert.equal(general.name, "general");
  assert.equal(general.type, 0);
  assert.equal(typeof general.permissions, "string");
  assert.equal("permission_overwrites" in general, false, "partial");
  await discord.runCommand(pick, { c: { id: threadId } }, run);
  const thread = resolvedOf(seen[1]!).channels![threadId]!;
  assert.equal(thread.parent_id, discord.channelId);
  assert.equal(
    (thread.thread_metadata as { archived: boolean }).archived,
    false,
  );
  for (const key of ["owner_id", "message_count", "member_count"]) {
    assert.equal(key in thread, false, `a partial thread has no '${key}'`);
  }
  await assert.rejects(
    discord.runCommand(pick, { c: { id: "999999" } }, run),
    TypeError,
  );
  assert.equal(seen.length, 2, "a refused channel is never sent");
});

Deno.test("FakeDiscord: the acting user picking themselves in a new guild resolves their member", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const author = someone("737373", "newcomer");
  await discord.runCommand(pick, { u: author }, { author, unregistered: true });
  const member = resolvedOf(seen[0]!).members?.[author.id];
  assert.ok(member, "the acting user is a member where they act");
  assert.deepEqual(member.roles, []);
});

Deno.test("FakeDiscord: the gateway's @everyone role carries colors", async () => {
  await using discord = await FakeDiscord.start();
  const guilds: { roles: Record<string, unknown>[] }[] = [];
  await using client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  client.on("GUILD_CREATE", (guild) => {
    guilds.push(guild as unknown as { roles: Record<string, unknown>[] });
  });
  await client.start();
  await discord.delivered();
  const everyone = guilds[0]!.roles.find((r) => r.name === "@everyone");
  assert.deepEqual(everyone?.colors, {
    primary_color: 0,
    secondary_color: null,
    tertiary_color: null,
  });
  assert.equal(everyone?.color, 0);
});

Deno.test("FakeDiscord: a channel option may name the new channel the command runs in, which exists before anyone posts there", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const here = { channelId: "424242", unregistered: true } as const;
  await discord.runCommand(pick, { c: { id: "424242" } }, here);
  const channel = resolvedOf(seen[0]!).channels!["424242"]!;
  assert.equal(channel.id, "424242");
  assert.equal(channel.type, 0);
});

Deno.test("FakeDiscord: in a guild named only by guildId (its roles and channels unknown to the fake), role and channel options resolve as given", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const where = { guildId: "5555", channelId: "6666", unregistered: true };
  await discord.runCommand(pick, {
    r: { id: "5555", name: "@everyone" },
    c: { id: "7777", name: "elsewhere", type: 2 },
  }, where);
  const resolved = resolvedOf(seen[0]!);
  assert.equal(resolved.roles!["5555"]!.name, "@everyone");
  assert.deepEqual(resolved.roles!["5555"]!.colors, {
    primary_color: 0,
    secondary_color: null,
    tertiary_color: null,
  });
  assert.deepEqual(
    [resolved.channels!["7777"]!.name, resolved.channels!["7777"]!.type],
    ["elsewhere", 2],
  );
  // Its own channel, stored by now, resolves as stored.
  await discord.runCommand(pick, { c: { id: "6666" } }, where);
  assert.equal(resolvedOf(seen[1]!).channels!["6666"]!.name, "channel-6666");
  // A guild the fake holds still refuses a role not its own.
  await assert.rejects(
    discord.runCommand(pick, { r: { id: "999999", name: "x" } }, run),
    TypeError,
  );
});

/** Stores a channel of another guild, "8888", and returns its ID. */
function otherGuildChannel(discord: FakeDiscord): string {
  discord.rest.resources.addGuild({ id: "8888", name: "Elsewhere" });
  discord.rest.resources.addChannel({
    id: "8889",
    type: 0,
    guild_id: "8888",
    name: "far",
  });
  return "8889";
}

Deno.test("FakeDiscord: a channel option naming another guild's stored channel is refused, in a held guild and in one named only by guildId", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const far = otherGuildChannel(discord);
  await assert.rejects(
    discord.runCommand(pick, { c: { id: far } }, run),
    TypeError,
  );
  // Stored, so not made up as given, as an unknown channel would be.
  const where = { guildId: "5555", channelId: "6666", unregistered: true };
  await assert.rejects(
    discord.runCommand(pick, { c: { id: far, name: "x" } }, where),
    TypeError,
  );
  assert.equal(seen.length, 0);
});

Deno.test("FakeDiscord: a resolved channel's permissions are the acting user's, its app_permissions the bot's", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const author = someone("515151", "mod");
  discord.rest.resources.addMember(discord.guildId, author, { roles: [] });
  await discord.runCommand(pick, { c: { id: discord.channelId } }, {
    ...run,
    author,
  });
  const interaction = seen[0]!;
  const resolved = resolvedOf(interaction).channels![discord.channelId]!;
  assert.equal(resolved.permissions, interaction.member!.permissions);
  assert.equal(resolved.app_permissions, interaction.app_permissions);
  assert.notEqual(
    resolved.permissions,
    resolved.app_permissions,
    "a plain member and the bot differ here",
  );
});

Deno.test("FakeDiscord: an integer option at its min or max is accepted, one below is refused", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const roll = command({
    name: "roll",
    description: "Roll",
    options: {
      sides: integer({ description: "Sides", required: true, min: 2, max: 6 }),
    },
  });
  await discord.runCommand(roll, { sides: 2 }, run);
  await discord.runCommand(roll, { sides: 6 }, run);
  assert.equal(seen.length, 2);
  await assert.rejects(discord.runCommand(roll, { sides: 1 }, run), RangeError);
});

Deno.test("FakeDiscord: a channel select resolves the pick as a channel option does: the guild's stored channel, partial, with the actor's permissions; another guild's is refused", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(
    discord,
    (interaction, ctx) =>
      interaction.type === 2
        ? ctx.respond(interaction, {
          content: "pick a channel",
          components: [{
            type: 1,
            components: [{ type: 8, custom_id: "where" }],
          }],
        })
        : ctx.respond(interaction, "ok"),
  );
  await using _client = client;
  discord.rest.resources.addChannel({
    id: "565656",
    type: 0,
    guild_id: "999999",
    name: "elsewhere",
  });
  await discord.runCommand(pick, {}, run);
  const [message] = discord.rest.messages(discord.channelId);
  await discord.select(message!, "where", [discord.channelId]);
  const picked = resolvedOf(seen[1]!).channels![discord.channelId]!;
  assert.equal(picked.name, "general");
  assert.equal("permission_overwrites" in picked, false, "partial");
  assert.equal(typeof picked.app_permissions, "string");
  assert.notEqual(picked.permissions, "0", "the actor's permissions");
  await assert.rejects(discord.select(message!, "where", ["565656"]));
});
