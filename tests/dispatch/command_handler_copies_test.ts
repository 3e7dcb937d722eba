// CommandHandler putting deliveries back as RabbitMQ takes (or refuses)
// their copies, on a virtual clock: a copy keeps only the properties any
// publisher may set, a per-message TTL is not renewed by going round, and a
// delivery whose copy can never be published is rejected instead of going
// back to the queue for ever.
import assert from "node:assert/strict";
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import {
  BOUNCE_HEADER,
  type CommandChannel,
  type CommandHandler,
  type CommandMessage,
  type CommandShard,
  LAST_BOUNCE_HEADER,
  MAX_REQUEUE_TIME,
  REQUEUE_DELAY,
} from "../../dispatch/command_handler.ts";
import {
  closedByBroker,
  UnpublishedCopies,
} from "../../dispatch/_command_copies.ts";
import { countedHandler } from "./_counted_handler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** A delivery's channel, and what was published on it. */
type BrokerChannel = CommandChannel & {
  closed: boolean;
  published: AMQPProperties[];
};

/** A delivery that records how it was settled. */
class Delivery implements CommandMessage {
  readonly text: string;
  settled: "ack" | "requeue" | "reject" | undefined;
  redelivered = false;
  properties: AMQPProperties;
  channel: BrokerChannel;
  constructor(
    command: unknown,
    channel: BrokerChannel,
    properties: AMQPProperties = {},
  ) {
    this.text = JSON.stringify(command);
    this.channel = channel;
    this.properties = properties;
  }
  get bodySize(): number {
    return this.text.length;
  }
  bodyToString(): string {
    return this.text;
  }
  ack(): Promise<void> {
    return this.#settle("ack");
  }
  nack(requeue = true): Promise<void> {
    return this.#settle(requeue ? "requeue" : "reject");
  }
  reject(requeue = true): Promise<void> {
    return this.#settle(requeue ? "requeue" : "reject");
  }
  #settle(how: "ack" | "requeue" | "reject"): Promise<void> {
    // A delivery of a closed channel cannot be settled.
    if (this.channel.closed) return Promise.reject(new Error("closed"));
    assert.equal(this.settled, undefined, "settled once");
    this.settled = how;
    return Promise.resolve();
  }
  /** The same message delivered again (on `channel`). */
  again(channel: BrokerChannel): Delivery {
    const next = new Delivery(
      JSON.parse(this.text),
      channel,
      this.properties,
    );
    next.redelivered = true;
    return next;
  }
}

/**
 * A channel as RabbitMQ runs it for the service's user `guest`: a publish
 * whose `user_id` is another user's closes it (PRECONDITION_FAILED), as
 * does any publish `refuse` picks; `fail` refuses it with the channel
 * left open (a full queue's nack); `tooLarge` throws as the library does
 * for a header over the frame size.
 */
function brokerChannel(
  options: {
    refuse?: (properties: AMQPProperties) => boolean;
    fail?: boolean;
    tooLarge?: boolean;
  } = {},
): BrokerChannel {
  const channel = {
    closed: false,
    published: [] as AMQPProperties[],
    confirmSelect: () => Promise.resolve(),
    basicPublish: (
      _exchange: string,
      _key: string,
      _data: unknown,
      properties: AMQPProperties = {},
    ) => {
      if (channel.closed) return Promise.reject(new Error("Channel closed"));
      if (options.tooLarge) {
        return Promise.reject(new RangeError("Offset is outside the bounds"));
      }
      if (options.fail) return Promise.reject(new Error("Message rejected"));
      if (
        (properties.userId !== undefined && properties.userId !== "guest") ||
        options.refuse?.(properties)
      ) {
        channel.closed = true;
        // As the library words the broker's channel.close.
        return Promise.reject(
          new Error(
            "channel 1 closed: PRECONDITION_FAILED - user_id property set to 'producer' but authenticated user was 'guest' (406)",
          ),
        );
      }
      channel.published.push(properties);
      return Promise.resolve(channel.published.length);
    },
  };
  return channel as BrokerChannel;
}

