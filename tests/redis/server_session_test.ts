// What a connection knows of its server (redis/server_session.ts), on a
// fake connection whose events the test emits: the cache's stores read it
// to learn that their data may be gone. A callback for the next loss runs
// once, at that loss only; a run id read after a drop waits for the next
// server's answer however many drops come before the client is ready again
// (the promise of the first drop, replaced by the second's, was left
// pending for ever), and is undefined once the connection ends.
import assert from "node:assert/strict";
import {
  lostSince,
  serverSession,
  trackServerSession,
} from "../../redis/server_session.ts";
import { fakeConnection } from "../_fakes/info_connection.ts";

Deno.test("serverSession: the run id of each server, and the drops since a reading", async () => {
  const redis = fakeConnection(["aaa111", "bbb222"]);
  assert.equal(serverSession(redis), undefined);
  assert.equal(lostSince(undefined)(), false);
  trackServerSession(redis);
  const session = serverSession(redis)!;
  assert.equal(await session.runId, "aaa111");
  const lost = lostSince(session);
  assert.equal(lost(), false);
  redis.emit("close");
  assert.equal(session.drops, 1);
  assert.equal(lost(), true);
  redis.emit("ready");
  assert.equal(await session.runId, "bbb222");
});

Deno.test("serverSession: a callback for the next loss runs at that loss only, and not once forgotten", async () => {
  const redis = fakeConnection(["aaa111", "bbb222", "ccc333"]);
  trackServerSession(redis);
  const session = serverSession(redis)!;
  await session.runId;
  let first = 0;
  let forgotten = 0;
  session.onLost(() => first++);
  const forget = session.onLost(() => forgotten++);
  forget();
  redis.emit("close");
  redis.emit("ready");
  redis.emit("close");
  assert.equal(first, 1);
  assert.equal(forgotten, 0);
});

Deno.test("serverSession: a run id read after a drop is the next server's, however many drops come first; undefined once the connection ends", async () => {
  const redis = fakeConnection(["aaa111", "bbb222"]);
  trackServerSession(redis);
  const session = serverSession(redis)!;
  await session.runId;
  redis.emit("close");
  const afterFirst = session.runId;
  redis.emit("close"); // a failed reconnect
  const afterSecond = session.runId;
  redis.emit("ready");
  assert.equal(await afterFirst, "bbb222");
  assert.equal(await afterSecond, "bbb222");
  redis.emit("close");
  const ending = session.runId;
  redis.emit("end");
  assert.equal(await ending, undefined);
});

Deno.test("serverSession: a server that does not say its run id (INFO refused, no run_id line) has none", async () => {
  const refused = fakeConnection([new Error("NOPERM")]);
  trackServerSession(refused);
  assert.equal(await serverSession(refused)!.runId, undefined);
  const odd = fakeConnection(["not-hex!"]);
  trackServerSession(odd);
  assert.equal(await serverSession(odd)!.runId, undefined);
});
