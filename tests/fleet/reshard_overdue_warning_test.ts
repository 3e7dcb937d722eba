// ReshardOverlap's overdue warning on its own (a fake barrier, no Redis):
// said OVERDUE_RESHARD_MS into a reshard and again each as long, not at
// every tick; the minutes it says are whole ones run; it names 20 new
// shards at most and counts the rest.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { LeaseTimes } from "../../fleet/lease_times.ts";
import {
  OVERDUE_RESHARD_MS,
  ReshardOverlap,
} from "../../fleet/reshard_overlap.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** An overlap whose barrier says `incomplete` are not complete. */
function overdue(incomplete: number[]): ReshardOverlap {
  return new ReshardOverlap({
    redis: {} as never,
    prefix: "p",
    times: new LeaseTimes(15_000, 1_000),
    events: { filter: undefined } as never,
    record: {
      flippedAt: undefined,
      incompleteShards: () => Promise.resolve(incomplete),
    } as never,
    leaseNow: () => undefined,
  });
}

/** The overdue warnings among `records`. */
function warnings(records: LogRecord[]): LogRecord[] {
  return records.filter((r) =>
    String(r.rawMessage).startsWith("The reshard to {count} shards has run")
  );
}

/** Let the barrier's read (a resolved promise) reach the warning. */
async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

Deno.test("ReshardOverlap: a reshard still incomplete is said OVERDUE_RESHARD_MS in, then again each OVERDUE_RESHARD_MS, not at every tick meanwhile", () =>
  withLogRecords(async (records) => {
    const overlap = overdue([3]);
    overlap.begin(4, 0);
    overlap.tick(true, OVERDUE_RESHARD_MS - 1);
    await settled();
    assert.equal(warnings(records).length, 0, "said before it was overdue");
    // Ticks each second for the next 10 minutes: said once.
    for (
      let now = OVERDUE_RESHARD_MS;
      now < 2 * OVERDUE_RESHARD_MS;
      now += 1_000
    ) overlap.tick(true, now);
    await settled();
    assert.equal(warnings(records).length, 1);
    overlap.tick(true, 2 * OVERDUE_RESHARD_MS);
    await settled();
    assert.deepEqual(
      warnings(records).map((r) => r.properties.minutes),
      [10, 20],
    );
  }));

Deno.test("ReshardOverlap: the overdue warning says the whole minutes run (a first tick 59 s late says 10, not 11)", () =>
  withLogRecords(async (records) => {
    const overlap = overdue([1]);
    overlap.begin(4, 0);
    overlap.tick(true, OVERDUE_RESHARD_MS + 59_000);
    await settled();
    assert.deepEqual(warnings(records).map((r) => r.properties.minutes), [10]);
  }));

Deno.test("ReshardOverlap: the overdue warning names 20 incomplete new shards at most and counts the rest; exactly 20 are named with nothing more", () =>
  withLogRecords(async (records) => {
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    const twentyThree = Array.from({ length: 23 }, (_, i) => i);
    for (const ids of [twenty, twentyThree]) {
      const overlap = overdue(ids);
      overlap.begin(32, 0);
      overlap.tick(true, OVERDUE_RESHARD_MS);
      await settled();
    }
    assert.deepEqual(
      warnings(records).map((r) => [r.properties.shards, r.properties.more]),
      [[twenty, ""], [twenty, " and 3 more"]],
    );
  }));
