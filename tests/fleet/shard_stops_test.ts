// onStopped (shard_stops.ts) on its own: when a shard stops for good, and
// why, as the resharding code watches a new shard set.
import assert from "node:assert/strict";
import type { Shard } from "../../gateway/shard.ts";
import { onStopped } from "../../fleet/shard_stops.ts";
import { StoppingShard } from "./_stopping_shard.ts";

function watch(shards: StoppingShard[]): {
  seen: [number, string | undefined][];
  off: () => void;
} {
  const seen: [number, string | undefined][] = [];
  const off = onStopped(
    shards as unknown as Shard[],
    (shard, why) => void seen.push([shard.id, why?.message]),
  );
  return { seen, off };
}

Deno.test("onStopped: a shard is reported only once closed, with the fatal close that just stopped it, or none for a close()", () => {
  const [a, b] = [new StoppingShard(0), new StoppingShard(1)];
  const { seen } = watch([a, b]);
  a.state("reconnecting");
  a.state("identifying");
  a.state("ready");
  assert.deepEqual(seen, []);
  a.fatal("4014 Disallowed intents");
  a.state("closed");
  b.state("closed"); // its own close()
  assert.deepEqual(seen, [[0, "4014 Disallowed intents"], [1, undefined]]);
});

Deno.test("onStopped: an error followed by another status (it reconnected) is not what stopped a shard closed later", () => {
  const shard = new StoppingShard(3);
  const { seen } = watch([shard]);
  shard.fatal("resume failed");
  shard.state("reconnecting");
  shard.state("ready");
  shard.state("closed");
  assert.deepEqual(seen, [[3, undefined]]);
});

Deno.test("onStopped: nothing is reported once the watch is stopped, and its listeners are gone", () => {
  const shard = new StoppingShard(2);
  const { seen, off } = watch([shard]);
  off();
  shard.fatal("4004 Authentication failed");
  shard.state("closed");
  assert.deepEqual(seen, []);
  assert.equal(shard.listening(), 0);
});
