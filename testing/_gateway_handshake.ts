/**
 * The fake gateway's handshake: IDENTIFY (payload, token, shard, intents,
 * sharding, the session-start budget and the `max_concurrency` window) and
 * RESUME (session lookup, sequence check, replay, moving a session between
 * sockets). Private to the test kit.
 *
 * @module
 */
import { GatewayCloseCode } from "../types/close_codes.ts";
import { ALL_INTENTS, PRIVILEGED_INTENTS } from "../types/intents.ts";
import type { FakeHandshakeOutcome } from "./fake_gateway_types.ts";
import { refreshBudget, takeIdentifySlot } from "./_gateway_budget.ts";
import { FrameLog } from "./_frame_log.ts";
import {
  isNonNegativeInteger,
  isObject,
  isPresence,
  malformed,
} from "./_gateway_checks.ts";
import { guildCreate, readyPayload, sessionId } from "./_gateway_fixtures.ts";
import {
  CloseSignal,
  type Conn,
  type GatewayCore,
  guildShard,
  sameShard,
  type Session,
} from "./_gateway_model.ts";

/** Handle op 2 IDENTIFY on `conn`; throws a {@linkcode CloseSignal} to close it. */
export function onIdentify(core: GatewayCore, conn: Conn, d: unknown): void {
  core.counters.identifies++;
  const event = {
    type: "identify" as const,
    at: core.scheduler.now(),
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
    const token = core.tokens.get(d.token);
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
      event.resumableSessionAvailable = [...core.live].some((session) =>
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
        shard[0] >= shard[1] || shard[1] % core.config.shardCountMultiple !== 0)
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
    const guilds = core.guilds.filter((guild) =>
      guildShard(guild.id, numShards) === shardId
    );
    if (guilds.length > core.config.maxGuildsPerShard) {
      throw new CloseSignal(
        GatewayCloseCode.ShardingRequired,
        "Sharding required",
      );
    }
    refreshBudget(token, core.scheduler.now());
    if (token.remaining <= 0) {
      // Discord ends every session and resets the token.
      token.revoked = true;
      for (const other of core.connections) {
        const otherToken = other.session?.token;
        if (
          other !== conn && other.state !== "closed" && otherToken === token
        ) {
          core.serverClose(
            other,
            GatewayCloseCode.AuthenticationFailed,
            "Authentication failed",
            false,
          );
        }
      }
      for (const session of [...core.live]) {
        if (session.token === token) core.invalidate(session);
      }
      throw new CloseSignal(
        GatewayCloseCode.AuthenticationFailed,
        "Authentication failed",
      );
    }
    const now = core.scheduler.now();
    const bucket = shardId % core.config.maxConcurrency;
    if (!takeIdentifySlot(token, bucket, now)) {
      event.outcome = "invalid-session";
      core.emit(event);
      core.sendInvalidSession(conn, false);
      return;
    }
    token.remaining--;
    core.counters.sessionStarts++;

    const session: Session = {
      id: sessionId(),
      token,
      shard,
      intents,
      largeThreshold: (large_threshold as number | null | undefined) ?? 50,
      payloadCompress: compress === true && conn.compress === "none",
      version: conn.version,
      encoding: connEncoding(conn),
      seq: 0,
      buffer: new FrameLog(core.config.replayBufferSize),
      state: "active",
      conn,
      ttlTimer: undefined,
      resumes: 0,
      createdAt: now,
    };
    core.sessions.push(session);
    core.sessionsById.set(session.id, session);
    core.live.add(session);
    conn.session = session;
    conn.shard = shard ?? [0, 1];
    conn.state = "ready";
    event.outcome = "ready";
    event.sessionId = session.id;
    core.emit(event);

    const ready = readyPayload(conn, session, guilds, core.config);
    core.emitDispatch(session, "READY", ready, true);
    for (const guild of guilds) {
      core.emitDispatch(
        session,
        "GUILD_CREATE",
        guildCreate(guild, session, core.config),
        false,
      );
    }
  } catch (error) {
    if (error instanceof CloseSignal) {
      event.closeCode = error.code;
      core.emit(event);
    }
    throw error;
  }
}

/** Handle op 6 RESUME on `conn`; throws a {@linkcode CloseSignal} to close it. */
export function onResume(core: GatewayCore, conn: Conn, d: unknown): void {
  core.counters.resumes++;
  const event = {
    type: "resume" as const,
    at: core.scheduler.now(),
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
    const session = core.sessionsById.get(d.session_id);
    if (
      !session || session.token.token !== d.token || session.token.revoked ||
      (session.state !== "active" && session.state !== "resumable")
    ) {
      event.outcome = "invalid-session";
      core.emit(event);
      core.sendInvalidSession(conn, false);
      return;
    }
    if (
      session.version !== conn.version ||
      session.encoding !== connEncoding(conn)
    ) {
      // "When resuming with the resume_gateway_url you need to provide the
      // same version and encoding as the initial connection" (events/
      // gateway.mdx); what Discord does otherwise is undocumented. The fake
      // says the session cannot be resumed (op 9 d:false) and ends it, as
      // d:false means. Transport compression (`compress`) is not checked:
      // the sentence names only `v` and `encoding`, a separate query
      // parameter, and a stream is compressed per connection, so a client
      // may resume with or without it.
      core.invalidate(session);
      event.outcome = "invalid-session";
      core.emit(event);
      core.sendInvalidSession(conn, false);
      return;
    }
    const seq = d.seq;
    const kept = session.buffer.toArray();
    const oldest = kept[0]?.s ?? session.seq + 1;
    if (seq > session.seq || seq + 1 < oldest) {
      core.invalidate(session);
      throw new CloseSignal(GatewayCloseCode.InvalidSeq, "Invalid seq");
    }
    const previous = session.conn;
    if (previous && previous !== conn) {
      // The session moves; the old socket is told to go away.
      core.detach(previous);
      core.serverClose(
        previous,
        GatewayCloseCode.UnknownError,
        "Session resumed on another connection",
        true,
      );
    }
    core.clearTtl(session);
    session.state = "active";
    session.conn = conn;
    session.resumes++;
    conn.session = session;
    conn.shard = session.shard ?? [0, 1];
    conn.state = "ready";
    const replay = kept.filter((p) => (p.s as number) > seq);
    event.outcome = "resumed";
    event.replayed = replay.length;
    core.counters.resumed++;
    core.emit(event);
    for (const payload of replay) core.send(conn, payload);
    core.emitDispatch(session, "RESUMED", {}, true);
  } catch (error) {
    if (error instanceof CloseSignal) {
      event.closeCode = error.code;
      core.emit(event);
    }
    throw error;
  }
}

/** A connection's `encoding` query parameter; JSON when it names none. */
function connEncoding(conn: Conn): string {
  return conn.query.encoding ?? "json";
}
