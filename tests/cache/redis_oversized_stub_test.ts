// The bounds of what the Redis store writes instead of an oversized value
// (cache/redis_oversized.ts): which strings and lists a stub keeps, a stub
// as long as a value may be is kept, and the warning said once per kind.
import assert from "node:assert/strict";
import { MAX_VALUE_LENGTH } from "../../cache/redis_layout.ts";
import { OversizedValues, stubOf } from "../../cache/redis_oversized.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";

/** A `set` of a member, as the store's writes carry it. */
const setMember = (id: string, value: Record<string, unknown>) => ({
  op: "set" as const,
  kind: "member" as const,
  scope: "1",
  id,
  value,
});

Deno.test("stubOf keeps a string of 4,096 characters and a list of 250 strings of 100, and drops one character or item more, or a list with any item not short", () => {
  const list = (length: number, chars: number) =>
    Array.from({ length }, () => "r".repeat(chars));
  const stub = stubOf({
    topic: "t".repeat(4_096),
    longer: "t".repeat(4_097),
    roles: list(250, 100),
    more: list(251, 1),
    wider: list(2, 101),
    mixed: ["5", "r".repeat(101), { id: "5" }],
    user: { name: "n".repeat(4_096), bio: "b".repeat(4_097) },
  });
  assert.deepEqual(stub, {
    topic: "t".repeat(4_096),
    roles: list(250, 100),
    user: { name: "n".repeat(4_096) },
  });
});

Deno.test("OversizedValues.instead keeps a stub whose JSON is exactly as long as a value may be, and deletes one a character longer", () => {
  // Short fields whose stub's JSON is `length` characters long.
  const wide = (length: number) => {
    const value: Record<string, unknown> = {};
    for (let i = 0; i < 262; i++) value[`f${i}`] = "y".repeat(4_000);
    const over = JSON.stringify(value).length - length;
    value.f0 = "y".repeat(4_000 - over);
    assert.equal(JSON.stringify(value).length, length);
    return value;
  };
  const oversized = new OversizedValues();
  const exact = wide(MAX_VALUE_LENGTH);
  assert.deepEqual(
    oversized.instead(setMember("7", exact), "m", MAX_VALUE_LENGTH + 1),
    setMember("7", exact),
  );
  assert.deepEqual(
    oversized.instead(
      setMember("7", wide(MAX_VALUE_LENGTH + 1)),
      "m",
      MAX_VALUE_LENGTH + 2,
    ),
    { op: "delete", kind: "member", scope: "1", id: "7" },
  );
});

Deno.test("OversizedValues.instead warns once per kind, however many oversized values of it come", async () => {
  await withLogRecords(async (records) => {
    const oversized = new OversizedValues();
    const huge = "x".repeat(MAX_VALUE_LENGTH);
    for (const id of ["7", "8", "9"]) {
      oversized.instead(setMember(id, { nick: huge }), `m${id}`, 1);
    }
    assert.equal(messagesOf(records, /Not caching m7 whole/), 1);
    assert.equal(messagesOf(records, /Not caching/), 1);
    const role = { op: "set" as const, kind: "role" as const, scope: "1" };
    oversized.instead({ ...role, id: "5", value: { name: huge } }, "r5", 1);
    oversized.instead({ ...role, id: "6", value: { name: huge } }, "r6", 1);
    assert.equal(messagesOf(records, /Not caching r5 whole/), 1);
    assert.equal(messagesOf(records, /Not caching/), 2);
    await Promise.resolve();
  });
});
