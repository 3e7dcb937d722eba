import assert from "node:assert/strict";
import { within } from "../_fakes/watchdog.ts";
import {
  shardForGuild,
  shardRange,
  shardsForProcess,
} from "../../gateway/shard_routing.ts";

/**
 * The formula computed another way: dropping the 22 low bits is a division by
 * 2 ** 22 (the timestamp part of the snowflake), then the remainder.
 */
function expectedShard(guildId: string, shardCount: number): number {
  const timestampPart = BigInt(guildId) / BigInt(2 ** 22);
  return Number(
    timestampPart - (timestampPart / BigInt(shardCount)) * BigInt(shardCount),
  );
}

Deno.test("shardForGuild routes known guilds", async (t) => {
  // Expected values worked out by hand: 197038439483310086 >> 22 = 46977624770,
  // 41771983423143937 >> 22 = 9959216934 (the Discord API guild).
  const rows: Array<[guildId: string, shardCount: number, shard: number]> = [
    ["197038439483310086", 1, 0],
    ["197038439483310086", 2, 0],
    ["197038439483310086", 16, 2],
    ["197038439483310086", 100, 70],
    ["41771983423143937", 2, 0],
    ["41771983423143937", 16, 6],
    ["41771983423143937", 100, 34],
    ["0", 7, 0],
    ["4194303", 5, 0], // below 2 ** 22: timestamp part 0
    ["4194304", 5, 1], // exactly 2 ** 22
    ["18446744073709551615", 1000, 103], // the largest snowflake
  ];
  for (const [guildId, shardCount, shard] of rows) {
    await t.step(`${guildId} with ${shardCount} shards -> ${shard}`, () => {
      assert.equal(expectedShard(guildId, shardCount), shard);
      assert.equal(shardForGuild(guildId, shardCount), shard);
      assert.equal(shardForGuild(BigInt(guildId), shardCount), shard);
    });
  }
});

Deno.test("shardForGuild agrees with the formula for many guilds and counts", () => {
  let seed = 12345n;
  for (let i = 0; i < 500; i++) {
    // A deterministic pseudo-random 64-bit snowflake.
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    const guildId = seed.toString();
    for (const shardCount of [1, 2, 3, 16, 17, 100, 1024, 65535]) {
      const shard = shardForGuild(guildId, shardCount);
      assert.equal(shard, expectedShard(guildId, shardCount));
      assert.ok(shard >= 0 && shard < shardCount);
    }
  }
});

Deno.test("shardForGuild rejects what is not a snowflake", async (t) => {
  const rows: Array<[guildId: unknown, error: string]> = [
    ["", "TypeError"],
    ["abc", "TypeError"],
    ["-1", "TypeError"],
    ["1.5", "TypeError"],
    [" 123", "TypeError"],
    ["0x10", "TypeError"],
    ["123456789012345678901", "TypeError"], // 21 digits
    [197038439483310086, "TypeError"], // a number loses precision
    [null, "TypeError"],
    [undefined, "TypeError"],
    ["18446744073709551616", "RangeError"], // 2 ** 64
    [-1n, "RangeError"],
    [1n << 64n, "RangeError"],
  ];
  for (const [guildId, error] of rows) {
    await t.step(`${String(guildId)} -> ${error}`, () => {
      assert.throws(
        () => shardForGuild(guildId as string, 4),
        { name: error },
      );
    });
  }
  await t.step("the message names the value", () => {
    assert.throws(() => shardForGuild("abc", 4), {
      message:
        "Cannot route guild as 'guildId' must be a snowflake (a string of 1 to 20 digits or a bigint): current value 'guildId=abc'",
    });
  });
});

Deno.test("shardForGuild rejects a bad shard count", async (t) => {
  for (const shardCount of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
    await t.step(`shardCount=${shardCount}`, () => {
      assert.throws(() => shardForGuild("197038439483310086", shardCount), {
        name: "RangeError",
        message:
          `Cannot route guild as 'shardCount' must be a positive integer: current value 'shardCount=${shardCount}'`,
      });
    });
  }
});

