/**
 * A protocol-faithful fake Discord gateway: the server side of the gateway
 * protocol (API v10/v9, JSON encoding) running in the test process, with the
 * checks Discord documents and a scripting surface for chaos tests.
 *
 * Connect a client to it in-process through {@linkcode FakeGateway.transport},
 * or over a real WebSocket with `serveFakeGateway` from the same entry point.
 *
 * @module
 */
import type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../gateway/transport.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { GatewayCloseCode } from "../types/close_codes.ts";
import {
  ALL_INTENTS,
  GatewayIntent,
  PRIVILEGED_INTENTS,
} from "../types/intents.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import type { GatewayPayload } from "../types/gateway_payloads.ts";
import { FakeSocket } from "./fake_socket.ts";
import type {
  FakeGatewayServer,
  FakeGatewayServerOptions,
} from "./fake_gateway_server.ts";
import type {
  FakeAcceptOptions,
  FakeGatewayPeer,
  FakeGatewayPeerHandle,
  FakeGatewayUrlKind,
} from "./fake_gateway_peer.ts";
export type {
  FakeAcceptOptions,
  FakeGatewayCarrier,
  FakeGatewayPeer,
  FakeGatewayPeerHandle,
  FakeGatewayUrlKind,
} from "./fake_gateway_peer.ts";
import {
  compressPayload,
  createStreamCompressor,
  splitZlibPayload,
  type StreamCompressor,
} from "./_compressor.ts";

// --- public types -----------------------------------------------------------

/** Per-token settings for {@linkcode FakeGatewayOptions.tokens}. */
export interface FakeGatewayTokenOptions {
  /**
   * The privileged intents (`GUILD_MEMBERS`, `GUILD_PRESENCES`,
   * `MESSAGE_CONTENT`) enabled for this bot; requesting any other gets 4014.
   *
   * @default {PRIVILEGED_INTENTS}
   */
  privilegedIntents?: number;
}

/** The session-start budget, as `GET /gateway/bot` reports it. */
export interface FakeSessionStartLimitOptions {
  /**
   * Session starts allowed per window.
   *
   * @default {1000}
   */
  total?: number;
  /**
   * Session starts left in the current window.
   *
   * @default {total}
   */
  remaining?: number;
  /**
   * Milliseconds until the window resets (later windows last 24 h).
   *
   * @default {86400000}
   */
  resetAfter?: number;
}

/** A guild the fake bot is in: its ID plus fields merged into GUILD_CREATE. */
export interface FakeGuildSeed {
  /** The guild's snowflake. */
  id: string;
  /** Anything else to put in GUILD_CREATE (overrides the generated fields). */
  [field: string]: unknown;
}

/** Options for {@linkcode FakeGateway}. */
export interface FakeGatewayOptions {
  /**
   * The clock for every timer the fake runs: heartbeat deadlines, session
   * TTLs, the close after op 7, and the times used by its rate limits.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * The main gateway URL the in-process transport answers on.
   *
   * @default {"wss://gateway.discord.gg"}
   */
  url?: string;
  /**
   * The URL sent as READY's `resume_gateway_url`; must differ from `url`.
   *
   * @default {"wss://resume.gateway.discord.gg"}
   */
  resumeUrl?: string;
  /**
   * The bot tokens IDENTIFY accepts. A list allows every privileged intent;
   * a record sets the allowed privileged intents per token.
   *
   * @default {["fake-token"]}
   */
  tokens?: readonly string[] | Record<string, FakeGatewayTokenOptions>;
  /**
   * HELLO's `heartbeat_interval` in milliseconds.
   *
   * @default {41250}
   */
  heartbeatInterval?: number;
  /**
   * Extra milliseconds past `heartbeatInterval` the server waits for the
   * next heartbeat (counted from HELLO, then from each heartbeat) before it
   * closes the connection with `heartbeatTimeoutCode`.
   *
   * @default {5000}
   */
  heartbeatTolerance?: number;
  /**
   * The close code for a missed heartbeat. Discord does not document it;
   * 4009 ("Session timed out") is what it is seen to use, and the close-code
   * table says a 4009 session is gone, so it ends the session; any code not
   * in that table's "start a new session" rows keeps it resumable.
   *
   * @default {4009}
   */
  heartbeatTimeoutCode?: number;
  /**
   * IDENTIFYs allowed per 5 s: one for each `shard_id % maxConcurrency`
   * bucket. An IDENTIFY over that gets op 9 `d:false` and the socket stays
   * open.
   *
   * @default {1}
   */
  maxConcurrency?: number;
  /** The session-start budget, per token. */
  sessionStartLimit?: FakeSessionStartLimitOptions;
  /**
   * Milliseconds a session stays resumable after its connection ends with
   * anything but a client close 1000/1001.
   *
   * @default {90000}
   */
  sessionTtl?: number;
  /**
   * Dispatches kept per session for RESUME; a RESUME whose `seq` is older
   * than the oldest kept gets 4007.
   *
   * @default {10000}
   */
  replayBufferSize?: number;
  /**
   * The guilds the bot is in: a count (IDs are generated, spread evenly over
   * shards) or the IDs themselves, optionally with GUILD_CREATE fields.
   *
   * @default {0}
   */
  guilds?: number | readonly (string | FakeGuildSeed)[];
  /**
   * Members per guild, the bot included (members are generated: `member1`,
   * `member2`, …). Used for GUILD_CREATE's `member_count` and op 8 replies.
   *
   * @default {1}
   */
  membersPerGuild?: number;
  /**
   * Guilds one shard may hold; an IDENTIFY that would exceed it gets 4011.
   *
   * @default {2500}
   */
  maxGuildsPerShard?: number;
  /**
   * Large-bot sharding: `num_shards` must be a multiple of this, else 4010.
   *
   * @default {1}
   */
  shardCountMultiple?: number;
  /**
   * The bot's user.
   *
   * @default {{ id: "1100000000000000001", username: "FakeBot" }}
   */
  botUser?: { id: string; username: string };
  /**
   * The application ID in READY.
   *
   * @default {botUser.id}
   */
  applicationId?: string;
  /**
   * The per-connection limit on frames the client sends, heartbeats
   * included, in a rolling window; the frame over the limit closes with
   * 4008. A frame sent at `t` counts until `t + window`.
   *
   * @default {{ limit: 120, window: 60000 }}
   */
  rateLimit?: { limit?: number; window?: number };
  /**
   * Milliseconds after op 7 (from {@linkcode FakeGateway.reconnect} or a
   * `"reconnect"` connection plan) before the server closes a connection
   * the client has not closed itself.
   *
   * @default {5000}
   */
  reconnectCloseDelay?: number;
  /**
   * With `?compress=zlib-stream`, split every compressed payload across this
   * many WebSocket messages (only the last ends in `00 00 ff ff`), to test
   * client buffering. `zstd-stream` always sends one message per payload,
   * as documented.
   *
   * @default {1}
   */
  zlibFrameParts?: number;
  /**
   * Drop and trim dispatches the way intents do (§8): events gated by an
   * intent the session did not request are not sent, and message content is
   * emptied without `MESSAGE_CONTENT`.
   *
   * @default {true}
   */
  filterIntents?: boolean;
  /** Called with every entry added to {@linkcode FakeGateway.log}. */
  onEvent?: (event: FakeGatewayEvent) => void;
  /** Called with every frame a client sends, after it is decoded. */
  onClientFrame?: (connectionId: number, frame: FakeClientFrame) => void;
  /** Called when an IDENTIFY has been handled (the `"identify"` log entry). */
  onIdentify?: (event: FakeIdentifyEvent) => void;
  /** Called when a RESUME has been handled (the `"resume"` log entry). */
  onResume?: (event: FakeResumeEvent) => void;
}

/**
 * Where a connection is: waiting for IDENTIFY/RESUME (`"handshaking"`, also
 * after op 9), attached to a session (`"ready"`), or gone.
 */
export type FakeConnectionState = "handshaking" | "ready" | "closed";

/**
 * Where a session is: on a live connection, disconnected but resumable,
 * invalidated (client close 1000/1001, op 9 `d:false`, a fatal close or
 * 4007), or past its TTL.
 */
export type FakeSessionState =
  | "active"
  | "resumable"
  | "invalidated"
  | "expired";

/** What a scripting call applies to; without fields, every live connection. */
export interface FakeGatewayTarget {
  /** Only connections whose session is on this shard ID. */
  shardId?: number;
  /** Only this connection. */
  connectionId?: number;
}

/** Options for {@linkcode FakeGateway.dispatch}. */
export interface FakeDispatchOptions {
  /**
   * Route as an event of this guild: to sessions with
   * `(guild_id >> 22) % num_shards === shard_id`. `null` routes as an event
   * without a guild (shard 0 only).
   *
   * @default {the `guild_id` in the data (or `id` for GUILD_CREATE/UPDATE/DELETE)}
   */
  guildId?: string | null;
  /** Send to sessions on this shard ID instead of routing. */
  shardId?: number;
  /** Send only to this session. */
  sessionId?: string;
  /**
   * Send even where the session's intents would filter the event out.
   *
   * @default {false}
   */
  ignoreIntents?: boolean;
}

/** Options for {@linkcode FakeGateway.reconnect}. */
export interface FakeReconnectOptions extends FakeGatewayTarget {
  /**
   * Milliseconds before the server closes a connection the client kept
   * open; `null` never closes.
   *
   * @default {FakeGatewayOptions.reconnectCloseDelay}
   */
  closeAfter?: number | null;
  /**
   * The code for that close (the session stays resumable).
   *
   * @default {4000}
   */
  code?: number;
}

/** Options for {@linkcode FakeGateway.closeWith}. */
export interface FakeCloseOptions extends FakeGatewayTarget {
  /**
   * The close reason.
   *
   * @default {""}
   */
  reason?: string;
  /**
   * Whether the session survives. By default it does, except for the codes
   * that mean it is gone (4003, 4004, 4007, 4010-4014).
   */
  resumable?: boolean;
}

/**
 * What the next connection does instead of the normal handshake:
 * `"refuse"` fails before it opens; `"drop"` opens, then drops (no close
 * frame); `"no-hello"` opens and never sends HELLO; `"reconnect"` sends op 7
 * instead of HELLO, then closes after `reconnectCloseDelay`.
 */
export type FakeConnectionPlan = "refuse" | "drop" | "no-hello" | "reconnect";

/** One frame a client sent. */
export interface FakeClientFrame {
  /** Scheduler time it arrived. */
  at: number;
  /** Its size in bytes. */
  size: number;
  /** Its opcode, or `null` when it did not decode to a payload with one. */
  op: number | null;
  /** Its `d`, when it decoded to a payload (so a frame reads like one). */
  d: unknown;
  /** The decoded JSON, or the raw frame when it did not decode. */
  payload: unknown;
}

