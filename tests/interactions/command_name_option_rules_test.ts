// Discord's rules on names and on option fields that command() checks when
// a command is defined, at their edges: names of 1-32 letters, digits, '-',
// '_' and "'" (Thai and Devanagari marks included) in lower case; at most
// 25 options; option types 1-11; the ranges of max_length and max_value;
// the fields a type does not take; up to 10 file types; and permissions
// given as a number.
import assert from "node:assert/strict";
import { attachment, command, string } from "../../interactions/commands.ts";
import type { OptionMap } from "../../interactions/command_types.ts";

const define = (options: OptionMap) =>
  command({ name: "a", description: "d", options });
const plain = { type: 3, description: "d", required: false } as const;

Deno.test("command and option names take 1-32 letters, digits, '-', '_' and \"'\", Thai marks included", () => {
  for (
    const name of ["a".repeat(32), "don't", "a_b", "a-b", "สวัสดี", "नमस्ते"]
  ) {
    command({ name, description: "d" });
    define({ [name]: plain });
  }
  for (const name of ["a".repeat(33), "", "a b", "a!"]) {
    assert.throws(
      () => command({ name, description: "d" }),
      /'name' must be 1-32 letters/,
      `command ${JSON.stringify(name)}`,
    );
    assert.throws(
      () => define({ [name]: plain }),
      /'name' must be 1-32 letters/,
      `option ${JSON.stringify(name)}`,
    );
  }
  assert.throws(() => define({ Big: plain }), /'name' must be lower case/);
});

Deno.test("an option named 4294967295 is kept: it is no array index, so JavaScript keeps its place", () => {
  const options = { z: plain, "4294967295": plain };
  const built = command({ name: "a", description: "d", options });
  assert.deepEqual(Object.keys(built.options), ["z", "4294967295"]);
  assert.throws(() => define({ "4294967294": plain }), /is an integer/);
});

Deno.test("a command takes at most 25 options", () => {
  const options = (count: number): OptionMap =>
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [`o${i}`, plain]),
    );
  define(options(25));
  assert.throws(() => define(options(26)), /more than 25 options/);
});

Deno.test("a literal option's type must be an integer in 1-11", () => {
  for (const type of [0, 12, 1.5]) {
    assert.throws(
      () => define({ x: { ...plain, type: type as 3 } }),
      /'type' must be an option type \(1-11\)/,
      `type ${type}`,
    );
  }
});

Deno.test("max_length goes up to 6000, an integer option's max_value must be an integer, and NaN is no bound", () => {
  define({ x: { ...plain, max_length: 6000 } });
  assert.throws(
    () => define({ x: { ...plain, max_length: 6001 } }),
    /'max_length' must be an integer in 1..6000/,
  );
  const integer = { type: 4, description: "d", required: false } as const;
  assert.throws(
    () => define({ x: { ...integer, max_value: 1.5 } }),
    /'max_value' must be an integer/,
  );
  const number = { type: 10, description: "d", required: false } as const;
  assert.throws(
    () => define({ x: { ...number, min_value: NaN } }),
    /'min_value' must be a number/,
  );
});

Deno.test("equal bounds are a range of one: min_value = max_value and min_length = max_length are accepted", () => {
  const built = define({
    n: {
      type: 4,
      description: "d",
      required: false,
      min_value: 5,
      max_value: 5,
    },
    s: { ...plain, min_length: 3, max_length: 3 },
  });
  assert.equal(built.options.n?.min_value, 5);
  assert.deepEqual(
    string({ description: "d", minLength: 2, maxLength: 2 }).max_length,
    2,
  );
});

Deno.test("a literal option is refused file types it cannot filter for, and autocomplete or channel types on a user option", () => {
  const attachment = { type: 11, description: "d", required: false } as const;
  define({ f: { ...attachment, file_types: ["image", ".pdf"] } });
  assert.throws(
    () => define({ f: { ...attachment, file_types: ["pdf"] } }),
    RangeError,
  );
  const user = { type: 6, description: "d", required: false } as const;
  assert.throws(
    () => define({ u: { ...user, autocomplete: true } as never }),
    /does not take 'autocomplete'/,
  );
  assert.throws(
    () => define({ u: { ...user, channel_types: [0] } as never }),
    /does not take 'channel_types'/,
  );
});

Deno.test("an attachment option takes up to 10 file types, each a string", () => {
  const ten = Array.from({ length: 10 }, (_, i) => `.e${i}`);
  assert.equal(
    attachment({ description: "d", fileTypes: ten }).file_types?.length,
    10,
  );
  assert.throws(
    () => attachment({ description: "d", fileTypes: [...ten, ".x"] }),
    /at most 10 entries/,
  );
  assert.throws(
    () => attachment({ description: "d", fileTypes: [7 as never] }),
    /'fileTypes' entries must be strings/,
  );
});

Deno.test("defaultMemberPermissions given as a number must be a safe integer >= 0", () => {
  for (const permissions of [1.5, 2 ** 60, -1]) {
    assert.throws(
      () =>
        command({
          name: "a",
          description: "d",
          defaultMemberPermissions: permissions as never,
        }),
      RangeError,
      String(permissions),
    );
  }
  command({
    name: "a",
    description: "d",
    defaultMemberPermissions: 8 as never,
  });
});
