// The sequence to resume from for Discord to send an event again is the one
// before it, but a READY's or RESUMED's own: Discord sends those only in
// answer to an IDENTIFY or RESUME. An unnumbered RESUMED takes the shard's
// last sequence N (the last event replayed); resuming from N - 1 would have
// Discord send event N a second time.
import assert from "node:assert/strict";
import { resumeBefore } from "../../gateway/resume_point.ts";

Deno.test("resumeBefore keeps a READY's or RESUMED's own sequence and takes the one before any other event's", () => {
  assert.equal(resumeBefore(42, "RESUMED"), 42);
  assert.equal(resumeBefore(1, "READY"), 1);
  assert.equal(resumeBefore(42, "MESSAGE_CREATE"), 41);
  assert.equal(resumeBefore(0, "MESSAGE_CREATE"), 0);
});
