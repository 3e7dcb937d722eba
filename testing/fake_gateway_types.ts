/**
 * The public shapes of the {@linkcode FakeGateway}: its options, the
 * snapshots it hands out (connections, sessions, counters), its event log
 * and the scripting options. Re-exported from `fake_gateway.ts`.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";
import type { GatewayPayload } from "../types/gateway_payloads.ts";
import type { FakeGatewayUrlKind } from "./fake_gateway_peer.ts";

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
   * The close code for a missed heartbeat. Discord does not document it,
   * but its heartbeat docs say a client that misses one is "forced to
   * Resume", so the default, 4000 ("Unknown error"), keeps the session
   * resumable (the project's reference, §10.6). The session's fate follows
   * the code as for every server close: a code in the close-code table's
   * "start a new session" rows (e.g. 4009, "Session timed out", which
   * discord.js and others resume after anyway) ends it, so a test can check
   * a client against that stricter reading.
   *
   * @default {4000}
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
   * Frames kept in {@linkcode FakeGatewayConnection.sent} and
   * {@linkcode FakeGatewayConnection.received}, each way: a live connection
   * keeps its own last `recordedFrames`; the closed connections share one
   * budget of `recordedFrames`, spent on those closed last (each one's
   * newest frames first), so older closed ones keep fewer, then none. `0`
   * keeps none.
   *
   * A long run (a soak test) with reconnects thus holds at most this many
   * frames each way per live connection (up to twice as many between
   * trims) and as many for all closed ones together. What still grows per
   * reconnect is metadata: each connection's fields and its `log` entries
   * (about 1 KB, frames aside), and a session's fields per IDENTIFY; a
   * session keeps its replay buffer only while it can be resumed (see
   * `replayBufferSize`, `sessionTtl`). A closed connection lets go of its
   * carrier, so it keeps nothing of the client alive.
   *
   * @default {10000}
   */
  recordedFrames?: number;
  /**
   * The guilds the bot is in: a count (IDs are generated, spread evenly over
   * shards; at most 100000, as each is built up front) or the IDs
   * themselves, optionally with GUILD_CREATE fields.
   *
   * @default {0}
   */
  guilds?: number | readonly (string | FakeGuildSeed)[];
  /**
   * Members per guild, the bot included (members are generated: `member1`,
   * `member2`, …; at most 100000). Used for GUILD_CREATE's `member_count`
   * and op 8 replies. `FakeDiscord` adds its simulated users to them: its
   * tester in its first guild, another user once it acts in a guild.
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
  /**
   * Say so on stderr (once per event and intent, through the
   * `disruption·testing` log category) when the dispatch reaches none of
   * the sessions it was routed to because none of them requested the
   * intent that gates it, e.g. a `MESSAGE_UPDATE` without `guild_id`,
   * which counts as a DM and needs `DirectMessages`, or when no bot has
   * connected yet (a `start()` not awaited). `false` for a test that
   * filters on purpose; configuring LogTape for the category also takes
   * the line off stderr.
   *
   * @default {true}
   */
  warnIfFiltered?: boolean;
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
  /**
   * Frames the client sent, in order: the last
   * {@linkcode FakeGatewayOptions.recordedFrames} of them, older ones
   * dropped; once closed, the newest of them that the closed connections'
   * shared budget leaves (none for long-closed ones).
   */
  readonly received: readonly FakeClientFrame[];
  /**
   * Payloads the server sent (before compression), in order; kept as
   * {@linkcode FakeGatewayConnection.received} is.
   */
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
  /**
   * Dispatches held for replay (the last
   * {@linkcode FakeGatewayOptions.replayBufferSize}); `0` once the session
   * is `invalidated` or `expired`, as its buffer is let go then.
   */
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
    /**
     * A command of a ready session got no answer because Discord would not
     * answer it: an op 8 for the member list (`query: ""`, any `limit`)
     * from a session without the `GUILD_MEMBERS` intent.
     */
    type: "command-ignored";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** The session that sent it. */
    sessionId: string;
    /** The command's opcode. */
    op: number;
    /** Why it went unanswered: the session lacks an intent. */
    reason: "missing-intent";
    /** The intent the command needed (`GatewayIntent.GuildMembers`). */
    intent: number;
  }
  | {
    /**
     * A command of a ready session got no answer because Discord would not
     * answer it: an op 4 joining a channel that is not one of the guild's
     * voice or stage channels (types 2 and 13) in its GUILD_CREATE (an
     * unknown id, a text channel). Discord sends neither VOICE_STATE_UPDATE
     * nor VOICE_SERVER_UPDATE, so the bot's join times out.
     */
    type: "command-ignored";
    /** Scheduler time. */
    at: number;
    /** The connection. */
    connectionId: number;
    /** The session that sent it. */
    sessionId: string;
    /** The command's opcode (`GatewayOpcode.VoiceStateUpdate`, 4). */
    op: number;
    /** Why it went unanswered: the channel is no voice channel of the guild. */
    reason: "unknown-channel";
    /** The guild named by the command. */
    guildId: string;
    /** The channel it tried to join. */
    channelId: string;
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
