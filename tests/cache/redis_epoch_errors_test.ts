// The epoch marker's read failing with a transport error ("Connection is
// closed" when the service stops with Redis hung) was taken for a missing
// marker, and said "the Redis database lost the cache's keys" where nothing
// was lost. Only a nil reply or WRONGTYPE (another type under the key) says
// the marker is gone; another error leaves the marker as seen (the batch's
// other reads, failing alike, fail the batch the usual way).
import assert from "node:assert/strict";
import { CacheEpoch } from "../../cache/redis_epoch.ts";

/** An epoch that has seen the marker `seen`, and the losses it reports. */
function seenEpoch(seen: string): { epoch: CacheEpoch; losses: string[] } {
  const epoch = new CacheEpoch();
  const losses: string[] = [];
  epoch.read(false, (_error, what) => losses.push(what)).answer(null, seen);
  return { epoch, losses };
}

Deno.test("CacheEpoch: a transport error reading the marker is no loss of keys", () => {
  const { epoch, losses } = seenEpoch("e1");
  const read = epoch.read(false, (_error, what) => losses.push(what));
  read.answer(new Error("Connection is closed."), undefined);
  assert.equal(losses.length, 0, losses.join("\n"));
  // The marker as seen is kept: the next answer with it is no change.
  epoch.read(false, (_error, what) => losses.push(what)).answer(null, "e1");
  assert.equal(losses.length, 0, losses.join("\n"));
});

Deno.test("CacheEpoch: a nil reply or WRONGTYPE still says the keys were lost", () => {
  for (
    const [error, value] of [
      [null, null],
      [
        new Error(
          "WRONGTYPE Operation against a key holding the wrong kind of value",
        ),
        undefined,
      ],
    ] as const
  ) {
    const { epoch, losses } = seenEpoch("e1");
    epoch.read(false, (_error, what) => losses.push(what)).answer(
      error,
      value,
    );
    assert.deepEqual(losses, ["the Redis database lost the cache's keys"]);
  }
});
