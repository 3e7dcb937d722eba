// The routes that carry a user's OAuth2 access token (Add Guild Member and
// Group DM Add Recipient in the body, Edit Application Command Permissions
// as the Bearer credential) and Group DM Remove Recipient: each request as
// sent (method, URL, Authorization, Content-Type, body), the typed answer,
// and every refusal before anything is sent.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { RestError } from "../../rest/errors.ts";
import {
  addGuildMember,
  type AddGuildMemberBody,
  type AddGuildMemberResult,
  allChannelsPermissionId,
  editApplicationCommandPermissions,
  type EditApplicationCommandPermissionsBody,
  groupDmAddRecipient,
  groupDmRemoveRecipient,
  MAX_APPLICATION_COMMAND_PERMISSIONS,
} from "../../rest/mod.ts";
import { type DiscordRecorder, discordRecorder } from "./_discord_recorder.ts";

const API = "https://discord.com/api/v10";
const BOT = "bot-token-0123456789abcdef";
const TOKEN = "user-access-token-0123456789";
const GUILD = "613425648685547541";
const USER = "80351110224678912";
const ROLE = "41771983423143936";
const CHANNEL = "41771983423143937";
const APP = "1006577651003457676";
const COMMAND = "1006577651003457699";

function setup(body?: unknown): { discord: DiscordRecorder; rest: RestClient } {
  const discord = discordRecorder(body);
  return {
    discord,
    rest: new RestClient({ token: BOT, fetch: discord.fetch, maxRetries: 0 }),
  };
}

/** A refusal: a TypeError or RangeError with `message`, nothing sent, the token never shown. */
async function refused(
  discord: DiscordRecorder,
  call: Promise<unknown>,
  name: "TypeError" | "RangeError",
  message: string | RegExp,
): Promise<void> {
  const error = await call.then(
    () => assert.fail("sent"),
    (e: unknown) => e as Error,
  );
  assert.equal(error.name, name, error.message);
  if (typeof message === "string") assert.equal(error.message, message);
  else assert.match(error.message, message);
  assert.ok(!error.message.includes(TOKEN), error.message);
  assert.equal(discord.sent.length, 0);
}

const MEMBER = {
  user: { id: USER, username: "ada" },
  nick: "Ada",
  roles: [ROLE],
  joined_at: "2026-12-08T00:00:00.000Z",
  deaf: false,
  mute: true,
  flags: 0,
  pending: false,
};

// Add Guild Member

Deno.test("addGuildMember sends PUT with the bot token and the body the docs list, and a 201 is the added member", async () => {
  const { discord, rest } = setup(MEMBER);
  discord.answer(201, MEMBER);
  const body: AddGuildMemberBody = {
    access_token: TOKEN,
    nick: "Ada",
    roles: [ROLE],
    mute: true,
    deaf: false,
  };
  const result: AddGuildMemberResult = await addGuildMember(
    rest,
    GUILD,
    USER,
    body,
  );
  assert.deepEqual(result, { added: true, member: MEMBER });
  assert.deepEqual(discord.sent, [{
    method: "PUT",
    url: `${API}/guilds/${GUILD}/members/${USER}`,
    authorization: `Bot ${BOT}`,
    contentType: "application/json",
    body,
  }]);
  // Narrowed by `added`: the member only when Discord added one.
  if (result.added) assert.equal(result.member.nick, "Ada");
});

Deno.test("addGuildMember: a 204 (already a member) is added: false, and the access token alone is sent without 'Bearer '", async () => {
  const { discord, rest } = setup();
  discord.answer(204);
  const result = await addGuildMember(rest, GUILD, USER, {
    access_token: `  Bearer ${TOKEN}\n`,
  });
  assert.deepEqual(result, { added: false });
  assert.deepEqual(discord.sent[0]!.body, { access_token: TOKEN });
  assert.equal(discord.sent[0]!.authorization, `Bot ${BOT}`);
});

