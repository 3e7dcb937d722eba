import assert from "node:assert/strict";
import { isPlainObject } from "../../base/is_record.ts";

Deno.test("isPlainObject takes what JSON writes as an object of its own fields", () => {
  assert.equal(isPlainObject({ a: 1 }), true);
  assert.equal(isPlainObject(Object.create(null)), true);
  assert.equal(isPlainObject(JSON.parse('{"__proto__": 1}')), true);
});

Deno.test("isPlainObject refuses what JSON would write as {} or not as an object", () => {
  // A Map's entries and a class's private state are no own fields: sent,
  // they cleared a route's metadata.
  class Tokens {
    #token = "t";
    get token(): string {
      return this.#token;
    }
  }
  for (const value of [new Map([["a", "1"]]), new Tokens(), [], null, "a", 1]) {
    assert.equal(isPlainObject(value), false, String(value));
  }
});
