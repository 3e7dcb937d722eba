import assert from "node:assert/strict";
import { runUntil } from "../_fakes/run_until.ts";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import {
  ShardManager,
  type ShardManagerOptions,
} from "../../gateway/shard_manager.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { IDENTIFY_SPACING } from "../_fakes/shard_harness.ts";
import {
  FakeGateway,
  type FakeGatewayCounters,
  type FakeGatewayEvent,
  type FakeGatewayOptions,
} from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

const TOKEN = "fake-token";
const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.DirectMessages | GatewayIntent.GuildVoiceStates;

interface Setup {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  manager: ShardManager;
}

function setup(
  options: Partial<ShardManagerOptions> & { shardCount: number },
  gatewayOptions: FakeGatewayOptions = {},
): Setup {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, ...gatewayOptions });
  const manager = new ShardManager({
    token: TOKEN,
    intents: INTENTS,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    ...options,
  });
  return { scheduler, gateway, manager };
}

/** Start the manager on the virtual clock and wait until every shard is ready. */
async function start(s: Setup): Promise<void> {
  let settled = false;
  const started = s.manager.start().finally(() => settled = true);
  await runUntil(s.scheduler, () => settled);
  await started;
}

async function shutdown(s: Setup): Promise<void> {
  await s.manager.close();
  s.gateway.close();
  assert.equal(s.scheduler.pending, 0, "no timer is left behind");
}

type IdentifyEntry = Extract<FakeGatewayEvent, { type: "identify" }>;

function identifies(log: FakeGatewayEvent[]): IdentifyEntry[] {
  return log.filter((e): e is IdentifyEntry => e.type === "identify");
}

/** Identify times by shard ID, from the fake's log. */
function identifyTimes(gateway: FakeGateway): number[] {
  const times: number[] = [];
  for (const entry of identifies(gateway.log)) {
    assert.equal(entry.outcome, "ready");
    times[entry.shard![0]] = entry.at;
  }
  return times;
}

/** Start `shardCount` shards at `maxConcurrency`; returns when all are ready. */
interface PaceResult {
  identifyTimes: number[];
  readyAt: number[];
  allReadyAt: number;
  invalidSessions: number;
  counters: FakeGatewayCounters;
}

async function pace(
  shardCount: number,
  maxConcurrency: number,
): Promise<PaceResult> {
  const s = setup({ shardCount, maxConcurrency }, { maxConcurrency });
  const readyAt: number[] = [];
  s.manager.on("state", ({ shardId, current }) => {
    if (current === "ready") readyAt[shardId] ??= s.scheduler.now();
  });
  await start(s);
  const result = {
    identifyTimes: identifyTimes(s.gateway),
    readyAt,
    allReadyAt: Math.max(...readyAt),
    invalidSessions: s.gateway.log.filter((e) => e.type === "invalid-session")
      .length,
    counters: s.gateway.counters,
  };
  await shutdown(s);
  return result;
}

Deno.test("ShardManager paces IDENTIFY one per 5.25 s (5 s and a margin) with max_concurrency 1", async () => {
  const result = await pace(16, 1);
  assert.deepEqual(
    result.identifyTimes,
    Array.from({ length: 16 }, (_, i) => i * IDENTIFY_SPACING),
  );
  assert.deepEqual(result.readyAt, result.identifyTimes);
  assert.equal(result.invalidSessions, 0);
  assert.equal(result.counters.identifies, 16);
  assert.equal(result.counters.sessionStarts, 16);
});

Deno.test("ShardManager identifies 16 shards at once with max_concurrency 16", async () => {
  const result = await pace(16, 16);
  assert.deepEqual(result.identifyTimes, Array(16).fill(0));
  assert.equal(result.invalidSessions, 0);
  assert.equal(result.counters.sessionStarts, 16);
});

Deno.test("ShardManager identifies 32 shards in two waves with max_concurrency 16", async () => {
  const result = await pace(32, 16);
  assert.deepEqual(result.identifyTimes, [
    ...Array(16).fill(0),
    ...Array(16).fill(IDENTIFY_SPACING),
  ]);
  assert.equal(result.invalidSessions, 0);
  assert.equal(result.counters.sessionStarts, 32);
});

