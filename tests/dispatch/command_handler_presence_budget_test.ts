// CommandHandler and presences (op 3) of many shards at once, on an
// in-memory gateway.send (prefetch 100) and a virtual clock: a shard's next
// presence, waiting for the one it holds to be written, takes a slot of the
// shard's budget, so presences of 54 shards never fill the prefetch and an
// idle shard's command is still delivered.
import assert from "node:assert/strict";
import type { CommandShard } from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { type Process, SharedQueue, until } from "./_shared_queue.ts";

/**
 * A shard whose presences wait for its pacer (never written here: 5 per
 * 20 s, spent) while its other commands are written at once.
 */
class PacingShard {
  status: ShardStatus = "ready";
  /** The ops written. */
  readonly written: number[] = [];
  /** Presences given to it, waiting. */
  presences = 0;

  send(command: { op: number }): Promise<void> {
    if (command.op === 3) {
      this.presences++;
      return new Promise(() => {});
    }
    this.written.push(command.op);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }
}

/** Presence `n` of a shard. */
function presence(shard: number, n: number): string {
  return JSON.stringify({
    op: 0,
    shard,
    data: {
      op: 3,
      d: {
        since: null,
        afk: false,
        status: "online",
        activities: [{ name: `s${shard}p${n}`, type: 0 }],
      },
    },
  });
}

Deno.test("CommandHandler, presence budget: 7 presences for each of 54 shards waiting for their pacer hold a slot each in their shard's budget, so an op 31 for an idle shard is still delivered and written", async () => {
  const scheduler = new VirtualScheduler();
  const shards = Array.from({ length: 55 }, () => new PacingShard());
  const { handler, results } = countedHandler({
    shard: (id) => shards[id] as unknown as CommandShard | undefined,
    shardCount: shards.length,
    scheduler,
  });
  const process: Process = {
    handler,
    results,
    sent: [],
    runs: (id) => id < shards.length,
  };
  const queue = new SharedQueue(scheduler, 100);
  queue.add(process);
  for (let n = 0; n < 7; n++) {
    for (let shard = 1; shard < shards.length; shard++) {
      queue.publish(presence(shard, n));
    }
  }
  await scheduler.advance(3_000);
  queue.publish(JSON.stringify({
    op: 0,
    shard: 0,
    data: { op: 31, d: { guild_ids: ["222"] } },
  }));
  // Uncounted, each shard held two presences (one given, one waiting):
  // 108 unsettled, over the prefetch, and nothing more was delivered until
  // a presence was written.
  // Counted, the presences beyond a shard's budget go round the queue as
  // any command over budget does, and the op 31 waits at most one round.
  await until(scheduler, () => shards[0]!.written.length === 1, 5_000);
  assert.deepEqual(shards[0]!.written, [31]);
  // Each busy shard was given its first presence.
  assert.ok(shards.slice(1).every((shard) => shard.presences === 1));
  assert.deepEqual(queue.rejected, []);
});