/** A snapshot of one connection, taken when read. */
export interface FakeGatewayConnection {
  /** Connection ID (1, 2, …). */
  readonly id: number;
  /** The URL the client connected to, query included. */
  readonly url: string;
  /** Whether that was the main or the resume URL. */
  readonly kind: FakeGatewayUrlKind;
  /** The query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The API version from `v`, or `null` when it was invalid. */
  readonly version: number | null;
  /** Transport compression in use. */
  readonly compress: "none" | "zlib-stream" | "zstd-stream";
  /** Where the connection is. */
  readonly state: FakeConnectionState;
  /** `[shard_id, num_shards]` of its session, once identified or resumed. */
  readonly shard: readonly [number, number] | null;
  /** Its session's ID, while attached to one. */
  readonly sessionId: string | null;
  /** Frames the client sent, in order. */
  readonly received: readonly FakeClientFrame[];
  /** Payloads the server sent (before compression), in order. */
  readonly sent: readonly GatewayPayload[];
  /** Whether heartbeats are acknowledged (see {@linkcode FakeGateway.setAcks}). */
  readonly acks: boolean;
  /** Scheduler time the connection opened. */
  readonly openedAt: number;
  /** Scheduler time of the last heartbeat received. */
  readonly lastHeartbeatAt: number | null;
  /** Scheduler time it closed. */
  readonly closedAt: number | null;
  /** The close code (1006 for a drop either way). */
  readonly closeCode: number | null;
  /** The close reason. */
  readonly closeReason: string | null;
  /** Who ended it. */
  readonly closedBy: "client" | "server" | null;
}

/** A snapshot of one session, taken when read. */
export interface FakeGatewaySession {
  /** The `session_id`. */
  readonly id: string;
  /** `[shard_id, num_shards]` from IDENTIFY, or `null` when it sent none. */
  readonly shard: readonly [number, number] | null;
  /** The intents from IDENTIFY. */
  readonly intents: number;
  /** The last sequence number assigned. */
  readonly seq: number;
  /** Where the session is. */
  readonly state: FakeSessionState;
  /** Whether a RESUME of it would work now (`active` or `resumable`). */
  readonly resumable: boolean;
  /** The live connection it is on. */
  readonly connectionId: number | null;
  /** Dispatches held for replay. */
  readonly buffered: number;
  /** Successful RESUMEs of it. */
  readonly resumes: number;
  /** Scheduler time of its READY. */
  readonly createdAt: number;
}

/** Running totals; see {@linkcode FakeGateway.counters}. */
export interface FakeGatewayCounters {
  /** Connections accepted. */
  connections: number;
  /** Connections refused (plan, unknown URL, or after close). */
  refused: number;
  /** IDENTIFY frames received, whatever came of them. */
  identifies: number;
  /** IDENTIFYs that started a session (READY sent). */
  sessionStarts: number;
  /** RESUME frames received, whatever came of them. */
  resumes: number;
  /** RESUMEs that succeeded (RESUMED sent). */
  resumed: number;
  /** Op 9 INVALID_SESSION payloads sent. */
  invalidSessions: number;
  /** Op 1 heartbeats received. */
  heartbeats: number;
  /** Op 11 acknowledgements sent. */
  heartbeatAcks: number;
  /** Dispatches assigned a sequence number (sent or held for replay). */
  dispatches: number;
  /** Connection ends by code; 1006 counts drops. */
  closes: Record<number, number>;
}

/** How an IDENTIFY or RESUME ended. */
export type FakeHandshakeOutcome =
  | "ready"
  | "resumed"
  | "invalid-session"
  | "closed";

/** An entry of {@linkcode FakeGateway.log}. */
export type FakeGatewayEvent =
  | {
    /** A connection was accepted. */
    type: "connect";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** The URL used. */
    url: string;
    /** Main or resume URL. */
    kind: FakeGatewayUrlKind;
  }
  | {
    /** A connection attempt was refused. */
    type: "refuse";
    /** Scheduler time. */
    at: number;
    /** The URL used. */
    url: string;
    /** Why. */
    reason: "plan" | "unknown-url" | "closed";
  }
  | {
    /** An IDENTIFY arrived. */
    type: "identify";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** Its `shard`, or `null`. */
    shard: readonly [number, number] | null;
    /** Its `intents`, or `null` when invalid. */
    intents: number | null;
    /** What happened. */
    outcome: FakeHandshakeOutcome;
    /** The close code, when it closed the connection. */
    closeCode: number | null;
    /** The new session, on success. */
    sessionId: string | null;
    /**
     * Whether a resumable session for the same token and shard existed: the
     * client could have sent RESUME instead.
     */
    resumableSessionAvailable: boolean;
  }
  | {
    /** A RESUME arrived. */
    type: "resume";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** Which URL it came in on (it should be `"resume"`). */
    kind: FakeGatewayUrlKind;
    /** The `session_id` asked for. */
    sessionId: string | null;
    /** The `seq` sent. */
    seq: number | null;
    /** What happened. */
    outcome: FakeHandshakeOutcome;
    /** The close code, when it closed the connection. */
    closeCode: number | null;
    /** Dispatches replayed, on success. */
    replayed: number;
  }
  | {
    /** Op 9 was sent. */
    type: "invalid-session";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** Its `d`. */
    resumable: boolean;
  }
  | {
    /** Op 7 was sent. */
    type: "reconnect";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
  }
  | {
    /** A connection ended. */
    type: "close";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** The close code (1006 for a drop). */
    code: number;
    /** The close reason. */
    reason: string;
    /** Who ended it. */
    initiator: "client" | "server";
    /** The session it carried, if any. */
    sessionId: string | null;
    /** Whether that session can still be resumed. */
    sessionResumable: boolean;
  };

/** The log entry for an IDENTIFY. */
export type FakeIdentifyEvent = Extract<FakeGatewayEvent, { type: "identify" }>;

/** The log entry for a RESUME. */
export type FakeResumeEvent = Extract<FakeGatewayEvent, { type: "resume" }>;

/** The session-start budget as `GET /gateway/bot` reports it. */
export interface FakeSessionStartLimit {
  /** Starts per window. */
  total: number;
  /** Starts left. */
  remaining: number;
  /** Milliseconds until the window resets. */
  reset_after: number;
  /** IDENTIFYs per 5 s. */
  max_concurrency: number;
}

/** The body of `GET /gateway/bot` for this fake. */
export interface FakeGatewayBotInfo {
  /** The main URL. */
  url: string;
  /** Recommended shard count (one per 1000 guilds, at least 1). */
  shards: number;
  /** The session-start budget. */
  session_start_limit: FakeSessionStartLimit;
}

// --- internals --------------------------------------------------------------

const HELLO_OP = GatewayOpcode.Hello;
const IDENTIFY_WINDOW = 5_000;
const ALL_MEMBERS_WINDOW = 30_000;
const MAX_PAYLOAD_BYTES = 4096;
const CHUNK_SIZE = 1000;
const DAY = 86_400_000;
/** Discord's epoch-based IDs for generated guilds: `(BASE + i) << 22`. */
const GENERATED_GUILD_BASE = 300_000_000_000n;
const STATUSES = new Set(["online", "dnd", "idle", "invisible", "offline"]);
const CHANNEL_INFO_FIELDS = new Set(["status", "voice_start_time"]);
/** Closes after which the server forgets the session. */
const SESSION_ENDING_CLOSES = new Set<number>([
  GatewayCloseCode.NotAuthenticated,
  GatewayCloseCode.AuthenticationFailed,
  GatewayCloseCode.InvalidSeq,
  // "Session timed out: reconnect and start a new one" (the close-code table).
  GatewayCloseCode.SessionTimedOut,
  GatewayCloseCode.InvalidShard,
  GatewayCloseCode.ShardingRequired,
  GatewayCloseCode.InvalidApiVersion,
  GatewayCloseCode.InvalidIntents,
  GatewayCloseCode.DisallowedIntents,
]);

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

interface TokenState {
  token: string;
  privileged: number;
  revoked: boolean;
  total: number;
  remaining: number;
  resetAt: number;
  /** Bucket key -> time of the last accepted IDENTIFY. */
  buckets: Map<number, number>;
  /** Guild ID -> time of the last all-members request. */
  allMembers: Map<string, number>;
}

interface Guild {
  id: string;
  index: number;
  big: bigint;
  extra: Record<string, unknown>;
}

interface Conn {
  id: number;
  url: string;
  kind: FakeGatewayUrlKind;
  resumeUrl: string;
  query: Record<string, string>;
  version: number | null;
  compress: "none" | "zlib-stream" | "zstd-stream";
  compressor: StreamCompressor | undefined;
  state: FakeConnectionState;
  peer: FakeGatewayPeer;
  session: Session | undefined;
  shard: [number, number] | null;
  received: FakeClientFrame[];
  sent: GatewayPayload[];
  acks: boolean;
  openedAt: number;
  lastHeartbeatAt: number | null;
  closedAt: number | null;
  closeCode: number | null;
  closeReason: string | null;
  closedBy: "client" | "server" | null;
  window: number[];
  heartbeatTimer: TimerId | undefined;
  reconnectTimer: TimerId | undefined;
}

interface Session {
  id: string;
  token: TokenState;
  shard: [number, number] | null;
  intents: number;
  largeThreshold: number;
  payloadCompress: boolean;
  seq: number;
  buffer: GatewayPayload[];
  state: FakeSessionState;
  conn: Conn | undefined;
  ttlTimer: TimerId | undefined;
  resumes: number;
  createdAt: number;
}

interface Waiter {
  predicate: (event: FakeGatewayEvent) => boolean;
  resolve: (event: FakeGatewayEvent) => void;
  reject: (reason: unknown) => void;
}

/** Thrown out of a frame handler to close the connection with `code`. */
class CloseSignal {
  constructor(readonly code: number, readonly reason: string) {}
}

/**
 * A fake Discord gateway that enforces the protocol as documented: query
 * validation (4012), HELLO, the handshake rules (4003, 4004, 4005, 4010,
 * 4011, 4013, 4014, op 9 for `max_concurrency`), decoding (4001, 4002),
 * heartbeats and their deadline, the 120-per-60 s frame limit (4008),
 * sessions that survive drops and non-1000 closes, RESUME with replay (op 9,
 * 4007), sharded routing, intents, op 8/31/43 replies, and `zlib-stream` /
 * `zstd-stream` transport compression.
 *
 * Give {@linkcode FakeGateway.transport} to a shard (or any client) as its
 * transport, or serve the fake on a real socket with `serveFakeGateway`.
 * Every timer runs on the injected {@linkcode Scheduler}.
 *
 * Decisions where Discord documents nothing:
 * - a bad `encoding` (and `etf`, which this fake does not speak) or
 *   `compress` closes with 4002 right after the socket opens, before HELLO;
 *   a missing `v` counts as invalid (4012);
 * - a frame that is valid JSON but not an object closes with 4002; opcodes a
 *   client never sends (0, 7, 9, 10, 11) close with 4001, like unknown ones;
 * - IDENTIFY without an integer `intents` gets 4013; optional IDENTIFY fields
 *   sent as `null` count as absent;
 * - a missed heartbeat closes with 4009 (`heartbeatTimeoutCode`), which ends
 *   the session like every 4009 close (the close-code table);
 * - RESUME with the wrong token gets op 9 `d:false`; RESUME of a session
 *   that is still on another socket moves it and closes the old socket with
 *   4000; RESUMED carries `d: {}`;
 * - server-side closes keep the session except 4003, 4004, 4007, 4009 and
 *   4010-4014; the close after op 7 uses 4000;
 * - an IDENTIFY when the session-start budget is used up does what Discord
 *   describes (the token is reset): every connection of that token closes
 *   with 4004 and the token stops working;
 * - op 4/8/31/43 for a guild not on the session's shard get no answer;
 *   presence updates (op 3) are checked but not rate limited.
 *
 * @example Identify and get READY
 * ```ts
 * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const gateway = new FakeGateway({ scheduler, guilds: 2 });
 * const received: { op: number; t?: string | null }[] = [];
 * const socket = gateway.transport(`${gateway.url}/?v=10&encoding=json`, {
 *   onOpen: () =>
 *     socket.send(JSON.stringify({
 *       op: 2,
 *       d: {
 *         token: "fake-token",
 *         intents: 1,
 *         properties: { os: "linux", browser: "me", device: "me" },
 *       },
 *     })),
 *   onMessage: (data) => received.push(JSON.parse(String(data))),
 *   onClose: () => {},
 *   onError: () => {},
 * });
 * await scheduler.flushMicrotasks();
 * assert.deepEqual(
 *   received.map((payload) => payload.t ?? payload.op),
 *   [10, "READY", "GUILD_CREATE", "GUILD_CREATE"],
 * );
 * assert.equal(gateway.counters.sessionStarts, 1);
 * gateway.close();
 * ```
 */
