/**
 * A protocol-faithful fake Discord gateway: the server side of the gateway
 * protocol (API v10/v9, JSON encoding) running in the test process, with the
 * checks Discord documents and a scripting surface for chaos tests.
 *
 * Connect a client to it in-process through {@linkcode FakeGateway.transport},
 * or over a real WebSocket with `serveFakeGateway` from the same entry point.
 *
 * This file is the public face: the class and its documented methods. The
 * work is done in private modules, one concern each: `_gateway_engine.ts`
 * (connections, frames, sending, lifecycle), `_gateway_handshake.ts`
 * (IDENTIFY and RESUME), `_gateway_commands.ts` (ops 3, 4, 8, 31, 43),
 * `_gateway_intents.ts` (intents filtering), `_gateway_fixtures.ts`
 * (guilds, members, READY and GUILD_CREATE), `_gateway_budget.ts` (the
 * identify budget), `_gateway_checks.ts` (option and payload checks) and
 * `_gateway_model.ts` (the state shapes they share).
 *
 * @module
 */
import type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../gateway/transport.ts";
import { GatewayCloseCode } from "../types/close_codes.ts";
import { intentNames, PRIVILEGED_INTENTS } from "../types/intents.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import type { GatewayPayload } from "../types/gateway_payloads.ts";
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
import type {
  FakeCloseOptions,
  FakeConnectionPlan,
  FakeDispatchOptions,
  FakeGatewayBotInfo,
  FakeGatewayConnection,
  FakeGatewayCounters,
  FakeGatewayEvent,
  FakeGatewayOptions,
  FakeGatewaySession,
  FakeGatewayTarget,
  FakeReconnectOptions,
  FakeSessionStartLimit,
} from "./fake_gateway_types.ts";
import { refreshBudget } from "./_gateway_budget.ts";
import {
  checkGatewayOptionKeys,
  closeCode,
  endpointKey,
  positiveInteger,
} from "./_gateway_checks.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { GatewayEngine } from "./_gateway_engine.ts";
import { AnswerWaits } from "./_answer_waits.ts";
import { checkFakeGatewayOptions } from "./_fake_options.ts";
import { eventGuildId, intentsNeeded } from "./_gateway_intents.ts";
import {
  connectionView,
  guildShard,
  SESSION_ENDING_CLOSES,
  sessionView,
} from "./_gateway_model.ts";

export type {
  FakeAcceptOptions,
  FakeGatewayCarrier,
  FakeGatewayPeer,
  FakeGatewayPeerHandle,
  FakeGatewayUrlKind,
} from "./fake_gateway_peer.ts";
export type * from "./fake_gateway_types.ts";

