// Option values from a hostile or buggy payload never reach a handler typed
// otherwise: a channel whose type is not one of `channelTypes`, resolved
// objects not of Discord's shape, numbers outside Discord's range; and
// what such a payload holds goes into the error message bounded.
import assert from "node:assert/strict";
import {
  attachment,
  channel,
  command,
  integer,
  mentionable,
  messageCommand,
  number,
  role,
  user,
  userCommand,
} from "../../interactions/commands.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { readOptions } from "../../interactions/option_values.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import type {
  ApplicationCommandInteractionData,
  Interaction,
} from "../../types/objects/interaction.ts";

const USER = {
  id: "7",
  username: "ada",
  discriminator: "0",
  global_name: null,
  avatar: null,
};
const MEMBER = { roles: [], joined_at: "2020-01-01T00:00:00Z", flags: 0 };
const ROLE = { id: "8", name: "mods", color: 0, position: 1 };
const CHANNEL = { id: "5", name: "general", type: 0, permissions: "0" };
const FILE = {
  id: "9",
  filename: "a.png",
  size: 1,
  url: "https://cdn.discordapp.com/a.png",
  proxy_url: "https://media.discordapp.net/a.png",
};

const text = command({
  name: "c",
  description: "d",
  options: {
    where: channel({ description: "d", required: true, channelTypes: [0] }),
  },
});
const noLimit = command({
  name: "e",
  description: "d",
  options: {
    where: channel({ description: "d", required: true, channelTypes: [] }),
  },
});
const anyChannel = command({
  name: "a",
  description: "d",
  options: { where: channel({ description: "d", required: true }) },
});
const objects = command({
  name: "o",
  description: "d",
  options: {
    who: user({ description: "d" }),
    r: role({ description: "d" }),
    m: mentionable({ description: "d" }),
    file: attachment({ description: "d" }),
  },
});
const numbers = command({
  name: "n",
  description: "d",
  options: {
    x: number({ description: "d" }),
    y: integer({ description: "d" }),
  },
});

/** Read `options` of `definition` against `resolved`, as a slash command. */
function read(
  definition:
    | typeof text
    | typeof anyChannel
    | typeof noLimit
    | typeof objects
    | typeof numbers,
  options: unknown[],
  resolved?: unknown,
): Record<string, unknown> {
  const data = {
    id: "1",
    name: definition.name,
    type: 1,
    options,
    ...(resolved === undefined ? {} : { resolved }),
  } as unknown as ApplicationCommandInteractionData;
  return readOptions(definition.name, definition.options, data).options;
}

/** Assert `run` throws options_mismatch with a message matching `why`. */
function refused(run: () => unknown, why: RegExp, label: string): void {
  assert.throws(
    run,
    (error: unknown) =>
      error instanceof InteractionError &&
      error.kind === "options_mismatch" && why.test(error.message),
    label,
  );
}

Deno.test("a channel option with channelTypes refuses a resolved channel whose type is missing or not a number", () => {
  const option = [{ name: "where", type: 7, value: "5" }];
  assert.deepEqual(read(text, option, { channels: { 5: CHANNEL } }), {
    where: CHANNEL,
  });
  refused(
    () => read(text, option, { channels: { 5: { ...CHANNEL, type: 2 } } }),
    /channel of type 2/,
    "voice",
  );
  for (
    const shape of [
      { ...CHANNEL, type: "0" },
      { ...CHANNEL, type: "2" },
      { id: "5", name: "v" },
      {},
      [],
    ]
  ) {
    refused(
      () => read(text, option, { channels: { 5: shape } }),
      /option 'where'/,
      JSON.stringify(shape),
    );
    // Without channelTypes too: a channel always has a numeric type.
    refused(
      () => read(anyChannel, option, { channels: { 5: shape } }),
      /option 'where'/,
      `any ${JSON.stringify(shape)}`,
    );
  }
});

Deno.test("a channel option with an empty channelTypes takes a channel of any type, as Discord reads [] as no limit", () => {
  const option = [{ name: "where", type: 7, value: "5" }];
  for (const type of [0, 2, 4, 15]) {
    const where = { ...CHANNEL, type };
    assert.deepEqual(read(noLimit, option, { channels: { 5: where } }), {
      where,
    }, `type ${type}`);
  }
});

Deno.test("user, member, role, mentionable and attachment options refuse resolved objects not of Discord's shape", () => {
  const resolved = {
    users: { 7: USER },
    members: { 7: MEMBER },
    roles: { 8: ROLE },
    attachments: { 9: FILE },
  };
  const all = [
    { name: "who", type: 6, value: "7" },
    { name: "r", type: 8, value: "8" },
    { name: "m", type: 9, value: "7" },
    { name: "file", type: 11, value: "9" },
  ];
  assert.deepEqual(read(objects, all, resolved), {
    who: { id: "7", user: USER, member: MEMBER },
    r: ROLE,
    m: { kind: "user", id: "7", user: USER, member: MEMBER },
    file: FILE,
  });
  const bad: [string, Record<string, unknown>][] = [
    ["who", { users: { 7: { evil: true } } }],
    ["who", { users: { 7: [] } }],
    ["who", { users: { 7: { ...USER, username: 1 } } }],
    ["who", { users: { 7: { ...USER, id: 7 } } }],
    ["who", { users: { 7: USER }, members: { 7: { evil: true } } }],
    ["who", { users: { 7: USER }, members: { 7: [] } }],
    ["who", { users: { 7: USER }, members: { 7: { roles: "mods" } } }],
    ["who", { users: { 7: USER }, members: { 7: { roles: ["8", 8] } } }],
    ["m", { users: { 7: USER }, members: { 7: { roles: [null] } } }],
    ["r", { roles: { 8: [] } }],
    ["r", { roles: { 8: { id: "8" } } }],
    ["r", { roles: { 8: { name: "mods" } } }],
    ["m", { users: { 7: { evil: true } } }],
    ["m", { users: { 7: USER }, members: { 7: "x" } }],
    ["file", { attachments: { 9: { url: 42 } } }],
    ["file", { attachments: { 9: { ...FILE, url: 42 } } }],
    ["file", { attachments: { 9: { ...FILE, filename: null } } }],
    ["file", { attachments: { 9: [] } }],
  ];
  for (const [name, resolved] of bad) {
    const option = all.find((o) => o.name === name)!;
    refused(
      () => read(objects, [option], resolved),
      new RegExp(`option '${name}'`),
      `${name} ${JSON.stringify(resolved)}`,
    );
  }
  // A mentionable that is a role.
  assert.deepEqual(
    read(objects, [{ name: "m", type: 9, value: "8" }], { roles: { 8: ROLE } }),
    { m: { kind: "role", id: "8", role: ROLE } },
  );
});

