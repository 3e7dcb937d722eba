// ShardManager.close refuses an options key that is none of its own, as
// Shard.close and Client.stop do. From JavaScript (or an object built
// elsewhere) `close({ resumeable: true })` closed every shard with 1000
// and deleted the saved sessions, so the next process identified anew.
import assert from "node:assert/strict";
import { runUntil } from "../_fakes/run_until.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("ShardManager.close refuses a misspelt option, naming the nearest, and closes nothing", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler });
  const store = new MemorySessionStore();
  const manager = new ShardManager({
    token: "fake-token",
    intents: 1,
    shardCount: 1,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: store,
  });
  let started = false;
  const starting = manager.start().finally(() => started = true);
  await runUntil(scheduler, () => started);
  await starting;
  const shard = manager.shard(0)!;
  const session = shard.session;
  assert.notEqual(session, undefined);
  await assert.rejects(manager.close({ resumeable: true } as never), {
    name: "TypeError",
    message:
      "Cannot close shard manager as 'resumeable' is not one of its options (did you mean 'resumable'?)",
  });
  assert.equal(shard.status, "ready");
  assert.deepEqual(shard.session, session);
  // Spelt right, the session is kept and saved for the next process.
  assert.equal(await manager.close({ resumable: true }), true);
  assert.deepEqual(shard.session, session);
  assert.equal((await store.load(0))?.sessionId, session!.sessionId);
  gateway.close();
  assert.equal(scheduler.pending, 0, "no timer is left behind");
});

Deno.test("ShardManager.close resolves true without a session store, resumable or not (the store did all it was asked: nothing)", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler });
  const manager = new ShardManager({
    token: "fake-token",
    intents: 1,
    shardCount: 1,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
  });
  let started = false;
  const starting = manager.start().finally(() => started = true);
  await runUntil(scheduler, () => started);
  await starting;
  assert.equal(await manager.close({ resumable: true }), true);
  assert.equal(await manager.close(), true);
  gateway.close();
  assert.equal(scheduler.pending, 0, "no timer is left behind");
});
