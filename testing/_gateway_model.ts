/**
 * The fake gateway's internal state shapes (connections, sessions, tokens,
 * guilds), the settings it runs with, what the handshake and command
 * modules need from the engine ({@linkcode GatewayCore}), and the small
 * rules they share (which shard a guild is on, which closes end a
 * session). Private to the test kit.
 *
 * @module
 */
import type { TimerId } from "../base/scheduler.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { GatewayCloseCode } from "../types/close_codes.ts";
import type { GatewayPayload } from "../types/gateway_payloads.ts";
import type {
  FakeGatewayPeer,
  FakeGatewayUrlKind,
} from "./fake_gateway_peer.ts";
import type {
  FakeClientFrame,
  FakeConnectionState,
  FakeGatewayConnection,
  FakeGatewayCounters,
  FakeGatewayEvent,
  FakeGatewaySession,
  FakeIdentifyEvent,
  FakeResumeEvent,
  FakeSessionState,
} from "./fake_gateway_types.ts";
import type { StreamCompressor } from "./_compressor.ts";
import type { FrameLog } from "./_frame_log.ts";

/** Closes after which the server forgets the session. */
export const SESSION_ENDING_CLOSES = new Set<number>([
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

/** The bot user when the options name none. */
export const DEFAULT_BOT_USER = {
  id: "1100000000000000001",
  username: "FakeBot",
};

/** One bot token: its privileged intents and its session-start budget. */
export interface TokenState {
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

/** One guild the bot is in. */
export interface Guild {
  id: string;
  index: number;
  big: bigint;
  extra: Record<string, unknown>;
}

/** One connection, live or closed. */
export interface Conn {
  id: number;
  url: string;
  kind: FakeGatewayUrlKind;
  resumeUrl: string;
  query: Record<string, string>;
  version: number | null;
  compress: "none" | "zlib-stream" | "zstd-stream";
  compressor: StreamCompressor | undefined;
  state: FakeConnectionState;
  /** The carrier; {@linkcode CLOSED_PEER} once closed. */
  peer: FakeGatewayPeer;
  session: Session | undefined;
  shard: [number, number] | null;
  /**
   * Frames the client sent, the last `recordedFrames` of them; once closed,
   * what the closed connections' shared budget leaves (`ClosedFrames`).
   */
  received: FrameLog<FakeClientFrame>;
  /** Payloads the server sent, kept as `received` is. */
  sent: FrameLog<GatewayPayload>;
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

/**
 * What a closed connection holds instead of its carrier. The carrier's
 * closures reach the client's socket and listener (in a `Client`, its whole
 * `Shard`), and the fake keeps every connection's metadata: held on, each
 * reconnect kept another client alive. Nothing is sent on a closed one.
 */
export const CLOSED_PEER: FakeGatewayPeer = {
  send: () => {},
  close: () => {},
  drop: () => {},
};

/** One session, from IDENTIFY until it is invalidated or expires. */
export interface Session {
  id: string;
  token: TokenState;
  shard: [number, number] | null;
  intents: number;
  largeThreshold: number;
  payloadCompress: boolean;
  /**
   * The API version (`v`) and `encoding` of the connection that identified:
   * a RESUME must come with the same (`_gateway_handshake.ts`).
   */
  version: number | null;
  encoding: string;
  seq: number;
  buffer: FrameLog<GatewayPayload>;
  state: FakeSessionState;
  conn: Conn | undefined;
  ttlTimer: TimerId | undefined;
  resumes: number;
  createdAt: number;
}

/** A `nextEvent` call waiting for its entry. */
export interface Waiter {
  predicate: (event: FakeGatewayEvent) => boolean;
  resolve: (event: FakeGatewayEvent) => void;
  reject: (reason: unknown) => void;
}

/** Thrown out of a frame handler to close the connection with `code`. */
export class CloseSignal {
  constructor(readonly code: number, readonly reason: string) {}
}

/** The fake's settings, checked once (see `resolveConfig`). */
export interface GatewayConfig {
  heartbeatInterval: number;
  heartbeatTolerance: number;
  heartbeatTimeoutCode: number;
  maxConcurrency: number;
  sessionTtl: number;
  replayBufferSize: number;
  recordedFrames: number;
  membersPerGuild: number;
  maxGuildsPerShard: number;
  shardCountMultiple: number;
  botUser: { id: string; username: string };
  applicationId: string;
  rateLimit: number;
  rateWindow: number;
  reconnectCloseDelay: number;
  zlibFrameParts: number;
  filterIntents: boolean;
  /**
   * A guild's members besides the generated ones (a FakeDiscord's REST
   * members and simulated users), read at each use; op 8 finds them and
   * GUILD_CREATE counts them.
   */
  extraMembers: ((guildId: string) => Record<string, unknown>[]) | undefined;
  onEvent: ((event: FakeGatewayEvent) => void) | undefined;
  identifyHook: ((event: FakeIdentifyEvent) => void) | undefined;
  resumeHook: ((event: FakeResumeEvent) => void) | undefined;
  onClientFrame:
    | ((connectionId: number, frame: FakeClientFrame) => void)
    | undefined;
}

/**
 * What the handshake and the command handlers need from the engine: its
 * state and the few operations that change it.
 */
export interface GatewayCore {
  readonly scheduler: Scheduler;
  readonly config: GatewayConfig;
  readonly counters: FakeGatewayCounters;
  readonly tokens: ReadonlyMap<string, TokenState>;
  readonly guilds: readonly Guild[];
  readonly connections: readonly Conn[];
  readonly sessions: Session[];
  readonly sessionsById: Map<string, Session>;
  /** Sessions that are active or resumable, oldest first. */
  readonly live: Set<Session>;
  emit(event: FakeGatewayEvent): void;
  send(conn: Conn, payload: GatewayPayload): void;
  emitDispatch(
    session: Session,
    event: string,
    data: unknown,
    ignoreIntents: boolean,
  ): boolean;
  sendInvalidSession(conn: Conn, resumable: boolean): void;
  serverClose(
    conn: Conn,
    code: number,
    reason: string,
    keepSession?: boolean,
  ): void;
  invalidate(session: Session): void;
  detach(conn: Conn): void;
  clearTtl(session: Session): void;
  sessionHasGuild(session: Session, guildId: string): boolean;
}

/** The shard a guild's events go to: `(guild_id >> 22) % num_shards`. */
export function guildShard(guildId: string, numShards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(numShards));
}

/**
 * The ID of a guild's text channel ("general") in the fixtures: the one
 * {@linkcode FakeDiscord} posts its users' messages in, listed by the
 * guild's GUILD_CREATE as Discord lists every channel the bot can see.
 */
export function textChannelId(guildId: string): string {
  return String(BigInt(guildId) + 1n);
}

/** The ID of a guild's voice channel in the fixtures. */
export function voiceChannelId(guild: Guild): string {
  return String(guild.big + 2n);
}

/**
 * The channels a guild's GUILD_CREATE lists in the fixtures
 * (`_gateway_fixtures.ts`), as a REST fake stores them.
 */
export function fixtureChannels(guildId: string): {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  position: number;
  permission_overwrites: [];
}[] {
  return [
    { id: textChannelId(guildId), type: 0, name: "general", position: 0 },
    { id: String(BigInt(guildId) + 2n), type: 2, name: "Voice", position: 1 },
  ].map((channel) => ({
    ...channel,
    guild_id: guildId,
    permission_overwrites: [],
  }));
}

/** Whether two IDENTIFY shard pairs name the same shard (absent is `[0, 1]`). */
export function sameShard(
  a: readonly [number, number] | null,
  b: readonly [number, number] | null,
): boolean {
  const [a0, a1] = a ?? [0, 1];
  const [b0, b1] = b ?? [0, 1];
  return a0 === b0 && a1 === b1;
}

/** A connection's public snapshot. */
export function connectionView(conn: Conn): FakeGatewayConnection {
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
    received: conn.received.toArray().map((frame) => ({ ...frame })),
    sent: conn.sent.toArray(),
    acks: conn.acks,
    openedAt: conn.openedAt,
    lastHeartbeatAt: conn.lastHeartbeatAt,
    closedAt: conn.closedAt,
    closeCode: conn.closeCode,
    closeReason: conn.closeReason,
    closedBy: conn.closedBy,
  };
}

/** A session's public snapshot. */
export function sessionView(session: Session): FakeGatewaySession {
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
