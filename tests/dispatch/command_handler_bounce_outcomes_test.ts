// CommandHandler putting deliveries back, on a virtual clock: each delivery
// is counted once in dispatch_commands{result}, a copy in flight when the
// connection drops is not blamed for the channel's loss (only a channel the
// broker closed is), and a TTL the broker takes with a leading "+" still
// runs down on the copy. A delivery whose consumer has ended is left to the
// broker, which puts it back as its channel closes: no copy races it.
import assert from "node:assert/strict";
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import {
  type CommandChannel,
  type CommandHandler,
  type CommandMessage,
  type CommandShard,
  LAST_BOUNCE_HEADER,
} from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A delivery channel whose publishes are confirmed, or left in flight. */
class Channel implements CommandChannel {
  closed = false;
  readonly published: AMQPProperties[] = [];
  readonly #inFlight: ((error: Error) => void)[] = [];
  constructor(readonly options: { confirm?: boolean; tooLarge?: boolean }) {}
  confirmSelect(): Promise<void> {
    return Promise.resolve();
  }
  basicPublish(
    _exchange: string,
    _key: string,
    _data: unknown,
    properties: AMQPProperties = {},
  ): Promise<number> {
    if (this.closed) return Promise.reject(new Error("Channel is closed"));
    if (this.options.tooLarge) {
      return Promise.reject(new RangeError("Offset is outside the bounds"));
    }
    if (!this.options.confirm) {
      return new Promise((_, reject) => this.#inFlight.push(reject));
    }
    this.published.push(properties);
    return Promise.resolve(this.published.length);
  }
  /**
   * The connection drops (a broker restart, a network blip): the library
   * marks every channel closed and fails the publishes in flight.
   */
  lose(): void {
    this.closed = true;
    for (const reject of this.#inFlight.splice(0)) {
      reject(new Error("Socket closed"));
    }
  }
}

/** A delivery that records how it was settled. */
class Delivery implements CommandMessage {
  settled: "ack" | "requeue" | "reject" | undefined;
  constructor(
    readonly text: string,
    readonly channel: Channel,
    readonly redelivered = false,
    readonly properties: AMQPProperties = {},
  ) {}
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
    if (this.channel.closed) return Promise.reject(new Error("closed"));
    this.settled = how;
    return Promise.resolve();
  }
}

/**
 * A handler running shard 0 of 4 (`status` its state, `send` its sending),
 * and its counts.
 */
function setUp(
  scheduler: VirtualScheduler,
  status = "ready",
  send: (payload: unknown) => Promise<void> = () => Promise.resolve(),
): {
  commands: CommandHandler;
  results: Record<string, number>;
} {
  const own = {
    status,
    send,
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  } as unknown as CommandShard;
  const { handler: commands, results } = countedHandler({
    shard: (id) => id === 0 ? own : undefined,
    shardCount: 4,
    scheduler,
  });
  return { commands, results };
}

/** Let the publishes' rejections be handled. */
async function settle(scheduler: VirtualScheduler): Promise<void> {
  for (let i = 0; i < 10; i++) await scheduler.advance(0);
}

Deno.test("CommandHandler: copies in flight when the connection drops are not blamed for the channel's loss; the same member request sent twice survives two blips", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { commands } = setUp(scheduler);
  // Shard 3 is another process's; the bot sent the same request twice.
  const body = JSON.stringify({
    op: 0,
    shard: 3,
    data: {
      op: 8,
      d: { guild_id: "81384788765712384", query: "", limit: 0 },
    },
  });
  for (let blip = 0; blip < 2; blip++) {
    const channel = new Channel({});
    const pending = [
      commands.handle(new Delivery(body, channel, blip > 0)),
      commands.handle(new Delivery(body, channel, blip > 0)),
    ];
    await settle(scheduler);
    channel.lose();
    await Promise.all(pending);
    await scheduler.advance(10_000);
  }
  // Redelivered on a healthy channel: put back, not dead-lettered as a copy
  // RabbitMQ closed the channel on twice.
  const channel = new Channel({ confirm: true });
  const again = [
    new Delivery(body, channel, true),
    new Delivery(body, channel, true),
  ];
  for (const delivery of again) await commands.handle(delivery);
  assert.deepEqual(again.map((d) => d.settled), ["ack", "ack"]);
  assert.equal(channel.published.length, 2);
});

