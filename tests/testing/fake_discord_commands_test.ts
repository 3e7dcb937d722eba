/**
 * Commands as Discord holds a bot to them: a bulk overwrite with a name or
 * field Discord refuses gets its 400, and a simulated user runs only the
 * commands the bot registered.
 */
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { command, string, userCommand } from "../../interactions/commands.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function overwrite(
  fake: FakeRest,
  body: unknown,
  guildId?: string,
): Promise<{ status: number; json: Json }> {
  const path = guildId === undefined
    ? `/applications/${fake.applicationId}/commands`
    : `/applications/${fake.applicationId}/guilds/${guildId}/commands`;
  const response = await fake.fetch(`https://discord.com/api/v10${path}`, {
    method: "PUT",
    headers: {
      Authorization: "Bot fake-bot-token",
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const INVALID_NAME = {
  _errors: [{
    code: "APPLICATION_COMMAND_INVALID_NAME",
    message: "Command name is invalid",
  }],
};

Deno.test("FakeRest refuses a CHAT_INPUT command name Discord refuses, with its 400", async (t) => {
  for (
    const name of ["Ping", "two words", "ping!", "ПРИВЕТ", "a".repeat(33)]
  ) {
    await t.step(JSON.stringify(name), async () => {
      const fake = new FakeRest();
      const answer = await overwrite(fake, [
        { name: "ok", description: "fine" },
        { name, description: "refused" },
      ]);
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, 50035);
      assert.equal(answer.json.message, "Invalid Form Body");
      assert.deepEqual(Object.keys(answer.json.errors), ["1"]);
      assert.deepEqual(
        answer.json.errors["1"].name,
        name.length > 32
          ? {
            _errors: [{
              code: "BASE_TYPE_BAD_LENGTH",
              message: "Must be between 1 and 32 in length.",
            }],
          }
          : INVALID_NAME,
      );
      // Nothing was stored.
      assert.deepEqual(fake.commands(), []);
    });
  }
  await t.step("names Discord takes", async () => {
    const fake = new FakeRest();
    const answer = await overwrite(fake, [
      { name: "ping", description: "d" },
      { name: "it's-a_name2", description: "d" },
      { name: "привет", description: "d" },
      { name: "नमस्ते", description: "d" },
      { name: "日本", description: "d" },
      // User and message commands may be mixed case, with spaces.
      { name: "User Info", type: 2 },
      { name: "Quote This", type: 3 },
    ]);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(fake.commands().length, 7);
  });
});

Deno.test("FakeRest checks a command's options: names, descriptions, at most 25, choices", async () => {
  const fake = new FakeRest();
  const option = (name: string, extra: Record<string, unknown> = {}) => ({
    type: 3,
    name,
    description: "d",
    ...extra,
  });
  const answer = await overwrite(fake, [{
    name: "roll",
    description: "Roll",
    options: [
      option("Sides"),
      option("count", { description: "" }),
      option("pick", {
        choices: Array.from({ length: 26 }, (_, i) => ({
          name: `c${i}`,
          value: `${i}`,
        })),
      }),
      option("mode", { choices: [{ name: "", value: "x" }] }),
      {
        type: 1,
        name: "sub",
        description: "Sub",
        options: [option("Inner")],
      },
    ],
  }, {
    name: "many",
    description: "Many",
    options: Array.from({ length: 26 }, (_, i) => option(`o${i}`)),
  }], "9");
  assert.equal(answer.status, 400);
  const errors = answer.json.errors;
  assert.deepEqual(errors["0"].options["0"].name, INVALID_NAME);
  assert.equal(
    errors["0"].options["1"].description._errors[0].code,
    "BASE_TYPE_BAD_LENGTH",
  );
  assert.deepEqual(errors["0"].options["2"].choices, {
    _errors: [{
      code: "BASE_TYPE_MAX_LENGTH",
      message: "Must be 25 or fewer in length.",
    }],
  });
  assert.equal(
    errors["0"].options["3"].choices["0"].name._errors[0].code,
    "BASE_TYPE_BAD_LENGTH",
  );
  assert.deepEqual(errors["0"].options["4"].options["0"].name, INVALID_NAME);
  assert.equal(
    errors["1"].options._errors[0].message,
    "Must be 25 or fewer in length.",
  );
  assert.deepEqual(fake.commands("9"), []);
});

async function botWithPing(
  discord: FakeDiscord,
): Promise<{ client: Client; rest: RestClient; router: InteractionRouter }> {
  const router = new InteractionRouter()
    .command(ping, (_, ctx) => ctx.respond("pong"))
    .command(other, (_, ctx) => ctx.respond("other"));
  const client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  router.attach(client);
  await client.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  return { client, rest, router };
}

const ping = command({ name: "ping", description: "Ping" });
const other = command({ name: "other", description: "Other" });

Deno.test("runCommand rejects a command the bot never registered (unregisteredCommands: reject)", async () => {
  await using discord = await FakeDiscord.start({
    unregisteredCommands: "reject",
  });
  const { client, rest, router } = await botWithPing(discord);
  try {
    assert.equal(discord.rest.commands().length, 0);
    await assert.rejects(
      discord.runCommand(ping, {}),
      /Cannot run \/ping: the bot never registered it.*unregistered: true/,
    );
    await assert.rejects(discord.runCommand({ name: "ping" }), /never/);
    // Nothing reached the bot.
    assert.equal(discord.rest.interactionResponses.length, 0);
    // On purpose: runs.
    const anyway = await discord.runCommand(ping, {}, { unregistered: true });
    assert.deepEqual(anyway.body.data, { content: "pong" });
    // Registered for the guild: runs there, not in a DM.
    await syncCommands(rest, router.commands, { guildId: discord.guildId });
    const inGuild = await discord.runCommand(ping, {});
    assert.deepEqual(inGuild.body.data, { content: "pong" });
    await assert.rejects(
      discord.runCommand(ping, {}, {
        guildId: null,
        channelId: "1300000000000077777",
      }),
      /a DM sees only global commands/,
    );
    // Registered globally: runs in a DM too.
    await syncCommands(rest, router.commands);
    const inDm = await discord.runCommand(ping, {}, {
      guildId: null,
      channelId: "1300000000000077777",
    });
    assert.deepEqual(inDm.body.data, { content: "pong" });
    // A user command of the same name is another command.
    await assert.rejects(
      discord.runUserCommand(
        userCommand({ name: "ping" }),
        discord.user,
      ),
      /Cannot run 'ping'.*user command/,
    );
  } finally {
    await client.stop();
  }
});

Deno.test("runCommand of a command the bot never registered warns on stderr by default, once", async () => {
  await using discord = await FakeDiscord.start();
  const { client } = await botWithPing(discord);
  try {
    const answers: unknown[] = [];
    const lines = await captureStderr(async () => {
      answers.push((await discord.runCommand(ping, {})).body.data);
      answers.push((await discord.runCommand({ name: "ping" })).body.data);
    });
    assert.deepEqual(answers, [{ content: "pong" }, { content: "pong" }]);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /^\[WRN\] disruption·testing: FakeDiscord ran \/ping, which the bot never registered/,
    );
    assert.match(lines[0]!, /unregisteredCommands: "reject"/);
    let quietly: unknown;
    const quiet = await captureStderr(async () => {
      quietly = (await discord.runCommand(other, {}, { unregistered: true }))
        .body.data;
    });
    assert.deepEqual(quietly, { content: "other" });
    assert.deepEqual(quiet, []);
  } finally {
    await client.stop();
  }
});

Deno.test("runCommand counts a string option's length in code points, as Discord does", async () => {
  await using discord = await FakeDiscord.start();
  const say = command({
    name: "say",
    description: "Say",
    options: { text: string({ description: "Text", maxLength: 10 }) },
  });
  const router = new InteractionRouter().command(
    say,
    (i, ctx) => ctx.respond(i.options.text ?? ""),
  );
  const client = new Client({
    token: discord.token,
    intents: 1,
    ...discord.clientOptions,
  });
  router.attach(client);
  await client.start();
  try {
    // 10 emoji fit (20 UTF-16 units); 11 do not.
    const fits = await discord.runCommand(say, { text: "😀".repeat(10) }, {
      unregistered: true,
    });
    assert.deepEqual(fits.body.data, { content: "😀".repeat(10) });
    await assert.rejects(
      async () =>
        await discord.runCommand(say, { text: "😀".repeat(11) }, {
          unregistered: true,
        }),
      /Option 'text' has a bad length: 11/,
    );
  } finally {
    await client.stop();
  }
});

Deno.test("FakeDiscord answers the guild command routes for a guild the bot is not in with Discord's 403 50001 Missing Access; plain FakeRest takes any id", async () => {
  await using discord = await FakeDiscord.start();
  const rest = new RestClient({
    token: discord.token,
    fetch: discord.rest.fetch,
  });
  // A channel's id pasted for the guild's: Discord refuses it.
  await assert.rejects(
    syncCommands(rest, [ping], { guildId: discord.channelId }),
    (error: Error) => /50001|Missing Access/.test(error.message),
  );
  assert.equal(discord.rest.commands(discord.channelId).length, 0);
  // The bot's own guild takes them.
  await syncCommands(rest, [ping], { guildId: discord.guildId });
  assert.equal(discord.rest.commands(discord.guildId).length, 1);
  // FakeRest alone (every id a guild) still takes any id.
  const alone = new FakeRest();
  assert.equal((await overwrite(alone, [], "123")).status, 200);
});
