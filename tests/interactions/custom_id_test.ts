import assert from "node:assert/strict";
import {
  checkCustomId,
  compileCustomId,
  customId,
} from "../../interactions/custom_id.ts";

Deno.test("customId and compileCustomId round-trip parameters, regex characters included", () => {
  const pattern = "page(1)+.{list}|*{n}";
  const id = customId(pattern, { list: "to[do]", n: 3 });
  assert.equal(id, "page(1)+.to%5Bdo%5D|*3");
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

Deno.test("customId escapes values so none routes a click elsewhere: 'rules:delete' in tag:{name} is not tag:{name}:delete", () => {
  const id = customId("tag:{name}", { name: "rules:delete" });
  assert.equal(id, "tag:rules%3Adelete");
  // The delete route no longer takes it; the show route reads it back.
  assert.equal(compileCustomId("tag:{name}:delete").match(id), undefined);
  assert.deepEqual(compileCustomId("tag:{name}").match(id), {
    name: "rules:delete",
  });
  // Within one pattern a value holding the separator reads back whole.
  const page = customId("page:{list}:{n}", { list: "a:b", n: "c:d" });
  assert.equal(page, "page:a%3Ab:c%3Ad");
  assert.deepEqual(compileCustomId("page:{list}:{n}").match(page), {
    list: "a:b",
    n: "c:d",
  });
  // '%' is escaped too; letters, digits, '-', '_', '.' and non-ASCII stay.
  const kept = "Ab9-_.é🎲";
  assert.equal(
    customId("x:{v}", { v: `${kept} 50%/` }),
    `x:${kept}%2050%25%2F`,
  );
  assert.deepEqual(compileCustomId("x:{v}").match(`x:${kept}%2050%25%2F`), {
    v: `${kept} 50%/`,
  });
  // Every ASCII character round-trips (16 at a time: escaped, 48 each).
  for (let start = 0; start < 128; start += 16) {
    const value = Array.from(
      { length: 16 },
      (_, i) => String.fromCharCode(start + i),
    ).join("");
    const built = customId("{a}:{b}", { a: value, b: value });
    assert.deepEqual(compileCustomId("{a}:{b}").match(built), {
      a: value,
      b: value,
    });
  }
  // The 100-character limit applies to the escaped id.
  assert.equal(customId("x:{v}", { v: ":".repeat(32) }).length, 98);
  assert.throws(() => customId("x:{v}", { v: ":".repeat(33) }), RangeError);
  // An empty value next to a separator is fine.
  assert.equal(customId("page:{list}:{n}", { list: "", n: 3 }), "page::3");
});

Deno.test("a custom id built elsewhere with a '%' that starts no escape matches nothing (and does not throw)", () => {
  const pattern = compileCustomId("vote:{x}");
  assert.deepEqual(pattern.match("vote:50%25"), { x: "50%" });
  assert.deepEqual(pattern.match("vote:a%3ab"), { x: "a:b" }, "lower-case hex");
  for (const id of ["vote:50%", "vote:%2", "vote:%zz", "vote:%E9", "vote:%%"]) {
    assert.equal(pattern.match(id), undefined, id);
  }
  // Ids without '%' read as they are, raw punctuation included.
  assert.deepEqual(pattern.match("vote:a b/c"), { x: "a b/c" });
});

Deno.test("compileCustomId refuses two parameters not separated by punctuation a value never holds", () => {
  for (
    const pattern of [
      "{a}{b}",
      "{a}x{b}",
      "{a}-{b}",
      "{a}_{b}",
      "{a}.{b}",
      "{a}%{b}",
      "{a}é{b}",
      "t:{a}7{b}",
    ]
  ) {
    assert.throws(
      () => compileCustomId(pattern),
      (error: unknown) =>
        error instanceof TypeError &&
        /between '\{a\}' and '\{b\}'/.test(error.message),
      pattern,
    );
    assert.throws(
      () => customId(pattern, { a: "1", b: "2" } as never),
      TypeError,
    );
  }
  // Letters before the first parameter are fine: the id's start anchors
  // them, and a value never reaches back before its parameter.
  assert.deepEqual(compileCustomId("page{n}:{m}:x").match("page1:2:x"), {
    n: "1",
    m: "2",
  });
  assert.deepEqual(compileCustomId("{a}:x{b}").match("1:x2"), {
    a: "1",
    b: "2",
  });
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
  // No parameter: the id is the pattern.
  assert.deepEqual(compileCustomId("ok").match("ok"), {});
  assert.equal(compileCustomId("ok").match("ok!"), undefined);
  // Head and tail may not overlap.
  assert.equal(compileCustomId("ab{x}:ba").match("ab:a"), undefined);
  // "a:a" starts with "a:" and ends with ":a" only by overlapping them.
  assert.equal(compileCustomId("a:{x}:a").match("a:a"), undefined);
  assert.deepEqual(compileCustomId("a:{x}:a").match("a::a"), { x: "" });
});

Deno.test("compileCustomId refuses text after the last parameter that a value could end with: 'ticket-{id}-close' beside 'ticket-{id}' took the value 'x-close' as a close", () => {
  for (
    const pattern of ["ticket-{id}-close", "t:{a}x", "t:{a}.json", "t:{a}✓"]
  ) {
    assert.throws(
      () => compileCustomId(pattern),
      (error: unknown) =>
        error instanceof TypeError && /after '\{(id|a)\}'/.test(error.message),
      pattern,
    );
  }
  // Punctuation that encoding always escapes ends a parameter safely.
  const close = compileCustomId("ticket-{id}:close");
  const id = customId("ticket-{id}", { id: "user:close" });
  assert.equal(close.match(id), undefined);
  assert.deepEqual(compileCustomId("ticket-{id}").match(id), {
    id: "user:close",
  });
});

Deno.test("customId writes letters, digits, '-', '_', '.' and any non-ASCII character as they are, and each reads back", () => {
  const kept = "azAZ09-_.\u0080é";
  const id = customId("t:{v}", { v: kept });
  assert.equal(id, `t:${kept}`);
  assert.deepEqual(compileCustomId("t:{v}").match(id), { v: kept });
});

Deno.test("checkCustomId refuses an empty custom id (Discord's are 1-100 characters)", () => {
  assert.throws(() => checkCustomId(""), RangeError);
  checkCustomId("x");
});

Deno.test("compileCustomId counts a pattern's fixed text in characters, not UTF-16 units: 98 emoji and a separator fit", () => {
  const head = "😀".repeat(98) + ":";
  const pattern = compileCustomId(`${head}{v}`);
  // 100 characters (199 UTF-16 units).
  assert.deepEqual(pattern.match(`${head}x`), { v: "x" });
  assert.throws(() => compileCustomId(`${"😀".repeat(100)}:{v}`), RangeError);
});