Deno.test("shardsForProcess gives known splits", async (t) => {
  const rows: Array<
    [
      total: number,
      index: number,
      count: number,
      maxConcurrency: number | undefined,
      ids: number[],
    ]
  > = [
    [1, 0, 1, undefined, [0]],
    [4, 0, 1, undefined, [0, 1, 2, 3]],
    [5, 0, 2, undefined, [0, 1]],
    [5, 1, 2, undefined, [2, 3, 4]],
    [10, 0, 3, 1, [0, 1, 2]],
    [10, 1, 3, 1, [3, 4, 5]],
    [10, 2, 3, 1, [6, 7, 8, 9]],
    [2, 2, 3, undefined, [1]],
    [2, 0, 3, undefined, []], // more processes than shards
    // Buckets kept apart: 16 buckets, 2 processes.
    [32, 0, 2, 16, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]],
    [32, 1, 2, 16, [
      8,
      9,
      10,
      11,
      12,
      13,
      14,
      15,
      24,
      25,
      26,
      27,
      28,
      29,
      30,
      31,
    ]],
    // 3 processes over 16 buckets: buckets 0-4, 5-9, 10-15.
    [32, 0, 3, 16, [0, 1, 2, 3, 4, 16, 17, 18, 19, 20]],
    [32, 2, 3, 16, [10, 11, 12, 13, 14, 15, 26, 27, 28, 29, 30, 31]],
    // A last, partial group.
    [20, 1, 2, 16, [8, 9, 10, 11, 12, 13, 14, 15]],
    [20, 0, 2, 16, [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19]],
    // More processes than buckets: contiguous blocks.
    [8, 0, 4, 2, [0, 1]],
    [8, 3, 4, 2, [6, 7]],
    // Fewer shards than max_concurrency: the buckets that hold a shard are
    // split (all of them once went to the first process).
    [8, 0, 2, 16, [0, 1, 2, 3]],
    [8, 1, 2, 16, [4, 5, 6, 7]],
    [4, 0, 4, 16, [0]],
    [4, 3, 4, 16, [3]],
    [2, 1, 2, 16, [1]],
  ];
  for (const [total, index, count, maxConcurrency, ids] of rows) {
    const options = maxConcurrency === undefined
      ? undefined
      : { maxConcurrency };
    await t.step(
      `${total} shards, process ${index} of ${count}, max_concurrency ${
        maxConcurrency ?? 1
      }`,
      () => {
        assert.deepEqual(shardsForProcess(total, index, count, options), ids);
      },
    );
  }
});

Deno.test("shardsForProcess covers every shard exactly once", () => {
  for (const maxConcurrency of [1, 2, 4, 5, 16]) {
    for (let total = 1; total <= 70; total++) {
      for (let count = 1; count <= 20; count++) {
        const lists = Array.from(
          { length: count },
          (_, index) =>
            shardsForProcess(total, index, count, { maxConcurrency }),
        );
        const seen = lists.flat().sort((a, b) => a - b);
        const label = `total=${total} count=${count} c=${maxConcurrency}`;
        assert.deepEqual(seen, shardRange(0, total - 1), label);
        for (const list of lists) {
          assert.deepEqual(list, [...list].sort((a, b) => a - b), label);
        }
        if (count <= maxConcurrency) {
          // No identify bucket is shared between processes.
          const owner = new Map<number, number>();
          lists.forEach((list, index) => {
            for (const id of list) {
              const bucket = id % maxConcurrency;
              assert.equal(owner.get(bucket) ?? index, index, label);
              owner.set(bucket, index);
            }
          });
        } else {
          // Contiguous blocks whose sizes differ by at most one.
          const sizes = lists.map((list) => list.length);
          assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, label);
          for (const list of lists) {
            list.forEach((id, i) => assert.equal(id, list[0]! + i, label));
          }
        }
      }
    }
  }
});

