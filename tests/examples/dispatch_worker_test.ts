// deno-lint-ignore-file no-console -- the example reports on stderr; the test catches it
// examples/dispatch_worker.ts against a real RabbitMQ, fed straight through
// the `gateway` exchange as the dispatch service publishes, with a loopback
// REST server that records the answers: a new session (READY) starts the
// duplicate check over (a READY published again for the same session does
// not), a REST failure settles its message instead of holding a prefetch
// slot for good, and a connection the broker drops is made again.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { startPingWorker } from "../../examples/dispatch_worker.ts";
import { testAmqp, testRabbitmqctl } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";

const amqp = testAmqp();
const rabbitmqctl = testRabbitmqctl();

/**
 * `within`, with room for another test file's RabbitMQ memory alarm
 * (tests/dispatch/service_e2e_test.ts), which blocks every publisher on the
 * broker for several seconds.
 */
const settles = <T>(promise: Promise<T>, what: string): Promise<T> =>
  within(promise, what, 60_000);

/** Channels REST refuses (404), as for a deleted channel. */
const GONE = "666";

/** A REST server that records each pong by channel; `GONE` answers 404. */
function restServer(): {
  url: string;
  answered: (channel: string) => Promise<void>;
  /** Pongs sent, by channel. */
  pongs: Map<string, number>;
  /** The !ping each pong replied to, in the order they came. */
  repliedTo: string[];
  /** Resolves at the `count`th pong in `channel`. */
  pongCount: (channel: string, count: number) => Promise<void>;
  refused: (count: number) => Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
} {
  const waiters = new Map<string, () => void>();
  let refused = 0;
  const pongs = new Map<string, number>();
  const repliedTo: string[] = [];
  const counted: { channel: string; count: number; resolve: () => void }[] = [];
  let refusedWaiter: { count: number; resolve: () => void } | undefined;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const channel = /\/channels\/(\d+)\/messages$/.exec(
        new URL(request.url).pathname,
      )?.[1];
      const body = await request.json().catch(() => ({}));
      repliedTo.push(String(body?.message_reference?.message_id));
      if (channel === GONE) {
        refused++;
        if (refused >= (refusedWaiter?.count ?? Infinity)) {
          refusedWaiter?.resolve();
        }
        return Response.json({ message: "Unknown Channel", code: 10003 }, {
          status: 404,
        });
      }
      pongs.set(channel ?? "", (pongs.get(channel ?? "") ?? 0) + 1);
      for (const waiter of counted) {
        if (pongs.get(waiter.channel) === waiter.count) waiter.resolve();
      }
      waiters.get(channel ?? "")?.();
      return Response.json({ id: "1", channel_id: channel, content: "pong" });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/api/v10`,
    answered: (channel) =>
      new Promise((resolve) => waiters.set(channel, resolve)),
    pongs,
    repliedTo,
    pongCount: (channel, count) =>
      new Promise((resolve) => counted.push({ channel, count, resolve })),
    refused: (count) =>
      refused >= count ? Promise.resolve() : new Promise((resolve) => {
        refusedWaiter = { count, resolve };
      }),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * The example worker on its own queue and exchange (the dispatch service's
 * tests count what reaches the shared `gateway` exchange), answering
 * through `restUrl`, and a publisher to that exchange; disposed: both
 * closed, the queue and exchange gone.
 */
async function runningWorker(restUrl: string): Promise<
  {
    publish: (routingKey: string, body: string) => Promise<void>;
    /**
     * Close the worker's connections from the broker's side, as
     * `rabbitmqctl close_all_connections` or a broker restart does (only
     * the worker's: other test files share the broker).
     */
    dropConnection: () => Promise<void>;
  } & AsyncDisposable
> {
  const queue = `test.pingbot.${crypto.randomUUID()}`;
  const exchange = `test.gateway.${crypto.randomUUID()}`;
  const publisher = new AMQPClient(amqp.url);
  await publisher.connect();
  const channel = await publisher.channel();
  const worker = await startPingWorker({
    // Named after its queue, for `dropConnection` to find it.
    amqpUrl: `${amqp.url}?name=${queue}`,
    token: "fake-token",
    restBaseUrl: restUrl,
    queue,
    exchange,
  });
  return {
    publish: async (routingKey, body) => {
      await channel.basicPublish(exchange, routingKey, body);
    },
    dropConnection: async () => {
      const listed = await rabbitmqctl.run(
        "list_connections",
        "--no-table-headers",
        "-q",
        "pid",
        "client_properties",
      );
      const pids = listed.split("\n")
        .filter((line) => line.includes(`"connection_name","${queue}"`))
        .map((line) => line.split(/\s/)[0]!);
      assert.ok(pids.length > 0, `the worker's connection in:\n${listed}`);
      for (const pid of pids) {
        await rabbitmqctl.run("close_connection", pid, "test: dropped");
      }
    },
    async [Symbol.asyncDispose](): Promise<void> {
      // Not a check: a worker whose connection is gone may refuse to close,
      // and that error would hide the test's own.
      await worker.close().catch(() => {});
      await channel.queueDelete(queue).catch(() => {});
      await channel.exchangeDelete(exchange).catch(() => {});
      await publisher.close();
    },
  };
}

/** An event body as the dispatch service publishes it. */
function event(t: string, s: number, d: unknown): string {
  return JSON.stringify({ op: 0, t, s, d, shard: 0 });
}

