// CommandHandler on a virtual clock, with a real Shard on the FakeGateway
// or a scripted one: what becomes of a command for a shard stopped for good,
// for a shard that cannot take it for now, with a malformed payload, and
// still queued in the shard when its delivery's channel is gone.
import assert from "node:assert/strict";
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import {
  BOUNCE_HEADER,
  type CommandChannel,
  CommandHandler,
  type CommandMessage,
  type CommandShard,
  LAST_BOUNCE_HEADER,
  MAX_REQUEUE_TIME,
  MAX_SHARD_COMMANDS,
  REQUEUE_DELAY,
} from "../../dispatch/command_handler.ts";
import { countedResults } from "./_counted_handler.ts";
import { DEFAULT_PREFETCH, SLOT_RESERVE } from "../../dispatch/shard_holds.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { Shard } from "../../gateway/shard.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** A delivery that records how it was settled. */
class Delivery implements CommandMessage {
  readonly text: string;
  settled: "ack" | "requeue" | "reject" | undefined;
  /** Set by the test for a delivery RabbitMQ made before. */
  redelivered = false;
  properties: AMQPProperties = { deliveryMode: 2 };
  channel?: CommandChannel;
  constructor(command: unknown, channel?: CommandChannel) {
    this.text = JSON.stringify(command);
    if (channel) this.channel = channel;
  }
  get bodySize(): number {
    return this.text.length;
  }
  bodyToString(): string {
    return this.text;
  }
  ack(): Promise<void> {
    this.#settle("ack");
    return Promise.resolve();
  }
  nack(requeue = true): Promise<void> {
    this.#settle(requeue ? "requeue" : "reject");
    return Promise.resolve();
  }
  reject(requeue = true): Promise<void> {
    this.#settle(requeue ? "requeue" : "reject");
    return Promise.resolve();
  }
  #settle(how: "ack" | "requeue" | "reject"): void {
    assert.equal(this.settled, undefined, "settled once");
    this.settled = how;
  }
}

function handler(
  scheduler: VirtualScheduler,
  shard: CommandShard,
  paused: () => boolean = () => false,
  shards: { total: number; run: Record<number, CommandShard> } = {
    total: 1,
    run: { 0: shard },
  },
): { handler: CommandHandler; results: Record<string, number> } {
  const { results, counter: inc } = countedResults();
  return {
    handler: new CommandHandler({
      queue: "gateway.send",
      shard: (id) => shards.run[id],
      shardCount: () => shards.total,
      paused,
      closing: () => false,
      counter: inc,
      scheduler,
    }),
    results,
  };
}

/** A handler of a process that runs shard 0 of 2; another runs shard 1. */
function shardZeroOfTwo(scheduler: VirtualScheduler): {
  own: ReturnType<typeof recordingShard>;
  commands: CommandHandler;
  results: Record<string, number>;
} {
  const own = recordingShard();
  const { handler: commands, results } = handler(scheduler, own, undefined, {
    total: 2,
    run: { 0: own },
  });
  return { own, commands, results };
}

const SOUNDS = { op: 31, d: { guild_ids: ["41771983423143937"] } };

/** A publish made on a delivery's channel. */
interface Published {
  exchange: string;
  routingKey: string;
  body: string;
  properties: AMQPProperties;
}

/** A delivery channel that records what is published on it. */
function recordingChannel(
  fail = false,
): CommandChannel & { published: Published[] } {
  const published: Published[] = [];
  return {
    published,
    confirmSelect: () => Promise.resolve(),
    basicPublish: (exchange, routingKey, data, properties = {}) => {
      if (fail) return Promise.reject(new Error("Message rejected"));
      published.push({
        exchange,
        routingKey,
        body: String(data),
        properties,
      });
      return Promise.resolve(published.length);
    },
  } as CommandChannel & { published: Published[] };
}

/** A shard that refuses every command as closed, in the status given. */
function closedShard(status: ShardStatus): CommandShard & { sent: number } {
  const shard = {
    sent: 0,
    status,
    send: () => {
      shard.sent++;
      return Promise.reject(
        new GatewayError("shard_closed", "Shard 0 is closed", { shardId: 0 }),
      );
    },
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  };
  return shard as unknown as CommandShard & { sent: number };
}

