// CommandHandler and the commands Discord answers only on their guild's
// shard, sent from gateway.send with another `shard`, on two real Shards
// over the FakeGateway on a virtual clock: op 43 (Request Channel Info)
// goes to the shard of its guild_id, as op 4 and 8 already did. It used to
// be sent on the shard named, acked, and never answered.
import assert from "node:assert/strict";
import type {
  CommandHandler,
  CommandMessage,
} from "../../dispatch/command_handler.ts";
import {
  countedHandler,
  recordedDelivery,
  type Settled,
} from "./_counted_handler.ts";
import { Shard } from "../../gateway/shard.ts";
import { shardForGuild } from "../../gateway/shard_routing.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A delivery of `body` that records how it was settled. */
function delivery(body: unknown, settled: Settled[]): CommandMessage {
  return recordedDelivery(body, (how) => void settled.push(how));
}

/** The test's shards and their handler. */
interface SetUp {
  scheduler: VirtualScheduler;
  handler: CommandHandler;
  results: Record<string, number>;
  /** `<shard>:<event>:<guild>` of each answer, in order. */
  answers: string[];
  /** A guild of shard 1. */
  g1: string;
  close: () => Promise<void>;
}

/** Two ready shards of one bot, what each was answered, and a handler. */
async function setUp(): Promise<SetUp> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 6, maxConcurrency: 2 });
  const shards = [0, 1].map((id) =>
    new Shard({
      token: "fake-token",
      intents: 1,
      shardId: id,
      shardCount: 2,
      transport: gateway.transport,
      scheduler,
    })
  );
  const answers: string[] = [];
  shards.forEach((shard, id) =>
    shard.on("dispatch", (event) => {
      const d = event.data as { guild_id?: string };
      answers.push(`${id}:${event.name}:${d.guild_id}`);
    }, { events: ["CHANNEL_INFO"] })
  );
  await Promise.all([
    ...shards.map((shard) => shard.connect()),
    scheduler.advance(10_000),
  ]);
  const { handler, results } = countedHandler({
    shard: (id) => shards[id],
    shardCount: 2,
    scheduler,
  });
  const of = (id: number) =>
    gateway.guildIds.find((g) => shardForGuild(g, 2) === id)!;
  const close = async () => {
    await Promise.all(shards.map((shard) => shard.close()));
    gateway.close();
  };
  return { scheduler, handler, results, answers, g1: of(1), close };
}

Deno.test("CommandHandler: an op 43 sent with the shard of another guild goes to its guild's shard, which is answered", async () => {
  const { scheduler, handler, results, answers, g1, close } = await setUp();
  const settled: Settled[] = [];
  const body = {
    op: 0,
    shard: 0,
    data: { op: 43, d: { guild_id: g1, fields: ["status"] } },
  };
  await Promise.all([
    handler.handle(delivery(body, settled)),
    scheduler.advance(1_000),
  ]);
  await scheduler.advance(1_000);
  assert.deepEqual(settled, ["ack"]);
  assert.deepEqual(answers, [`1:CHANNEL_INFO:${g1}`]);
  assert.equal(results.done, 1);
  await close();
});
