// A Redis outage under the Redis store: logged, never thrown, the cache is
// marked stale (once), and rebuilt from the next READY and GUILD_CREATEs.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { RedisCache } from "../../cache/mod.ts";
import { MAX_WAITING } from "../../cache/redis_backlog.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";
import { heapGrowthWith } from "../_fakes/heap_growth.ts";
import { forEachChunk } from "../../cache/redis_chunks.ts";
import { hungConnection } from "./_hung_connections.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

/** A TCP relay to Redis that can drop every connection and refuse new ones. */
class Relay {
  #listener: Deno.Listener | undefined;
  readonly #conns = new Set<Deno.Conn>();
  readonly #pipes = new Set<Promise<unknown>>();
  port = 0;
  /** While true, the server's replies are swallowed (sent, never answered). */
  swallowReplies = false;

  constructor(readonly target: { hostname: string; port: number }) {}

  start(): void {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    const listener = this.#listener;
    this.#pipes.add(
      (async () => {
        for await (const conn of listener) {
          const upstream = await Deno.connect(this.target);
          this.#conns.add(conn).add(upstream);
          this.#pipes.add(
            conn.readable.pipeTo(upstream.writable).catch(() => {}),
          );
          const replies = new TransformStream<Uint8Array, Uint8Array>({
            transform: (chunk, out) => {
              if (!this.swallowReplies) out.enqueue(chunk);
            },
          });
          this.#pipes.add(
            upstream.readable.pipeThrough(replies).pipeTo(conn.writable)
              .catch(() => {}),
          );
        }
      })().catch(() => {}),
    );
  }

  /** Drop every connection and stop listening. */
  async stop(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
    this.#conns.clear();
    await Promise.all(this.#pipes);
    this.#pipes.clear();
  }
}

/**
 * Database 10 of the test server, emptied: a direct connection, and the
 * store's through a relay the test can cut.
 */
async function relayed(): Promise<{
  direct: RedisConnection;
  relay: Relay;
  redis: RedisConnection;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const url = new URL(server.url);
  url.pathname = "/10";
  const direct = await connectRedis({ url: url.href });
  await direct.flushdb();
  const relay = new Relay({ hostname: url.hostname, port: Number(url.port) });
  relay.start();
  const redis = await connectRedis({
    url: `redis://127.0.0.1:${relay.port}/10`,
  });
  return {
    direct,
    relay,
    redis,
    async [Symbol.asyncDispose](): Promise<void> {
      await closeRedis(redis);
      await relay.stop();
      await direct.flushdb();
      await closeRedis(direct);
    },
  };
}

/** Whether `promise` settles within 10 s ("held" if not). */
async function settlesSoon(promise: Promise<unknown>): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result = await Promise.race([
    promise.then(() => "settled", () => "settled"),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("held"), 10_000);
    }),
  ]);
  clearTimeout(timer);
  return result;
}

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
  members: [],
};

Deno.test({
  name:
    "RedisCache: an outage is logged and marks the cache stale once; READY and GUILD_CREATE rebuild it",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { direct, relay, redis } = setup;
    const staleCalls: unknown[] = [];
    const cache = new RedisCache(redis, {
      resources: ["guilds", "channels", "messages"],
      onStale: (error) => staleCalls.push(error),
    });
    await cache.apply("GUILD_CREATE", GUILD);
    await cache.flush();
    assert.equal(JSON.parse((await direct.get("guild:1"))!).name, "g");

    const down = new Promise((resolve) => redis.once("close", resolve));
    await relay.stop();
    await down;
    const lines = await captureStderr(async () => {
      // The gateway goes on: apply returns at once, without throwing.
      const update = await cache.apply("MESSAGE_CREATE", {
        id: "3",
        channel_id: "2",
        content: "lost",
        author: { id: "4", username: "u" },
        timestamp: "2024-01-01T00:00:00.000000+00:00",
      });
      assert.deepEqual(update, { changes: [], old: undefined });
      await cache.apply("GUILD_UPDATE", { id: "1", name: "renamed" });
    });
    // Visible without configuring logging, once per outage.
    const logged = lines.filter((line) => line.includes("lost writes"));
    assert.equal(logged.length, 1, lines.join("\n"));
    assert.equal(cache.stale, true);
    assert.equal(staleCalls.length, 1, "onStale is called once per outage");

    const up = new Promise((resolve) => redis.once("ready", resolve));
    relay.start();
    await up;
    await cache.apply("READY", {
      v: 10,
      user: { id: "9", username: "bot" },
      guilds: [{ id: "1", unavailable: true }],
      session_id: "s",
      resume_gateway_url: "wss://x",
      application: { id: "9", flags: 0 },
    });
    assert.equal(cache.stale, false);
    await cache.apply("GUILD_CREATE", { ...GUILD, name: "rebuilt" });
    await cache.flush();
    assert.equal(JSON.parse((await direct.get("guild:1"))!).name, "rebuilt");
    assert.equal(await direct.get("message:2:3"), null);
  },
});

