// Every definition command() accepts reads back the values Discord sends
// for it: a literal subcommand without `options`, a choice outside the
// option's own range or length (Discord lets the user pick it), and the
// null limits of a fetched command's shape (null is no limit).
import assert from "node:assert/strict";
import {
  command,
  integer,
  type OptionMap,
  string,
} from "../../interactions/commands.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { readOptions } from "../../interactions/option_values.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import type {
  ApplicationCommandInteractionData,
  Interaction,
} from "../../types/objects/interaction.ts";

/** Read `options` of `definition` as a slash command's. */
function read(
  definition: { name: string; options: OptionMap },
  options: unknown[],
): Record<string, unknown> {
  const data = {
    id: "1",
    name: definition.name,
    type: 1,
    options,
  } as unknown as ApplicationCommandInteractionData;
  return readOptions(definition.name, definition.options, data).options;
}

Deno.test("a literal subcommand without options runs its handler with the subcommand's name", async () => {
  const admin = command({
    name: "admin",
    description: "d",
    options: { reset: { type: 1, description: "Reset", required: false } },
  });
  const errors: InteractionError[] = [];
  const ran: unknown[] = [];
  const router = new InteractionRouter({
    onError: (error) => void errors.push(error),
  }).command(admin, (i, ctx) => {
    ran.push(i.subcommand);
    return ctx.respond("ok");
  });
  // What Discord sends for `/admin reset`: no `options` on the subcommand.
  const interaction = {
    id: "7",
    application_id: "1",
    type: 2,
    token: "t",
    version: 1,
    data: {
      id: "9",
      name: "admin",
      type: 1,
      options: [{ name: "reset", type: 1 }],
    },
    user: {
      id: "2",
      username: "ada",
      discriminator: "0",
      global_name: null,
      avatar: null,
    },
    app_permissions: "0",
    entitlements: [],
    authorizing_integration_owners: {},
    attachment_size_limit: 0,
  } as unknown as Interaction;
  await router.handle(interaction, {
    rest: undefined as never,
    respond: () => Promise.resolve(),
  });
  assert.deepEqual(errors.map((e) => e.message), []);
  assert.deepEqual(ran, [{ name: "reset", options: {} }]);
});

Deno.test("a declared choice is taken even outside the option's range or length", () => {
  const level = command({
    name: "level",
    description: "d",
    options: {
      n: integer({
        description: "x",
        required: true,
        min: 5,
        max: 10,
        choices: [{ name: "one", value: 1 }, { name: "six", value: 6 }],
      }),
    },
  });
  const size = command({
    name: "size",
    description: "d",
    options: {
      s: string({
        description: "x",
        required: true,
        minLength: 1,
        maxLength: 2,
        choices: [{ name: "large", value: "large" }],
      }),
    },
  });
  assert.deepEqual(read(level, [{ name: "n", type: 4, value: 1 }]), { n: 1 });
  assert.deepEqual(read(level, [{ name: "n", type: 4, value: 6 }]), { n: 6 });
  assert.deepEqual(read(size, [{ name: "s", type: 3, value: "large" }]), {
    s: "large",
  });
  // A value that is not a choice is still refused.
  assert.throws(() => read(level, [{ name: "n", type: 4, value: 7 }]));
  assert.throws(() => read(size, [{ name: "s", type: 3, value: "xl" }]));
});

Deno.test("null lengths and ranges of a fetched command's shape are no limit", () => {
  const options = {
    s: {
      type: 3,
      description: "s",
      required: false,
      min_length: null,
      max_length: null,
    },
    i: {
      type: 4,
      description: "i",
      required: false,
      min_value: null,
      max_value: null,
    },
    n: { type: 10, description: "n", required: false, max_value: null },
  } as unknown as OptionMap;
  const nulls = command({ name: "nulls", description: "d", options });
  for (
    const option of [
      { name: "s", type: 3, value: "hello" },
      { name: "s", type: 3, value: "" },
      { name: "i", type: 4, value: 5 },
      { name: "i", type: 4, value: -5 },
      { name: "i", type: 4, value: 0 },
      { name: "n", type: 10, value: 2.5 },
    ]
  ) {
    assert.deepEqual(read(nulls, [option]), { [option.name]: option.value });
  }
});

Deno.test("readOptions: values at a limit, strings counted in code points, and an empty choices list are inside the definition", () => {
  const data = (type: number, value: unknown) => ({
    id: "1",
    name: "c",
    type: 1,
    options: [{ name: "x", type, value }],
  });
  const def = (fields: Record<string, unknown>) =>
    ({ x: { description: "d", ...fields } }) as unknown as OptionMap;
  const ok = (options: OptionMap, type: number, value: unknown) =>
    readOptions("c", options, data(type, value) as never);
  ok(def({ type: 3, max_length: 3 }), 3, "abc");
  ok(def({ type: 3, min_length: 3 }), 3, "abc");
  ok(def({ type: 4, max_value: 5 }), 4, 5);
  ok(def({ type: 3, max_length: 2 }), 3, "\u{1F600}\u{1F600}");
  ok(def({ type: 3, choices: [] }), 3, "x");
});
