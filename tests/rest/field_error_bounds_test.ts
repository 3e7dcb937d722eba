// flattenErrors against a hostile server's errors tree: it reads at most
// MAX_ERROR_TREE_NODES objects, nothing past them (a later `_errors` of a
// node it was reading included), so its count of leaves left out is then
// a lower bound; and an `_errors` that is not an array is no list of
// leaves (its count stays a number, never NaN). Leaves nested past the
// depth limit are counted within that same budget. The field lines of a
// message may fill MAX_FIELD_DETAILS_LENGTH exactly, and a leaf of the
// body itself (an empty path) is listed as "(body)".
import assert from "node:assert/strict";
import {
  fieldErrorDetails,
  flattenErrors,
  MAX_ERROR_TREE_NODES,
  MAX_FIELD_DETAILS_LENGTH,
  MAX_FIELD_ERROR_DEPTH,
  MAX_FIELD_ERRORS,
} from "../../rest/field_errors.ts";
import { invalidFormBody } from "./_invalid_form_body.ts";

Deno.test("flattenErrors reads no more than MAX_ERROR_TREE_NODES objects of a wide tree, nor a later _errors of the node it stopped in", () => {
  const tree: Record<string, unknown> = {};
  // The root and its children are the objects read: one child past the
  // budget, and the root's own leaf after them all.
  for (let i = 0; i < MAX_ERROR_TREE_NODES; i++) {
    tree[`f${i}`] = { _errors: [{ code: "C", message: "m" }] };
  }
  tree._errors = [{ code: "ROOT", message: "last" }];
  const flat = flattenErrors(tree);
  assert.equal(flat.fields.length, MAX_FIELD_ERRORS);
  // Read: the root and MAX_ERROR_TREE_NODES - 1 children, the last of
  // which spent the budget before its keys; the leaves of the others.
  assert.equal(flat.omitted, MAX_ERROR_TREE_NODES - 2 - MAX_FIELD_ERRORS);
  assert.equal(flat.omitted, 99_948); // of the documented 100,000 objects
});

Deno.test("flattenErrors: an _errors that is not an array is walked as a field, never counted as leaves", () => {
  for (const odd of [{ code: "A", message: "b" }, "text", 5, null]) {
    const flat = flattenErrors({ content: { _errors: odd } });
    assert.deepEqual(flat, { fields: [], omitted: 0 }, JSON.stringify(odd));
  }
  const error = invalidFormBody({ content: { _errors: { length: 3 } } });
  assert.equal(error.fieldErrorsOmitted, 0);
  assert.doesNotMatch(error.message, /NaN|left out/);
});

Deno.test("flattenErrors: leaves nested past the depth limit are counted within the same budget of objects read", () => {
  const wide: Record<string, unknown> = {};
  for (let i = 0; i < MAX_ERROR_TREE_NODES + 50; i++) {
    wide[`f${i}`] = { _errors: [{ code: "C", message: "m" }] };
  }
  let tree: Record<string, unknown> = wide;
  for (let depth = 0; depth <= MAX_FIELD_ERROR_DEPTH; depth++) {
    tree = { a: tree };
  }
  const flat = flattenErrors(tree);
  assert.equal(flat.fields.length, 0);
  // The walk read the MAX_FIELD_ERROR_DEPTH + 1 levels above; the count
  // read the wide object and as many of its children as the budget left.
  const left = MAX_ERROR_TREE_NODES - (MAX_FIELD_ERROR_DEPTH + 1) - 1;
  assert.equal(flat.omitted, left);
});

Deno.test("fieldErrorDetails lists lines that fill MAX_FIELD_DETAILS_LENGTH exactly, leaving none out", () => {
  // Each line "\n  p: C " and 92 characters: 100, 40 of them 4,000.
  const line = { path: "p", code: "C", message: "m".repeat(92) };
  const count = MAX_FIELD_DETAILS_LENGTH / 100;
  const full = fieldErrorDetails({
    fields: Array.from({ length: count }, () => ({ ...line })),
    omitted: 0,
  });
  assert.equal(full.length, MAX_FIELD_DETAILS_LENGTH);
  assert.doesNotMatch(full, /left out/);
  const over = fieldErrorDetails({
    fields: Array.from({ length: count + 1 }, () => ({ ...line })),
    omitted: 0,
  });
  assert.match(over, /\n {2}\(1 more field error left out\)$/);
});

Deno.test("DiscordApiError lists a leaf of the body itself as (body)", () => {
  const error = invalidFormBody({
    _errors: [{ code: "BASE_TYPE_REQUIRED", message: "Empty." }],
  });
  assert.match(error.message, /\n {2}\(body\): BASE_TYPE_REQUIRED Empty\.$/);
});

Deno.test("flattenErrors keeps a path of exactly 200 characters and a code or message of exactly 300 whole", () => {
  const path = "k".repeat(200);
  const text = "t".repeat(300);
  const flat = flattenErrors({
    [path]: { _errors: [{ code: text, message: text }] },
  });
  assert.deepEqual(flat.fields, [{ path, code: text, message: text }]);
});

Deno.test("flattenErrors keeps the first 50 leaves of a wide tree", () => {
  const wide: Record<string, unknown> = {};
  for (let i = 0; i < 60; i++) {
    wide[`f${i}`] = { _errors: [{ code: "C", message: "m" }] };
  }
  const flat = flattenErrors(wide);
  assert.equal(flat.fields.length, 50);
  assert.equal(flat.fields.at(-1)!.path, "f49");
  assert.equal(flat.omitted, 10);
});
