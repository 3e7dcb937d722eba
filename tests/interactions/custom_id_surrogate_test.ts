// A custom id travels as UTF-8: an unpaired UTF-16 surrogate cannot be
// encoded, comes back from Discord as U+FFFD, and the id no longer reads
// back as built. Building or checking one is refused.
import assert from "node:assert/strict";
import {
  checkCustomId,
  compileCustomId,
  customId,
} from "../../interactions/custom_id.ts";
import { button, stringSelect } from "../../interactions/components.ts";

const LONE = ["ab\uD83D", "\uDC00", "a\uDC00\uD83Db", "\uD800".repeat(3)];

Deno.test("customId refuses a value with an unpaired surrogate, naming the parameter", () => {
  for (const name of LONE) {
    assert.throws(
      () => customId("tag:{name}", { name }),
      (error: unknown) =>
        error instanceof TypeError && /'name'/.test(error.message) &&
        /surrogate/.test(error.message),
      JSON.stringify(name),
    );
  }
  // Paired surrogates (an emoji) are kept as they are and read back.
  const id = customId("tag:{name}", { name: "ab💥" });
  assert.equal(id, "tag:ab💥");
  const wire = new TextDecoder().decode(new TextEncoder().encode(id));
  assert.deepEqual(compileCustomId("tag:{name}").match(wire), {
    name: "ab💥",
  });
});

Deno.test("checkCustomId and the component builders refuse an id with an unpaired surrogate", () => {
  for (const id of LONE) {
    assert.throws(
      () => checkCustomId(id),
      (error: unknown) =>
        error instanceof TypeError && /surrogate/.test(error.message),
      JSON.stringify(id),
    );
    assert.throws(() => button({ id, label: "x" }), /surrogate/);
    assert.throws(
      () => stringSelect({ id, options: [{ label: "a", value: "a" }] }),
      /surrogate/,
    );
  }
  checkCustomId("ok💥");
});

Deno.test("compileCustomId refuses a pattern with an unpaired surrogate: no id Discord sends could match it", () => {
  assert.throws(() => compileCustomId("x\uD800:{a}"), /surrogate/);
  assert.throws(() => compileCustomId("plain\uDFFF"), /surrogate/);
  assert.deepEqual(compileCustomId("💥:{a}").match("💥:b"), { a: "b" });
});
