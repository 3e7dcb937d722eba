// What a payload's option values and custom-id parameters are read as, at
// the edges the other tests left open: a value of the wrong JSON type, a
// subcommand missing, a mentionable resolved as nothing, min_length in
// Discord's own units, and a custom-id literal that overlaps the pattern's
// tail.
import assert from "node:assert/strict";
import {
  boolean,
  command,
  mentionable,
  string,
  subcommand,
} from "../../interactions/commands.ts";
import { compileCustomId } from "../../interactions/custom_id.ts";
import { InteractionError } from "../../interactions/errors.ts";
import {
  readAutocomplete,
  readOptions,
} from "../../interactions/option_values.ts";
import type { ApplicationCommandInteractionData } from "../../types/objects/interaction.ts";

const values = command({
  name: "c",
  description: "d",
  options: {
    s: string({ description: "d" }),
    b: boolean({ description: "d" }),
    m: mentionable({ description: "d" }),
    two: string({ description: "d", minLength: 2 }),
  },
});
const withSubcommands = command({
  name: "t",
  description: "d",
  options: { add: subcommand({ description: "d" }) },
});

/** Slash-command data for `name` carrying `options` and `resolved`. */
function data(
  name: string,
  options?: unknown[],
  resolved?: unknown,
): ApplicationCommandInteractionData {
  return {
    id: "1",
    name,
    type: 1,
    ...(options === undefined ? {} : { options }),
    ...(resolved === undefined ? {} : { resolved }),
  } as unknown as ApplicationCommandInteractionData;
}

/** Assert `run` throws options_mismatch with a message matching `why`. */
function refused(run: () => unknown, why: RegExp): void {
  assert.throws(
    run,
    (error: unknown) =>
      error instanceof InteractionError &&
      error.kind === "options_mismatch" && why.test(error.message),
  );
}

Deno.test("a string option whose value is a number is options_mismatch, not a number typed as string", () => {
  refused(
    () =>
      readOptions(
        "c",
        values.options,
        data("c", [{ name: "s", type: 3, value: 5 }]),
      ),
    /option 's' is not a string: 5/,
  );
});

Deno.test("a boolean option whose value is the string 'true' is options_mismatch", () => {
  refused(
    () =>
      readOptions(
        "c",
        values.options,
        data("c", [{ name: "b", type: 5, value: "true" }]),
      ),
    /option 'b' is not a boolean/,
  );
});

Deno.test("a mentionable option whose id is neither a resolved user nor a resolved role is options_mismatch, not a role of undefined", () => {
  refused(
    () =>
      readOptions(
        "c",
        values.options,
        data("c", [{ name: "m", type: 9, value: "8" }], {}),
      ),
    /option 'm': user or role .*8.* is not resolved/,
  );
});

Deno.test("a command with subcommands sent without one (a stale client) is options_mismatch", () => {
  refused(
    () => readOptions("t", withSubcommands.options, data("t")),
    /no subcommand given/,
  );
  // The control: with its subcommand it is read.
  assert.equal(
    readOptions(
      "t",
      withSubcommands.options,
      data("t", [{ name: "add", type: 1 }]),
    ).subcommand,
    "add",
  );
});

Deno.test("min_length is checked loosely, in UTF-16 units: one astral character meets minLength 2", () => {
  // The shortest is counted in the units that give the most (never fewer
  // than Discord counted), so a value Discord took is never refused here.
  assert.equal(
    readOptions(
      "c",
      values.options,
      data("c", [{ name: "two", type: 3, value: "🙂" }]),
    ).options.two,
    "🙂",
  );
  refused(
    () =>
      readOptions(
        "c",
        values.options,
        data("c", [{ name: "two", type: 3, value: "a" }]),
      ),
    /option 'two' is shorter than 2 characters/,
  );
});

Deno.test("a custom id whose middle literal could only be found inside the pattern's tail does not match", () => {
  const pattern = compileCustomId("x:{a}:{b}:");
  // "x:1:": the ':' after {a} is the tail's ':' too, leaving {b} nothing.
  assert.equal(pattern.match("x:1:"), undefined);
  assert.deepEqual(pattern.match("x:1:2:"), { a: "1", b: "2" });
});

Deno.test("a subcommand sent as a subcommand group (type 2 for a type 1) is options_mismatch, not run", () => {
  refused(
    () =>
      readOptions(
        "t",
        withSubcommands.options,
        data("t", [{ name: "add", type: 2, options: [] }]),
      ),
    /unknown subcommand 'add'/,
  );
});

Deno.test("a subcommand group defined without subcommands is options_mismatch: there is nothing to run", () => {
  // A definition not built by command() (subcommandGroup() refuses an
  // empty one) can still hold a group without `options`.
  const definition = { admin: { type: 2, description: "d" } } as never;
  refused(
    () =>
      readOptions(
        "t",
        definition,
        data("t", [{ name: "admin", type: 2 }]),
      ),
    /unknown subcommand 'admin'/,
  );
});

Deno.test("an autocomplete request hands over the strings, numbers and booleans filled in so far, and no object", () => {
  const read = readAutocomplete(
    data("c", [
      { name: "s", type: 3, value: "ru", focused: true },
      { name: "n", type: 10, value: 1.5 },
      { name: "b", type: 5, value: false },
      { name: "o", type: 3, value: { not: "raw" } },
    ]),
  );
  assert.deepEqual(read.values, { s: "ru", n: 1.5, b: false });
  assert.deepEqual(read.focused, { name: "s", value: "ru" });
});

Deno.test("options that are null, or a list holding null, are options_mismatch rather than no options or a TypeError", () => {
  for (
    const options of [null, [null], [{ name: "s", type: 3, value: "x" }, null]]
  ) {
    const sent = { ...data("c"), options } as never;
    refused(
      () => readOptions("c", values.options, sent),
      /its options are not a list of options/,
    );
    refused(() => readAutocomplete(sent), /its options are not a list/);
  }
});
