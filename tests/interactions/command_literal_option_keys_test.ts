// A literal option (OptionDefinition is public; one copied from a fetched
// command is the usual case) is sent as written: its own `name` replaced the
// key on the wire (unchecked, and the router reads options by key, so every
// call failed with options_mismatch), and a key Discord does not know
// (`maxLength` for `max_length`, `requried`) was sent and ignored. Both are
// refused when the command is defined, as the builders refuse theirs.
import assert from "node:assert/strict";
import {
  command,
  commandPayload,
  string,
  subcommand,
} from "../../interactions/commands.ts";
import type {
  OptionDefinition,
  OptionMap,
} from "../../interactions/command_types.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const define = (options: OptionMap) =>
  command({ name: "tag", description: "Tag", options });
const loose = (option: Record<string, unknown>) =>
  option as unknown as OptionDefinition;

Deno.test("a literal option's own name must equal its key", () => {
  assert.throws(
    () =>
      define({
        topic: loose({
          type: 3,
          name: "subject",
          description: "Topic",
          required: true,
        }),
      }),
    {
      name: "TypeError",
      message:
        "Cannot define option 'topic' of command 'tag' as its 'name' differs from its key (the key is the name Discord gets and the router reads: leave 'name' out or make it the key): current value 'name=subject'",
    },
  );
  // A name Discord refuses was never checked: it failed only at sync.
  assert.throws(
    () =>
      define({
        topic: loose({ type: 3, name: "Bad Name!", description: "T" }),
      }),
    /'name' differs from its key/,
  );
  // Inside a literal subcommand too.
  assert.throws(
    () =>
      define({
        add: loose({
          type: 1,
          description: "Add",
          options: { topic: loose({ type: 3, name: "x", description: "T" }) },
        }),
      }),
    /option 'topic' of subcommand 'add' of command 'tag' as its 'name' differs/,
  );
  // Equal to the key is fine, and the wire name is the key.
  const tag = define({
    topic: loose({ type: 3, name: "topic", description: "T", required: true }),
  });
  assert.equal(commandPayload(tag).options?.[0]?.name, "topic");
});

Deno.test("a literal option's keys must be Discord's option fields", () => {
  const plain = { type: 3, description: "d", required: false };
  assert.throws(
    () => define({ note: loose({ ...plain, maxLength: 5 }) }),
    {
      name: "TypeError",
      message:
        "Cannot define option 'note' of command 'tag' as 'maxLength' is not one of its options (did you mean 'max_length'?)",
    },
  );
  assert.throws(
    () => define({ note: loose({ ...plain, requried: true }) }),
    /'requried' is not one of its options \(did you mean 'required'\?\)/,
  );
  // The builders' names for the bounds are not Discord's.
  assert.throws(
    () =>
      define({
        n: loose({ type: 4, description: "d", required: false, min: 1 }),
      }),
    /'min' is not one of its options: .*'min_value'/,
  );
  // Nested in a literal subcommand, and under a builder's subcommand.
  assert.throws(
    () =>
      define({
        add: loose({
          type: 1,
          description: "Add",
          options: { note: loose({ ...plain, minLength: 1 }) },
        }),
      }),
    /'minLength' is not one of its options \(did you mean 'min_length'\?\)/,
  );
  assert.throws(
    () =>
      subcommand({
        description: "Add",
        options: { note: loose({ ...plain, channelTypes: [0] }) },
      }),
    /'channelTypes' is not one of its options \(did you mean 'channel_types'\?\)/,
  );
});

Deno.test("an option in a fetched command's shape passes, nulls and all", async () => {
  const fetched = {
    type: 3,
    name: "topic",
    name_localizations: null,
    name_localized: "Thema",
    description: "Topic",
    description_localizations: null,
    description_localized: "Das Thema",
    required: true,
    choices: null,
    autocomplete: false,
    min_length: null,
    max_length: null,
    min_value: null,
    max_value: null,
    channel_types: null,
    file_types: null,
    options: null,
  };
  let tag!: ReturnType<typeof define>;
  const warned = await captureStderr(() => {
    tag = define({ topic: loose(fetched) });
    define({
      add: loose({
        type: 1,
        name: "add",
        description: "Add",
        name_localizations: null,
        description_localizations: null,
        options: { topic: loose(fetched) },
      }),
    });
  });
  const option = commandPayload(tag).options?.[0];
  assert.equal(option?.name, "topic");
  // The read-only fields are not sent; their text, in no map, is warned of
  // (see command_localized_fields_test.ts), once for the one object.
  assert.equal(JSON.stringify(option).includes("_localized"), false);
  assert.equal(warned.length, 2);
  assert.ok(warned.every((line) => line.includes("_localized")));
});

Deno.test("empty choices are unset, with autocomplete too", () => {
  const built = string({
    description: "d",
    autocomplete: true,
    choices: [],
  });
  const tag = define({
    a: built,
    b: loose({ type: 3, description: "d", autocomplete: true, choices: [] }),
  });
  // Unset on the wire too: Discord gets no choices beside autocomplete.
  for (const option of commandPayload(tag).options ?? []) {
    assert.equal("choices" in option, false);
    assert.equal(option.autocomplete, true);
  }
  // Each refusal says its own reason.
  assert.throws(
    () =>
      string({
        description: "d",
        autocomplete: true,
        choices: [{ name: "a", value: "a" }],
      }),
    {
      name: "TypeError",
      message:
        "Cannot define option as it has both choices and autocomplete (Discord takes autocomplete only without choices)",
    },
  );
  const many = Array.from({ length: 26 }, (_, i) => ({
    name: `c${i}`,
    value: `${i}`,
  }));
  assert.throws(
    () => string({ description: "d", choices: many }),
    {
      name: "RangeError",
      message:
        "Cannot define option as it has more than 25 choices: current count '26'",
    },
  );
});
