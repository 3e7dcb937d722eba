// MemoryIdentifyQueue starts a bucket's waiting shards lowest ID first, as
// Discord asks ("shard 0 to 15 concurrently, then 16 to 31"), not in the
// order their requests came: a shard 0 whose HELLO came 300 ms late went
// after every shard of its bucket that asked meanwhile.
import assert from "node:assert/strict";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import type { Transport } from "../../gateway/transport.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil } from "../_fakes/run_until.ts";

Deno.test("MemoryIdentifyQueue: a lower shard that asks late goes before the higher ones of its bucket still waiting", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler, maxConcurrency: 2 });
  const grants: [number, number][] = [];
  const ask = (shard: number) =>
    queue.acquire(shard).then(() => grants.push([shard, scheduler.now()]));
  // Shard 0's HELLO is late: 1 to 5 ask at 0, shard 0 at 300.
  const asked = [1, 2, 3, 4, 5].map(ask);
  await scheduler.advance(300);
  asked.push(ask(0));
  await scheduler.runAll();
  await Promise.all(asked);
  assert.deepEqual(grants, [
    [1, 0],
    [2, 0],
    [3, 5250],
    [0, 5250],
    [5, 10500],
    [4, 10500],
  ]);
});

Deno.test("MemoryIdentifyQueue re-bucketed to a new max_concurrency grants the shards waiting lowest first, whatever rounds they asked in", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler });
  const grants: number[] = [];
  const ask = (shard: number) =>
    queue.acquire(shard).then(() => grants.push(shard));
  const asked = [0, 4, 6].map(ask); // 0 at once; 4 and 6 in round 1
  await scheduler.advance(5_250); // 4 goes
  asked.push(ask(0)); // 0 again: round 2, behind 6
  queue.updateSessionStartLimit({
    total: 1_000,
    remaining: 1_000,
    reset_after: 86_400_000,
    max_concurrency: 2,
  });
  await scheduler.runAll();
  await Promise.all(asked);
  assert.deepEqual(grants, [0, 4, 0, 6]);
});

Deno.test("MemoryIdentifyQueue: 1,000 shards of one bucket asking highest first are granted lowest first, one per interval", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler, intervalMs: 1 });
  const order: number[] = [];
  // Shard 1000 asks first and is granted at once; the rest wait.
  const shards = Array.from({ length: 1001 }, (_, i) => 1000 - i);
  const all = shards.map((shard) =>
    queue.acquire(shard).then(() => order.push(shard))
  );
  await scheduler.runAll();
  await Promise.all(all);
  assert.deepEqual(order, [1000, ...Array.from({ length: 1000 }, (_, i) => i)]);
  assert.equal(scheduler.now(), 1000);
});

Deno.test("MemoryIdentifyQueue: a waiter giving up leaves the others granted lowest shard first, then by request", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler, intervalMs: 10 });
  const order: string[] = [];
  const controllers = new Map<string, AbortController>();
  const ask = (shard: number, name: string) => {
    const controller = new AbortController();
    controllers.set(name, controller);
    return queue.acquire(shard, controller.signal).then(
      () => order.push(name),
      () => order.push(`${name} gave up`),
    );
  };
  // 9 at once; then two requests of shard 3 (a reconnect asking again),
  // 1, 5 and 2; 1 gives up.
  const all = [ask(9, "9"), ask(3, "3a"), ask(5, "5"), ask(3, "3b")];
  all.push(ask(1, "1"), ask(2, "2"));
  controllers.get("1")!.abort();
  await scheduler.runAll();
  await Promise.all(all);
  assert.deepEqual(order, ["9", "1 gave up", "2", "3a", "3b", "5"]);
  assert.equal(queue.pending, 0);
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager with max_concurrency 2: shard 0, its HELLO 300 ms late, identifies in the second round, before shard 4", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2, guilds: 8 });
  let connections = 0;
  // The first connection (shard 0's) reaches the gateway 300 ms late.
  const slow: Transport = (url, listener) => {
    if (connections++ !== 0) return gateway.transport(url, listener);
    let socket: ReturnType<Transport> | undefined;
    const pending: (() => void)[] = [];
    scheduler.setTimeout(() => {
      socket = gateway.transport(url, listener);
      for (const run of pending) run();
    }, 300);
    return {
      send: (data) => socket ? socket.send(data) : false,
      close: (code, reason) =>
        socket
          ? socket.close(code, reason)
          : pending.push(() => socket!.close(code, reason)),
    };
  };
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 6,
    maxConcurrency: 2,
    transport: slow,
    scheduler,
  });
  let started = false;
  manager.start().finally(() => started = true);
  await runUntil(scheduler, () => started);
  const identified = gateway.log.flatMap((entry) =>
    entry.type === "identify" ? [[entry.shard?.[0], entry.at]] : []
  );
  assert.deepEqual(identified, [
    [1, 0],
    [2, 0],
    [3, 5250],
    [0, 5250],
    [5, 10500],
    [4, 10500],
  ]);
  await manager.close();
  gateway.close();
});

Deno.test("MemoryIdentifyQueue: low shards that drop and ask again each minute do not pass a higher one for ever (it goes in its round)", async () => {
  // Lowest shard first alone: shard 15 was never granted in an hour of
  // shards 0-14 asking again a minute after each grant (an op 9 storm at
  // the reconnect backoff's cap).
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler, maxConcurrency: 1 });
  let stopped = false;
  const churn = (shard: number): void => {
    void queue.acquire(shard).then(() => {
      if (!stopped) scheduler.setTimeout(() => churn(shard), 60_000);
    });
  };
  for (let shard = 0; shard < 15; shard++) churn(shard);
  let grantedAt: number | undefined;
  void queue.acquire(15).then(() => grantedAt = scheduler.now());
  await scheduler.advance(3_600_000);
  stopped = true;
  assert.equal(grantedAt, 15 * 5250, "shard 15 waits its round only");
  await scheduler.runAll();
});

Deno.test("MemoryIdentifyQueue: a shard asking for the first time after others were granted joins the oldest round, not the last", async () => {
  // Its round taken at the time it asked, a shard whose first connect
  // failed went after all 999 others (5.4 min late, not 5 s).
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler, maxConcurrency: 16 });
  const asked = [];
  for (let shard = 1; shard < 1000; shard++) asked.push(queue.acquire(shard));
  await scheduler.advance(6_000);
  let grantedAt = -1;
  asked.push(queue.acquire(0).then(() => void (grantedAt = scheduler.now())));
  await scheduler.advance(10_500);
  assert.equal(grantedAt, 10_500);
  await scheduler.runAll();
  await Promise.all(asked);
});
