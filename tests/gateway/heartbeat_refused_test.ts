// A socket stuck closing (the server's close frame in, its close never
// reported: a transport that waits for the peer to end TCP) refuses every
// frame. Heartbeats it refused once went uncounted, and the zombie check,
// which needs a heartbeat sent, never fired: the shard stayed "ready" for
// good. Counted now, the shard gives the connection up and resumes.
import assert from "node:assert/strict";
import {
  createHarness,
  hello,
  INTERVAL,
  ready,
} from "../_fakes/shard_harness.ts";

Deno.test("Shard: heartbeats a closing socket refuses still count, so a socket stuck closing ends as a zombie", async () => {
  const h = createHarness();
  const connected = h.shard.connect();
  await h.settle();
  const first = h.socket();
  hello(first);
  await h.settle();
  ready(first);
  await connected;
  // The close frame is in: from now on the socket takes nothing, and its
  // close is never reported.
  const stuck = first as unknown as { send: (data: string) => boolean };
  stuck.send = () => false;
  await h.scheduler.advance(INTERVAL * 3);
  assert.notEqual(h.socket(), first, "a new connection was opened");
  assert.ok(h.states.includes("reconnecting"), h.states.join(", "));
  await h.shard.close();
});