Deno.test("CommandHandler: a delivery whose copy cannot be put back is counted once, dropped (not also elsewhere or retried)", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  // For another process's shard.
  const theirs = setUp(scheduler);
  const their = new Delivery(
    JSON.stringify({ op: 1, shard: 1 }),
    new Channel({ tooLarge: true }),
  );
  await theirs.commands.handle(their);
  assert.equal(their.settled, "reject");
  assert.deepEqual(theirs.results, { dropped: 1 });
  // For its own shard, not ready: put back in its turn.
  const own = setUp(scheduler, "reconnecting");
  const mine = new Delivery(
    JSON.stringify({
      op: 0,
      shard: 0,
      data: { op: 31, d: { guild_ids: ["1"] } },
    }),
    new Channel({ tooLarge: true }),
  );
  await own.commands.handle(mine);
  assert.equal(mine.settled, "reject");
  assert.deepEqual(own.results, { dropped: 1 });
  // Its TTL used up going round: rejected, counted once.
  const expired = new Delivery(
    JSON.stringify({ op: 1, shard: 1 }),
    new Channel({ confirm: true }),
    false,
    {
      expiration: "500",
      headers: {
        "x-disruption-first-bounce": 999_000,
        [LAST_BOUNCE_HEADER]: 999_000,
      },
    },
  );
  const counts = setUp(scheduler);
  await counts.commands.handle(expired);
  assert.equal(expired.settled, "reject");
  assert.deepEqual(counts.results, { dropped: 1 });
});

Deno.test("CommandHandler: a copy's expiration written with a leading '+' (RabbitMQ takes it) runs down as any TTL; one unreadable is kept as it is", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { commands } = setUp(scheduler);
  const channel = new Channel({ confirm: true });
  const headers = {
    "x-disruption-first-bounce": 998_000,
    [LAST_BOUNCE_HEADER]: 999_000,
  };
  for (const expiration of ["+3000", "3000 "]) {
    await commands.handle(
      new Delivery(JSON.stringify({ op: 1, shard: 1 }), channel, false, {
        expiration,
        headers,
      }),
    );
  }
  assert.deepEqual(channel.published.map((p) => p.expiration), [
    "2000",
    "3000 ",
  ]);
});

/** A voice state command (op 4) for `shard`. */
const voiceState = (shard: number) =>
  JSON.stringify({
    op: 0,
    shard,
    data: {
      op: 4,
      d: {
        guild_id: "81384788774100992",
        channel_id: null,
        self_mute: false,
        self_deaf: false,
      },
    },
  });

Deno.test("CommandHandler: a delivery whose consumer already ended is neither sent nor copied, but left for the broker and counted retried once", async () => {
  for (
    const [shard, status] of [
      [0, "ready"], // its own ready shard's
      [3, "ready"], // another process's shard's
      [0, "resuming"], // its own shard's, not ready
    ] as const
  ) {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const sent: unknown[] = [];
    const { commands, results } = setUp(scheduler, status, (payload) => {
      sent.push(payload);
      return Promise.resolve();
    });
    const channel = new Channel({ confirm: true });
    const delivery = new Delivery(voiceState(shard), channel);
    await commands.handle(delivery, AbortSignal.abort());
    for (let i = 0; i < 10; i++) await scheduler.advance(1_000);
    const what = `shard ${shard} ${status}`;
    assert.deepEqual(sent, [], what);
    assert.equal(channel.published.length, 0, what);
    // The broker puts it back when the consumer's channel closes.
    assert.equal(delivery.settled, undefined, what);
    assert.deepEqual(results, { retried: 1 }, what);
  }
});

Deno.test("CommandHandler: a command whose send fails after its consumer ended is not published again as a copy, and is counted once", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  let fail: (error: Error) => void = () => {};
  const { commands, results } = setUp(
    scheduler,
    "ready",
    () => new Promise<void>((_, reject) => fail = reject),
  );
  const channel = new Channel({ confirm: true });
  const delivery = new Delivery(voiceState(0), channel);
  const consumer = new AbortController();
  const handled = commands.handle(delivery, consumer.signal);
  await scheduler.advance(100);
  consumer.abort();
  fail(new Error("Shard closed"));
  for (let i = 0; i < 30; i++) await scheduler.advance(1_000);
  await handled;
  assert.equal(channel.published.length, 0, JSON.stringify(results));
  assert.notEqual(delivery.settled, "ack");
  assert.equal(
    Object.values(results).reduce((a, b) => a + b, 0),
    1,
    JSON.stringify(results),
  );
});
