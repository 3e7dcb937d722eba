// readerPaced (gateway/_unread_dispatches.ts) adds its stream's resume
// point to the manager's for as long as the stream runs. Left there once
// the stream ended, every dispatches() stream a process opened and closed
// stayed in the set, asked at every save, for the life of the manager.
import assert from "node:assert/strict";
import {
  type PacedSource,
  readerPaced,
} from "../../gateway/_unread_dispatches.ts";
import type { ResumePoint } from "../../gateway/resume_point.ts";
import type { Shard, ShardDispatch } from "../../gateway/shard.ts";

/** A manager with no shards whose events and end the test sends. */
function source(): PacedSource & {
  send(name: string, value: unknown): void;
  closeAll(): void;
  saves: number;
} {
  const listeners = new Map<string, (value: unknown) => void>();
  let closed = false;
  const fake = {
    on: ((event: string, listener: (value: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    }) as unknown as Shard["on"],
    shards: new Map<number, Shard>(),
    points: new Set<ResumePoint>(),
    closed: () => closed,
    allClosed: () => closed,
    saves: 0,
    drained: () => {
      fake.saves++;
      return Promise.resolve();
    },
    send: (name: string, value: unknown) => listeners.get(name)?.(value),
    closeAll: () => {
      closed = true;
      listeners.get("state")?.({});
    },
  };
  return fake;
}

const EVENT: ShardDispatch = {
  shardId: 0,
  name: "MESSAGE_CREATE",
  sequence: 5,
  data: {},
};

Deno.test("readerPaced: a stream read to its end takes its resume point out of the manager's", async () => {
  const manager = source();
  const reader = readerPaced(manager).getReader();
  assert.equal(manager.points.size, 1, "added while it runs");
  manager.send("dispatch", EVENT);
  manager.closeAll();
  assert.equal((await reader.read()).value, EVENT);
  assert.equal((await reader.read()).done, true);
  assert.equal(manager.points.size, 0);
  assert.equal(manager.saves, 1, "behind at the close, and drained");
});

Deno.test("readerPaced: a cancelled stream takes its resume point out of the manager's and saves nothing", async () => {
  const manager = source();
  const reader = readerPaced(manager).getReader();
  manager.send("dispatch", EVENT);
  manager.closeAll();
  await reader.cancel();
  assert.equal(manager.points.size, 0);
  assert.equal(manager.saves, 0, "not drained: its unread events are lost");
});