Deno.test("addGuildMember sends what it checked: a getter read once, the caller's body left as it was", async () => {
  const { discord, rest } = setup();
  discord.answer(204);
  let reads = 0;
  const body = {
    access_token: `Bearer ${TOKEN}`,
    get nick(): string {
      reads++;
      return reads === 1 ? "Ada" : "x".repeat(100);
    },
  };
  await addGuildMember(rest, GUILD, USER, body);
  assert.equal(reads, 1);
  assert.deepEqual(discord.sent[0]!.body, { access_token: TOKEN, nick: "Ada" });
  assert.equal(body.access_token, `Bearer ${TOKEN}`);
});

for (
  const [what, answer, fault] of [
    ["an array", [MEMBER], "it is an array"],
    ["a string", "member", "it is not a JSON object"],
    [
      "an object without a user",
      { nick: "Ada" },
      "an object without a 'user' object",
    ],
  ] as const
) {
  Deno.test(`addGuildMember: a 2xx answering ${what} is a RestError in its own words`, async () => {
    const { discord, rest } = setup();
    discord.answer(201, answer);
    const error = await addGuildMember(rest, GUILD, USER, {
      access_token: TOKEN,
    }).catch((e) => e);
    assert.ok(error instanceof RestError, String(error));
    assert.equal(error.method, "PUT");
    assert.equal(error.path, `/guilds/${GUILD}/members/${USER}`);
    assert.ok(error.message.includes(fault), error.message);
    assert.ok(
      error.message.startsWith(
        `PUT /guilds/${GUILD}/members/${USER} answered with a body that is neither a guild member (201 Created) nor empty (204 No Content, already a member)`,
      ),
      error.message,
    );
  });
}

const ADD = "Cannot add guild member as";

for (
  const [what, body, name, message] of [
    [
      "no body",
      undefined,
      "TypeError",
      `${ADD} 'body' must be an object with the user's 'access_token': current type 'undefined'`,
    ],
    [
      "the token in the body's place",
      TOKEN,
      "TypeError",
      `${ADD} 'body' must be an object with the user's 'access_token': current type 'string'`,
    ],
    [
      "an array body",
      [TOKEN],
      "TypeError",
      `${ADD} 'body' must be an object with the user's 'access_token': current type 'array'`,
    ],
    [
      "no access_token",
      { nick: "Ada" },
      "TypeError",
      `${ADD} 'access_token' must be a user's OAuth2 access token with the guilds.join scope, visible ASCII characters without spaces: current type 'undefined'`,
    ],
    [
      "a blank access_token",
      { access_token: "Bearer " },
      "TypeError",
      `${ADD} 'access_token' must be a user's OAuth2 access token with the guilds.join scope, visible ASCII characters without spaces: it is blank`,
    ],
    [
      "an access_token with a space",
      { access_token: `${TOKEN} ${TOKEN}` },
      "TypeError",
      `${ADD} 'access_token' must be a user's OAuth2 access token with the guilds.join scope, visible ASCII characters without spaces: it holds whitespace at character ${
        TOKEN.length + 1
      } (the token is not shown)`,
    ],
    [
      "an empty nick",
      { access_token: TOKEN, nick: "" },
      "RangeError",
      `${ADD} 'nick' must be a string of 1 to 32 characters: current length '0'`,
    ],
    [
      "a nick of 33 characters",
      { access_token: TOKEN, nick: "a".repeat(33) },
      "RangeError",
      `${ADD} 'nick' must be a string of 1 to 32 characters: current length '33'`,
    ],
    [
      "a null nick",
      { access_token: TOKEN, nick: null },
      "TypeError",
      `${ADD} 'nick' must be a string of 1 to 32 characters: current value 'nick=null'`,
    ],
    [
      "roles not an array",
      { access_token: TOKEN, roles: ROLE },
      "TypeError",
      `${ADD} 'roles' must be an array of role IDs (snowflake strings): current value 'roles="${ROLE}"'`,
    ],
    [
      "a role that is no snowflake",
      { access_token: TOKEN, roles: [ROLE, 5] },
      "TypeError",
      `${ADD} 'roles[1]' must be a snowflake string: current value 'roles[1]=number'`,
    ],
    [
      "a hole in roles",
      // deno-lint-ignore no-sparse-arrays
      { access_token: TOKEN, roles: [ROLE, , ROLE] },
      "TypeError",
      `${ADD} 'roles[1]' must be a snowflake string: current value 'roles[1]=undefined'`,
    ],
    [
      "mute as a string",
      { access_token: TOKEN, mute: "false" },
      "TypeError",
      `${ADD} 'mute' must be a boolean: current value 'mute="false"'`,
    ],
    [
      "deaf as a number",
      { access_token: TOKEN, deaf: 1 },
      "TypeError",
      `${ADD} 'deaf' must be a boolean: current value 'deaf=1'`,
    ],
  ] as const
) {
  Deno.test(`addGuildMember refuses ${what} before sending`, async () => {
    const { discord, rest } = setup();
    await refused(
      discord,
      addGuildMember(
        rest,
        GUILD,
        USER,
        body as unknown as AddGuildMemberBody,
      ),
      name,
      message,
    );
  });
}

