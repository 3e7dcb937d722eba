// Growing a running bot from 2 to 4 shards against the fake gateway on
// loopback while guild events stream: the new set runs alongside the old
// until complete, then takes over. Everyone is on one ScaledScheduler (the
// real clock x SCALE) so the identify windows pass quickly.
import assert from "node:assert/strict";
import { ReshardError, ReshardingShards } from "../../fleet/mod.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { ScaledScheduler } from "../_fakes/scaled_scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { hourIsASecond } from "./_hour_is_a_second.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { defaultTransport } from "../../gateway/default_transport.ts";
import type { Transport } from "../../gateway/transport.ts";

// Lower than the other fleet tests: a stall of the loaded test machine is
// magnified SCALE times, and a heartbeat missed that way costs a RESUME.
const SCALE = 4;

/**
 * Move a running bot from `from` to `to` shards while guild events stream:
 * every event delivered once, only the new set's sessions after the
 * switch, the old set closed.
 */
async function reshardsMidStream(
  from: number,
  to: number,
  oldSetLagMs = 0,
): Promise<void> {
  const scheduler = new ScaledScheduler(Date.now(), SCALE);
  let resharding = false;
  // Each old shard closes once a heartbeat ACK shows it read what was sent
  // before the switch: Discord's 41.25 s would be 10 s of this test's time.
  const gateway = new FakeGateway({
    scheduler,
    maxConcurrency: 4,
    guilds: 16,
    heartbeatInterval: 8_000,
  });
  const served = await serveFakeGateway(gateway);
  const delivered: FleetDispatch[] = [];
  const shards = new ReshardingShards({
    shard: {
      token: "fake-token",
      intents: 1,
      gatewayUrl: served.url,
      transport: ((url, listener) =>
        resharding
          ? defaultTransport(url, listener)
          : lagging(url, listener, oldSetLagMs)) as Transport,
    },
    shardCount: from,
    identifyQueue: new MemoryIdentifyQueue({ scheduler, maxConcurrency: 4 }),
    scheduler,
    onDispatch: (event) =>
      delivered.push(event),
  });
  const sent: string[] = [];
  let pump: ReturnType<typeof setInterval> | undefined;
  try {
    await within(shards.start(), "the first set READY");
    const guilds = gateway.guildIds;
    let n = 0;
    pump = setInterval(() => {
      if (n >= 2_000) return; // bounded load, whatever the machine's pace
      const id = `m${n}`;
      const guildId = guilds[n++ % guilds.length]!;
      gateway.dispatch(
        "MESSAGE_CREATE",
        { id, guild_id: guildId, channel_id: "1", content: id },
        { ignoreIntents: true },
      );
      sent.push(id);
    }, 5);
    resharding = true;
    await assert.rejects(
      shards.reshard(to, { sessionStartsLeft: to - 1 }),
      (error) =>
        error instanceof ReshardError &&
        new RegExp(`only ${to - 1} are left`).test(error.message),
    );
    const result = await within(
      shards.reshard(to),
      `the switch to ${to} shards`,
    );
    const switchedAt = delivered.length;
    const newSessions = new Set(
      gateway.sessions.filter((s) => s.shard?.[1] === to).map((s) => s.id),
    );
    const sentAtSwitch = sent.length;
    await within(
      (async () => {
        while (sent.length < Math.min(sentAtSwitch + 50, 2_000)) {
          await new Promise((r) => setTimeout(r, 5));
        }
      })(),
      "traffic after the switch",
    );
    clearInterval(pump);
    pump = undefined;
    const messages = () =>
      delivered.filter((e) => e.name === "MESSAGE_CREATE").map((e) =>
        (e.data as { id: string }).id
      );
    await within(
      (async () => {
        while (new Set(messages()).size < sent.length) {
          await new Promise((r) => setTimeout(r, 5));
        }
      })(),
      "every event delivered",
    ).catch((error) => {
      const seen = new Set(messages());
      const missing = sent.filter((id) => !seen.has(id));
      throw new Error(
        `${error.message}; missing ${missing.length}: ${
          missing.slice(0, 20)
        }; switch after ${sentAtSwitch} sent; log: ${
          JSON.stringify(
            gateway.log.filter((e) => e.type !== "connect").map((e) => [
              e.type,
              Math.round(e.at),
              "code" in e ? e.code : "outcome" in e ? e.outcome : "",
            ]),
          )
        }`,
      );
    });
    const ids = messages();
    assert.ok(sent.length > sentAtSwitch, "traffic after the switch");
    assert.equal(ids.length, sent.length, "no event delivered twice");
    assert.deepEqual(new Set(ids), new Set(sent), "no event lost");
    assert.equal(shards.shardCount, to);
    assert.deepEqual([result.from, result.to], [from, to]);
    // After the switch the new set's sessions deliver; an old one only an
    // event it took in before the switch and no new session delivered (a
    // straggler, at most the few frames in flight at the switch).
    const stragglers = delivered.slice(switchedAt).filter((event) =>
      !newSessions.has(event.sessionId)
    );
    assert.ok(stragglers.length <= 20, `${stragglers.length} stragglers`);
    // The old set is closed.
    assert.equal(
      gateway.connections.filter((c) => c.shard?.[1] === from).length,
      0,
    );
    // deno-lint-ignore no-console -- the measured figures, for the record
    console.log(
      `reshard ${from} -> ${to}: ${sent.length} sent, ${
        new Set(ids).size
      } delivered, 0 lost, ${result.duplicatesDropped} second copies dropped, ${result.heldDelivered} held events delivered at the switch`,
    );
  } finally {
    if (pump !== undefined) clearInterval(pump);
    await shards.close();
    await served.close();
    gateway.close();
  }
}

