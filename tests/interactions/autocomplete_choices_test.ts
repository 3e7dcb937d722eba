// ctx.autocomplete checks its choices as a definition's choices are
// checked, against the type of the option that has focus (found under a
// subcommand or a group too): a STRING's values are strings of at most 100
// characters, an INTEGER's safe integers, a NUMBER's finite numbers within
// 2^53, and `name_localizations` are keyed by Discord locales with names of
// 1-100 characters. In HTTP mode such choices used to go out as a 200 that
// Discord refuses while ctx.autocomplete() resolved.
import assert from "node:assert/strict";
import {
  type Choice,
  command,
  integer,
  number,
  string,
} from "../../interactions/commands.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import type { InteractionResponseBody } from "../../rest/payloads.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const search = command({
  name: "search",
  description: "Search",
  options: {
    q: string({ description: "Text", autocomplete: true }),
    n: integer({ description: "Count", autocomplete: true }),
    x: number({ description: "Amount", autocomplete: true }),
  },
});

/** An autocomplete interaction of /search with `option` focused. */
function autocompleteOf(
  id: string,
  option: { name: string; type: number; value: string },
  data: { name?: string; options?: unknown[] } = {},
): Interaction {
  return commandInteraction({
    id,
    type: 4,
    data: {
      id: "9",
      name: data.name ?? "search",
      type: 1,
      options: data.options ?? [{ ...option, focused: true }],
    },
  });
}

const STRING = { name: "q", type: 3, value: "a" };
const INTEGER = { name: "n", type: 4, value: "1" };
const NUMBER = { name: "x", type: 10, value: "1" };

function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof InteractionError && error.kind === "invalid_response" &&
    pattern.test(error.message);
}

/** Choices Discord refuses for the focused option, and what the refusal says. */
const REFUSED: [typeof STRING, Choice[], RegExp][] = [
  [STRING, [{ name: "one", value: 1 }], /must be a string like the option/],
  [INTEGER, [{ name: "half", value: 1.5 }], /must be an integer/],
  [INTEGER, [{ name: "str", value: "abc" }], /must be a number like/],
  [INTEGER, [{ name: "big", value: 2 ** 53 }], /INTEGER range/],
  [NUMBER, [{ name: "str", value: "1" }], /must be a number like/],
  [NUMBER, [{ name: "big", value: 2 ** 54 }], /NUMBER range/],
  [
    STRING,
    [{ name: "x", value: "y", name_localizations: { "xx-XX": "z" } }],
    /'name_localizations' has a key that is not a Discord locale.*'xx-XX'/,
  ],
  [
    STRING,
    [{ name: "x", value: "y", name_localizations: { fr: "z".repeat(101) } }],
    /the 'fr' name of choice 'x' must be 1-100 characters/,
  ],
  [
    INTEGER,
    [{ name: "x", value: 1, name_localizations: { de: "" } }],
    /the 'de' name of choice 'x' must be 1-100 characters/,
  ],
];

Deno.test("HTTP mode: autocomplete choices Discord refuses for the focused option get a 500 and onError, not a 200", async () => {
  const { signer, fake, router, errors, handler } = await endpointHarness();
  let choices: Choice[] = [];
  router.command(search, (_, ctx) => ctx.respond("ok"));
  for (const option of ["q", "n", "x"] as const) {
    router.autocomplete(search, option, (_, ctx) => ctx.autocomplete(choices));
  }
  let id = 2100;
  for (const [option, given, pattern] of REFUSED) {
    choices = given;
    const response = await handler(
      await signer.request(autocompleteOf(String(id++), option)),
    );
    assert.equal(response.status, 500, `${pattern} went out`);
    await response.body?.cancel();
    const error = errors.shift();
    assert.ok(refused(pattern)(error), String(error));
    assert.match(String(error?.message), /Cannot answer autocomplete/);
  }
  assert.equal(fake.requests.length, 0);
});