function ping(s: number, channel: string): string {
  return event("MESSAGE_CREATE", s, {
    id: String(1000 + s),
    channel_id: channel,
    content: "!ping",
  });
}

Deno.test({
  name:
    "dispatch_worker: after a new session (READY) the worker answers again; a REST failure never stops it",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using rest = restServer();
  await using worker = await runningWorker(rest.url);
  const publish = worker.publish;
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (line: string) => void errors.push(line);
  try {
    let answer = rest.answered("1");
    await publish("MESSAGE_CREATE", ping(40, "1"));
    await settles(answer, "pong to the first session's !ping");

    // A new session: its `s` starts again from 1.
    await publish("READY", event("READY", 1, { session_id: "new" }));
    answer = rest.answered("2");
    await publish("MESSAGE_CREATE", ping(2, "2"));
    await settles(answer, "pong in the new session (s 2 after s 40)");

    // More failing answers than the prefetch (50) holds.
    for (let s = 3; s < 63; s++) await publish("MESSAGE_CREATE", ping(s, GONE));
    await settles(rest.refused(60), "60 answers tried (over the prefetch)");
    answer = rest.answered("3");
    await publish("MESSAGE_CREATE", ping(63, "3"));
    await settles(answer, "pong after 60 refused answers");
    assert.equal(errors.length, 60, "each failure said on stderr");
    assert.match(errors[0]!, /Answering !ping in channel 666 failed/);
  } finally {
    console.error = consoleError;
  }
});

Deno.test({
  name:
    "dispatch_worker: a READY published again for the same session (a lost confirm) does not make it answer the events after it twice",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using rest = restServer();
  await using worker = await runningWorker(rest.url);
  const publish = worker.publish;
  const ready = event("READY", 1, { session_id: "abc" });
  let answer = rest.answered("1");
  await publish("READY", ready);
  await publish("MESSAGE_CREATE", ping(2, "1"));
  await settles(answer, "pong to the !ping");
  // The publisher resends READY and the !ping after it: duplicates. The
  // worker's answers in one channel go one at a time, in order, so once
  // the next !ping's reply came, a reply to the resent one came before it.
  await publish("READY", ready);
  await publish("MESSAGE_CREATE", ping(2, "1"));
  await publish("MESSAGE_CREATE", ping(3, "1"));
  await settles(rest.pongCount("1", 2), "pong to the next !ping");
  assert.deepEqual(rest.repliedTo, ["1002", "1003"]);
  // A new session's READY still starts over.
  await publish("READY", event("READY", 1, { session_id: "def" }));
  answer = rest.answered("3");
  await publish("MESSAGE_CREATE", ping(2, "3"));
  await settles(answer, "pong in the new session");
});

Deno.test({
  name:
    "dispatch_worker: when the broker drops its connection it says so on stderr, connects again and answers a !ping published after the drop",
  ignore: amqp.ignore || rabbitmqctl.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using rest = restServer();
  await using worker = await runningWorker(rest.url);
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (line: string) => void errors.push(line);
  try {
    let answer = rest.answered("1");
    await worker.publish("MESSAGE_CREATE", ping(1, "1"));
    await settles(answer, "pong before the drop");
    await worker.dropConnection();
    // Kept in the queue until a consumer comes back: answered only by a
    // worker that connected and subscribed again.
    answer = rest.answered("2");
    await worker.publish("MESSAGE_CREATE", ping(2, "2"));
    await settles(answer, "pong to a !ping published after the drop");
    assert.ok(
      errors.some((line) => /connection .*lost/i.test(line)),
      `the drop said on stderr: ${JSON.stringify(errors)}`,
    );
  } finally {
    console.error = consoleError;
  }
});

Deno.test({
  name:
    "dispatch_worker: close() lets the !ping being answered finish and acks it, so it is not delivered (and answered) again",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  // A REST server that holds its answer until the test lets it go.
  const arrived = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const repliedTo: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.json().catch(() => ({}));
      repliedTo.push(String(body?.message_reference?.message_id));
      arrived.resolve();
      await release.promise;
      return Response.json({ id: "1", channel_id: "1", content: "pong" });
    },
  );
  const queue = `test.pingbot.${crypto.randomUUID()}`;
  const exchange = `test.gateway.${crypto.randomUUID()}`;
  const publisher = new AMQPClient(amqp.url);
  await publisher.connect();
  const channel = await publisher.channel();
  try {
    const worker = await startPingWorker({
      amqpUrl: amqp.url,
      token: "fake-token",
      restBaseUrl: `http://127.0.0.1:${server.addr.port}/api/v10`,
      queue,
      exchange,
    });
    await channel.basicPublish(exchange, "MESSAGE_CREATE", ping(1, "1"));
    await settles(arrived.promise, "the !ping being answered");
    const closed = worker.close();
    release.resolve();
    await settles(closed, "the worker closed");
    // Unacked at the close, it would be back in the queue for the next
    // worker, which would answer it a second time.
    const { messageCount } = await channel.queueDeclare(queue, {
      passive: true,
    });
    assert.equal(messageCount, 0, "the answered !ping was acked");
    assert.deepEqual(repliedTo, ["1001"]);
  } finally {
    release.resolve();
    await channel.queueDelete(queue).catch(() => {});
    await channel.exchangeDelete(exchange).catch(() => {});
    await publisher.close();
    await server.shutdown();
  }
});