Deno.test("addGuildMember: a nick of 32 characters (code points) is sent, and a bad ID or option is refused unsent", async () => {
  const { discord, rest } = setup();
  discord.answer(204);
  await addGuildMember(rest, GUILD, USER, {
    access_token: TOKEN,
    nick: "😀".repeat(32),
  });
  assert.equal(discord.sent.length, 1);
  discord.sent.length = 0;
  await refused(
    discord,
    addGuildMember(rest, GUILD, "me", { access_token: TOKEN }),
    "TypeError",
    "Cannot build route as 'userId' must be a snowflake string: current value 'userId=me'",
  );
  await refused(
    discord,
    addGuildMember(rest, GUILD, USER, { access_token: TOKEN }, {
      reason: "raid",
    } as never),
    "TypeError",
    /'reason' is not one of its options/,
  );
});

// Group DM recipients

Deno.test("groupDmAddRecipient sends PUT with the bot token, the access token and the nick", async () => {
  const { discord, rest } = setup();
  discord.answer(204);
  const result: void = await groupDmAddRecipient(rest, CHANNEL, USER, {
    access_token: `Bearer ${TOKEN}`,
    nick: "Ada",
  });
  assert.equal(result, undefined);
  assert.deepEqual(discord.sent, [{
    method: "PUT",
    url: `${API}/channels/${CHANNEL}/recipients/${USER}`,
    authorization: `Bot ${BOT}`,
    contentType: "application/json",
    body: { access_token: TOKEN, nick: "Ada" },
  }]);
});

Deno.test("groupDmAddRecipient refuses a missing token, a long nick or a bad ID before sending", async () => {
  const { discord, rest } = setup();
  const ACTION = "Cannot add group DM recipient as";
  await refused(
    discord,
    groupDmAddRecipient(rest, CHANNEL, USER, {} as never),
    "TypeError",
    `${ACTION} 'access_token' must be a user's OAuth2 access token with the gdm.join scope, visible ASCII characters without spaces: current type 'undefined'`,
  );
  await refused(
    discord,
    groupDmAddRecipient(rest, CHANNEL, USER, {
      access_token: TOKEN,
      nick: "n".repeat(33),
    }),
    "RangeError",
    `${ACTION} 'nick' must be a string of 1 to 32 characters: current length '33'`,
  );
  await refused(
    discord,
    groupDmAddRecipient(rest, "x", USER, { access_token: TOKEN }),
    "TypeError",
    "Cannot build route as 'channelId' must be a snowflake string: current value 'channelId=x'",
  );
});

Deno.test("groupDmRemoveRecipient sends DELETE with the bot token and no body", async () => {
  const { discord, rest } = setup();
  discord.answer(204);
  await groupDmRemoveRecipient(rest, CHANNEL, USER);
  assert.deepEqual(discord.sent, [{
    method: "DELETE",
    url: `${API}/channels/${CHANNEL}/recipients/${USER}`,
    authorization: `Bot ${BOT}`,
    contentType: null,
    body: undefined,
  }]);
  discord.sent.length = 0;
  await refused(
    discord,
    groupDmRemoveRecipient(rest, CHANNEL, "@me"),
    "TypeError",
    "Cannot build route as 'userId' must be a snowflake string: current value 'userId=@me'",
  );
});

