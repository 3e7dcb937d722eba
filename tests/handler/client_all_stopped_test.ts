// A Client with a session store whose every shard stops for good mid-run
// (a reset token): its manager's timed saves kept a timer alive for ever,
// so the process never exited (without a store it exits 0), and wrote the
// store every 10 s. On the virtual clock; the manager's side in
// tests/gateway/manager_all_stopped_test.ts.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

Deno.test("Client: with a session store, once every shard stopped for good no timer is left and nothing more is saved", async () => {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    scheduler: clock,
    shards: 2,
  });
  let saves = 0;
  const store = new (class extends MemorySessionStore {
    override save(sessions: SavedSession[]): Promise<void> {
      saves++;
      return super.save(sessions);
    }
  })();
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
    sessionStore: store,
  });
  await runUntilSettled(clock, client.start());
  await clock.advance(1_000);
  assert.ok(saves > 0, "the sessions were saved after READY");
  await captureStderr(async () => {
    discord.gateway.closeWith(4004, "token reset");
    await clock.advance(1_000);
  });
  assert.deepEqual(
    client.shards!.info().map((shard) => shard.status),
    ["closed", "closed"],
  );
  assert.equal(clock.pending, 0, "nothing keeps the process alive");
  const before = saves;
  await clock.advance(3_600_000);
  assert.equal(saves, before, "no save in the hour after");
  assert.deepEqual(await store.loadAll(), []);
  await runUntilSettled(clock, client.stop());
});
