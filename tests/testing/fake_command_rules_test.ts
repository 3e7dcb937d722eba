/**
 * The bulk overwrite rules Discord holds commands to beyond names and
 * lengths: options' types, order and unique names, choice values,
 * `min_length`/`max_length`, empty descriptions of user and message
 * commands and the 8000-character size.
 */
import assert from "node:assert/strict";
import { FakeRest } from "../../testing/fake_rest.ts";
import { type JsonAnswer, jsonCall } from "./_one_channel.ts";

/** The fake's answer to a global bulk overwrite with `commands`. */
function overwrite(commands: unknown[]): Promise<JsonAnswer> {
  const fake = new FakeRest();
  return jsonCall(
    fake,
    "PUT",
    `/applications/${fake.applicationId}/commands`,
    commands,
  );
}

const option = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 3,
  name,
  description: "d",
  ...extra,
});

// deno-lint-ignore no-explicit-any
type Json = any;

/** The first error code of a leaf. */
const code = (leaf: Json): string => leaf._errors[0].code;

Deno.test("FakeRest refuses a command's options Discord refuses", async (t) => {
  const cases: [string, unknown[], (errors: Json) => unknown][] = [
    [
      "required after optional",
      [option("a"), option("b", { required: true })],
      (e) => code(e.options),
    ],
    [
      "duplicate option names",
      [option("a"), option("a")],
      (e) => code(e.options[1].name),
    ],
    [
      "option without type",
      [{ name: "a", description: "d" }],
      (e) => code(e.options[0].type),
    ],
    ["string choice value of 101", [
      option("a", { choices: [{ name: "n", value: "v".repeat(101) }] }),
    ], (e) => code(e.options[0].choices[0].value)],
    [
      "max_length 7000",
      [option("a", { max_length: 7000 })],
      (e) => code(e.options[0].max_length),
    ],
    [
      "min_length -1",
      [option("a", { min_length: -1 })],
      (e) => code(e.options[0].min_length),
    ],
  ];
  for (const [label, options, find] of cases) {
    await t.step(label, async () => {
      const answer = await overwrite([{
        name: "cmd",
        description: "d",
        options,
      }]);
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, 50035);
      assert.equal(typeof find(answer.json.errors[0]), "string");
    });
  }
});

Deno.test("FakeRest refuses a user command with a description and a slash command over 8000 characters", async () => {
  const user = await overwrite([{
    type: 2,
    name: "User X",
    description: "not empty",
  }]);
  assert.equal(user.status, 400);
  assert.equal(code(user.json.errors[0].description), "BASE_TYPE_MAX_LENGTH");

  // 25 options of 100-character descriptions and 25 choices of 100 + 100:
  // well over 8000, each field within its own limit.
  const choices = Array.from({ length: 25 }, (_, i) => ({
    name: `${i}`.padEnd(100, "n"),
    value: `${i}`.padEnd(100, "v"),
  }));
  const options = Array.from(
    { length: 2 },
    (_, i) => option(`o${i}`, { description: "x".repeat(100), choices }),
  );
  const big = await overwrite([{ name: "big", description: "d", options }]);
  assert.equal(big.status, 400);
  assert.equal(code(big.json.errors[0]), "APPLICATION_COMMAND_TOO_LARGE");

  // Localizations count at their longest, not summed.
  const localized = await overwrite([{
    name: "small",
    description: "d",
    description_localizations: { fr: "f".repeat(100), de: "g".repeat(100) },
    options: [option("a", { choices: choices.slice(0, 5) })],
  }]);
  assert.equal(localized.status, 200);
});
