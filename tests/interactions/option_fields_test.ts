// Discord's option structure lists, for each field, the option types that
// take it ("Valid Option Types"): a literal option carrying a field its
// type does not take is refused when the command is defined, not sent.
// File type extensions go out lower case, as Discord stores them, so a
// second sync finds nothing to change.
import assert from "node:assert/strict";
import {
  attachment,
  command,
  commandPayload,
  integer,
  string,
  subcommand,
  subcommandGroup,
} from "../../interactions/commands.ts";
import type {
  ChatInputCommand,
  OptionMap,
} from "../../interactions/command_types.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { refused } from "./_refused.ts";

const define = (options: OptionMap) =>
  command({ name: "a", description: "d", options });

const literal = (type: number, fields: Record<string, unknown>) =>
  ({ x: { type, description: "d", ...fields } }) as unknown as OptionMap;

Deno.test("a literal option is refused a field its type does not take", () => {
  const sub = { x: { type: 3, description: "d" } };
  const cases: [number, Record<string, unknown>, string][] = [
    [5, { choices: [{ name: "a", value: "a" }] }, "choices"],
    [6, { choices: [{ name: "a", value: 1 }] }, "choices"],
    [5, { autocomplete: true }, "autocomplete"],
    [11, { autocomplete: true }, "autocomplete"],
    [4, { min_length: 1 }, "min_length"],
    [10, { max_length: 10 }, "max_length"],
    [3, { min_value: 1 }, "min_value"],
    [3, { max_value: 1 }, "max_value"],
    [3, { channel_types: [0] }, "channel_types"],
    [3, { file_types: [".pdf"] }, "file_types"],
    [3, { options: sub }, "options"],
    [1, { required: true }, "required"],
    [
      2,
      { required: true, options: { s: { type: 1, description: "s" } } },
      "required",
    ],
  ];
  for (const [type, fields, field] of cases) {
    refused(
      () => define(literal(type, fields)),
      TypeError,
      new RegExp(
        `Cannot define (option|subcommand|subcommand group) 'x' of command 'a' as option type ${type} .* does not take '${field}'`,
      ),
    );
  }
});

Deno.test("a field its type does not take passes when unset: null, undefined or false", () => {
  const unset = {
    required: false,
    choices: null,
    autocomplete: false,
    min_length: null,
    max_length: undefined,
    min_value: null,
    max_value: null,
    channel_types: null,
    file_types: null,
    options: undefined,
  };
  for (const type of [3, 4, 5, 6, 7, 8, 9, 10, 11]) {
    define(literal(type, unset));
  }
  define(literal(1, { ...unset, options: {} }));
  // The builders' own defaults (`required: false` on a subcommand).
  const group = subcommandGroup({
    description: "g",
    options: { s: subcommand({ description: "s" }) },
  });
  define({ g: group });
  // And each field on a type that takes it.
  define(literal(3, { min_length: 1, max_length: 2, autocomplete: true }));
  define(literal(4, { min_value: 1, max_value: 2, required: true }));
  define(literal(7, { channel_types: [0] }));
  define(literal(11, { file_types: [".pdf"] }));
});

Deno.test("router.autocomplete refuses a boolean option flagged for autocomplete, even in a definition not built by command()", () => {
  const definition = {
    type: 1,
    name: "flag",
    description: "d",
    options: {
      b: { type: 5, description: "b", required: false, autocomplete: true },
    },
  } as unknown as ChatInputCommand;
  assert.throws(
    () => new InteractionRouter().autocomplete(definition, "b", () => {}),
    /option 'b' of \/flag.*autocomplete: true/,
  );
  const ok = command({
    name: "ok",
    description: "d",
    options: {
      q: string({ description: "q", autocomplete: true }),
      n: integer({ description: "n", autocomplete: true }),
    },
  });
  new InteractionRouter().autocomplete(ok, "q", () => {})
    .autocomplete(ok, "n", () => {});
});

Deno.test("file type extensions go out lower case, from the builder and from a literal option", () => {
  const built = command({
    name: "up",
    description: "d",
    options: {
      f: attachment({ description: "f", fileTypes: ["image", ".PDF"] }),
      g: { type: 11, description: "g", required: false, file_types: [".Tar"] },
    },
  });
  const options = commandPayload(built).options as unknown as {
    file_types: string[];
  }[];
  assert.deepEqual(options.map((o) => o.file_types), [
    ["image", ".pdf"],
    [".tar"],
  ]);
});

Deno.test("syncCommands finds nothing to change the second time for a command with upper-case file types", async () => {
  const discord = new FakeRest();
  // Discord lower-cases the extensions it stores (reference, "File Type
  // Filtering": ".PDF and .pdf are equivalent"): model it in front.
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.method !== "PUT") return discord.fetch(request);
    const body = (await request.text()).replace(
      /"file_types":\[[^\]]*\]/g,
      (list) => list.toLowerCase(),
    );
    return discord.fetch(
      new Request(request.url, {
        method: "PUT",
        headers: request.headers,
        body,
      }),
    );
  };
  const rest = new RestClient({ token: "fake-bot-token", fetch });
  const upload = command({
    name: "upload",
    description: "Upload",
    options: {
      report: attachment({ description: "The PDF", fileTypes: [".PDF"] }),
    },
  });
  assert.equal((await syncCommands(rest, [upload])).changed, true);
  const second = await syncCommands(rest, [upload]);
  assert.deepEqual([second.changed, second.updated], [false, []]);
  assert.equal(
    discord.requests.filter((r) => r.method === "PUT").length,
    1,
  );
});

Deno.test("an empty list or map on a type that does not take the field passes, as sync reads it as Discord's default", () => {
  for (
    const [type, field, value] of [
      [5, "choices", []],
      [3, "channel_types", []],
      [6, "file_types", []],
      [3, "options", {}],
    ] as const
  ) {
    command({
      name: "empty",
      description: "Empty fields",
      options: {
        x: { type, description: "X", [field]: value } as never,
      },
    });
  }
});

Deno.test("a required attachment option is taken, built or literal", () => {
  command({
    name: "c",
    description: "d",
    options: { f: attachment({ description: "d", required: true }) },
  });
  command({
    name: "c",
    description: "d",
    options: { f: { type: 11, description: "d", required: true } } as never,
  });
});
