// A dispatch the shard skips over the JSON bound (base/json_bounds.ts) is
// handed to raw listeners only, never parsed. With STATE_OLD the service
// held its body for an `old` that never came, and every later event of
// every shard waited behind it: publishing stopped for good.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { MAX_JSON_OPENERS } from "../../base/json_bounds.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import {
  advanceUntil,
  advanceUntilTrue as until,
  serviceOnFakes,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

Deno.test({
  name:
    "dispatch service: with STATE_OLD, a dispatch skipped over the JSON bound is published without old, and the events after it are published",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const redis = new PrivateRedis();
  await redis.start();
  const admin = new Redis(redis.url);
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    loopback: true,
    scheduler,
    gateway: { guilds: 1 },
  });
  await using broker = new FakeAmqpBroker();
  await withLogRecords(async () => {
    const dispatch = serviceOnFakes(
      scheduler,
      freePort(),
      discord,
      broker,
      String(redis.port),
      { STATE_ENABLED: "true", STATE_OLD: "true" },
    );
    try {
      await advanceUntil(scheduler, dispatch.start(), "the start");
      await until(
        scheduler,
        async () => await admin.exists(`guild:${discord.guildId}`) === 1,
        "the guild cached",
        () => broker.ack(),
      );
      const message = (s: number, content: string, extra = "") =>
        `{"t":"MESSAGE_CREATE","s":${s},"op":0,"d":{"channel_id":"42","guild_id":"${discord.guildId}","id":"${s}","content":"${content}"${extra}}}`;
      const s = 100_000;
      discord.gateway.sendRaw(
        message(s, "big", `,"x":[${"[],".repeat(MAX_JSON_OPENERS)}[]]`),
        { shardId: 0 },
      );
      discord.gateway.sendRaw(message(s + 1, "after"), { shardId: 0 });
      const published = (content: string) =>
        broker.publishes.filter((p) =>
          p.body.includes(`"content":"${content}"`)
        );
      await until(
        scheduler,
        () => published("after").length === 1,
        "the event after the skipped one published",
        () => broker.ack(),
      );
      const big = published("big");
      assert.equal(big.length, 1, "the skipped one published once");
      assert.equal(big[0]!.body.includes('"old":'), false, "without old");
    } finally {
      await advanceUntil(scheduler, dispatch.close(), "the close");
      admin.disconnect();
      await redis.stop();
    }
  });
});
