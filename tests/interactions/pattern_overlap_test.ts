import assert from "node:assert/strict";
import {
  compileCustomId,
  customId,
  type CustomIdPattern,
} from "../../interactions/custom_id.ts";
import { overlapExample } from "../../interactions/_pattern_overlap.ts";
import { Gen } from "../_fakes/prng.ts";

function example(earlier: string, later: string): string | undefined {
  return overlapExample(compileCustomId(earlier), compileCustomId(later));
}

Deno.test("overlapExample: an id the later pattern builds and the earlier one takes, or none", () => {
  const rows: [string, string, string | undefined][] = [
    ["a:{x}", "{y}:b", "a:b"],
    ["{y}:b", "a:{x}", "a:b"],
    ["vote:{id}", "{kind}:{id}", "vote:x"],
    ["{kind}:{id}", "vote:{id}", "vote:x"], // shadowed: every id of it
    ["confirm", "{action}", "confirm"],
    // The earlier parameter runs to the first ':z:', past the later's ':y'.
    ["{p}:z:{q}", "{a}:y:z:{b}", "x:y:z:x"],
    ["{p}:{q}:c", "a:{x}:{y}", "a:x:c"],
    // A literal '%3A' is what encoding writes for ':' in a value.
    ["x%3A{a}", "x{b}", "x%3Ax"],
    // A literal holding the probe: the value is filled with another letter.
    ["{a}:x:{b}", "{c}:x:{d}", "y:x:x"],
    // The earlier pattern decodes its value: '%' and digits, '%00' is NUL.
    ["{a}", "%{c}", "%00"],
    ["{a}:%x", "%{c}:%x", "%00:%x"],
    // Its hex digits may be lowercase: '%0a' is a newline.
    ["{a}", "%0a{c}", "%0ax"],
    // Known miss (see the module doc): '%30:%30' is an id of both, but the
    // earlier parameter ends at a literal holding a '%'.
    ["{a}:%{b}", "%{c}:%{d}", undefined],
    // Ids are 100 characters at most: one of exactly 100 is found, and
    // a pair whose shortest shared id would be 101 has none.
    [`${"a".repeat(98)}{x}:`, "{y}:", `${"a".repeat(98)}x:`],
    [`${"a".repeat(99)}{x}:`, "{y}:", undefined],
    // Disjoint.
    ["tag:{name}", "vote:{id}", undefined],
    ["vote:{id}", "vote/{id}", undefined],
    ["a:{x}:b", "{y}:c", undefined],
    ["ticket-{id}:close", "ticket-{id}", undefined],
    ["page:{n}/{m}", "page:{n}", undefined], // ids of 'page:{n}' hold no '/'
    // Ids of the earlier pattern the later also matches reach their own
    // route: not reported ("poll:a:b" is the earlier one's).
    ["poll:{x}:{y}", "poll:{x}", undefined],
    // A value never holds a raw ':' (it is '%3A'), so no id of 'u{a}' ends
    // with ':v' as the earlier pattern needs.
    ["{a}:v", "u{a}", undefined],
  ];
  for (const [earlier, later, expected] of rows) {
    assert.equal(example(earlier, later), expected, `${earlier} / ${later}`);
  }
});

/** A random valid pattern over a small alphabet, or `undefined`. */
function randomPattern(gen: Gen): string | undefined {
  let source = "";
  let params = 0;
  const parts = 1 + gen.int(4);
  for (let i = 0; i < parts; i++) {
    if (gen.chance(0.5)) source += `{p${params++}}`;
    const length = gen.int(3);
    for (let j = 0; j < length; j++) source += gen.pick([..."ab:/-"]);
  }
  try {
    compileCustomId(source);
    return source;
  } catch {
    return undefined;
  }
}

/** Every id `pattern` builds from values of up to two of `a`, `b`, `-`, `:`. */
function builtIds(pattern: CustomIdPattern): string[] {
  const values = [""];
  for (const first of "ab-:") {
    values.push(first);
    for (const second of "ab-:") values.push(first + second);
  }
  let combos: Record<string, string>[] = [{}];
  for (const name of pattern.names) {
    combos = combos.flatMap((combo) =>
      values.map((value) => ({ ...combo, [name]: value }))
    );
  }
  return combos.flatMap((combo) => {
    try {
      return [customId(pattern.source, combo)];
    } catch {
      return []; // empty
    }
  });
}

Deno.test("overlapExample agrees with trying every id of the later pattern, on random pairs (seeded)", () => {
  const gen = new Gen(0x0e1a9);
  let overlapping = 0;
  let disjoint = 0;
  for (let round = 0; round < 5000; round++) {
    const earlierSource = randomPattern(gen);
    const laterSource = randomPattern(gen);
    if (earlierSource === undefined || laterSource === undefined) continue;
    const earlier = compileCustomId(earlierSource);
    const later = compileCustomId(laterSource);
    if (later.names.length > 2) continue;
    const found = overlapExample(earlier, later);
    const label = `'${earlierSource}' / '${laterSource}': ${found}`;
    if (found !== undefined) {
      // Sound: a real id of the later pattern that the earlier one takes.
      assert.ok(earlier.match(found), label);
      const params = later.match(found);
      assert.ok(params !== undefined, label);
      assert.equal(customId(laterSource, params), found, label);
      overlapping++;
    } else {
      // Nothing the brute force finds is missed.
      const taken = builtIds(later).find((id) => earlier.match(id));
      assert.equal(taken, undefined, label);
      disjoint++;
    }
  }
  // The random pairs exercise both answers.
  assert.ok(overlapping > 100 && disjoint > 100, `${overlapping}/${disjoint}`);
});
