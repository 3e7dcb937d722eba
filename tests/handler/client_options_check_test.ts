import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";

Deno.test("Client validates every numeric option at construction, naming it", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    ["intents 1.5", { intents: 1.5 }, /'intents'/],
    ["intents NaN", { intents: NaN }, /'intents'/],
    ["intents an undocumented bit", { intents: 2 ** 40 }, /'intents'/],
    ["shards 0", { shards: 0 }, /'shards'/],
    ["shards 2.5", { shards: 2.5 }, /'shards'/],
    ["shards a word", { shards: "many" }, /'shards'/],
    // Every shard is built at start(): 1,000,000 ran out of memory there.
    ["shards 65,537 without shardIds", {
      shards: 65_537,
    }, /'shards' must be at most 65536 without 'shardIds'.*'shards=65537'/],
    ["shardIds with -1", { shardIds: [-1] }, /'shardIds\[\]'/],
    ["largeThreshold 10", { largeThreshold: 10 }, /'largeThreshold'/],
    ["sessionSaveInterval 0", {
      sessionSaveInterval: 0,
    }, /'sessionSaveInterval'/],
    ["timeouts.connect NaN", {
      timeouts: { connect: NaN },
    }, /'timeouts\.connect'/],
    ["timeouts.hello negative", {
      timeouts: { hello: -1 },
    }, /'timeouts\.hello'/],
    ["timeouts.ready 0", { timeouts: { ready: 0 } }, /'timeouts\.ready'/],
    ["maxInflatedBytes NaN", {
      maxInflatedBytes: NaN,
    }, /'maxInflatedBytes'/],
    ["maxInflatedBytes 0", { maxInflatedBytes: 0 }, /'maxInflatedBytes'/],
    ["maxInflatedBytes 1.5", {
      maxInflatedBytes: 1.5,
    }, /'maxInflatedBytes'/],
    ["gatewayUrl not a URL", { gatewayUrl: "nope" }, /'gatewayUrl'/],
    ["token empty", { token: "" }, /'token'/],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Client({ ...base, ...options } as never),
        message,
      );
    });
  }
  await t.step("good options pass", () => {
    new Client({
      ...base,
      shards: "recommended",
      timeouts: { connect: 5000 },
      largeThreshold: 250,
    });
    // A bigger bot lists the shards this process runs.
    new Client({ ...base, shards: 1_000_000, shardIds: [0, 1] });
    new Client({ ...base, shards: 65_536 });
  });
});