/** A handler of a process that runs shard 0 of 2 (another runs shard 1). */
function setUp(scheduler: VirtualScheduler): {
  commands: CommandHandler;
  results: Record<string, number>;
} {
  const own = {
    status: "ready",
    send: () => Promise.resolve(),
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  } as unknown as CommandShard;
  const { handler: commands, results } = countedHandler({
    shard: (id) => id === 0 ? own : undefined,
    shardCount: 2,
    scheduler,
  });
  return { commands, results };
}

/** A command for shard 1, which another process runs. */
const THEIRS = { op: 1, shard: 1 };

Deno.test("CommandHandler: a copy keeps only the properties any publisher may set: a command another user published (user_id) is put back, not refused with the channel closed", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { commands, results } = setUp(scheduler);
  const channel = brokerChannel();
  const delivery = new Delivery(THEIRS, channel, {
    contentType: "application/json",
    contentEncoding: "utf-8",
    deliveryMode: 2,
    priority: 3,
    correlationId: "c1",
    messageId: "m1",
    timestamp: new Date(999_000),
    type: "command",
    appId: "worker",
    userId: "producer",
    replyTo: "amq.rabbitmq.reply-to",
    headers: { trace: "t1" },
  });
  await commands.handle(delivery);
  assert.equal(channel.closed, false);
  assert.equal(delivery.settled, "ack");
  assert.deepEqual(channel.published, [{
    contentType: "application/json",
    contentEncoding: "utf-8",
    deliveryMode: 2,
    priority: 3,
    correlationId: "c1",
    messageId: "m1",
    timestamp: new Date(999_000),
    type: "command",
    appId: "worker",
    headers: {
      trace: "t1",
      [BOUNCE_HEADER]: 1_000_000,
      [LAST_BOUNCE_HEADER]: 1_000_000,
    },
  }]);
  assert.deepEqual(results, { elsewhere: 1 });
});

Deno.test("CommandHandler: a copy's per-message TTL goes on less the time since its last bounce, not renewed; one with none left is rejected", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { commands, results } = setUp(scheduler);
  const channel = brokerChannel();
  const first = new Delivery(THEIRS, channel, { expiration: "60000" });
  await commands.handle(first);
  assert.equal(channel.published[0]!.expiration, "60000");
  // Back 20 s after its bounce (a long queue): 40 s of it left.
  await scheduler.advance(20_000);
  const copy = new Delivery(THEIRS, channel, channel.published[0]!);
  await commands.handle(copy);
  assert.equal(copy.settled, "ack");
  assert.equal(channel.published[1]!.expiration, "40000");
  await scheduler.advance(40_000);
  const expired = new Delivery(THEIRS, channel, channel.published[1]!);
  await commands.handle(expired);
  assert.equal(expired.settled, "reject");
  assert.equal(channel.published.length, 2);
  // The expired one is counted once: dropped, not also put back.
  assert.deepEqual(results, { elsewhere: 2, dropped: 1 });
  assert.equal(scheduler.pending, 0);
});

Deno.test("CommandHandler: a delivery whose copy closes the channel is rejected once it closed it MAX_CHANNEL_LOSSES times; the commands failing with it are not blamed", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const { commands, results } = setUp(scheduler);
    const poison = (p: AMQPProperties) => p.headers?.poison === true;
    let channel = brokerChannel({ refuse: poison });
    let bad = new Delivery(THEIRS, channel, { headers: { poison: true } });
    let good = new Delivery({ op: 2, shard: 1 }, channel);
    for (let round = 0; round < 2; round++) {
      // The bad one first: RabbitMQ closes the channel on it, and the
      // publishes after it fail with it.
      await Promise.all([commands.handle(bad), commands.handle(good)]);
      assert.equal(channel.closed, true);
      assert.equal(bad.settled, undefined);
      assert.equal(good.settled, undefined);
      // Redelivered, in order, on the next subscription's channel.
      channel = brokerChannel({ refuse: poison });
      bad = bad.again(channel);
      good = good.again(channel);
    }
    await Promise.all([commands.handle(bad), commands.handle(good)]);
    assert.equal(bad.settled, "reject");
    assert.equal(good.settled, "ack");
    assert.equal(channel.closed, false);
    assert.equal(channel.published.length, 1);
    assert.equal(results.dropped, 1);
    const said = records.filter((r) =>
      r.level === "warning" &&
      String(r.message.join("")).includes("closed the channel")
    );
    assert.equal(said.length, 1);
    assert.equal(said[0]!.properties.shard, 1);
  });
});

