/**
 * {@linkcode onStopped}: when a shard stops for good (a fatal close such as
 * 4004, 4011 or 4014, or its own `close()`), and why, as the resharding
 * code watches a new shard set before and after its switch.
 *
 * @module
 */
import type { GatewayError } from "../gateway/errors.ts";
import type { Shard } from "../gateway/shard.ts";

/**
 * Call `stopped` each time one of `shards` reaches status `closed`, with
 * the `GatewayError` that stopped it: a fatal close's error comes just
 * before its `closed`, so any other status in between means the error was
 * not what stopped it (`undefined` then, as for a `close()`).
 *
 * @param shards The shards to watch.
 * @param stopped Called with the shard and why it stopped.
 * @returns A function that stops watching.
 */
export function onStopped(
  shards: readonly Shard[],
  stopped: (shard: Shard, why: GatewayError | undefined) => void,
): () => void {
  const offs = shards.flatMap((shard) => {
    let why: GatewayError | undefined;
    return [
      shard.on("error", (error) => why = error),
      shard.on("state", ({ current }) => {
        if (current !== "closed") {
          why = undefined;
          return;
        }
        stopped(shard, why);
      }),
    ];
  });
  return () => {
    for (const off of offs) off();
  };
}