Deno.test("ShardManager: time for 16 shards to become ready (virtual clock)", async () => {
  const mc1 = await pace(16, 1);
  const mc16 = await pace(16, 16);
  assert.equal(mc1.allReadyAt, 15 * IDENTIFY_SPACING);
  assert.equal(mc16.allReadyAt, 0);
  // deno-lint-ignore no-console
  console.log(
    `16 shards ready: mc=1 ${mc1.allReadyAt} ms, mc=16 ${mc16.allReadyAt} ms (virtual)`,
  );
});

Deno.test("ShardManager exceeding max_concurrency is what the fake punishes", async () => {
  // The control: a manager told 16 against a gateway that allows 1 gets op 9
  // for every extra IDENTIFY, so the pacing tests above would notice.
  const s = setup({ shardCount: 4, maxConcurrency: 4 }, { maxConcurrency: 1 });
  s.manager.start().catch(() => {});
  await s.scheduler.advance(0);
  const invalid = s.gateway.log.filter((e) => e.type === "invalid-session");
  assert.equal(invalid.length, 3);
  await shutdown(s);
});

Deno.test("ShardManager waits for session_start_limit.reset_after when remaining is 0", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { test: (record) => records.push(record) },
    loggers: [
      { category: ["disruption"], sinks: ["test"], lowestLevel: "warning" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  try {
    const s = setup({
      shardCount: 2,
      sessionStartLimit: {
        total: 1000,
        remaining: 0,
        reset_after: 60_000,
        max_concurrency: 1,
      },
    });
    let ready = false;
    const started = s.manager.start().then(() => ready = true);
    await s.scheduler.advance(59_999);
    assert.equal(identifies(s.gateway.log).length, 0);
    assert.equal(ready, false);
    assert.deepEqual(
      s.manager.info().map((shard) => shard.status),
      ["identifying", "identifying"],
    );
    await s.scheduler.advance(1);
    assert.deepEqual(identifies(s.gateway.log).map((e) => e.at), [60_000]);
    await s.scheduler.advance(IDENTIFY_SPACING);
    await started;
    assert.deepEqual(identifyTimes(s.gateway), [
      60_000,
      60_000 + IDENTIFY_SPACING,
    ]);
    const warnings = records.filter((r) => r.level === "warning");
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0]!.category, [
      "disruption",
      "gateway",
      "identify_queue",
    ]);
    assert.match(
      warnings[0]!.message.join(""),
      /Session start limit exhausted.*waiting 60000 ms/,
    );
    await shutdown(s);
  } finally {
    await reset();
  }
});

Deno.test("ShardManager hands sessionStartLimit to a given identify queue", async () => {
  // Only the default queue used to get it: with a queue of one's own, a
  // shard identified with no session start left (and Discord resets the
  // token for that).
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({ scheduler });
  const s = setup({
    shardCount: 2,
    scheduler,
    identifyQueue: queue,
    sessionStartLimit: {
      total: 1000,
      remaining: 0,
      reset_after: 60_000,
      max_concurrency: 2,
    },
  }, { scheduler, maxConcurrency: 2 });
  // Quiet: the queue may say on stderr that the budget is spent.
  await captureStderr(async () => {
    const started = s.manager.start();
    await scheduler.advance(59_999);
    assert.equal(identifies(s.gateway.log).length, 0, "no budget, no IDENTIFY");
    await scheduler.advance(1);
    await started;
  });
  // Both at the reset: the limit's max_concurrency reached the queue too.
  assert.deepEqual(identifyTimes(s.gateway), [60_000, 60_000]);
  assert.equal(queue.maxConcurrency, 2);
  assert.equal(queue.remaining, 998);
  await shutdown({ ...s, scheduler });
});