Deno.test("CommandHandler: a delivery whose copy this connection cannot write (a header over the frame size) is rejected at once, with a warning", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const { commands, results } = setUp(scheduler);
    const delivery = new Delivery(THEIRS, brokerChannel({ tooLarge: true }), {
      headers: { big: "x".repeat(9_000) },
    });
    await commands.handle(delivery);
    assert.equal(delivery.settled, "reject");
    assert.equal(results.dropped, 1);
    const said = records.filter((r) => r.level === "warning");
    assert.equal(said.length, 1);
    assert.match(String(said[0]!.properties.reason), /frame size/);
    assert.equal(scheduler.pending, 0);
  });
});

Deno.test("CommandHandler: a delivery whose copy keeps being refused is requeued each second and rejected MAX_REQUEUE_TIME after its first failure, said once per shard", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const { commands, results } = setUp(scheduler);
    const channel = brokerChannel({ fail: true });
    // Two of the shard's commands, the second a second after the first.
    let deliveries = [new Delivery(THEIRS, channel)];
    let requeues = 0;
    for (;;) {
      for (const delivery of deliveries) await commands.handle(delivery);
      if (deliveries[0]!.settled === "reject") break;
      await scheduler.advance(REQUEUE_DELAY);
      assert.ok(deliveries.every((d) => d.settled === "requeue"));
      requeues++;
      assert.ok(requeues <= MAX_REQUEUE_TIME / REQUEUE_DELAY, "for ever");
      deliveries = deliveries.map((d) => d.again(channel));
      if (requeues === 1) {
        deliveries.push(new Delivery({ op: 2, shard: 1 }, channel));
      }
    }
    assert.equal(requeues, MAX_REQUEUE_TIME / REQUEUE_DELAY);
    assert.equal(results.dropped, 1);
    assert.equal(deliveries[1]!.settled, undefined, "its own 5 minutes");
    await scheduler.advance(REQUEUE_DELAY);
    const other = deliveries[1]!.again(channel);
    await commands.handle(other);
    assert.equal(other.settled, "reject");
    assert.equal(results.dropped, 2);
    const said = records.filter((r) => r.level === "warning");
    assert.equal(said.length, 1);
    assert.equal(said[0]!.properties.shard, 1);
  });
});

Deno.test("closedByBroker: only a channel the broker closed with an error code blames the copy, not a normal close (200) or a dropped connection", () => {
  assert.equal(
    closedByBroker(
      new Error(
        "channel 3 closed: PRECONDITION_FAILED - message size 200 is larger than configured max size 100 (406)",
      ),
    ),
    true,
  );
  assert.equal(closedByBroker(new Error("channel 3 closed: OK (200)")), false);
  assert.equal(closedByBroker(new Error("Connection closed")), false);
  assert.equal(closedByBroker("channel 3 closed: NOT_FOUND (404)"), false);
});

Deno.test("UnpublishedCopies: a channel the broker closed is one loss, counted once for the first copy that reports it", () => {
  const copies = new UnpublishedCopies();
  const channel = {};
  assert.equal(copies.failed("a", 0, channel, 0).losses, 1);
  assert.equal(copies.failed("a", 1, channel, 0).losses, 1, "not again");
  assert.equal(copies.failed("b", 2, channel, 0).losses, 0, "not another's");
  assert.equal(copies.failed("a", 3, {}, 0).losses, 2, "a new channel lost");
});