Deno.test("CommandHandler: a command for a shard stopped for good (fatal close 4010) is rejected without requeue, counted dropped, and said once", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const gateway = new FakeGateway({ scheduler, guilds: 1 });
    const shard = new Shard({
      token: "fake-token",
      intents: 1,
      transport: gateway.transport,
      scheduler,
    });
    shard.on("error", () => {});
    const ready = shard.connect();
    await scheduler.advance(0);
    await ready;
    gateway.closeWith(4010, "Invalid shard");
    await scheduler.advance(0);
    assert.equal(shard.status, "closed");
    const { handler: commands, results } = handler(scheduler, shard);
    const deliveries = Array.from(
      { length: 100 },
      () => new Delivery({ op: 0, shard: 0, data: SOUNDS }),
    );
    await Promise.all(deliveries.map((d) => commands.handle(d)));
    await scheduler.advance(60_000);
    assert.ok(deliveries.every((d) => d.settled === "reject"));
    assert.deepEqual(results, { dropped: 100 });
    const lines = records.filter((r) =>
      String(r.message.join("")).includes("stopped for good")
    );
    assert.equal(lines.length, 1, "one line, not one per command");
    assert.equal(scheduler.pending, 0, "no requeue left scheduled");
    gateway.close();
  });
});

Deno.test("CommandHandler: a paused or restarting shard's commands are requeued after 1 s, for at most MAX_REQUEUE_TIME; ready again starts over", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    // Paused by the service: closed meanwhile (its status says nothing).
    const shard = closedShard("closed");
    const { handler: commands, results } = handler(
      scheduler,
      shard,
      () => true,
    );
    // RabbitMQ redelivers each requeue at once: one delivery after another.
    let requeues = 0;
    let delivery = new Delivery({ op: 0, shard: 0, data: SOUNDS });
    await commands.handle(delivery);
    for (;;) {
      assert.equal(delivery.settled, undefined, "held for the delay");
      await scheduler.advance(REQUEUE_DELAY - 1);
      assert.equal(delivery.settled, undefined);
      await scheduler.advance(1);
      if (delivery.settled !== "requeue") break;
      requeues++;
      delivery = new Delivery({ op: 0, shard: 0, data: SOUNDS });
      await commands.handle(delivery);
      if (delivery.settled === "reject") break;
    }
    assert.equal(delivery.settled, "reject");
    assert.equal(requeues, MAX_REQUEUE_TIME / REQUEUE_DELAY);
    assert.deepEqual(results, { retried: requeues, dropped: 1 });
    // More commands for it: rejected at once, and not said again.
    const more = new Delivery({ op: 0, shard: 0, data: SOUNDS });
    await commands.handle(more);
    assert.equal(more.settled, "reject");
    assert.equal(
      records.filter((r) => r.message.join("").includes("not taken commands"))
        .length,
      1,
    );
    // Ready again: requeued again while it cannot take them.
    commands.shardReady(0);
    const later = new Delivery({ op: 0, shard: 0, data: SOUNDS });
    await commands.handle(later);
    await scheduler.advance(REQUEUE_DELAY);
    assert.equal(later.settled, "requeue");
  });
});

Deno.test("CommandHandler: a shard closed for an op 1 restart, or one reconnecting, gets its commands requeued, not dropped", async () => {
  const scheduler = new VirtualScheduler();
  const shard = closedShard("reconnecting");
  const { handler: commands, results } = handler(scheduler, shard);
  const delivery = new Delivery({ op: 0, shard: 0, data: SOUNDS });
  await commands.handle(delivery);
  await scheduler.advance(REQUEUE_DELAY);
  assert.equal(delivery.settled, "requeue");

  // Closed while an op 1 command restarts it.
  const restarting = closedShard("closed");
  let closed!: () => void;
  restarting.close = () => new Promise<void>((resolve) => closed = resolve);
  const { handler: other } = handler(scheduler, restarting);
  const restart = new Delivery({ op: 1, shard: 0 });
  const running = other.handle(restart);
  const during = new Delivery({ op: 0, shard: 0, data: SOUNDS });
  await other.handle(during);
  closed();
  await running;
  await scheduler.advance(REQUEUE_DELAY);
  assert.equal(restart.settled, "ack");
  assert.equal(during.settled, "requeue");
  assert.deepEqual(results, { retried: 1 });
});

