// Child of shard_slot_resume_point_test.ts (run with --expose-gc): a shard
// whose handler is always busy (each event's call awaits, and the next
// event comes before it finishes) notes every event for the resume point
// while its call waits; the notes of finished calls must go as more
// events come, not pile up for as long as the handler stays busy.
// Prints the heap growth in MB after a full collection.
import { HeldTotal } from "../../handler/held_total.ts";
import { ShardSlot } from "../../handler/shard_slot.ts";
import type { Shard } from "../../gateway/shard.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const shard = { id: 0, scheduler: new VirtualScheduler(), sessionId: "s" };
const slot = new ShardSlot(
  shard as unknown as Shard,
  undefined as unknown as RestClient,
  new AbortController().signal,
  new HeldTotal(),
);
let sequence = 1;
let release = () => {};
/** `batches` of 500 events queued behind the one before's calls. */
async function traffic(batches: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => open = resolve);
    for (let i = 0; i < 500; i++) {
      slot.push("MESSAGE_CREATE", () => gate);
      slot.queued(sequence++, "MESSAGE_CREATE");
    }
    // The batch before finishes; this one's first call starts and waits.
    const started = slot.runner.handed - 499;
    release();
    release = open;
    while (slot.runner.started < started) await Promise.resolve();
  }
}
// The first round warms up (code, queues at their working size).
await traffic(5);
gc();
const before = Deno.memoryUsage().heapUsed;
await traffic(400);
gc();
const after = Deno.memoryUsage().heapUsed;
if (!slot.runner.busy) throw new Error("the handler was not kept busy");
await Deno.stdout.write(
  new TextEncoder().encode(`${(after - before) / 1e6}\n`),
);
