// HeartbeatAcks on its own: which heartbeat each ACK is read as answering,
// at the edges mutation testing found unpinned (the 8 send times kept, the
// heartbeats counted past them, an ACK nothing waits for, and a heartbeat
// exactly two intervals old still taken as the one answered).
import assert from "node:assert/strict";
import { HeartbeatAcks } from "../../gateway/heartbeat_acks.ts";

const INTERVAL = 41_250;

/** The `sentNoLaterThan` of `count` ACKs, each at `now`. */
function inOrder(acks: HeartbeatAcks, count: number, now: number): number[] {
  const taken: number[] = [];
  for (let i = 0; i < count; i++) {
    taken.push(acks.acked(now, INTERVAL)!.sentNoLaterThan);
  }
  return taken;
}

Deno.test("HeartbeatAcks keeps 8 send times: heartbeats past them are measured from the 8th, and an ACK past every heartbeat answers none", () => {
  const acks = new HeartbeatAcks();
  for (let at = 0; at < 10; at++) acks.sent(at);
  assert.deepEqual(inOrder(acks, 10, 20), [0, 1, 2, 3, 4, 5, 6, 7, 7, 7]);
  assert.equal(acks.acked(21, INTERVAL), undefined, "an ACK unasked");
  // Nothing is left counted: the next heartbeat is measured exactly.
  acks.sent(30);
  assert.deepEqual(acks.acked(42, INTERVAL), {
    shownSentAt: 30,
    sentNoLaterThan: 30,
  });
});

Deno.test("HeartbeatAcks answers an ACK nothing waits for with undefined, once the only heartbeat is answered", () => {
  const acks = new HeartbeatAcks();
  assert.equal(acks.acked(0, INTERVAL), undefined);
  acks.sent(5);
  assert.deepEqual(acks.acked(9, INTERVAL), {
    shownSentAt: 5,
    sentNoLaterThan: 5,
  });
  assert.equal(acks.acked(10, INTERVAL), undefined);
});

Deno.test("HeartbeatAcks never measures a heartbeat from a later one's time: one sent while some are counted unrecorded is counted too", () => {
  const acks = new HeartbeatAcks();
  for (let at = 0; at < 9; at++) acks.sent(at); // 0 to 7 kept, 8 counted
  assert.equal(acks.acked(10, INTERVAL)!.sentNoLaterThan, 0);
  acks.sent(100); // room for it, but 8 is still counted behind the kept
  const taken = inOrder(acks, 9, 110);
  assert.deepEqual(taken, [1, 2, 3, 4, 5, 6, 7, 7, 7]);
  const truth = [1, 2, 3, 4, 5, 6, 7, 8, 100];
  taken.forEach((at, i) => assert.ok(at <= truth[i]!, `ACK ${i}: ${at}`));
});

Deno.test("HeartbeatAcks shows the latency of a heartbeat exactly two intervals old, and takes one older for a heartbeat whose ACK was lost", () => {
  const acks = new HeartbeatAcks();
  acks.sent(0);
  assert.deepEqual(acks.acked(2 * INTERVAL, INTERVAL), {
    shownSentAt: 0,
    sentNoLaterThan: 0,
  });
  acks.sent(2 * INTERVAL);
  assert.deepEqual(acks.acked(4 * INTERVAL + 1, INTERVAL), {
    shownSentAt: undefined,
    sentNoLaterThan: 2 * INTERVAL,
  });
});
