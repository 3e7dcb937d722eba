// The manager hands GET /gateway/bot's session start limit to a given
// identify queue and does not wait for the queue to store it (Redis). When
// that write failed only after the manager was closed (a frozen Redis,
// closed by the caller after `client.stop()`), the manager still warned
// that the queue "may let shards identify past it": a danger that cannot
// happen, no shard of it runs. Now only a failure while it may run warns,
// and close() does not wait for a write that never settles. On the virtual
// clock, with an in-process FakeGateway.
import assert from "node:assert/strict";
import type { SessionStartLimit } from "../../gateway/identify_queue.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { runUntil } from "../_fakes/run_until.ts";

const LIMIT: SessionStartLimit = {
  total: 1000,
  remaining: 1000,
  reset_after: 0,
  max_concurrency: 1,
};
const WARNING = "could not store the session start limit";

interface Setup {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  manager: ShardManager;
  /** Settles the queue's write of the limit, pending until then. */
  write: PromiseWithResolvers<void>;
}

/** A manager whose queue grants at once and never settles the limit's write until told. */
function setup(): Setup {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler });
  const write = Promise.withResolvers<void>();
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 1,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStartLimit: LIMIT,
    identifyQueue: {
      acquire: () => Promise.resolve(),
      updateSessionStartLimit: () => write.promise,
    },
  });
  return { scheduler, gateway, manager, write };
}

/** Let the write's rejection reach its handler (a few microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

async function run(s: Setup): Promise<void> {
  let settled = false;
  const started = s.manager.start().finally(() => settled = true);
  await runUntil(s.scheduler, () => settled);
  await started;
}

Deno.test("ShardManager: the limit's write failing after close() warns of nothing, and close() does not wait for it", async () => {
  await withLogRecords(async (records) => {
    const s = setup();
    await run(s);
    // The write never settled: close() resolves all the same, no timer left.
    await s.manager.close();
    s.gateway.close();
    assert.equal(s.scheduler.pending, 0);
    s.write.reject(new Error("Connection is closed."));
    await settle();
    assert.deepEqual(linesSaying(records, WARNING), []);
  });
});

Deno.test("ShardManager: the limit's write failing while the manager may run is still reported", async () => {
  await withLogRecords(async (records) => {
    const s = setup();
    s.write.reject(new Error("Connection is closed."));
    await settle();
    assert.equal(linesSaying(records, WARNING).length, 1);
    await run(s);
    await s.manager.close();
    s.gateway.close();
  });
});
