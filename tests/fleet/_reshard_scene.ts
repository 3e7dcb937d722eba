// A ReshardingShards bot on the in-process fake gateway and a virtual
// clock, for the tests of what happens around a reshard's switch: the
// connections of one shard count can have their inbound frames handed on
// late (in virtual time, in order, ACKs included: a socket read late), a
// numbered message stream goes round the guilds, and what the handler got
// is tallied by message ID.
import assert from "node:assert/strict";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { ReshardingShards } from "../../fleet/mod.ts";
import type { SessionStartLimit } from "../../gateway/identify_queue.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import type { SocketListener, Transport } from "../../gateway/transport.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import type { FakeGatewayOptions } from "../../testing/fake_gateway_types.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Options for {@linkcode reshardScene}. */
export interface ReshardSceneOptions {
  /** The shard count to start with. */
  count: number;
  /** Guilds of the fake (16). */
  guilds?: number;
  /** The fake's heartbeat interval (5 s: the barrier's ACKs come soon). */
  heartbeatInterval?: number;
  /** The fake's and the queue's max_concurrency (16). */
  maxConcurrency?: number;
  /** The queue's budget, also the fake's (none: unlimited). */
  sessionStartLimit?: SessionStartLimit;
  /** More options for the fake. */
  gateway?: Partial<FakeGatewayOptions>;
}