Deno.test("shardsForProcess splits the buckets that hold shards, whatever max_concurrency", () => {
  // max_concurrency above the shard count once gave the first process every
  // shard and the others none (so their Client.start() was refused).
  for (let maxConcurrency = 1; maxConcurrency <= 24; maxConcurrency++) {
    for (let total = 1; total <= 40; total++) {
      for (let count = 1; count <= 12; count++) {
        const lists = Array.from(
          { length: count },
          (_, index) =>
            shardsForProcess(total, index, count, { maxConcurrency }),
        );
        const label = `total=${total} count=${count} c=${maxConcurrency}`;
        assert.deepEqual(
          lists.flat().sort((a, b) => a - b),
          shardRange(0, total - 1),
          label,
        );
        for (const list of lists) {
          assert.deepEqual(list, [...list].sort((a, b) => a - b), label);
          // Only more processes than shards leaves a process without one.
          if (count <= total) assert.ok(list.length > 0, label);
        }
        if (count <= Math.min(maxConcurrency, total)) {
          const owner = new Map<number, number>();
          lists.forEach((list, index) => {
            for (const id of list) {
              const bucket = id % maxConcurrency;
              assert.equal(owner.get(bucket) ?? index, index, label);
              owner.set(bucket, index);
            }
          });
        } else {
          const sizes = lists.map((list) => list.length);
          assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, label);
          for (const list of lists) {
            list.forEach((id, i) => assert.equal(id, list[0]! + i, label));
          }
        }
      }
    }
  }
});

Deno.test("shardsForProcess balances bucket shares when the count is a multiple", () => {
  // 1024 shards, max_concurrency 16, 3 processes: buckets 5, 5 and 6.
  const sizes = [0, 1, 2].map((index) =>
    shardsForProcess(1024, index, 3, { maxConcurrency: 16 }).length
  );
  assert.deepEqual(sizes, [320, 320, 384]);
});

