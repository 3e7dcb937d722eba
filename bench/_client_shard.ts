/**
 * The library client: a real {@linkcode Client} (one shard, `gatewayUrl`
 * given so no REST call is made) doing the real handshake, with a
 * {@linkcode Handler} subclass that receives the events parsed and typed.
 *
 * - `all`: the handler overrides the method of each of the stream's ten
 *   event types, so every event is parsed and delivered.
 * - `one`: the handler overrides one method (`--want`, by default
 *   `onInteractionCreate`: a slash-command bot), so the client wants one
 *   type and the shard never parses the other nine.
 *
 * - `cached`: `all`, with a full cache (`cache: {}`: every resource, 100
 *   messages per channel) given the stream's 40 guilds before it starts.
 *   The handler is the same as `all`'s, so the Client parses the same
 *   events as in `all` (all ten types); the cache adds its work on the
 *   seven of them it reduces (not TYPING_START, INTERACTION_CREATE or
 *   the ones no resource keeps). `ctx.old` is a copy made only when
 *   read, and this handler never reads it: a handler that does pays that
 *   copy too.
 *
 * - `kept`: `all` without a cache, whose handler also runs the cache's
 *   pure core (`reduceDispatch`, every resource, against an empty state)
 *   on each event and keeps the changes it returns in an array of the
 *   last 100,000: what keeping the payloads costs with no store at all (no
 *   index, no lookups, no compact form) — the floor under (e)'s ratio.
 *
 * - `maps`: `all` without a cache, whose handler also keeps each event in
 *   the cheapest whole cache there is (`bench/_naive_cache.ts`: payloads as
 *   sent in Maps, 100 messages per channel), given the stream's 40 guilds
 *   first: what keeping and indexing the state costs before any of the
 *   work of the real cache (checks, previous state, compact form).
 *
 * Each handler method checks its event exactly as the floor does: the
 * sequence (from `ctx.shard.sequence`, which the shard sets before
 * delivering) must increase, the type must be the scheduled one and the
 * payload must carry that sequence's key.
 *
 * @module
 */
import {
  Client,
  type ClientOptions,
  type Context,
  Handler,
} from "../handler/mod.ts";
import {
  type GatewaySocket,
  type Transport,
  webSocketTransport,
} from "../gateway/transport.ts";
import { defaultTransport } from "../gateway/default_transport.ts";
import { tcpWebSocketTransport } from "../gateway/tcp_transport.ts";
import { GatewayIntent } from "../types/intents.ts";
import {
  CACHE_RESOURCES,
  type CacheLookup,
  reduceDispatch,
} from "../cache/mod.ts";
import { HANDLER_METHOD_NAMES } from "../types/events.ts";
import type { GatewayEventMap } from "../types/mod.ts";
import {
  type CaseResult,
  Meter,
  parseFlags,
  peakRss,
  SAMPLE_MASK,
} from "./_measure.ts";
import {
  BENCH_INTENTS,
  DEFAULT_SEED,
  EVENT_NAMES,
  type EventName,
  KEY_CHECKS,
  KEY_SAMPLE_MASK,
  lastSequence,
  READY_SEQUENCE,
  schedule,
  snowflakes,
  type StreamSpec,
  typeIndex,
} from "./_stream.ts";
import { streamGuildCreates } from "./_cache_payloads.ts";
import { NaiveCache } from "./_naive_cache.ts";

/** Options for {@linkcode runShard}. */
export interface ShardClientOptions {
  /** The server, `ws://127.0.0.1:<port>`. */
  url: string;
  /** Transport compression. */
  compress: "none" | "zlib-stream" | "zstd-stream";
  /** The stream the server sends. */
  spec: StreamSpec;
  /**
   * `all`: handle the ten types; `one`: handle `want` only; `cached`: as
   * `all`, with a full cache; `kept` and `maps`: as `all`, with the
   * references described in the module's documentation.
   */
  mode: "all" | "one" | "cached" | "kept" | "maps";
  /**
   * The one type handled in `one` mode.
   *
   * @default {"INTERACTION_CREATE"}
   */
  want?: EventName;
  /**
   * Client `events` option.
   *
   * @default {"auto"}
   */
  events?: "auto" | "all";
  /**
   * The socket: what a Client uses by default, the runtime's `WebSocket`,
   * or `tcpWebSocketTransport`.
   *
   * @default {"default"}
   */
  transport?: BenchTransport;
}

/** Which socket a library client runs on. */
export type BenchTransport = "default" | "websocket" | "tcp";

/** The transport behind each {@linkcode BenchTransport} name. */
export const BENCH_TRANSPORTS: Readonly<Record<BenchTransport, Transport>> = {
  default: defaultTransport,
  websocket: webSocketTransport,
  tcp: tcpWebSocketTransport,
};

if (
  BENCH_INTENTS !== (GatewayIntent.Guilds | GatewayIntent.GuildMembers |
    GatewayIntent.GuildVoiceStates | GatewayIntent.GuildPresences |
    GatewayIntent.GuildMessages | GatewayIntent.GuildMessageReactions |
    GatewayIntent.GuildMessageTyping | GatewayIntent.MessageContent)
) {
  throw new Error("BENCH_INTENTS does not match the stream's intents");
}

