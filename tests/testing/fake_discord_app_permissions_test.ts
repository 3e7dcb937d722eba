/**
 * The permission sets a fake interaction carries: `app_permissions` and the
 * invoking member's `permissions`, from the fake's guild, roles and
 * overwrites in a guild, and the documented set in a DM with the bot.
 */
import assert from "node:assert/strict";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { PermissionFlags } from "../../types/permissions.ts";
import { startInteractionBot } from "../_fakes/interaction_bot.ts";

const ALL = String(
  Object.values(PermissionFlags).reduce((all, bit) => all | bit, 0n),
);
/** The @everyone role's permissions in the fake's guilds. */
const EVERYONE = "2248473465835073";

async function call(
  discord: FakeDiscord,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const response = await discord.rest.fetch(
    `https://discord.com/api/v10${path}`,
    {
      method,
      headers: {
        authorization: `Bot ${discord.token}`,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
  );
  await response.body?.cancel();
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return response;
}

Deno.test("FakeDiscord: a DM interaction's app_permissions are the bot DM's documented set", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  await discord.runCommand({ name: "x" }, {
    guildId: null,
    channelId: "4242",
    unregistered: true,
  });
  assert.equal(seen.length, 1);
  assert.equal(
    seen[0]!.app_permissions,
    String(
      PermissionFlags.AttachFiles | PermissionFlags.EmbedLinks |
        PermissionFlags.MentionEveryone | PermissionFlags.UseExternalEmojis,
    ),
  );
  assert.equal(seen[0]!.member, undefined);
});

Deno.test("FakeDiscord: in its guild the bot, the owner, has every permission and the member @everyone's", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  await discord.runCommand({ name: "x" }, { unregistered: true });
  assert.equal(seen[0]!.app_permissions, ALL);
  assert.equal(seen[0]!.member?.permissions, EVERYONE);
  assert.deepEqual(seen[0]!.member?.roles, []);
});

Deno.test("FakeDiscord: a member's roles, ADMINISTRATOR and channel overwrites shape member.permissions", async () => {
  await using discord = await FakeDiscord.start();
  const { client, seen } = await startInteractionBot(discord);
  await using _client = client;
  const guild = discord.guildId;
  const user = discord.user.id;
  const role = await (await discord.rest.fetch(
    `https://discord.com/api/v10/guilds/${guild}/roles`,
    {
      method: "POST",
      headers: {
        authorization: `Bot ${discord.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "mods", permissions: "8192" }),
    },
  )).json() as { id: string };
  await call(
    discord,
    "PUT",
    `/guilds/${guild}/members/${user}/roles/${role.id}`,
  );
  // @everyone may not send here; the role may; the member may not embed.
  const send = PermissionFlags.SendMessages;
  const embed = PermissionFlags.EmbedLinks;
  const channel = `/channels/${discord.channelId}/permissions`;
  await call(discord, "PUT", `${channel}/${guild}`, {
    type: 0,
    deny: String(send),
  });
  await call(discord, "PUT", `${channel}/${role.id}`, {
    type: 0,
    allow: String(send),
  });
  await call(discord, "PUT", `${channel}/${user}`, {
    type: 1,
    deny: String(embed),
  });
  await discord.runCommand({ name: "x" }, { unregistered: true });
  const expected = (BigInt(EVERYONE) | PermissionFlags.ManageMessages) & ~embed;
  assert.deepEqual(seen[0]!.member?.roles, [role.id]);
  assert.equal(seen[0]!.member?.permissions, String(expected));
  // The owner is above overwrites.
  assert.equal(seen[0]!.app_permissions, ALL);

  // ADMINISTRATOR on a role: every permission, overwrites or not.
  await call(discord, "PATCH", `/guilds/${guild}/roles/${role.id}`, {
    permissions: String(PermissionFlags.Administrator),
  });
  await discord.runCommand({ name: "x" }, { unregistered: true });
  assert.equal(seen[1]!.member?.permissions, ALL);
});
