// The `shard` option of FleetShards and ReshardingShards is typed as the
// key check takes it: a Shard's options but those the fleet sets on each
// shard itself. It declared only token, intents, gatewayUrl and
// largeThreshold while the fleet passed every other Shard option on, so a
// TypeScript user was told `presence` (the only way a fleet bot sets its
// status), `compress`, `transport` and `timeouts` did not exist (TS2353).
// Type and check come from one list (`SET_BY_FLEET`): here the type's keys
// and the check's are compared, and a presence given in `shard` reaches
// each IDENTIFY (in-memory fake gateway, virtual clock).
import assert from "node:assert/strict";
import {
  type FleetShardOptions,
  SET_BY_FLEET,
} from "../../fleet/fleet_dispatch.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { ReshardingShards } from "../../fleet/resharding_shards.ts";
import { optionKeys } from "../../base/option_keys.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { SHARD_OPTION_KEYS } from "../../gateway/shard_options.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import type { UpdatePresenceData } from "../../types/gateway_payloads.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The constructor only keeps the connection: nothing is sent to it. */
const redis = {
  eval: () => Promise.reject(new Error("not connected")),
} as unknown as RedisConnection;

/** The status every test shard is given. */
const PRESENCE: UpdatePresenceData = {
  since: null,
  activities: [{ name: "the fleet", type: 0 }],
  status: "dnd",
  afk: false,
};

/**
 * Every `shard` option, each given, as a literal: `Required` makes the
 * list complete and the literal's excess-property check makes it exact,
 * so the compiler fails here if the type and a Shard's options part.
 */
function everyShardOption(gateway: FakeGateway): Required<FleetShardOptions> {
  return {
    token: "fake-token",
    intents: 1,
    gatewayUrl: gateway.url,
    compress: "none",
    largeThreshold: 50,
    presence: PRESENCE,
    properties: { os: "linux", browser: "test", device: "test" },
    transport: gateway.transport,
    random: Math.random,
    timeouts: { connect: 5_000 },
    maxInflatedBytes: 1 << 20,
  };
}

/** The keys of `FleetShardOptions`, kept exact by the compiler. */
const TYPE_KEYS = optionKeys(
  {
    token: true,
    intents: true,
    gatewayUrl: true,
    compress: true,
    largeThreshold: true,
    presence: true,
    properties: true,
    transport: true,
    random: true,
    timeouts: true,
    maxInflatedBytes: true,
  } satisfies Record<keyof FleetShardOptions, true>,
);

Deno.test("FleetShardOptions: its keys and the ones the fleet sets are a Shard's options, split in two", () => {
  assert.deepEqual(
    [...TYPE_KEYS, ...SET_BY_FLEET].sort(),
    [...SHARD_OPTION_KEYS].sort(),
  );
  assert.deepEqual(TYPE_KEYS.filter((key) => SET_BY_FLEET.includes(key)), []);
});

Deno.test("FleetShards and ReshardingShards: the check takes every key the type has", () => {
  const gateway = new FakeGateway();
  try {
    const scheduler = new VirtualScheduler();
    const shard = everyShardOption(gateway);
    new FleetShards({
      redis,
      shard,
      shardCount: 2,
      identifyQueue: new MemoryIdentifyQueue({ scheduler }),
      sessionStore: new MemorySessionStore(),
      scheduler,
    });
    new ReshardingShards({
      shard,
      shardCount: 2,
      identifyQueue: new MemoryIdentifyQueue({ scheduler }),
      onDispatch: () => {},
      scheduler,
    });
  } finally {
    gateway.close();
  }
});

Deno.test("ReshardingShards: a presence given in 'shard' reaches every shard's IDENTIFY", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const identified: unknown[] = [];
  const gateway = new FakeGateway({
    scheduler,
    guilds: 2,
    maxConcurrency: 16,
    heartbeatInterval: 3_600_000,
    onClientFrame: (_connection, frame) => {
      if (frame.op === 2) {
        identified.push((frame.d as { presence?: unknown }).presence);
      }
    },
  });
  const shards = new ReshardingShards({
    shard: {
      token: "fake-token",
      intents: 1,
      gatewayUrl: gateway.url,
      transport: gateway.transport,
      presence: PRESENCE,
    },
    shardCount: 2,
    identifyQueue: new MemoryIdentifyQueue({ scheduler, maxConcurrency: 16 }),
    scheduler,
    onDispatch: () => {},
  });
  try {
    let started = false;
    const starting = shards.start().finally(() => started = true);
    for (let i = 0; i < 200 && !started; i++) await scheduler.advance(100);
    await starting;
    assert.deepEqual(identified, [PRESENCE, PRESENCE]);
  } finally {
    let closed = false;
    const closing = shards.close().finally(() => closed = true);
    for (let i = 0; i < 200 && !closed; i++) await scheduler.advance(100);
    await closing;
    gateway.close();
  }
});
