// OverdueHold rules that fleet_overdue_hold_test.ts's scenes pass through
// without telling apart (each found as a surviving mutant): a shard dropped
// (stopping for another process to resume) has what it still hands on
// dropped too, not delivered at the next release; and a resume point holds
// only for the session it was taken in. A local clock driven by hand, as
// `FleetClock` gives it.
import assert from "node:assert/strict";
import { OverdueHold } from "../../fleet/_overdue_hold.ts";
import type { Shard, ShardDispatch } from "../../gateway/shard.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const RENEW_MS = 1_000;

function event(sequence: number): ShardDispatch {
  return {
    shardId: 0,
    name: "MESSAGE_CREATE",
    sequence,
    data: {},
  } as ShardDispatch;
}

/** A hold whose last renewal answered was sent at 0, now `at` ms later. */
function overdueHold(at: number): OverdueHold {
  let local = 0;
  const hold = new OverdueHold(
    { renewMs: RENEW_MS },
    { elapsed: (sentAt) => local - sentAt, now: () => local },
  );
  hold.renewed(0);
  local = at;
  return hold;
}

Deno.test("OverdueHold: what a dropped shard hands on while closing is not delivered at the next release; the other shards' events are", async () => {
  const hold = overdueHold(5_000);
  const stopping = { sessionId: "s" } as unknown as Shard;
  const other = { sessionId: "o" } as unknown as Shard;
  const delivered: string[] = [];
  await captureStderr(() => {
    hold.take(stopping, event(10), () => delivered.push("s10"));
    hold.take(other, event(3), () => delivered.push("o3"));
    // Stopping for another process to resume from before sequence 10.
    hold.drop([stopping]);
    hold.take(stopping, event(11), () => delivered.push("s11"));
    return Promise.resolve();
  });
  assert.deepEqual(delivered, [], "held while overdue");
  hold.renewed(5_000);
  hold.release();
  assert.deepEqual(delivered, ["o3"]);
});

Deno.test("OverdueHold: a shard's resume point is before its first held event only while its session is the one that event came in", async () => {
  const hold = overdueHold(5_000);
  const shard = { sessionId: "s1" } as { sessionId: string };
  await captureStderr(() => {
    hold.take(shard as unknown as Shard, event(10), () => {});
    return Promise.resolve();
  });
  assert.equal(hold.resumePoint(shard as unknown as Shard), 9);
  // Discord ended the session (op 9) and a new one was identified: the
  // held event's sequence means nothing in it.
  shard.sessionId = "s2";
  assert.equal(hold.resumePoint(shard as unknown as Shard), undefined);
});