Deno.test("CommandHandler: malformed op 4, 8, 31 and 43 payloads are rejected with the reason and never sent; valid ones are", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const sent: unknown[] = [];
    const shard = {
      status: "ready",
      send: (command: unknown) => {
        sent.push(command);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
      connect: () => Promise.resolve(),
    } as unknown as CommandShard;
    const { handler: commands, results } = handler(scheduler, shard);
    const guild = "41771983423143937";
    const malformed = [
      { op: 8, d: {} },
      { op: 8, d: { guild_id: guild, query: "a" } }, // no limit
      { op: 4, d: { guild_id: "x" } },
      { op: 4, d: { guild_id: guild, channel_id: null, self_mute: false } },
      { op: 43, d: null },
      { op: 43, d: { guild_id: guild, fields: ["nope"] } },
      { op: 31, d: { guild_ids: [] } },
      { op: 31, d: { guild_ids: [guild], extra: 1 } },
    ];
    for (const data of malformed) {
      const delivery = new Delivery({ op: 0, shard: 0, data });
      await commands.handle(delivery);
      assert.equal(delivery.settled, "reject", JSON.stringify(data));
    }
    assert.deepEqual(sent, []);
    assert.deepEqual(results, { failed: malformed.length });
    const reasons = records.map((r) => String(r.properties.reason));
    assert.equal(reasons.length, malformed.length);
    assert.match(reasons[0]!, /^Cannot build Request Guild Members as /);
    assert.match(reasons[2]!, /'guild_id' must be a snowflake/);

    const valid = [
      {
        op: 4,
        d: {
          guild_id: guild,
          channel_id: null,
          self_mute: false,
          self_deaf: true,
        },
      },
      { op: 8, d: { guild_id: guild, user_ids: [guild] } },
      { op: 43, d: { guild_id: guild, fields: ["status"] } },
      SOUNDS,
    ];
    for (const data of valid) {
      const delivery = new Delivery({ op: 0, shard: 0, data });
      await commands.handle(delivery);
      assert.equal(delivery.settled, "ack");
    }
    assert.deepEqual(sent, valid);
    assert.deepEqual({ ...results }, {
      failed: malformed.length,
      done: valid.length,
    });
  });
});

Deno.test("CommandHandler: a presence with activity fields bots cannot set (discord.py's Streaming.to_dict()) is sent without them and logged, as twilight-dispatch sent it on", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const shard = recordingShard();
    const { handler: commands, results } = handler(scheduler, shard);
    const presence = (activity: Record<string, unknown>) => ({
      op: 3,
      d: { since: null, activities: [activity], status: "online", afk: false },
    });
    const streaming = presence({
      type: 1,
      name: "x",
      url: "https://twitch.tv/x",
      assets: {},
      details: "d",
    });
    const delivery = new Delivery({ op: 0, shard: 0, data: streaming });
    await commands.handle(delivery);
    assert.equal(delivery.settled, "ack");
    assert.deepEqual(shard.sent, [
      presence({ type: 1, name: "x", url: "https://twitch.tv/x" }),
    ]);
    // A custom status's `state` is a field bots set: kept, nothing said.
    const custom = presence({ type: 4, name: "Custom Status", state: "hi" });
    await commands.handle(new Delivery({ op: 0, shard: 0, data: custom }));
    assert.deepEqual(shard.sent.at(-1), custom);
    const said = records.filter((r) => r.level === "warning");
    assert.equal(said.length, 1);
    assert.equal(said[0]!.properties.fields, "assets, details");
    assert.deepEqual(results, { done: 2 });
  });
});

