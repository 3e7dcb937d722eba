// Options written as object literals (OptionDefinition is public) are held
// to the rules the helper builders check, and to Discord's nesting rules,
// when the command is defined: not with a 50035 at sync.
import assert from "node:assert/strict";
import {
  command,
  commandPayload,
  string,
  subcommand,
  subcommandGroup,
} from "../../interactions/commands.ts";
import type { OptionMap } from "../../interactions/command_types.ts";

const define = (options: OptionMap) =>
  command({ name: "a", description: "d", options });

Deno.test("literal options are checked as the builders check them", () => {
  const plain = { type: 3, description: "d", required: false } as const;
  assert.throws(
    () => define({ x: { ...plain, description: "" } }),
    /'description' must be 1-100 characters/,
  );
  const choices = Array.from(
    { length: 30 },
    (_, i) => ({ name: "", value: i }),
  );
  assert.throws(
    () => define({ x: { ...plain, choices } }),
    /more than 25 choices/,
  );
  assert.throws(
    () => define({ x: { ...plain, choices: [{ name: "", value: "v" }] } }),
    /choice's 'name' must be 1-100 characters/,
  );
  assert.throws(
    () => define({ x: { ...plain, min_length: -5 } }),
    /'min_length' must be an integer in 0..6000/,
  );
  assert.throws(
    () =>
      define({
        x: {
          type: 4,
          description: "d",
          required: false,
          min_value: 5,
          max_value: 1,
        },
      }),
    /'min_value' is above 'max_value'/,
  );
  assert.throws(
    () => define({ x: { ...plain, name_localizations: { xx: "x" } } }),
    /not a Discord locale/,
  );
  assert.throws(
    () =>
      define({
        x: {
          type: 7,
          description: "d",
          required: false,
          channel_types: [99 as 0],
        },
      }),
    RangeError,
  );
  assert.throws(
    () => define({ x: { type: 99, description: "d", required: false } }),
    /'type' must be an option type \(1-11\)/,
  );
});

Deno.test("literal subcommands and groups follow Discord's nesting", () => {
  const sub = {
    type: 1,
    description: "d",
    required: false,
    options: {},
  } as const;
  assert.throws(
    () => define({ s: { ...sub, options: { t: sub } } }),
    /subcommand.*contains a subcommand/,
  );
  assert.throws(
    () =>
      define({
        g: {
          type: 2,
          description: "d",
          required: false,
          options: { t: string({ description: "d" }) },
        },
      }),
    /group.*must contain only subcommands/,
  );
  assert.throws(
    () =>
      define({
        g: { type: 2, description: "d", required: false, options: {} },
      }),
    /holds no subcommand/,
  );
  // Options inside a literal subcommand are checked too.
  assert.throws(
    () =>
      define({
        s: {
          ...sub,
          options: { t: { type: 3, description: "", required: false } },
        },
      }),
    /'description' must be 1-100 characters/,
  );
});

Deno.test("builders still give the same output and errors through command()", () => {
  const cmd = command({
    name: "tag",
    description: "Tags",
    options: {
      admin: subcommandGroup({
        description: "Admin",
        options: {
          remove: subcommand({
            description: "Remove",
            options: {
              tag: string({ description: "t", required: true, minLength: 0 }),
            },
          }),
        },
      }),
    },
  });
  assert.deepEqual(commandPayload(cmd).options, [{
    type: 2,
    name: "admin",
    description: "Admin",
    options: [{
      type: 1,
      name: "remove",
      description: "Remove",
      options: [{
        type: 3,
        name: "tag",
        description: "t",
        required: true,
        min_length: 0,
      }],
    }],
  }]);
  assert.throws(
    () => string({ description: "d", minLength: -1 }),
    /^RangeError: Cannot define option as 'min_length' must be an integer in 0..6000: current value 'min_length=-1'$/,
  );
});

Deno.test("literal options take null for lengths, ranges and file types, as fetched commands have them", () => {
  // Discord's own shape of a fetched command has null for unset fields:
  // null is unset, as for localizations and choices, and passes through.
  const options = {
    s: { type: 3, description: "s", required: false, min_length: null },
    i: {
      type: 4,
      description: "i",
      required: false,
      min_value: null,
      max_value: null,
    },
    n: { type: 10, description: "n", required: false, max_value: null },
    f: { type: 11, description: "f", required: false, file_types: null },
  } as unknown as OptionMap;
  const payload = commandPayload(
    command({ name: "nulls", description: "d", options }),
  );
  assert.deepEqual(payload.options?.map((o) => o.name), ["s", "i", "n", "f"]);
  assert.equal(
    (payload.options?.[3] as unknown as { file_types: null }).file_types,
    null,
  );
});
