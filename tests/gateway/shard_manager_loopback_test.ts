// ShardManager end to end over real WebSockets on 127.0.0.1: the default
// transport (as chosen without proxy variables), the real scheduler (a
// virtual one that never moves in the identify-window test), the fake
// gateway behind a TCP relay. Nothing sleeps: every step awaits an event,
// with a guard that fails the test instead of hanging when the event never
// comes.
import assert from "node:assert/strict";
import { createDefaultTransport } from "../../gateway/default_transport.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import {
  FakeGateway,
  type FakeGatewayEvent,
} from "../../testing/fake_gateway.ts";
import type { FakeGatewayServer } from "../../testing/fake_gateway_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { within } from "../_fakes/watchdog.ts";

const TOKEN = "fake-token";
/** The default transport's choice without proxy variables, whatever the caller's environment. */
const DEFAULT_WITHOUT_PROXY = createDefaultTransport(() => undefined);
const AUTHOR = { id: "1300000000000000001", username: "someone" };

/** Messages seen per shard, with a promise for "this many in total". */
class Inbox {
  readonly byShard = new Map<number, number[]>();
  #total = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  add(shardId: number, n: number): void {
    this.byShard.set(shardId, [...this.byShard.get(shardId) ?? [], n]);
    this.#total++;
    this.#waiters = this.#waiters.filter((w) => {
      if (this.#total < w.count) return true;
      w.resolve();
      return false;
    });
  }

  reached(count: number): Promise<void> {
    if (this.#total >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** Dispatch messages `from` to `to - 1`, message `n` in guild `n % guilds`. */
function stream(gateway: FakeGateway, from: number, to: number): void {
  const guilds = gateway.guildIds;
  for (let n = from; n < to; n++) {
    gateway.dispatch("MESSAGE_CREATE", {
      id: String(10_000 + n),
      channel_id: "1",
      guild_id: guilds[n % guilds.length]!,
      author: AUTHOR,
      content: "",
    });
  }
}

/** Close the manager, then wait until the fake saw every socket go. */
async function shutdown(
  manager: ShardManager,
  gateway: FakeGateway,
  server: FakeGatewayServer,
): Promise<void> {
  await within(manager.close(), "the manager to close");
  while (gateway.connections.length > 0) {
    await within(
      gateway.nextEvent((e) => e.type === "close"),
      "the client's close frames",
      5_000,
    );
  }
  gateway.close();
  await server.close();
}

Deno.test("ShardManager runs 4 shards over loopback WebSockets; a dropped shard resumes without losing events", async () => {
  const shardCount = 4;
  const gateway = new FakeGateway({ guilds: 8, maxConcurrency: shardCount });
  const server = await gateway.serve();
  const manager = new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    shardCount,
    maxConcurrency: shardCount,
    gatewayUrl: server.url,
    transport: DEFAULT_WITHOUT_PROXY,
  });
  const inbox = new Inbox();
  manager.on("dispatch", (event) => {
    inbox.add(event.shardId, Number((event.data as { id: string }).id) - 1e4);
  }, { events: ["MESSAGE_CREATE"] });
  try {
    await within(manager.start(), "all shards ready", 10_000);
    assert.deepEqual(
      manager.info().map((i) => i.status),
      Array(shardCount).fill("ready"),
    );
    assert.equal(gateway.counters.sessionStarts, shardCount);
    assert.ok(gateway.allConnections.every((c) => c.kind === "main"));

    stream(gateway, 0, 40);
    await within(inbox.reached(40), "40 messages", 10_000);

    // Drop shard 1's TCP connection (no close frame) and keep streaming.
    const resumed = gateway.nextEvent((e) => e.type === "resume");
    const dropped = manager.shard(1)!.sessionId;
    assert.equal(gateway.dropConnection({ shardId: 1 }), 1);
    stream(gateway, 40, 80);
    const resume = await within(resumed, "shard 1's RESUME", 10_000) as Extract<
      FakeGatewayEvent,
      { type: "resume" }
    >;
    assert.equal(resume.kind, "resume", "RESUME on the resume URL");
    assert.equal(resume.outcome, "resumed");
    assert.equal(resume.sessionId, dropped);
    // Shard 1 has 2 of the 8 guilds: its 10 of messages 40-79 were held
    // while it was away and replayed.
    assert.ok(resume.replayed >= 10, `replayed ${resume.replayed}`);
    await within(inbox.reached(80), "80 messages", 10_000);
    stream(gateway, 80, 100);
    await within(inbox.reached(100), "100 messages", 10_000);

    const guilds = gateway.guildIds;
    for (let shardId = 0; shardId < shardCount; shardId++) {
      const want = Array.from({ length: 100 }, (_, n) => n).filter((n) =>
        shardForGuild(guilds[n % guilds.length]!, shardCount) === shardId
      );
      assert.deepEqual(
        inbox.byShard.get(shardId),
        want,
        `shard ${shardId}: every event once, in order`,
      );
    }
    assert.equal(gateway.counters.identifies, shardCount, "no new IDENTIFY");
    assert.equal(gateway.counters.resumed, 1);
    assert.ok(manager.info().every((i) => i.status === "ready"));
  } finally {
    await shutdown(manager, gateway, server);
  }
  assert.ok(manager.info().every((i) => i.status === "closed"));
  const closes = gateway.log.filter((e) => e.type === "close");
  assert.deepEqual(
    closes.filter((e) => e.initiator === "client").map((e) => e.code),
    Array(shardCount).fill(1000),
  );
});

/**
 * Start `shardCount` shards over loopback with the manager's timers on a
 * virtual clock that is never advanced: every socket event is real, and the
 * returned time is how long the identify queue made a shard wait.
 */
async function readyOverLoopback(
  shardCount: number,
  maxConcurrency: number,
): Promise<number> {
  const gateway = new FakeGateway({ maxConcurrency });
  const server = await gateway.serve();
  const scheduler = new VirtualScheduler();
  const manager = new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    shardCount,
    maxConcurrency,
    gatewayUrl: server.url,
    transport: DEFAULT_WITHOUT_PROXY,
    scheduler,
  });
  try {
    const started = scheduler.now();
    await within(manager.start(), `${shardCount} shards ready`);
    const elapsed = scheduler.now() - started;
    assert.equal(
      gateway.log.filter((e) => e.type === "invalid-session").length,
      0,
    );
    assert.equal(gateway.counters.sessionStarts, shardCount);
    return elapsed;
  } finally {
    await shutdown(manager, gateway, server);
  }
}

// The identify queue's waits are timers: on a clock that never moves, a
// shard that had to wait for a second identify window would never become
// ready (the watchdog fails the test), so READY for all 16 proves none
// waited, with no wall-clock assertion. Pacing with max_concurrency 1
// (75 s for 16 shards) is asserted on the virtual clock in
// shard_manager_test.ts.
Deno.test("ShardManager: 16 shards with max_concurrency 16 become ready over loopback in one identify window", async () => {
  const waited = await readyOverLoopback(16, 16);
  assert.equal(waited, 0, "no shard waited for a second identify window");
});
