// A stop while commands wait behind a shard's gateway send limit, against a
// real RabbitMQ: the service in this process on a virtual clock (the limit's
// 60 s window never passes), the loopback FakeDiscord. The commands waiting
// for the shard go back to the queue as they came, once each (no copies),
// and the next process writes each exactly once.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { LAST_BOUNCE_HEADER } from "../../dispatch/command_handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testAmqp } from "../_fakes/servers.ts";
import { WATCHDOG_MS } from "../_fakes/watchdog.ts";
import {
  advanceUntil,
  advanceUntilTrue,
  inProcessService,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";
import { holdingServiceNames } from "./_service_names_lock.ts";

const amqp = testAmqp();
const SEND_QUEUE = "gateway.send";
const COMMANDS = 160;

/** The `channel_id` of command `i`: tells the commands apart. */
function channelOf(i: number): string {
  return String(1_258_291_200_000_100_000n + BigInt(i));
}

/** The channel IDs of the op 4 commands Discord received, in order. */
function written(discord: FakeDiscord): string[] {
  return discord.gateway.allConnections.flatMap((connection) =>
    connection.received
      .filter((frame) => frame.op === 4)
      .map((frame) => (frame.d as { channel_id: string }).channel_id)
  );
}

/** The values that occur more than once in `values`. */
function twice(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([value]) => value);
}

/** A command read from the queue. */
interface Queued {
  /** Its `channel_id`. */
  id: string;
  /** When the service last published it again as a copy, if it did. */
  lastBounce?: number;
}

/** The commands in the queue, left in it. */
async function queued(client: AMQPClient): Promise<Queued[]> {
  const channel = await client.channel();
  const commands: Queued[] = [];
  for (;;) {
    const message = await channel.basicGet(SEND_QUEUE, { noAck: false });
    if (!message) break;
    const body = JSON.parse(message.bodyToString() ?? "{}");
    const stamp = message.properties.headers?.[LAST_BOUNCE_HEADER];
    commands.push({
      id: body.data.d.channel_id,
      ...(stamp === undefined ? {} : { lastBounce: Number(stamp) }),
    });
  }
  // Closed unacknowledged: every one goes back to the queue.
  await channel.close();
  return commands;
}

Deno.test({
  name:
    "dispatch service: a stop puts the commands held behind the send limit back once each, and the next start writes each once",
  ignore: amqp.ignore,
  // The AMQP client and the service keep sockets and timers past the test.
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  holdingServiceNames(async () => {
    const scheduler = new VirtualScheduler();
    await using discord = await FakeDiscord.start({
      loopback: true,
      scheduler,
      gateway: { guilds: 1 },
    });
    const admin = new AMQPClient(amqp.url);
    await admin.connect();
    try {
      const setup = await admin.channel();
      await setup.queueDelete(SEND_QUEUE).catch(() => {});
      const channel = await admin.channel();
      await channel.queueDeclare(SEND_QUEUE, { durable: true });
      const broker = new URL(amqp.url);
      const service = (): ReturnType<typeof inProcessService> =>
        inProcessService(scheduler, freePort(), {
          BOT_TOKEN: discord.token,
          RABBIT_HOST: broker.hostname,
          RABBIT_PORT: broker.port || "5672",
          RABBIT_USERNAME: decodeURIComponent(broker.username),
          RABBIT_PASSWORD: decodeURIComponent(broker.password),
          DEFAULT_QUEUE: "false",
          RESUME: "false",
        }, discord.clientOptions.gatewayUrl);
      const guild = discord.gateway.guildIds[0];

      const first = service();
      await advanceUntil(scheduler, first.start(), "the first start", 50, 5);
      for (let i = 0; i < COMMANDS; i++) {
        await channel.basicPublish(
          "",
          SEND_QUEUE,
          JSON.stringify({
            op: 0,
            shard: 0,
            data: {
              op: 4,
              d: {
                guild_id: guild,
                channel_id: channelOf(i),
                self_mute: false,
                self_deaf: false,
              },
            },
          }),
          { deliveryMode: 2 },
        );
      }
      // The shard writes until its send limit holds the rest (its window of
      // 60 s does not pass before the stop); they wait in the service.
      let steps = 0;
      await advanceUntilTrue(
        scheduler,
        () => written(discord).length >= 100 && ++steps > 20,
        "the send limit reached",
        undefined,
        5,
      );
      const closing = scheduler.now();
      await advanceUntil(scheduler, first.close(), "the first close");
      // Those written until the shard closed (one may go out while it does).
      const before = written(discord);
      assert.ok(before.length < COMMANDS, "the send limit held some back");
      const unwritten = Array.from({ length: COMMANDS }, (_, i) => channelOf(i))
        .filter((id) => !before.includes(id));

      // The broker puts a closed connection's unacked deliveries back in
      // its own time: wait for them (bounded; the assertions below say
      // what is missing), then read the queue.
      const passive = await admin.channel();
      for (
        let tries = 0;
        tries < WATCHDOG_MS / 10 &&
        (await passive.queueDeclare(SEND_QUEUE, { passive: true }))
            .messageCount < unwritten.length;
        tries++
      ) await new Promise((resolve) => setTimeout(resolve, 10));
      await passive.close();
      const queuedAfterStop = await queued(admin);
      // What went back are the deliveries themselves: a copy the stop
      // published races the original's ack (a lost ack leaves both queued).
      assert.deepEqual(
        queuedAfterStop.filter((c) => (c.lastBounce ?? -1) >= closing),
        [],
        "copies published during the stop",
      );
      const left = queuedAfterStop.map((c) => c.id);
      assert.deepEqual(twice(left), [], "no command is queued twice");
      assert.deepEqual([...left].sort(), [...unwritten].sort());

      const second = service();
      await advanceUntil(scheduler, second.start(), "the second start", 50, 5);
      steps = 0;
      await advanceUntilTrue(
        scheduler,
        () => written(discord).length >= COMMANDS && ++steps > 20,
        "every command written",
        undefined,
        5,
      );
      await advanceUntil(scheduler, second.close(), "the second close");
      const all = written(discord);
      assert.deepEqual(twice(all), [], "no command is written twice");
      assert.equal(all.length, COMMANDS);
      assert.deepEqual(await queued(admin), []);
    } finally {
      await admin.close();
    }
  }));
