// The sequence to resume from for Discord to send an event again is the one
// before it, but a READY's or RESUMED's own: Discord sends those only in
// answer to an IDENTIFY or RESUME. An unnumbered RESUMED takes the shard's
// last sequence N (the last event replayed); resuming from N - 1 would have
// Discord send event N a second time.
import assert from "node:assert/strict";
import {
  resumeBefore,
  type ResumePoint,
  savedSequence,
} from "../../gateway/resume_point.ts";
import type { Shard } from "../../gateway/shard.ts";

Deno.test("resumeBefore keeps a READY's or RESUMED's own sequence and takes the one before any other event's", () => {
  assert.equal(resumeBefore(42, "RESUMED"), 42);
  assert.equal(resumeBefore(1, "READY"), 1);
  assert.equal(resumeBefore(42, "MESSAGE_CREATE"), 41);
  assert.equal(resumeBefore(0, "MESSAGE_CREATE"), 0);
});

Deno.test("savedSequence is the lowest of the received sequence and the points', never above the received one", () => {
  const shard = {} as Shard;
  const points = (...froms: (number | undefined)[]): ResumePoint[] =>
    froms.map((from) => () => from);
  assert.equal(savedSequence(shard, 50, []), 50);
  assert.equal(savedSequence(shard, 50, points(undefined, 41, 45)), 41);
  // A point past what was received (a listener's stale or wrong answer)
  // must not have the resume skip events never received.
  assert.equal(savedSequence(shard, 50, points(60)), 50);
  assert.equal(savedSequence(shard, 50, points(43, 60, undefined)), 43);
});
