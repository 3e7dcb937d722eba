// The dispatch service end to end: a subprocess against the loopback fake
// Discord, a real RabbitMQ and a real Redis. The tests of this file share the
// broker's gateway/gateway.recv/gateway.send names, so they live in one file
// (Deno runs a file's tests one after another).
import { within } from "../_fakes/watchdog.ts";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { startPingWorker } from "../../examples/dispatch_worker.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { testAmqp, testRabbitmqctl, testRedis } from "../_fakes/servers.ts";
import { holdingServiceNames } from "./_service_names_lock.ts";
import {
  checkStream,
  CuttableProxy,
  freePort,
  inOrder,
  RecvConsumer,
  REDIS_DB,
  serviceEnv,
  ServiceProcess,
} from "./_service_harness.ts";

const amqp = testAmqp();
const redisServer = testRedis();
const ignore = amqp.ignore || redisServer.ignore;
const rabbitmqctl = testRabbitmqctl();
const SHARDS = 2;

function brokerAddress(): { hostname: string; port: number } {
  const url = new URL(amqp.url);
  return { hostname: url.hostname, port: Number(url.port || 5672) };
}

async function freshRedis(): Promise<Redis> {
  const url = new URL(redisServer.url);
  url.pathname = `/${REDIS_DB}`;
  const redis = new Redis(url.toString(), { lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  return redis;
}

/** Post `count` messages per shard, numbered, one guild per shard. */
function postMessages(
  discord: FakeDiscord,
  count: number,
  tag: string,
): void {
  for (let i = 0; i < count; i++) {
    for (let shard = 0; shard < SHARDS; shard++) {
      discord.gateway.dispatch("MESSAGE_CREATE", {
        id: String(1_000_000 + i),
        channel_id: "42",
        content: `${tag}-${shard}-${i}`,
      }, { shardId: shard, ignoreIntents: true });
    }
  }
}

function contents(
  messages: RecvConsumer["messages"],
  tag: string,
): Set<string> {
  const set = new Set<string>();
  for (const { body } of messages) {
    const content = body.d?.content;
    if (typeof content === "string" && content.startsWith(`${tag}-`)) {
      set.add(content);
    }
  }
  return set;
}

// deno-lint-ignore explicit-function-return-type
async function setUp(extra: Record<string, string> = {}, proxy = false) {
  const discord = await FakeDiscord.start({
    loopback: true,
    shards: SHARDS,
    gateway: { guilds: SHARDS, maxConcurrency: SHARDS },
  });
  const redis = await freshRedis();
  const consumer = new RecvConsumer(amqp.url);
  await consumer.start();
  const cut = proxy ? new CuttableProxy(brokerAddress()) : undefined;
  const target = cut
    ? { hostname: "127.0.0.1", port: cut.port }
    : brokerAddress();
  const env = serviceEnv(discord, target, redisServer.url, extra);
  /** Until every shard's READY reached gateway.recv. */
  const ready = (): Promise<void> =>
    consumer.until(
      () => readyCount(consumer.messages) === SHARDS,
      "READY on every shard",
    );
  return {
    discord,
    redis,
    consumer,
    proxy: cut,
    env,
    ready,
    /**
     * Start the service with `processEnv`, wait for READY on every shard,
     * run `body`, then SIGTERM: the service must exit 0. The process is
     * stopped whatever happens.
     */
    async run(
      body: (service: ServiceProcess) => Promise<void>,
      processEnv: Record<string, string> = env,
    ): Promise<void> {
      const service = new ServiceProcess(processEnv);
      try {
        await ready();
        await body(service);
        service.signal("SIGTERM");
        assert.equal(await service.exit(), 0);
      } finally {
        await service.stop();
      }
    },
    async [Symbol.asyncDispose](): Promise<void> {
      await consumer.close();
      await cut?.close();
      redis.disconnect();
      await discord.close();
    },
  };
}

/** A shard's entry in `gateway_sessions`, as the service saves it. */
interface SavedSession {
  session_id: string;
  sequence: number;
  resume_url: string;
}

/**
 * Poll `gateway_sessions` until every shard's saved sequence is `sequence`
 * (the service saves from another process) or `ms` have passed; the caller
 * asserts on what it returns.
 */
async function savedSessions(
  redis: Redis,
  sequence: number,
  ms: number,
): Promise<Record<string, SavedSession>> {
  const deadline = Date.now() + ms;
  let sessions: Record<string, SavedSession> = {};
  while (Date.now() < deadline) {
    sessions = JSON.parse(await redis.get("gateway_sessions") ?? "{}");
    const shards = Array.from({ length: SHARDS }, (_, shard) => shard);
    if (shards.every((shard) => sessions[shard]?.sequence === sequence)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return sessions;
}

/** A proxy to the test's Redis that a test can cut and restore. */
function redisProxy(): CuttableProxy {
  const url = new URL(redisServer.url);
  return new CuttableProxy({
    hostname: url.hostname,
    port: Number(url.port || 6379),
  });
}

/** The service's environment with Redis reached through `proxy`. */
function throughProxy(
  env: Record<string, string>,
  proxy: CuttableProxy,
): Record<string, string> {
  return { ...env, REDIS_HOST: "127.0.0.1", REDIS_PORT: String(proxy.port) };
}

/** A test of the service, ignored where its servers are not. */
function serviceTest(name: string, fn: () => Promise<void>): void {
  Deno.test({
    name: `dispatch service: ${name}`,
    ignore,
    // The service is another process; the consumer's client keeps timers.
    sanitizeResources: false,
    sanitizeOps: false,
  }, () => holdingServiceNames(fn));
}

function readyCount(messages: RecvConsumer["messages"]): number {
  return messages.filter((m) => m.body.t === "READY").length;
}

serviceTest(
  "every event reaches gateway.recv once, in order, with routing key, s and shard; commands, Redis keys and metrics",
  async () => {
    await using t = await setUp({
      LOG_CHANNEL: "777",
      LOG_GUILD_CHANNEL: "778",
    });
    // The operator's log channels exist (the fake refuses messages to
    // channels that do not, as Discord does).
    for (const id of ["777", "778"]) {
      t.discord.rest.resources.addChannel({ id, type: 0, name: `log-${id}` });
    }
    const service = new ServiceProcess(t.env);
    try {
      // READY + one GUILD_CREATE per shard.
      await t.consumer.until(
        () =>
          t.consumer.messages.filter((m) => m.body.t === "GUILD_CREATE")
            .length === SHARDS,
        "READY and GUILD_CREATE on every shard",
      );
      postMessages(t.discord, 200, "a");
      await t.consumer.until(
        () => contents(t.consumer.messages, "a").size === 200 * SHARDS,
        "400 MESSAGE_CREATEs",
      );
      const { duplicates, gaps, misrouted, perShard } = checkStream(
        t.consumer.messages,
      );
      assert.equal(duplicates, 0);
      assert.deepEqual(gaps, []);
      assert.equal(misrouted, 0);
      assert.ok(inOrder(t.consumer.messages), "in order per shard");
      assert.deepEqual([...perShard.entries()].sort(), [[0, 202], [1, 202]]);
      const sample = t.consumer.messages.find((m) =>
        m.body.t === "MESSAGE_CREATE"
      )!;
      assert.equal(sample.routingKey, "MESSAGE_CREATE");
      assert.equal(typeof sample.body.s, "number");
      assert.ok(sample.body.shard === 0 || sample.body.shard === 1);

      // A command reaches the fake gateway on the right shard.
      const presence = new Promise<number>((resolve) => {
        const poll = setInterval(() => {
          for (const connection of t.discord.gateway.connections) {
            if (connection.received.some((f) => f.op === 3)) {
              clearInterval(poll);
              resolve(connection.shard?.[0] ?? -1);
            }
          }
        }, 20);
      });
      await t.consumer.command("not json");
      // Far over any gateway payload: refused unread.
      await t.consumer.command(
        JSON.stringify({ op: 1, shard: 0, pad: "x".repeat(100_000) }),
      );
      await t.consumer.command(JSON.stringify({ op: 1, shard: 9 }));
      // Over the gateway's 4096-byte limit: refused by the shard's send path.
      await t.consumer.command(JSON.stringify({
        op: 0,
        shard: 0,
        data: {
          op: 3,
          d: {
            since: null,
            activities: [{ name: "x".repeat(5000), type: 0 }],
            status: "idle",
            afk: false,
          },
        },
      }));
      await t.consumer.command(
        JSON.stringify({
          op: 0,
          shard: 1,
          data: {
            op: 3,
            d: { since: null, activities: [], status: "idle", afk: false },
          },
        }),
      );
      assert.equal(
        await within(presence, "the presence command on shard 1", 30_000),
        1,
      );
      await service.waitFor(
        "/metrics",
        (text) =>
          /dispatch_commands\{result="malformed"\} 3/.test(text) &&
          /dispatch_commands\{result="failed"\} 1/.test(text) &&
          /dispatch_commands\{result="done"\} 1/.test(text),
        "the command counters",
      );

      // Redis keys.
      await service.waitFor(
        "/metrics",
        () => true,
        "metrics",
      );
      const sessions = await savedSessions(t.redis, 202, 5_000);
      assert.equal(sessions["0"]?.sequence, 202);
      assert.equal(sessions["1"]?.sequence, 202);
      assert.equal(sessions["0"]?.resume_url, t.discord.gateway.resumeUrl);
      // Written through RedisSessionStore: its additions are there too.
      assert.equal(
        (sessions["0"] as { shard_count?: number }).shard_count,
        2,
      );
      assert.equal(await t.redis.get("gateway_shards"), "2");
      // twilight-dispatch's times: a JSON string, `%FT%T.%N` in UTC.
      const twilightTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}$/;
      const started = JSON.parse(await t.redis.get("gateway_started") ?? "0");
      assert.match(started, twilightTime);
      assert.ok(
        Math.abs(Date.parse(`${started}Z`) - Date.now()) < 60_000,
        `gateway_started ${started} is about now`,
      );
      const statuses = JSON.parse(
        await t.redis.get("gateway_statuses") ?? "[]",
      );
      assert.deepEqual(
        statuses.map((
          s: { shard: number; status: string },
        ) => [s.shard, s.status]),
        [[0, "ready"], [1, "ready"]],
      );
      for (const status of statuses) {
        assert.match(status.last_ack, twilightTime);
        assert.equal(typeof status.latency, "number");
      }

      // Metrics and health.
      const metrics = await service.waitFor(
        "/metrics",
        (text) => /dispatch_published 404/.test(text),
        "404 confirmed publishes",
      );
      assert.match(
        metrics,
        /gateway_events\{type="MESSAGE_CREATE",shard="0"\} 200/,
      );
      assert.match(
        metrics,
        /gateway_events\{type="MESSAGE_CREATE",shard="1"\} 200/,
      );
      assert.match(metrics, /gateway_shards 2/);
      assert.match(metrics, /gateway_statuses\{type="ready"\} 2/);
      assert.match(metrics, /^dispatch_broker_connected 1$/m);
      assert.match(metrics, /dispatch_identifies 2/);
      const health = await service.get("/healthcheck");
      assert.equal(health.status, 200);
      assert.deepEqual(JSON.parse(health.text), { status: "OK" });

      // A guild joined and one left reach the guild log; a guild the shard
      // had at READY does not count as joined.
      t.discord.gateway.dispatch("GUILD_CREATE", {
        id: "4194304000",
        name: "Newcomers",
      }, { shardId: 0, ignoreIntents: true });
      t.discord.gateway.dispatch("GUILD_DELETE", { id: "4194304000" }, {
        shardId: 0,
        ignoreIntents: true,
      });
      await t.consumer.until(
        () => t.consumer.messages.some((m) => m.body.t === "GUILD_DELETE"),
        "GUILD_DELETE",
      );
      await service.waitFor(
        "/metrics",
        (text) =>
          // twilight-dispatch's label values.
          /gateway_guild_events\{type="Join"\} 1/.test(text) &&
          /gateway_guild_events\{type="Leave"\} 1/.test(text) &&
          /gateway_shard_events\{type="Ready"\} 2/.test(text),
        "the guild join and leave counted",
      );
      // twilight-dispatch's stages on the way to READY, once per shard.
      for (const stage of ["Connecting", "Connected", "Identifying"]) {
        assert.match(
          await service.get("/metrics").then((r) => r.text),
          new RegExp(`gateway_shard_events\\{type="${stage}"\\} 2`),
        );
      }

      // Op 1 restarts a shard resumably, op 2 starts a new session.
      const resumedBefore = t.discord.gateway.counters.resumed;
      const startsBefore = t.discord.gateway.counters.sessionStarts;
      await t.consumer.command(JSON.stringify({ op: 1, shard: 0 }));
      await t.consumer.until(
        () => t.consumer.messages.some((m) => m.body.t === "RESUMED"),
        "RESUMED after op 1",
      );
      assert.equal(t.discord.gateway.counters.resumed, resumedBefore + 1);
      await t.consumer.command(JSON.stringify({ op: 2, shard: 1 }));
      await t.consumer.until(
        () => readyCount(t.consumer.messages) === SHARDS + 1,
        "a new READY after op 2",
      );
      assert.equal(t.discord.gateway.counters.sessionStarts, startsBefore + 1);
      assert.ok(inOrder(t.consumer.messages));
      // A restart is no shard closing for good: `Closed` is what a
      // dashboard alerts on (exposed at 0 from the start).
      const afterRestarts = await service.get("/metrics").then((r) => r.text);
      assert.match(
        afterRestarts,
        /^gateway_shard_events\{type="Closed"\} 0$/m,
      );

      // The status logs are posted, batched (flushed on SIGTERM at the latest).
      service.signal("SIGTERM");
      assert.equal(await service.exit(), 0);
      const posted = t.discord.rest.messages("777").map((m) => m.content).join(
        "\n",
      );
      assert.match(posted, /Shard 0 ready/);
      assert.match(posted, /Shard 1 ready/);
      // The restarts said as such (no "closed" but at the SIGTERM).
      assert.match(posted, /Shard 0 restarting \(a command\)\nShard 0 resumed/);
      assert.match(posted, /Shard 1 restarting \(a command\)\nShard 1 ready/);
      const guildLog = t.discord.rest.messages("778").map((m) => m.content);
      assert.deepEqual(guildLog, [
        "Joined guild Newcomers (4194304000)\nLeft guild 4194304000",
      ]);
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(service.output.join(""));
      const types: Record<string, number> = {};
      for (const m of t.consumer.messages) {
        types[m.body.t] = (types[m.body.t] ?? 0) + 1;
      }
      // deno-lint-ignore no-console
      console.error(types, t.consumer.messages.slice(-2));
      throw error;
    } finally {
      await service.stop();
    }
  },
);

serviceTest(
  "SIGTERM then a new process resumes every shard (0 IDENTIFY) with no event lost",
  async () => {
    await using t = await setUp();
    const first = new ServiceProcess(t.env);
    let second: ServiceProcess | undefined;
    try {
      await t.ready();
      postMessages(t.discord, 100, "before");
      await t.consumer.until(
        () => contents(t.consumer.messages, "before").size === 100 * SHARDS,
        "the events before the restart",
      );
      const identifies = t.discord.gateway.counters.sessionStarts;
      first.signal("SIGTERM");
      assert.equal(await first.exit(), 0);
      const sessions = JSON.parse(
        await t.redis.get("gateway_sessions") ?? "{}",
      );
      assert.equal(Object.keys(sessions).length, SHARDS);
      // Events while no process runs: Discord keeps them for the RESUME.
      postMessages(t.discord, 50, "during");
      second = new ServiceProcess(t.env);
      postMessages(t.discord, 50, "after");
      await t.consumer.until(
        () =>
          contents(t.consumer.messages, "during").size === 50 * SHARDS &&
          contents(t.consumer.messages, "after").size === 50 * SHARDS,
        "the events during and after the restart",
      );
      assert.equal(
        t.discord.gateway.counters.sessionStarts,
        identifies,
        "no IDENTIFY",
      );
      assert.equal(t.discord.gateway.counters.resumed, SHARDS);
      const { duplicates, gaps } = checkStream(t.consumer.messages);
      assert.deepEqual(gaps, []);
      assert.equal(duplicates, 0);
      assert.ok(inOrder(t.consumer.messages));
      // SIGINT (Ctrl-C) stops it the same way, saving the last sequences.
      second.signal("SIGINT");
      assert.equal(await second.exit(), 0);
      const after = JSON.parse(await t.redis.get("gateway_sessions") ?? "{}");
      for (let shard = 0; shard < SHARDS; shard++) {
        const last = Math.max(
          ...t.consumer.messages.filter((m) => m.body.shard === shard).map((
            m,
          ) => m.body.s),
        );
        assert.equal(after[String(shard)]?.sequence, last);
      }
    } finally {
      await first.stop();
      await second?.stop();
    }
  },
);

serviceTest(
  "sessions saved by twilight-dispatch (session_id and sequence only) are resumed",
  async () => {
    await using t = await setUp();
    const first = new ServiceProcess(t.env);
    let second: ServiceProcess | undefined;
    try {
      await t.ready();
      postMessages(t.discord, 20, "before");
      await t.consumer.until(
        () => contents(t.consumer.messages, "before").size === 20 * SHARDS,
        "the events before the switch",
      );
      first.signal("SIGTERM");
      assert.equal(await first.exit(), 0);
      // What twilight-dispatch leaves on Ctrl-C: no resume_url, saved_at or
      // shard_count; gateway_shards a JSON number.
      const ours = JSON.parse(await t.redis.get("gateway_sessions") ?? "{}");
      const theirs: Record<string, { session_id: string; sequence: number }> =
        {};
      for (const [shard, entry] of Object.entries(ours)) {
        const { session_id, sequence } = entry as {
          session_id: string;
          sequence: number;
        };
        theirs[shard] = { session_id, sequence };
      }
      assert.equal(Object.keys(theirs).length, SHARDS);
      await t.redis.set("gateway_sessions", JSON.stringify(theirs));
      await t.redis.set("gateway_shards", "2");
      const identifies = t.discord.gateway.counters.sessionStarts;
      second = new ServiceProcess(t.env);
      postMessages(t.discord, 20, "after");
      await t.consumer.until(
        () => contents(t.consumer.messages, "after").size === 20 * SHARDS,
        "the events after the switch",
      );
      assert.equal(
        t.discord.gateway.counters.sessionStarts,
        identifies,
        "no IDENTIFY",
      );
      assert.equal(t.discord.gateway.counters.resumed, SHARDS);
      const { duplicates, gaps } = checkStream(t.consumer.messages);
      assert.deepEqual(gaps, []);
      assert.equal(duplicates, 0);
    } finally {
      await first.stop();
      await second?.stop();
    }
  },
);

serviceTest(
  "SIGKILL then a new process resumes from the last confirmed sequence with no event lost",
  async () => {
    await using t = await setUp();
    const first = new ServiceProcess(t.env);
    let second: ServiceProcess | undefined;
    try {
      await t.ready();
      postMessages(t.discord, 100, "before");
      await t.consumer.until(
        () => contents(t.consumer.messages, "before").size >= 50 * SHARDS,
        "some events",
      );
      // Both sessions in Redis first (each is saved once its READY is
      // confirmed). Killed before that, a shard identifies anew and misses
      // what its old session was sent after the kill: a window this test is
      // not about, and on a loaded machine the kill came inside it.
      await within(
        (async () => {
          const saved = async () =>
            Object.keys(
              JSON.parse(await t.redis.get("gateway_sessions") ?? "{}"),
            ).length;
          while (await saved() < SHARDS) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })(),
        "both sessions saved",
      );
      // Kill mid-stream, after the consumer has seen some of the events.
      postMessages(t.discord, 100, "mid");
      await t.consumer.until(
        () => contents(t.consumer.messages, "mid").size >= 20,
        "some mid-stream events",
      );
      first.signal("SIGKILL");
      await first.exit();
      // What the dead process saved last: only confirmed sequences.
      const saved = JSON.parse(await t.redis.get("gateway_sessions") ?? "{}");
      const receivedBefore = t.consumer.messages.length;
      postMessages(t.discord, 50, "down");
      second = new ServiceProcess(t.env);
      await t.consumer.until(
        () =>
          contents(t.consumer.messages, "before").size === 100 * SHARDS &&
          contents(t.consumer.messages, "mid").size === 100 * SHARDS &&
          contents(t.consumer.messages, "down").size === 50 * SHARDS,
        "every event after the crash",
      ).catch((error) => {
        // deno-lint-ignore no-console
        console.error(
          saved,
          t.discord.gateway.counters,
          second!.output.join(""),
        );
        throw error;
      });
      const { duplicates, gaps } = checkStream(t.consumer.messages);
      assert.deepEqual(gaps, []);
      assert.ok(inOrder(t.consumer.messages));
      assert.equal(
        t.discord.gateway.counters.resumed,
        SHARDS,
        "resumed, not identified",
      );
      // Each shard resumed from its saved sequence, and that sequence had
      // reached the consumer before the crash (saved only once confirmed).
      const resumes = t.discord.gateway.log.filter((e) => e.type === "resume");
      for (const resume of resumes) {
        if (resume.type !== "resume") continue;
        const shard = Object.entries(saved).find(([, s]) =>
          (s as { session_id: string }).session_id === resume.sessionId
        );
        assert.ok(shard, "the resumed session is the saved one");
        const sequence = (shard[1] as { sequence: number }).sequence;
        assert.equal(resume.seq, sequence);
        assert.ok(
          t.consumer.messages.slice(0, receivedBefore).some((m) =>
            m.body.shard === Number(shard[0]) && m.body.s === sequence
          ),
          "the saved sequence was confirmed before the crash",
        );
      }
      // deno-lint-ignore no-console
      console.log(
        `SIGKILL: ${250 * SHARDS} events posted, ${
          contents(t.consumer.messages, "before").size +
          contents(t.consumer.messages, "mid").size +
          contents(t.consumer.messages, "down").size
        } distinct received, 0 lost, ${duplicates} duplicate(s) (replayed after the last save)`,
      );
      second.signal("SIGTERM");
      assert.equal(await second.exit(), 0);
    } finally {
      await first.stop();
      await second?.stop();
    }
  },
);

// Once with the buffer bounded in events, once in bytes (about 20 of these
// events: their bodies are about 110 characters; the count bound is left at
// 10,000).
for (
  const [bound, limit] of [
    ["PUBLISH_BUFFER", 20],
    ["PUBLISH_BUFFER_BYTES", 2_200],
  ] as const
) {
  serviceTest(
    `RabbitMQ unreachable (TCP path cut) longer than the buffer holds (${bound}=${limit}) loses no event (shards pause and RESUME)`,
    async () => {
      await using t = await setUp({ [bound]: String(limit) }, true);
      await t.run(async (service) => {
        await service.waitFor(
          "/healthcheck",
          (_, status) => status === 200,
          "healthy",
        );
        await t.proxy!.cut();
        await service.waitFor(
          "/metrics",
          (text) => /dispatch_broker_connected 0/.test(text),
          "the broker seen as down",
        );
        postMessages(t.discord, 150, "outage");
        await service.waitFor(
          "/metrics",
          (text) => /dispatch_paused_shards 2/.test(text),
          "both shards paused",
        );
        const health = await service.get("/healthcheck");
        assert.equal(health.status, 503);
        // Bounded: the shards stopped taking events soon after the buffer
        // filled (what one socket read already held is kept, never dropped).
        const metrics = (await service.get("/metrics")).text;
        const gauge = (name: string) =>
          Number(new RegExp(`^${name} (\\d+)$`, "m").exec(metrics)?.[1]);
        const held = gauge("dispatch_buffered_events");
        const heldBytes = gauge("dispatch_buffered_bytes");
        assert.ok(
          (bound === "PUBLISH_BUFFER" ? held : heldBytes) >= limit &&
            held < 150 * SHARDS,
          `buffered ${held} events, ${heldBytes} bytes`,
        );
        // The broker stays unreachable for a few seconds (the scenario's
        // length, not a wait for something): the publisher keeps retrying,
        // and events keep coming, held by Discord for the shards' RESUME.
        const outageEnds = Date.now() + 3_000;
        let waves = 0;
        while (Date.now() < outageEnds) {
          postMessages(t.discord, 10, `late${waves++}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        t.proxy!.restore();
        await t.consumer.until(
          () =>
            contents(t.consumer.messages, "outage").size === 150 * SHARDS &&
            Array.from({ length: waves }).every((_, i) =>
              contents(t.consumer.messages, `late${i}`).size === 10 * SHARDS
            ),
          "every event after the outage",
          30_000,
        );
        const { duplicates, gaps } = checkStream(t.consumer.messages);
        assert.deepEqual(gaps, []);
        assert.ok(
          t.discord.gateway.counters.resumed >= SHARDS,
          "the shards resumed",
        );
        await service.waitFor(
          "/metrics",
          (text) =>
            /^dispatch_buffered_events 0$/m.test(text) &&
            /^dispatch_buffered_bytes 0$/m.test(text),
          "the buffer gauges back to 0",
        );
        // deno-lint-ignore no-console
        console.log(
          `outage (3 s, ${bound}=${limit}): ${
            300 + waves * 10 * SHARDS
          } published while down, at most ${held} buffered (${heldBytes} bytes), ${
            contents(t.consumer.messages, "outage").size +
            Array.from({ length: waves }).reduce<number>(
              (sum, _, i) =>
                sum + contents(t.consumer.messages, `late${i}`).size,
              0,
            )
          } received, 0 lost, ${duplicates} duplicate(s), ${t.discord.gateway.counters.resumed} resume(s)`,
        );
      });
    },
  );
}

serviceTest(
  "Redis unreachable does not stop the gateway (.env read, metrics say so)",
  async () => {
    await using t = await setUp();
    const { REDIS_PORT: _, ...env } = t.env;
    // Nothing listens on this port: Redis is down from the start.
    const closedPort = freePort();
    const service = new ServiceProcess(
      env,
      `# from .env\nREDIS_PORT=${closedPort}\n`,
    );
    try {
      await t.ready();
      postMessages(t.discord, 50, "noredis");
      await t.consumer.until(
        () => contents(t.consumer.messages, "noredis").size === 50 * SHARDS,
        "events without Redis",
      );
      const metrics = await service.waitFor(
        "/metrics",
        (text) => /dispatch_published 104/.test(text),
        "104 confirmed publishes",
      );
      assert.match(metrics, /dispatch_redis_connected 0/);
      assert.match(
        service.output.join(""),
        new RegExp(
          `Cannot connect to Redis at redis://127.0.0.1:${closedPort}`,
        ),
      );
      service.signal("SIGTERM");
      assert.equal(await service.exit(), 0);
      // Not "saved": the user is told the next start identifies.
      const output = service.output.join("");
      assert.match(output, /sessions could not be saved to Redis/);
      assert.doesNotMatch(output, /sessions saved for resuming/);
    } finally {
      await service.stop();
    }
  },
);

serviceTest(
  "STATE_OLD adds the cached previous state as old; the cache is in Redis with twilight-dispatch's keys",
  async () => {
    await using t = await setUp({
      STATE_ENABLED: "true",
      STATE_MESSAGE: "true",
      STATE_OLD: "true",
    });
    await t.run(async (service) => {
      const posted = t.discord.postMessage("first words");
      await t.consumer.until(
        () => t.consumer.messages.some((m) => m.body.t === "MESSAGE_CREATE"),
        "MESSAGE_CREATE",
      );
      t.discord.gateway.dispatch("MESSAGE_UPDATE", {
        id: posted.id,
        channel_id: posted.channel_id,
        guild_id: t.discord.guildId,
        content: "second words",
      });
      await t.consumer.until(
        () => t.consumer.messages.some((m) => m.body.t === "MESSAGE_UPDATE"),
        "MESSAGE_UPDATE",
      );
      const update = t.consumer.messages.find((m) =>
        m.body.t === "MESSAGE_UPDATE"
      )!;
      const old =
        (update.body as unknown as { old?: { content?: string } }).old;
      assert.equal(old?.content, "first words");
      const create = t.consumer.messages.find((m) =>
        m.body.t === "MESSAGE_CREATE"
      )!;
      assert.equal("old" in create.body, false, "no old state, no old field");
      const cached = JSON.parse(
        await t.redis.get(`message:${posted.channel_id}:${posted.id}`) ??
          "null",
      );
      assert.equal(cached?.content, "second words");
      assert.ok(
        await t.redis.sismember("guild_keys", `guild:${t.discord.guildId}`),
      );
      assert.ok(inOrder(t.consumer.messages));
      const metrics = await service.get("/metrics");
      assert.match(metrics.text, /state_guilds [12]/);
    });
  },
);

serviceTest(
  "Redis cut mid-stream does not stop the gateway; the cache is marked stale and sessions are saved again once it is back",
  async () => {
    await using t = await setUp({ STATE_ENABLED: "true" });
    await using redisPath = redisProxy();
    const throughPath = throughProxy(t.env, redisPath);
    await t.run(async (service) => {
      postMessages(t.discord, 20, "up");
      await t.consumer.until(
        () => contents(t.consumer.messages, "up").size === 20 * SHARDS,
        "events with Redis up",
      );
      await redisPath.cut();
      await service.waitFor(
        "/metrics",
        (text) => /dispatch_redis_connected 0/.test(text),
        "Redis seen as down",
      );
      postMessages(t.discord, 100, "down");
      await t.consumer.until(
        () => contents(t.consumer.messages, "down").size === 100 * SHARDS,
        "events with Redis down",
      );
      await service.waitFor(
        "/metrics",
        (text) => /^dispatch_cache_stale 1$/m.test(text),
        "the cache marked stale",
      );
      redisPath.restore();
      // READY 1, GUILD_CREATE 2, then 120 messages: the last sequence is 122.
      const sessions = await savedSessions(t.redis, 122, 15_000);
      assert.equal(sessions["0"]?.sequence, 122);
      assert.equal(sessions["1"]?.sequence, 122);
      const { duplicates, gaps } = checkStream(t.consumer.messages);
      assert.deepEqual(gaps, []);
      assert.equal(duplicates, 0);
      await service.waitFor(
        "/metrics",
        (text) => /^dispatch_redis_connected 1$/m.test(text),
        "Redis seen as back",
      );
    }, throughPath);
  },
);

serviceTest(
  "Redis unreachable at start and up later: the cache says it missed every shard, gateway_started is written, a restart that resumes still says so, new sessions clear it",
  async () => {
    await using t = await setUp({ STATE_ENABLED: "true" });
    await using redisPath = redisProxy();
    await redisPath.cut();
    const throughPath = throughProxy(t.env, redisPath);
    const staleSet = async (): Promise<string[]> =>
      (await t.redis.smembers("dispatch_cache_stale")).sort();
    await t.run(async (service) => {
      // The shards' READY and GUILD_CREATEs go by with no cache.
      redisPath.restore();
      await service.waitFor(
        "/metrics",
        (text) =>
          /^dispatch_redis_connected 1$/m.test(text) &&
          /^dispatch_cache_stale 1$/m.test(text),
        "Redis connected late, the cache stale",
      );
      assert.ok(await t.redis.get("gateway_started"), "gateway_started");
      const deadline = Date.now() + 10_000;
      while ((await staleSet()).length < SHARDS && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(await staleSet(), ["0", "1"]);
    }, throughPath);

    // The next process resumes both shards: no GUILD_CREATE rebuilds them,
    // and it says so rather than calling the cache fresh.
    const resumedBefore = t.discord.gateway.counters.resumed;
    const second = new ServiceProcess(t.env);
    try {
      await second.waitFor(
        "/metrics",
        (text) => /^dispatch_resumes 2$/m.test(text),
        "both shards resumed",
      );
      assert.equal(t.discord.gateway.counters.resumed, resumedBefore + 2);
      assert.match(
        (await second.get("/metrics")).text,
        /^dispatch_cache_stale 1$/m,
      );
      // New sessions send every guild again: fresh, and the set is emptied.
      await t.consumer.command(JSON.stringify({ op: 2, shard: 0 }));
      await t.consumer.command(JSON.stringify({ op: 2, shard: 1 }));
      await second.waitFor(
        "/metrics",
        (text) => /^dispatch_cache_stale 0$/m.test(text),
        "the cache fresh after new sessions",
      );
      const deadline = Date.now() + 10_000;
      while ((await staleSet()).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(await staleSet(), []);
      second.signal("SIGTERM");
      assert.equal(await second.exit(), 0);
    } finally {
      await second.stop();
    }
  },
);

serviceTest(
  "STATE_MESSAGE_TTL (milliseconds, as twilight-dispatch) expires cached messages",
  async () => {
    await using t = await setUp({
      STATE_ENABLED: "true",
      STATE_MESSAGE: "true",
      STATE_MESSAGE_TTL: "300",
    });
    await t.run(async () => {
      const posted = t.discord.postMessage("short-lived");
      await t.consumer.until(
        () => t.consumer.messages.some((m) => m.body.t === "MESSAGE_CREATE"),
        "MESSAGE_CREATE",
      );
      const key = `message:${posted.channel_id}:${posted.id}`;
      // Written with the event (the publish does not wait for the cache
      // without STATE_OLD), then removed by the sweep within seconds.
      const until = async (want: boolean, what: string): Promise<void> => {
        const deadline = Date.now() + 10_000;
        while (await t.redis.exists(key) !== (want ? 1 : 0)) {
          if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      await until(true, "the message cached");
      await until(false, "the message expired");
      assert.equal(await t.redis.sismember("message_keys", key), 0);
    });
  },
);

serviceTest(
  "STATE_MEMBER=false keeps the bot's own member, never expired by STATE_MEMBER_TTL, as twilight-dispatch does",
  async () => {
    await using t = await setUp({
      STATE_ENABLED: "true",
      STATE_MESSAGE: "true",
      STATE_MEMBER_TTL: "300",
    });
    await t.run(async () => {
      const member =
        `member:${t.discord.guildId}:${t.discord.gateway.botUserId}`;
      // A later event's key: the GUILD_CREATE's writes (its expiry entry
      // included) are done once it is there.
      const posted = t.discord.postMessage("after the guild");
      const message = `message:${posted.channel_id}:${posted.id}`;
      const deadline = Date.now() + 10_000;
      while (await t.redis.exists(message) === 0) {
        if (Date.now() > deadline) throw new Error("Timed out: the message");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // twilight-dispatch's cache.rs writes the bot's member without
      // STATE_MEMBER, and expiry entries only with it.
      assert.equal(await t.redis.sismember("member_keys", member), 1);
      assert.equal(await t.redis.hexists("expiry_keys", member), 0);
      const bot = `:${t.discord.gateway.botUserId}`;
      assert.ok(
        (await t.redis.smembers("member_keys")).every((key) =>
          key.endsWith(bot)
        ),
        "no other member",
      );
    });
  },
);

serviceTest(
  "a worker on its own queue answers !ping through REST (examples/dispatch_worker.ts)",
  async () => {
    await using t = await setUp();
    const queue = "test.pingbot";
    const worker = await startPingWorker({
      amqpUrl: amqp.url,
      token: t.discord.token,
      restBaseUrl: t.discord.clientOptions.restBaseUrl!,
      queue,
    });
    try {
      await t.run(async () => {
        const answer = await t.discord.say("!ping");
        assert.equal(answer.content, "pong");
        assert.equal(answer.channel_id, t.discord.channelId);
      });
    } finally {
      await worker.close();
      const cleanup = new AMQPClient(amqp.url);
      await cleanup.connect();
      await (await cleanup.channel()).queueDelete(queue).catch(() => {});
      await cleanup.close();
    }
  },
);

Deno.test({
  name:
    "dispatch service: a RabbitMQ resource alarm (memory) blocks publishing: logged, shards pause, nothing lost once it clears",
  ignore: ignore || rabbitmqctl.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  holdingServiceNames(async () => {
    await using t = await setUp({ PUBLISH_BUFFER: "20" });
    const service = new ServiceProcess(t.env);
    const logged = (text: string) => () =>
      service.output.join("").includes(text);
    // The service's own default console log (nothing configured).
    const waitForLog = (text: string) =>
      service.waitFor("/metrics", logged(text), `the log line '${text}'`);
    let alarm = false;
    // A reconnect command that reaches gateway.send while the shards are
    // paused. Nobody can publish during the alarm: it waits in a queue that
    // dead-letters it there when rejected, which a consumer may do during
    // the alarm. (A TTL was used: on a loaded machine it ran out before the
    // shards paused.) It must wait for the resume: reconnecting at once took
    // in events the full buffer could not hold, for good.
    const admin = new AMQPClient(amqp.url);
    const hold = `test.hold.${crypto.randomUUID()}`;
    try {
      await t.ready();
      await admin.connect();
      await (await admin.channel()).queueDeclare(hold, { durable: false }, {
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": "gateway.send",
      });
      await (await admin.channel()).basicPublish(
        "",
        hold,
        JSON.stringify({ op: 1, shard: 0 }),
      );
      const before = t.consumer.messages.length;
      // A watermark of 0 raises the memory alarm at once: RabbitMQ blocks
      // every publishing connection until it is set back.
      await rabbitmqctl.run("set_vm_memory_high_watermark", "0");
      alarm = true;
      postMessages(t.discord, 60, "alarm");
      await waitForLog("RabbitMQ blocked publishing");
      // 120 events against a 20-event buffer: the shards close resumably.
      await service.waitFor(
        "/metrics",
        (text) => /dispatch_paused_shards [1-9]/.test(text),
        "a paused shard",
      );
      await waitForLog("publish buffer full");
      const health = await service.get("/healthcheck");
      assert.equal(health.status, 503, "not healthy while shards are paused");
      const connections = t.discord.gateway.counters.connections;
      const held = await (await admin.channel()).basicGet(hold, {
        noAck: false,
      });
      assert.ok(held, "the command held");
      await held.reject(false);
      await service.waitFor(
        "/metrics",
        (text) => /dispatch_commands\{result="retried"\} [1-9]/.test(text),
        "the reconnect command put off while paused",
      );
      postMessages(t.discord, 50, "paused");
      assert.match(
        (await service.get("/metrics")).text,
        /dispatch_paused_shards [1-9]/,
        "still paused",
      );
      assert.equal(
        t.discord.gateway.counters.connections,
        connections,
        "no shard reconnected while paused",
      );
      assert.ok(
        contents(t.consumer.messages, "alarm").size < 60 * SHARDS,
        "the alarm held events back",
      );
      await rabbitmqctl.run("set_vm_memory_high_watermark", "0.4");
      alarm = false;
      await t.consumer.until(
        () =>
          contents(t.consumer.messages, "alarm").size === 60 * SHARDS &&
          contents(t.consumer.messages, "paused").size === 50 * SHARDS,
        "every event once the alarm cleared",
      );
      await service.waitFor(
        "/metrics",
        (text) => /dispatch_commands\{result="done"\} [1-9]/.test(text),
        "the reconnect command, run once resumed",
      );
      await waitForLog("RabbitMQ unblocked publishing");
      const { gaps } = checkStream(t.consumer.messages);
      assert.deepEqual(gaps, []);
      assert.ok(inOrder(t.consumer.messages));
      // Publishes refused while blocked are sent again; those RabbitMQ took
      // before the block are confirmed late, not sent twice.
      const { duplicates } = checkStream(t.consumer.messages.slice(before));
      assert.equal(duplicates, 0);
      // deno-lint-ignore no-console
      console.log(
        `resource alarm: ${60 * SHARDS} posted, ${
          contents(t.consumer.messages, "alarm").size
        } received, 0 lost, ${duplicates} duplicated`,
      );
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(service.output.join(""));
      throw error;
    } finally {
      if (alarm) {
        await rabbitmqctl.run("set_vm_memory_high_watermark", "0.4");
      }
      await (await admin.channel()).queueDelete(hold).catch(() => {});
      await admin.close().catch(() => {});
      await service.stop();
    }
  }));

serviceTest(
  "hostile commands on gateway.send: refused with the reason, never sent, never a crash; a flood stays paced and in the broker",
  async () => {
    await using t = await setUp();
    const service = new ServiceProcess(t.env);
    try {
      await t.ready();
      const presence = {
        op: 3,
        d: { since: null, activities: [], status: "idle", afk: false },
      };
      const malformed = [
        "", // no body
        "null",
        JSON.stringify({ op: 0, shard: "0", data: presence }),
        JSON.stringify({ op: 0, shard: -1, data: presence }),
        JSON.stringify({ op: 0, shard: 0.5, data: presence }),
        JSON.stringify({ op: 0, shard: 1e300, data: presence }),
        JSON.stringify({ op: 0, shard: 2 ** 53, data: presence }),
        JSON.stringify({ op: "0", shard: 0, data: presence }),
        JSON.stringify({ op: 0, shard: 0, data: "op 3" }),
        JSON.stringify({ op: 1, shard: 7 }), // a shard this process does not run
      ];
      const refused = [
        // Not a user command: IDENTIFY, RESUME, an unknown op.
        JSON.stringify({ op: 0, shard: 0, data: { op: 2, d: { token: "x" } } }),
        JSON.stringify({ op: 0, shard: 0, data: { op: 6, d: {} } }),
        JSON.stringify({ op: 0, shard: 0, data: { op: 99, d: {} } }),
        // Over 4096 bytes.
        JSON.stringify({
          op: 0,
          shard: 0,
          data: { ...presence, d: { ...presence.d, status: "x".repeat(5000) } },
        }),
      ];
      for (const body of [...malformed, ...refused]) {
        await t.consumer.command(body);
      }
      await service.waitFor(
        "/metrics",
        (text) =>
          new RegExp(
            `dispatch_commands\\{result="malformed"\\} ${malformed.length}\\b`,
          )
            .test(text) &&
          new RegExp(
            `dispatch_commands\\{result="failed"\\} ${refused.length}\\b`,
          )
            .test(text),
        "every hostile command refused",
      );
      const framesOf = (op: number): number =>
        t.discord.gateway.connections
          .filter((c) => c.shard?.[0] === 0)
          .reduce(
            (n, c) => n + c.received.filter((f) => f.op === op).length,
            0,
          );
      assert.equal(framesOf(6), 0, "no RESUME was sent for a command");
      assert.equal(framesOf(2), 1, "the only IDENTIFY is the shard's own");
      assert.equal(framesOf(3), 0);

      // A flood: 400 valid commands for one shard. The shard paces them
      // (120 frames per 60 s, heartbeats included) and the service takes
      // at most its prefetch from the queue: the rest waits in RabbitMQ,
      // not in the service's memory. (Not presences: those also keep to 5
      // per 20 s, the latest replacing the ones waiting.)
      const FLOOD = 400;
      const sounds = { op: 31, d: { guild_ids: ["1"] } };
      const body = JSON.stringify({ op: 0, shard: 0, data: sounds });
      for (let i = 0; i < FLOOD; i++) await t.consumer.command(body);
      await service.waitFor(
        "/metrics",
        (text) => /dispatch_commands\{result="done"\} (1\d\d)\b/.test(text),
        "the first 100 commands sent",
        // A watchdog, not a timing: a flooded shard holds at most its
        // budget (the prefetch less a reserve) at once, writing 2 a second,
        // and its other commands come round the queue.
        60_000,
      );
      const client = new AMQPClient(amqp.url);
      await client.connect();
      try {
        const channel = await client.channel();
        const queue = await channel.queueDeclare("gateway.send", {
          passive: true,
        });
        assert.ok(
          queue.messageCount >= FLOOD - 120 - 100,
          `${queue.messageCount} commands still wait in gateway.send`,
        );
      } finally {
        await client.close();
      }
      assert.ok(framesOf(31) <= 120, `${framesOf(31)} command frames sent`);
      const health = await service.get("/healthcheck");
      assert.equal(health.status, 200, "still healthy");
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(service.output.join(""));
      throw error;
    } finally {
      await service.stop();
    }
  },
);

serviceTest(
  "commands for a shard stopped for good are dropped, not requeued for ever; malformed op 4/8/43 payloads are refused, never sent",
  async () => {
    await using t = await setUp();
    const service = new ServiceProcess(t.env);
    const framesOf = (shard: number, op: number): number =>
      t.discord.gateway.allConnections
        .filter((c) => c.shard?.[0] === shard)
        .reduce((n, c) => n + c.received.filter((f) => f.op === op).length, 0);
    try {
      await t.ready();
      t.discord.gateway.closeWith(4010, "Invalid shard", { shardId: 1 });
      await service.waitFor(
        "/metrics",
        (text) => /gateway_statuses\{type="closed"\} 1/.test(text),
        "shard 1 closed",
      );
      // More than the prefetch: they held it for ever, blocking shard 0.
      const sounds = { op: 31, d: { guild_ids: ["1"] } };
      for (let i = 0; i < 110; i++) {
        await t.consumer.command(
          JSON.stringify({ op: 0, shard: 1, data: sounds }),
        );
      }
      for (
        const data of [
          { op: 8, d: {} },
          { op: 4, d: { guild_id: "x" } },
          { op: 43, d: null },
        ]
      ) await t.consumer.command(JSON.stringify({ op: 0, shard: 0, data }));
      await t.consumer.command(
        JSON.stringify({ op: 0, shard: 0, data: sounds }),
      );
      await service.waitFor(
        "/metrics",
        (text) =>
          /dispatch_commands\{result="dropped"\} 110\b/.test(text) &&
          /dispatch_commands\{result="failed"\} 3\b/.test(text) &&
          /dispatch_commands\{result="done"\} 1\b/.test(text),
        "110 dropped, 3 refused, 1 sent",
      );
      // "done" counts a frame the service (another process) wrote: it
      // reaches the fake a moment later.
      await within(
        (async () => {
          while (framesOf(0, 31) === 0) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })(),
        "the op 31 frame at the fake gateway",
      );
      assert.equal(framesOf(0, 31), 1);
      assert.deepEqual(
        [framesOf(0, 8), framesOf(0, 4), framesOf(0, 43)],
        [0, 0, 0],
      );
      assert.deepEqual(t.discord.gateway.counters.closes, { 4010: 1 });
      const said = service.output.join("").split("\n")
        .filter((line) => line.includes("has stopped for good"));
      assert.equal(said.length, 1, "said once, not per command");
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(service.output.join(""));
      throw error;
    } finally {
      await service.stop();
    }
  },
);

serviceTest(
  "queues the user declared with arguments (a DLX on gateway.send, a quorum gateway.recv) are used as they are; a malformed command is dead-lettered",
  async () => {
    await using t = await setUp();
    const admin = new AMQPClient(amqp.url);
    await admin.connect();
    const service: { process?: ServiceProcess } = {};
    try {
      const channel = await admin.channel();
      await channel.queueDelete("gateway.send");
      await channel.exchangeDeclare("gateway.dlx", "fanout", { durable: true });
      const dead = await channel.queueDeclare("", { exclusive: true });
      await channel.queueBind(dead.name, "gateway.dlx", "");
      await channel.queueDeclare("gateway.send", { durable: true }, {
        "x-dead-letter-exchange": "gateway.dlx",
      });
      // gateway.recv as a quorum queue (the consumer already reads it: a
      // new one under the same name, bound the same way).
      await t.consumer.close();
      await channel.queueDelete("gateway.recv");
      await channel.queueDeclare("gateway.recv", { durable: true }, {
        "x-queue-type": "quorum",
      });
      await channel.queueBind("gateway.recv", "gateway", "#");
      const consumer = new RecvConsumer(amqp.url);
      await consumer.attach();
      try {
        service.process = new ServiceProcess(t.env);
        await consumer.until(
          () => readyCount(consumer.messages) === SHARDS,
          "READY on every shard",
        );
        await consumer.command("not a command");
        let deadLettered: string | undefined;
        const deadline = Date.now() + 10_000;
        while (deadLettered === undefined && Date.now() < deadline) {
          const message = await channel.basicGet(dead.name, { noAck: true });
          if (message) deadLettered = message.bodyToString() ?? "";
          else await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.equal(deadLettered, "not a command");
      } finally {
        await consumer.close();
      }
    } catch (error) {
      // deno-lint-ignore no-console
      console.error(service.process?.output.join(""));
      throw error;
    } finally {
      await service.process?.stop();
      // Leave plain queues for the next test's consumer.
      const channel = await admin.channel();
      await channel.queueDelete("gateway.recv").catch(() => {});
      await admin.close();
    }
  },
);

serviceTest(
  "made-up event names: metrics stay bounded, each is published under its own name, one over 255 bytes is skipped (logged once) without holding up the rest",
  async () => {
    // Over 10,000 events at once: with the default buffer (10,000) a
    // broker slow to confirm paused shard 0 (back-pressure, then RESUMED),
    // a series this test does not count.
    await using t = await setUp({ PUBLISH_BUFFER: "50000" });
    let output: string[] = [];
    await t.run(async (service) => {
      output = service.output;
      const shard0 = { shardId: 0, ignoreIntents: true };
      const message = (tag: string, shardId: number): void => {
        t.discord.gateway.dispatch("MESSAGE_CREATE", {
          id: "1",
          channel_id: "42",
          content: tag,
        }, { shardId, ignoreIntents: true });
      };
      const tooLong = "L".repeat(300);
      // 10,000 names a gateway made up, between ordinary events; two
      // names too long for a routing key in the middle of the stream, and
      // one as shard 1's last event (nothing after it to carry its
      // sequence).
      const NAMES = 10_000;
      for (let i = 0; i < NAMES; i++) {
        if (i % 100 === 0) message(`names-${i}`, 0);
        if (i === 5_000) {
          t.discord.gateway.dispatch(tooLong, { i }, shard0);
          t.discord.gateway.dispatch(`${tooLong}2`, { i }, shard0);
        }
        t.discord.gateway.dispatch(
          `NEW_${i}_${crypto.randomUUID().slice(0, 8)}`,
          { i },
          shard0,
        );
      }
      // An unknown name of exactly 255 bytes is a routing key.
      const longest = `${"é".repeat(127)}X`;
      t.discord.gateway.dispatch(longest, {}, shard0);
      message("names-after", 0);
      message("names-shard-1", 1);
      t.discord.gateway.dispatch(tooLong, {}, { ...shard0, shardId: 1 });

      await t.consumer.until(
        () =>
          t.consumer.messages.some((m) => m.body.d?.content === "names-after"),
        "the event after the made-up names",
      );
      const messages = t.consumer.messages;
      const madeUp = messages.filter((m) => m.body.t.startsWith("NEW_"));
      assert.equal(madeUp.length, NAMES);
      assert.ok(messages.some((m) => m.routingKey === longest));
      assert.equal(
        messages.filter((m) => m.body.t.startsWith("LLL")).length,
        0,
        "no name over 255 bytes is published",
      );
      const { duplicates, gaps, misrouted } = checkStream(messages);
      assert.equal(misrouted, 0, "routing key = t");
      assert.equal(duplicates, 0);
      // The two skipped events are the only sequences shard 0 lacks.
      assert.equal(gaps.length, 2, `gaps: ${gaps.join(", ")}`);
      const sequences = messages.filter((m) => m.body.shard === 0).map((m) =>
        m.body.s
      );
      assert.ok(
        sequences.every((s, i) => i === 0 || s > sequences[i - 1]!),
        "shard 0's events in order",
      );
      const contentOrder = messages.map((m) => m.body.d?.content).filter((
        c,
      ) =>
        typeof c === "string" && c.startsWith("names-") && c !== "names-shard-1"
      );
      assert.deepEqual(contentOrder, [
        ...Array.from({ length: NAMES / 100 }, (_, i) => `names-${i * 100}`),
        "names-after",
      ]);

      const metrics = await service.waitFor(
        "/metrics",
        (text) =>
          text.includes(
            `gateway_events{type="UNKNOWN",shard="0"} ${NAMES + 3}`,
          ) && text.includes("dispatch_unroutable_events 3"),
        "the UNKNOWN and unroutable counters",
      );
      const series = metrics.split("\n").filter((line) =>
        line.startsWith("gateway_events{")
      );
      // READY, GUILD_CREATE, MESSAGE_CREATE and UNKNOWN on each shard.
      assert.ok(series.length <= 8, series.join("\n"));
      assert.ok(
        series.includes('gateway_events{type="UNKNOWN",shard="1"} 1'),
        series.join("\n"),
      );
    });
    // Said once, visibly (without configuring a log), however many came.
    const said = output.join("").split("\n").filter((line) =>
      line.includes("over AMQP's 255-byte routing key limit")
    );
    assert.equal(said.length, 1, output.join(""));
    // The skipped last event of shard 1 was consumed: its sequence is the
    // one saved for resuming, one past the last event it published.
    const sessions = JSON.parse(await t.redis.get("gateway_sessions") ?? "{}");
    const last = (shard: number): number =>
      Math.max(
        ...t.consumer.messages.filter((m) => m.body.shard === shard).map((m) =>
          m.body.s
        ),
      );
    assert.equal(sessions["0"]?.sequence, last(0));
    assert.equal(sessions["1"]?.sequence, last(1) + 1);
  },
);

serviceTest(
  "the guild log remembers at most 10,000 guilds per shard, and no id that is not a snowflake",
  async () => {
    await using t = await setUp({ LOG_GUILD_CHANNEL: "778" });
    let output: string[] = [];
    await t.run(async (service) => {
      output = service.output;
      const onShard1 = { shardId: 1, ignoreIntents: true };
      const id = (i: number): string => String(5_000_000_000 + i);
      // Shard 1 had one guild at READY: 9,999 more fill what it remembers.
      const NEW = 10_001;
      for (let i = 0; i < NEW; i++) {
        t.discord.gateway.dispatch("GUILD_CREATE", { id: id(i) }, onShard1);
      }
      // Not snowflakes: neither remembered nor counted.
      for (const junk of ["x".repeat(10_000), "-1"]) {
        t.discord.gateway.dispatch("GUILD_CREATE", { id: junk }, onShard1);
      }
      // A remembered guild again (a reconnect): not a join; one past the
      // limit again: taken for a join, as it was not remembered.
      t.discord.gateway.dispatch("GUILD_CREATE", { id: id(0) }, onShard1);
      t.discord.gateway.dispatch("GUILD_CREATE", { id: id(NEW - 1) }, onShard1);
      t.discord.gateway.dispatch("MESSAGE_CREATE", {
        id: "1",
        channel_id: "42",
        content: "guilds-done",
      }, onShard1);
      await t.consumer.until(
        () =>
          t.consumer.messages.some((m) => m.body.d?.content === "guilds-done"),
        "the event after the guilds",
      );
      const metrics = await service.waitFor(
        "/metrics",
        (text) => /gateway_guild_events\{type="Join"\} \d+/.test(text),
        "the joins counted",
      );
      assert.match(
        metrics,
        new RegExp(`gateway_guild_events\\{type="Join"\\} ${NEW + 1}\n`),
      );
    });
    const said = output.join("").split("\n").filter((line) =>
      line.includes("reported more than 10000 guilds")
    );
    assert.equal(said.length, 1, output.join(""));
  },
);

serviceTest(
  "gateway_guild_events counts joins and leaves without the guild log, with or without the state cache",
  async () => {
    // twilight-dispatch counts them whatever LOG_GUILD_CHANNEL says; the
    // service counted them only for the guild log, and without it or the
    // state cache did not even read the guild events.
    for (const extra of [{}, { STATE_ENABLED: "true" }]) {
      await using t = await setUp(extra);
      await t.run(async (service) => {
        const onShard0 = { shardId: 0, ignoreIntents: true };
        // A guild shard 0 had at READY, again (a reconnect): not a join.
        const known = t.discord.gateway.guildIds.find((id) =>
          (BigInt(id) >> 22n) % BigInt(SHARDS) === 0n
        )!;
        t.discord.gateway.dispatch("GUILD_CREATE", {
          id: known,
          name: "Known",
        }, onShard0);
        t.discord.gateway.dispatch("GUILD_CREATE", {
          id: "4194304000",
          name: "Newcomers",
        }, onShard0);
        // Unavailable (an outage): not a leave.
        t.discord.gateway.dispatch("GUILD_DELETE", {
          id: known,
          unavailable: true,
        }, onShard0);
        t.discord.gateway.dispatch(
          "GUILD_DELETE",
          { id: "4194304000" },
          onShard0,
        );
        await t.consumer.until(
          () =>
            t.consumer.messages.filter((m) => m.body.t === "GUILD_DELETE")
              .length === 2,
          "both GUILD_DELETEs",
        );
        // Counted before the event was published: no wait.
        const metrics = (await service.get("/metrics")).text;
        const lines = metrics.split("\n").filter((line) =>
          line.startsWith("gateway_guild_events{")
        ).sort();
        assert.deepEqual(lines, [
          'gateway_guild_events{type="Join"} 1',
          'gateway_guild_events{type="Leave"} 1',
        ], JSON.stringify(extra));
      });
    }
  },
);

/** Whether a presence update (op 3) reached the fake gateway on `shard`. */
function presenceSent(discord: FakeDiscord, shard: number): boolean {
  return discord.gateway.connections.some((connection) =>
    connection.shard?.[0] === shard &&
    connection.received.some((frame) => frame.op === 3)
  );
}

/** Poll `done` until it holds, or fail after `ms` naming `what`. */
async function until(
  done: () => boolean,
  what: string,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const PRESENCE_COMMAND = JSON.stringify({
  op: 0,
  shard: 0,
  data: {
    op: 3,
    d: { since: null, activities: [], status: "dnd", afk: false },
  },
});

serviceTest(
  "gateway.send deleted and redeclared (the broker cancels the consumer): the service subscribes again, and says it cannot consume meanwhile",
  async () => {
    await using t = await setUp();
    const other = new AMQPClient(amqp.url);
    await other.connect();
    try {
      await t.run(async (service) => {
        await service.waitFor(
          "/healthcheck",
          (_, status) => status === 200,
          "healthy",
        );
        // An operator deletes and redeclares the queue; another client
        // takes it with an exclusive consumer before the service is back.
        const channel = await other.channel();
        await channel.queueDelete("gateway.send");
        await channel.queueDeclare("gateway.send", { durable: true });
        const held = await channel.basicConsume(
          "gateway.send",
          { noAck: false, exclusive: true },
          () => {},
        );
        await service.waitFor(
          "/healthcheck",
          (_, status) => status === 503,
          "unhealthy while commands cannot be consumed",
        );
        const metrics = (await service.get("/metrics")).text;
        assert.match(metrics, /^dispatch_commands_consuming 0$/m);
        assert.match(metrics, /^dispatch_broker_connected 1$/m);
        assert.ok(
          service.output.join("").includes(
            "RabbitMQ ended the consumer of",
          ),
          service.output.join(""),
        );
        // The other client goes: the service takes the queue again, and a
        // command that waited in it is sent.
        await held.cancel();
        await channel.close();
        await t.consumer.command(PRESENCE_COMMAND);
        await until(() => presenceSent(t.discord, 0), "the command sent");
        await service.waitFor(
          "/healthcheck",
          (_, status) => status === 200,
          "healthy again",
        );
        assert.match(
          (await service.get("/metrics")).text,
          /^dispatch_commands_consuming 1$/m,
        );
      });
    } finally {
      await other.close();
    }
  },
);

serviceTest(
  "gateway.send held by another client's exclusive consumer at start: events are published anyway; commands are consumed once it is gone",
  async () => {
    await using t = await setUp();
    const other = new AMQPClient(amqp.url);
    await other.connect();
    try {
      const channel = await other.channel();
      await channel.basicConsume(
        "gateway.send",
        { noAck: false, exclusive: true },
        () => {},
      );
      // t.run waits for READY on every shard: the events do not wait for
      // the command consumer.
      await t.run(async (service) => {
        postMessages(t.discord, 20, "held");
        await t.consumer.until(
          () => contents(t.consumer.messages, "held").size === 20 * SHARDS,
          "the events while gateway.send is held",
        );
        const health = await service.get("/healthcheck");
        assert.equal(health.status, 503);
        const metrics = (await service.get("/metrics")).text;
        assert.match(metrics, /^dispatch_commands_consuming 0$/m);
        assert.match(metrics, /^dispatch_broker_connected 1$/m);
        assert.match(metrics, /^dispatch_paused_shards 0$/m);
        assert.ok(
          service.output.join("").includes(
            "Cannot consume commands from",
          ),
          service.output.join(""),
        );
        await other.close();
        await t.consumer.command(PRESENCE_COMMAND);
        await until(() => presenceSent(t.discord, 0), "the command sent");
        await service.waitFor(
          "/healthcheck",
          (_, status) => status === 200,
          "healthy once consuming",
        );
      });
    } finally {
      await other.close().catch(() => {});
    }
  },
);

serviceTest(
  "a log channel that never answers does not hold up SIGTERM: the service exits in seconds, and the next process resumes",
  async () => {
    await using t = await setUp();
    const upstream = new URL(t.env.DISCORD_API_URL!);
    let hung = 0;
    const never = Promise.withResolvers<Response>();
    // Discord's REST, except that posts to the log channel never answer.
    await using proxy = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen(): void {} },
      (request) => {
        const url = new URL(request.url);
        if (request.method === "POST" && url.pathname.includes("/channels/")) {
          hung++;
          return never.promise;
        }
        return fetch(new URL(url.pathname + url.search, upstream.origin), {
          method: request.method,
          headers: request.headers,
          body: request.body,
        });
      },
    );
    t.discord.rest.resources.addChannel({ id: "779", type: 0, name: "log" });
    const env = {
      ...t.env,
      DISCORD_API_URL:
        `http://127.0.0.1:${proxy.addr.port}${upstream.pathname}`,
      LOG_CHANNEL: "779",
    };
    const first = new ServiceProcess(env);
    let second: ServiceProcess | undefined;
    try {
      await t.ready();
      // The "Shard … ready" lines are being posted (and hang).
      await until(() => hung > 0, "the status log's first post");
      const identifies = t.discord.gateway.counters.sessionStarts;
      const started = Date.now();
      first.signal("SIGTERM");
      assert.equal(await first.exit(), 0);
      const took = Date.now() - started;
      // The log's flush is bounded (3 s), alongside the drain and the save;
      // unbounded, it waited out the REST timeout (15 s) once per post.
      assert.ok(took < 8_000, `the exit took ${took} ms`);
      const output = first.output.join("");
      assert.match(output, /Status log: Discord did not take the last post/);
      assert.match(output, /sessions saved for resuming/);
      second = new ServiceProcess(t.env);
      await until(
        () => t.discord.gateway.counters.resumed === SHARDS,
        "every shard resumed",
      );
      assert.equal(
        t.discord.gateway.counters.sessionStarts,
        identifies,
        "no IDENTIFY",
      );
    } finally {
      never.resolve(new Response(null, { status: 503 }));
      await first.stop();
      await second?.stop();
    }
  },
);