Deno.test("number options take doubles within ±2^53 and integer options safe integers only (Discord's ranges)", () => {
  const x = (value: unknown): unknown[] => [{ name: "x", type: 10, value }];
  const y = (value: unknown): unknown[] => [{ name: "y", type: 4, value }];
  for (const value of [0, -1.5, 2 ** 53, -(2 ** 53), 1e15 + 0.5]) {
    assert.deepEqual(read(numbers, x(value)), { x: value });
  }
  for (const value of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0]) {
    assert.deepEqual(read(numbers, y(value)), { y: value });
  }
  // JSON.parse reads 1e400 as Infinity.
  const infinity = JSON.parse("1e400");
  for (const value of [infinity, -infinity, NaN, 2 ** 53 + 2, -1e300]) {
    refused(() => read(numbers, x(value)), /option 'x'/, `x ${value}`);
  }
  for (const value of [1e300, 2 ** 53, -(2 ** 53), infinity, 1.5]) {
    refused(() => read(numbers, y(value)), /option 'y'/, `y ${value}`);
  }
});

Deno.test("a wrongly typed value or an unresolved ID goes into the error message cut to 100 characters", () => {
  const huge = "A".repeat(500_000);
  const messages: string[] = [];
  const catchMessage = (run: () => unknown): void => {
    try {
      run();
      assert.fail("not refused");
    } catch (error) {
      assert.ok(error instanceof InteractionError);
      assert.equal(error.kind, "options_mismatch");
      messages.push(error.message);
    }
  };
  catchMessage(() => read(numbers, [{ name: "y", type: 4, value: huge }]));
  catchMessage(() => read(numbers, [{ name: "x", type: 10, value: huge }]));
  catchMessage(() => read(objects, [{ name: "who", type: 6, value: huge }]));
  catchMessage(() => read(objects, [{ name: huge, type: 6, value: "7" }]));
  for (const message of messages) {
    assert.ok(message.length < 400, `${message.length} characters`);
    assert.ok(message.includes("A".repeat(100)), message.slice(0, 200));
    assert.ok(!message.includes("A".repeat(101)), message.slice(0, 200));
  }
});

Deno.test("context-menu targets not of Discord's shape are options_mismatch, and no handler runs", async () => {
  const inspect = userCommand({ name: "Inspect" });
  const quote = messageCommand({ name: "Quote" });
  const errors: InteractionError[] = [];
  const ran: unknown[] = [];
  const router = new InteractionRouter({
    onError: (error) => void errors.push(error),
  })
    .command(inspect, (i, ctx) => {
      ran.push(i.target);
      return ctx.respond("ok");
    })
    .command(quote, (i, ctx) => {
      ran.push(i.target);
      return ctx.respond("ok");
    });
  const menu = (type: 2 | 3, resolved: unknown): Interaction =>
    ({
      id: "7",
      application_id: "1",
      type: 2,
      token: "t",
      version: 1,
      data: {
        id: "9",
        name: type === 2 ? "Inspect" : "Quote",
        type,
        target_id: "4",
        resolved,
      },
      user: { ...USER, id: "2" },
      app_permissions: "0",
      entitlements: [],
      authorizing_integration_owners: {},
      attachment_size_limit: 0,
    }) as unknown as Interaction;
  const handle = (i: Interaction): Promise<boolean> =>
    router.handle(i, {
      rest: undefined as never,
      respond: () => Promise.resolve(),
    });
  const bad = [
    menu(2, { users: { 4: { evil: true } } }),
    menu(2, { users: { 4: [] } }),
    menu(2, { users: { 4: { id: "4" } } }),
    menu(3, { messages: { 4: {} } }),
    menu(3, { messages: { 4: [] } }),
    menu(3, { messages: { 4: { id: 4, channel_id: "5" } } }),
  ];
  for (const each of bad) await handle(each);
  assert.deepEqual(ran, []);
  assert.deepEqual(
    errors.map((e) => e.kind),
    Array(bad.length).fill("options_mismatch"),
  );
  const target = { ...USER, id: "4" };
  await handle(menu(2, { users: { 4: target } }));
  const message = { id: "4", channel_id: "5", content: "hi" };
  await handle(menu(3, { messages: { 4: message } }));
  assert.deepEqual(ran, [
    { id: "4", user: target, member: undefined },
    message,
  ]);
});