export class FakeGateway {
  /**
   * The in-process {@linkcode Transport}: hand it to a shard. It answers on
   * {@linkcode FakeGateway.url} and {@linkcode FakeGateway.resumeUrl} and
   * refuses any other URL; server frames arrive asynchronously (one
   * microtask each), in order, never inside the client's `send()`.
   */
  readonly transport: Transport;

  #scheduler: Scheduler;
  #url: string;
  #resumeUrl: string;
  #mainKey: string;
  #resumeKey: string;
  #tokens = new Map<string, TokenState>();
  #heartbeatInterval: number;
  #heartbeatTolerance: number;
  #heartbeatTimeoutCode: number;
  #maxConcurrency: number;
  #sessionTtl: number;
  #replayBufferSize: number;
  #guilds: Guild[];
  #membersPerGuild: number;
  #maxGuildsPerShard: number;
  #shardCountMultiple: number;
  #botUser: { id: string; username: string };
  #applicationId: string;
  #rateLimit: number;
  #rateWindow: number;
  #reconnectCloseDelay: number;
  #zlibFrameParts: number;
  #filterIntents: boolean;
  #onEvent: ((event: FakeGatewayEvent) => void) | undefined;
  #identifyHook: ((event: FakeIdentifyEvent) => void) | undefined;
  #resumeHook: ((event: FakeResumeEvent) => void) | undefined;
  #onClientFrame:
    | ((connectionId: number, frame: FakeClientFrame) => void)
    | undefined;

