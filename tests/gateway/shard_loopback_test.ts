// A Shard on its default transport (as chosen without proxy variables: the
// TCP transport on Deno) against the fake gateway served on 127.0.0.1: real
// sockets, real time, no sleeps. Every wait
// is on an event, with a watchdog so a lost event fails instead of hanging.
import assert from "node:assert/strict";
import { createDefaultTransport } from "../../gateway/default_transport.ts";
import { Shard, type ShardDispatch } from "../../gateway/shard.ts";
import type { GatewayError } from "../../gateway/errors.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import {
  FakeGateway,
  type FakeGatewayEvent,
} from "../../testing/fake_gateway.ts";
import {
  type FakeGatewayServer,
  serveFakeGateway,
} from "../../testing/fake_gateway_server.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { within } from "../_fakes/watchdog.ts";
import {
  contentsOf,
  numberedContents,
  postNumberedMessages,
} from "../_fakes/numbered_messages.ts";

const TOKEN = "loopback-token";
const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** Records a shard's dispatches, states and errors; awaits the next match. */
class Recorder {
  readonly dispatches: ShardDispatch[] = [];
  readonly states: ShardStatus[] = [];
  readonly errors: GatewayError[] = [];
  #waiters: { match: (event: ShardDispatch) => boolean; done: () => void }[] =
    [];

  constructor(shard: Shard) {
    shard.on("dispatch", (event) => {
      this.dispatches.push(event);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.match(event)) return true;
        waiter.done();
        return false;
      });
    });
    shard.on("state", (change) => this.states.push(change.current));
    shard.on("error", (error) => this.errors.push(error));
  }

  /** Resolve once a dispatch matching `match` arrives after `from`. */
  waitFor(
    match: (event: ShardDispatch) => boolean,
    what: string,
    from = this.dispatches.length,
  ): Promise<void> {
    if (this.dispatches.slice(from).some(match)) return Promise.resolve();
    return within(
      new Promise<void>((done) => this.#waiters.push({ match, done })),
      what,
    );
  }

  /** The contents of the MESSAGE_CREATEs received, in order. */
  contents(): string[] {
    return contentsOf(this.dispatches);
  }

  /** How many RESUMED dispatches arrived. */
  resumedCount(): number {
    return this.dispatches.filter((event) => event.name === "RESUMED").length;
  }
}

interface Setup {
  gateway: FakeGateway;
  server: FakeGatewayServer;
  shard: Shard;
  recorder: Recorder;
  /** Dispatch MESSAGE_CREATEs `m<from>` to `m<to>` in the bot's guild. */
  post(from: number, to: number): void;
  /** Resolve when the message `m<n>` has arrived. */
  received(n: number): Promise<void>;
  /** Resolves when the fake has received (and so ACKed) the first heartbeat. */
  firstHeartbeat: Promise<void>;
  /** Close shard, fake and server, and wait until every socket is gone. */
  teardown(): Promise<void>;
}

async function setup(): Promise<Setup> {
  let heartbeatSeen!: () => void;
  const firstHeartbeat = new Promise<void>((resolve) =>
    heartbeatSeen = resolve
  );
  const gateway = new FakeGateway({
    tokens: [TOKEN],
    guilds: 1,
    onClientFrame: (_, frame) => {
      if (frame.op === 1) heartbeatSeen();
    },
  });
  const server = await serveFakeGateway(gateway);
  const shard = new Shard({
    token: TOKEN,
    intents: INTENTS,
    gatewayUrl: server.url,
    // The choice the default transport makes without proxy variables, so
    // the caller's environment does not pick the socket.
    transport: createDefaultTransport(() => undefined),
    // The first heartbeat goes out right after HELLO, so latency is measured.
    random: () => 0,
  });
  const recorder = new Recorder(shard);
  return {
    gateway,
    server,
    shard,
    recorder,
    firstHeartbeat,
    post: (from: number, to: number): void =>
      postNumberedMessages(gateway, from, to),
    received(n): Promise<void> {
      return recorder.waitFor(
        (event) =>
          event.name === "MESSAGE_CREATE" &&
          (event.data as { content: string }).content === `m${n}`,
        `m${n}`,
        0,
      );
    },
    async teardown(): Promise<void> {
      await shard.close();
      gateway.close();
      await server.close();
    },
  };
}

/** The fake's log entries of one type. */
function entries<T extends FakeGatewayEvent["type"]>(
  gateway: FakeGateway,
  type: T,
): Extract<FakeGatewayEvent, { type: T }>[] {
  return gateway.log.filter((event) => event.type === type) as Extract<
    FakeGatewayEvent,
    { type: T }
  >[];
}

