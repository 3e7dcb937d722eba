import assert from "node:assert/strict";
import {
  command,
  integer,
  messageCommand,
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
  // Its options anew, not the definition spread in: `command()` refuses
  // the definition's wire fields (`name_localizations`, …) as unknown keys.
  const renamed = command({
    name: "roll",
    description: "Roll",
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

Deno.test("syncCommands: a translation map of missing translations, sent as {} and stored as null, is no change", async () => {
  const fake = new FakeRest();
  // Discord documents these maps as nullable: an empty one may come back null.
  const nullEmpty = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(nullEmpty)
      : typeof value === "object" && value !== null
      ? Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [
          key,
          key.endsWith("_localizations") && typeof inner === "object" &&
            inner !== null && Object.keys(inner).length === 0
            ? null
            : nullEmpty(inner),
        ]),
      )
      : value;
  const fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> => {
    const response = await fake.fetch(input, init);
    if ((init?.method ?? "GET") !== "GET") return response;
    return Response.json(nullEmpty(await response.json()), {
      status: response.status,
    });
  };
  const rest = new RestClient({ token: "fake-bot-token", fetch });
  const missing: string | undefined = undefined;
  const ping = command({
    name: "ping",
    description: "Ping",
    nameLocalizations: { de: missing },
    options: {
      size: string({
        description: "Size",
        choices: [{
          name: "big",
          value: "big",
          name_localizations: { fr: missing },
        }],
      }),
    },
  });
  assert.equal((await syncCommands(rest, [ping])).changed, true);
  assert.equal((await syncCommands(rest, [ping])).changed, false);
  assert.equal((await syncCommands(rest, [ping])).changed, false);
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
  const messageMenus = Array.from(
    { length: 16 },
    (_, i) => messageCommand({ name: `Message ${i}` }),
  );
  await assert.rejects(
    syncCommands(rest, messageMenus, { applicationId: fake.applicationId }),
    /at most 15 message/,
  );
  assert.equal(fake.requests.length, 0);
  // At the limits it goes through.
  const result = await syncCommands(rest, [
    ...slash.slice(0, 100),
    ...menus.slice(0, 15),
    ...messageMenus.slice(0, 15),
  ], { applicationId: fake.applicationId });
  assert.equal(result.commands.length, 130);
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

/**
 * A Discord that stores commands as the real one does for the fields the
 * fake leaves alone: `contexts` null and `integration_types` the
 * application's installation contexts when a command leaves them out. It
 * starts with `stored` and records each request.
 */
function storingDiscord(
  stored: Record<string, unknown>[],
  installContexts: number[] = [0],
): {
  rest: RestClient;
  requests: { method: string; path: string; body?: unknown }[];
  stored: () => Record<string, unknown>[];
} {
  let commands = structuredClone(stored);
  const requests: { method: string; path: string; body?: unknown }[] = [];
  const fetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname.replace("/api/v10", "");
    const body = request.method === "PUT" ? await request.json() : undefined;
    requests.push({ method: request.method, path, body });
    if (path === "/applications/@me") {
      return Response.json({
        id: "9",
        integration_types_config: Object.fromEntries(
          installContexts.map((n) => [String(n), {}]),
        ),
      });
    }
    if (request.method === "GET") return Response.json(commands);
    commands = (body as Record<string, unknown>[]).map((command, i) => ({
      id: command.id ?? String(100 + i),
      application_id: "9",
      version: "2",
      ...command,
      contexts: command.contexts ?? null,
      integration_types: command.integration_types ?? installContexts,
    }));
    return Response.json(commands);
  };
  return {
    rest: new RestClient({ token: "t", fetch }),
    requests,
    stored: () => commands,
  };
}

const STORED = {
  id: "10",
  application_id: "9",
  version: "1",
  type: 1,
  name: "ping",
  description: "Ping",
  name_localizations: null,
  description_localizations: null,
  default_member_permissions: null,
  nsfw: false,
  contexts: null,
  integration_types: [0],
};
const ping = command({ name: "ping", description: "Ping" });

Deno.test("syncCommands: contexts or integration types a definition no longer sets are a change, and the overwrite resets them", async (t) => {
  await t.step("contexts [0] stored, none defined", async () => {
    const discord = storingDiscord([{ ...STORED, contexts: [0] }]);
    const first = await syncCommands(discord.rest, [ping], {
      applicationId: "9",
    });
    assert.deepEqual([first.changed, first.updated], [true, ["ping"]]);
    const put = discord.requests.find((r) => r.method === "PUT")!;
    assert.equal("contexts" in (put.body as object[])[0]!, false);
    assert.equal(discord.stored()[0]!.contexts, null);
    const again = await syncCommands(discord.rest, [ping], {
      applicationId: "9",
    });
    assert.equal(again.changed, false);
  });
  await t.step(
    "all three contexts stored differ from none stored (null: not in private channels)",
    async () => {
      const discord = storingDiscord([{ ...STORED, contexts: [0, 1, 2] }]);
      const result = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
      });
      assert.equal(result.changed, true);
    },
  );
  await t.step(
    "integration types [0, 1] stored, none defined, app on [0]",
    async () => {
      const discord = storingDiscord([{
        ...STORED,
        integration_types: [0, 1],
      }]);
      const first = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
      });
      assert.deepEqual([first.changed, first.updated], [true, ["ping"]]);
      assert.deepEqual(discord.stored()[0]!.integration_types, [0]);
      assert.equal(
        (await syncCommands(discord.rest, [ping], { applicationId: "9" }))
          .changed,
        false,
      );
    },
  );
  await t.step(
    "an app installable by users: its contexts are the default, not a change every start",
    async () => {
      const discord = storingDiscord(
        [{ ...STORED, integration_types: [1, 0] }],
        [0, 1],
      );
      const result = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
      });
      assert.equal(result.changed, false);
      assert.deepEqual(discord.requests.map((r) => r.path), [
        "/applications/9/commands",
        "/applications/@me",
      ]);
    },
  );
  await t.step(
    "integration types [0] stored, none defined, app on [0, 1]: a change (the app's contexts are the default, read even when [0] is stored)",
    async () => {
      const discord = storingDiscord([STORED], [0, 1]);
      const first = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
      });
      assert.deepEqual([first.changed, first.updated], [true, ["ping"]]);
      assert.deepEqual(discord.stored()[0]!.integration_types, [0, 1]);
      assert.equal(
        (await syncCommands(discord.rest, [ping], { applicationId: "9" }))
          .changed,
        false,
      );
    },
  );
  await t.step(
    "on the documented default, one application read, no write",
    async () => {
      const discord = storingDiscord([STORED]);
      const result = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
      });
      assert.equal(result.changed, false);
      assert.deepEqual(discord.requests.map((r) => r.path), [
        "/applications/9/commands",
        "/applications/@me",
      ]);
    },
  );
  await t.step(
    "a guild command on the documented default: no application read",
    async () => {
      const discord = storingDiscord([STORED], [0, 1]);
      const result = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
        guildId: "42",
      });
      assert.equal(result.changed, false);
      assert.equal(discord.requests.length, 1);
    },
  );
  await t.step(
    "the deprecated default_permission and dm_permission Discord still returns (true) are no change",
    async () => {
      const discord = storingDiscord([{
        ...STORED,
        default_permission: true,
        dm_permission: true,
      }]);
      const result = await syncCommands(discord.rest, [ping], {
        applicationId: "9",
      });
      assert.deepEqual([result.changed, result.updated], [false, []]);
      assert.equal(discord.requests.some((r) => r.method === "PUT"), false);
    },
  );
  await t.step("set lists compare as sets", async () => {
    const discord = storingDiscord([{
      ...STORED,
      contexts: [1, 0],
      integration_types: [1, 0],
    }]);
    const set = command({
      name: "ping",
      description: "Ping",
      contexts: [0, 1],
      integrationTypes: [0, 1],
    });
    assert.equal(
      (await syncCommands(discord.rest, [set], { applicationId: "9" }))
        .changed,
      false,
    );
  });
});

