import assert from "node:assert/strict";
import { closestName } from "../../base/closest_name.ts";

Deno.test("closestName suggests nothing when there are no candidates", () => {
  assert.equal(closestName("shards", []), undefined);
});

Deno.test("closestName allows at least one edit, even for names too short for a third", () => {
  // A third of 2 characters rounds down to 0 edits: 1 is still allowed.
  assert.equal(closestName("ud", ["id", "ok"]), "id");
  assert.equal(closestName("xy", ["id"]), undefined);
});

Deno.test("closestName counts each extra leading character as an edit", () => {
  // 2 extra letters: 2 edits, within a third of 7.
  assert.equal(closestName("xxready", ["ready"]), "ready");
  // 3 extra letters: 3 edits, past a third of 8 (2).
  assert.equal(closestName("xxxready", ["ready"]), undefined);
});

Deno.test("closestName counts two neighbouring letters swapped as one edit", () => {
  // Levenshtein counts a swap as two edits, past the one a 3-letter name
  // may have: the commonest typo got no hint.
  assert.equal(closestName("nwo", ["now", "shards"]), "now");
  assert.equal(closestName("tokne", ["token", "intents"]), "token");
  // Two swaps in a 3-letter name are still too far.
  assert.equal(closestName("wno", ["now"]), undefined);
  // Not a swap of neighbours: still two edits.
  assert.equal(closestName("won", ["now"]), undefined);
});