Deno.test({
  name:
    "RedisCache: flush() with every write answered returns at once, even from a Redis that stopped answering (the dispatch service's close flushes: it waited its whole bound for a PING)",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { direct, relay, redis } = setup;
    const cache = new RedisCache(redis, { resources: ["guilds"] });
    await cache.apply("GUILD_CREATE", GUILD);
    await cache.flush();
    assert.equal(JSON.parse((await direct.get("guild:1"))!).name, "g");
    // Up, its connection open, but answering nothing (SIGSTOP, a stall).
    relay.swallowReplies = true;
    await within(cache.flush(), "a flush with nothing unanswered", 2_000);
    assert.equal(cache.stale, false);
    relay.swallowReplies = false;
  },
});

Deno.test({
  name:
    "RedisCache: a connection lost while a batch awaits its reads fails that batch and the ones behind it at once (stale), rather than holding them until Redis is back",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { relay, redis } = setup;
    const cache = new RedisCache(redis, {
      resources: ["guilds", "channels", "messages"],
    });
    await cache.apply("GUILD_CREATE", GUILD);
    await cache.flush();
    // The next batch's reads reach the server; their answers never come.
    relay.swallowReplies = true;
    const message = (id: string) => ({
      id,
      channel_id: "2",
      guild_id: "1",
      content: "x",
      author: { id: "4", username: "u" },
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    });
    const inFlight = cache.apply("MESSAGE_UPDATE", message("3"));
    const behind = cache.apply("MESSAGE_UPDATE", message("5"));
    const down = new Promise((resolve) => redis.once("close", resolve));
    await captureStderr(async () => {
      // Gone for good: the client could only hold its commands.
      await relay.stop();
      await down;
      assert.equal(
        await settlesSoon(Promise.all([inFlight, behind])),
        "settled",
      );
    });
    assert.deepEqual((await inFlight).changes, []);
    assert.equal(cache.stale, true);
  },
});

Deno.test({
  name:
    "RedisCache: a connection lost while a batch's removal awaits its answers fails the calls behind it at once (stale), rather than holding them until Redis is back",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { relay, redis } = setup;
    const cache = new RedisCache(redis);
    await cache.apply("GUILD_CREATE", GUILD);
    await cache.flush();
    // The guild's removal (a step after the batch's first chunk) sends its
    // first SSCAN; its answer never comes.
    const scanning = new Promise<void>((resolve) => {
      const sscan = redis.sscan.bind(redis) as (
        ...args: unknown[]
      ) => Promise<unknown>;
      (redis as unknown as { sscan: typeof sscan }).sscan = (...args) => {
        relay.swallowReplies = true;
        resolve();
        return sscan(...args);
      };
    });
    const removing = cache.apply("GUILD_DELETE", { id: "1" });
    await scanning;
    const behind = cache.apply("GUILD_UPDATE", { id: "1", name: "g" });
    const down = new Promise((resolve) => redis.once("close", resolve));
    await captureStderr(async () => {
      // Gone for good: the client could only hold its commands.
      await relay.stop();
      await down;
      assert.equal(
        await settlesSoon(Promise.all([removing, behind])),
        "settled",
      );
    });
    assert.equal(cache.stale, true);
  },
});

