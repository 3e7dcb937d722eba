import assert from "node:assert/strict";
import { fnv1a } from "../../base/fnv1a.ts";

Deno.test("fnv1a matches the published 32-bit FNV-1a vector of a longer text", () => {
  // "" and "a" are the module's own examples.
  assert.equal(fnv1a("foobar"), "bf9cf968");
});

Deno.test("fnv1a keeps leading zeros: always 8 hex digits", () => {
  // 0x006da193, computed independently.
  assert.equal(fnv1a("k2225"), "006da193");
});

Deno.test("fnv1a hashes UTF-16 code units, one per unit", () => {
  // One unit, 0x0100 (XORed whole, not as the UTF-8 bytes c4 80).
  assert.equal(fnv1a("\u0100"), "050aca1f");
});