// Edit Application Command Permissions

const PERMISSIONS_URL =
  `${API}/applications/${APP}/guilds/${GUILD}/commands/${COMMAND}/permissions`;

Deno.test("editApplicationCommandPermissions sends PUT with the user's Bearer token, never the bot's, and answers Discord's permissions", async () => {
  const kept = {
    id: COMMAND,
    application_id: APP,
    guild_id: GUILD,
    permissions: [
      { id: GUILD, type: 1, permission: false },
      { id: ROLE, type: 1, permission: true },
      { id: USER, type: 2, permission: true },
      { id: allChannelsPermissionId(GUILD), type: 3, permission: false },
    ],
  };
  const { discord, rest } = setup(kept);
  const body: EditApplicationCommandPermissionsBody = {
    permissions: kept.permissions as EditApplicationCommandPermissionsBody[
      "permissions"
    ],
  };
  const answer = await editApplicationCommandPermissions(
    rest,
    APP,
    GUILD,
    COMMAND,
    `Bearer ${TOKEN}`,
    body,
  );
  assert.deepEqual(answer, kept);
  assert.deepEqual(discord.sent, [{
    method: "PUT",
    url: PERMISSIONS_URL,
    authorization: `Bearer ${TOKEN}`,
    contentType: "application/json",
    body: { permissions: kept.permissions },
  }]);
});

Deno.test("editApplicationCommandPermissions sends an empty list (clearing the overwrites) and exactly 100, and only the overwrites' three fields", async () => {
  const { discord, rest } = setup({});
  await editApplicationCommandPermissions(rest, APP, GUILD, APP, TOKEN, {
    permissions: [],
  });
  assert.deepEqual(discord.sent[0]!.body, { permissions: [] });
  assert.equal(
    discord.sent[0]!.url,
    `${API}/applications/${APP}/guilds/${GUILD}/commands/${APP}/permissions`,
  );
  const hundred = Array.from(
    { length: MAX_APPLICATION_COMMAND_PERMISSIONS },
    (_, i) => ({
      id: String(100000000000000000n + BigInt(i)),
      type: 2 as const,
      permission: true,
      note: "mine",
    }),
  );
  await editApplicationCommandPermissions(rest, APP, GUILD, COMMAND, TOKEN, {
    permissions: hundred,
  });
  assert.deepEqual(
    discord.sent[1]!.body,
    {
      permissions: hundred.map(({ id, type, permission }) => ({
        id,
        type,
        permission,
      })),
    },
  );
});

const EDIT = "Cannot edit application command permissions as";

for (
  const [what, body, name, message] of [
    [
      "a body that is no object",
      "permissions",
      "TypeError",
      `${EDIT} 'body' must be an object with 'permissions': current type 'string'`,
    ],
    [
      "permissions that are no array",
      { permissions: { id: ROLE } },
      "TypeError",
      /^Cannot edit application command permissions as 'permissions' must be an array of overwrites \(\{ id, type, permission \}\): current value 'permissions=/,
    ],
    [
      "101 overwrites",
      {
        permissions: Array.from(
          { length: 101 },
          () => ({ id: ROLE, type: 1, permission: true }),
        ),
      },
      "RangeError",
      `${EDIT} 'permissions' must have at most 100 overwrites (Discord's limit for a command in a guild): current length '101'`,
    ],
    [
      "a hole",
      // deno-lint-ignore no-sparse-arrays
      { permissions: [{ id: ROLE, type: 1, permission: true }, ,] },
      "TypeError",
      `${EDIT} 'permissions[1]' must be an object ({ id, type, permission }): current value 'permissions[1]=undefined'`,
    ],
    [
      "an overwrite whose id is a number",
      { permissions: [{ id: 41771983423143936, type: 1, permission: true }] },
      "TypeError",
      `${EDIT} 'permissions[0].id' must be a snowflake string: current value 'permissions[0].id=number'`,
    ],
    [
      "a type 0",
      { permissions: [{ id: ROLE, type: 0, permission: true }] },
      "TypeError",
      `${EDIT} 'permissions[0].type' must be an ApplicationCommandPermissionType (1 role, 2 user, 3 channel): current value 'permissions[0].type=0'`,
    ],
    [
      "a type '1' (a string)",
      { permissions: [{ id: ROLE, type: "1", permission: true }] },
      "TypeError",
      `${EDIT} 'permissions[0].type' must be an ApplicationCommandPermissionType (1 role, 2 user, 3 channel): current value 'permissions[0].type="1"'`,
    ],
    [
      "a permission left out",
      { permissions: [{ id: ROLE, type: 1 }] },
      "TypeError",
      `${EDIT} 'permissions[0].permission' must be a boolean (true allows, false denies): current value 'permissions[0].permission=undefined'`,
    ],
    [
      "a permission 'false' (a string)",
      { permissions: [{ id: ROLE, type: 1, permission: "false" }] },
      "TypeError",
      `${EDIT} 'permissions[0].permission' must be a boolean: current value 'permissions[0].permission="false"'`,
    ],
  ] as const
) {
  Deno.test(`editApplicationCommandPermissions refuses ${what} before sending`, async () => {
    const { discord, rest } = setup();
    await refused(
      discord,
      editApplicationCommandPermissions(
        rest,
        APP,
        GUILD,
        COMMAND,
        TOKEN,
        body as unknown as EditApplicationCommandPermissionsBody,
      ),
      name,
      message,
    );
  });
}