Deno.test("RedisCache: a Redis that is up but never answers holds at most MAX_WAITING dispatches; the next are dropped at once, and the cache says it is stale (once)", async () => {
  const hung = hungConnection();
  const stale: unknown[] = [];
  const cache = new RedisCache(hung, {
    scheduler: new VirtualScheduler(),
    onStale: (error) => stale.push(error),
  });
  const message = (id: number) => ({
    event: "MESSAGE_CREATE",
    data: { id: String(id), channel_id: "2", guild_id: "1", content: "x" },
  });
  let settled = 0;
  // The first call's reads hang; the others wait behind it (the one in
  // progress counts: it is not answered either).
  for (let i = 0; i < MAX_WAITING; i++) {
    void cache.applyBatch([message(i)]).then(() => settled++);
  }
  await Promise.resolve();
  assert.equal(settled, 0, "every call up to the bound waits");
  assert.equal(cache.stale, false);
  const logs = await captureStderr(async () => {
    const dropped = await cache.applyBatch([message(1), message(2)]);
    assert.deepEqual(dropped.map((update) => update.changes), [[], []]);
    await cache.apply("MESSAGE_CREATE", message(3).data);
  });
  assert.equal(cache.stale, true);
  assert.equal(stale.length, 1, "onStale once");
  assert.match(String(stale[0]), /Redis is too slow: 20000 dispatches/);
  assert.equal(logs.filter((line) => line.includes("too slow")).length, 1);
});

Deno.test({
  name:
    "RedisCache serving two shards: one shard's READY after an outage leaves the cache stale until the other's, and the DMs (which no GUILD_CREATE rebuilds) are dropped",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { direct, relay, redis } = setup;
    const cache = new RedisCache(redis);
    // Guild 8388608 is shard 0's of two, 4194304 shard 1's.
    const guild = (id: string, channelId: string) => ({
      ...GUILD,
      id,
      channels: [{ id: channelId, type: 0, name: "c" }],
    });
    const ready = (shard: number, guildId: string) => ({
      v: 10,
      user: { id: "9", username: "bot" },
      guilds: [{ id: guildId, unavailable: true }],
      session_id: "s",
      resume_gateway_url: "wss://x",
      application: { id: "9", flags: 0 },
      shard: [shard, 2],
    });
    const dm = {
      id: "300",
      channel_id: "50",
      content: "dm",
      author: { id: "4", username: "u" },
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    };
    await cache.apply("READY", ready(0, "8388608"));
    await cache.apply("READY", ready(1, "4194304"));
    await cache.apply("GUILD_CREATE", guild("8388608", "100"));
    await cache.apply("GUILD_CREATE", guild("4194304", "200"));
    await cache.apply("CHANNEL_CREATE", {
      id: "60",
      type: 1,
      recipients: [{ id: "4", username: "u" }],
    });
    await cache.apply("MESSAGE_CREATE", { ...dm, channel_id: "60" });
    await cache.apply("MESSAGE_CREATE", dm); // a DM channel not held
    await cache.flush();
    assert.equal(await direct.exists("message:50:300", "message:60:300"), 2);

    const down = new Promise((resolve) => redis.once("close", resolve));
    await relay.stop();
    await down;
    await captureStderr(() =>
      cache.apply("MESSAGE_DELETE", { id: "300", channel_id: "50" })
    );
    assert.equal(cache.stale, true);
    const up = new Promise((resolve) => redis.once("ready", resolve));
    relay.start();
    await up;

    // Shard 0 starts a new session; shard 1 resumes (nothing lost to
    // Redis is sent again).
    await cache.apply("READY", ready(0, "8388608"));
    await cache.apply("GUILD_CREATE", guild("8388608", "100"));
    await cache.flush();
    assert.equal(cache.stale, true, "shard 1's guilds were not rebuilt");
    assert.equal(await direct.exists("message:50:300"), 0, "DM dropped");
    assert.equal(await direct.exists("message:60:300"), 0);
    assert.equal(await direct.exists("channel:60"), 0);
    assert.deepEqual(await direct.smembers("channel_keys:60"), []);
    assert.deepEqual(
      (await direct.smembers("channel_keys")).sort(),
      ["channel:100", "channel:200"],
    );
    assert.ok(await direct.exists("guild:4194304"), "other guilds stay");
    await cache.apply("READY", ready(1, "4194304"));
    assert.equal(cache.stale, false);
  },
});

Deno.test({
  name:
    "RedisCache: 10,000 batches on a healthy connection leave nothing behind (the wait for a lost connection is forgotten with each batch)",
  ignore: server.ignore,
  fn: async () => {
    const url = new URL(server.url);
    url.pathname = "/10";
    const growth = await heapGrowthWith(
      ["--allow-net=127.0.0.1,localhost", "--allow-env", "--allow-read"],
      new URL("./_redis_batch_growth_child.ts", import.meta.url),
      url.href,
    );
    // Each batch's reads (a 20 KB channel) were kept by a reaction on a
    // promise that lived until the next loss: 220 MB for 10,000.
    assert.ok(growth < 20, `the heap grew by ${growth} MB`);
  },
});