Deno.test("autocomplete choices of the focused option's type are sent, under a subcommand or a group too", async () => {
  const sent: InteractionResponseBody[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: new FakeRest({ token: "t" }).fetch,
  });
  const context = (interaction: Interaction): InteractionContext =>
    new InteractionContext(interaction, {
      rest,
      respond: (body) => {
        sent.push(body);
        return Promise.resolve();
      },
    });
  const localized = { name: "x", name_localizations: { fr: "z".repeat(100) } };
  await context(autocompleteOf("2200", STRING)).autocomplete([
    { ...localized, value: "y".repeat(100) },
  ]);
  await context(autocompleteOf("2201", INTEGER)).autocomplete([
    { ...localized, value: 2 ** 53 - 1 },
  ]);
  await context(autocompleteOf("2202", NUMBER)).autocomplete([
    { name: "half", value: 1.5 },
    { name: "big", value: -(2 ** 53) },
  ]);
  // A missing translation (`{ fr: t.fr?.[key] }`) is left out of the JSON:
  // not refused.
  await context(autocompleteOf("2207", STRING)).autocomplete([
    { name: "x", value: "y", name_localizations: { fr: undefined } },
  ] as unknown as Choice[]);
  assert.equal(sent.length, 4);
  sent.pop();
  assert.equal(sent.length, 3);
  assert.deepEqual(sent[0], {
    type: 8,
    data: { choices: [{ ...localized, value: "y".repeat(100) }] },
  });
  // Focused under a group and a subcommand: its type is still found.
  const nested = (id: string, focused: typeof STRING): Interaction =>
    autocompleteOf(id, focused, {
      options: [{
        name: "admin",
        type: 2,
        options: [{
          name: "find",
          type: 1,
          options: [{ name: "q", type: 3, value: "a" }, {
            ...focused,
            focused: true,
          }],
        }],
      }],
    });
  await assert.rejects(
    context(nested("2203", INTEGER)).autocomplete([{ name: "h", value: 0.5 }]),
    refused(/must be an integer/),
  );
  await assert.rejects(
    context(nested("2204", STRING)).autocomplete([{ name: "o", value: 1 }]),
    refused(/must be a string like the option/),
  );
  await context(nested("2205", NUMBER)).autocomplete([{
    name: "h",
    value: 0.5,
  }]);
  const inSubcommand = autocompleteOf("2206", INTEGER, {
    options: [{
      name: "find",
      type: 1,
      options: [{ ...INTEGER, focused: true }],
    }],
  });
  await assert.rejects(
    context(inSubcommand).autocomplete([{ name: "s", value: "1" }]),
    refused(/must be a number like the option/),
  );
  assert.equal(sent.length, 4, "a refused answer was sent");
});

Deno.test("choices past the 25 sent are not checked: only what goes out must be valid", async () => {
  const sent: InteractionResponseBody[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: new FakeRest({ token: "t" }).fetch,
  });
  const ctx = new InteractionContext(autocompleteOf("2300", INTEGER), {
    rest,
    respond: (body) => {
      sent.push(body);
      return Promise.resolve();
    },
  });
  const choices: Choice[] = Array.from(
    { length: 25 },
    (_, i) => ({ name: `c${i}`, value: i }),
  );
  await ctx.autocomplete([...choices, { name: "extra", value: 0.5 }]);
  assert.equal(
    (sent[0]!.data as { choices: Choice[] }).choices.length,
    25,
  );
});

Deno.test("when the payload names no focused option of a choice type, each choice is checked by its own value's type", async () => {
  const sent: InteractionResponseBody[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: new FakeRest({ token: "t" }).fetch,
  });
  const context = (interaction: Interaction): InteractionContext =>
    new InteractionContext(interaction, {
      rest,
      respond: (body) => {
        sent.push(body);
        return Promise.resolve();
      },
    });
  const unsaid = [
    [], // no option has focus
    [{ ...INTEGER, focused: "yes" }], // only `true` is focus
    [{ name: "b", type: 5, value: "t", focused: true }], // no choices' type
  ];
  let id = 2400;
  for (const options of unsaid) {
    const choices = [{ name: "half", value: 0.5 }, { name: "s", value: "s" }];
    await context(autocompleteOf(String(id++), STRING, { options }))
      .autocomplete(choices);
    await assert.rejects(
      context(autocompleteOf(String(id++), STRING, { options }))
        .autocomplete([{ name: "long", value: "y".repeat(101) }]),
      refused(/100/),
    );
  }
  assert.equal(sent.length, unsaid.length);
});
