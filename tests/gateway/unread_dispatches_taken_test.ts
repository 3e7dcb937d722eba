// UnreadDispatches once its reader has taken events: nothing is held and no
// resume point asked when every event is taken (across a new session too),
// none for a shard it never saw, and none for a shard that has moved to a
// session none of its unread events came in; and readerPaced's stream,
// which ends only once the manager is closed and every shard with it, and
// saves again at its end only when its reader was behind at that close.
// Mutation testing found each unpinned.
import assert from "node:assert/strict";
import {
  type PacedSource,
  readerPaced,
  UnreadDispatches,
} from "../../gateway/_unread_dispatches.ts";
import type { ResumePoint } from "../../gateway/resume_point.ts";
import type { Shard, ShardDispatch } from "../../gateway/shard.ts";

type FakeShard = { id: number; sessionId: string | undefined };

function tracking(...shards: FakeShard[]): UnreadDispatches {
  return new UnreadDispatches(
    new Map(shards.map((shard) => [shard.id, shard as unknown as Shard])),
  );
}

function event(shardId: number, sequence: number): ShardDispatch {
  return { shardId, name: "MESSAGE_CREATE", sequence, data: {} };
}

Deno.test("UnreadDispatches holds nothing and asks no resume point once every event is taken, across a new session", () => {
  const shard = { id: 0, sessionId: "a" };
  const unread = tracking(shard);
  const events = [event(0, 10), event(0, 11)];
  for (const e of events) unread.added(e);
  shard.sessionId = "b";
  const later = [event(0, 1), event(0, 2)];
  for (const e of later) unread.added(e);
  assert.equal(unread.holds(), true);
  for (const e of [...events, ...later]) unread.taken(e);
  assert.equal(unread.holds(), false);
  assert.equal(unread.resumePoint(shard as unknown as Shard), undefined);
});

Deno.test("UnreadDispatches asks no resume point of a shard it has no event of, nor of one whose session none of its unread events came in", () => {
  const seen = { id: 0, sessionId: "a" };
  const other = { id: 1, sessionId: "c" };
  const unread = tracking(seen, other);
  assert.equal(unread.resumePoint(other as unknown as Shard), undefined);
  unread.added(event(0, 10));
  assert.equal(unread.resumePoint(seen as unknown as Shard), 9);
  assert.equal(unread.resumePoint(other as unknown as Shard), undefined);
  seen.sessionId = "b"; // a new session, none of its events added yet
  assert.equal(unread.resumePoint(seen as unknown as Shard), undefined);
});

/**
 * A manager with no shards: the test sends its events, closes its shards
 * (`allClosed`) and the manager itself (`closed`) apart, and tells its
 * state listeners.
 */
function manager(): PacedSource & {
  send(event: ShardDispatch): void;
  state(flags: { closed: boolean; allClosed: boolean }): void;
  saves: number;
} {
  const listeners = new Map<string, (value: unknown) => void>();
  let flags = { closed: false, allClosed: false };
  const fake = {
    on: ((event: string, listener: (value: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    }) as unknown as Shard["on"],
    shards: new Map<number, Shard>(),
    points: new Set<ResumePoint>(),
    closed: () => flags.closed,
    allClosed: () => flags.allClosed,
    saves: 0,
    drained: () => {
      fake.saves++;
      return Promise.resolve();
    },
    send: (event: ShardDispatch) => listeners.get("dispatch")?.(event),
    state: (next: { closed: boolean; allClosed: boolean }) => {
      flags = next;
      listeners.get("state")?.({});
    },
  };
  return fake;
}

Deno.test("readerPaced's stream does not end while the manager is open, though none of its shards runs yet", async () => {
  const source = manager();
  source.state({ closed: false, allClosed: true });
  const reader = readerPaced(source).getReader();
  const first = event(0, 5);
  source.send(first);
  assert.equal((await reader.read()).value, first);
  await reader.cancel();
});

Deno.test("readerPaced saves again at its end only when its reader was behind at the manager's close", async () => {
  const caughtUp = manager();
  const reader = readerPaced(caughtUp).getReader();
  caughtUp.send(event(0, 5));
  assert.equal((await reader.read()).value?.sequence, 5);
  const next = reader.read(); // finished with the event: none unread
  for (let i = 0; i < 5; i++) await Promise.resolve(); // the pull runs
  caughtUp.state({ closed: true, allClosed: true });
  assert.equal((await next).done, true);
  assert.equal(caughtUp.saves, 0, "the close saved after every event");

  // Every shard closed, the manager not: no close saved, none to redo.
  const open = manager();
  const behind = readerPaced(open).getReader();
  open.send(event(0, 5));
  open.state({ closed: false, allClosed: true });
  assert.equal((await behind.read()).value?.sequence, 5);
  assert.equal((await behind.read()).done, true);
  assert.equal(open.saves, 0, "the manager is not closed");
});
