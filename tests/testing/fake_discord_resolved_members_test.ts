/**
 * The resolved members a fake interaction carries for a user option or a
 * user select: as Discord's, from the guild the interaction runs in, only
 * for the guild's members, with their real roles and nick, as partial
 * members ("missing user, deaf and mute fields") with `permissions`; none
 * in a DM.
 */
import assert from "node:assert/strict";
import { command, user } from "../../interactions/commands.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { PermissionFlags } from "../../types/permissions.ts";
import {
  resolvedOf,
  someone,
  startInteractionBot,
} from "../_fakes/interaction_bot.ts";

const ALL = String(
  Object.values(PermissionFlags).reduce((all, bit) => all | bit, 0n),
);

const who = command({
  name: "who",
  description: "Who",
  options: { u: user({ description: "u", required: true }) },
});

/** Answers a command with a user select to pick from, anything else "ok". */
function startBot(
  discord: FakeDiscord,
): ReturnType<typeof startInteractionBot> {
  return startInteractionBot(
    discord,
    (interaction, ctx) =>
      interaction.type === 2
        ? ctx.respond(interaction, {
          content: "pick",
          components: [{
            type: 1,
            components: [{ type: 5, custom_id: "pick", max_values: 2 }],
          }],
        })
        : ctx.respond(interaction, "ok"),
  );
}

/** A role with ADMINISTRATOR in `guildId`, made over REST. */
async function adminRole(discord: FakeDiscord): Promise<string> {
  const response = await discord.rest.fetch(
    `https://discord.com/api/v10/guilds/${discord.guildId}/roles`,
    {
      method: "POST",
      headers: {
        authorization: `Bot ${discord.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        name: "admins",
        permissions: String(PermissionFlags.Administrator),
      }),
    },
  );
  return (await response.json() as { id: string }).id;
}

Deno.test("FakeDiscord: a user option resolves the guild's stored member as a partial member", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord);
  await using _client = client;
  const role = await adminRole(discord);
  const mod = someone("515151", "mod");
  discord.rest.resources.addMember(discord.guildId, mod, {
    nick: "Moddy",
    roles: [role],
  });
  await discord.runCommand(who, { u: mod }, { unregistered: true });
  const member = resolvedOf(seen[0]!).members?.[mod.id];
  assert.ok(member, "a member of the guild is resolved");
  assert.deepEqual(member.roles, [role]);
  assert.equal(member.nick, "Moddy");
  assert.equal(member.permissions, ALL, "the role's ADMINISTRATOR counts");
  for (const key of ["user", "deaf", "mute"]) {
    assert.equal(key in member, false, `a resolved member has no '${key}'`);
  }
});

Deno.test("FakeDiscord: a user option resolves no member for a non-member or in a DM", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord);
  await using _client = client;
  const stranger = someone("626262", "stranger");
  await discord.runCommand(who, { u: stranger }, { unregistered: true });
  assert.deepEqual(Object.keys(resolvedOf(seen[0]!)), ["users"]);
  const mod = someone("515151", "mod");
  discord.rest.resources.addMember(discord.guildId, mod);
  await discord.runCommand(who, { u: mod }, {
    unregistered: true,
    channelId: "777000",
    guildId: null,
  });
  assert.equal(seen[1]!.guild_id, undefined);
  assert.deepEqual(Object.keys(resolvedOf(seen[1]!)), ["users"]);
});

Deno.test("FakeDiscord: a user option resolves the member of the guild the command runs in", async () => {
  await using discord = await FakeDiscord.start({ gateway: { guilds: 2 } });
  const { client, seen } = await startBot(discord);
  await using _client = client;
  const second = discord.gateway.guildIds[1]!;
  const secondGeneral = String(BigInt(second) + 1n);
  const first = someone("515151", "first");
  discord.rest.resources.addMember(discord.guildId, first, { nick: "One" });
  const other = someone("525252", "other");
  discord.rest.resources.addMember(second, other, { nick: "Two" });
  const where = {
    unregistered: true,
    channelId: secondGeneral,
    guildId: second,
  };
  await discord.runCommand(who, { u: first }, where);
  assert.equal(seen[0]!.guild_id, second);
  assert.equal(resolvedOf(seen[0]!).members, undefined);
  await discord.runCommand(who, { u: other }, where);
  assert.equal(resolvedOf(seen[1]!).members?.[other.id]?.nick, "Two");
});

Deno.test("FakeDiscord: a user select resolves partial members in a guild and none in a DM", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startBot(discord);
  await using _client = client;
  const mod = someone("515151", "mod");
  discord.rest.resources.addMember(discord.guildId, mod, { nick: "Moddy" });

  await discord.runCommand({ name: "pick" }, { unregistered: true });
  const [inGuild] = discord.rest.messages(discord.channelId).slice(-1);
  await discord.select(inGuild!, "pick", [mod.id]);
  const member = resolvedOf(seen[1]!).members?.[mod.id];
  assert.equal(member?.nick, "Moddy");
  assert.equal(typeof member?.permissions, "string");
  for (const key of ["user", "deaf", "mute"]) {
    assert.equal(key in member!, false, `a resolved member has no '${key}'`);
  }

  await discord.runCommand({ name: "pick" }, {
    unregistered: true,
    channelId: "777000",
    guildId: null,
  });
  const [inDm] = discord.rest.messages("777000");
  await discord.select(inDm!, "pick", [mod.id]);
  assert.equal(seen[3]!.guild_id, undefined, "the select runs in the DM");
  assert.deepEqual(Object.keys(resolvedOf(seen[3]!)), ["users"]);
});