Deno.test("ShardManager refuses pacing options a given identify queue cannot take", () => {
  const base = { token: TOKEN, intents: INTENTS, shardCount: 2 };
  const limit = {
    total: 1000,
    remaining: 1000,
    reset_after: 0,
    max_concurrency: 1,
  };
  const acquireOnly = { acquire: () => Promise.resolve() };
  assert.throws(
    () =>
      new ShardManager({
        ...base,
        identifyQueue: acquireOnly,
        sessionStartLimit: limit,
      }),
    {
      name: "TypeError",
      message:
        /'sessionStartLimit' needs an 'identifyQueue' with an updateSessionStartLimit method/,
    },
  );
  assert.throws(
    () =>
      new ShardManager({
        ...base,
        identifyQueue: new MemoryIdentifyQueue({ maxConcurrency: 1 }),
        maxConcurrency: 16,
      }),
    {
      name: "TypeError",
      message:
        /'maxConcurrency' only builds the default identify queue and the given 'identifyQueue' paces 1 buckets.*'maxConcurrency=16'/,
    },
  );
  assert.throws(
    () =>
      new ShardManager({
        ...base,
        identifyQueue: acquireOnly,
        maxConcurrency: 1,
      }),
    /paces its own number of buckets/,
  );
  // What the queue already does is fine, and so is a queue with no options.
  new ShardManager({
    ...base,
    identifyQueue: new MemoryIdentifyQueue({ maxConcurrency: 16 }),
    maxConcurrency: 16,
  });
  new ShardManager({ ...base, identifyQueue: acquireOnly });
});

/** 8 guilds, two on each of 4 shards. */
async function routingSetup(): Promise<
  Setup & { dispatches: ShardDispatch[]; guilds: string[] }
> {
  const s = setup({ shardCount: 4, maxConcurrency: 4 }, {
    maxConcurrency: 4,
    guilds: 8,
  });
  const dispatches: ShardDispatch[] = [];
  s.manager.on("dispatch", (event) => dispatches.push(event));
  await start(s);
  return { ...s, dispatches, guilds: s.gateway.guildIds };
}

/** The shard ID of the fake connection that received each frame of `op`. */
function receivedOn(
  gateway: FakeGateway,
  op: number,
): { shardId: number; d: Record<string, unknown> }[] {
  return gateway.connections.flatMap((conn) =>
    conn.received.filter((frame) => frame.op === op).map((frame) => ({
      shardId: conn.shard![0],
      d: frame.d as Record<string, unknown>,
    }))
  );
}