  #closed = false;
  #nextConnectionId = 1;
  #connections: Conn[] = [];
  #sessions: Session[] = [];
  #sessionsById = new Map<string, Session>();
  /** Sessions that are active or resumable, oldest first. */
  #live = new Set<Session>();
  #plans: { plan: FakeConnectionPlan; kind: FakeGatewayUrlKind | undefined }[] =
    [];
  #log: FakeGatewayEvent[] = [];
  #waiters: Waiter[] = [];
  #counters: FakeGatewayCounters = {
    connections: 0,
    refused: 0,
    identifies: 0,
    sessionStarts: 0,
    resumes: 0,
    resumed: 0,
    invalidSessions: 0,
    heartbeats: 0,
    heartbeatAcks: 0,
    dispatches: 0,
    closes: {},
  };

  /**
   * Create a fake gateway; nothing listens until a client uses
   * {@linkcode FakeGateway.transport} (or {@linkcode FakeGateway.serve}).
   *
   * @param options The fake's configuration; every field has a default.
   * @throws {TypeError} When a URL, token or guild ID is malformed.
   * @throws {RangeError} When a number is out of range or the two URLs match.
   */
  constructor(options: FakeGatewayOptions = {}) {
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#url = options.url ?? "wss://gateway.discord.gg";
    this.#resumeUrl = options.resumeUrl ?? "wss://resume.gateway.discord.gg";
    this.#mainKey = endpointKey(this.#url, "url");
    this.#resumeKey = endpointKey(this.#resumeUrl, "resumeUrl");
    if (this.#mainKey === this.#resumeKey) {
      throw new RangeError(
        `Cannot create FakeGateway as 'resumeUrl' must differ from 'url': current values 'url=${this.#url}', 'resumeUrl=${this.#resumeUrl}'`,
      );
    }
    this.#heartbeatInterval = positiveInteger(
      "heartbeatInterval",
      options.heartbeatInterval ?? 41_250,
    );
    this.#heartbeatTolerance = nonNegativeInteger(
      "heartbeatTolerance",
      options.heartbeatTolerance ?? 5_000,
    );
    this.#heartbeatTimeoutCode = closeCode(
      "heartbeatTimeoutCode",
      options.heartbeatTimeoutCode ?? GatewayCloseCode.SessionTimedOut,
    );
    this.#maxConcurrency = positiveInteger(
      "maxConcurrency",
      options.maxConcurrency ?? 1,
    );
    this.#sessionTtl = nonNegativeInteger(
      "sessionTtl",
      options.sessionTtl ?? 90_000,
    );
    this.#replayBufferSize = nonNegativeInteger(
      "replayBufferSize",
      options.replayBufferSize ?? 10_000,
    );
    this.#membersPerGuild = positiveInteger(
      "membersPerGuild",
      options.membersPerGuild ?? 1,
    );
    this.#maxGuildsPerShard = positiveInteger(
      "maxGuildsPerShard",
      options.maxGuildsPerShard ?? 2500,
    );
    this.#shardCountMultiple = positiveInteger(
      "shardCountMultiple",
      options.shardCountMultiple ?? 1,
    );
    this.#rateLimit = positiveInteger(
      "rateLimit.limit",
      options.rateLimit?.limit ?? 120,
    );
    this.#rateWindow = positiveInteger(
      "rateLimit.window",
      options.rateLimit?.window ?? 60_000,
    );
    this.#reconnectCloseDelay = nonNegativeInteger(
      "reconnectCloseDelay",
      options.reconnectCloseDelay ?? 5_000,
    );
    this.#zlibFrameParts = positiveInteger(
      "zlibFrameParts",
      options.zlibFrameParts ?? 1,
    );
    this.#filterIntents = options.filterIntents ?? true;
    this.#botUser = { ...(options.botUser ?? DEFAULT_BOT_USER) };
    if (!isSnowflake(this.#botUser.id)) {
      throw new TypeError(
        `Cannot create FakeGateway as 'botUser.id' must be a snowflake: current value 'botUser.id=${this.#botUser.id}'`,
      );
    }
    this.#applicationId = options.applicationId ?? this.#botUser.id;
    this.#onEvent = options.onEvent;
    this.#identifyHook = options.onIdentify;
    this.#resumeHook = options.onResume;
    this.#onClientFrame = options.onClientFrame;
    this.#guilds = makeGuilds(options.guilds ?? 0);

    const limit = options.sessionStartLimit ?? {};
    const total = nonNegativeInteger(
      "sessionStartLimit.total",
      limit.total ?? 1000,
    );
    const remaining = nonNegativeInteger(
      "sessionStartLimit.remaining",
      limit.remaining ?? total,
    );
    const resetAfter = nonNegativeInteger(
      "sessionStartLimit.resetAfter",
      limit.resetAfter ?? DAY,
    );
    const tokens = options.tokens ?? ["fake-token"];
    const entries: [string, FakeGatewayTokenOptions][] = Array.isArray(tokens)
      ? (tokens as readonly string[]).map((token) => [token, {}])
      : Object.entries(tokens as Record<string, FakeGatewayTokenOptions>);
    if (entries.length === 0) {
      throw new RangeError(
        "Cannot create FakeGateway as 'tokens' must hold at least one token: current value 'tokens=[]'",
      );
    }
    const now = this.#scheduler.now();
    for (const [token, settings] of entries) {
      if (typeof token !== "string" || token === "") {
        throw new TypeError(
          `Cannot create FakeGateway as every token must be a non-empty string: current value 'token=${
            String(token)
          }'`,
        );
      }
      this.#tokens.set(token, {
        token,
        privileged: (settings.privilegedIntents ?? PRIVILEGED_INTENTS) &
          PRIVILEGED_INTENTS,
        revoked: false,
        total,
        remaining,
        resetAt: now + resetAfter,
        buckets: new Map(),
        allMembers: new Map(),
      });
    }

    this.transport = (url: string, listener: SocketListener): GatewaySocket =>
      this.#connectInProcess(url, listener);
  }

  // --- read-only state -------------------------------------------------------

  /** The main URL of the in-process transport. */
  get url(): string {
    return this.#url;
  }

  /** The resume URL of the in-process transport (READY's `resume_gateway_url`). */
  get resumeUrl(): string {
    return this.#resumeUrl;
  }

  /** Whether {@linkcode FakeGateway.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The guild IDs the bot is in. */
  get guildIds(): string[] {
    return this.#guilds.map((guild) => guild.id);
  }

  /** The bot's user ID. */
  get botUserId(): string {
    return this.#botUser.id;
  }

  /** Live connections, oldest first (snapshots). */
  get connections(): FakeGatewayConnection[] {
    return this.#connections.filter((conn) => conn.state !== "closed").map(
      connectionView,
    );
  }

  /** Every connection ever accepted, oldest first (snapshots). */
  get allConnections(): FakeGatewayConnection[] {
    return this.#connections.map(connectionView);
  }

  /** Every session ever started, oldest first (snapshots). */
  get sessions(): FakeGatewaySession[] {
    return this.#sessions.map(sessionView);
  }

  /** Running totals (a copy). */
  get counters(): FakeGatewayCounters {
    return { ...this.#counters, closes: { ...this.#counters.closes } };
  }

  /**
   * What happened, in order: connections, IDENTIFYs (each saying whether a
   * RESUME was possible instead), RESUMEs (with the URL kind they came in
   * on), op 7/op 9 sent, and closes. Frames are on each connection's
   * `received`.
   */
  get log(): FakeGatewayEvent[] {
    return [...this.#log];
  }

  /**
   * One connection by ID, live or closed.
   *
   * @param id The connection ID.
   * @returns A snapshot, or `undefined`.
   */
  connection(id: number): FakeGatewayConnection | undefined {
    const conn = this.#connections.find((c) => c.id === id);
    return conn && connectionView(conn);
  }

  /**
   * One session by `session_id`.
   *
   * @param id The session ID.
   * @returns A snapshot, or `undefined`.
   */
  session(id: string): FakeGatewaySession | undefined {
    const session = this.#sessionsById.get(id);
    return session && sessionView(session);
  }

  /**
   * The session-start budget of a token, as `GET /gateway/bot` reports it.
   *
   * @param token The token; the first configured one by default.
   * @returns The budget now.
   */
  sessionStartLimit(token?: string): FakeSessionStartLimit {
    const state = this.#tokenState(token);
    this.#refreshBudget(state);
    return {
      total: state.total,
      remaining: state.remaining,
      reset_after: Math.max(0, state.resetAt - this.#scheduler.now()),
      max_concurrency: this.#maxConcurrency,
    };
  }

  /**
   * The body `GET /gateway/bot` would return, for a fake REST layer.
   *
   * @param token The token; the first configured one by default.
   * @returns `{ url, shards, session_start_limit }`.
   */
  gatewayBot(token?: string): FakeGatewayBotInfo {
    return {
      url: this.#url,
      shards: Math.max(1, Math.ceil(this.#guilds.length / 1000)),
      session_start_limit: this.sessionStartLimit(token),
    };
  }

  /**
   * Resolve with the next log entry that matches `predicate` (entries
   * already logged do not count). Rejects when the gateway closes.
   *
   * @param predicate Which entry to wait for.
   * @returns The entry.
   */
  nextEvent(
    predicate: (event: FakeGatewayEvent) => boolean,
  ): Promise<FakeGatewayEvent> {
    if (this.#closed) {
      return Promise.reject(
        new Error("Cannot wait: the FakeGateway is closed"),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ predicate, resolve, reject });
    });
  }

  // --- scripting ---------------------------------------------------------------

  /**
   * Send a dispatch to every session that should get it: routed by guild
   * (`(guild_id >> 22) % num_shards`; events without a guild go to shard 0),
   * filtered by intents, numbered per session. Disconnected sessions that
   * are still resumable hold it for replay.
   *
   * @param event The event name (`t`), e.g. `"MESSAGE_CREATE"`.
   * @param data The event data (`d`); sent as JSON.
   * @param options Routing overrides.
   * @returns How many sessions got it (sent or held).
   *
   * @example Route a guild event
   * ```ts
   * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
   * // No session yet: nobody gets it.
   * assert.equal(gateway.dispatch("GUILD_UPDATE", { id: "1", name: "x" }), 0);
   * gateway.close();
   * ```
   */
  dispatch(
    event: string,
    data: unknown,
    options: FakeDispatchOptions = {},
  ): number {
    if (typeof event !== "string" || event === "") {
      throw new TypeError(
        `Cannot dispatch as 'event' must be a non-empty string: current value 'event=${
          String(event)
        }'`,
      );
    }
    const d = data === undefined ? null : JSON.parse(JSON.stringify(data));
    const guildId = options.guildId !== undefined
      ? options.guildId
      : eventGuildId(event, d);
    let count = 0;
    for (const session of [...this.#live]) {
      if (options.sessionId !== undefined && session.id !== options.sessionId) {
        continue;
      }
      const [shardId, numShards] = session.shard ?? [0, 1];
      if (options.shardId !== undefined) {
        if (shardId !== options.shardId) continue;
      } else if (options.sessionId === undefined) {
        const target = guildId === null ? 0 : guildShard(guildId, numShards);
        if (target !== shardId) continue;
      }
      if (
        this.#emitDispatch(session, event, d, options.ignoreIntents ?? false)
      ) {
        count++;
      }
    }
    return count;
  }

  /**
   * Send op 1 to ask for an immediate heartbeat.
   *
   * @param target Which connections; all live ones by default.
   * @returns How many connections it went to.
   */
  requestHeartbeat(target: FakeGatewayTarget = {}): number {
    const conns = this.#targets(target);
    for (const conn of conns) {
      this.#send(conn, {
        op: GatewayOpcode.Heartbeat,
        d: null,
        s: null,
        t: null,
      });
    }
    return conns.length;
  }

  /**
   * Send op 7 RECONNECT; close after `closeAfter` ms if the client has not.
   *
   * @param options Which connections, and the close that follows.
   * @returns How many connections it went to.
   */
  reconnect(options: FakeReconnectOptions = {}): number {
    const conns = this.#targets(options);
    const closeAfter = options.closeAfter === undefined
      ? this.#reconnectCloseDelay
      : options.closeAfter;
    const code = closeCode(
      "code",
      options.code ?? GatewayCloseCode.UnknownError,
    );
    for (const conn of conns) this.#sendReconnect(conn, closeAfter, code);
    return conns.length;
  }

  /**
   * Send op 9 INVALID_SESSION to connections that carry a session. With
   * `d:false` the session is gone; with `d:true` it stays resumable. Either
   * way the connection goes back to waiting for IDENTIFY/RESUME.
   *
   * @param resumable The `d` to send.
   * @param target Which connections; all with a session by default.
   * @returns How many connections it went to.
   */
  invalidateSession(
    resumable: boolean,
    target: FakeGatewayTarget = {},
  ): number {
    const conns = this.#targets(target).filter((conn) => conn.session);
    for (const conn of conns) {
      const session = conn.session!;
      this.#detach(conn);
      if (resumable) this.#suspend(session);
      else this.#invalidate(session);
      this.#sendInvalidSession(conn, resumable);
    }
    return conns.length;
  }

  /**
   * Close connections with a close frame.
   *
   * @param code The close code.
   * @param reason The close reason, or the options (then `options` is not
   * used).
   * @param options Which connections, and whether the session survives.
   * @returns How many connections were closed.
   *
   * @example Simulate intents revoked in the portal
   * ```ts
   * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
   * gateway.setPrivilegedIntents("fake-token", 0);
   * // Every live connection gets 4003; the next IDENTIFY asking for a
   * // privileged intent gets 4014.
   * assert.equal(gateway.closeWith(4003, "Not authenticated"), 0);
   * gateway.close();
   * ```
   */
  closeWith(
    code: number,
    reason: string | FakeCloseOptions = "",
    options: FakeCloseOptions = {},
  ): number {
    closeCode("code", code);
    const opts = typeof reason === "string" ? { ...options, reason } : reason;
    const conns = this.#targets(opts);
    for (const conn of conns) {
      this.#serverClose(
        conn,
        code,
        opts.reason ?? "",
        opts.resumable ?? !SESSION_ENDING_CLOSES.has(code),
      );
    }
    return conns.length;
  }

  /**
   * Drop connections without a close frame (the client sees 1006); their
   * sessions stay resumable. Frames not yet delivered are lost.
   *
   * @param target Which connections; all live ones by default.
   * @returns How many connections were dropped.
   */
  dropConnection(target: FakeGatewayTarget = {}): number {
    const conns = this.#targets(target);
    for (const conn of conns) this.#drop(conn);
    return conns.length;
  }

  /**
   * Stop or resume acknowledging heartbeats (op 11) on the live connections
   * matched, to make them zombies. New connections always acknowledge.
   *
   * @param enabled Whether to acknowledge.
   * @param target Which connections; all live ones by default.
   * @returns How many connections changed.
   */
  setAcks(enabled: boolean, target: FakeGatewayTarget = {}): number {
    const conns = this.#targets(target);
    for (const conn of conns) conn.acks = enabled;
    return conns.length;
  }

  /**
   * Send a frame exactly as given (no compression, not recorded in `sent`):
   * for corrupt or truncated frames.
   *
   * @param frame A string goes as a text frame, bytes as a binary frame.
   * @param target Which connections; all live ones by default.
   * @returns How many connections it went to.
   */
  sendRaw(frame: string | Uint8Array, target: FakeGatewayTarget = {}): number {
    const conns = this.#targets(target);
    for (const conn of conns) conn.peer.send(frame);
    return conns.length;
  }

  /**
   * Send any payload through the connection's normal encoding and
   * compression (nothing is checked; dispatches sent this way bypass
   * sequence numbering).
   *
   * @param payload The payload.
   * @param target Which connections; all live ones by default.
   * @returns How many connections it went to.
   */
  sendPayload(payload: GatewayPayload, target: FakeGatewayTarget = {}): number {
    const conns = this.#targets(target);
    for (const conn of conns) this.#send(conn, payload);
    return conns.length;
  }

  /**
   * Script what the next connections do instead of the normal handshake.
   * Plans run in the order given, each on one connection.
   *
   * @param plan What to do.
   * @param options `kind` limits the plan to connections on the main or the
   * resume URL; `count` repeats it.
   */
  planConnection(
    plan: FakeConnectionPlan,
    options: { kind?: FakeGatewayUrlKind; count?: number } = {},
  ): void {
    if (!["refuse", "drop", "no-hello", "reconnect"].includes(plan)) {
      throw new TypeError(
        `Cannot plan a connection as 'plan' must be "refuse", "drop", "no-hello" or "reconnect": current value 'plan=${plan}'`,
      );
    }
    const count = positiveInteger("count", options.count ?? 1);
    for (let i = 0; i < count; i++) {
      this.#plans.push({ plan, kind: options.kind });
    }
  }

  /**
   * Change the URLs: the ones the in-process transport answers on and READY
   * advertises to its connections. Live connections are not affected.
   * {@linkcode FakeGateway.serve} sets them to the server's.
   *
   * @param url The main URL.
   * @param resumeUrl The resume URL; must differ from `url`.
   */
  setUrls(url: string, resumeUrl: string): void {
    const mainKey = endpointKey(url, "url");
    const resumeKey = endpointKey(resumeUrl, "resumeUrl");
    if (mainKey === resumeKey) {
      throw new RangeError(
        `Cannot set the URLs as 'resumeUrl' must differ from 'url': current values 'url=${url}', 'resumeUrl=${resumeUrl}'`,
      );
    }
    this.#url = url;
    this.#resumeUrl = resumeUrl;
    this.#mainKey = mainKey;
    this.#resumeKey = resumeKey;
  }

  /**
   * Serve this fake on a real WebSocket on 127.0.0.1 (Deno only; needs
   * `--allow-net=127.0.0.1`): the same as `serveFakeGateway(this, options)`.
   * Afterwards {@linkcode FakeGateway.url} and
   * {@linkcode FakeGateway.resumeUrl} are the server's
   * `ws://127.0.0.1:<port>/` and `ws://127.0.0.1:<port>/resume`.
   *
   * @param options The port (0, the default, picks a free one).
   * @returns The running server; close it when done.
   *
   * @example Serve on a free port
   * ```ts
   * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
   * const server = await gateway.serve();
   * assert.equal(gateway.url, `ws://127.0.0.1:${server.port}/`);
   * assert.equal(gateway.resumeUrl, `ws://127.0.0.1:${server.port}/resume`);
   * await server.close();
   * gateway.close();
   * ```
   */
  async serve(
    options: FakeGatewayServerOptions = {},
  ): Promise<FakeGatewayServer> {
    // Loaded on demand so the in-process fake needs no Deno APIs.
    const { serveFakeGateway } = await import("./fake_gateway_server.ts");
    return await serveFakeGateway(this, options);
  }

  /**
   * Change the privileged intents a token may use (e.g. to simulate them
   * being switched off in the portal before a 4003 close; the next IDENTIFY
   * then gets 4014).
   *
   * @param token The token.
   * @param privilegedIntents The allowed privileged intents.
   */
  setPrivilegedIntents(token: string, privilegedIntents: number): void {
    this.#tokenState(token).privileged = privilegedIntents & PRIVILEGED_INTENTS;
  }

  /**
   * Close every connection (1001), cancel every timer and refuse new
   * connections. Sessions are kept for inspection.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of this.#connections) {
      if (conn.state !== "closed") {
        this.#serverClose(conn, 1001, "fake gateway closed", true);
      }
    }
    for (const session of this.#live) this.#clearTtl(session);
    const waiters = this.#waiters.splice(0);
    for (const waiter of waiters) {
      waiter.reject(new Error("The FakeGateway closed"));
    }
  }

  /** Same as {@linkcode FakeGateway.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  // --- the connection seam -------------------------------------------------------

  /**
   * Attach a connection carried by something else (the loopback server uses
   * this; so can your own transport). The fake runs the handshake right
   * away, so call this once the socket is open or buffer the peer's sends
   * until it is.
   *
   * @param url The URL the client asked for, query included.
   * @param peer How to reach the client.
   * @param options Which URL kind this is and the resume URL to advertise;
   * without them `url` must match {@linkcode FakeGateway.url} or
   * {@linkcode FakeGateway.resumeUrl}.
   * @returns The handle to report client frames and closes through, or
   * `undefined` when the connection is refused (the carrier should then fail
   * it without opening).
   */
  acceptConnection(
    url: string,
    peer: FakeGatewayPeer,
    options?: FakeAcceptOptions,
  ): FakeGatewayPeerHandle | undefined {
    if (this.#closed) return this.#refuse(url, "closed");
    let kind: FakeGatewayUrlKind;
    let resumeUrl: string;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.#refuse(url, "unknown-url");
    }
    if (options) {
      kind = options.kind;
      resumeUrl = options.resumeUrl;
    } else {
      const key = keyOf(parsed);
      if (key === this.#mainKey) kind = "main";
      else if (key === this.#resumeKey) kind = "resume";
      else return this.#refuse(url, "unknown-url");
      resumeUrl = this.#resumeUrl;
    }
    const planIndex = this.#plans.findIndex((p) =>
      p.kind === undefined || p.kind === kind
    );
    const plan = planIndex === -1
      ? undefined
      : this.#plans.splice(planIndex, 1)[0]!.plan;
    if (plan === "refuse") return this.#refuse(url, "plan");

    const query: Record<string, string> = {};
    for (const [key, value] of parsed.searchParams) query[key] = value;
    const v = query.v;
    const version = v !== undefined && /^\d+$/.test(v) &&
        (Number(v) === 9 || Number(v) === 10)
      ? Number(v)
      : null;
    const compress = query.compress;
    const conn: Conn = {
      id: this.#nextConnectionId++,
      url,
      kind,
      resumeUrl,
      query,
      version,
      compress: compress === "zlib-stream" || compress === "zstd-stream"
        ? compress
        : "none",
      compressor: undefined,
      state: "handshaking",
      peer,
      session: undefined,
      shard: null,
      received: [],
      sent: [],
      acks: true,
      openedAt: this.#scheduler.now(),
      lastHeartbeatAt: null,
      closedAt: null,
      closeCode: null,
      closeReason: null,
      closedBy: null,
      window: [],
      heartbeatTimer: undefined,
      reconnectTimer: undefined,
    };
    this.#connections.push(conn);
    this.#counters.connections++;
    this.#emit({
      type: "connect",
      at: conn.openedAt,
      connectionId: conn.id,
      url,
      kind,
    });
    const handle: FakeGatewayPeerHandle = {
      connectionId: conn.id,
      receive: (frame) => this.#receive(conn, frame),
      clientClose: (code, reason) => this.#clientClose(conn, code, reason),
    };

    if (version === null) {
      this.#serverClose(
        conn,
        GatewayCloseCode.InvalidApiVersion,
        "Invalid API version",
        false,
      );
      return handle;
    }
    const encoding = query.encoding ?? "json";
    if (encoding !== "json") {
      this.#serverClose(
        conn,
        GatewayCloseCode.DecodeError,
        encoding === "etf"
          ? "FakeGateway speaks only encoding=json"
          : "Invalid encoding",
        false,
      );
      return handle;
    }
    if (
      compress !== undefined && compress !== "zlib-stream" &&
      compress !== "zstd-stream"
    ) {
      this.#serverClose(
        conn,
        GatewayCloseCode.DecodeError,
        "Invalid compression",
        false,
      );
      return handle;
    }
    if (conn.compress !== "none") {
      conn.compressor = createStreamCompressor(conn.compress);
    }

    switch (plan) {
      case "drop":
        this.#drop(conn);
        break;
      case "no-hello":
        break;
      case "reconnect":
        this.#sendReconnect(
          conn,
          this.#reconnectCloseDelay,
          GatewayCloseCode.UnknownError,
        );
        break;
      default:
        this.#send(conn, {
          op: HELLO_OP,
          d: { heartbeat_interval: this.#heartbeatInterval },
          s: null,
          t: null,
        });
        this.#armHeartbeatDeadline(conn);
    }
    return handle;
  }

  // --- in-process transport ---------------------------------------------------------

  #connectInProcess(url: string, listener: SocketListener): GatewaySocket {
    const socket = new FakeSocket(url, listener);
    queueMicrotask(() => {
      if (socket.state !== "connecting") return;
      let dropped = false;
      const peer: FakeGatewayPeer = {
        send: (frame) =>
          queueMicrotask(() => {
            if (!dropped) socket.receive(frame);
          }),
        close: (code, reason) =>
          queueMicrotask(() => {
            if (!dropped) socket.serverClose(code, reason);
          }),
        drop: () => {
          dropped = true;
          queueMicrotask(() => socket.drop());
        },
      };
      const handle = this.acceptConnection(url, peer);
      if (!handle) {
        socket.refuse();
        return;
      }
      socket.onSend = (data) => handle.receive(data);
      socket.onClientClose = (code, reason) => handle.clientClose(code, reason);
      socket.open();
    });
    return socket;
  }

  // --- inbound ----------------------------------------------------------------------

  #receive(conn: Conn, frame: string | Uint8Array): void {
    if (conn.state === "closed") return;
    const now = this.#scheduler.now();
    const window = conn.window;
    while (window.length > 0 && window[0]! <= now - this.#rateWindow) {
      window.shift();
    }
    window.push(now);
    const size = typeof frame === "string"
      ? encoder.encode(frame).byteLength
      : frame.byteLength;
    const record: FakeClientFrame = {
      at: now,
      size,
      op: null,
      d: undefined,
      payload: frame,
    };
    conn.received.push(record);
    try {
      if (window.length > this.#rateLimit) {
        throw new CloseSignal(GatewayCloseCode.RateLimited, "Rate limited");
      }
      if (size > MAX_PAYLOAD_BYTES) {
        throw new CloseSignal(
          GatewayCloseCode.DecodeError,
          "Payload too large",
        );
      }
      let payload: unknown;
      try {
        const text = typeof frame === "string"
          ? frame
          : strictDecoder.decode(frame);
        payload = JSON.parse(text);
      } catch {
        throw new CloseSignal(
          GatewayCloseCode.DecodeError,
          "Error while decoding payload",
        );
      }
      if (!isObject(payload)) {
        throw new CloseSignal(
          GatewayCloseCode.DecodeError,
          "Error while decoding payload",
        );
      }
      record.payload = payload;
      record.d = payload.d;
      const op = payload.op;
      if (typeof op === "number" && Number.isInteger(op)) record.op = op;
      this.#hook(() => this.#onClientFrame?.(conn.id, { ...record }));
      this.#handle(conn, payload);
    } catch (error) {
      if (!(error instanceof CloseSignal)) throw error;
      this.#serverClose(conn, error.code, error.reason);
    }
  }

  #handle(conn: Conn, payload: Record<string, unknown>): void {
    const { op, d } = payload;
    switch (op) {
      case GatewayOpcode.Heartbeat:
        return this.#onHeartbeat(conn, d);
      case GatewayOpcode.Identify:
        return this.#onIdentify(conn, d);
      case GatewayOpcode.Resume:
        return this.#onResume(conn, d);
      case GatewayOpcode.PresenceUpdate:
      case GatewayOpcode.VoiceStateUpdate:
      case GatewayOpcode.RequestGuildMembers:
      case GatewayOpcode.RequestSoundboardSounds:
      case GatewayOpcode.RequestChannelInfo:
        if (!conn.session) {
          throw new CloseSignal(
            GatewayCloseCode.NotAuthenticated,
            "Not authenticated",
          );
        }
        return this.#onCommand(conn.session, op, d);
      default:
        throw new CloseSignal(GatewayCloseCode.UnknownOpcode, "Unknown opcode");
    }
  }

  #onHeartbeat(conn: Conn, d: unknown): void {
    if (d !== undefined && d !== null && !isNonNegativeInteger(d)) {
      throw malformed();
    }
    this.#counters.heartbeats++;
    conn.lastHeartbeatAt = this.#scheduler.now();
    this.#armHeartbeatDeadline(conn);
    if (conn.acks) {
      this.#counters.heartbeatAcks++;
      this.#send(conn, {
        op: GatewayOpcode.HeartbeatAck,
        d: null,
        s: null,
        t: null,
      });
    }
  }

  #onIdentify(conn: Conn, d: unknown): void {
    this.#counters.identifies++;
    const event = {
      type: "identify" as const,
      at: this.#scheduler.now(),
      connectionId: conn.id,
      shard: null as [number, number] | null,
      intents: null as number | null,
      outcome: "closed" as FakeHandshakeOutcome,
      closeCode: null as number | null,
      sessionId: null as string | null,
      resumableSessionAvailable: false,
    };
    try {
      if (conn.session) {
        throw new CloseSignal(
          GatewayCloseCode.AlreadyAuthenticated,
          "Already authenticated",
        );
      }
      if (!isObject(d)) throw malformed();
      // Optional fields sent as null count as absent.
      const { compress, large_threshold, presence } = d;
      if (
        typeof d.token !== "string" || !isObject(d.properties) ||
        !Object.values(d.properties).every((v) => typeof v === "string") ||
        (compress != null && typeof compress !== "boolean") ||
        (large_threshold != null &&
          !(isNonNegativeInteger(large_threshold) &&
            large_threshold >= 50 && large_threshold <= 250)) ||
        (presence != null && !isPresence(presence))
      ) {
        throw malformed();
      }
      const token = this.#tokens.get(d.token);
      const shardSent = d.shard != null;
      let shard: [number, number] | null = null;
      if (shardSent) {
        const s = d.shard;
        if (
          Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) &&
          Number.isInteger(s[1])
        ) shard = [s[0] as number, s[1] as number];
        event.shard = shard;
      }
      if (typeof d.intents === "number" && Number.isInteger(d.intents)) {
        event.intents = d.intents;
      }
      if (token) {
        event.resumableSessionAvailable = [...this.#live].some((session) =>
          session.state === "resumable" && session.token === token &&
          sameShard(session.shard, shard)
        );
      }
      if (!token || token.revoked) {
        throw new CloseSignal(
          GatewayCloseCode.AuthenticationFailed,
          "Authentication failed",
        );
      }
      if (
        shardSent &&
        (shard === null || shard[1] < 1 || shard[0] < 0 ||
          shard[0] >= shard[1] || shard[1] % this.#shardCountMultiple !== 0)
      ) {
        throw new CloseSignal(GatewayCloseCode.InvalidShard, "Invalid shard");
      }
      const intents = d.intents;
      if (
        typeof intents !== "number" || !Number.isInteger(intents) ||
        intents < 0 || intents > 0xffffffff || (intents & ~ALL_INTENTS) !== 0
      ) {
        throw new CloseSignal(
          GatewayCloseCode.InvalidIntents,
          "Invalid intent(s)",
        );
      }
      if ((intents & PRIVILEGED_INTENTS & ~token.privileged) !== 0) {
        throw new CloseSignal(
          GatewayCloseCode.DisallowedIntents,
          "Disallowed intent(s)",
        );
      }
      const [shardId, numShards] = shard ?? [0, 1];
      const guilds = this.#guilds.filter((guild) =>
        guildShard(guild.id, numShards) === shardId
      );
      if (guilds.length > this.#maxGuildsPerShard) {
        throw new CloseSignal(
          GatewayCloseCode.ShardingRequired,
          "Sharding required",
        );
      }
      this.#refreshBudget(token);
      if (token.remaining <= 0) {
        // Discord ends every session and resets the token.
        token.revoked = true;
        for (const other of this.#connections) {
          const otherToken = other.session?.token;
          if (
            other !== conn && other.state !== "closed" && otherToken === token
          ) {
            this.#serverClose(
              other,
              GatewayCloseCode.AuthenticationFailed,
              "Authentication failed",
              false,
            );
          }
        }
        for (const session of [...this.#live]) {
          if (session.token === token) this.#invalidate(session);
        }
        throw new CloseSignal(
          GatewayCloseCode.AuthenticationFailed,
          "Authentication failed",
        );
      }
      const now = this.#scheduler.now();
      const bucket = shardId % this.#maxConcurrency;
      const last = token.buckets.get(bucket);
      if (last !== undefined && now - last < IDENTIFY_WINDOW) {
        event.outcome = "invalid-session";
        this.#emit(event);
        this.#sendInvalidSession(conn, false);
        return;
      }
      token.buckets.set(bucket, now);
      token.remaining--;
      this.#counters.sessionStarts++;

      const session: Session = {
        id: sessionId(),
        token,
        shard,
        intents,
        largeThreshold: (large_threshold as number | null | undefined) ?? 50,
        payloadCompress: compress === true && conn.compress === "none",
        seq: 0,
        buffer: [],
        state: "active",
        conn,
        ttlTimer: undefined,
        resumes: 0,
        createdAt: now,
      };
      this.#sessions.push(session);
      this.#sessionsById.set(session.id, session);
      this.#live.add(session);
      conn.session = session;
      conn.shard = shard ?? [0, 1];
      conn.state = "ready";
      event.outcome = "ready";
      event.sessionId = session.id;
      this.#emit(event);

      const ready: Record<string, unknown> = {
        v: conn.version,
        user_settings: {},
        user: {
          id: this.#botUser.id,
          username: this.#botUser.username,
          discriminator: "0",
          global_name: null,
          avatar: null,
          bot: true,
          verified: true,
          mfa_enabled: true,
          email: null,
          flags: 0,
        },
        session_type: "normal",
        session_id: session.id,
        resume_gateway_url: conn.resumeUrl,
        relationships: [],
        private_channels: [],
        presences: [],
        guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
        guild_join_requests: [],
        geo_ordered_rtc_regions: ["us-east"],
        auth: {},
        application: { id: this.#applicationId, flags: 0 },
      };
      if (shard) ready.shard = shard;
      this.#emitDispatch(session, "READY", ready, true);
      for (const guild of guilds) {
        this.#emitDispatch(
          session,
          "GUILD_CREATE",
          this.#guildCreate(guild, session),
          false,
        );
      }
    } catch (error) {
      if (error instanceof CloseSignal) {
        event.closeCode = error.code;
        this.#emit(event);
      }
      throw error;
    }
  }

  #onResume(conn: Conn, d: unknown): void {
    this.#counters.resumes++;
    const event = {
      type: "resume" as const,
      at: this.#scheduler.now(),
      connectionId: conn.id,
      kind: conn.kind,
      sessionId: null as string | null,
      seq: null as number | null,
      outcome: "closed" as FakeHandshakeOutcome,
      closeCode: null as number | null,
      replayed: 0,
    };
    try {
      if (conn.session) {
        throw new CloseSignal(
          GatewayCloseCode.AlreadyAuthenticated,
          "Already authenticated",
        );
      }
      if (
        !isObject(d) || typeof d.token !== "string" ||
        typeof d.session_id !== "string" || !isNonNegativeInteger(d.seq)
      ) {
        throw malformed();
      }
      event.sessionId = d.session_id;
      event.seq = d.seq;
      const session = this.#sessionsById.get(d.session_id);
      if (
        !session || session.token.token !== d.token || session.token.revoked ||
        (session.state !== "active" && session.state !== "resumable")
      ) {
        event.outcome = "invalid-session";
        this.#emit(event);
        this.#sendInvalidSession(conn, false);
        return;
      }
      const seq = d.seq;
      const oldest = session.buffer[0]?.s ?? session.seq + 1;
      if (seq > session.seq || seq + 1 < oldest) {
        this.#invalidate(session);
        throw new CloseSignal(GatewayCloseCode.InvalidSeq, "Invalid seq");
      }
      const previous = session.conn;
      if (previous && previous !== conn) {
        // The session moves; the old socket is told to go away.
        this.#detach(previous);
        this.#serverClose(
          previous,
          GatewayCloseCode.UnknownError,
          "Session resumed on another connection",
          true,
        );
      }
      this.#clearTtl(session);
      session.state = "active";
      session.conn = conn;
      session.resumes++;
      conn.session = session;
      conn.shard = session.shard ?? [0, 1];
      conn.state = "ready";
      const replay = session.buffer.filter((p) => (p.s as number) > seq);
      event.outcome = "resumed";
      event.replayed = replay.length;
      this.#counters.resumed++;
      this.#emit(event);
      for (const payload of replay) this.#send(conn, payload);
      this.#emitDispatch(session, "RESUMED", {}, true);
    } catch (error) {
      if (error instanceof CloseSignal) {
        event.closeCode = error.code;
        this.#emit(event);
      }
      throw error;
    }
  }

  #onCommand(session: Session, op: number, d: unknown): void {
    switch (op) {
      case GatewayOpcode.PresenceUpdate:
        if (!isPresence(d)) throw malformed();
        return;
      case GatewayOpcode.VoiceStateUpdate:
        return this.#onVoiceState(session, d);
      case GatewayOpcode.RequestGuildMembers:
        return this.#onRequestMembers(session, d);
      case GatewayOpcode.RequestSoundboardSounds: {
        if (
          !isObject(d) || !Array.isArray(d.guild_ids) ||
          !d.guild_ids.every(isSnowflake)
        ) throw malformed();
        for (const id of d.guild_ids as string[]) {
          if (!this.#sessionHasGuild(session, id)) continue;
          this.#emitDispatch(session, "SOUNDBOARD_SOUNDS", {
            soundboard_sounds: [],
            guild_id: id,
          }, true);
        }
        return;
      }
      case GatewayOpcode.RequestChannelInfo: {
        if (
          !isObject(d) || !isSnowflake(d.guild_id) ||
          !Array.isArray(d.fields) ||
          d.fields.length === 0 ||
          !d.fields.every((f) => CHANNEL_INFO_FIELDS.has(f as string))
        ) throw malformed();
        if (!this.#sessionHasGuild(session, d.guild_id)) return;
        const guild = this.#guilds.find((g) => g.id === d.guild_id)!;
        const channel: Record<string, unknown> = { id: voiceChannelId(guild) };
        for (const field of d.fields as string[]) channel[field] = null;
        this.#emitDispatch(session, "CHANNEL_INFO", {
          guild_id: guild.id,
          channels: [channel],
        }, true);
        return;
      }
    }
  }

  #onVoiceState(session: Session, d: unknown): void {
    if (
      !isObject(d) || !isSnowflake(d.guild_id) ||
      !(d.channel_id === null || isSnowflake(d.channel_id)) ||
      typeof d.self_mute !== "boolean" || typeof d.self_deaf !== "boolean"
    ) throw malformed();
    if (!this.#sessionHasGuild(session, d.guild_id)) return;
    this.#emitDispatch(session, "VOICE_STATE_UPDATE", {
      guild_id: d.guild_id,
      channel_id: d.channel_id,
      user_id: this.#botUser.id,
      session_id: session.id,
      deaf: false,
      mute: false,
      self_deaf: d.self_deaf,
      self_mute: d.self_mute,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    }, false);
    if (d.channel_id !== null) {
      this.#emitDispatch(session, "VOICE_SERVER_UPDATE", {
        token: "fake-voice-token",
        guild_id: d.guild_id,
        endpoint: "fake-voice.discord.media:443",
      }, true);
    }
  }

  #onRequestMembers(session: Session, d: unknown): void {
    if (!isObject(d) || !isSnowflake(d.guild_id)) throw malformed();
    const hasQuery = d.query !== undefined;
    const hasIds = d.user_ids !== undefined;
    if (hasQuery === hasIds) throw malformed();
    if (
      hasQuery &&
      (typeof d.query !== "string" || !isNonNegativeInteger(d.limit))
    ) throw malformed();
    if (
      hasIds && !isSnowflake(d.user_ids) &&
      !(Array.isArray(d.user_ids) && d.user_ids.every(isSnowflake))
    ) throw malformed();
    if (d.presences !== undefined && typeof d.presences !== "boolean") {
      throw malformed();
    }
    if (d.limit !== undefined && !isNonNegativeInteger(d.limit)) {
      throw malformed();
    }
    const guildId = d.guild_id;
    const nonce = typeof d.nonce === "string" &&
        encoder.encode(d.nonce).byteLength <= 32
      ? d.nonce
      : undefined;
    if (!this.#sessionHasGuild(session, guildId)) return;
    const guild = this.#guilds.find((g) => g.id === guildId)!;
    const now = this.#scheduler.now();

    let members: Record<string, unknown>[];
    let notFound: string[] | undefined;
    if (hasQuery && d.query === "" && d.limit === 0) {
      const last = session.token.allMembers.get(guildId);
      if (last !== undefined && now - last < ALL_MEMBERS_WINDOW) {
        const meta: Record<string, unknown> = { guild_id: guildId };
        if (nonce !== undefined) meta.nonce = nonce;
        this.#emitDispatch(session, "RATE_LIMITED", {
          opcode: GatewayOpcode.RequestGuildMembers,
          retry_after: (last + ALL_MEMBERS_WINDOW - now) / 1000,
          meta,
        }, true);
        return;
      }
      session.token.allMembers.set(guildId, now);
      members = this.#members(guild);
    } else if (hasQuery) {
      const query = (d.query as string).toLowerCase();
      const limit = Math.min(d.limit === 0 ? 100 : d.limit as number, 100);
      members = this.#members(guild).filter((member) =>
        (member.user as { username: string }).username.toLowerCase()
          .startsWith(query)
      ).slice(0, limit);
    } else {
      const ids = (Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids])
        .slice(0, 100) as string[];
      const all = new Map(
        this.#members(guild).map((m) => [(m.user as { id: string }).id, m]),
      );
      members = [];
      notFound = [];
      for (const id of ids) {
        const member = all.get(id);
        if (member) members.push(member);
        else notFound.push(id);
      }
    }
    const withPresences = d.presences === true &&
      (session.intents & GatewayIntent.GuildPresences) !== 0;
    const chunkCount = Math.max(1, Math.ceil(members.length / CHUNK_SIZE));
    for (let index = 0; index < chunkCount; index++) {
      const chunk = members.slice(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE);
      const data: Record<string, unknown> = {
        guild_id: guildId,
        members: chunk,
        chunk_index: index,
        chunk_count: chunkCount,
      };
      if (notFound && index === 0 && notFound.length > 0) {
        data.not_found = notFound;
      }
      if (withPresences) {
        data.presences = chunk.map((member) => ({
          user: { id: (member.user as { id: string }).id },
          status: "online",
          activities: [],
          client_status: { desktop: "online" },
        }));
      }
      if (nonce !== undefined) data.nonce = nonce;
      this.#emitDispatch(session, "GUILD_MEMBERS_CHUNK", data, true);
    }
  }

  #clientClose(conn: Conn, code: number, reason: string): void {
    if (conn.state === "closed") return;
    // Deno reports 0 for a connection that died without a close frame.
    const normalized = code === 0 ? 1006 : code;
    this.#end(
      conn,
      normalized,
      reason,
      "client",
      normalized !== 1000 && normalized !== 1001,
    );
  }

  // --- outbound ----------------------------------------------------------------------

  #send(conn: Conn, payload: GatewayPayload): void {
    if (conn.state === "closed") return;
    conn.sent.push(payload);
    const json = JSON.stringify(payload);
    if (conn.compressor) {
      const bytes = conn.compressor.compress(encoder.encode(json));
      if (conn.compressor.kind === "zlib-stream" && this.#zlibFrameParts > 1) {
        for (const part of splitZlibPayload(bytes, this.#zlibFrameParts)) {
          conn.peer.send(part);
        }
      } else {
        conn.peer.send(bytes);
      }
    } else if (
      conn.session?.payloadCompress &&
      (payload.t === "READY" || payload.t === "GUILD_CREATE" ||
        json.length >= 1024)
    ) {
      conn.peer.send(compressPayload(encoder.encode(json)));
    } else {
      conn.peer.send(json);
    }
  }

  /** Filter, number, buffer and (when connected) send one dispatch. */
  #emitDispatch(
    session: Session,
    event: string,
    data: unknown,
    ignoreIntents: boolean,
  ): boolean {
    let d = data;
    if (this.#filterIntents && !ignoreIntents) {
      const filtered = this.#applyIntents(session, event, data);
      if (filtered === SKIP) return false;
      d = filtered;
    }
    const payload: GatewayPayload = { op: 0, d, s: ++session.seq, t: event };
    this.#counters.dispatches++;
    if (this.#replayBufferSize > 0) {
      session.buffer.push(payload);
      if (session.buffer.length > this.#replayBufferSize) {
        session.buffer.splice(
          0,
          session.buffer.length - this.#replayBufferSize,
        );
      }
    }
    if (session.state === "active" && session.conn) {
      this.#send(session.conn, payload);
    }
    return true;
  }

  #applyIntents(session: Session, event: string, data: unknown): unknown {
    const gate = INTENT_GATES[event];
    if (!gate) return data;
    const intents = session.intents;
    const d = isObject(data) ? data : {};
    const inGuild = typeof d.guild_id === "string" ||
      GUILD_ITSELF_EVENTS.has(event);
    const required = inGuild || gate[1] === undefined ? gate[0] : gate[1];
    if (event === "GUILD_MEMBER_UPDATE") {
      const user = d.user;
      if (isObject(user) && user.id === this.#botUser.id) return data;
    }
    if (event === "THREAD_MEMBERS_UPDATE") {
      if ((intents & GatewayIntent.Guilds) === 0) return SKIP;
      if ((intents & GatewayIntent.GuildMembers) !== 0) return data;
      return this.#threadMembersTouchBot(d) ? data : SKIP;
    }
    if ((intents & required) === 0) return SKIP;
    if ((intents & GatewayIntent.MessageContent) !== 0) return data;
    if (event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE") {
      if (!inGuild) return data;
      const author = d.author;
      if (isObject(author) && author.id === this.#botUser.id) return data;
      const mentions = d.mentions;
      if (
        Array.isArray(mentions) &&
        mentions.some((m) => isObject(m) && m.id === this.#botUser.id)
      ) return data;
      const copy: Record<string, unknown> = { ...d };
      if ("content" in copy) copy.content = "";
      for (const key of ["embeds", "attachments", "components"]) {
        if (key in copy) copy[key] = [];
      }
      delete copy.poll;
      return copy;
    }
    if (event === "AUTO_MODERATION_ACTION_EXECUTION") {
      const copy: Record<string, unknown> = { ...d };
      if ("content" in copy) copy.content = "";
      if ("matched_content" in copy) copy.matched_content = "";
      return copy;
    }
    return data;
  }

  #threadMembersTouchBot(d: Record<string, unknown>): boolean {
    const bot = this.#botUser.id;
    const added = Array.isArray(d.added_members) ? d.added_members : [];
    const removed = Array.isArray(d.removed_member_ids)
      ? d.removed_member_ids
      : [];
    return removed.includes(bot) ||
      added.some((member) =>
        isObject(member) &&
        (member.user_id === bot ||
          (isObject(member.member) && isObject(member.member.user) &&
            member.member.user.id === bot))
      );
  }

  #sendInvalidSession(conn: Conn, resumable: boolean): void {
    this.#counters.invalidSessions++;
    this.#emit({
      type: "invalid-session",
      at: this.#scheduler.now(),
      connectionId: conn.id,
      resumable,
    });
    this.#send(conn, {
      op: GatewayOpcode.InvalidSession,
      d: resumable,
      s: null,
      t: null,
    });
  }

  #sendReconnect(conn: Conn, closeAfter: number | null, code: number): void {
    this.#emit({
      type: "reconnect",
      at: this.#scheduler.now(),
      connectionId: conn.id,
    });
    this.#send(conn, {
      op: GatewayOpcode.Reconnect,
      d: null,
      s: null,
      t: null,
    });
    if (closeAfter === null) return;
    if (conn.reconnectTimer !== undefined) {
      this.#scheduler.clearTimeout(conn.reconnectTimer);
    }
    conn.reconnectTimer = this.#scheduler.setTimeout(() => {
      conn.reconnectTimer = undefined;
      this.#serverClose(conn, code, "Reconnect requested", true);
    }, closeAfter);
  }

  // --- lifecycle ----------------------------------------------------------------------

  #armHeartbeatDeadline(conn: Conn): void {
    if (conn.heartbeatTimer !== undefined) {
      this.#scheduler.clearTimeout(conn.heartbeatTimer);
    }
    conn.heartbeatTimer = this.#scheduler.setTimeout(() => {
      conn.heartbeatTimer = undefined;
      this.#serverClose(
        conn,
        this.#heartbeatTimeoutCode,
        "Heartbeat timed out",
      );
    }, this.#heartbeatInterval + this.#heartbeatTolerance);
  }

  #serverClose(
    conn: Conn,
    code: number,
    reason: string,
    keepSession = !SESSION_ENDING_CLOSES.has(code),
  ): void {
    if (conn.state === "closed") return;
    conn.peer.close(code, reason);
    this.#end(conn, code, reason, "server", keepSession);
  }

  #drop(conn: Conn): void {
    if (conn.state === "closed") return;
    conn.peer.drop();
    this.#end(conn, 1006, "", "server", true);
  }

  #end(
    conn: Conn,
    code: number,
    reason: string,
    initiator: "client" | "server",
    keepSession: boolean,
  ): void {
    conn.state = "closed";
    conn.closedAt = this.#scheduler.now();
    conn.closeCode = code;
    conn.closeReason = reason;
    conn.closedBy = initiator;
    if (conn.heartbeatTimer !== undefined) {
      this.#scheduler.clearTimeout(conn.heartbeatTimer);
      conn.heartbeatTimer = undefined;
    }
    if (conn.reconnectTimer !== undefined) {
      this.#scheduler.clearTimeout(conn.reconnectTimer);
      conn.reconnectTimer = undefined;
    }
    conn.compressor?.close();
    conn.compressor = undefined;
    this.#counters.closes[code] = (this.#counters.closes[code] ?? 0) + 1;
    const session = conn.session;
    if (session) {
      this.#detach(conn);
      if (keepSession && !this.#closed) this.#suspend(session);
      else if (keepSession) session.state = "resumable";
      else this.#invalidate(session);
    }
    this.#emit({
      type: "close",
      at: conn.closedAt,
      connectionId: conn.id,
      code,
      reason,
      initiator,
      sessionId: session?.id ?? null,
      sessionResumable: session?.state === "resumable",
    });
  }

  #detach(conn: Conn): void {
    const session = conn.session;
    conn.session = undefined;
    if (conn.state === "ready") conn.state = "handshaking";
    if (session && session.conn === conn) session.conn = undefined;
  }

  #suspend(session: Session): void {
    if (session.state === "invalidated" || session.state === "expired") return;
    session.state = "resumable";
    this.#clearTtl(session);
    session.ttlTimer = this.#scheduler.setTimeout(() => {
      session.ttlTimer = undefined;
      session.state = "expired";
      session.buffer = [];
      this.#live.delete(session);
    }, this.#sessionTtl);
  }

  #invalidate(session: Session): void {
    this.#clearTtl(session);
    if (session.state === "expired") return;
    session.state = "invalidated";
    session.buffer = [];
    this.#live.delete(session);
    const conn = session.conn;
    if (conn) this.#detach(conn);
  }

  #clearTtl(session: Session): void {
    if (session.ttlTimer !== undefined) {
      this.#scheduler.clearTimeout(session.ttlTimer);
      session.ttlTimer = undefined;
    }
  }

  // --- helpers -------------------------------------------------------------------------

  #targets(target: FakeGatewayTarget): Conn[] {
    return this.#connections.filter((conn) =>
      conn.state !== "closed" &&
      (target.connectionId === undefined || conn.id === target.connectionId) &&
      (target.shardId === undefined ||
        (conn.session !== undefined && conn.shard?.[0] === target.shardId))
    );
  }

  #refuse(url: string, reason: "plan" | "unknown-url" | "closed"): undefined {
    this.#counters.refused++;
    this.#emit({ type: "refuse", at: this.#scheduler.now(), url, reason });
    return undefined;
  }

  #tokenState(token: string | undefined): TokenState {
    const state = token === undefined
      ? this.#tokens.values().next().value
      : this.#tokens.get(token);
    if (!state) {
      throw new RangeError(
        "Cannot find the token as it is not one the FakeGateway accepts",
      );
    }
    return state;
  }

  #refreshBudget(token: TokenState): void {
    const now = this.#scheduler.now();
    if (now < token.resetAt) return;
    token.remaining = token.total;
    const periods = Math.floor((now - token.resetAt) / DAY) + 1;
    token.resetAt += periods * DAY;
  }

  #sessionHasGuild(session: Session, guildId: string): boolean {
    const [shardId, numShards] = session.shard ?? [0, 1];
    return this.#guilds.some((guild) => guild.id === guildId) &&
      guildShard(guildId, numShards) === shardId;
  }

  #members(guild: Guild): Record<string, unknown>[] {
    const members: Record<string, unknown>[] = [];
    for (let i = 0; i < this.#membersPerGuild; i++) {
      const user = i === 0
        ? {
          id: this.#botUser.id,
          username: this.#botUser.username,
          discriminator: "0",
          global_name: null,
          avatar: null,
          bot: true,
        }
        : {
          id: String(guild.big + 1000n + BigInt(i)),
          username: `member${i}`,
          discriminator: "0",
          global_name: null,
          avatar: null,
        };
      members.push({
        user,
        nick: null,
        avatar: null,
        banner: null,
        roles: [],
        joined_at: JOINED_AT,
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
      });
    }
    return members;
  }

  #guildCreate(guild: Guild, session: Session): Record<string, unknown> {
    const bot = this.#members(guild)[0];
    const memberCount = this.#membersPerGuild;
    return {
      id: guild.id,
      name: `Fake Guild ${guild.index}`,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: this.#botUser.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [{
        id: guild.id,
        name: "@everyone",
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: "0",
        managed: false,
        mentionable: false,
        flags: 0,
      }],
      emojis: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: "en-US",
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      stickers: [],
      joined_at: JOINED_AT,
      large: memberCount > session.largeThreshold,
      unavailable: false,
      member_count: memberCount,
      voice_states: [],
      members: bot ? [bot] : [],
      channels: [
        {
          id: String(guild.big + 1n),
          type: 0,
          name: "general",
          position: 0,
          permission_overwrites: [],
          parent_id: null,
          nsfw: false,
          topic: null,
          last_message_id: null,
          rate_limit_per_user: 0,
        },
        {
          id: voiceChannelId(guild),
          type: 2,
          name: "Voice",
          position: 1,
          permission_overwrites: [],
          parent_id: null,
          bitrate: 64000,
          user_limit: 0,
          rtc_region: null,
        },
      ],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      ...guild.extra,
    };
  }

  #emit(event: FakeGatewayEvent): void {
    this.#log.push(event);
    this.#hook(() => this.#onEvent?.(event));
    if (event.type === "identify") {
      this.#hook(() => this.#identifyHook?.(event));
    }
    if (event.type === "resume") this.#hook(() => this.#resumeHook?.(event));
    if (this.#waiters.length === 0) return;
    const matched = this.#waiters.filter((waiter) => {
      try {
        return waiter.predicate(event);
      } catch (error) {
        waiter.reject(error);
        return true;
      }
    });
    if (matched.length === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(event);
  }

  /** Run a user hook; its errors surface as uncaught errors, not in the engine. */
  #hook(run: () => void): void {
    try {
      run();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

// --- free helpers -------------------------------------------------------------------

const SKIP: unique symbol = Symbol("skip");
const JOINED_AT = "2024-01-01T00:00:00.000000+00:00";
const DEFAULT_BOT_USER = { id: "1100000000000000001", username: "FakeBot" };

const I = GatewayIntent;
/** Event -> [intent for guild events, intent for DM events]. */
const INTENT_GATES: Record<string, readonly [number, number?]> = {
  GUILD_CREATE: [I.Guilds],
  GUILD_UPDATE: [I.Guilds],
  GUILD_DELETE: [I.Guilds],
  GUILD_ROLE_CREATE: [I.Guilds],
  GUILD_ROLE_UPDATE: [I.Guilds],
  GUILD_ROLE_DELETE: [I.Guilds],
  CHANNEL_CREATE: [I.Guilds],
  CHANNEL_UPDATE: [I.Guilds],
  CHANNEL_DELETE: [I.Guilds],
  CHANNEL_PINS_UPDATE: [I.Guilds, I.DirectMessages],
  THREAD_CREATE: [I.Guilds],
  THREAD_UPDATE: [I.Guilds],
  THREAD_DELETE: [I.Guilds],
  THREAD_LIST_SYNC: [I.Guilds],
  THREAD_MEMBER_UPDATE: [I.Guilds],
  THREAD_MEMBERS_UPDATE: [I.Guilds],
  STAGE_INSTANCE_CREATE: [I.Guilds],
  STAGE_INSTANCE_UPDATE: [I.Guilds],
  STAGE_INSTANCE_DELETE: [I.Guilds],
  VOICE_CHANNEL_STATUS_UPDATE: [I.Guilds],
  VOICE_CHANNEL_START_TIME_UPDATE: [I.Guilds],
  GUILD_MEMBER_ADD: [I.GuildMembers],
  GUILD_MEMBER_UPDATE: [I.GuildMembers],
  GUILD_MEMBER_REMOVE: [I.GuildMembers],
  GUILD_AUDIT_LOG_ENTRY_CREATE: [I.GuildModeration],
  GUILD_BAN_ADD: [I.GuildModeration],
  GUILD_BAN_REMOVE: [I.GuildModeration],
  GUILD_EMOJIS_UPDATE: [I.GuildExpressions],
  GUILD_STICKERS_UPDATE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUND_CREATE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUND_UPDATE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUND_DELETE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: [I.GuildExpressions],
  GUILD_INTEGRATIONS_UPDATE: [I.GuildIntegrations],
  INTEGRATION_CREATE: [I.GuildIntegrations],
  INTEGRATION_UPDATE: [I.GuildIntegrations],
  INTEGRATION_DELETE: [I.GuildIntegrations],
  WEBHOOKS_UPDATE: [I.GuildWebhooks],
  INVITE_CREATE: [I.GuildInvites],
  INVITE_DELETE: [I.GuildInvites],
  VOICE_CHANNEL_EFFECT_SEND: [I.GuildVoiceStates],
  VOICE_STATE_UPDATE: [I.GuildVoiceStates],
  PRESENCE_UPDATE: [I.GuildPresences],
  MESSAGE_CREATE: [I.GuildMessages, I.DirectMessages],
  MESSAGE_UPDATE: [I.GuildMessages, I.DirectMessages],
  MESSAGE_DELETE: [I.GuildMessages, I.DirectMessages],
  MESSAGE_DELETE_BULK: [I.GuildMessages],
  MESSAGE_REACTION_ADD: [I.GuildMessageReactions, I.DirectMessageReactions],
  MESSAGE_REACTION_REMOVE: [I.GuildMessageReactions, I.DirectMessageReactions],
  MESSAGE_REACTION_REMOVE_ALL: [
    I.GuildMessageReactions,
    I.DirectMessageReactions,
  ],
  MESSAGE_REACTION_REMOVE_EMOJI: [
    I.GuildMessageReactions,
    I.DirectMessageReactions,
  ],
  TYPING_START: [I.GuildMessageTyping, I.DirectMessageTyping],
  GUILD_SCHEDULED_EVENT_CREATE: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_UPDATE: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_DELETE: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_USER_ADD: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_USER_REMOVE: [I.GuildScheduledEvents],
  AUTO_MODERATION_RULE_CREATE: [I.AutoModerationConfiguration],
  AUTO_MODERATION_RULE_UPDATE: [I.AutoModerationConfiguration],
  AUTO_MODERATION_RULE_DELETE: [I.AutoModerationConfiguration],
  AUTO_MODERATION_ACTION_EXECUTION: [I.AutoModerationExecution],
  MESSAGE_POLL_VOTE_ADD: [I.GuildMessagePolls, I.DirectMessagePolls],
  MESSAGE_POLL_VOTE_REMOVE: [I.GuildMessagePolls, I.DirectMessagePolls],
};

/** Events whose data is the guild itself (its ID is `id`). */
const GUILD_ITSELF_EVENTS = new Set([
  "GUILD_CREATE",
  "GUILD_UPDATE",
  "GUILD_DELETE",
]);

function eventGuildId(event: string, d: unknown): string | null {
  if (!isObject(d)) return null;
  if (GUILD_ITSELF_EVENTS.has(event)) {
    return isSnowflake(d.id) ? d.id : null;
  }
  return isSnowflake(d.guild_id) ? d.guild_id : null;
}

function guildShard(guildId: string, numShards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(numShards));
}