Deno.test({
  name:
    "forEachChunk: a connection lost midway ends the work instead of sending the chunks left once it is back (among what came since)",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { direct, relay, redis } = setup;
    const members = Array.from({ length: 5_000 }, (_, i) => `m${i}`);
    await direct.sadd("big", ...members);
    const script =
      "for _, k in ipairs(KEYS) do redis.call('SADD', 'done', k) end";
    // The first SSCAN reaches the server; its answer never comes back.
    relay.swallowReplies = true;
    const work = forEachChunk(redis, "big", script).then(
      () => "finished",
      (error: Error) => error.message,
    );
    await captureStderr(async () => {
      const down = new Promise((resolve) => redis.once("close", resolve));
      await relay.stop();
      await down;
      relay.swallowReplies = false;
      const up = new Promise((resolve) => redis.once("ready", resolve));
      relay.start();
      await up;
      // The client sends the SSCAN again; nothing after it.
      assert.match(await work, /lost midway/);
    });
    await redis.ping(); // after anything the work could still have sent
    assert.equal(await direct.scard("done"), 0);
  },
});

Deno.test({
  name:
    "RedisCache: a connection lost again while a batch waits for the server's run_id after a reconnect fails that batch at once (stale)",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { relay, redis } = setup;
    const cache = new RedisCache(redis, { resources: ["guilds"] });
    await captureStderr(async () => {
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();
      const down = new Promise((resolve) => redis.once("close", resolve));
      await relay.stop();
      await down;
      // Back: the connection asks the server's run_id as it is ready;
      // that answer never comes.
      const up = new Promise<void>((resolve) =>
        redis.once("ready", () => {
          relay.swallowReplies = true;
          resolve();
        })
      );
      relay.start();
      await up;
      const update = cache.apply("GUILD_UPDATE", { id: "1", name: "x" });
      await relay.stop(); // lost again, for good
      assert.equal(await settlesSoon(update), "settled");
    });
    assert.equal(cache.stale, true);
  },
});

Deno.test("RedisCache: shard ids that no READY could carry are refused, in the shards option and in markStale, and nothing is marked", async () => {
  // Neither touches the connection: a stand-in is enough.
  const redis = {} as RedisConnection;
  for (const bad of [[-1], [1.5], [Number.NaN], ["0"], [0, 2 ** 53]]) {
    assert.throws(
      () => new RedisCache(redis, { shardIds: bad as number[] }),
      RangeError,
      JSON.stringify(bad),
    );
  }
  assert.throws(
    () => new RedisCache(redis, { shardIds: 3 as unknown as number[] }),
    TypeError,
  );
  const cache = new RedisCache(redis);
  await captureStderr(() => {
    for (const bad of [[-1], [1.5], [Number.NaN], ["0"], [0, 2 ** 53]]) {
      assert.throws(
        () => cache.markStale(bad as number[], "missed"),
        (error: unknown) =>
          error instanceof RangeError &&
          error.message.includes("mark a RedisCache stale"),
        JSON.stringify(bad),
      );
    }
    assert.throws(
      () => cache.markStale("01" as unknown as number[], "missed"),
      TypeError,
    );
    // A string's characters would have been marked one by one.
    assert.equal(cache.stale, false);
    assert.deepEqual(cache.staleShards, []);
    cache.markStale(new Set([2, 0]), "missed");
  });
  assert.equal(cache.stale, true);
  assert.deepEqual(cache.staleShards.sort(), [0, 2]);
});

/** Shard `shard`'s READY (of `count`), listing `guildIds`. */
const readyOf = (shard: number, count: number, guildIds: string[] = []) => ({
  v: 10,
  user: { id: "9", username: "bot" },
  guilds: guildIds.map((id) => ({ id, unavailable: true })),
  session_id: `s${shard}`,
  resume_gateway_url: "wss://x",
  application: { id: "9", flags: 0 },
  shard: [shard, count],
});

