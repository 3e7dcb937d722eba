/**
 * The rules of a bulk overwrite over its whole list: names unique per type
 * ("Command names are unique per application, per type, within each
 * scope") and at most 100 `CHAT_INPUT`, 15 `USER`, 15 `MESSAGE` commands.
 */
import assert from "node:assert/strict";
import { commandListErrors } from "../../testing/_command_checks.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The first error code of a leaf. */
const code = (leaf: Json): string => leaf._errors[0].code;

Deno.test("commandListErrors refuses a name twice per type and more commands of a type than Discord holds", () => {
  const twice = commandListErrors([
    { name: "ping", description: "d" },
    { type: 2, name: "ping" },
    { name: "ping", description: "e" },
  ]);
  assert.deepEqual(Object.keys(twice), ["2"]);
  assert.equal(code(twice[2]), "APPLICATION_COMMANDS_DUPLICATE_NAME");

  const slash = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `c${i}`, description: "d" }));
  const user = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ type: 2, name: `U ${i}` }));
  assert.deepEqual(commandListErrors([...slash(100), ...user(15)]), {});
  assert.equal(code(commandListErrors(slash(101))), "BASE_TYPE_MAX_LENGTH");
  assert.equal(code(commandListErrors(user(16))), "BASE_TYPE_MAX_LENGTH");
});