function voiceChannelId(guild: Guild): string {
  return String(guild.big + 2n);
}

function sameShard(
  a: readonly [number, number] | null,
  b: readonly [number, number] | null,
): boolean {
  const [a0, a1] = a ?? [0, 1];
  const [b0, b1] = b ?? [0, 1];
  return a0 === b0 && a1 === b1;
}

function makeGuilds(
  guilds: number | readonly (string | FakeGuildSeed)[],
): Guild[] {
  if (typeof guilds === "number") {
    nonNegativeInteger("guilds", guilds);
    return Array.from({ length: guilds }, (_, index) => {
      const big = (GENERATED_GUILD_BASE + BigInt(index)) << 22n;
      return { id: String(big), index, big, extra: {} };
    });
  }
  const seen = new Set<string>();
  return guilds.map((entry, index) => {
    const { id, ...extra } = typeof entry === "string" ? { id: entry } : entry;
    if (!isSnowflake(id)) {
      throw new TypeError(
        `Cannot create FakeGateway as guild IDs must be snowflakes: current value 'guilds[${index}]=${
          String(id)
        }'`,
      );
    }
    if (seen.has(id)) {
      throw new RangeError(
        `Cannot create FakeGateway as guild IDs must be unique: current value 'guilds[${index}]=${id}'`,
      );
    }
    seen.add(id);
    return { id, index, big: BigInt(id), extra };
  });
}