Deno.test({
  name:
    "RedisCache: a shard whose first READY is dropped while Redis is down is awaited: another shard's new READY leaves the cache stale until it sends one",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { relay, redis } = setup;
    const cache = new RedisCache(redis);
    // Guild 8388608 is shard 0's of two, 4194304 shard 1's.
    await cache.apply("READY", readyOf(0, 2, ["8388608"]));
    await cache.apply("GUILD_CREATE", { ...GUILD, id: "8388608" });
    await cache.flush();

    const down = new Promise((resolve) => redis.once("close", resolve));
    await relay.stop();
    await down;
    await captureStderr(async () => {
      // Shard 1 starts its first session meanwhile: nothing of it is kept.
      await cache.applyBatch([
        { event: "READY", data: readyOf(1, 2, ["4194304"]) },
        { event: "GUILD_CREATE", data: { ...GUILD, id: "4194304" } },
      ]);
    });
    assert.equal(cache.stale, true);
    assert.deepEqual(cache.staleShards.sort(), [0, 1]);
    const up = new Promise((resolve) => redis.once("ready", resolve));
    relay.start();
    await up;

    await cache.apply("READY", readyOf(0, 2, ["8388608"]));
    await cache.apply("GUILD_CREATE", { ...GUILD, id: "8388608" });
    await cache.flush();
    assert.equal(cache.stale, true, "shard 1's guild is missing");
    assert.deepEqual(cache.staleShards, [1]);
    await cache.apply("READY", readyOf(1, 2, ["4194304"]));
    assert.equal(cache.stale, false);
    assert.deepEqual(cache.staleShards, []);
  },
});

Deno.test("RedisCache: a READY dropped because Redis is too slow is awaited too", async () => {
  const cache = new RedisCache(hungConnection(), {
    scheduler: new VirtualScheduler(),
  });
  for (let i = 0; i < MAX_WAITING; i++) {
    void cache.apply("GUILD_UPDATE", { id: String(i + 1), name: "g" });
  }
  await captureStderr(async () => {
    const [dropped] = await cache.applyBatch([
      { event: "READY", data: readyOf(3, 4) },
    ]);
    assert.deepEqual(dropped?.changes, []);
  });
  assert.equal(cache.stale, true);
  assert.deepEqual(cache.staleShards, [3]);
});

Deno.test({
  name:
    "RedisCache: after a reshard, the new shard count's READYs end the staleness: the old count's shards are no longer awaited",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { redis } = setup;
    const cache = new RedisCache(redis);
    for (let shard = 0; shard < 4; shard++) {
      await cache.apply("READY", readyOf(shard, 4));
    }
    await captureStderr(() => cache.markStale([], "writes lost"));
    assert.deepEqual(cache.staleShards.sort(), [0, 1, 2, 3]);
    // The bot now runs two shards: both start a session.
    await cache.apply("READY", readyOf(0, 2));
    await cache.apply("READY", readyOf(1, 2));
    await cache.flush();
    assert.equal(cache.stale, false);
    assert.deepEqual(cache.staleShards, []);
    // A later loss awaits the two shards of the count that runs now.
    await captureStderr(() => cache.markStale([], "writes lost again"));
    assert.deepEqual(cache.staleShards.sort(), [0, 1]);
    await cache.apply("READY", readyOf(0, 2));
    assert.deepEqual(cache.staleShards, [1]);
    await cache.apply("READY", readyOf(1, 2));
    assert.equal(cache.stale, false);
  },
});

Deno.test({
  name:
    "RedisCache: shard ids given before any READY (shards, markStale) are taken as of the first READY's count; one that count cannot carry is not awaited for good",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const cache = new RedisCache(setup.redis, { shardIds: [0, 1, 5] });
    await captureStderr(() => cache.markStale([2], "missed"));
    assert.deepEqual(cache.staleShards.sort(), [0, 1, 2, 5]);
    await cache.apply("READY", readyOf(0, 3));
    assert.deepEqual(cache.staleShards.sort(), [1, 2]);
    await cache.apply("READY", readyOf(1, 3));
    await cache.apply("READY", readyOf(2, 3));
    assert.equal(cache.stale, false);
  },
});

Deno.test({
  name:
    "RedisCache: a READY still waiting its turn when later dispatches are dropped (the backlog full) does not end the staleness, nor after a later loss covering less: what was dropped after it is not rebuilt by it",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const cache = new RedisCache(setup.redis);
    await cache.apply("READY", readyOf(0, 1));
    await captureStderr(() => cache.markStale([], "writes lost"));
    assert.deepEqual(cache.staleShards, [0]);
    await captureStderr(async () => {
      // Not awaited, as the dispatch service feeds the store: the READY
      // waits its turn while the backlog fills and the rest is dropped.
      const calls = [cache.apply("READY", readyOf(0, 1))];
      for (let i = 0; i <= MAX_WAITING; i++) {
        calls.push(cache.apply("GUILD_UPDATE", { id: String(i + 1) }));
      }
      // A later loss covering less (events missed before any call) leaves
      // the drop after the READY covered.
      cache.markStale([0], "missed");
      await Promise.all(calls);
      await cache.flush();
    });
    assert.equal(cache.stale, true);
    assert.deepEqual(cache.staleShards, [0]);
    // The shard's next session rebuilds it.
    await cache.apply("READY", readyOf(0, 1));
    assert.equal(cache.stale, false);
  },
});

