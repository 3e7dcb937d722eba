// A session Discord refused is deleted from the store by a read then a
// delete, in the chain of store calls. When the store held that read's
// answer past 30 s, a save of the shard's new session went past it (the
// read counted as lost) and landed; the late read then still named the
// refused session, and the delete after it wiped the new one: a crash then
// had the next process identify. The delete now skips a shard that holds
// a session again (its saves replace the stale entry anyway).
import assert from "node:assert/strict";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil } from "../_fakes/run_until.ts";

Deno.test("ShardManager keeps a running shard's new session when the delete of its refused one follows a read answered late", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  /** Holds the answer of the next load() for 45 s, once asked to. */
  class StallingStore extends MemorySessionStore {
    stallNext = false;
    deletes = 0;
    lateAnswers = 0;
    override async load(id: number): Promise<SavedSession | undefined> {
      const stalled = this.stallNext;
      this.stallNext = false;
      const got = await super.load(id);
      if (stalled) {
        await new Promise<void>((r) => clock.setTimeout(() => r(), 45_000));
        this.lateAnswers++;
      }
      return got;
    }
    override deleteMany(ids: readonly number[]): Promise<void> {
      this.deletes++;
      return super.deleteMany(ids);
    }
  }
  const store = new StallingStore();
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 1,
    transport: gateway.transport,
    scheduler: clock,
    random: () => 0.5,
    sessionSaveInterval: 10_000,
    sessionStore: store,
  });
  const started = manager.start();
  await runUntil(clock, () => manager.shards.get(0)?.status === "ready");
  await started;
  await clock.advance(2_000);
  const shard = manager.shards.get(0)!;
  const refused = shard.sessionId!;
  assert.equal((await store.load(0))?.sessionId, refused, "S1 saved");
  store.stallNext = true;
  gateway.closeWith(4009, { shardId: 0 });
  await runUntil(
    clock,
    () => shard.status === "ready" && shard.sessionId !== refused,
  );
  const current = shard.sessionId!;
  // A timed save goes past the read once it is 30 s unanswered (at 40 s);
  // the read answers at 47 s.
  await clock.advance(40_000);
  assert.equal((await store.load(0))?.sessionId, current, "S2 saved");
  await clock.advance(7_500);
  assert.equal(store.lateAnswers, 1, "the read answered");
  assert.equal(store.deletes, 0, "nothing deleted");
  assert.equal(
    (await store.load(0))?.sessionId,
    current,
    "the running shard's new session stays saved",
  );
  await manager.close({ resumable: true });
  gateway.close();
});
