// ShardManager's message for the Client's name of the shard count,
// `shards`: "did you mean 'shardIds'" sent the reader to a list of ids,
// where the count they meant is 'shardCount'.
import assert from "node:assert/strict";
import { ShardManager } from "../../gateway/shard_manager.ts";

Deno.test("ShardManager: 'shards' is refused naming 'shardCount', not 'shardIds'", () => {
  assert.throws(
    () =>
      new ShardManager(
        { token: "t", intents: 0, shardCount: 1, shards: 4 } as never,
      ),
    {
      name: "TypeError",
      message:
        "Cannot create shard manager as 'shards' is not one of its options: the shard count is 'shardCount' here",
    },
  );
});
