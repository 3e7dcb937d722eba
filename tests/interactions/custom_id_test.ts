import assert from "node:assert/strict";
import { compileCustomId, customId } from "../../interactions/custom_id.ts";

Deno.test("customId and compileCustomId round-trip parameters, regex characters included", () => {
  const pattern = "page(1)+.{list}|*{n}";
  const id = customId(pattern, { list: "to[do]", n: 3 });
  assert.equal(id, "page(1)+.to[do]|*3");
  assert.deepEqual(compileCustomId(pattern).match(id), {
    list: "to[do]",
    n: "3",
  });
  assert.equal(compileCustomId(pattern).match("page(1)+x"), undefined);
  // The last parameter takes the rest, separators included.
  assert.deepEqual(compileCustomId("tag:{rest}").match("tag:a:b"), {
    rest: "a:b",
  });
});

Deno.test("customId refuses a value that would be read back split differently", () => {
  // "a:b" then ":" reads back as list "a", n "b:3": the click would carry
  // other parameters than the button was built with.
  assert.throws(
    () => customId("page:{list}:{n}", { list: "a:b", n: 3 }),
    (error: unknown) =>
      error instanceof TypeError && /'list'/.test(error.message),
  );
  // An empty value next to a separator is fine when it reads back.
  assert.equal(customId("page:{list}:{n}", { list: "", n: 3 }), "page::3");
  // The separator in the last value is fine: it reads back whole.
  assert.equal(
    customId("page:{list}:{n}", { list: "a", n: "b:c" }),
    "page:a:b:c",
  );
});

Deno.test("customId refuses more than 100 characters, and a missing value", () => {
  assert.throws(
    () => customId("x:{v}", { v: "y".repeat(99) }),
    RangeError,
  );
  assert.equal(customId("x:{v}", { v: "y".repeat(98) }).length, 100);
  assert.throws(
    () => customId("x:{v}", {} as { v: string }),
    TypeError,
  );
  assert.throws(() => compileCustomId("a:{}"), TypeError);
  assert.throws(() => compileCustomId("a:{x}:{x}"), TypeError);
});

Deno.test("a custom id longer than Discord's 100 characters matches no pattern (its lazy groups would backtrack over it in polynomial time)", () => {
  const pattern = compileCustomId("t:{a}:{b}:{c}:ok");
  const fits = `t:${"x".repeat(91)}:b:c:ok`;
  assert.equal(fits.length, 100);
  assert.deepEqual(pattern.match(fits), { a: "x".repeat(91), b: "b", c: "c" });
  assert.equal(pattern.match(`t:${"x".repeat(200)}:b:c:ok`), undefined);
  // The hostile shape: many separators and no ending literal.
  assert.equal(pattern.match(`t:${":".repeat(2000)}`), undefined);
});

Deno.test("compileCustomId matches in one pass: literals anchor both ends, each parameter runs to the next literal, and a 100-character id against six parameters is one scan", () => {
  const p = compileCustomId("a:{u}:{v}:{w}:{x}:{y}:{z}!");
  assert.deepEqual(p.match("a:1:2:3:4:5:6!"), {
    u: "1",
    v: "2",
    w: "3",
    x: "4",
    y: "5",
    z: "6",
  });
  // The id that took the lazy regular expression 4.3 s: no trailing "!".
  assert.equal(p.match("a:" + ":".repeat(98)), undefined);
  // The last parameter runs to the final literal, which ends the id.
  const tail = compileCustomId("{x}:z");
  assert.deepEqual(tail.match("a:zb:z"), { x: "a:zb" });
  assert.equal(tail.match("a:zb"), undefined);
  // Adjacent parameters: the first takes nothing, as a lazy group did.
  assert.deepEqual(compileCustomId("{a}{b}").match("xy"), { a: "", b: "xy" });
  // No parameter: the id is the pattern.
  assert.deepEqual(compileCustomId("ok").match("ok"), {});
  assert.equal(compileCustomId("ok").match("ok!"), undefined);
  // Head and tail may not overlap.
  assert.equal(compileCustomId("ab{x}ba").match("aba"), undefined);
});
