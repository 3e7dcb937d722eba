import assert from "node:assert/strict";
import zlib from "node:zlib";
import { GatewayCloseCodes } from "discord-api-types/v10";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

// deno-lint-ignore no-explicit-any
type Payload = { op: number; d: any; s?: number | null; t?: string | null };

const IDENTIFY = {
  op: 2,
  d: {
    token: "fake-token",
    intents: 513,
    properties: { os: "linux", browser: "test", device: "test" },
  },
};

/** A real WebSocket whose messages are awaited one by one (no sleeping). */
class Socket {
  readonly ws: WebSocket;
  readonly closed: Promise<CloseEvent>;
  #queue: (string | Uint8Array)[] = [];
  #waiting: ((frame: string | Uint8Array) => void) | undefined;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = "arraybuffer";
    this.ws.onmessage = (event) => {
      const frame = typeof event.data === "string"
        ? event.data
        : new Uint8Array(event.data as ArrayBuffer);
      if (this.#waiting) {
        const resolve = this.#waiting;
        this.#waiting = undefined;
        resolve(frame);
      } else {
        this.#queue.push(frame);
      }
    };
    this.ws.onerror = () => {};
    this.closed = new Promise((resolve) => this.ws.onclose = resolve);
  }

  /** The next frame; rejects if the socket closes first. */
  next(): Promise<string | Uint8Array> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return Promise.race([
      new Promise<string | Uint8Array>((resolve) => this.#waiting = resolve),
      this.closed.then((event) => {
        throw new Error(`closed with ${event.code} while waiting`);
      }),
    ]);
  }

  async json(): Promise<Payload> {
    const frame = await this.next();
    assert.equal(typeof frame, "string", "expected a text frame");
    return JSON.parse(frame as string);
  }

  send(payload: unknown): void {
    this.ws.send(JSON.stringify(payload));
  }

  async close(code = 4000): Promise<CloseEvent> {
    if (this.ws.readyState < WebSocket.CLOSING) this.ws.close(code);
    return await this.closed;
  }
}

Deno.test("serveFakeGateway carries HELLO, READY, a drop and a RESUME with replay over real sockets", async () => {
  const gateway = new FakeGateway({
    scheduler: new VirtualScheduler(),
    guilds: 1,
  });
  const server = await serveFakeGateway(gateway);
  try {
    assert.equal(server.url, `ws://127.0.0.1:${server.port}/`);
    assert.equal(server.resumeUrl, `ws://127.0.0.1:${server.port}/resume`);

    const first = new Socket(`${server.url}?v=10&encoding=json`);
    const hello = await first.json();
    assert.equal(hello.op, 10);
    assert.equal(hello.d.heartbeat_interval, 41_250);
    first.send(IDENTIFY);
    const ready = await first.json();
    assert.equal(ready.t, "READY");
    assert.equal(ready.s, 1);
    assert.equal(ready.d.resume_gateway_url, server.resumeUrl);
    const guildCreate = await first.json();
    assert.equal(guildCreate.t, "GUILD_CREATE");
    first.send({ op: 1, d: guildCreate.s });
    assert.equal((await first.json()).op, 11);

    assert.equal(gateway.dropConnection(), 1);
    const dropped = await first.closed;
    assert.equal(dropped.wasClean, false, "a drop sends no close frame");
    assert.ok(
      dropped.code === 1006 || dropped.code === 0,
      `abnormal closure, got ${dropped.code}`,
    );
    const guildId = gateway.guildIds[0]!;
    assert.equal(
      gateway.dispatch("MESSAGE_CREATE", {
        id: "1",
        channel_id: "2",
        guild_id: guildId,
      }),
      1,
    );

    const second = new Socket(
      `${ready.d.resume_gateway_url}?v=10&encoding=json`,
    );
    assert.equal((await second.json()).op, 10);
    second.send({
      op: 6,
      d: {
        token: "fake-token",
        session_id: ready.d.session_id,
        seq: guildCreate.s,
      },
    });
    const replayed = await second.json();
    assert.deepEqual([replayed.t, replayed.s], ["MESSAGE_CREATE", 3]);
    const resumed = await second.json();
    assert.deepEqual([resumed.t, resumed.s], ["RESUMED", 4]);

    const resume = gateway.log.find((event) => event.type === "resume");
    assert.ok(resume?.type === "resume");
    assert.equal(resume.kind, "resume");
    assert.equal(resume.outcome, "resumed");
    assert.equal(gateway.counters.sessionStarts, 1);

    const closed = await second.close(4000);
    assert.equal(closed.code, 4000);
  } finally {
    gateway.close();
    await server.close();
  }
});

Deno.test("serveFakeGateway reports close codes and client closes both ways", async () => {
  const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const server = await serveFakeGateway(gateway);
  try {
    const badVersion = new Socket(`${server.url}?v=5&encoding=json`);
    const closed = await badVersion.closed;
    assert.equal(closed.code, GatewayCloseCodes.InvalidAPIVersion);
    assert.equal(closed.wasClean, true);

    const client = new Socket(`${server.url}?v=10&encoding=json`);
    await client.json();
    client.send(IDENTIFY);
    const ready = await client.json();
    const sessionId = ready.d.session_id;
    const gone = gateway.nextEvent((event) => event.type === "close");
    await client.close(1000);
    const event = await gone;
    assert.ok(event.type === "close");
    assert.equal(event.code, 1000);
    assert.equal(event.initiator, "client");
    assert.equal(gateway.session(sessionId)?.state, "invalidated");
  } finally {
    gateway.close();
    await server.close();
  }
});

Deno.test("serveFakeGateway sends zlib-stream as binary frames a client can inflate", async () => {
  const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const server = await serveFakeGateway(gateway);
  try {
    const client = new Socket(
      `${server.url}?v=10&encoding=json&compress=zlib-stream`,
    );
    const frame = await client.next();
    assert.ok(frame instanceof Uint8Array);
    const text = zlib.inflateSync(frame, {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    }).toString();
    assert.equal(JSON.parse(text).op, 10);
    await client.close();
  } finally {
    gateway.close();
    await server.close();
  }
});

Deno.test("serveFakeGateway answers 404 off the two paths and 503 when refusing", async () => {
  const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const server = await serveFakeGateway(gateway);
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/other`);
    assert.equal(response.status, 404);
    await response.body?.cancel();

    gateway.planConnection("refuse");
    const refused = new Socket(`${server.resumeUrl}?v=10&encoding=json`);
    const closed = await refused.closed;
    assert.notEqual(closed.code, 1000);
    assert.equal(gateway.counters.refused, 1);
    assert.equal(gateway.counters.connections, 0);
  } finally {
    gateway.close();
    await server.close();
  }
});

Deno.test("FakeGateway.serve serves on 127.0.0.1 and takes the server's URLs", async () => {
  const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  await using server = await gateway.serve();
  assert.equal(gateway.url, server.url);
  assert.equal(gateway.resumeUrl, server.resumeUrl);
  const client = new Socket(`${gateway.url}?v=10&encoding=json`);
  assert.equal((await client.json()).op, 10);
  await client.close();
  gateway.close();
});

Deno.test("serveFakeGateway drops open connections when it closes", async () => {
  const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
  const server = await serveFakeGateway(gateway);
  const client = new Socket(`${server.url}?v=10&encoding=json`);
  await client.json();
  await server.close();
  const closed = await client.closed;
  assert.equal(closed.wasClean, false);
  assert.equal(gateway.connections.length, 0, "the gateway saw the drop");
  gateway.close();
  // Closing twice is harmless.
  await server.close();
});