/** The test kit's visible warnings (stderr unless LogTape takes them). */
const visible = getVisibleLogger(["disruption", "testing"]);

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
 * - a missed heartbeat closes with 4000 (`heartbeatTimeoutCode`) and keeps
 *   the session resumable, as "forced to Resume" implies; a configured 4009
 *   ends it, like every 4009 close (the close-code table);
 * - RESUME with the wrong token gets op 9 `d:false`; RESUME of a session
 *   that is still on another socket moves it and closes the old socket with
 *   4000; RESUMED carries `d: {}`;
 * - RESUME with another `v` or `encoding` than the identifying connection's
 *   gets op 9 `d:false` and ends the session; `compress` may differ;
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

  readonly #engine: GatewayEngine;
  readonly #waits: AnswerWaits; // nextEvent()'s, for close() (see there)

  /**
   * Create a fake gateway; nothing listens until a client uses
   * {@linkcode FakeGateway.transport} (or {@linkcode FakeGateway.serve}).
   *
   * @param options The fake's configuration; every field has a default.
   * @throws {TypeError} When a URL, token or guild ID is malformed, or an
   *   options object has a key it does not read (a misspelt option would
   *   otherwise be ignored without a word at run time).
   * @throws {RangeError} When a number is out of range or the two URLs match.
   */
  constructor(options: FakeGatewayOptions = {}) {
    checkGatewayOptionKeys(options);
    checkFakeGatewayOptions(options);
    const engine = new GatewayEngine(options);
    this.#engine = engine;
    this.#waits = new AnswerWaits(engine.scheduler, () => undefined);
    this.transport = (url: string, listener: SocketListener): GatewaySocket =>
      engine.connectInProcess(url, listener);
  }

  /** The main URL of the in-process transport. */
  get url(): string {
    return this.#engine.url;
  }

  /** The resume URL of the in-process transport (READY's `resume_gateway_url`). */
  get resumeUrl(): string {
    return this.#engine.resumeUrl;
  }

  /** Whether {@linkcode FakeGateway.close} was called. */
  get closed(): boolean {
    return this.#engine.closed;
  }

  /**
   * Give guilds members besides the generated ones (a {@linkcode FakeDiscord}
   * gives its REST members and simulated users): op 8 finds them and
   * GUILD_CREATE counts them.
   *
   * @param source A guild's extra members (with `user`), read at each use.
   */
  setExtraMembers(
    source: ((guildId: string) => Record<string, unknown>[]) | undefined,
  ): void {
    this.#engine.config.extraMembers = source;
  }

  /** The guild IDs the bot is in. */
  get guildIds(): string[] {
    return this.#engine.guilds.map((guild) => guild.id);
  }

  /** The bot's user ID. */
  get botUserId(): string {
    return this.#engine.config.botUser.id;
  }

  /** The bot's user as READY shows it (ID and username). */
  get botUser(): { id: string; username: string } {
    return { ...this.#engine.config.botUser };
  }

  /** Live connections, oldest first (snapshots). */
  get connections(): FakeGatewayConnection[] {
    const conns = this.#engine.connections;
    return conns.filter((conn) => conn.state !== "closed").map(connectionView);
  }

  /**
   * Every connection ever accepted, oldest first (snapshots): all metadata,
   * frames as {@linkcode FakeGatewayOptions.recordedFrames} keeps them.
   */
  get allConnections(): FakeGatewayConnection[] {
    return this.#engine.connections.map(connectionView);
  }

  /** Every session ever started, oldest first (snapshots). */
  get sessions(): FakeGatewaySession[] {
    return this.#engine.sessions.map(sessionView);
  }

  /** Running totals (a copy). */
  get counters(): FakeGatewayCounters {
    return {
      ...this.#engine.counters,
      closes: { ...this.#engine.counters.closes },
    };
  }

  /**
   * What happened, in order: connections, IDENTIFYs (each saying whether a
   * RESUME was possible instead), RESUMEs (with the URL kind they came in
   * on), op 7/op 9 sent, commands Discord would leave unanswered
   * (`command-ignored`: a member-list op 8, `query: ""`, without
   * `GUILD_MEMBERS`; an op 4 joining no voice or stage channel of the
   * guild), and closes. Frames are on each connection's
   * `received`.
   */
  get log(): FakeGatewayEvent[] {
    return [...this.#engine.log];
  }

  /**
   * One connection by ID, live or closed.
   *
   * @param id The connection ID.
   * @returns A snapshot, or `undefined`.
   */
  connection(id: number): FakeGatewayConnection | undefined {
    const conn = this.#engine.connections.find((c) => c.id === id);
    return conn && connectionView(conn);
  }

  /**
   * One session by `session_id`.
   *
   * @param id The session ID.
   * @returns A snapshot, or `undefined`.
   */
  session(id: string): FakeGatewaySession | undefined {
    const session = this.#engine.sessionsById.get(id);
    return session && sessionView(session);
  }

  /**
   * The session-start budget of a token, as `GET /gateway/bot` reports it.
   *
   * @param token The token; the first configured one by default.
   * @returns The budget now.
   */
  sessionStartLimit(token?: string): FakeSessionStartLimit {
    const state = this.#engine.tokenState(token);
    refreshBudget(state, this.#engine.scheduler.now());
    return {
      total: state.total,
      remaining: state.remaining,
      reset_after: Math.max(0, state.resetAt - this.#engine.scheduler.now()),
      max_concurrency: this.#engine.config.maxConcurrency,
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
      url: this.#engine.url,
      shards: Math.max(1, Math.ceil(this.#engine.guilds.length / 1000)),
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
    const event = this.#engine.closed
      ? Promise.reject(new Error("Cannot wait: the FakeGateway is closed"))
      : new Promise<FakeGatewayEvent>((resolve, reject) => {
        this.#engine.waiters.push({ predicate, resolve, reject });
      });
    return this.#waits.handOut(event);
  }

  // --- scripting ---------------------------------------------------------------

  /**
   * Send a dispatch to every session that should get it: routed by guild
   * (`(guild_id >> 22) % num_shards`; events without a guild go to shard 0),
   * filtered by intents, numbered per session. Disconnected sessions that
   * are still resumable hold it for replay.
   *
   * Intents filter as on Discord: an event with a DM variant (messages,
   * reactions, typing, pins, polls) whose data has no `guild_id` counts as
   * a DM event, so it needs `DirectMessages` (or the DM intent of its kind)
   * rather than the guild intent. When the sessions it was routed to all
   * filter it out, a warning on stderr says which intent was missing (see
   * {@linkcode FakeDispatchOptions.warnIfFiltered}); when no bot has
   * connected yet (a `client.start()` not awaited), one says so, once (not
   * for a dispatch with `warnIfFiltered: false`).
   *
   * @param event The event name (`t`), e.g. `"MESSAGE_CREATE"`.
   * @param data The event data (`d`); sent as JSON.
   * @param options Routing overrides.
   * @returns How many sessions got it (sent or held): 0 when no session is
   *   on its shard or the intents filtered it out everywhere.
   *
   * @example Route a guild event
   * ```ts
   * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
   * // No session yet: nobody gets it (and stderr says no bot has connected).
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
    /** The intents of the sessions it was routed to. */
    const routed: number[] = [];
    for (const session of [...this.#engine.live]) {
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
      routed.push(session.intents);
      if (
        this.#engine.emitDispatch(
          session,
          event,
          d,
          options.ignoreIntents ?? false,
        )
      ) {
        count++;
      }
    }
    // Every session it was routed to dropped it (emitDispatch refuses only
    // for intents), or there is no session at all: say why, or a test just
    // waits for an event that never comes.
    if (count === 0 && routed.length > 0 && options.warnIfFiltered !== false) {
      this.#warnFiltered(event, d, routed);
    }
    // No bot has connected yet. Not after one has: a test losing events on
    // purpose (a reconnect, a stop) is no mistake. `warnIfFiltered: false`
    // marks an event nobody need get (the bot's own message echoed).
    if (
      this.#engine.sessions.length === 0 && options.warnIfFiltered !== false
    ) {
      this.#warnNoBot(event);
    }
    return count;
  }

  /** Whether {@linkcode FakeGateway.dispatch} said that no bot is connected. */
  #noBotWarned = false;

  /**
   * Once: an event dispatched before any session started, typically a
   * `say()` after a `client.start()` that was not awaited, went to nobody.
   */
  #warnNoBot(event: string): void {
    if (this.#noBotWarned) return;
    this.#noBotWarned = true;
    visible.warn(
      "FakeGateway: {event} reached no bot, as no bot has connected yet (was client.start() awaited?); an event dispatched with no session is lost (said once)",
      { event },
    );
  }

  /** Events and intents already warned about by {@linkcode FakeGateway.dispatch}. */
  readonly #filteredWarned = new Set<string>();

  #warnFiltered(event: string, data: unknown, routed: number[]): void {
    const need = intentsNeeded(this.botUserId, event, data);
    if (!need) return;
    // What the sessions lacked of it (a THREAD_MEMBERS_UPDATE needs two).
    let bit = 0;
    for (const intents of routed) bit |= need.bits & ~intents;
    if (bit === 0) return;
    const key = `${event} ${bit}`;
    if (this.#filteredWarned.has(key)) return;
    this.#filteredWarned.add(key);
    const names = intentNames(bit);
    visible.warn(
      "FakeGateway: {event} reached none of the {sessions} session(s) it was routed to, as none requested {intent} ({bit}), {needs} {as}; request {it}, or dispatch with ignoreIntents: true (said once per event and intent)",
      {
        event,
        sessions: routed.length,
        intent: names.length === 1 ? names[0] : `all of ${names.join(", ")}`,
        bit,
        needs: names.length === 1
          ? "the intent it needs"
          : "the intents it needs",
        as: need.reason,
        it: names.length === 1 ? "the intent" : "them",
      },
    );
  }

  /**
   * Resolve once every connected client has read every frame the fake sent
   * it before the call, dispatches included: a
   * {@linkcode FakeGateway.dispatch} (or a simulated user's action) does
   * not wait for the client, so a test awaits this before it checks what
   * the client did with them (a `Client` has then queued their handler
   * calls, which its `idle()` waits for).
   *
   * No gateway frame is involved (nothing counted, logged or rate
   * limited): the in-process transport knows from the order it hands
   * frames over in, and the loopback server from a WebSocket ping the
   * client answers only after reading what came before it. It resolves at
   * once when no client is connected, and for a connection that ends
   * meanwhile. Events held for a disconnected session's replay were not
   * sent, so they are not waited for.
   *
   * @returns A promise that resolves when the frames sent so far were read.
   * @throws {Error} (rejects) When a connection came through a carrier of
   *   your own whose peer has no `delivered()`.
   */
  delivered(): Promise<void> {
    return this.#engine.delivered();
  }

  /**
   * Send op 1 to ask for an immediate heartbeat.
   *
   * @param target Which connections; all live ones by default.
   * @returns How many connections it went to.
   */
  requestHeartbeat(target: FakeGatewayTarget = {}): number {
    const conns = this.#engine.targets(target);
    for (const conn of conns) {
      this.#engine.send(conn, {
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
    const conns = this.#engine.targets(options);
    const closeAfter = options.closeAfter === undefined
      ? this.#engine.config.reconnectCloseDelay
      : options.closeAfter;
    const code = closeCode(
      "code",
      options.code ?? GatewayCloseCode.UnknownError,
    );
    for (const conn of conns) {
      this.#engine.sendReconnect(conn, closeAfter, code);
    }
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
    const conns = this.#engine.targets(target).filter((conn) => conn.session);
    for (const conn of conns) {
      const session = conn.session!;
      this.#engine.detach(conn);
      if (resumable) this.#engine.suspend(session);
      else this.#engine.invalidate(session);
      this.#engine.sendInvalidSession(conn, resumable);
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
    const conns = this.#engine.targets(opts);
    for (const conn of conns) {
      this.#engine.serverClose(
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
    const conns = this.#engine.targets(target);
    for (const conn of conns) this.#engine.drop(conn);
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
    const conns = this.#engine.targets(target);
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
    const conns = this.#engine.targets(target);
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
    const conns = this.#engine.targets(target);
    for (const conn of conns) this.#engine.send(conn, payload);
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
      this.#engine.plans.push({ plan, kind: options.kind });
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
    this.#engine.url = url;
    this.#engine.resumeUrl = resumeUrl;
    this.#engine.mainKey = mainKey;
    this.#engine.resumeKey = resumeKey;
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
    this.#engine.tokenState(token).privileged = privilegedIntents &
      PRIVILEGED_INTENTS;
  }

  /**
   * Close every connection (1001), cancel every timer and refuse new
   * connections. Sessions are kept for inspection.
   */
  close(): void {
    if (this.#engine.closed) return;
    this.#engine.closed = true;
    for (const conn of this.#engine.connections) {
      if (conn.state !== "closed") {
        this.#engine.serverClose(conn, 1001, "fake gateway closed", true);
      }
    }
    for (const session of this.#engine.live) this.#engine.clearTtl(session);
    this.#waits.cancelAll(); // handled first: one unawaited crashes no file
    for (const waiter of this.#engine.waiters.splice(0)) {
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
    return this.#engine.acceptConnection(url, peer, options);
  }
}