function endpointKey(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `Cannot create FakeGateway as '${name}' must be a URL: current value '${name}=${url}'`,
    );
  }
  return keyOf(parsed);
}

function keyOf(url: URL): string {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  return `${url.protocol}//${url.host}${path}`;
}

function sessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSnowflake(value: unknown): value is string {
  return typeof value === "string" && /^\d{1,20}$/.test(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isPresence(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { since, activities, status, afk } = value;
  if (since !== undefined && since !== null && typeof since !== "number") {
    return false;
  }
  if (afk !== undefined && typeof afk !== "boolean") return false;
  if (typeof status !== "string" || !STATUSES.has(status)) return false;
  return Array.isArray(activities) &&
    activities.every((activity) =>
      isObject(activity) && typeof activity.name === "string" &&
      isNonNegativeInteger(activity.type) && activity.type <= 5 &&
      (activity.url === undefined || activity.url === null ||
        typeof activity.url === "string") &&
      (activity.state === undefined || activity.state === null ||
        typeof activity.state === "string")
    );
}

function malformed(): CloseSignal {
  return new CloseSignal(GatewayCloseCode.UnknownOpcode, "Invalid payload");
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create FakeGateway as '${name}' must be a positive integer: current value '${name}=${value}'`,
    );
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot create FakeGateway as '${name}' must be a non-negative integer: current value '${name}=${value}'`,
    );
  }
  return value;
}