Deno.test("ShardManager routes guild commands to the guild's shard", async () => {
  const s = await routingSetup();
  try {
    const byShard = s.guilds.map((id) => shardForGuild(id, 4));
    assert.deepEqual([...byShard].sort(), [0, 0, 1, 1, 2, 2, 3, 3]);
    for (const [index, guildId] of s.guilds.entries()) {
      assert.equal(s.manager.shardIdForGuild(guildId), byShard[index]);
    }

    for (const guildId of s.guilds) {
      await s.manager.updateVoiceState({
        guild_id: guildId,
        channel_id: null,
        self_mute: false,
        self_deaf: true,
      });
    }
    await s.scheduler.advance(0);
    const voice = receivedOn(s.gateway, 4);
    assert.equal(voice.length, 8);
    for (const frame of voice) {
      assert.equal(
        frame.shardId,
        shardForGuild(frame.d.guild_id as string, 4),
      );
    }
    // The answers come back on the same shard.
    const updates = s.dispatches.filter((e) => e.name === "VOICE_STATE_UPDATE");
    assert.equal(updates.length, 8);
    for (const event of updates) {
      const guildId = (event.data as { guild_id: string }).guild_id;
      assert.equal(event.shardId, shardForGuild(guildId, 4));
    }

    await s.manager.sendToGuild(s.guilds[5]!, {
      op: 43,
      d: { guild_id: s.guilds[5]!, fields: ["status"] },
    });
    await s.manager.requestChannelInfo({
      guild_id: s.guilds[6]!,
      fields: ["voice_start_time"],
    });
    await s.scheduler.advance(0);
    const info = receivedOn(s.gateway, 43);
    assert.deepEqual(
      info.map((frame) => [frame.d.guild_id, frame.shardId]),
      [s.guilds[5]!, s.guilds[6]!].map((id) => [id, shardForGuild(id, 4)])
        .sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    const channelInfo = s.dispatches.filter((e) => e.name === "CHANNEL_INFO");
    assert.equal(channelInfo.length, 2);

    await s.manager.send(3, {
      op: 4,
      d: {
        guild_id: s.guilds[byShard.indexOf(3)]!,
        channel_id: null,
        self_mute: false,
        self_deaf: false,
      },
    });
    await s.scheduler.advance(0);
    assert.equal(
      receivedOn(s.gateway, 4).filter((f) => f.shardId === 3).length,
      3,
    );
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager splits requestSoundboardSounds by shard", async () => {
  const s = await routingSetup();
  try {
    await s.manager.requestSoundboardSounds({ guild_ids: s.guilds });
    await s.scheduler.advance(0);
    const frames = receivedOn(s.gateway, 31);
    assert.equal(frames.length, 4, "one frame per shard");
    for (const frame of frames) {
      const ids = frame.d.guild_ids as string[];
      assert.equal(ids.length, 2);
      for (const id of ids) assert.equal(shardForGuild(id, 4), frame.shardId);
    }
    const sounds = s.dispatches.filter((e) => e.name === "SOUNDBOARD_SOUNDS");
    assert.equal(sounds.length, 8);
    for (const event of sounds) {
      const guildId = (event.data as { guild_id: string }).guild_id;
      assert.equal(event.shardId, shardForGuild(guildId, 4));
    }
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager requests soundboard sounds for 40,000 guilds, each once, in frames of at most 4096 bytes", async () => {
  // One frame per shard named its 10,000 guilds (210 KB) and was refused as
  // payload_too_large, after a shard's list was copied once per guild
  // (40,000 guilds on one shard: 7.0 s).
  const s = await routingSetup();
  try {
    const guildIds = Array.from(
      { length: 40_000 },
      // The shard is (id >> 22) % 4: one in four guilds on each.
      (_, i) => String(100_000_000_000_000_000n + (BigInt(i) << 22n)),
    );
    let sent = false;
    const sending = s.manager.requestSoundboardSounds({ guild_ids: guildIds })
      .finally(() => sent = true);
    await runUntil(s.scheduler, () => sent);
    await sending;
    const frames = receivedOn(s.gateway, 31);
    const requested: string[] = [];
    for (const frame of frames) {
      const ids = frame.d.guild_ids as string[];
      const bytes = JSON.stringify({ op: 31, d: frame.d }).length;
      assert.ok(bytes <= 4096, `a frame of ${bytes} bytes`);
      for (const id of ids) assert.equal(shardForGuild(id, 4), frame.shardId);
      requested.push(...ids);
    }
    assert.deepEqual(requested.sort(), guildIds);
    // About 190 guilds a frame (no more frames than needed).
    assert.ok(frames.length <= Math.ceil(40_000 / 190) + 4, `${frames.length}`);
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager sends nothing when a guild is on a shard it does not run", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 4, guilds: 8 });
  const manager = new ShardManager({
    token: TOKEN,
    intents: INTENTS,
    shardCount: 4,
    shardIds: [0, 1],
    maxConcurrency: 4,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
  });
  const s = { scheduler, gateway, manager };
  await start(s);
  try {
    const guilds = gateway.guildIds;
    const local = guilds.filter((id) => shardForGuild(id, 4) < 2);
    const remote = guilds.find((id) => shardForGuild(id, 4) >= 2)!;
    await assert.rejects(
      () => manager.requestSoundboardSounds({ guild_ids: [...local, remote] }),
      /does not run it/,
    );
    await assert.rejects(
      () =>
        manager.sendToGuild(remote, {
          op: 43,
          d: { guild_id: remote, fields: ["status"] },
        }),
      RangeError,
    );
    await scheduler.advance(0);
    assert.equal(receivedOn(gateway, 31).length, 0, "not even the local part");
    assert.equal(receivedOn(gateway, 43).length, 0);
    await manager.requestSoundboardSounds({ guild_ids: local });
    await scheduler.advance(0);
    assert.deepEqual(receivedOn(gateway, 31).map((f) => f.shardId).sort(), [
      0,
      1,
    ]);
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager updates the presence on every shard", async () => {
  const s = await routingSetup();
  try {
    await s.manager.updatePresence({
      since: null,
      activities: [{ name: "tests", type: 0 }],
      status: "online",
      afk: false,
    });
    await s.scheduler.advance(0);
    assert.deepEqual(
      receivedOn(s.gateway, 3).map((f) => f.shardId).sort(),
      [0, 1, 2, 3],
    );
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager receives guild events on the guild's shard and DMs on shard 0", async () => {
  const s = await routingSetup();
  try {
    const author = { id: "1300000000000000001", username: "someone" };
    for (const [index, guildId] of s.guilds.entries()) {
      s.gateway.dispatch("MESSAGE_CREATE", {
        id: String(2000 + index),
        channel_id: "1",
        guild_id: guildId,
        author,
        content: `guild ${index}`,
      });
    }
    s.gateway.dispatch("MESSAGE_CREATE", {
      id: "3000",
      channel_id: "2",
      author,
      content: "a DM",
    });
    await s.scheduler.advance(0);
    const messages = s.dispatches.filter((e) => e.name === "MESSAGE_CREATE");
    assert.equal(messages.length, 9);
    for (const event of messages) {
      const guildId = (event.data as { guild_id?: string }).guild_id;
      assert.equal(
        event.shardId,
        guildId === undefined ? 0 : s.manager.shardIdForGuild(guildId),
      );
    }
    const dm = messages.find((e) => (e.data as { id: string }).id === "3000");
    assert.equal(dm?.shardId, 0);
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager rejects commands it cannot route", async (t) => {
  const s = await routingSetup();
  try {
    await t.step("a shard it does not run", async () => {
      await assert.rejects(
        () =>
          s.manager.send(4, {
            op: 3,
            d: { since: null, activities: [], status: "online", afk: false },
          }),
        RangeError,
      );
    });
    await t.step("a malformed guild ID", async () => {
      await assert.rejects(
        () =>
          s.manager.updateVoiceState({
            guild_id: "not-a-snowflake",
            channel_id: null,
            self_mute: false,
            self_deaf: false,
          }),
        TypeError,
      );
      await assert.rejects(
        () =>
          s.manager.sendToGuild("x", {
            op: 43,
            d: { guild_id: "x", fields: ["status"] },
          }),
        TypeError,
      );
      await assert.rejects(
        () =>
          s.manager.requestChannelInfo({ guild_id: "", fields: ["status"] }),
        TypeError,
      );
      await assert.rejects(
        () => s.manager.requestSoundboardSounds({ guild_ids: ["1", "y"] }),
        TypeError,
      );
    });
    await t.step("validation errors of the command builders", async () => {
      await assert.rejects(
        () => s.manager.requestSoundboardSounds({ guild_ids: [] }),
        RangeError,
      );
      await assert.rejects(
        () =>
          s.manager.requestChannelInfo({ guild_id: s.guilds[0]!, fields: [] }),
        RangeError,
      );
      await assert.rejects(
        () =>
          s.manager.updatePresence({
            since: null,
            activities: [],
            // @ts-expect-error: not a status
            status: "busy",
            afk: false,
          }),
        TypeError,
      );
    });
    await s.scheduler.advance(0);
    for (const op of [3, 4, 31, 43]) {
      assert.equal(receivedOn(s.gateway, op).length, 0, `no op ${op} sent`);
    }
  } finally {
    await shutdown(s);
  }
});

Deno.test("ShardManager validates its options", async (t) => {
  const base = { token: TOKEN, intents: INTENTS };
  await t.step("shardCount", () => {
    assert.throws(
      () => new ShardManager({ ...base, shardCount: 0 }),
      RangeError,
    );
    assert.throws(
      () => new ShardManager({ ...base, shardCount: 1.5 }),
      RangeError,
    );
  });
  await t.step("shardIds", () => {
    assert.throws(
      () => new ShardManager({ ...base, shardCount: 2, shardIds: [] }),
      RangeError,
    );
    assert.throws(
      () => new ShardManager({ ...base, shardCount: 2, shardIds: [1, 1] }),
      /must not repeat/,
    );
    assert.throws(
      () => new ShardManager({ ...base, shardCount: 2, shardIds: [2] }),
      RangeError,
    );
  });
  await t.step("at most 65,536 shards built, saying why", () => {
    // Without a bound, a count of 1,000,000 crashed the process out of memory.
    assert.throws(
      () => new ShardManager({ ...base, shardCount: 65_537 }),
      {
        name: "RangeError",
        message:
          "Cannot create shard manager as 'shardCount' must be at most 65536 without 'shardIds' (every shard would be built in this process, and that many exhaust its memory; list the shards this process runs in 'shardIds'): current value 'shardCount=65537'",
      },
    );
    assert.throws(
      () =>
        new ShardManager({
          ...base,
          shardCount: 100_000,
          shardIds: Array.from({ length: 65_537 }, (_, i) => i),
        }),
      { name: "RangeError", message: /'shardIds' must list at most 65536/ },
    );
    const few = new ShardManager({
      ...base,
      shardCount: 1_000_000,
      shardIds: [999_999],
    });
    assert.deepEqual([...few.shards.keys()], [999_999]);
  });
  await t.step("a misspelt timeout, as the Client refuses it", () => {
    // Ignored, it left the connect timeout at its default.
    assert.throws(
      () =>
        new ShardManager({
          ...base,
          shardCount: 1,
          timeouts: { conect: 5 },
        } as never),
      {
        name: "TypeError",
        message:
          "Cannot create shard manager as 'timeouts.conect' is not one of its options (did you mean 'timeouts.connect'?)",
      },
    );
    // Per shard too: each shard checks its merged options.
    assert.throws(
      () =>
        new ShardManager({
          ...base,
          shardCount: 2,
          shardOptions: (id: number) =>
            id === 1 ? { timeouts: { helo: 5 } } : {},
        } as never),
      /^TypeError: Cannot create shard as 'timeouts\.helo' is not one of its options \(did you mean 'timeouts\.hello'\?\)$/,
    );
  });
  await t.step("a misspelt option of its own or of the shards", () => {
    // Ignored, every shard ran in this process; the sessions were not saved.
    for (
      const [key, nearest] of [
        ["shardIDs", "shardIds"],
        ["sessionstore", "sessionStore"],
        ["largethreshold", "largeThreshold"],
      ]
    ) {
      assert.throws(
        () => new ShardManager({ ...base, shardCount: 2, [key!]: 1 } as never),
        {
          name: "TypeError",
          message:
            `Cannot create shard manager as '${key}' is not one of its options (did you mean '${nearest}'?)`,
        },
      );
    }
  });
  await t.step("a subset of shards", () => {
    const manager = new ShardManager({
      ...base,
      shardCount: 8,
      shardIds: [6, 2],
    });
    assert.deepEqual([...manager.shards.keys()], [2, 6]);
    assert.equal(manager.shardCount, 8);
    assert.equal(manager.shard(6)?.shardCount, 8);
    assert.equal(manager.shard(0), undefined);
  });
});

Deno.test("ShardManager merges events: shard IDs, dispatches() ends on close, info()", async () => {
  const s = setup({ shardCount: 3, maxConcurrency: 3 }, {
    maxConcurrency: 3,
    guilds: 6,
  });
  const tagged: ShardDispatch[] = [];
  const off = s.manager.on("dispatch", (event) => tagged.push(event), {
    events: ["READY", "MESSAGE_CREATE"],
  });
  const streamed: ShardDispatch[] = [];
  const stream = s.manager.dispatches();
  const drained = (async () => {
    for await (const event of stream) streamed.push(event);
  })();

  assert.deepEqual(
    s.manager.info().map((i) => [i.id, i.status, i.latency, i.sessionId]),
    [[0, "idle", undefined, undefined], [1, "idle", undefined, undefined], [
      2,
      "idle",
      undefined,
      undefined,
    ]],
  );
  await start(s);
  // Filtered: READY only so far, one per shard, each tagged with its shard.
  assert.deepEqual(
    tagged.map((e) => [e.name, e.shardId]).sort(),
    [["READY", 0], ["READY", 1], ["READY", 2]],
  );
  for (const info of s.manager.info()) {
    assert.equal(info.status, "ready");
    assert.equal(info.latency, undefined, "no heartbeat yet");
    assert.equal(info.sessionId, s.manager.shard(info.id)!.sessionId);
    assert.equal(typeof info.sessionId, "string");
    assert.equal(info.sequence, 3, "READY + 2 GUILD_CREATE");
  }
  // First heartbeat at interval * 0.5; the ACK comes back at the same
  // virtual instant.
  await s.scheduler.advance(41_250 / 2);
  assert.deepEqual(s.manager.info().map((i) => i.latency), [0, 0, 0]);

  for (const guildId of s.gateway.guildIds) {
    s.gateway.dispatch("MESSAGE_CREATE", {
      id: "1",
      channel_id: "1",
      guild_id: guildId,
      content: "",
      author: { id: "1300000000000000001", username: "u" },
    });
  }
  await s.scheduler.advance(0);
  const messages = tagged.filter((e) => e.name === "MESSAGE_CREATE");
  assert.equal(messages.length, 6);
  for (const event of messages) {
    assert.equal(
      event.shardId,
      s.manager.shardIdForGuild((event.data as { guild_id: string }).guild_id),
    );
  }
  off();
  s.gateway.dispatch("MESSAGE_CREATE", {
    id: "2",
    channel_id: "1",
    guild_id: s.gateway.guildIds[0]!,
    content: "",
    author: { id: "1300000000000000001", username: "u" },
  });
  await s.scheduler.advance(0);
  assert.equal(tagged.length, 9, "off() removed the listener from every shard");

  await s.manager.close();
  await drained;
  // The stream saw everything: 3 READY, 6 GUILD_CREATE, 7 MESSAGE_CREATE.
  assert.equal(streamed.length, 16);
  for (const shardId of [0, 1, 2]) {
    const sequences = streamed.filter((e) => e.shardId === shardId).map((e) =>
      e.sequence
    );
    assert.deepEqual(sequences, sequences.map((_, i) => i + 1));
  }
  assert.deepEqual(
    s.manager.info().map((i) => i.status),
    ["closed", "closed", "closed"],
  );
  s.gateway.close();
  assert.equal(s.scheduler.pending, 0);
});

Deno.test("ShardManager start() rejects when a shard stops for good", async () => {
  const s = setup({ shardCount: 2, maxConcurrency: 2, token: "wrong-token" }, {
    maxConcurrency: 2,
  });
  const started = s.manager.start();
  const rejected = assert.rejects(started, { kind: "authentication_failed" });
  await s.scheduler.advance(0);
  await rejected;
  assert.deepEqual(s.manager.info().map((i) => i.status), ["closed", "closed"]);
  await shutdown(s);
});

Deno.test("ShardManager.dispatches() read too slowly pauses every shard past 16 MiB, resumes them once read down, and loses nothing", async () => {
  const s = setup({ shardCount: 2, maxConcurrency: 2 }, {
    maxConcurrency: 2,
    guilds: 2,
  });
  await start(s);
  const reader = s.manager.dispatches().getReader();
  const content = "x".repeat(1024 * 1024);
  const [first, second] = s.gateway.guildIds as [string, string];
  let sent = 0;
  while (![...s.manager.shards.values()].every((shard) => shard.paused)) {
    // A name of Discord's future: delivered, and no intent blanks it.
    s.gateway.dispatch("BIG_EVENT", {
      id: String(++sent),
      guild_id: sent % 2 === 0 ? first : second,
      content,
    });
    await s.scheduler.advance(0);
    assert.ok(sent < 40, "paused within the bound");
  }
  // Sent while both are paused: replayed by the RESUMEs.
  for (let i = 0; i < 4; i++) {
    s.gateway.dispatch("BIG_EVENT", {
      id: String(++sent),
      guild_id: i % 2 === 0 ? first : second,
      content: "small",
    });
  }
  const ids = new Set<string>();
  while (ids.size < sent) {
    const { value } = await reader.read();
    if (value!.name === "BIG_EVENT") {
      const id = (value!.data as { id: string }).id;
      assert.ok(!ids.has(id), `message ${id} delivered once`);
      ids.add(id);
    }
    await s.scheduler.advance(0);
  }
  assert.equal(s.gateway.counters.identifies, 2, "both sessions kept");
  assert.ok(s.gateway.counters.resumed >= 2);
  await reader.cancel();
  await shutdown(s);
});