Deno.test("ReshardingShards: 2 -> 4 shards mid-stream: every event delivered once, new set only after the switch", () =>
  reshardsMidStream(2, 4));

Deno.test("ReshardingShards: 4 -> 2 shards (shrinking) mid-stream: every event delivered once, new set only after the switch", () =>
  reshardsMidStream(4, 2));

Deno.test("ReshardingShards: 4 -> 2 shards while the old set's sockets are read 10 ms late: the events only the old set was sent still reach the handler (the old set drains before it closes)", () =>
  reshardsMidStream(4, 2, 10));

/**
 * The default transport with every inbound frame handed on `lagMs` real ms
 * late, in order: an old set's socket read after the new set's (different
 * connections, any order). Closed at the real close, frames still queued
 * are dropped there, as a shard drops what it reads after closing.
 */
function lagging(
  url: string,
  listener: Parameters<Transport>[1],
  lagMs: number,
): ReturnType<Transport> {
  if (lagMs === 0) return defaultTransport(url, listener);
  let chain = Promise.resolve();
  const later = (f: () => void): void => {
    chain = chain.then(() =>
      new Promise<void>((r) =>
        setTimeout(() => {
          f();
          r();
        }, lagMs)
      )
    );
  };
  let closed = false;
  return defaultTransport(url, {
    ...listener,
    onMessage: (data) => later(() => closed || listener.onMessage(data)),
    onClose: (code, reason) =>
      later(() => {
        closed = true;
        listener.onClose(code, reason);
      }),
  });
}

Deno.test("ReshardingShards.watchRecommended: reshards when Discord recommends more shards, not while the budget is short", async () => {
  const scheduler = new ScaledScheduler(Date.now(), SCALE);
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 4, guilds: 8 });
  const served = await serveFakeGateway(gateway);
  const shards = new ReshardingShards({
    shard: { token: "fake-token", intents: 1, gatewayUrl: served.url },
    shardCount: 2,
    identifyQueue: new MemoryIdentifyQueue({ scheduler, maxConcurrency: 4 }),
    scheduler: hourIsASecond(scheduler), // the hourly watch: every 1 s
    onDispatch: () => {},
  });
  let remaining = 3; // too few for 4 shards at first
  let asked = 0;
  let answered: () => void = () => {};
  const stop = shards.watchRecommended({
    fetch: () => {
      asked++;
      answered();
      return Promise.resolve({
        shards: 4,
        session_start_limit: { remaining },
      });
    },
  });
  const askedTwice = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const target = asked + 2;
      answered = () => {
        if (asked >= target) resolve();
      };
    });
  try {
    await within(shards.start(), "the first set READY");
    await within(askedTwice(), "two checks");
    assert.equal(shards.shardCount, 2, "refused: 3 session starts left");
    remaining = 1000;
    await within(
      (async () => {
        while (shards.shardCount !== 4) {
          await new Promise((r) => setTimeout(r, 10));
        }
      })(),
      "the reshard to 4",
    );
    assert.equal(
      gateway.sessions.filter((s) => s.state === "active" && s.shard?.[1] === 4)
        .length,
      4,
    );
  } finally {
    stop();
    await shards.close();
    await served.close();
    gateway.close();
  }
});