/** Checks each event the way the floor does and ends the window. */
class Checker {
  readonly meter: Meter;
  readonly types: Uint8Array;
  readonly keys: string[];
  readonly last: number;
  previous = READY_SEQUENCE;
  delivered = 0;
  errors = 0;
  firstError: string | undefined;
  complete = false;
  done!: () => void;
  readonly finished = new Promise<void>((resolve) => this.done = resolve);

  constructor(spec: StreamSpec) {
    this.meter = new Meter(spec.events);
    this.types = schedule(spec);
    this.keys = snowflakes(spec);
    this.last = lastSequence(spec);
  }

  /**
   * Set in `kept` and `maps` modes: called with each event before it is
   * checked.
   */
  keep: ((type: number, d: unknown) => void) | undefined;

  check(type: number, d: unknown, ctx: Context): void {
    this.keep?.(type, d);
    const s = ctx.shard.sequence!;
    if (!(s > this.previous)) this.fail(`sequence ${s} after ${this.previous}`);
    else if (this.types[s] !== type) {
      this.fail(
        `sequence ${s} reached the ${EVENT_NAMES[type]} handler, expected ${
          EVENT_NAMES[this.types[s]!]
        }`,
      );
    } else if (
      (s & KEY_SAMPLE_MASK) === 0 &&
      !KEY_CHECKS[type]!(d, s, this.keys[s >>> 3])
    ) {
      this.fail(`sequence ${s} carries the wrong payload`);
    } else this.delivered++;
    this.previous = s;
    if ((s & SAMPLE_MASK) === 0) this.meter.sample();
    if (s >= this.meter.nextLap) this.meter.lap(s);
    if (s === this.last) {
      this.meter.stop();
      this.complete = true;
      this.done();
    }
  }

  fail(message: string): void {
    this.errors++;
    this.firstError ??= message;
  }
}

/**
 * The `kept` mode's work per event: the cache core's changes for it,
 * against an empty state (every guild held), kept in a ring of the last
 * 100,000.
 */
function keepChanges(): (type: number, d: unknown) => void {
  const config = { resources: new Set(CACHE_RESOURCES) };
  // Empty but for the guilds: every event's guild is held, as in (e).
  const held = {};
  const empty: CacheLookup = {
    get: (kind) => kind === "guild" ? held : undefined,
    ids: () => [],
  };
  const kept: unknown[] = new Array(100_000);
  let next = 0;
  return (type, d) => {
    const update = reduceDispatch(empty, EVENT_NAMES[type]!, d, config);
    for (const change of update.changes) {
      kept[next] = change;
      next = next === kept.length - 1 ? 0 : next + 1;
    }
  };
}

/** The `maps` mode's work per event: the naive cache, given the guilds. */
function keepInMaps(): (type: number, d: unknown) => void {
  const naive = new NaiveCache();
  for (const guild of streamGuildCreates()) naive.apply("GUILD_CREATE", guild);
  return (type, d) => naive.apply(EVENT_NAMES[type]!, d);
}

/** Handles all ten event types, as a bot author would write it. */
class AllEvents extends Handler {
  readonly #c: Checker;

  constructor(checker: Checker) {
    super();
    this.#c = checker;
  }

  override onReady(_data: GatewayEventMap["READY"], _ctx: Context): void {
    this.#c.meter.start(READY_SEQUENCE);
  }
  override onMessageCreate(
    data: GatewayEventMap["MESSAGE_CREATE"],
    ctx: Context,
  ): void {
    this.#c.check(0, data, ctx);
  }
  override onPresenceUpdate(
    data: GatewayEventMap["PRESENCE_UPDATE"],
    ctx: Context,
  ): void {
    this.#c.check(1, data, ctx);
  }
  override onTypingStart(
    data: GatewayEventMap["TYPING_START"],
    ctx: Context,
  ): void {
    this.#c.check(2, data, ctx);
  }
  override onMessageReactionAdd(
    data: GatewayEventMap["MESSAGE_REACTION_ADD"],
    ctx: Context,
  ): void {
    this.#c.check(3, data, ctx);
  }
  override onMessageUpdate(
    data: GatewayEventMap["MESSAGE_UPDATE"],
    ctx: Context,
  ): void {
    this.#c.check(4, data, ctx);
  }
  override onMessageDelete(
    data: GatewayEventMap["MESSAGE_DELETE"],
    ctx: Context,
  ): void {
    this.#c.check(5, data, ctx);
  }
  override onGuildMemberUpdate(
    data: GatewayEventMap["GUILD_MEMBER_UPDATE"],
    ctx: Context,
  ): void {
    this.#c.check(6, data, ctx);
  }
  override onVoiceStateUpdate(
    data: GatewayEventMap["VOICE_STATE_UPDATE"],
    ctx: Context,
  ): void {
    this.#c.check(7, data, ctx);
  }
  override onInteractionCreate(
    data: GatewayEventMap["INTERACTION_CREATE"],
    ctx: Context,
  ): void {
    this.#c.check(8, data, ctx);
  }
  override onGuildCreate(
    data: GatewayEventMap["GUILD_CREATE"],
    ctx: Context,
  ): void {
    this.#c.check(9, data, ctx);
  }
}

