/**
 * The fake gateway's engine: its state (connections, sessions, the log and
 * counters), the connection lifecycle (URL and query checks, HELLO, the
 * heartbeat deadline, the frame rate limit, closes and drops), decoding
 * and routing of client frames, and the sending side (encoding, transport
 * and payload compression, numbering and buffering of dispatches). The
 * handshake, commands, intents filtering, fixtures and the identify budget
 * live in their own modules; `FakeGateway` is the public face over this.
 * Private to the test kit.
 *
 * @module
 */
import type { GatewaySocket, SocketListener } from "../gateway/transport.ts";
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import { decodeUtf8 } from "../base/utf8_decode.ts";
import { GatewayCloseCode } from "../types/close_codes.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import type { GatewayPayload } from "../types/gateway_payloads.ts";
import { FakeSocket } from "./fake_socket.ts";
import type {
  FakeAcceptOptions,
  FakeGatewayPeer,
  FakeGatewayPeerHandle,
  FakeGatewayUrlKind,
} from "./fake_gateway_peer.ts";
import type {
  FakeClientFrame,
  FakeConnectionPlan,
  FakeGatewayCounters,
  FakeGatewayEvent,
  FakeGatewayOptions,
  FakeGatewayTarget,
} from "./fake_gateway_types.ts";
import {
  compressPayload,
  createStreamCompressor,
  splitZlibPayload,
} from "./_compressor.ts";
import { createTokens } from "./_gateway_budget.ts";
import { onCommand } from "./_gateway_commands.ts";
import {
  endpointKey,
  isNonNegativeInteger,
  isObject,
  keyOf,
  malformed,
  resolveConfig,
} from "./_gateway_checks.ts";
import { ClosedFrames, FrameLog } from "./_frame_log.ts";
import { makeGuilds } from "./_gateway_fixtures.ts";
import { onIdentify, onResume } from "./_gateway_handshake.ts";
import { applyIntents, SKIP } from "./_gateway_intents.ts";
import {
  CLOSED_PEER,
  CloseSignal,
  type Conn,
  type GatewayConfig,
  type GatewayCore,
  type Guild,
  guildShard,
  type Session,
  SESSION_ENDING_CLOSES,
  type TokenState,
  type Waiter,
} from "./_gateway_model.ts";

/** Discord's payload limit for client frames. */
const MAX_PAYLOAD_BYTES = 4096;
const encoder = new TextEncoder();

/**
 * The most text the in-process transport hands the client in one read. A
 * socket's reads are smaller (the TCP transport's are 64 KiB), but each
 * read here costs a microtask turn, and a test's `advance` flushes a
 * bounded number of them: at 64 KiB a RESUME replaying 10 MB was still
 * resuming after `advance(1000)`. A paused shard takes at most this much
 * past its bound (1 MiB beside its 16 MiB).
 */
const READ_CHARS = 1024 * 1024;

/** A frame (or the close, or a `delivered()` waiter) waiting to be read. */
interface Step {
  run: () => void;
  size: number;
}

/**
 * Hand steps to the client in order and in reads, as a socket does: each
 * step in a microtask of its own, queued when it is sent if the read under
 * way has room (so a few frames arrive as they always did), the rest in a
 * read that starts once the last step of this one ran. A shard pauses (it
 * closes the socket) in a microtask after the frame that put it over its
 * bound: queued all up front, a whole burst reached it first, and its bound
 * did not hold; now at most the rest of one read does.
 *
 * @returns A function that queues a step of `size` characters after those
 *   queued before it.
 */
function inReads(): (run: () => void, size?: number) => void {
  let steps: Step[] = [];
  let head = 0;
  // How many steps from `head` have a microtask queued, and their size.
  let owned = 0;
  let planned = 0;
  let nextRead = false;
  const runOne = (): void => {
    const step = steps[head++]!;
    owned--;
    try {
      step.run();
    } finally {
      if (owned === 0) {
        planned = 0;
        if (head < steps.length) {
          // After what the client queued while it read this one.
          nextRead = true;
          queueMicrotask(() => {
            nextRead = false;
            take();
          });
        } else {
          steps = [];
          head = 0;
        }
      }
    }
  };
  const take = (): void => {
    while (head + owned < steps.length) {
      const size = steps[head + owned]!.size;
      if (owned > 0 && planned + size > READ_CHARS) return;
      planned += size;
      owned++;
      queueMicrotask(runOne);
    }
  };
  return (run, size = 0) => {
    steps.push({ run, size });
    if (!nextRead) take();
  };
}

