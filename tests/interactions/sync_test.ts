import assert from "node:assert/strict";
import {
  command,
  integer,
  string,
  subcommand,
  subcommandGroup,
  userCommand,
} from "../../interactions/commands.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

function setup(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

const puts = (fake: FakeRest): number =>
  fake.requests.filter((r) => r.method === "PUT").length;

Deno.test("syncCommands writes when an option, a description or the set changes, and says what", async () => {
  const { fake, rest } = setup();
  const v1 = command({
    name: "roll",
    description: "Roll",
    options: { sides: integer({ description: "Sides", required: true }) },
  });
  const menu = userCommand({ name: "Inspect" });
  const first = await syncCommands(rest, [v1, menu]);
  assert.deepEqual([first.changed, first.added], [true, ["roll", "Inspect"]]);
  assert.equal((await syncCommands(rest, [v1, menu])).changed, false);

  const v2 = command({
    name: "roll",
    description: "Roll",
    options: {
      sides: integer({ description: "Sides", required: true, max: 100 }),
    },
  });
  const second = await syncCommands(rest, [v2, menu]);
  assert.deepEqual(
    [second.changed, second.added, second.updated, second.removed],
    [true, [], ["roll"], []],
  );
  assert.equal(fake.commands()[0]!.options?.[0]?.max_value, 100);

  const third = await syncCommands(rest, [v2]);
  assert.deepEqual(third.removed, ["Inspect"]);
  assert.equal(puts(fake), 3);
  assert.deepEqual(fake.commands().map((c) => c.name), ["roll"]);
});

Deno.test("syncCommands per guild, and with the application id given", async () => {
  const { fake, rest } = setup();
  const hello = command({
    name: "hello",
    description: "Hello",
    options: { name: string({ description: "Who" }) },
  });
  const result = await syncCommands(rest, [hello], {
    guildId: "42",
    applicationId: fake.applicationId,
  });
  assert.equal(result.changed, true);
  assert.equal(fake.commands("42")[0]!.guild_id, "42");
  assert.equal(fake.commands().length, 0);
  assert.equal(
    fake.requests.some((r) => r.path === "/applications/@me"),
    false,
  );
  await assert.rejects(
    syncCommands(rest, [hello, hello]),
    /'hello' is defined twice/,
  );
});

Deno.test("syncCommands reads localizations back (with_localizations) so a localized command is not rewritten on every start", async () => {
  const { fake, rest } = setup();
  const localized = command({
    name: "roll",
    description: "Roll",
    nameLocalizations: { de: "wuerfeln" },
    descriptionLocalizations: { de: "Würfeln" },
    options: {
      sides: integer({
        description: "Sides",
        nameLocalizations: { de: "seiten" },
        choices: [{
          name: "six",
          value: 6,
          name_localizations: { de: "sechs" },
        }],
      }),
    },
  });
  assert.equal((await syncCommands(rest, [localized])).changed, true);
  const again = await syncCommands(rest, [localized]);
  assert.deepEqual([again.changed, again.updated], [false, []]);
  assert.equal(puts(fake), 1);
  const reads = fake.requests.filter((r) =>
    r.method === "GET" && r.path.includes("/commands")
  );
  assert.equal(reads.length, 2);
  assert.ok(reads.every((r) => r.path.includes("with_localizations=true")));

  // A changed translation is a change.
  const renamed = command({
    ...localized,
    nameLocalizations: { de: "rollen" },
    descriptionLocalizations: { de: "Würfeln" },
    options: localized.options,
  });
  assert.deepEqual((await syncCommands(rest, [renamed])).updated, ["roll"]);
});

Deno.test("syncCommands: an empty localization map is the same as none", async () => {
  const { fake, rest } = setup();
  const plain = command({ name: "ping", description: "Ping" });
  await syncCommands(rest, [plain]);
  const empty = command({
    name: "ping",
    description: "Ping",
    nameLocalizations: {},
  });
  assert.equal((await syncCommands(rest, [empty])).changed, false);
  assert.equal(puts(fake), 1);
});

Deno.test("syncCommands: a translation equal to the default, which Discord drops, is no change", async () => {
  const { fake, rest } = setup();
  const roll = command({
    name: "roll",
    description: "Roll",
    nameLocalizations: { "en-US": "roll", de: "wuerfeln" },
    descriptionLocalizations: { "en-GB": "Roll" },
    options: {
      sides: integer({
        description: "Sides",
        choices: [{
          name: "six",
          value: 6,
          name_localizations: { "en-US": "six" },
        }],
      }),
    },
  });
  await syncCommands(rest, [roll]);
  assert.deepEqual(fake.commands()[0]!.name_localizations, { de: "wuerfeln" });
  assert.equal((await syncCommands(rest, [roll])).changed, false);
  assert.equal(puts(fake), 1);
});

Deno.test("syncCommands refuses more commands than Discord holds per scope, before sending", async () => {
  const { fake, rest } = setup();
  const slash = Array.from(
    { length: 101 },
    (_, i) => command({ name: `c${i}`, description: "C" }),
  );
  await assert.rejects(
    syncCommands(rest, slash),
    (error: unknown) =>
      error instanceof RangeError && /at most 100 slash/.test(error.message),
  );
  const menus = Array.from(
    { length: 16 },
    (_, i) => userCommand({ name: `User ${i}` }),
  );
  await assert.rejects(
    syncCommands(rest, menus, { applicationId: fake.applicationId }),
    /at most 15 user/,
  );
  assert.equal(fake.requests.length, 0);
  // At the limits it goes through.
  const result = await syncCommands(rest, [
    ...slash.slice(0, 100),
    ...menus.slice(0, 15),
  ], { applicationId: fake.applicationId });
  assert.equal(result.commands.length, 115);
});

Deno.test("syncCommands: a command whose choices sit in a group's subcommand, localized, is not rewritten on every start", async () => {
  const { fake, rest } = setup();
  const cfg = command({
    name: "cfg",
    description: "Configure",
    options: {
      theme: subcommandGroup({
        description: "Theme",
        options: {
          set: subcommand({
            description: "Set it",
            options: {
              color: string({
                description: "Color",
                required: true,
                choices: [
                  {
                    name: "Red",
                    value: "red",
                    nameLocalizations: { fr: "Rouge" },
                  },
                  { name: "Blue", value: "blue" },
                ],
              }),
            },
          }),
        },
      }),
    },
  });
  assert.equal((await syncCommands(rest, [cfg])).changed, true);
  const again = await syncCommands(rest, [cfg]);
  assert.deepEqual([again.changed, again.updated], [false, []]);
  assert.equal(puts(fake), 1);
});
