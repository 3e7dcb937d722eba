// ReshardingShards outside and around a reshard, against the fake gateway
// on loopback with a virtual clock: a repeated event is a new event when no
// reshard runs, start() never starts a second set, and a reshard the
// identify queue's known budget cannot cover is refused before any session
// is spent.
import assert from "node:assert/strict";
import { ReshardError, ReshardingShards } from "../../fleet/mod.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";

/** A bot on `shardCount` shards of a fake gateway served on loopback. */
async function setUp(
  shardCount: number,
  queue = (scheduler: VirtualScheduler) =>
    new MemoryIdentifyQueue({ scheduler, maxConcurrency: 16 }),
): Promise<{
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  shards: ReshardingShards;
  identifyQueue: MemoryIdentifyQueue;
  delivered: FleetDispatch[];
  /** Run real I/O and the virtual clock until `done()` holds. */
  until(done: () => boolean, what: string): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const gateway = new FakeGateway({
    scheduler,
    guilds: 4,
    maxConcurrency: 16,
    heartbeatInterval: 3_600_000,
  });
  const served = await serveFakeGateway(gateway);
  const delivered: FleetDispatch[] = [];
  const identifyQueue = queue(scheduler);
  const shards = new ReshardingShards({
    shard: { token: "fake-token", intents: 1, gatewayUrl: served.url },
    shardCount,
    identifyQueue,
    scheduler,
    onDispatch: (event) => delivered.push(event),
  });
  const until = (done: () => boolean, what: string): Promise<void> =>
    within(
      (async () => {
        while (!done()) {
          await new Promise((r) => setTimeout(r, 5));
          await scheduler.advance(100);
        }
      })(),
      what,
    );
  return {
    scheduler,
    gateway,
    shards,
    identifyQueue,
    delivered,
    until,
    async [Symbol.asyncDispose](): Promise<void> {
      let closed = false;
      const closing = shards.close().finally(() => closed = true);
      await until(() => closed, "close()");
      await closing;
      await served.close();
      gateway.close();
    },
  };
}

/** Settle `promise` while `until` runs the clock; its outcome. */
async function outcome<T>(
  t: { until(done: () => boolean, what: string): Promise<void> },
  promise: Promise<T>,
): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | undefined;
  promise.then(
    (value) => result = { status: "fulfilled", value },
    (reason) => result = { status: "rejected", reason },
  );
  await t.until(() => result !== undefined, "the promise to settle");
  return result!;
}

const active = (gateway: FakeGateway): string[] =>
  gateway.sessions.filter((s) => s.state === "active")
    .map((s) => s.shard?.join("/") ?? "").sort();

Deno.test("ReshardingShards: with no reshard running, an event that repeats an earlier one exactly (a reaction added, removed and added again) is delivered each time", async () => {
  await using t = await setUp(1);
  assert.equal((await outcome(t, t.shards.start())).status, "fulfilled");
  const reaction = {
    user_id: "80351110224678912",
    channel_id: "1",
    message_id: "2",
    guild_id: t.gateway.guildIds[0],
    emoji: { id: null, name: "👍" },
    burst: false,
    type: 0,
  };
  for (const name of ["ADD", "REMOVE", "ADD", "REMOVE"]) {
    t.gateway.dispatch(`MESSAGE_REACTION_${name}`, reaction, {
      ignoreIntents: true,
    });
  }
  // A marker after them: in order on the shard, so once it is delivered
  // any copy of a reaction would have been too.
  t.gateway.dispatch("TYPING_START", {
    channel_id: "1",
    user_id: "80351110224678912",
    timestamp: 1,
    guild_id: t.gateway.guildIds[0],
  }, { ignoreIntents: true });
  await t.until(
    () => t.delivered.some((e) => e.name === "TYPING_START"),
    "the marker",
  );
  const reactions = t.delivered.filter((e) =>
    e.name.startsWith("MESSAGE_REACTION")
  );
  assert.deepEqual(reactions.map((e) => e.name), [
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
  ]);
});

Deno.test("ReshardingShards.start() called again (while it runs, or after) starts no second set: one session per shard, one IDENTIFY each", async () => {
  await using t = await setUp(2);
  const first = t.shards.start();
  const second = t.shards.start();
  assert.equal((await outcome(t, first)).status, "fulfilled");
  assert.equal((await outcome(t, second)).status, "fulfilled");
  assert.equal((await outcome(t, t.shards.start())).status, "fulfilled");
  assert.deepEqual(active(t.gateway), ["0/2", "1/2"]);
  assert.equal(t.gateway.counters.identifies, 2);
});

Deno.test("ReshardingShards.reshard is refused up front when the identify queue's known budget cannot cover the new set (no sessionStartsLeft given)", async () => {
  await using t = await setUp(2, (scheduler) =>
    new MemoryIdentifyQueue({
      scheduler,
      maxConcurrency: 16,
      sessionStartLimit: {
        total: 1000,
        remaining: 3,
        reset_after: 86_000_000,
        max_concurrency: 16,
      },
    }));
  assert.equal((await outcome(t, t.shards.start())).status, "fulfilled");
  assert.equal(t.identifyQueue.remaining, 1);
  const refused = await outcome(t, t.shards.reshard(4));
  assert.equal(refused.status, "rejected");
  const reason = (refused as PromiseRejectedResult).reason;
  assert.ok(reason instanceof ReshardError, String(reason));
  assert.match(
    reason.message,
    /^Cannot reshard to 4 shards: 4 session starts are needed and only 1 are left today/,
  );
  assert.equal(t.identifyQueue.remaining, 1, "no session start spent");
  assert.deepEqual(active(t.gateway), ["0/2", "1/2"]);
  assert.equal(t.shards.shardCount, 2);
});

Deno.test("ReshardingShards.start() called while close() runs starts once the close is done, and the next close() closes what it started", async () => {
  await using t = await setUp(2);
  assert.equal((await outcome(t, t.shards.start())).status, "fulfilled");
  const closing = t.shards.close();
  const restarted = t.shards.start();
  assert.equal((await outcome(t, closing)).status, "fulfilled");
  assert.equal((await outcome(t, restarted)).status, "fulfilled");
  assert.deepEqual(active(t.gateway), ["0/2", "1/2"]);
  assert.equal((await outcome(t, t.shards.close())).status, "fulfilled");
  assert.deepEqual(active(t.gateway), [], "the second close() closed them");
});

Deno.test("ReshardingShards: close(), start(), close() ends closed: the second close() voids the start() waiting for the first", async () => {
  await using t = await setUp(2);
  assert.equal((await outcome(t, t.shards.start())).status, "fulfilled");
  const closing = t.shards.close();
  const restarted = t.shards.start();
  restarted.catch(() => {}); // read below, once both closes are done
  const closingAgain = t.shards.close();
  assert.equal((await outcome(t, closing)).status, "fulfilled");
  assert.equal((await outcome(t, closingAgain)).status, "fulfilled");
  const start = await outcome(t, restarted);
  assert.equal(start.status, "rejected");
  assert.match(
    String((start as PromiseRejectedResult).reason),
    /close\(\) was called after this start\(\)/,
  );
  await t.until(() => true, "a turn");
  assert.deepEqual(active(t.gateway), []);
});