Deno.test("ReshardingShards.watchRecommended ignores a recommendation that is not a sane shard count or budget", async () => {
  const scheduler = new ScaledScheduler(Date.now(), SCALE);
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 4, guilds: 2 });
  const served = await serveFakeGateway(gateway);
  const shards = new ReshardingShards({
    shard: { token: "fake-token", intents: 1, gatewayUrl: served.url },
    shardCount: 1,
    identifyQueue: new MemoryIdentifyQueue({ scheduler, maxConcurrency: 4 }),
    scheduler: hourIsASecond(scheduler), // the hourly watch: every 1 s
    onDispatch: () => {},
  });
  // A hostile GET /gateway/bot: a billion shards "and budget for them", then
  // a sane count with a budget that is not a number (it never refuses).
  const answers = [
    { shards: 1e9, session_start_limit: { remaining: 1e9 } },
    { shards: 2, session_start_limit: { remaining: "lots" as never } },
  ];
  let asked = 0;
  let answered: () => void = () => {};
  const stop = shards.watchRecommended({
    fetch: () => {
      const answer = answers[asked % answers.length]!;
      asked++;
      answered();
      return Promise.resolve(answer);
    },
  });
  try {
    await within(shards.start(), "the first set READY");
    await within(
      new Promise<void>((resolve) => {
        answered = () => {
          if (asked >= 4) resolve();
        };
      }),
      "four checks",
    );
    assert.equal(shards.shardCount, 1);
  } finally {
    stop();
    await shards.close();
    await served.close();
    gateway.close();
  }
});

Deno.test("ReshardingShards: a new shard that lost its session (op 9 d:false) after it completed counts again only once its new session is complete: the switch waits for it", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const gateway = new FakeGateway({
    scheduler,
    maxConcurrency: 16,
    guilds: 4,
    // Short enough for the old set to close by a heartbeat ACK soon after
    // the switch (an hour's would close it at the barrier's cap, 92.5 s).
    heartbeatInterval: 10_000,
  });
  const served = await serveFakeGateway(gateway);
  // New shard 1 identifies only once let through: new shard 0 completes
  // first, alone.
  const shard1 = Promise.withResolvers<void>();
  const memory = new MemoryIdentifyQueue({
    scheduler,
    maxConcurrency: 16,
    intervalMs: 0,
  });
  const shards = new ReshardingShards({
    shard: { token: "fake-token", intents: 1, gatewayUrl: served.url },
    shardCount: 1,
    identifyQueue: {
      acquire: async (id, signal) => {
        if (id === 1) await shard1.promise;
        await memory.acquire(id, signal);
      },
    },
    scheduler,
    onDispatch: () => {},
  });
  const live = (id: number) =>
    gateway.sessions.some((s) =>
      s.state === "active" && s.shard?.[0] === id && s.shard?.[1] === 2
    );
  try {
    await within(shards.start(), "the first set READY");
    // The fake allows one IDENTIFY per bucket every 5 s: new shard 0 shares
    // the old one's.
    await scheduler.advance(5_000);
    let liveAtSwitch: boolean | undefined;
    const switched = shards.reshard(2).then((result) => {
      liveAtSwitch = live(0);
      return result;
    });
    await within(
      (async () => {
        while (!live(0)) await new Promise((r) => setTimeout(r, 5));
      })(),
      "new shard 0 live",
    );
    const conn = gateway.connections.find((c) =>
      c.shard?.[0] === 0 && c.shard?.[1] === 2
    )!;
    assert.equal(
      gateway.invalidateSession(false, { connectionId: conn.id }),
      1,
    );
    // The shard closes the connection once it took the op 9 in, after its
    // READY and GUILD_CREATEs (sent before it): it had completed.
    await within(
      (async () => {
        while (
          !gateway.log.some((e) =>
            e.type === "close" && e.connectionId === conn.id
          )
        ) await new Promise((r) => setTimeout(r, 5));
      })(),
      "the op 9 taken in",
    );
    shard1.resolve();
    await within(
      (async () => {
        while (liveAtSwitch === undefined) {
          await new Promise((r) => setTimeout(r, 10));
          await scheduler.advance(250);
        }
      })(),
      "the switch",
    );
    assert.equal(
      liveAtSwitch,
      true,
      "switched while new shard 0 had no session",
    );
    assert.deepEqual((await switched).to, 2);
  } finally {
    shard1.resolve();
    await shards.close();
    await served.close();
    gateway.close();
  }
});