Deno.test("syncCommands keeps an Activity's Entry Point command: sent back with its id, never removed", async () => {
  const launch = {
    id: "11",
    application_id: "9",
    version: "1",
    type: 4,
    name: "launch",
    description: "Launch",
    handler: 2,
    integration_types: [0, 1],
    contexts: [0, 1, 2],
  };
  const discord = storingDiscord([STORED, launch]);
  const unchanged = await syncCommands(discord.rest, [ping], {
    applicationId: "9",
  });
  assert.deepEqual([unchanged.changed, unchanged.removed], [false, []]);

  const roll = command({ name: "roll", description: "Roll" });
  const result = await syncCommands(discord.rest, [ping, roll], {
    applicationId: "9",
  });
  assert.deepEqual(
    [result.changed, result.added, result.removed],
    [true, ["roll"], []],
  );
  const put = discord.requests.find((r) => r.method === "PUT")!;
  assert.deepEqual((put.body as unknown[])[2], {
    id: "11",
    type: 4,
    name: "launch",
    description: "Launch",
    handler: 2,
    integration_types: [0, 1],
    contexts: [0, 1, 2],
  });
  assert.deepEqual(result.commands.map((c) => c.name), [
    "ping",
    "roll",
    "launch",
  ]);
  // Dropping every definition still keeps it.
  const emptied = await syncCommands(discord.rest, [], { applicationId: "9" });
  assert.deepEqual(emptied.removed, ["ping", "roll"]);
  assert.deepEqual(discord.stored().map((c) => c.name), ["launch"]);
});

Deno.test("syncCommands sends and compares default_member_permissions as Discord stores them: '0008' is the stored '8', not a change on every start", async () => {
  const stored = [{ ...STORED, default_member_permissions: "8" }];
  const built = command({
    name: "ping",
    description: "Ping",
    defaultMemberPermissions: "0008",
  });
  // A literal definition (from JavaScript, or a generated file).
  const literal = { ...ping, default_member_permissions: "0008" };
  // A bigint, as PermissionFlags are (JSON cannot write one as it is).
  const bigint = { ...ping, default_member_permissions: 8n };
  for (
    const [what, definition] of [
      ["built", built],
      ["literal", literal],
      ["bigint", bigint],
    ] as const
  ) {
    const discord = storingDiscord(stored);
    const result = await syncCommands(discord.rest, [definition as never], {
      applicationId: "9",
    });
    assert.equal(result.changed, false, `${what}: ${result.updated}`);
  }
  // A real change is written, as Discord stores it.
  const discord = storingDiscord(stored);
  const result = await syncCommands(
    discord.rest,
    [{ ...ping, default_member_permissions: "0016" }],
    { applicationId: "9" },
  );
  assert.deepEqual(result.updated, ["ping"]);
  const put = discord.requests.find((r) => r.method === "PUT")!;
  assert.equal(
    (put.body as { default_member_permissions?: string }[])[0]!
      .default_member_permissions,
    "16",
  );
});
