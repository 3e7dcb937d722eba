// A dispatch the shard skips over the JSON bound (base/json_bounds.ts) is
// handed to raw listeners only, never parsed. With STATE_OLD the service
// held its body for an `old` that never came, and every later event of
// every shard waited behind it: publishing stopped for good.
import assert from "node:assert/strict";
import { MAX_JSON_OPENERS } from "../../base/json_bounds.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import { FakesScene, OwnRedis } from "./_in_process_service.ts";

const redisServer = testRedis();

/**
 * The real time a test may take to publish its events: each skipped frame
 * is megabytes scanned (1-2 s a test on an idle machine, past the default
 * 10 s watchdog twice in 12 runs on a loaded one).
 */
const PUBLISHED_WITHIN_MS = 60_000;

Deno.test({
  name:
    "dispatch service: with STATE_OLD, a dispatch skipped over the JSON bound is published without old, and the events after it are published",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { discord, broker } = scene;
  const { admin } = redis;
  await withLogRecords(async () => {
    const dispatch = scene.service(redis.port, {
      STATE_ENABLED: "true",
      STATE_OLD: "true",
    });
    await scene.run(dispatch, async () => {
      await scene.untilConfirmed(
        async () => await admin.exists(`guild:${discord.guildId}`) === 1,
        "the guild cached",
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
      await scene.untilConfirmed(
        () => published("after").length === 1,
        "the event after the skipped one published",
        PUBLISHED_WITHIN_MS,
      );
      const big = published("big");
      assert.equal(big.length, 1, "the skipped one published once");
      assert.equal(big[0]!.body.includes('"old":'), false, "without old");
    });
  });
});

Deno.test({
  name:
    "dispatch service: with STATE_OLD, a skipped dispatch and the next ones of its shard in the same read are each published once, in order",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { discord, broker } = scene;
  const { admin } = redis;
  await withLogRecords(async () => {
    // Compressed, the skipped frame is small: it and the frames sent with
    // it arrive in one read, handled without an await between them (with
    // the old code, a skipped frame's entry was replaced by the next one's
    // and never published: everything after it stalled).
    const dispatch = scene.service(redis.port, {
      STATE_ENABLED: "true",
      STATE_OLD: "true",
      COMPRESS: "zlib-stream",
    });
    await scene.run(dispatch, async () => {
      await scene.untilConfirmed(
        async () => await admin.exists(`guild:${discord.guildId}`) === 1,
        "the guild cached",
      );
      const message = (s: number, content: string, x?: unknown) => ({
        op: 0 as const,
        t: "MESSAGE_CREATE",
        s,
        d: {
          channel_id: "42",
          guild_id: discord.guildId,
          id: String(s),
          content,
          ...(x === undefined ? {} : { x }),
        },
      });
      const big = Array.from({ length: MAX_JSON_OPENERS }, () => []);
      const s = 100_000;
      // The first frames may come a read each; those sent while the relay
      // writes pile up and come several to a read.
      const sent = Array.from(
        { length: 20 },
        (_, i) => `${i % 2 ? "after" : "big"}-${i}`,
      );
      sent.forEach((content, i) =>
        discord.gateway.sendPayload(
          message(s + i, content, content.startsWith("big") ? big : undefined),
          { shardId: 0 },
        )
      );
      const contents = () =>
        broker.publishes.flatMap((p) => {
          const match = /"content":"((?:big|after)-\d+)"/.exec(p.body);
          return match ? [{ content: match[1]!, body: p.body }] : [];
        });
      await scene.untilConfirmed(
        () => contents().length >= sent.length,
        "every event sent published",
        PUBLISHED_WITHIN_MS,
      );
      const published = contents();
      assert.deepEqual(
        published.map((p) => p.content),
        sent,
        "each published once, in order",
      );
      for (const p of published.filter((p) => p.content.startsWith("big"))) {
        assert.equal(p.body.includes('"old":'), false, "without old");
      }
    });
  });
});
