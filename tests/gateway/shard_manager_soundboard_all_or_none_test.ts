// ShardManager.requestSoundboardSounds over guilds of two shards, one of
// which has its send queue full: the call is refused (backlog_full) and
// no shard sends its part. It used to send the other shard's frame and
// still reject, so a caller asking again asked twice for those guilds.
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The op 31 frames the gateway received, as their guild lists. */
function soundFrames(gateway: FakeGateway): unknown[] {
  return gateway.allConnections.flatMap((c) =>
    c.received.filter((f) => f.op === 31).map((f) =>
      (f.d as { guild_ids: string[] }).guild_ids
    )
  );
}

interface TwoShards {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  manager: ShardManager;
  g0: string;
  g1: string;
}

/** A started two-shard manager, `g0` and `g1` a guild of each shard. */
async function twoShards(): Promise<TwoShards> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 6, maxConcurrency: 2 });
  const manager = new ShardManager({
    token: "fake-token",
    intents: 1,
    shardCount: 2,
    maxConcurrency: 2,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
  });
  await Promise.all([manager.start(), scheduler.advance(10_000)]);
  const g0 = gateway.guildIds.find((g) => shardForGuild(g, 2) === 0)!;
  const g1 = gateway.guildIds.find((g) => shardForGuild(g, 2) === 1)!;
  return { scheduler, gateway, manager, g0, g1 };
}

Deno.test("ShardManager.requestSoundboardSounds: one target shard's send queue full refuses the whole request, sending no frame on any shard; once it has room, every shard sends its part", async () => {
  const { scheduler, gateway, manager, g0, g1 } = await twoShards();
  const shard1 = manager.shards.get(1)!;
  // Paused, shard 1 sends nothing: 1,000 commands fill its send queue.
  const resume = shard1.pause();
  const flood: Promise<void>[] = [];
  for (let i = 0; i < 1000; i++) {
    flood.push(
      shard1.send({ op: 43, d: { guild_id: g1, fields: ["status"] } }),
    );
  }
  let refusal: unknown;
  await Promise.all([
    manager.requestSoundboardSounds({ guild_ids: [g0, g1] }).catch((e) =>
      refusal = e
    ),
    scheduler.advance(100),
  ]);
  assert.ok(refusal instanceof GatewayError, String(refusal));
  assert.equal(refusal.kind, "backlog_full");
  assert.deepEqual(soundFrames(gateway), [], "no shard sent its part");

  resume();
  let done = false;
  const flooded = Promise.all(flood);
  await Promise.all([flooded, scheduler.advance(10 * 60_000)]);
  await Promise.all([
    manager.requestSoundboardSounds({ guild_ids: [g0, g1] }).then(() =>
      done = true
    ),
    scheduler.advance(10_000),
  ]);
  assert.ok(done);
  assert.deepEqual(
    soundFrames(gateway).map(String).sort(),
    [g0, g1].sort(),
  );
  await manager.close();
  gateway.close();
});

Deno.test("ShardManager.requestSoundboardSounds: a shard with room for exactly its part takes it, and every shard sends", async () => {
  const { scheduler, gateway, manager, g0, g1 } = await twoShards();
  const shard1 = manager.shards.get(1)!;
  // 999 commands leave room for one: shard 1's part.
  const resume = shard1.pause();
  const flood: Promise<void>[] = [];
  for (let i = 0; i < 999; i++) {
    flood.push(
      shard1.send({ op: 43, d: { guild_id: g1, fields: ["status"] } }),
    );
  }
  assert.equal(shard1.commandRoom, 1);
  const request = manager.requestSoundboardSounds({ guild_ids: [g0, g1] });
  resume();
  await Promise.all([
    Promise.all([request, ...flood]),
    scheduler.advance(10 * 60_000),
  ]);
  assert.deepEqual(
    soundFrames(gateway).map(String).sort(),
    [g0, g1].sort(),
  );
  await manager.close();
  gateway.close();
});