/** The state and machinery behind one `FakeGateway`. */
export class GatewayEngine implements GatewayCore {
  readonly scheduler: Scheduler;
  readonly config: GatewayConfig;
  url: string;
  resumeUrl: string;
  mainKey: string;
  resumeKey: string;
  readonly tokens: Map<string, TokenState>;
  readonly guilds: Guild[];
  closed = false;
  nextConnectionId = 1;
  readonly connections: Conn[] = [];
  /** The closed connections' shared `recordedFrames`. */
  readonly closedFrames: ClosedFrames;
  readonly sessions: Session[] = [];
  readonly sessionsById = new Map<string, Session>();
  /** Sessions that are active or resumable, oldest first. */
  readonly live = new Set<Session>();
  readonly plans: {
    plan: FakeConnectionPlan;
    kind: FakeGatewayUrlKind | undefined;
  }[] = [];
  readonly log: FakeGatewayEvent[] = [];
  waiters: Waiter[] = [];
  readonly counters: FakeGatewayCounters = {
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
   * Check the options and set up the state.
   *
   * @param options The fake's configuration.
   */
  constructor(options: FakeGatewayOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.url = options.url ?? "wss://gateway.discord.gg";
    this.resumeUrl = options.resumeUrl ?? "wss://resume.gateway.discord.gg";
    this.mainKey = endpointKey(this.url, "url");
    this.resumeKey = endpointKey(this.resumeUrl, "resumeUrl");
    if (this.mainKey === this.resumeKey) {
      throw new RangeError(
        `Cannot create FakeGateway as 'resumeUrl' must differ from 'url': current values 'url=${this.url}', 'resumeUrl=${this.resumeUrl}'`,
      );
    }
    this.config = resolveConfig(options);
    this.closedFrames = new ClosedFrames(this.config.recordedFrames);
    this.guilds = makeGuilds(options.guilds ?? 0);
    this.tokens = createTokens(options, this.scheduler.now());
  }

  /** See {@linkcode FakeGateway.acceptConnection}. */
  acceptConnection(
    url: string,
    peer: FakeGatewayPeer,
    options?: FakeAcceptOptions,
  ): FakeGatewayPeerHandle | undefined {
    if (this.closed) return this.refuse(url, "closed");
    let kind: FakeGatewayUrlKind;
    let resumeUrl: string;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.refuse(url, "unknown-url");
    }
    if (options) {
      kind = options.kind;
      resumeUrl = options.resumeUrl;
    } else {
      const key = keyOf(parsed);
      if (key === this.mainKey) kind = "main";
      else if (key === this.resumeKey) kind = "resume";
      else return this.refuse(url, "unknown-url");
      resumeUrl = this.resumeUrl;
    }
    const planIndex = this.plans.findIndex((p) =>
      p.kind === undefined || p.kind === kind
    );
    const plan = planIndex === -1
      ? undefined
      : this.plans.splice(planIndex, 1)[0]!.plan;
    if (plan === "refuse") return this.refuse(url, "plan");

    const query: Record<string, string> = {};
    for (const [key, value] of parsed.searchParams) query[key] = value;
    const v = query.v;
    const version = v !== undefined && /^\d+$/.test(v) &&
        (Number(v) === 9 || Number(v) === 10)
      ? Number(v)
      : null;
    const compress = query.compress;
    const conn: Conn = {
      id: this.nextConnectionId++,
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
      received: new FrameLog(this.config.recordedFrames),
      sent: new FrameLog(this.config.recordedFrames),
      acks: true,
      openedAt: this.scheduler.now(),
      lastHeartbeatAt: null,
      closedAt: null,
      closeCode: null,
      closeReason: null,
      closedBy: null,
      window: [],
      heartbeatTimer: undefined,
      reconnectTimer: undefined,
    };
    this.connections.push(conn);
    this.counters.connections++;
    this.emit({
      type: "connect",
      at: conn.openedAt,
      connectionId: conn.id,
      url,
      kind,
    });
    const handle: FakeGatewayPeerHandle = {
      connectionId: conn.id,
      receive: (frame) => this.receive(conn, frame),
      clientClose: (code, reason) => this.clientClose(conn, code, reason),
    };

    if (version === null) {
      this.serverClose(
        conn,
        GatewayCloseCode.InvalidApiVersion,
        "Invalid API version",
        false,
      );
      return handle;
    }
    const encoding = query.encoding ?? "json";
    if (encoding !== "json") {
      this.serverClose(
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
      this.serverClose(
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
        this.drop(conn);
        break;
      case "no-hello":
        break;
      case "reconnect":
        this.sendReconnect(
          conn,
          this.config.reconnectCloseDelay,
          GatewayCloseCode.UnknownError,
        );
        break;
      default:
        this.send(conn, {
          op: GatewayOpcode.Hello,
          d: { heartbeat_interval: this.config.heartbeatInterval },
          s: null,
          t: null,
        });
        this.armHeartbeatDeadline(conn);
    }
    return handle;
  }

  connectInProcess(url: string, listener: SocketListener): GatewaySocket {
    const socket = new FakeSocket(url, listener);
    queueMicrotask(() => {
      if (socket.state !== "connecting") return;
      let dropped = false;
      const inOrder = inReads();
      const peer: FakeGatewayPeer = {
        send: (frame) =>
          inOrder(() => {
            if (!dropped) socket.receive(frame);
          }, typeof frame === "string" ? frame.length : frame.byteLength),
        close: (code, reason) =>
          inOrder(() => {
            if (!dropped) socket.serverClose(code, reason);
          }),
        drop: () => {
          dropped = true;
          queueMicrotask(() => socket.drop());
        },
        // A step after the frames sent so far runs once all were handed
        // over (or lost to a drop).
        delivered: () => new Promise((resolve) => inOrder(resolve)),
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

  receive(conn: Conn, frame: string | Uint8Array): void {
    if (conn.state === "closed") return;
    const now = this.scheduler.now();
    const window = conn.window;
    while (window.length > 0 && window[0]! <= now - this.config.rateWindow) {
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
      if (window.length > this.config.rateLimit) {
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
        const text = typeof frame === "string" ? frame : decodeUtf8(frame);
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
      this.hook(() => this.config.onClientFrame?.(conn.id, { ...record }));
      this.handle(conn, payload);
    } catch (error) {
      if (!(error instanceof CloseSignal)) throw error;
      this.serverClose(conn, error.code, error.reason);
    }
  }

  handle(conn: Conn, payload: Record<string, unknown>): void {
    const { op, d } = payload;
    switch (op) {
      case GatewayOpcode.Heartbeat:
        return this.onHeartbeat(conn, d);
      case GatewayOpcode.Identify:
        return onIdentify(this, conn, d);
      case GatewayOpcode.Resume:
        return onResume(this, conn, d);
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
        return onCommand(this, conn.session, op, d);
      default:
        throw new CloseSignal(GatewayCloseCode.UnknownOpcode, "Unknown opcode");
    }
  }

  onHeartbeat(conn: Conn, d: unknown): void {
    if (d !== undefined && d !== null && !isNonNegativeInteger(d)) {
      throw malformed();
    }
    this.counters.heartbeats++;
    conn.lastHeartbeatAt = this.scheduler.now();
    this.armHeartbeatDeadline(conn);
    if (conn.acks) {
      this.counters.heartbeatAcks++;
      this.send(conn, {
        op: GatewayOpcode.HeartbeatAck,
        d: null,
        s: null,
        t: null,
      });
    }
  }

  clientClose(conn: Conn, code: number, reason: string): void {
    if (conn.state === "closed") return;
    // Deno reports 0 for a connection that died without a close frame.
    const normalized = code === 0 ? 1006 : code;
    this.end(
      conn,
      normalized,
      reason,
      "client",
      normalized !== 1000 && normalized !== 1001,
    );
  }

  send(conn: Conn, payload: GatewayPayload): void {
    if (conn.state === "closed") return;
    conn.sent.push(payload);
    const json = JSON.stringify(payload);
    if (conn.compressor) {
      const bytes = conn.compressor.compress(encoder.encode(json));
      if (
        conn.compressor.kind === "zlib-stream" && this.config.zlibFrameParts > 1
      ) {
        for (
          const part of splitZlibPayload(bytes, this.config.zlibFrameParts)
        ) {
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

  /**
   * See {@linkcode FakeGateway.delivered}. Asked of the carriers, not with
   * op 1: a client answers that at most once per heartbeat interval (this
   * kit's `Shard` does), so a second wait within 41 s would never end.
   */
  delivered(): Promise<void> {
    const live = this.connections.filter((conn) => conn.state !== "closed");
    return Promise.all(live.map((conn) => {
      if (conn.peer.delivered) return conn.peer.delivered();
      return Promise.reject(
        new Error(
          `Cannot wait for delivery on connection ${conn.id}: its carrier has no delivered(), so the fake cannot tell what the client has read`,
        ),
      );
    })).then(() => {});
  }

  emitDispatch(
    session: Session,
    event: string,
    data: unknown,
    ignoreIntents: boolean,
  ): boolean {
    let d = data;
    if (this.config.filterIntents && !ignoreIntents) {
      const filtered = applyIntents(
        this.config.botUser.id,
        session.intents,
        event,
        data,
      );
      if (filtered === SKIP) return false;
      d = filtered;
    }
    const payload: GatewayPayload = { op: 0, d, s: ++session.seq, t: event };
    this.counters.dispatches++;
    // The last replayBufferSize (a splice per dispatch moved them all).
    session.buffer.push(payload);
    if (session.state === "active" && session.conn) {
      this.send(session.conn, payload);
    }
    return true;
  }

  sendInvalidSession(conn: Conn, resumable: boolean): void {
    this.counters.invalidSessions++;
    this.emit({
      type: "invalid-session",
      at: this.scheduler.now(),
      connectionId: conn.id,
      resumable,
    });
    this.send(conn, {
      op: GatewayOpcode.InvalidSession,
      d: resumable,
      s: null,
      t: null,
    });
  }

  sendReconnect(conn: Conn, closeAfter: number | null, code: number): void {
    this.emit({
      type: "reconnect",
      at: this.scheduler.now(),
      connectionId: conn.id,
    });
    this.send(conn, {
      op: GatewayOpcode.Reconnect,
      d: null,
      s: null,
      t: null,
    });
    if (closeAfter === null) return;
    if (conn.reconnectTimer !== undefined) {
      this.scheduler.clearTimeout(conn.reconnectTimer);
    }
    conn.reconnectTimer = this.scheduler.setTimeout(() => {
      conn.reconnectTimer = undefined;
      this.serverClose(conn, code, "Reconnect requested", true);
    }, closeAfter);
  }

  armHeartbeatDeadline(conn: Conn): void {
    if (conn.heartbeatTimer !== undefined) {
      this.scheduler.clearTimeout(conn.heartbeatTimer);
    }
    conn.heartbeatTimer = this.scheduler.setTimeout(() => {
      conn.heartbeatTimer = undefined;
      this.serverClose(
        conn,
        this.config.heartbeatTimeoutCode,
        "Heartbeat timed out",
      );
    }, this.config.heartbeatInterval + this.config.heartbeatTolerance);
  }

  serverClose(
    conn: Conn,
    code: number,
    reason: string,
    keepSession = !SESSION_ENDING_CLOSES.has(code),
  ): void {
    if (conn.state === "closed") return;
    conn.peer.close(code, reason);
    this.end(conn, code, reason, "server", keepSession);
  }

  drop(conn: Conn): void {
    if (conn.state === "closed") return;
    conn.peer.drop();
    this.end(conn, 1006, "", "server", true);
  }

  end(
    conn: Conn,
    code: number,
    reason: string,
    initiator: "client" | "server",
    keepSession: boolean,
  ): void {
    conn.state = "closed";
    conn.closedAt = this.scheduler.now();
    conn.closeCode = code;
    conn.closeReason = reason;
    conn.closedBy = initiator;
    if (conn.heartbeatTimer !== undefined) {
      this.scheduler.clearTimeout(conn.heartbeatTimer);
      conn.heartbeatTimer = undefined;
    }
    if (conn.reconnectTimer !== undefined) {
      this.scheduler.clearTimeout(conn.reconnectTimer);
      conn.reconnectTimer = undefined;
    }
    conn.compressor?.close();
    conn.compressor = undefined;
    // Only metadata and a share of the frames outlive the connection.
    conn.peer = CLOSED_PEER;
    conn.window = [];
    this.closedFrames.add(conn);
    this.counters.closes[code] = (this.counters.closes[code] ?? 0) + 1;
    const session = conn.session;
    if (session) {
      this.detach(conn);
      if (keepSession && !this.closed) this.suspend(session);
      else if (keepSession) session.state = "resumable";
      else this.invalidate(session);
    }
    this.emit({
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

  detach(conn: Conn): void {
    const session = conn.session;
    conn.session = undefined;
    if (conn.state === "ready") conn.state = "handshaking";
    if (session && session.conn === conn) session.conn = undefined;
  }

  suspend(session: Session): void {
    if (session.state === "invalidated" || session.state === "expired") return;
    session.state = "resumable";
    this.clearTtl(session);
    session.ttlTimer = this.scheduler.setTimeout(() => {
      session.ttlTimer = undefined;
      session.state = "expired";
      session.buffer.clear();
      this.live.delete(session);
    }, this.config.sessionTtl);
  }

  invalidate(session: Session): void {
    this.clearTtl(session);
    if (session.state === "expired") return;
    session.state = "invalidated";
    session.buffer.clear();
    this.live.delete(session);
    const conn = session.conn;
    if (conn) this.detach(conn);
  }

  clearTtl(session: Session): void {
    if (session.ttlTimer !== undefined) {
      this.scheduler.clearTimeout(session.ttlTimer);
      session.ttlTimer = undefined;
    }
  }

  targets(target: FakeGatewayTarget): Conn[] {
    return this.connections.filter((conn) =>
      conn.state !== "closed" &&
      (target.connectionId === undefined || conn.id === target.connectionId) &&
      (target.shardId === undefined ||
        (conn.session !== undefined && conn.shard?.[0] === target.shardId))
    );
  }

  refuse(url: string, reason: "plan" | "unknown-url" | "closed"): undefined {
    this.counters.refused++;
    this.emit({ type: "refuse", at: this.scheduler.now(), url, reason });
    return undefined;
  }

  tokenState(token: string | undefined): TokenState {
    const state = token === undefined
      ? this.tokens.values().next().value
      : this.tokens.get(token);
    if (!state) {
      throw new RangeError(
        "Cannot find the token as it is not one the FakeGateway accepts",
      );
    }
    return state;
  }

  sessionHasGuild(session: Session, guildId: string): boolean {
    const [shardId, numShards] = session.shard ?? [0, 1];
    return this.guilds.some((guild) => guild.id === guildId) &&
      guildShard(guildId, numShards) === shardId;
  }

  emit(event: FakeGatewayEvent): void {
    this.log.push(event);
    this.hook(() => this.config.onEvent?.(event));
    if (event.type === "identify") {
      this.hook(() => this.config.identifyHook?.(event));
    }
    if (event.type === "resume") {
      this.hook(() => this.config.resumeHook?.(event));
    }
    if (this.waiters.length === 0) return;
    const matched = this.waiters.filter((waiter) => {
      try {
        return waiter.predicate(event);
      } catch (error) {
        waiter.reject(error);
        return true;
      }
    });
    if (matched.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(event);
  }

  hook(run: () => void): void {
    try {
      run();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