Deno.test("CommandHandler: commands waiting in the shard's queue are taken back when their channel is gone: never sent, left for the redelivery", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const shard = new Shard({
    token: "fake-token",
    intents: 1,
    transport: gateway.transport,
    scheduler,
  });
  const ready = shard.connect();
  await scheduler.advance(0);
  await ready;
  const { handler: commands, results } = handler(scheduler, shard);
  const channel = new AbortController();
  const sounds = (i: number) => ({
    op: 31 as const,
    d: { guild_ids: [String(41771983423143937n + BigInt(i))] },
  });
  // The shard's 120 frames per 60 s taken by the bot's own sends first.
  const own = Array.from({ length: 130 }, (_, i) => shard.send(sounds(i)));
  // MAX_SHARD_COMMANDS of these wait in the shard, the next ones are held
  // at hand up to the budget (the prefetch less the reserve); the rest go
  // round.
  const COUNT = 120;
  const TAKEN = DEFAULT_PREFETCH - SLOT_RESERVE;
  const queue = recordingChannel();
  const deliveries = Array.from(
    { length: COUNT },
    (_, i) => new Delivery({ op: 0, shard: 0, data: sounds(1000 + i) }, queue),
  );
  const handled = deliveries.map((d) => commands.handle(d, channel.signal));
  await scheduler.advance(1_000);
  const written = (): number =>
    gateway.allConnections.reduce(
      (n, c) =>
        n +
        c.received.filter((f) =>
          f.op === 31 &&
          Number(
              BigInt((f.d as { guild_ids: string[] }).guild_ids[0]!) -
                41771983423143937n,
            ) >= 1000
        ).length,
      0,
    );
  const before = written();
  assert.ok(before < MAX_SHARD_COMMANDS, `${before} written at once`);
  assert.equal(queue.published.length, COUNT - TAKEN);
  // The broker connection is lost: RabbitMQ requeues every unacked one.
  channel.abort(new Error("Connection lost"));
  await Promise.all(handled);
  await scheduler.advance(180_000);
  await Promise.allSettled(own);
  assert.equal(written(), before, "none of the queued ones was written");
  assert.equal(
    deliveries.filter((d) => d.settled === "ack").length,
    before + COUNT - TAKEN,
  );
  assert.ok(
    deliveries.every((d) => d.settled === "ack" || d.settled === undefined),
  );
  assert.equal(results.done ?? 0, before);
  assert.equal(results.retried, COUNT - before);
  await shard.close();
  gateway.close();
});

/** A ready shard that records what it sends. */
function recordingShard(): CommandShard & { sent: unknown[] } {
  const shard = {
    sent: [] as unknown[],
    status: "ready",
    send: (command: unknown) => {
      shard.sent.push(command);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  };
  return shard as unknown as CommandShard & { sent: unknown[] };
}

/** Guilds of shard 0 and of shard 1 when the bot has 2 shards. */
const GUILD_OF_SHARD = ["41771983423143937", "41771983427338241"] as const;

Deno.test("CommandHandler: a command for another process's shard (below SHARDS_TOTAL) is published again at the tail of the queue for it, stamped, and acked; a shard the bot does not have is refused", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const channel = recordingChannel();
    const { own, commands, results } = shardZeroOfTwo(scheduler);
    const presence = {
      op: 3,
      d: { since: null, activities: [], status: "idle", afk: false },
    };
    const theirs = new Delivery({ op: 0, shard: 1, data: presence }, channel);
    theirs.properties = { deliveryMode: 2, headers: { trace: "t1" } };
    await commands.handle(theirs);
    assert.equal(theirs.settled, "ack", "a copy is queued for the other");
    assert.deepEqual(channel.published, [{
      exchange: "",
      routingKey: "gateway.send",
      body: theirs.text,
      properties: {
        deliveryMode: 2,
        headers: {
          trace: "t1",
          [BOUNCE_HEADER]: 1_000_000,
          [LAST_BOUNCE_HEADER]: 1_000_000,
        },
      },
    }]);
    assert.deepEqual(results, { elsewhere: 1 });
    const restart = new Delivery({ op: 2, shard: 1 }, channel);
    await commands.handle(restart);
    assert.equal(restart.settled, "ack");
    assert.equal(channel.published.length, 2);
    // The copy cannot be published (a blocked connection, a nack): the
    // delivery goes back to the queue instead, never lost.
    // After a wait: a queue that refuses every copy (full) would hand it
    // straight back, thousands of times a second.
    const refused = new Delivery({ op: 2, shard: 1 }, recordingChannel(true));
    await commands.handle(refused);
    assert.equal(refused.settled, undefined);
    await scheduler.advance(REQUEUE_DELAY);
    assert.equal(refused.settled, "requeue");
    const none = new Delivery({ op: 0, shard: 2, data: presence }, channel);
    await commands.handle(none);
    assert.equal(none.settled, "reject", "shard 2 of a 2-shard bot");
    assert.deepEqual(results, { elsewhere: 3, malformed: 1 });
    assert.deepEqual(own.sent, []);
    assert.equal(scheduler.pending, 0);
    assert.ok(records.every((r) => r.level !== "error"));
  }, "warning");
});

