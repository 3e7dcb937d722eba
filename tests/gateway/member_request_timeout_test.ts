// A members request's `timeout` is checked when it is asked for, as its
// backlog bounds are: a negative, NaN or zero timeout used to be taken and
// armed as a timer that fired at once, so the request failed with a
// `timeout` it never had a chance to meet, and one above the runtimes'
// 32-bit timer limit fired after 1 ms.
import assert from "node:assert/strict";
import {
  type MemberRequestShard,
  requestGuildMemberChunks,
} from "../../gateway/member_request.ts";
import { MAX_TIMER_DELAY } from "../../base/scheduler.ts";

// The check comes before the shard is used: no method of it is called.
const shard = {} as MemberRequestShard;
const data = { guild_id: "41771983423143937", user_ids: ["1"] };

for (
  const timeout of [-1, 0, NaN, Infinity, MAX_TIMER_DELAY + 1, "5" as never]
) {
  Deno.test(`requestGuildMemberChunks: timeout ${String(timeout)} is refused with a RangeError when asked for`, () => {
    assert.throws(
      () => requestGuildMemberChunks(shard, data, { timeout }),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message.includes("'timeout' must be a positive number"),
    );
  });
}

Deno.test("requestGuildMemberChunks: a positive timeout up to the timer limit is taken", () => {
  for (const timeout of [0.5, 1, 30_000, MAX_TIMER_DELAY]) {
    const chunks = requestGuildMemberChunks(shard, data, { timeout });
    assert.equal(typeof chunks.next, "function");
  }
});