Deno.test("shardsForProcess walks only buckets that hold shards, whatever max_concurrency says", async () => {
  // GET /gateway/bot's max_concurrency once reached here unbounded: 2^40
  // buckets froze Client.start(). The split runs in a worker so that a loop
  // over 2^52 buckets fails the watchdog instead of freezing the test. Only
  // the split is timed: loading the worker's modules type-checks them under
  // `deno test` (a graph of their own, so a fresh clone always pays it), and
  // starting tsc took more than the watchdog's 10 s on a loaded machine.
  const code = `import { shardsForProcess } from ${
    JSON.stringify(new URL("../../gateway/shard_routing.ts", import.meta.url))
  };
const big = { maxConcurrency: Number.MAX_SAFE_INTEGER };
self.postMessage("loaded");
self.postMessage([shardsForProcess(16, 0, 2, big), shardsForProcess(16, 1, 2, big)]);`;
  const url = URL.createObjectURL(
    new Blob([code], { type: "text/javascript" }),
  );
  const worker = new Worker(url, { type: "module" });
  try {
    let loaded!: () => void;
    const ready = new Promise<void>((resolve) => loaded = resolve);
    const result = new Promise((resolve, reject) => {
      worker.onmessage = (event) => {
        if (event.data === "loaded") loaded();
        else resolve(event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
    });
    await within(
      Promise.race([ready, result]),
      "the worker to load (and type-check) gateway/shard_routing.ts",
      120_000,
    );
    const split = await within(
      result,
      "shardsForProcess with max_concurrency 2^53 - 1",
    );
    // The 16 buckets that hold a shard split in two, as with any
    // max_concurrency of at least 16.
    assert.deepEqual(split, [shardRange(0, 7), shardRange(8, 15)]);
    assert.deepEqual(
      shardsForProcess(16, 1, 2, { maxConcurrency: 32 }),
      shardRange(8, 15),
    );
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

Deno.test("shardsForProcess rejects bad arguments", async (t) => {
  const rows: Array<
    [
      args: [number, number, number, { maxConcurrency?: number }?],
      message: string,
    ]
  > = [
    [
      [0, 0, 1],
      "Cannot split shards as 'totalShards' must be a positive integer: current value 'totalShards=0'",
    ],
    [
      [1.5, 0, 1],
      "Cannot split shards as 'totalShards' must be a positive integer: current value 'totalShards=1.5'",
    ],
    [
      [4, 0, 0],
      "Cannot split shards as 'processCount' must be a positive integer: current value 'processCount=0'",
    ],
    [
      [4, 2, 2],
      "Cannot split shards as 'processIndex' must be an integer in [0, processCount): current values 'processIndex=2', 'processCount=2'",
    ],
    [
      [4, -1, 2],
      "Cannot split shards as 'processIndex' must be an integer in [0, processCount): current values 'processIndex=-1', 'processCount=2'",
    ],
    [
      [4, 0.5, 2],
      "Cannot split shards as 'processIndex' must be an integer in [0, processCount): current values 'processIndex=0.5', 'processCount=2'",
    ],
    [
      [4, 0, 2, { maxConcurrency: 0 }],
      "Cannot split shards as 'maxConcurrency' must be a positive integer: current value 'maxConcurrency=0'",
    ],
  ];
  for (const [args, message] of rows) {
    await t.step(JSON.stringify(args), () => {
      assert.throws(() => shardsForProcess(...args), {
        name: "RangeError",
        message,
      });
    });
  }
});

Deno.test("shardRange lists IDs with both ends included", async (t) => {
  assert.deepEqual(shardRange(0, 3), [0, 1, 2, 3]);
  assert.deepEqual(shardRange(16, 16), [16]);
  assert.equal(shardRange(0, 999).length, 1000);
  const rows: Array<[first: number, last: number, message: string]> = [
    [
      3,
      2,
      "Cannot make shard range as 'last' must be >= 'first': current values 'first=3', 'last=2'",
    ],
    [
      -1,
      2,
      "Cannot make shard range as 'first' must be a non-negative integer: current value 'first=-1'",
    ],
    [
      0,
      1.5,
      "Cannot make shard range as 'last' must be a non-negative integer: current value 'last=1.5'",
    ],
  ];
  for (const [first, last, message] of rows) {
    await t.step(`${first}..${last}`, () => {
      assert.throws(() => shardRange(first, last), {
        name: "RangeError",
        message,
      });
    });
  }
});

Deno.test("README's two-process split: one shared identify queue, whole buckets, no op 9", async (t) => {
  // The README's sharding example with the shared RedisIdentifyQueue played
  // by one in-process queue: two Clients, 32 shards between them.
  const { Client, Handler } = await import("../../handler/mod.ts");
  const { MemoryIdentifyQueue } = await import(
    "../../gateway/identify_queue.ts"
  );
  const { FakeDiscord, VirtualScheduler } = await import(
    "../../testing/mod.ts"
  );
  // 8 shards under max_concurrency 16: the second process once got none,
  // and its start() was refused ('shardIds' must not be empty).
  const cases: Array<[maxConcurrency: number, shards: number]> = [
    [1, 32],
    [16, 32],
    [16, 8],
  ];
  for (const [maxConcurrency, shards] of cases) {
    await t.step(
      `max_concurrency ${maxConcurrency}, ${shards} shards`,
      async () => {
        const scheduler = new VirtualScheduler();
        await using discord = await FakeDiscord.start({
          scheduler,
          shards,
          gateway: { maxConcurrency },
        });
        const identifyQueue = new MemoryIdentifyQueue({ scheduler });
        // Without gatewayUrl, GET /gateway/bot tells max_concurrency.
        const { gatewayUrl: _gatewayUrl, ...reach } = discord.clientOptions;
        const clients = [0, 1].map((index) =>
          new Client({
            ...reach,
            token: discord.token,
            intents: 1,
            scheduler,
            shards,
            shardIds: (count, mc) =>
              shardsForProcess(count, index, 2, { maxConcurrency: mc }),
            identifyQueue,
          })
        );
        const started = Promise.all(
          clients.map((client) =>
            client.start(new (class extends Handler {})())
          ),
        );
        for (let step = 0; step < 200; step++) await scheduler.advance(1000);
        await started;
        const counters = discord.gateway.counters;
        assert.equal(counters.sessionStarts, shards);
        assert.equal(counters.invalidSessions, 0);
        for (const client of clients) assert.ok(client.shards!.shards.size > 0);
        for (const client of clients) await client.stop();
      },
    );
  }
});