Deno.test("CommandHandler: a bounced copy is published again after 1 s with its first bounce kept, and rejected once MAX_REQUEUE_TIME has passed since it, said once per shard", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const channel = recordingChannel();
    const { commands, results } = shardZeroOfTwo(scheduler);
    const copy = (first: number) => {
      const delivery = new Delivery({ op: 1, shard: 1 }, channel);
      delivery.properties = { headers: { [BOUNCE_HEADER]: first } };
      return delivery;
    };
    // Without a last bounce (an older version's copy): the whole delay.
    const young = copy(1_000_000 - MAX_REQUEUE_TIME + 1);
    await commands.handle(young);
    assert.equal(young.settled, undefined, "held a moment: no fast loop");
    await scheduler.advance(REQUEUE_DELAY - 1);
    assert.equal(channel.published.length, 0);
    await scheduler.advance(1);
    assert.equal(young.settled, "ack");
    assert.deepEqual(channel.published[0]!.properties.headers, {
      [BOUNCE_HEADER]: 1_000_000 - MAX_REQUEUE_TIME + 1,
      [LAST_BOUNCE_HEADER]: 1_000_000 + REQUEUE_DELAY,
    });
    // Still bouncing MAX_REQUEUE_TIME after its first bounce: rejected.
    const old = copy(scheduler.now() - MAX_REQUEUE_TIME);
    await commands.handle(old);
    assert.equal(old.settled, "reject");
    const again = copy(0);
    await commands.handle(again);
    assert.equal(again.settled, "reject");
    // A stamp further ahead than a bounce can last (set by a publisher)
    // counts from now: bounced again, not for ever.
    const ahead = copy(scheduler.now() + 365 * 24 * 3_600_000);
    await commands.handle(ahead);
    await scheduler.advance(REQUEUE_DELAY);
    assert.equal(ahead.settled, "ack");
    assert.deepEqual(channel.published.at(-1)!.properties.headers, {
      [BOUNCE_HEADER]: scheduler.now() - REQUEUE_DELAY,
      [LAST_BOUNCE_HEADER]: scheduler.now(),
    });
    assert.deepEqual(results, { elsewhere: 2, dropped: 2 });
    const said = records.filter((r) =>
      String(r.message.join("")).includes("no consumer ran it")
    );
    assert.equal(said.length, 1, "once per shard, not per command");
    assert.equal(said[0]!.properties.shard, 1);
    assert.equal(said[0]!.properties.total, 2);
    assert.equal(channel.published.length, 2);
    assert.equal(scheduler.pending, 0);
  });
});

