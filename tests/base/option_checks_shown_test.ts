import assert from "node:assert/strict";
import { shown, shownQuoted } from "../../base/option_checks.ts";
import { Client } from "../../handler/client.ts";

Deno.test("shown() writes a bigint with its n: 'intents=513' would read as a valid value", () => {
  assert.equal(shown(513n), "513n");
  assert.equal(shownQuoted(-2n), "-2n");
  assert.equal(shown(513), "513");
});

Deno.test("A bigint option is shown as one in the Client's message", () => {
  assert.throws(
    () => new Client({ token: "t", intents: 513n as unknown as number }),
    /current value 'intents=513n'$/,
  );
  assert.throws(
    () =>
      new Client({
        token: "t",
        intents: 1,
        shards: 2n as unknown as number,
      }),
    /current value 'shards=2n'$/,
  );
});

Deno.test("shown() and shownQuoted() cut a value after 100 characters, not at 100", () => {
  assert.equal(shown("a".repeat(100)), "a".repeat(100));
  assert.equal(shown("a".repeat(101)), `${"a".repeat(100)}…`);
  assert.equal(
    shownQuoted("b".repeat(100_000)),
    JSON.stringify(`${"b".repeat(100)}…`),
  );
});

Deno.test("shown() names an object without a prototype 'object' and a method starting 'class' a function", () => {
  assert.equal(shown(Object.create(null)), "object");
  assert.equal(shown({ classify(): void {} }.classify), "function classify");
  assert.equal(shown(class Setup {}), "class Setup");
});