function closeCode(name: string, value: number): number {
  if (
    !Number.isInteger(value) ||
    !(value === 1000 || (value >= 3000 && value <= 4999) ||
      (value >= 1001 && value <= 1014 && value !== 1004 && value !== 1005 &&
        value !== 1006))
  ) {
    throw new RangeError(
      `Cannot use close code as '${name}' must be 1000-1014 (not 1004-1006) or 3000-4999: current value '${name}=${value}'`,
    );
  }
  return value;
}

function connectionView(conn: Conn): FakeGatewayConnection {
  return {
    id: conn.id,
    url: conn.url,
    kind: conn.kind,
    query: { ...conn.query },
    version: conn.version,
    compress: conn.compress,
    state: conn.state,
    shard: conn.shard && [conn.shard[0], conn.shard[1]],
    sessionId: conn.session?.id ?? null,
    received: conn.received.map((frame) => ({ ...frame })),
    sent: [...conn.sent],
    acks: conn.acks,
    openedAt: conn.openedAt,
    lastHeartbeatAt: conn.lastHeartbeatAt,
    closedAt: conn.closedAt,
    closeCode: conn.closeCode,
    closeReason: conn.closeReason,
    closedBy: conn.closedBy,
  };
}

function sessionView(session: Session): FakeGatewaySession {
  return {
    id: session.id,
    shard: session.shard && [session.shard[0], session.shard[1]],
    intents: session.intents,
    seq: session.seq,
    state: session.state,
    resumable: session.state === "active" || session.state === "resumable",
    connectionId: session.conn?.id ?? null,
    buffered: session.buffer.length,
    resumes: session.resumes,
    createdAt: session.createdAt,
  };
}