Deno.test("CommandHandler: a copy back REQUEUE_DELAY after its last bounce is published again at once (no prefetch slot held); one back sooner waits only the rest, one stamped ahead at most REQUEUE_DELAY", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const channel = recordingChannel();
  const { commands, results } = shardZeroOfTwo(scheduler);
  const copy = (last: number) => {
    const delivery = new Delivery({ op: 1, shard: 1 }, channel);
    delivery.properties = {
      headers: { [BOUNCE_HEADER]: 900_000, [LAST_BOUNCE_HEADER]: last },
    };
    return delivery;
  };
  // The queue was long: it came back a second or more after its bounce.
  for (const last of [1_000_000 - REQUEUE_DELAY, 950_000]) {
    const late = copy(last);
    await commands.handle(late);
    assert.equal(late.settled, "ack", `at once after ${1_000_000 - last} ms`);
    assert.deepEqual(channel.published.at(-1)!.properties.headers, {
      [BOUNCE_HEADER]: 900_000,
      [LAST_BOUNCE_HEADER]: 1_000_000,
    });
  }
  assert.equal(scheduler.pending, 0, "nothing held");
  // Back 300 ms after its bounce (a short queue): the other 700 ms here.
  const soon = copy(1_000_000 - 300);
  await commands.handle(soon);
  await scheduler.advance(REQUEUE_DELAY - 300 - 1);
  assert.equal(soon.settled, undefined, "no fast loop");
  await scheduler.advance(1);
  assert.equal(soon.settled, "ack");
  assert.equal(
    channel.published.at(-1)!.properties.headers![LAST_BOUNCE_HEADER],
    scheduler.now(),
  );
  // Stamped ahead of this clock (another process's, or a publisher's):
  // the whole delay at most, never longer.
  const ahead = copy(scheduler.now() + 3_600_000);
  await commands.handle(ahead);
  await scheduler.advance(REQUEUE_DELAY - 1);
  assert.equal(ahead.settled, undefined);
  await scheduler.advance(1);
  assert.equal(ahead.settled, "ack");
  // A stamp as AMQP may decode a long integer: a bigint.
  const big = copy(0);
  big.properties.headers![LAST_BOUNCE_HEADER] = BigInt(scheduler.now() - 400);
  await commands.handle(big);
  await scheduler.advance(REQUEUE_DELAY - 400);
  assert.equal(big.settled, "ack");
  assert.deepEqual(results, { elsewhere: 5 });
  assert.equal(channel.published.length, 5);
});

Deno.test("CommandHandler: 'no consumer ran it' is said again once the shard's last line is MAX_REQUEUE_TIME old: an ongoing outage every 5 min, a later one always", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 10 * MAX_REQUEUE_TIME });
    const { commands, results } = shardZeroOfTwo(scheduler);
    const stale = () => {
      const delivery = new Delivery({ op: 1, shard: 1 }, recordingChannel());
      delivery.properties = {
        headers: { [BOUNCE_HEADER]: scheduler.now() - MAX_REQUEUE_TIME },
      };
      return delivery;
    };
    const said = () =>
      records.filter((r) =>
        String(r.message.join("")).includes("no consumer ran it")
      ).length;
    await commands.handle(stale());
    assert.equal(said(), 1);
    // The same outage, commands dropped one a second: not said per command.
    for (let i = 0; i < MAX_REQUEUE_TIME / 1_000 - 1; i++) {
      await scheduler.advance(1_000);
      await commands.handle(stale());
    }
    assert.equal(said(), 1, "once in its first 5 min");
    await scheduler.advance(1_000);
    await commands.handle(stale());
    assert.equal(said(), 2, "still going 5 min later: said again");
    // Shard 1 ran elsewhere meanwhile; a day later it is gone again.
    await scheduler.advance(24 * 3_600_000);
    await commands.handle(stale());
    assert.equal(said(), 3, "a new outage is said");
    assert.equal(results.dropped, MAX_REQUEUE_TIME / 1_000 + 2);
  });
});

Deno.test("CommandHandler: an op 4 or 8 command whose guild_id is above 2^64 - 1 is rejected as malformed; whatever throws, the delivery is settled", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const { own, commands, results } = shardZeroOfTwo(scheduler);
    const members = {
      op: 8,
      d: { guild_id: "99999999999999999999", query: "", limit: 0 },
    };
    const voice = {
      op: 4,
      d: {
        guild_id: "18446744073709551616",
        channel_id: null,
        self_mute: false,
        self_deaf: false,
      },
    };
    for (const data of [members, voice]) {
      const delivery = new Delivery({ op: 0, shard: 0, data });
      await commands.handle(delivery);
      assert.equal(delivery.settled, "reject", JSON.stringify(data));
    }
    assert.deepEqual(results, { malformed: 2 });
    assert.deepEqual(own.sent, []);
    assert.match(
      String(records.at(-1)!.properties.reason),
      /must be an unsigned 64-bit integer/,
    );

    // Anything else that throws: rejected and counted, never left unsettled.
    const { results: counted, counter: inc } = countedResults();
    const broken = new CommandHandler({
      queue: "gateway.send",
      shard: () => {
        throw new Error("boom");
      },
      shardCount: () => 1,
      paused: () => false,
      closing: () => false,
      counter: inc,
      scheduler,
    });
    const delivery = new Delivery({ op: 1, shard: 0 });
    await broken.handle(delivery);
    assert.equal(delivery.settled, "reject");
    assert.deepEqual(counted, { failed: 1 });
  });
});

