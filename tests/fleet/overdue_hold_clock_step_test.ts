// The overdue hold's warning after the wall clock stepped forward (or the
// machine was suspended): the last renewal answered looks as old as the
// jump, and "No lease renewal answered for 3722741 ms" was said of a
// process whose renewals went on and whose events were held 370 ms. The
// jump is said instead when it is most of that time. A local clock and a
// wall clock's lead driven by hand, as `FleetClock` gives them.
import assert from "node:assert/strict";
import { OverdueHold } from "../../fleet/_overdue_hold.ts";
import type { Shard, ShardDispatch } from "../../gateway/shard.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const RENEW_MS = 1_000;
const shard = { sessionId: "session" } as unknown as Shard;
const event: ShardDispatch = {
  shardId: 0,
  name: "MESSAGE_CREATE",
  sequence: 7,
  data: {},
} as ShardDispatch;

/**
 * What the hold says of the first event it holds, `localMs` after the last
 * renewal answered was sent by the local clock, the wall clock having
 * jumped `jumpMs` ahead of it meanwhile.
 */
async function warning(localMs: number, jumpMs: number): Promise<string> {
  let local = 50_000;
  let jump = 0;
  const hold = new OverdueHold(
    { renewMs: RENEW_MS },
    { elapsed: (sentAt) => local - sentAt + jump, now: () => local },
  );
  hold.renewed(local);
  local += localMs;
  jump = jumpMs;
  let delivered = false;
  const lines = await captureStderr(() => {
    hold.take(shard, event, () => void (delivered = true));
    return Promise.resolve();
  });
  assert.equal(delivered, false, "the event is held");
  return lines.join("\n");
}

Deno.test("OverdueHold: held after the wall clock stepped an hour forward, 370 ms after the last renewal answered, it says the clock jumped, not an hour without renewals", async () => {
  const said = await warning(370, 3_600_000);
  assert.match(
    said,
    /The wall clock jumped 3600000 ms ahead of the monotonic one since the last lease renewal answered, 370 ms ago/,
  );
  assert.doesNotMatch(said, /No lease renewal answered for/);
});

Deno.test("OverdueHold: held with no jump, it says how long no renewal answered", async () => {
  const said = await warning(2_000, 0);
  assert.match(said, /No lease renewal answered for 2000 ms/);
  assert.doesNotMatch(said, /wall clock jumped/);
});

Deno.test("OverdueHold: a jump that is the lesser part of the silence is not what is said", async () => {
  const said = await warning(5_000, 1_200);
  assert.match(said, /No lease renewal answered for 6200 ms/);
});
