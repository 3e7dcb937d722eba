// customId() refuses a parameter with no value of its own: one that is
// `undefined` or `null` (given through a cast or from untyped data) or only
// inherited from Object.prototype (`{constructor}`, `{toString}`) used to
// fill the id with "undefined" or a function's source text.
import assert from "node:assert/strict";
import { customId } from "../../interactions/custom_id.ts";

const build = customId as (
  pattern: string,
  params: Record<string, unknown>,
) => string;

function missing(name: string): (error: unknown) => boolean {
  return (error) =>
    error instanceof TypeError &&
    error.message.includes(`parameter '${name}' has no value`);
}

Deno.test("customId refuses an undefined or null value", () => {
  assert.throws(
    () => build("ban:{user}", { user: undefined }),
    missing("user"),
  );
  assert.throws(() => build("ban:{user}", { user: null }), missing("user"));
  assert.throws(() => build("ban:{user}", {}), missing("user"));
});

Deno.test("customId refuses a name only Object.prototype has", () => {
  for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
    assert.throws(() => build(`t:{${name}}`, {}), missing(name));
  }
});

Deno.test("customId still takes own values named like Object.prototype's, and falsy ones", () => {
  assert.equal(build("t:{constructor}", { constructor: "c" }), "t:c");
  assert.equal(build("t:{toString}", { toString: 0 }), "t:0");
  assert.equal(build("t:{a}:{b}", { a: false, b: "" }), "t:false:");
  const params = Object.create(null) as Record<string, unknown>;
  params.user = "7";
  assert.equal(build("ban:{user}", params), "ban:7");
});