/** Handles one event type (chosen at run time). */
class OneEvent extends Handler {
  readonly c: Checker;

  constructor(checker: Checker) {
    super();
    this.c = checker;
  }

  override onReady(_data: GatewayEventMap["READY"], _ctx: Context): void {
    this.c.meter.start(READY_SEQUENCE);
  }
}

/** A handler class that overrides exactly `want`'s method. */
function oneEventHandler(want: EventName, checker: Checker): Handler {
  const type = typeIndex(want);
  class Wanted extends OneEvent {}
  Object.defineProperty(Wanted.prototype, HANDLER_METHOD_NAMES[want], {
    value: function (this: OneEvent, data: unknown, ctx: Context): void {
      this.c.check(type, data, ctx);
    },
  });
  return new Wanted(checker);
}

/**
 * Receive the whole stream once through the library's Client.
 *
 * @param options Server, compression, stream and handler kind.
 * @returns What was received and what it cost.
 */
export async function runShard(
  options: ShardClientOptions,
): Promise<CaseResult> {
  const { spec, compress, mode } = options;
  const want = options.want ?? "INTERACTION_CREATE";
  const checker = new Checker(spec);
  const handler = mode === "one"
    ? oneEventHandler(want, checker)
    : new AllEvents(checker);
  const expected = mode !== "one" ? spec.events : checker.types.reduce(
    (n, type, s) => s > READY_SEQUENCE && type === typeIndex(want) ? n + 1 : n,
    0,
  );
  // The chosen transport, told when its socket is really gone (so the
  // caller can wait for it); nothing is wrapped on the message path.
  let socketClosed!: () => void;
  const closed = new Promise<void>((resolve) => socketClosed = resolve);
  const base = BENCH_TRANSPORTS[options.transport ?? "default"];
  const transport: Transport = (url, listener): GatewaySocket =>
    base(url, {
      ...listener,
      onClose: (code, reason) => {
        socketClosed();
        listener.onClose(code, reason);
      },
    });
  const clientOptions: ClientOptions = {
    token: "bench-token",
    intents: BENCH_INTENTS,
    gatewayUrl: `${options.url}/stream`,
    shards: 1,
    compress,
    transport,
    // The first heartbeat at half of HELLO's half hour: never during a run.
    random: () => 0.5,
  };
  if (options.events === "all") clientOptions.events = "all";
  if (mode === "cached") clientOptions.cache = {};
  if (mode === "kept") checker.keep = keepChanges();
  if (mode === "maps") checker.keep = keepInMaps();
  const client = new Client(clientOptions);
  if (mode === "cached") {
    for (const guild of streamGuildCreates()) {
      client.cache.apply("GUILD_CREATE", guild);
    }
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await client.stop();
    await closed;
  };
  const closedEarly = closed.then(() => {
    if (!checker.complete) {
      checker.fail(`the connection closed after sequence ${checker.previous}`);
      if (checker.meter.running) checker.meter.stop();
    }
  });
  try {
    await client.start(handler);
    await Promise.race([checker.finished, closedEarly]);
  } finally {
    await stop();
  }
  return {
    client: mode,
    compress,
    events: spec.events,
    expected,
    delivered: checker.delivered,
    errors: checker.errors +
      (checker.complete && checker.delivered !== expected ? 1 : 0),
    ...(checker.firstError !== undefined
      ? { firstError: checker.firstError }
      : checker.complete && checker.delivered !== expected
      ? { firstError: `${checker.delivered} of ${expected} events delivered` }
      : {}),
    complete: checker.complete,
    cpuUs: checker.meter.cpuUs,
    windowCpuUs: checker.meter.windows,
    wallMs: checker.meter.wallMs,
    peakRss: peakRss(),
    peakHeap: checker.meter.peakHeap,
  };
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  // The full cache keeps resources the stream's intents never update
  // (emojis, …): the start-up warning says so once per process, which in a
  // benchmark is noise. Errors still show.
  const { configure } = await import("@logtape/logtape");
  await configure({
    sinks: {},
    loggers: [
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
      { category: ["disruption", "cache"], lowestLevel: "error", sinks: [] },
    ],
  });
  const result = await runShard({
    url: flags.get("url")!,
    compress: (flags.get("compress") ?? "none") as ShardClientOptions[
      "compress"
    ],
    spec: {
      events: Number(flags.get("events")),
      seed: Number(flags.get("seed") ?? DEFAULT_SEED),
      last: (flags.get("last") ?? "INTERACTION_CREATE") as EventName,
    },
    mode: (flags.get("mode") ?? "all") as ShardClientOptions["mode"],
    want: (flags.get("want") ?? "INTERACTION_CREATE") as EventName,
    events: (flags.get("client-events") ?? "auto") as "auto" | "all",
    transport: (flags.get("transport") ?? "default") as BenchTransport,
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
