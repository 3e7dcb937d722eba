// Discord counts the characters of its limits in code points ("Our API
// uses Python 3, so the API calculates length based on the number of
// codepoints", discord-api-docs#1315): an emoji is one, not the two UTF-16
// units of String.length. Every limit of the package counts that way, so a
// text Discord takes is not refused (and one it refuses is).
import assert from "node:assert/strict";
import { command, string, userCommand } from "../../interactions/commands.ts";
import { button, stringSelect } from "../../interactions/components.ts";
import {
  label,
  modal,
  textInput,
} from "../../interactions/modal_components.ts";
import { InteractionContext } from "../../interactions/context.ts";
import {
  checkCustomId,
  compileCustomId,
  customId,
} from "../../interactions/custom_id.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { textLength } from "../../base/text_length.ts";
import { RestClient } from "../../rest/rest_client.ts";

/** `n` emoji: `n` code points, `2n` UTF-16 units. */
const emoji = (n: number): string => "😀".repeat(n);

Deno.test("textLength counts code points: an astral character is one, an unpaired surrogate one", () => {
  assert.equal(textLength(""), 0);
  assert.equal(textLength("abc"), 3);
  assert.equal(textLength(emoji(60)), 60);
  assert.equal(textLength("a\u{20000}b"), 3);
  assert.equal(textLength("\uD83D"), 1);
  assert.equal(textLength("\uDE00\uD83D"), 2);
  const mixed = "x😀\uD83Dy\uDE00😀";
  assert.equal(textLength(mixed), [...mixed].length);
});

Deno.test("textLength pairs only a high surrogate (D800-DBFF) with a low one (DC00-DFFF)", () => {
  // The first and last astral code points: one character each.
  assert.equal(textLength("\u{10000}"), 1);
  assert.equal(textLength("\u{10FFFF}"), 1);
  // A unit just outside either range makes no pair: two characters.
  for (
    const two of [
      "\uD7FF\uDC00",
      "\uD83D\uE000",
      "\uDC00\uDC00",
      "\uDFFF\uDC00",
    ]
  ) {
    assert.equal(textLength(two), 2, JSON.stringify(two));
    assert.equal(textLength(two), [...two].length);
  }
});

Deno.test("command descriptions, choices, context-menu names and the 8000 total count code points", () => {
  command({ name: "a", description: emoji(100) });
  assert.throws(
    () => command({ name: "a", description: emoji(101) }),
    /'description' must be 1-100 characters: current length '101'/,
  );
  command({
    name: "a",
    description: "d",
    options: { o: string({ description: emoji(100) }) },
  });
  userCommand({ name: emoji(32) });
  assert.throws(
    () => userCommand({ name: emoji(33) }),
    /'name' must be 1-32 characters/,
  );
  string({
    description: "d",
    choices: [{
      name: emoji(100),
      value: emoji(100),
      name_localizations: { fr: emoji(100) },
    }],
  });
  assert.throws(
    () =>
      string({ description: "d", choices: [{ name: emoji(101), value: "v" }] }),
    /choice's 'name' must be 1-100 characters/,
  );
  assert.throws(
    () =>
      string({ description: "d", choices: [{ name: "n", value: emoji(101) }] }),
    /at most 100 characters/,
  );
  // 25 choices of 100 + 100 emoji: 5000 code points (10,000 UTF-16 units).
  const choices = Array.from({ length: 25 }, (_, i) => ({
    name: emoji(99) + String.fromCharCode(65 + i),
    value: emoji(100),
  }));
  command({
    name: "big",
    description: "d",
    options: { o: string({ description: "d", choices }) },
  });
  const more = Array.from({ length: 25 }, (_, i) => ({
    name: emoji(99) + String.fromCharCode(97 + i),
    value: emoji(100),
  }));
  assert.throws(
    () =>
      command({
        name: "big",
        description: "d",
        options: {
          o: string({ description: "d", choices }),
          p: string({ description: "d", choices: more }),
        },
      }),
    /more than 8000 characters.*current size '10008'/,
  );
});

Deno.test("component labels, titles, placeholders and option texts count code points", () => {
  button({ id: "a", label: emoji(80) });
  assert.throws(
    () => button({ id: "a", label: emoji(81) }),
    /'label' must be at most 80 characters: current length '81'/,
  );
  modal({
    id: "m",
    title: emoji(45),
    components: [label(emoji(45), textInput({ id: "t" }))],
  });
  assert.throws(
    () =>
      modal({
        id: "m",
        title: emoji(46),
        components: [label("l", textInput({ id: "t" }))],
      }),
    /'title' must be at most 45 characters: current length '46'/,
  );
  stringSelect({
    id: "s",
    placeholder: emoji(150),
    options: [{ label: emoji(100), value: emoji(100) }],
  });
  assert.throws(
    () =>
      stringSelect({ id: "s", options: [{ label: emoji(101), value: "v" }] }),
    /'options.label' must be at most 100 characters/,
  );
});

Deno.test("custom ids count code points: built, checked and matched alike, so a 60-emoji id reaches its route", () => {
  checkCustomId(emoji(100));
  button({ id: emoji(100), label: "x" });
  assert.throws(
    () => checkCustomId(emoji(101)),
    /must be 1-100 characters: current length '101'/,
  );
  const id = customId("v:{x}", { x: emoji(60) });
  assert.equal(id, "v:" + emoji(60));
  assert.deepEqual(compileCustomId("v:{x}").match(id), { x: emoji(60) });
  assert.deepEqual(compileCustomId("{x}").match(emoji(100)), {
    x: emoji(100),
  });
  // Over Discord's 100, in code points, still matches nothing.
  assert.equal(compileCustomId("{x}").match(emoji(101)), undefined);
  assert.equal(compileCustomId("{x}").match("a".repeat(101)), undefined);
});

Deno.test("the context counts code points: 2000 emoji of content and 100-emoji autocomplete choices go out, one more is refused", async () => {
  // Discord's answer stubbed: the FakeRest counts content in UTF-16 units.
  const sent: string[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: (input: RequestInfo | URL) => {
      sent.push(new Request(input).url);
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  });
  const context = (id: string, type: number) =>
    new InteractionContext(
      { id, token: "tok", application_id: "42", type } as never,
      { rest },
    );
  const refused = (error: unknown) =>
    error instanceof InteractionError && error.kind === "invalid_response";
  await assert.rejects(context("1", 2).respond(emoji(2001)), refused);
  await context("2", 2).respond(emoji(2000));
  await assert.rejects(
    context("3", 4).autocomplete([{ name: emoji(101), value: "v" }]),
    refused,
  );
  await assert.rejects(
    context("4", 4).autocomplete([{ name: "n", value: emoji(101) }]),
    refused,
  );
  await context("5", 4).autocomplete([{ name: emoji(100), value: emoji(100) }]);
  assert.equal(sent.length, 2);
});