Deno.test("CommandHandler: op 8 and op 4 go to their guild's shard ((guild_id >> 22) % SHARDS_TOTAL), or back to the queue when another process runs it", async () => {
  const scheduler = new VirtualScheduler();
  const zero = recordingShard();
  const one = recordingShard();
  const { handler: both, results } = handler(scheduler, zero, undefined, {
    total: 2,
    run: { 0: zero, 1: one },
  });
  const members = {
    op: 8,
    d: { guild_id: GUILD_OF_SHARD[1], user_ids: [GUILD_OF_SHARD[1]] },
  };
  const voice = {
    op: 4,
    d: {
      guild_id: GUILD_OF_SHARD[1],
      channel_id: null,
      self_mute: false,
      self_deaf: false,
    },
  };
  for (const data of [members, voice]) {
    const delivery = new Delivery({ op: 0, shard: 0, data });
    await both.handle(delivery);
    assert.equal(delivery.settled, "ack");
  }
  assert.deepEqual(zero.sent, [], "Discord would leave them unanswered");
  assert.deepEqual(one.sent, [members, voice]);
  assert.deepEqual(results, { done: 2 });

  // Only shard 0 here: the command goes back for the process with shard 1.
  const { handler: onlyZero, results: counted } = handler(
    scheduler,
    zero,
    undefined,
    { total: 2, run: { 0: zero } },
  );
  const channel = recordingChannel();
  const delivery = new Delivery({ op: 0, shard: 0, data: members }, channel);
  await onlyZero.handle(delivery);
  assert.equal(delivery.settled, "ack");
  assert.equal(channel.published.length, 1, "a copy for shard 1's process");
  assert.deepEqual(counted, { elsewhere: 1 });
  assert.deepEqual(zero.sent, []);
});

Deno.test("CommandHandler: a paused shard's command first put back MAX_REQUEUE_TIME ago is rejected; one put back a millisecond later goes round again, as does one stamped ahead, counted from now", async () => {
  await withLogRecords(async () => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const channel = recordingChannel();
    const { handler: commands, results } = handler(
      scheduler,
      recordingShard(),
      () => true,
    );
    const stamped = (first: number): Delivery => {
      const delivery = new Delivery({ op: 0, shard: 0, data: SOUNDS }, channel);
      delivery.properties = {
        headers: { [BOUNCE_HEADER]: first, [LAST_BOUNCE_HEADER]: first },
      };
      return delivery;
    };
    const young = stamped(scheduler.now() - MAX_REQUEUE_TIME + 1);
    await commands.handle(young);
    const old = stamped(scheduler.now() - MAX_REQUEUE_TIME);
    await commands.handle(old);
    await scheduler.flushMicrotasks();
    assert.equal(young.settled, "ack", "its copy published");
    assert.equal(old.settled, "reject");
    assert.equal(channel.published.length, 1);
    // A stamp further ahead than a bounce can last counts from now.
    const putBackAt = scheduler.now();
    const ahead = stamped(putBackAt + 365 * 24 * 3_600_000);
    await commands.handle(ahead);
    await scheduler.advance(REQUEUE_DELAY);
    assert.equal(ahead.settled, "ack");
    assert.equal(
      channel.published.at(-1)!.properties.headers![BOUNCE_HEADER],
      putBackAt,
    );
    assert.deepEqual(results, { retried: 2, dropped: 1 });
  });
});
