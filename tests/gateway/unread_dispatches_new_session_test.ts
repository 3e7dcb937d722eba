// A dispatches() reader still holding events of a session that ended (op 9,
// then READY) needs the new session resumed from its READY: events of the
// old session cannot come again, so the resume point is the new session's
// first event, however many of the old ones are still unread.
import assert from "node:assert/strict";
import { UnreadDispatches } from "../../gateway/_unread_dispatches.ts";
import type { Shard, ShardDispatch } from "../../gateway/shard.ts";

/** Shard 0 as UnreadDispatches sees it: its ID and its session. */
function fakeShard(): { id: number; sessionId: string | undefined } {
  return { id: 0, sessionId: "session-a" };
}

function event(name: string, sequence: number): ShardDispatch {
  return { shardId: 0, name, sequence, data: {} };
}

Deno.test("UnreadDispatches: after a new session, old events unread, the resume point is the new session's READY", () => {
  const shard = fakeShard();
  const unread = new UnreadDispatches(
    new Map([[0, shard as unknown as Shard]]),
  );
  unread.added(event("MESSAGE_CREATE", 100));
  unread.added(event("MESSAGE_CREATE", 101));
  shard.sessionId = "session-b";
  unread.added(event("READY", 1));
  unread.added(event("GUILD_CREATE", 2));
  unread.taken(event("MESSAGE_CREATE", 100));
  // 101, next unread, is session A's: its resume point (100) in session B
  // would skip B's events up to 100, GUILD_CREATE 2 among them.
  assert.equal(unread.resumePoint(shard as unknown as Shard), 1);
});

Deno.test("UnreadDispatches: after a second new session, the resume point is the latest session's READY", () => {
  const shard = fakeShard();
  const unread = new UnreadDispatches(
    new Map([[0, shard as unknown as Shard]]),
  );
  unread.added(event("MESSAGE_CREATE", 100));
  shard.sessionId = "session-b";
  unread.added(event("READY", 1));
  unread.added(event("MESSAGE_CREATE", 2));
  unread.taken(event("MESSAGE_CREATE", 100));
  unread.taken(event("READY", 1));
  unread.taken(event("MESSAGE_CREATE", 2));
  unread.added(event("MESSAGE_CREATE", 3));
  shard.sessionId = "session-c";
  unread.added(event("READY", 7));
  unread.added(event("MESSAGE_CREATE", 8));
  assert.equal(unread.resumePoint(shard as unknown as Shard), 7);
});