/** The bot, the fake and the helpers of a test. */
export interface ReshardScene {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  shards: ReshardingShards;
  queue: MemoryIdentifyQueue;
  delivered: FleetDispatch[];
  /** Inbound lag (virtual ms) of the connections of each shard count. */
  lag: Map<number, number>;
  /**
   * RESUMEs of shard `"<id>/<count>"` still to refuse: the connection is
   * dropped (1006) before the fake sees the RESUME, so the session stays
   * resumable there and the shard tries again after its backoff.
   */
  refuseResumes: Map<string, number>;
  /**
   * URLs down (`"main"`, `"resume"`): a connection to one fails before it
   * opens, as in a network outage.
   */
  outage: Set<"main" | "resume">;
  /** The message IDs sent, in order. */
  sent: string[];
  /** Send `n` messages (`m0`, `m1`, ...), each in the next guild round. */
  send(n?: number): void;
  /** A message every `every` ms for `ms` ms of virtual time. */
  stream(ms: number, every?: number): Promise<void>;
  /** Run the clock `ms` ms, in steps of `step`. */
  run(ms: number, step?: number): Promise<void>;
  /**
   * Stream messages (one per 20 ms) until `promise` settles, at most
   * `limitMs` of virtual time; its outcome, or `undefined` if unsettled.
   */
  settle<T>(
    promise: Promise<T>,
    limitMs?: number,
    streaming?: boolean,
  ): Promise<PromiseSettledResult<T> | undefined>;
  /** Messages never delivered, and those delivered more than once. */
  tally(): { lost: string[]; twice: string[] };
  /**
   * When the client closed the connections of shard `id` of `count` (the
   * ones it ended itself), in order.
   */
  clientClosedAt(id: number, count: number): number[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Set up a bot of `options.count` shards, not started. */
export function reshardScene(options: ReshardSceneOptions): ReshardScene {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const maxConcurrency = options.maxConcurrency ?? 16;
  const limit = options.sessionStartLimit;
  const gateway = new FakeGateway({
    scheduler,
    guilds: options.guilds ?? 16,
    maxConcurrency,
    heartbeatInterval: options.heartbeatInterval ?? 5_000,
    ...(limit
      ? {
        sessionStartLimit: {
          total: limit.total,
          remaining: limit.remaining,
          resetAfter: limit.reset_after,
        },
      }
      : {}),
    ...options.gateway,
  });
  const lag = new Map<number, number>();
  const refuseResumes = new Map<string, number>();
  const outage = new Set<"main" | "resume">();
  const transport: Transport = (url, listener) => {
    const kind = url.startsWith(gateway.resumeUrl) ? "resume" : "main";
    if (!outage.has(kind)) {
      return lagging(gateway, scheduler, { lag, refuseResumes }, url, listener);
    }
    scheduler.setTimeout(() => {
      listener.onError(new Error("network down (the test's outage)"));
      listener.onClose(1006, "");
    }, 1);
    return { send: () => false, close: () => {} };
  };
  const queue = new MemoryIdentifyQueue({
    scheduler,
    maxConcurrency,
    ...(limit ? { sessionStartLimit: limit } : {}),
  });
  const delivered: FleetDispatch[] = [];
  const shards = new ReshardingShards({
    shard: {
      token: "fake-token",
      intents: 1,
      gatewayUrl: gateway.url,
      transport,
    },
    shardCount: options.count,
    identifyQueue: queue,
    scheduler,
    onDispatch: (event) => delivered.push(event),
  });
  const sent: string[] = [];
  const send = (n = 1): void => {
    for (let i = 0; i < n; i++) {
      const guilds = gateway.guildIds;
      const id = `m${sent.length}`;
      gateway.dispatch(
        "MESSAGE_CREATE",
        {
          id,
          guild_id: guilds[sent.length % guilds.length],
          channel_id: "1",
          content: id,
        },
        { ignoreIntents: true, warnIfFiltered: false },
      );
      sent.push(id);
    }
  };
  const run = async (ms: number, step = 20): Promise<void> => {
    for (let t = 0; t < ms; t += step) await scheduler.advance(step);
  };
  const stream = async (ms: number, every = 20): Promise<void> => {
    for (let t = 0; t < ms; t += every) {
      send();
      await scheduler.advance(every);
    }
  };
  const settle = async <T>(
    promise: Promise<T>,
    limitMs = 600_000,
    streaming = true,
  ): Promise<PromiseSettledResult<T> | undefined> => {
    let result: PromiseSettledResult<T> | undefined;
    promise.then(
      (value) => result = { status: "fulfilled", value },
      (reason) => result = { status: "rejected", reason },
    );
    for (let t = 0; t < limitMs && !result; t += 20) {
      if (streaming) send();
      await scheduler.advance(20);
    }
    return result;
  };
  const tally = (): { lost: string[]; twice: string[] } => {
    const counts = new Map<string, number>();
    for (const event of delivered) {
      if (event.name !== "MESSAGE_CREATE") continue;
      const id = (event.data as { id: string }).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return {
      lost: sent.filter((id) => !counts.has(id)),
      twice: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    };
  };
  const clientClosedAt = (id: number, count: number): number[] =>
    gateway.allConnections.filter((c) =>
      c.shard?.[0] === id && c.shard?.[1] === count &&
      c.closedBy === "client" && c.closedAt !== null
    ).map((c) => c.closedAt!);
  return {
    scheduler,
    gateway,
    shards,
    queue,
    delivered,
    lag,
    refuseResumes,
    outage,
    sent,
    send,
    stream,
    run,
    settle,
    tally,
    clientClosedAt,
    async [Symbol.asyncDispose](): Promise<void> {
      await settle(shards.close(), 60_000, false);
      gateway.close();
      await run(1_000);
    },
  };
}

/**
 * Send one message twice, the same payload both times (as an event that
 * repeats an earlier one exactly), and run the clock a second: how many
 * times the handler got it (2 with no duplicate filter on).
 */
export async function repeatedTwice(t: ReshardScene): Promise<number> {
  const message = {
    id: "again",
    guild_id: t.gateway.guildIds[0],
    channel_id: "1",
    content: "again",
  };
  for (let i = 0; i < 2; i++) {
    t.gateway.dispatch("MESSAGE_CREATE", message, {
      ignoreIntents: true,
      warnIfFiltered: false,
    });
  }
  await t.run(1_000);
  return t.delivered.filter((e) => (e.data as { id?: string }).id === "again")
    .length;
}

/**
 * The fake's in-process transport, with inbound frames (and the close)
 * handed on `lag.get(count)` virtual ms late, in order, once the connection
 * is known to be of shard count `count` (by its IDENTIFY, or the session
 * its RESUME names); a RESUME `refuseResumes` lists is dropped instead.
 */
function lagging(
  gateway: FakeGateway,
  scheduler: VirtualScheduler,
  { lag, refuseResumes }: {
    lag: ReadonlyMap<number, number>;
    refuseResumes: Map<string, number>;
  },
  url: string,
  listener: SocketListener,
): ReturnType<Transport> {
  let count = -1;
  let dropped = false;
  /** When the last frame handed on late is due: later ones come after it. */
  let chain = 0;
  const later = (f: () => void): void => {
    const ms = lag.get(count) ?? 0;
    if (ms === 0 && chain <= scheduler.now()) return f();
    chain = Math.max(chain, scheduler.now() + ms);
    scheduler.setTimeout(f, chain - scheduler.now());
  };
  const socket = gateway.transport(url, {
    onOpen: () => listener.onOpen(),
    onMessage: (data) => dropped || later(() => listener.onMessage(data)),
    onBytes: () => dropped || listener.onBytes?.(),
    onClose: (code, reason) =>
      dropped || later(() => listener.onClose(code, reason)),
    onError: (error) => listener.onError(error),
  });
  return {
    send(data: string): boolean | void {
      const payload = JSON.parse(data) as {
        op: number;
        d?: { shard?: [number, number]; session_id?: string };
      };
      if (payload.op === 2 && payload.d?.shard) count = payload.d.shard[1];
      if (payload.op === 6) {
        const session = gateway.sessions.find((s) =>
          s.id === payload.d?.session_id
        );
        count = session?.shard?.[1] ?? count;
        const key = session?.shard?.join("/") ?? "";
        const left = refuseResumes.get(key) ?? 0;
        if (left > 0) {
          refuseResumes.set(key, left - 1);
          // Closed with 4000, the fake keeps the session resumable; the
          // shard sees the connection drop a moment later.
          dropped = true;
          socket.close(4000, "refused by the test");
          scheduler.setTimeout(() => listener.onClose(1006, ""), 1);
          return true;
        }
      }
      return socket.send(data);
    },
    close: (code: number, reason?: string) => socket.close(code, reason),
  };
}

/** Start the scene's first set: the test fails unless start() resolves. */
export async function startFirstSet(t: ReshardScene): Promise<void> {
  const outcome = await t.settle(t.shards.start(), 60_000, false);
  assert.equal(
    outcome?.status,
    "fulfilled",
    outcome?.status === "rejected" ? String(outcome.reason) : "unsettled",
  );
}

/** Run the clock, 20 ms at a time, until the bot runs `count` shards. */
export async function switchedTo(
  t: ReshardScene,
  count: number,
): Promise<void> {
  await t.settle(
    (async () => {
      while (t.shards.shardCount !== count) await t.scheduler.advance(20);
    })(),
  );
}