Deno.test("editApplicationCommandPermissions refuses a missing or blank token, and a body in its place, without showing either", async () => {
  const { discord, rest } = setup();
  const rule =
    "Cannot build route as 'accessToken' must be a user's OAuth2 access token with the applications.commands.permissions.update scope, visible ASCII characters without spaces";
  await refused(
    discord,
    editApplicationCommandPermissions(rest, APP, GUILD, COMMAND, "Bearer", {
      permissions: [],
    }),
    "TypeError",
    `${rule}: it is blank`,
  );
  // The token and the body swapped (from JavaScript): the token is not
  // described as a wrong body.
  await refused(
    discord,
    editApplicationCommandPermissions(
      rest,
      APP,
      GUILD,
      COMMAND,
      { permissions: [] } as never,
      TOKEN as never,
    ),
    "TypeError",
    `${rule}: current type 'object'`,
  );
  await refused(
    discord,
    editApplicationCommandPermissions(rest, APP, GUILD, "all", TOKEN, {
      permissions: [],
    }),
    "TypeError",
    "Cannot build route as 'commandId' must be a snowflake string: current value 'commandId=all'",
  );
});

Deno.test("editApplicationCommandPermissions: a 401 is the user's token's, and the bot token stays usable", async () => {
  const { discord, rest } = setup();
  discord.answer(401, { message: "401: Unauthorized", code: 0 });
  await assert.rejects(
    editApplicationCommandPermissions(rest, APP, GUILD, COMMAND, TOKEN, {
      permissions: [],
    }),
    { name: "DiscordApiError", status: 401 },
  );
  discord.answer(204);
  await groupDmRemoveRecipient(rest, CHANNEL, USER);
  assert.equal(discord.sent.at(-1)!.authorization, `Bot ${BOT}`);
});

// The docs' "all channels" constant

Deno.test("allChannelsPermissionId is the guild's ID minus one, exact past 2^53", () => {
  assert.equal(allChannelsPermissionId(GUILD), "613425648685547540");
  // Number(GUILD) - 1 rounds to another ID.
  assert.notEqual(String(Number(GUILD) - 1), "613425648685547540");
  assert.equal(allChannelsPermissionId("1"), "0");
  assert.equal(
    allChannelsPermissionId("18446744073709551615"),
    "18446744073709551614",
  );
  assert.throws(() => allChannelsPermissionId("0"), {
    name: "TypeError",
    message:
      "Cannot build permission ID as 'guildId' must be a guild's ID, not 0: current value 'guildId=0'",
  });
  assert.throws(() => allChannelsPermissionId(12 as never), {
    name: "TypeError",
    message:
      "Cannot build permission ID as 'guildId' must be a snowflake string: current value 'guildId=number'",
  });
});
