// A full ShardManager.dispatches() stream keeps holding a shard that was
// closed and started again while it was paused (a close ends every pause
// of the shard), or that was not running when the stream paused: the
// shard is paused again at its first event, so the unread backlog stays
// near its 16 MiB bound. Unpaused, 100 KB events to such a shard were all
// taken while nobody read the stream: 57 MiB past the bound, and growing.
import assert from "node:assert/strict";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";

const BIG = "x".repeat(100_000);

interface Harness {
  scheduler: VirtualScheduler;
  manager: ShardManager;
  /** The frame text each shard delivered, to the stream and every listener. */
  delivered: number[];
  /** Send `count` 100 KB events to `shard`'s guild, 10 ms apart. */
  send(shard: number, count: number): Promise<void>;
  /** Send to `shard` until the unread stream pauses it. */
  fillFrom(shard: number): Promise<void>;
  /** Connect `shard` again, until it is ready or paused. */
  reconnect(shard: number): Promise<void>;
  end(): Promise<void>;
}

/** Two shards, started, on the fake gateway and the virtual clock. */
async function twoShards(): Promise<Harness> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    sessionTtl: 60 * 60_000,
  });
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 2,
    transport: gateway.transport,
    scheduler,
  });
  let started = false;
  manager.start().finally(() => started = true);
  await runUntil(scheduler, () => started);
  const guildOf = (shard: number) =>
    gateway.guildIds.find((guild) => shardForGuild(guild, 2) === shard)!;
  const delivered = [0, 0];
  manager.on("dispatch", (event: ShardDispatch) => {
    delivered[event.shardId]! += event.size ?? 0;
  });
  const send = async (shard: number, count: number) => {
    for (let i = 0; i < count; i++) {
      gateway.dispatch("GUILD_UPDATE", { id: guildOf(shard), name: BIG });
      await scheduler.advance(10);
    }
  };
  const fillFrom = async (shard: number) => {
    const source = manager.shard(shard)!;
    for (let sent = 0; !source.paused; sent++) {
      assert.ok(sent < 200, "paused within the bound");
      await send(shard, 1);
    }
  };
  const reconnect = async (shard: number) => {
    let up = false;
    manager.shard(shard)!.connect().then(() => up = true);
    await runUntil(scheduler, () => up || manager.shard(shard)!.paused);
  };
  const end = async () => {
    await manager.close();
    gateway.close();
  };
  return { scheduler, manager, delivered, send, fillFrom, reconnect, end };
}

Deno.test("ShardManager.dispatches() full and unread: a shard closed and connected again by hand is paused again, the backlog stays bounded", async () => {
  const h = await twoShards();
  const stream = h.manager.dispatches(); // never read
  await captureStderr(async () => {
    await h.fillFrom(0);
    assert.equal(h.manager.shard(1)!.paused, true, "both paused at first");
    await h.manager.shard(1)!.close({ resumable: true });
    await h.reconnect(1);
    const before = h.delivered[1]!;
    await h.send(1, 100); // 10 MB to the restarted shard
    assert.equal(h.manager.shard(1)!.paused, true);
    // At most the event that told it escaped (its RESUMED, or one more).
    assert.ok(
      h.delivered[1]! - before <= BIG.length * 1.1,
      `${h.delivered[1]! - before} more chars taken from shard 1`,
    );
    assert.ok(h.delivered[0]! + h.delivered[1]! < MAX_HELD_EVENT_CHARS * 1.1);
  });
  await stream.cancel();
  await h.end();
});

Deno.test("ShardManager.dispatches() full and unread: a shard closed when the stream paused and started after is paused at its first event", async () => {
  const h = await twoShards();
  await h.manager.shard(1)!.close({ resumable: true });
  const stream = h.manager.dispatches(); // never read
  const lines = await captureStderr(async () => {
    await h.fillFrom(0);
    assert.equal(h.manager.shard(1)!.status, "closed");
    await h.reconnect(1);
    await h.send(1, 100);
  });
  assert.equal(h.manager.shard(1)!.paused, true);
  assert.ok(h.delivered[1]! <= BIG.length * 1.1, `${h.delivered[1]} chars`);
  assert.ok(
    lines.some((line) =>
      /Shard 1 paused: started while a dispatch stream/.test(line)
    ),
    lines.join("\n"),
  );
  // Read down, the stream resumes both shards.
  const reader = stream.getReader();
  while (h.manager.shard(0)!.paused || h.manager.shard(1)!.paused) {
    await reader.read();
  }
  // Both RESUME: the sessions survived the pause.
  const resumed = await captureStderr(() => h.scheduler.advance(1000));
  assert.deepEqual(resumed, []);
  assert.deepEqual(h.manager.info().map((shard) => shard.status), [
    "ready",
    "ready",
  ]);
  await reader.cancel();
  await h.end();
});