Deno.test({
  name:
    "RedisCache: calls run as one batch each keep their own call number: a READY admitted after a drop ends the staleness, one admitted before it does not, wherever it stands in the batch",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const update = (id: number) => ({
      event: "GUILD_UPDATE",
      data: { id: String(id), name: "g" },
    });
    // A call of MAX_WAITING dispatches, refused behind any call waiting.
    const tooMany = Array.from({ length: MAX_WAITING }, (_, i) => update(i));
    for (const readyAfterDrop of [true, false]) {
      const cache = new RedisCache(setup.redis);
      await cache.apply("READY", readyOf(0, 1));
      await captureStderr(async () => {
        // Not awaited, as the dispatch service feeds the store: the first
        // call's reads are in flight, the others wait and run as one batch
        // (the dropped call aside).
        const calls: Promise<unknown>[] = [
          cache.apply("GUILD_UPDATE", update(1).data),
        ];
        calls.push(cache.apply("GUILD_UPDATE", update(2).data));
        if (readyAfterDrop) {
          calls.push(cache.applyBatch(tooMany));
          calls.push(cache.apply("READY", readyOf(0, 1)));
        } else {
          calls.push(cache.apply("READY", readyOf(0, 1)));
          calls.push(cache.applyBatch(tooMany));
          // Longer than the calls before it in the batch.
          calls.push(cache.applyBatch([update(3), update(4), update(5)]));
        }
        await Promise.all(calls);
        await cache.flush();
      });
      // After the drop in gateway order, the READY rebuilds what it lost;
      // before it, it does not.
      assert.equal(
        cache.stale,
        !readyAfterDrop,
        `READY after: ${readyAfterDrop}`,
      );
      assert.deepEqual(cache.staleShards, readyAfterDrop ? [] : [0]);
    }
  },
});

Deno.test({
  name:
    "RedisCache: a dispatch the core throws on, in a batch of several calls, covers its own call only: a READY of a later call of the batch ends the staleness",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const cache = new RedisCache(setup.redis);
    await cache.apply("READY", readyOf(0, 1));
    // Not from JSON: a payload object whose field cannot be read.
    const trap = {
      id: "10",
      channel_id: "2",
      get guild_id(): string {
        throw new Error("unreadable field");
      },
    };
    await captureStderr(async () => {
      // The first call's reads are in flight; the next two run as one batch.
      await Promise.all([
        cache.apply("GUILD_UPDATE", { id: "1", name: "g" }),
        cache.apply("MESSAGE_CREATE", trap),
        cache.apply("READY", readyOf(0, 1)),
      ]);
      await cache.flush();
    });
    assert.equal(cache.stale, false);
  },
});

Deno.test({
  name:
    "RedisCache: a loss covers what it lost, no later call: a READY behind a batch whose writes failed, and a READY admitted before markStale, end the staleness",
  ignore: server.ignore,
  fn: async () => {
    await using setup = await relayed();
    const { direct, redis } = setup;
    const cache = new RedisCache(redis);
    await cache.applyBatch([
      { event: "READY", data: readyOf(0, 1) },
      { event: "GUILD_CREATE", data: GUILD },
    ]);
    await direct.set("guild_keys:300", "not a set"); // its write fails once
    await captureStderr(async () => {
      const lost = cache.apply("GUILD_CREATE", { ...GUILD, id: "300" });
      // The shard's next session, after the lost write in gateway order,
      // not awaited (as the dispatch service feeds the store).
      const next = cache.applyBatch([
        { event: "READY", data: readyOf(0, 1) },
        { event: "GUILD_CREATE", data: GUILD },
      ]);
      await Promise.all([lost, next]);
      await cache.flush();
    });
    await direct.del("guild_keys:300");
    assert.equal(cache.stale, false);
    // Shards said missed while a READY waits its turn: it ends it.
    const ready = cache.apply("READY", readyOf(0, 1));
    await captureStderr(() => cache.markStale([0], "missed"));
    await ready;
    assert.equal(cache.stale, false);
  },
});
