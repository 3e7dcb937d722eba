// The recommended-count watch survives a check that fails with a value
// that throws when read (a user fetch rejecting with an object without a
// prototype, or a Proxy that throws on every trap): it says the failure and
// checks again at its next interval. Its reason text had thrown out of the
// check, and the unhandled rejection ended the process.
import assert from "node:assert/strict";
import { ReshardingShards } from "../../fleet/resharding_shards.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const HOSTILE: [string, () => unknown][] = [
  ["an object without a prototype", () => Object.create(null)],
  [
    "a Proxy that throws on every trap",
    () =>
      new Proxy({}, {
        get(): never {
          throw new Error("trap");
        },
        getPrototypeOf(): never {
          throw new Error("trap");
        },
      }),
  ],
];

for (const [label, value] of HOSTILE) {
  Deno.test(`watchRecommended: a check failing with ${label} is said and the next check still runs`, async () => {
    const scheduler = new VirtualScheduler();
    const shards = new ReshardingShards({
      shard: {
        token: "fake-token",
        intents: 1,
        gatewayUrl: "ws://127.0.0.1:1",
      },
      shardCount: 1,
      scheduler,
      identifyQueue: new MemoryIdentifyQueue({ scheduler, maxConcurrency: 1 }),
      onDispatch: () => {},
    });
    let asked = 0;
    const lines = await captureStderr(async () => {
      const stop = shards.watchRecommended({
        fetch: () => {
          asked++;
          return Promise.reject(value());
        },
        intervalMs: 60_000,
      });
      await scheduler.advance(60_000);
      await scheduler.advance(60_000);
      stop();
    });
    assert.equal(asked, 2, "checked again after the failure");
    assert.ok(
      lines.some((line) => line.includes("failed")),
      lines.join("\n"),
    );
  });
}