Deno.test("Shard on the default WebSocket transport identifies, resumes after a TCP drop, a 4000 close and op 7, and loses nothing", async (t) => {
  const s = await setup();
  const { gateway, server, shard, recorder } = s;
  try {
    await t.step(
      "READY over a real socket, then a numbered stream",
      async () => {
        await within(shard.connect(), "READY");
        assert.equal(shard.status, "ready");
        assert.equal(recorder.dispatches[0]!.name, "READY");
        assert.equal(shard.resumeUrl, server.resumeUrl);
        await recorder.waitFor(
          (e) => e.name === "GUILD_CREATE",
          "GUILD_CREATE",
          0,
        );
        // The fake ACKs a heartbeat as it reads it, so once it has read the
        // first one its ACK is ahead of the messages posted next.
        await within(s.firstHeartbeat, "the first heartbeat");
        s.post(1, 20);
        await s.received(20);
        assert.deepEqual(recorder.contents(), numberedContents(1, 20));
        assert.equal(typeof shard.latency, "number", "the heartbeat was ACKed");
        assert.equal(entries(gateway, "identify").length, 1);
        assert.equal(gateway.allConnections[0]!.kind, "main");
      },
    );

    await t.step(
      "a TCP drop without a close frame: events sent while down are replayed on the resume URL",
      async () => {
        const before = gateway.counters.connections;
        assert.equal(gateway.dropConnection(), 1);
        // The session is resumable on the server; these are held for replay.
        s.post(21, 30);
        await recorder.waitFor((e) => e.name === "RESUMED", "RESUMED");
        await s.received(30);
        assert.equal(gateway.counters.connections, before + 1);
        const dropped = gateway.allConnections[before - 1]!;
        assert.equal(dropped.closeCode, 1006);
        assert.equal(dropped.closedBy, "server");
        const resumes = entries(gateway, "resume");
        assert.equal(resumes.length, 1);
        assert.equal(resumes[0]!.kind, "resume");
        assert.equal(resumes[0]!.outcome, "resumed");
        assert.equal(resumes[0]!.replayed, 10);
        assert.equal(gateway.connections[0]!.kind, "resume");
        assert.ok(
          gateway.connections[0]!.url.startsWith(server.resumeUrl),
          gateway.connections[0]!.url,
        );
        assert.deepEqual(recorder.contents(), numberedContents(1, 30));
        assert.deepEqual(recorder.states.slice(-5), [
          "reconnecting",
          "connecting",
          "waiting_for_hello",
          "resuming",
          "ready",
        ]);
        assert.equal(shard.status, "ready");
      },
    );

    await t.step("a server close 4000 resumes", async () => {
      const resumed = recorder.resumedCount();
      assert.equal(gateway.closeWith(4000, "Unknown error"), 1);
      s.post(31, 35);
      await recorder.waitFor((e) => e.name === "RESUMED", "RESUMED");
      await s.received(35);
      assert.equal(recorder.resumedCount(), resumed + 1);
      const last = entries(gateway, "resume").at(-1)!;
      assert.equal(last.kind, "resume");
      assert.equal(last.outcome, "resumed");
      assert.equal(last.replayed, 5);
      assert.deepEqual(recorder.contents(), numberedContents(1, 35));
    });

    await t.step(
      "op 7 with the client closing first: events after op 7 on the old socket come back by replay",
      async () => {
        const closes = entries(gateway, "close").length;
        assert.equal(gateway.reconnect(), 1);
        // Sent on the old socket after op 7; the shard has stopped reading it.
        s.post(36, 40);
        await recorder.waitFor((e) => e.name === "RESUMED", "RESUMED");
        await s.received(40);
        const close = entries(gateway, "close")[closes]!;
        assert.equal(close.initiator, "client");
        assert.equal(close.code, 4000, "a resumable client close");
        assert.equal(close.sessionResumable, true);
        assert.equal(entries(gateway, "resume").at(-1)!.kind, "resume");
        assert.deepEqual(recorder.contents(), numberedContents(1, 40));
      },
    );

    await t.step("op 7 followed at once by the server's close", async () => {
      assert.equal(gateway.reconnect({ closeAfter: 0 }), 1);
      s.post(41, 45);
      await recorder.waitFor((e) => e.name === "RESUMED", "RESUMED");
      await s.received(45);
      assert.equal(entries(gateway, "resume").at(-1)!.outcome, "resumed");
      assert.deepEqual(recorder.contents(), numberedContents(1, 45));
    });

    await t.step("op 7 where the server never closes", async () => {
      assert.equal(gateway.reconnect({ closeAfter: null }), 1);
      s.post(46, 50);
      await recorder.waitFor((e) => e.name === "RESUMED", "RESUMED");
      await s.received(50);
      assert.deepEqual(recorder.contents(), numberedContents(1, 50));
    });

    await t.step(
      "exactly once, in order, with one IDENTIFY for the whole run",
      () => {
        const sequences = recorder.dispatches.map((e) => e.sequence);
        assert.deepEqual(
          sequences,
          [...sequences].sort((a, b) => a - b),
          "sequences ascend",
        );
        assert.equal(new Set(sequences).size, sequences.length, "no repeats");
        assert.equal(
          sequences.at(-1)! - sequences[0]! + 1,
          sequences.length,
          "no gaps",
        );
        assert.equal(gateway.counters.identifies, 1);
        assert.equal(gateway.counters.resumed, 5);
        assert.equal(recorder.resumedCount(), 5);
        assert.equal(
          entries(gateway, "resume").every((r) => r.kind === "resume"),
          true,
        );
        assert.deepEqual(recorder.errors, []);
      },
    );

    await t.step(
      "close() ends the session with 1000 and leaves no socket",
      async () => {
        const closed = gateway.nextEvent((e) => e.type === "close");
        await shard.close();
        assert.equal(shard.status, "closed");
        const event = await within(closed, "the server to see the close");
        assert.equal(event.type === "close" && event.code, 1000);
        assert.equal(event.type === "close" && event.initiator, "client");
        assert.equal(gateway.connections.length, 0);
        assert.equal(gateway.sessions[0]!.state, "invalidated");
      },
    );
  } finally {
    await s.teardown();
  }
});
