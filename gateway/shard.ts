/**
 * One Discord gateway session over one WebSocket at a time: the
 * {@linkcode Shard} state machine.
 *
 * Why one file of over 800 lines: it is one state machine, and its
 * transitions read and write the same private state (the connection, the
 * session, the timers); cutting it would mean handing that state to other
 * modules. What is not the state machine already lives beside it: options
 * (`shard_options.ts`), states and the close-code policy (`shard_state.ts`),
 * commands (`gateway_commands.ts`), the shape checks of what a peer sends
 * (`payload_guards.ts`), members requests, decompression, frame peeking, the
 * send limiter and the backoff. Candidates for a later cut,
 * once the changes being made to it in parallel have landed: the heartbeat
 * and zombie check, and the peek-or-parse sampling.
 *
 * @module
 */
import { normalizeBotToken } from "../base/bot_token.ts";
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { backoffDelay } from "../base/backoff.ts";
import { blockedLoopMs, LATE_VERDICT_GRACE_MS } from "../base/blocked_loop.ts";
import { utf8Over } from "../base/utf8_over.ts";
import { decodeUtf8 } from "../base/utf8_decode.ts";
import {
  dataString,
  JsonBoundError,
  parseBoundedJson,
} from "../base/json_bounds.ts";
import { isSnowflake } from "../base/snowflake.ts";
import { isRecord } from "../base/is_record.ts";
import { checkOptionKeys } from "../base/option_keys.ts";
import { GatewayError } from "./errors.ts";
import { connectFailure } from "./connect_failure.ts";
import { type IdentifyQueue, MemoryIdentifyQueue } from "./identify_queue.ts";
import { createInflater, inflateLimit, type Inflater } from "./inflater.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import {
  GATEWAY_SEND_WINDOW_MS,
  REQUESTED_HEARTBEAT_SPACING,
  SendRateLimiter,
} from "./send_rate_limiter.ts";
import { PresencePacer } from "./presence_pacer.ts";
import { SessionPacer } from "./session_pacer.ts";
import { type FramePeek, peekFrame } from "./frame_peek.ts";
import { HeartbeatAcks } from "./heartbeat_acks.ts";
import {
  assertShardOptions,
  DEFAULT_GATEWAY_URL,
  DEFAULT_LARGE_THRESHOLD,
  DEFAULT_TIMEOUTS,
  GATEWAY_VERSION,
  HEALTHY_AFTER_HEARTBEATS,
  INVALID_SESSION_BACKOFF,
  MAX_PAYLOAD_BYTES,
  MAX_RESUME_ATTEMPTS,
  MIN_HEALTHY_UPTIME,
  RECONNECT_BACKOFF,
  type ResumableSession,
  RESUME_URL_FAILURES_BEFORE_PROBE,
  type ShardOptions,
  type ShardTimeouts,
} from "./shard_options.ts";
import {
  describeValue,
  helloInterval,
  isSequence,
  type ReadyFields,
  readyFields,
  restoredResumeUrlProblem,
  resumeUrlProblem,
  sessionIdProblem,
} from "./payload_guards.ts";
import {
  type CloseAction,
  closePolicy,
  type ShardStatus,
} from "./shard_state.ts";
import type { GatewaySocket, Transport } from "./transport.ts";
import { defaultTransport } from "./default_transport.ts";
import { runtimeOs } from "../base/runtime.ts";
import { listenerStream } from "../base/listener_stream.ts";
import { callListener } from "../base/listener_call.ts";
import { pauseHold } from "./event_backlog.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import { GatewayIntent } from "../types/intents.ts";
import { shardForGuild } from "./shard_routing.ts";
import type {
  GatewayCommand,
  GatewayPayload,
  IdentifyData,
  IdentifyProperties,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../types/gateway_payloads.ts";
import type { TransportCompression } from "./inflater.ts";
import {
  type MemberRequestOptions,
  requestGuildMemberChunks,
} from "./member_request.ts";
import {
  checkedCommand,
  requestChannelInfoCommand,
  requestGuildMembersCommand,
  requestSoundboardSoundsCommands,
  updatePresenceCommand,
  updateVoiceStateCommand,
} from "./gateway_commands.ts";
import type { GuildMembersChunkDispatch } from "../types/dispatch_payloads.ts";

const logger = getLogger(["disruption", "gateway", "shard"]);
/** Fatal closes and throwing listeners: on stderr unless LogTape takes them. */
const visible = getVisibleLogger(["disruption", "gateway", "shard"]);

/**
 * How long a frame may take to arrive while its bytes keep coming, in ms,
 * before the connection counts as a zombie anyway: 64 MiB (the inflate
 * limit) needs about 220 KB/s, a 5 MiB GUILD_CREATE 18 KB/s.
 */
const MAX_FRAME_TRANSFER = 5 * 60_000;

/**
 * Commands (and, apart, presence updates) that may wait to be sent: at
 * Discord's 120 frames a minute, over eight minutes of them.
 */
const MAX_QUEUED_COMMANDS = 1_000;
/**
 * How often, in ms, the shard checks whether a socket that reports
 * `bufferedAmount` but no drain (the runtime's `WebSocket`) wrote the last
 * command out, once a first check at the next turn found it still
 * buffered (usually it is written by then: polling at once from the start
 * kept a burst of 110 commands at 10 ms each, 20 times slower).
 */
const DRAIN_POLL_MS = 10;

/** Client close code that keeps the session resumable on Discord's side. */
const RESUMABLE_CLOSE_CODE = 4000;
/** The WebSocket close for a message too big to take (RFC 6455). */
const MESSAGE_TOO_BIG = 1009;
/** The WebSocket close for a frame that breaks the protocol (RFC 6455). */
const PROTOCOL_ERROR = 1002;
/** The WebSocket close for a text frame that is not UTF-8 (RFC 6455). */
const INVALID_FRAME_PAYLOAD = 1007;
/** Client close code that ends the session (the bot goes offline). */
const NORMAL_CLOSE_CODE = 1000;
/** Dispatches per sample of how many go unwanted. */
const PEEK_SAMPLE_SIZE = 256;
/** While parsing first, one sample is taken per this many dispatches. */
const PEEK_SAMPLE_PERIOD = 4096;
/**
 * Peek before parsing while at least this share of dispatches is unwanted: a
 * peek costs a small fraction of a parse, so below this share it costs more
 * than the parses it saves (measured by bench/gateway_bench.ts).
 */
const PEEK_MIN_UNWANTED_SHARE = 0.2;
/** Opcodes a user may send through {@linkcode Shard.send}. */
const COMMAND_OPCODES: ReadonlySet<number> = new Set([
  GatewayOpcode.PresenceUpdate,
  GatewayOpcode.VoiceStateUpdate,
  GatewayOpcode.RequestGuildMembers,
  GatewayOpcode.RequestSoundboardSounds,
  GatewayOpcode.RequestChannelInfo,
]);

/** One dispatch (op 0) as the shard delivers it. */
export interface ShardDispatch {
  /** The shard that received it. */
  shardId: number;
  /** The event name (`t`), e.g. `MESSAGE_CREATE`; unknown names included. */
  name: string;
  /**
   * The sequence number (`s`); for a RESUMED with `s: null` (as gateway
   * proxies send it), the shard's sequence, unchanged.
   */
  sequence: number;
  /** The event payload (`d`), as Discord sent it. */
  data: unknown;
  /**
   * The frame's length after decompression, in UTF-16 code units (about
   * its bytes): what holding the parsed event costs, roughly. Set by the
   * shard; absent from dispatches built by hand.
   */
  size?: number;
}

/**
 * One dispatch as raw JSON text, delivered without parsing: for forwarding
 * events elsewhere (a message broker) without re-serialising them.
 */
export interface RawShardDispatch {
  /** The shard that received it. */
  shardId: number;
  /** The event name (`t`). */
  name: string;
  /**
   * The sequence number (`s`); for a RESUMED with `s: null`, the shard's
   * sequence, unchanged.
   */
  sequence: number;
  /**
   * The whole frame as received (after decompression). Not validated past
   * its `op`, `s` and `t` when no listener parses this event (that is what
   * a raw listener saves): from Discord, over TLS, it is JSON; a consumer
   * of forwarded text parses it as input from the network, ready for a
   * failure. When a listener does parse the event, a frame that is not
   * JSON is a `decode` error and reaches no listener (the shard resumes
   * from before it).
   */
  text: string;
}

/** A change of {@linkcode Shard.status}. */
export interface ShardStateChange {
  /** The shard that changed. */
  shardId: number;
  /** The status before. */
  previous: ShardStatus;
  /** The status now. */
  current: ShardStatus;
}

/** The events a {@linkcode Shard} emits, by name. */
export interface ShardEventMap {
  /** Every dispatch, exactly once and in order. */
  dispatch: ShardDispatch;
  /** Every dispatch as raw text, exactly once and in order, never parsed. */
  raw: RawShardDispatch;
  /** Every status change. */
  state: ShardStateChange;
  /**
   * Problems worth knowing about: fatal closes (the shard then stops),
   * undecodable frames and timeouts (the shard recovers by itself).
   */
  error: GatewayError;
}

/** Options for {@linkcode Shard.on}. */
export interface ShardListenOptions {
  /**
   * For `"dispatch"` listeners: the event names this listener wants. The
   * shard parses a dispatch only when some listener wants it, so a bot that
   * names its events never pays for parsing the others.
   *
   * @default {every event}
   */
  events?: Iterable<string>;
}

/** Options for {@linkcode Shard.close}. */
export interface ShardCloseOptions {
  /**
   * Close with 4000 and keep the session (ID, sequence, resume URL) so it can
   * be resumed later, instead of 1000, which makes Discord end the session.
   *
   * @default {false}
   */
  resumable?: boolean;
}

/**
 * A listener for one {@linkcode ShardEventMap} event. What it throws, or
 * the promise it returns rejects with, is logged; the shard goes on.
 */
// `=> void` (not `void | Promise<void>`): an async listener is accepted
// as it is, and an arrow that returns a value (`(e) => last = e`) stays valid.
export type ShardListener<T> = (event: T) => void;

/**
 * The event names of {@linkcode ShardListenOptions.events}, read once;
 * `undefined` for every event.
 *
 * @throws {TypeError} A string (an iterable of its characters: no event
 * would ever match) or a name that is not a string.
 */
function eventNames(
  events: Iterable<string> | undefined,
): ReadonlySet<string> | undefined {
  if (events === undefined) return undefined;
  if (typeof events === "string") {
    throw new TypeError(
      `Cannot listen as 'events' must be a list of event names, not a string: current value 'events=${events}' (write ["${events}"])`,
    );
  }
  const names = new Set(events);
  for (const name of names) {
    if (typeof name !== "string") {
      throw new TypeError(
        `Cannot listen as 'events' must hold event names (strings): current value '${
          String(name)
        }'`,
      );
    }
  }
  return names;
}

/** Said without setup: a bot author's bug. */
function dispatchListenerFailed(error: unknown): void {
  visible.error("A shard dispatch listener threw: {error}", { error });
}

interface QueuedCommand {
  frame: string;
  /** When it was sent, in the order of {@linkcode Shard.send} calls. */
  order: number;
  resolve: () => void;
  reject: (error: GatewayError) => void;
  /** A presence update's presence (op 3), validated. */
  presence?: UpdatePresenceData | undefined;
}

/**
 * Where a connection goes: the main URL, the resume URL, or the main URL as
 * a probe (opened only to learn whether the main host answers while the
 * resume host does not; see `RESUME_URL_FAILURES_BEFORE_PROBE`).
 */
type ConnectionTarget = "main" | "resume" | "probe";

/** Per-connection state; replaced wholesale on every new connection. */
interface Connection {
  socket: GatewaySocket;
  target: ConnectionTarget;
  /** Whether this connection sends RESUME (rather than IDENTIFY). */
  resuming: boolean;
  /** Whether RESUME went out on this connection. */
  resumeSent: boolean;
  /** Whether a replayed dispatch came after the RESUME: the session lives. */
  replayed?: boolean;
  /** Whether IDENTIFY went out on this connection. */
  identifySent: boolean;
  url: string;
  opened: boolean;
  /** What the transport reported before the socket opened, if anything. */
  connectError: unknown;
  inflater: Inflater | undefined;
  /** Aborts waits that belong to this connection (the identify queue). */
  abort: AbortController;
  heartbeatInterval: number;
  heartbeatTimer: TimerId | undefined;
  heartbeatsSent: number;
  /**
   * Heartbeats ACKed: all of heartbeatsSent once the last one was, so a
   * loss then is no zombie's (see #sayLongOutage).
   */
  heartbeatsAnswered: number;
  /** The heartbeats not yet ACKed (an op 1's included). */
  acks: HeartbeatAcks;
  /** Whether a sequence going backwards outside a replay was said. */
  backwardsSaid: boolean;
  /** When the last heartbeat the server asked for (op 1) went out. */
  lastRequestedAt: number | undefined;
  /** When READY or RESUMED arrived on this connection. */
  readyAt: number | undefined;
  /**
   * A heartbeat was answered once it stayed up (#stayedUp): healthy, not
   * a zombie that merely stayed open. Only such a one ends an outage.
   */
  answeredUp: boolean;
  /** Any frame arrived since the last heartbeat went out. */
  heardSinceHeartbeat: boolean;
  /** Bytes arrived since then, whether or not they completed a frame. */
  bytesSinceHeartbeat: boolean;
  /** Bytes arrived since the phase timer was last set. */
  bytesSincePhaseTimer: boolean;
  /**
   * The heartbeat tick that last found a whole frame had arrived since the
   * one before (or when the connection opened): to a heartbeat interval,
   * when the last whole frame arrived, without reading the clock per frame.
   */
  lastFrameAt: number;
  /** The connect, HELLO or READY timeout, whichever applies now. */
  phaseTimer: TimerId | undefined;
  /**
   * Armed at a replayed earlier RESUMED taken as no answer: if no RESUMED
   * follows in time, that one was the answer after all (see #onDispatch).
   */
  answerFallback: TimerId | undefined;
}

/**
 * A frame's event name and sequence, read without parsing, when it is a
 * numbered dispatch other than READY or RESUMED (which are always parsed);
 * `undefined` otherwise, or when its sequence is not a safe non-negative
 * integer (the parsed path refuses that).
 */
function peekedDispatch(
  text: string,
): FramePeek & { t: string; s: number } | undefined {
  const peek = peekFrame(text);
  if (
    peek === undefined || peek.op !== GatewayOpcode.Dispatch ||
    peek.t === null || !isSequence(peek.s) || peek.t === "READY" ||
    peek.t === "RESUMED"
  ) {
    return undefined;
  }
  // The peek itself, narrowed: no object more per frame on this path.
  return peek as FramePeek & { t: string; s: number };
}

/**
 * One gateway session. The shard connects, identifies (through the identify
 * queue) or resumes, heartbeats, and on every documented failure decides by
 * one table whether to resume, start a new session or stop. Dispatches reach
 * listeners and streams exactly once, in order.
 *
 * All timers go through the injected {@linkcode Scheduler} and the socket
 * through the injected {@linkcode Transport}, so the whole lifecycle can be
 * driven offline on a virtual clock.
 *
 * @example Run a shard against the fake gateway
 * ```ts
 * import { Shard } from "@disruption/disruption/gateway";
 * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const discord = new FakeGateway({ scheduler });
 * const shard = new Shard({
 *   token: "fake-token",
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
 *   transport: discord.transport,
 *   scheduler,
 * });
 * const names: string[] = [];
 * shard.on("dispatch", (event) => names.push(event.name));
 * const ready = shard.connect();
 * await scheduler.advance(0);
 * await ready;
 * assert.equal(shard.status, "ready");
 * assert.equal(names[0], "READY");
 * await shard.close();
 * discord.close();
 * ```
 */
export class Shard {
  readonly #token: string;
  readonly #shardId: number;
  readonly #shardCount: number;
  readonly #intents: number;
  readonly #gatewayUrl: string;
  readonly #compress: TransportCompression;
  readonly #maxInflatedBytes: number;
  readonly #largeThreshold: number;
  readonly #properties: IdentifyProperties;
  readonly #transport: Transport;
  readonly #scheduler: Scheduler;
  readonly #random: () => number;
  readonly #identifyQueue: IdentifyQueue;
  readonly #timeouts: Readonly<Required<ShardTimeouts>>;
  readonly #limiter: SendRateLimiter;
  readonly #presencePacer: PresencePacer;
  readonly #sessionPacer: SessionPacer;
  /** The presence last written, by op 3 or IDENTIFY (or the option's). */
  #presenceSent: UpdatePresenceData | undefined;

  #status: ShardStatus = "idle";
  #sessionId: string | undefined;
  #sequence: number | null = null;
  #resumeUrl: string | undefined;
  #latency: number | undefined;
  #lastAckAt: number | undefined;
  #ackedHeartbeatAt: number | undefined;

  #connection: Connection | undefined;
  #reconnectTimer: TimerId | undefined;
  /**
   * One token per pause() not yet ended: no connection opens while any is
   * held, so a pause ends only when everyone who paused has resumed (or at
   * close(), which drops them all).
   */
  readonly #pauses = new Set<object>();
  /**
   * When the reconnect timer is (or, cancelled by pause(), was) due: a
   * backoff or a server's Retry-After that the pause's end must keep; 0
   * for none.
   */
  #reconnectDue = 0;
  /** Consecutive connection attempts that did not reach READY/RESUMED. */
  #failedAttempts = 0;
  /**
   * Op 9 (not resumable) since the last READY: what the wait before the
   * next IDENTIFY grows with. Not the failed connects: a shard whose stored
   * session died in an outage is told so once the network is back, and
   * waited up to 60 s more for the refusals before it.
   */
  #invalidSessions = 0;
  /**
   * When the outage began: the first connection lost since one last stayed
   * up with a heartbeat answered (see Connection.answeredUp). Not ended by a brief READY/RESUMED: a gateway that
   * closes each session right after it kept the shard offline unsaid.
   */
  #downSince: number | undefined;
  /** The outage since `#downSince` was said (see #sayLongOutage). */
  #outageSaid = false;
  /** Says the outage a minute in, should no loss come then to say it. */
  #outageTimer: TimerId | undefined;
  /** Connections of this outage that reached READY/RESUMED, then were lost. */
  #outageFlaps = 0;
  /** A session was given up in this outage: its events meanwhile are lost. */
  #outageLostSession = false;
  /**
   * An attempt of this outage failed: no answer, no connection, a timeout
   * or a close before READY/RESUMED. Not one Discord answered with op 9
   * (a gateway restart ends every session): a wait in the identify queue
   * follows, no outage (see #sayLongOutage).
   */
  #outageFailed = false;
  /** Why the last connect failed, for the outage's warning. */
  #lastFailure: string | undefined;
  /** Consecutive RESUME attempts that did not reach RESUMED. */
  #failedResumes = 0;
  /**
   * RESUMEs of this session that Discord accepted (a replay came) but
   * whose RESUMED was never read: each RESUMED waits in the session's
   * buffer above our sequence, and the next replay carries it before the
   * real answer (see #onDispatch).
   */
  #unansweredResumes = 0;
  /** Consecutive connections lost soon after READY/RESUMED (not healthy). */
  #quickDrops = 0;
  /** Consecutive connects to the resume URL that failed before opening. */
  #resumeUrlFailures = 0;
  /** A probe of the main URL opened since the resume URL last failed. */
  #mainReachable = false;
  /** Dispatches whose sequence jumped ahead by more than one. */
  #sequenceSkips = 0;
  /** An undecodable frame before a session was shown on stderr. */
  #undecodableShown = false;

  #queue: QueuedCommand[] = [];
  /**
   * The presence updates waiting, in the order sent. Only the latest
   * presence counts: it alone is written, in the first one's place in line
   * and at the pace of presence updates (5 per 20 s), and that settles them
   * all; one taken back leaves the one before it the latest again.
   */
  #heldPresences: QueuedCommand[] = [];
  /** Commands sent so far: the next {@linkcode QueuedCommand.order}. */
  #commandsSent = 0;
  /** Aborted when the shard stops; ends what runs on top of it. */
  #lifetime = new AbortController();
  #pumpTimer: TimerId | undefined;
  /**
   * The connection whose socket has the last command written but not yet
   * flushed (see #pump), uncounted until it is.
   */
  #unflushedOn: Connection | undefined;
  /** Whether a timed check found the unflushed command still buffered. */
  #drainPolled = false;

  #listeners: {
    [K in keyof ShardEventMap]: Set<ShardListener<ShardEventMap[K]>>;
  } = {
    dispatch: new Set(),
    raw: new Set(),
    state: new Set(),
    error: new Set(),
  };
  /**
   * Each kind's listeners as an array, made when first needed after a
   * change: delivery loops over it, not over the Set. A listener that
   * subscribes or unsubscribes while it runs (the Client re-registers on
   * `on()` and `off()`) changed the Set mid-loop, and a Set loop visits
   * what is added during it: the event was delivered again, for ever when
   * each delivery subscribed again. A change makes a new array, so a loop
   * under way keeps its own, with no copy per event.
   */
  #listenerLists: {
    [K in keyof ShardEventMap]?: readonly ShardListener<ShardEventMap[K]>[];
  } = {};
  /** Which events each filtered dispatch listener wants. */
  #dispatchFilters = new Map<
    ShardListener<ShardDispatch>,
    ReadonlySet<string>
  >();
  /** Dispatch listeners that want every event. */
  #wantsAll = 0;
  /** How many filtered dispatch listeners want each event. */
  #wanted = new Map<string, number>();
  /**
   * Whether to peek at a frame before parsing it. Peeking pays only when
   * enough dispatches are unwanted, so the shard samples the stream and
   * parses directly while nearly everything is wanted.
   */
  #peekFirst = true;
  #sampled = 0;
  #sampledUnwanted = 0;
  #parsedSinceSample = 0;
  #readyWaiters: {
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  /**
   * Connections whose socket has not reported its close yet: the current
   * one, and those the shard closed less than `timeouts.close` ago that are
   * still finishing their close handshake (one after a reconnect). Each
   * closed one has the timer that forgets it at `timeouts.close`: a peer
   * that never answers the close frame, or a transport that never reports
   * it, cannot make this grow, reconnect after reconnect.
   */
  #socketsOpen = new Map<Connection, TimerId | undefined>();
  /**
   * The `close()` calls waiting, each for the sockets open when it was
   * called: a socket a later `connect()` opened is not theirs to wait for.
   */
  #socketsClosedWaiters: { sockets: Set<Connection>; done: () => void }[] = [];

  /**
   * Create a shard; nothing happens until {@linkcode Shard.connect}.
   *
   * @param options Token, intents, shard and the injected seams.
   * @throws {TypeError} When the token is missing, or `presence` or
   * `properties` is malformed.
   * @throws {RangeError} When a number is out of range.
   * @throws {GatewayError} `payload_too_large` when IDENTIFY (with
   * `presence`, if given) would pass 4096 bytes.
   */
  constructor(options: ShardOptions) {
    assertShardOptions(options);
    this.#token = normalizeBotToken(options.token);
    this.#shardId = options.shardId ?? 0;
    this.#shardCount = options.shardCount ?? 1;
    this.#intents = options.intents;
    this.#gatewayUrl = options.gatewayUrl ?? DEFAULT_GATEWAY_URL;
    this.#compress = options.compress ?? "none";
    this.#maxInflatedBytes = inflateLimit(
      options.maxInflatedBytes,
      "maxInflatedBytes",
    );
    this.#largeThreshold = options.largeThreshold ?? DEFAULT_LARGE_THRESHOLD;
    this.#properties = options.properties ?? defaultProperties();
    this.#transport = options.transport ?? defaultTransport;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#random = options.random ?? Math.random;
    this.#identifyQueue = options.identifyQueue ??
      new MemoryIdentifyQueue({ scheduler: this.#scheduler });
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#limiter = new SendRateLimiter({
      scheduler: this.#scheduler,
      windowMs: GATEWAY_SEND_WINDOW_MS,
    });
    this.#presencePacer = new PresencePacer(this.#scheduler);
    this.#sessionPacer = new SessionPacer(this.#scheduler);
    // A falsy one (null, 0, "") was read as "not set": refused instead.
    if (options.session !== undefined) this.#restoreSession(options.session);
    // Checked at construction: an IDENTIFY over 4096 bytes (a long token or
    // properties, or a presence) is closed with 4002, which asks for a
    // resume; with no session the shard would identify again, forever.
    if (options.presence !== undefined) {
      this.#presenceSent = this.#identifiablePresence(options.presence);
    } else this.#assertIdentifyFits(undefined);
  }

  /** This shard's ID. */
  get id(): number {
    return this.#shardId;
  }

  /** How many shards the bot runs. */
  get shardCount(): number {
    return this.#shardCount;
  }

  /** Where the shard is in its life. */
  get status(): ShardStatus {
    return this.#status;
  }

  /** Whether a {@linkcode Shard.pause} holds the shard off the gateway. */
  get paused(): boolean {
    return this.#pauses.size > 0;
  }

  /** The current session's ID, if a session exists. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The clock the shard's timers run on. */
  get scheduler(): Scheduler {
    return this.#scheduler;
  }

  /** The last sequence number received, or `null` before any dispatch. */
  get sequence(): number | null {
    return this.#sequence;
  }

  /** READY's `resume_gateway_url`, if a session exists and it is usable. */
  get resumeUrl(): string | undefined {
    return this.#resumeUrl;
  }

  /**
   * How many dispatches arrived with a sequence more than one above the
   * previous one (events Discord numbered but never sent), since the shard
   * was created. Every skip is also logged as a warning; export the count to
   * your metrics to see them over time.
   */
  get sequenceSkips(): number {
    return this.#sequenceSkips;
  }

  /**
   * Milliseconds between the last heartbeat ACK and the heartbeat it
   * answered (the oldest one not yet ACKed), once measured. A heartbeat
   * waiting over two intervals is taken for one whose ACK was lost, so
   * behind a read backlog that long this reads short; see
   * {@linkcode Shard.ackedHeartbeatAt} for a time that never does.
   */
  get latency(): number | undefined {
    return this.#latency;
  }

  /**
   * When the heartbeat the last ACK answered went out (the scheduler's
   * milliseconds, as `Date.now()` with the real one), counting ACKs
   * strictly in order, once one came: never later than that heartbeat
   * went out (an ACK a peer never sent makes it earlier). Discord writes
   * an ACK after everything it sent before the heartbeat came, so a value
   * after a moment proves the shard has read all Discord sent it before
   * that moment on the connection the ACK came on. Kept across
   * connections, as {@linkcode Shard.lastAckAt} is.
   */
  get ackedHeartbeatAt(): number | undefined {
    return this.#ackedHeartbeatAt;
  }

  /**
   * The heartbeat interval of the current connection, in milliseconds, as
   * its HELLO gave it (Discord's is 41,250); `undefined` before HELLO and
   * between connections. A heartbeat goes out once per interval, so an ACK
   * may take up to an interval plus a round trip to follow a given moment.
   */
  get heartbeatInterval(): number | undefined {
    return this.#connection?.heartbeatInterval || undefined;
  }

  /**
   * When the last heartbeat ACK arrived (the scheduler's milliseconds, as
   * `Date.now()` with the real one), once one did. Unlike
   * {@linkcode Shard.latency}, which keeps its last measure, this shows a
   * shard whose ACKs stopped, or that is down: its age grows.
   */
  get lastAckAt(): number | undefined {
    return this.#lastAckAt;
  }

  /**
   * The session as it stands, for saving and resuming after a restart, or
   * `undefined` when there is nothing to resume.
   */
  get session(): ResumableSession | undefined {
    if (this.#sessionId === undefined || this.#sequence === null) {
      return undefined;
    }
    return {
      sessionId: this.#sessionId,
      sequence: this.#sequence,
      resumeUrl: this.#resumeUrl,
    };
  }

  /**
   * Listen to one kind of event.
   *
   * @typeParam K The event name.
   * @param event `"dispatch"`, `"raw"`, `"state"` or `"error"`.
   * @param listener Called synchronously, in order; a throwing listener is
   * logged and does not affect the shard.
   * @param options For dispatch listeners, the events wanted (read once;
   * a listener added again keeps its place and takes the events given
   * now).
   * @returns A function that removes the listener.
   * @throws {TypeError} `options` with a key other than `events` (from
   * JavaScript a misspelt one was ignored: every event delivered), or
   * `events` a string, or holding a name that is not one.
   */
  on<K extends keyof ShardEventMap>(
    event: K,
    listener: ShardListener<ShardEventMap[K]>,
    options: ShardListenOptions = {},
  ): () => void {
    checkOptionKeys(`listen to '${event}'`, "", options, ["events"]);
    // Read once, before anything changes: an iterator passed on (a Set's
    // values()) is used up, and a string is an iterable of its characters.
    const names = event === "dispatch" ? eventNames(options.events) : undefined;
    const set = this.#listeners[event] as Set<ShardListener<ShardEventMap[K]>>;
    const dispatchListener = listener as ShardListener<ShardDispatch>;
    if (set.has(listener)) {
      // Added again: its filter is the one given now (it was kept silently,
      // the new events never delivered to it), its place in the order kept.
      if (event === "dispatch") {
        this.#unfilter(dispatchListener);
        this.#filter(dispatchListener, names);
      }
      return () => this.#off(event, listener);
    }
    set.add(listener);
    delete this.#listenerLists[event];
    if (event === "dispatch") this.#filter(dispatchListener, names);
    return () => this.#off(event, listener);
  }

  /** Count `listener`'s wanted events (`undefined`: every event). */
  #filter(
    listener: ShardListener<ShardDispatch>,
    names: ReadonlySet<string> | undefined,
  ): void {
    if (names === undefined) {
      this.#wantsAll++;
      return;
    }
    this.#dispatchFilters.set(listener, names);
    for (const name of names) {
      this.#wanted.set(name, (this.#wanted.get(name) ?? 0) + 1);
    }
  }

  /** Undo {@linkcode Shard.#filter} for `listener`. */
  #unfilter(listener: ShardListener<ShardDispatch>): void {
    const names = this.#dispatchFilters.get(listener);
    if (names === undefined) {
      this.#wantsAll--;
      return;
    }
    this.#dispatchFilters.delete(listener);
    for (const name of names) {
      const count = this.#wanted.get(name)! - 1;
      if (count === 0) this.#wanted.delete(name);
      else this.#wanted.set(name, count);
    }
  }

  #off<K extends keyof ShardEventMap>(
    event: K,
    listener: ShardListener<ShardEventMap[K]>,
  ): void {
    const set = this.#listeners[event] as Set<ShardListener<ShardEventMap[K]>>;
    if (!set.delete(listener)) return;
    delete this.#listenerLists[event];
    if (event !== "dispatch") return;
    this.#unfilter(listener as ShardListener<ShardDispatch>);
  }

  /**
   * Whether some dispatch listener wants event `name`. A dispatch nobody
   * wants never reaches a dispatch listener. While such dispatches are a
   * noticeable share of the traffic (a fifth or more of a recent sample),
   * the shard reads only their name and sequence and skips `JSON.parse`;
   * below that share it parses every frame, as peeking at each would cost
   * more than the parses it saves.
   *
   * @param name The event name.
   * @returns `true` when the event will be parsed and delivered.
   */
  wants(name: string): boolean {
    return this.#wantsAll > 0 || this.#wanted.has(name);
  }

  /**
   * Every dispatch from now on as a stream, which is also `for await`-able.
   * No event is dropped: a reader that falls 16 MiB of events behind pauses
   * the shard ({@linkcode Shard.pause}; Discord keeps the rest for the
   * RESUME) until it has read all but a quarter of that. The stream ends
   * when the shard closes; cancelling it stops the buffering. Its unread
   * events hold back no session save of a `ShardManager` running the
   * shard: one saved while they wait counts them, and a process that dies
   * then loses them; read a managed shard's events through
   * `ShardManager.dispatches()`, which holds the saves back.
   *
   * @returns A stream of dispatches.
   */
  dispatches(): ReadableStream<ShardDispatch> {
    return listenerStream({
      listen: (push) => this.on("dispatch", push),
      watchEnd: (end) =>
        this.on("state", ({ current }) => {
          if (current === "closed") end();
        }),
      hold: pauseHold(() => [this]),
    });
  }

  /**
   * Connect, and keep the session alive until {@linkcode Shard.close}.
   *
   * @returns A promise that resolves at the first READY or RESUMED, and
   * rejects with a {@linkcode GatewayError} if the shard stops first.
   */
  connect(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
    });
    if (this.#status === "ready") this.#settleReady();
    else if (this.#status === "idle" || this.#status === "closed") {
      if (this.#lifetime.signal.aborted) this.#lifetime = new AbortController();
      this.#failedAttempts = 0;
      this.#invalidSessions = 0;
      this.#quickDrops = 0;
      this.#forgetOutage();
      this.#open();
    }
    return ready;
  }

  /**
   * Send a gateway command once the session is ready. Commands queue in
   * order while the shard is not ready and are paced so that, heartbeats
   * included, no more than 120 frames leave per 60 s. Presence updates
   * (op 3) also keep to 5 per rolling 20 s, the limit Discord's activity
   * docs give: one that must wait lets later commands pass, and a newer
   * presence replaces it, since only the latest presence counts (it is not
   * written; its promise settles with the one that replaced it, and an
   * IDENTIFY carrying the latest settles them all).
   *
   * @param command The command, e.g. `{ op: 3, d: presence }`.
   * @param options `signal` takes the command back while it waits in the
   * queue (the promise rejects with the signal's reason); once written, it
   * has no effect.
   * @returns A promise that resolves when the frame is written: one a
   * closing connection did not take waits for the next connection.
   * @throws {GatewayError} `payload_too_large` over 4096 bytes,
   * `invalid_payload` when it cannot be encoded, `shard_closed` when the
   * shard closes first, `backlog_full` when 1,000 commands already wait
   * to be sent (presence updates are not refused: past 1,000 held, the
   * oldest replaced ones settle).
   * @throws {TypeError} For an opcode that is not a user command.
   * @throws {TypeError | RangeError} For an op 3, 4, 8, 31 or 43 payload its
   * builder refuses (Discord would close the connection for it); a presence
   * (op 3) is kept for the next IDENTIFY, which must also stay within 4096
   * bytes with it, or `payload_too_large`.
   */
  send(
    command: GatewayCommand,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!COMMAND_OPCODES.has(command?.op)) {
      return Promise.reject(
        new TypeError(
          `Cannot send command as 'op' must be one of 3, 4, 8, 31, 43: current value 'op=${command?.op}'`,
        ),
      );
    }
    if (this.#status === "closed") {
      return Promise.reject(this.#closedError());
    }
    let frame: string;
    try {
      // A raw op 3, 4, 8, 31 or 43 goes through its builder's checks.
      command = checkedCommand(command);
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      frame = JSON.stringify({ op: command.op, d: command.d });
    } catch (cause) {
      return Promise.reject(
        new GatewayError("invalid_payload", "Cannot encode command as JSON", {
          cause,
          shardId: this.#shardId,
        }),
      );
    }
    const bytes = utf8Over(frame, MAX_PAYLOAD_BYTES);
    if (bytes !== undefined) {
      return Promise.reject(
        new GatewayError(
          "payload_too_large",
          `Cannot send command as it encodes to more than ${MAX_PAYLOAD_BYTES} bytes: current size ${bytes} bytes`,
          { shardId: this.#shardId },
        ),
      );
    }
    let presence: UpdatePresenceData | undefined;
    if (command.op === GatewayOpcode.PresenceUpdate) {
      // Reconnects identify with the presence the bot set last: one Discord
      // would refuse there (malformed, or making IDENTIFY too large) would
      // close every later session with 4001 or 4002 and burn an identify
      // each time, so it is refused here, before it is sent or kept.
      try {
        presence = this.#identifiablePresence(command.d);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (presence && this.#heldPresences.length >= MAX_QUEUED_COMMANDS) {
      // Only the latest presence counts: the oldest after the first (which
      // holds the place in line) is settled as replaced, never the newest
      // refused.
      this.#heldPresences.splice(1, 1)[0]?.resolve();
    } else if (!presence && this.#queue.length >= MAX_QUEUED_COMMANDS) {
      // Discord takes 120 frames a minute: a command behind this many would
      // go out over eight minutes late, and a flood held while the shard is
      // down would grow without bound.
      return Promise.reject(this.#backlogFull(this.#queue.length, true));
    }
    return new Promise<void>((resolve, reject) => {
      const order = this.#commandsSent++;
      const queued: QueuedCommand = { frame, order, resolve, reject, presence };
      if (signal) {
        // Taken back while waiting: a frame whose sender gave up would still
        // cost Discord's limits when it went (an all-members request, say,
        // takes the guild's one per 30 s).
        const onAbort = (): void => {
          const list = presence ? this.#heldPresences : this.#queue;
          const at = list.indexOf(queued);
          if (at < 0) return;
          list.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        const off = (): void => signal.removeEventListener("abort", onAbort);
        queued.resolve = () => {
          off();
          resolve();
        };
        queued.reject = (error) => {
          off();
          reject(error);
        };
      }
      (presence ? this.#heldPresences : this.#queue).push(queued);
      this.#pump();
    });
  }

  /**
   * Update the bot's presence (op 3), validated first. Reconnects identify
   * with the presence set last. Paced to 5 per 20 s as {@linkcode Shard.send}
   * says.
   *
   * @param data The presence.
   * @returns A promise that resolves when the frame is written, or the
   * newer presence that replaced it while it waited.
   * @throws {TypeError} For a malformed presence.
   * @throws {GatewayError} `payload_too_large` when IDENTIFY with it would
   * pass 4096 bytes.
   */
  updatePresence(data: UpdatePresenceData): Promise<void> {
    return this.#sendValidated(() => updatePresenceCommand(data));
  }

  /**
   * Join, move between or leave voice channels (op 4), validated first.
   *
   * @param data The voice state; `channel_id: null` leaves.
   * @returns A promise that resolves when the frame is written.
   * @throws {TypeError} For malformed arguments.
   */
  updateVoiceState(data: UpdateVoiceStateData): Promise<void> {
    return this.#sendValidated(() => updateVoiceStateCommand(data));
  }

  /**
   * Request guild members (op 8) and iterate over the reply's chunks,
   * matched by nonce. A RATE_LIMITED answer makes the request wait
   * `retry_after` and ask again. The guild must be on this shard.
   *
   * @param data The request; a nonce is added when missing.
   * @param options Timeout (30 s without a chunk by default, counted from
   * when the request is written, not while it queues), the most chunks
   * (1,000) and frame characters (64 Mi) held for a reader that falls
   * behind, and signal (which also takes back a request still queued).
   * @returns The chunks, in order, ending after the last one.
   * @throws {TypeError} For malformed arguments, a guild on another shard,
   * the whole list (query `""`) without the GUILD_MEMBERS intent,
   * presences without GUILD_PRESENCES, or a nonce a request of this shard
   * still listens with.
   * @throws {RangeError} For a `maxBacklog` or `maxBacklogChars` that is
   * not a positive integer, or a `timeout` not a positive number (up to
   * about 24.8 days).
   * @throws {GatewayError} (while iterating) `timeout` when the reply stops
   * coming, `decode` when a chunk does not fit the reply (malformed, over
   * 1,000 members, another `chunk_count` or one over 100,000, an index
   * repeated or out of range, too many out of order), `backlog_full` when
   * the reader falls `maxBacklog` chunks or `maxBacklogChars` behind, or
   * when 1,000 commands already wait on the shard (nothing is sent),
   * `session_lost` when a new session (not a RESUME) cut the reply off
   * after some of its chunks (one with none yet is asked again there).
   */
  requestGuildMembers(
    data: RequestGuildMembersData,
    options: MemberRequestOptions = {},
  ): AsyncGenerator<GuildMembersChunkDispatch, void, undefined> {
    const command = requestGuildMembersCommand(data);
    this.#assertMemberRequestAnswerable(command.d);
    // The request ends with the shard, not with its 30 s timeout.
    const signal = options.signal
      ? AbortSignal.any([options.signal, this.#lifetime.signal])
      : this.#lifetime.signal;
    return requestGuildMemberChunks(this, command.d, { ...options, signal });
  }

  /**
   * What Discord would leave unanswered (the request would only time out)
   * or answer without what was asked, refused now with the reason.
   */
  #assertMemberRequestAnswerable(request: RequestGuildMembersData): void {
    const shardId = shardForGuild(request.guild_id, this.#shardCount);
    if (shardId !== this.#shardId) {
      throw new TypeError(
        `Cannot request guild members as guild ${request.guild_id} is on shard ${shardId}, not on shard ${this.#shardId}`,
      );
    }
    if (request.query === "" && !(this.#intents & GatewayIntent.GuildMembers)) {
      throw new TypeError(
        "Cannot request guild members as the whole list (query '') needs the GUILD_MEMBERS intent",
      );
    }
    if (request.presences && !(this.#intents & GatewayIntent.GuildPresences)) {
      throw new TypeError(
        "Cannot request guild members with presences as it needs the GUILD_PRESENCES intent",
      );
    }
  }

  /**
   * Request soundboard sounds (op 31), answered by SOUNDBOARD_SOUNDS
   * dispatches, one per guild. The guilds go in as many frames as keep each
   * within 4096 bytes (about 190 guilds a frame), paced like any command.
   *
   * @param data The guilds.
   * @returns A promise that resolves when every frame is written.
   * @throws {TypeError} (as a rejection) For malformed arguments.
   * @throws {RangeError} (as a rejection) When `guild_ids` is empty.
   */
  requestSoundboardSounds(data: RequestSoundboardSoundsData): Promise<void> {
    return this.#sendValidated(() => requestSoundboardSoundsCommands(data));
  }

  /**
   * Request ephemeral channel info (op 43), answered by CHANNEL_INFO.
   *
   * @param data The guild and fields.
   * @returns A promise that resolves when the frame is written.
   * @throws {TypeError} (as a rejection) For malformed arguments.
   * @throws {RangeError} (as a rejection) When `fields` is empty.
   */
  requestChannelInfo(data: RequestChannelInfoData): Promise<void> {
    return this.#sendValidated(() => requestChannelInfoCommand(data));
  }

  /**
   * Check a presence as {@linkcode Shard.send} checks an op 3 before it
   * takes it: its fields, and the size of this shard's IDENTIFY with it
   * (reconnects identify with the presence set last). For a caller that
   * must know it would be refused before it lets it replace another.
   *
   * @param presence The presence (`d` of op 3).
   * @returns A checked copy.
   * @throws {TypeError | RangeError} A malformed presence (a field of the
   * wrong type, or out of its range).
   * @throws {GatewayError} `payload_too_large` when IDENTIFY with it would
   * pass 4096 bytes.
   */
  checkPresence(presence: UpdatePresenceData): UpdatePresenceData {
    return this.#identifiablePresence(presence);
  }

  /**
   * `presence` checked as an op 3 payload, and as part of this shard's
   * IDENTIFY, which must stay within {@linkcode MAX_PAYLOAD_BYTES}.
   *
   * @throws {TypeError | RangeError} A malformed presence.
   * @throws {GatewayError} `payload_too_large` when IDENTIFY would not fit.
   */
  #identifiablePresence(presence: unknown): UpdatePresenceData {
    const { d } = updatePresenceCommand(presence as UpdatePresenceData);
    this.#assertIdentifyFits(d);
    return d;
  }

  /** Throws when IDENTIFY, with `presence` if given, passes 4096 bytes. */
  #assertIdentifyFits(presence: UpdatePresenceData | undefined): void {
    const d: IdentifyData = this.#identifyData();
    if (presence !== undefined) d.presence = presence;
    const bytes = utf8Over(
      JSON.stringify({ op: GatewayOpcode.Identify, d }),
      MAX_PAYLOAD_BYTES,
    );
    if (bytes === undefined) return;
    throw new GatewayError(
      "payload_too_large",
      presence !== undefined
        ? `Cannot use this presence as IDENTIFY with it encodes to more than ${MAX_PAYLOAD_BYTES} bytes: current size ${bytes} bytes`
        : `Cannot create shard as IDENTIFY (its token and properties) encodes to more than ${MAX_PAYLOAD_BYTES} bytes: current size ${bytes} bytes`,
      { shardId: this.#shardId },
    );
  }

  /** IDENTIFY's fields other than the presence. */
  #identifyData(): IdentifyData {
    return {
      token: this.#token,
      properties: this.#properties,
      large_threshold: this.#largeThreshold,
      shard: [this.#shardId, this.#shardCount],
      intents: this.#intents,
    };
  }

  /** The refusal of a command that would wait behind `waiting` others. */
  #backlogFull(waiting: number, one: boolean): GatewayError {
    return new GatewayError(
      "backlog_full",
      `Shard ${this.#shardId}: ${waiting} commands already wait to be sent (Discord takes 120 frames a minute); ${
        one ? "this one is" : "these are"
      } refused rather than queued`,
      { shardId: this.#shardId },
    );
  }

  /**
   * How many more commands the send queue takes before
   * {@linkcode Shard.send} refuses them with `backlog_full` (presence
   * updates are never refused), 0 once the shard is closed: a caller
   * sending on several shards checks each has room first, so that it sends
   * on all of them or on none.
   */
  get commandRoom(): number {
    if (this.#status === "closed") return 0;
    return Math.max(0, MAX_QUEUED_COMMANDS - this.#queue.length);
  }

  #sendValidated(
    build: () => GatewayCommand | GatewayCommand[],
  ): Promise<void> {
    let command: GatewayCommand | GatewayCommand[];
    try {
      command = build();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!Array.isArray(command)) return this.send(command);
    // All frames or none: refused in part, a caller asking again would ask
    // twice for what went out.
    if (this.#queue.length + command.length > MAX_QUEUED_COMMANDS) {
      return Promise.reject(this.#backlogFull(this.#queue.length, false));
    }
    return Promise.all(command.map((each) => this.send(each))).then(() => {});
  }

  /**
   * Stop taking events for a while and keep the session, for a consumer
   * that fell behind (the `Client` pauses a shard whose handlers hold too
   * many events, and every shard when all of them together do): the
   * connection closes resumably (4000) and none opens
   * until the pause ends. Call the returned function to end it: the shard
   * then RESUMEs, so Discord replays what it sent meanwhile, if the pause
   * is shorter than Discord keeps a closed session (about 90 s). Pauses
   * stack: the shard stays paused until every pause is ended, so a consumer
   * never resumes a shard someone else paused; {@linkcode Shard.close}
   * ends them all. Unlike a close, commands stay queued, `connect()` callers
   * keep waiting and dispatch streams go on; the status is `reconnecting`
   * meanwhile. A reconnect the shard was waiting for (a backoff, a server's
   * `Retry-After`) still waits its time after the pause. Paused while an
   * IDENTIFY is in flight (status `identifying`), the session it was
   * starting is lost: the shard identifies again. On a shard that is not
   * running (`idle`, `closed`) it does nothing, and returns a function that
   * does nothing.
   *
   * @returns A function that ends this pause (once; later calls do
   * nothing).
   *
   * @example Hold events off while a backlog drains
   * ```ts
   * import { Shard } from "@disruption/disruption/gateway";
   * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const scheduler = new VirtualScheduler();
   * const discord = new FakeGateway({ scheduler });
   * const shard = new Shard({
   *   token: "fake-token",
   *   intents: 1,
   *   transport: discord.transport,
   *   scheduler,
   * });
   * const names: string[] = [];
   * shard.on("dispatch", (event) => names.push(event.name));
   * await Promise.all([shard.connect(), scheduler.advance(0)]);
   * const resume = shard.pause(); // a consumer fell behind: hold events off
   * assert.equal(shard.status, "reconnecting");
   * discord.dispatch("GUILD_UPDATE", { id: discord.guildIds[0], name: "x" });
   * await scheduler.advance(60_000); // nothing arrives while paused
   * resume(); // RESUMEs: Discord replays what it held
   * await Promise.all([shard.connect(), scheduler.advance(0)]);
   * assert.equal(discord.counters.resumed, 1);
   * assert.deepEqual(names.slice(-2), ["GUILD_UPDATE", "RESUMED"]);
   * await shard.close();
   * discord.close();
   * ```
   */
  pause(): () => void {
    if (this.#status === "idle" || this.#status === "closed") return () => {};
    const token = {};
    this.#pauses.add(token);
    if (this.#pauses.size === 1) this.#holdOff();
    return () => {
      if (this.#pauses.delete(token) && this.#pauses.size === 0) {
        this.#reconnectAfterPause();
      }
    };
  }

  /** The first pause: drop the connection and open none until the last ends. */
  #holdOff(): void {
    if (this.#reconnectTimer !== undefined) {
      // A backoff or a server's Retry-After still applies after the pause.
      this.#scheduler.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = undefined;
    } else this.#reconnectDue = 0;
    logger.info("Shard {shardId} paused", { shardId: this.#shardId });
    this.#dropConnection(RESUMABLE_CLOSE_CODE);
    // Held off on purpose: paused time is no outage. One not said yet
    // (a connection since op 7 not yet answered) starts over at a loss.
    if (!this.#outageSaid) this.#forgetOutage();
    if (this.#status !== "reconnecting") this.#setStatus("reconnecting");
  }

  /**
   * The last pause ended: connect again (at once, or when a reconnect wait
   * the pause interrupted is over), resuming the session.
   */
  #reconnectAfterPause(): void {
    if (
      this.#status !== "reconnecting" || this.#connection !== undefined ||
      this.#reconnectTimer !== undefined
    ) return;
    const wait = this.#reconnectDue - this.#scheduler.now();
    if (wait > 0) this.#armReconnect(wait);
    else this.#open();
  }

  /**
   * Take a saved session to resume on the next {@linkcode Shard.connect}
   * instead of identifying. Only while the shard is idle or closed.
   *
   * @param session The session, e.g. from a `SessionStore`. A resume URL
   * that is not usable with this shard's gateway URL (not a URL, `ws:`
   * where the gateway is `wss:`, a host outside the gateway's domain:
   * `restoredResumeUrlProblem`) is ignored with a warning: the session then
   * resumes on the main URL.
   * @throws {Error} When the shard is running.
   * @throws {TypeError} When `session` is not an object or `sessionId` is
   * not one READY could have sent.
   * @throws {RangeError} When `sequence` is not a non-negative integer.
   */
  restore(session: ResumableSession): void {
    if (this.#status !== "idle" && this.#status !== "closed") {
      throw new Error(
        `Cannot restore a session as shard ${this.#shardId} is running: current status '${this.#status}'`,
      );
    }
    this.#restoreSession(session);
  }

  /**
   * Stop the shard: cancel every timer, close the socket and reject queued
   * commands with `shard_closed`.
   *
   * @param options Whether to keep the session resumable.
   * @returns A promise that resolves once the shard has stopped and its
   * sockets have finished closing: no event will be delivered, and no timer
   * or connection is left (so a test's resource sanitizer stays quiet). A
   * socket whose peer never completes the close handshake is waited for at
   * most `timeouts.close` from when the shard closed it, then forgotten
   * (the transport cuts it: both built-in ones report it closed after 2 s,
   * though the runtime's `WebSocket` keeps the TCP connection until the
   * peer ends it; see `webSocketTransport`).
   * @throws {TypeError} When `options` has a key other than `resumable`
   * (the promise rejects and the shard runs on: a misspelt `resumeable`
   * forgot the session, and the next start identified anew).
   */
  close(options: ShardCloseOptions = {}): Promise<void> {
    try {
      checkOptionKeys("close shard", "", options, ["resumable"]);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#status !== "closed" || this.#connection) {
      const resumable = options.resumable ?? false;
      this.#dropConnection(
        resumable ? RESUMABLE_CLOSE_CODE : NORMAL_CLOSE_CODE,
      );
      if (!resumable) this.#forgetSession();
      this.#stop(this.#closedError());
    }
    return this.#socketsClosed();
  }

  /**
   * Resolves once every socket has reported its close or been given up on
   * (`timeouts.close` after the shard closed it; a later `close()` does not
   * wait for it again).
   */
  #socketsClosed(): Promise<void> {
    if (this.#socketsOpen.size === 0) return Promise.resolve();
    // Every socket here was closed and has its timer; arming is idempotent,
    // so none can hold close() for longer than timeouts.close.
    for (const connection of this.#socketsOpen.keys()) {
      this.#forgetSocketLater(connection);
    }
    const sockets = new Set(this.#socketsOpen.keys());
    return new Promise((done) =>
      this.#socketsClosedWaiters.push({ sockets, done })
    );
  }

  /**
   * The shard closed (or dropped) this connection's socket: forget it after
   * `timeouts.close` if it has not reported its close by then. Once only.
   */
  #forgetSocketLater(connection: Connection): void {
    if (!this.#socketsOpen.has(connection)) return;
    if (this.#socketsOpen.get(connection) !== undefined) return;
    const timer = this.#scheduler.setTimeout(() => {
      logger.debug(
        "Shard {shardId}: a socket did not finish closing within {ms} ms; forgetting it",
        { shardId: this.#shardId, ms: this.#timeouts.close },
      );
      this.#socketEnded(connection);
    }, this.#timeouts.close);
    this.#socketsOpen.set(connection, timer);
  }

  /**
   * A socket reported its close, or was given up on; the last one a
   * `close()` waits for releases it.
   */
  #socketEnded(connection: Connection): void {
    if (!this.#socketsOpen.has(connection)) return;
    const timer = this.#socketsOpen.get(connection);
    if (timer !== undefined) this.#scheduler.clearTimeout(timer);
    this.#socketsOpen.delete(connection);
    if (this.#socketsClosedWaiters.length === 0) return;
    const released: (() => void)[] = [];
    this.#socketsClosedWaiters = this.#socketsClosedWaiters.filter(
      ({ sockets, done }) => {
        sockets.delete(connection);
        if (sockets.size > 0) return true;
        released.push(done);
        return false;
      },
    );
    for (const done of released) done();
  }

  /** Same as {@linkcode Shard.close} with default options, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Shows the shard's ID and status, never the token. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Shard { id: ${this.#shardId}, status: ${
      JSON.stringify(this.#status)
    } }`;
  }

  // ---------------------------------------------------------------- lifecycle

  #setStatus(next: ShardStatus): void {
    const previous = this.#status;
    if (previous === next) return;
    this.#status = next;
    logger.debug("Shard {shardId} {previous} -> {current}", {
      shardId: this.#shardId,
      previous,
      current: next,
    });
    this.#emit("state", { shardId: this.#shardId, previous, current: next });
  }

  /**
   * Whether a state listener, called from the `#setStatus(expected)` just
   * made, took the shard elsewhere: closed it (the lifetime ended), or
   * closed and connected it again (a new lifetime, or another connection
   * already opened). The caller's step is then over.
   */
  #superseded(lifetime: AbortController, expected: ShardStatus): boolean {
    return lifetime !== this.#lifetime || lifetime.signal.aborted ||
      this.#status !== expected || this.#connection !== undefined;
  }

  /**
   * Hold a new session back while this shard started too many in the last
   * hour (see {@linkcode SessionPacer}): a peer that keeps ending sessions
   * must not spend the day's session starts, which every shard of the bot
   * shares. Shown on stderr: the bot is offline meanwhile.
   *
   * @returns Whether the connection waits (a timer opens it later).
   */
  #waitForNewSession(): boolean {
    const wait = this.#sessionPacer.delay();
    if (wait === 0) return false;
    visible.warn(
      "Shard {shardId} started {count} sessions in a row, each ended soon after; waiting {seconds} s before the next IDENTIFY so as not to spend the day's session starts",
      {
        shardId: this.#shardId,
        count: this.#sessionPacer.streak,
        seconds: Math.ceil(wait / 1000),
      },
    );
    const lifetime = this.#lifetime;
    if (this.#status !== "reconnecting") {
      this.#setStatus("reconnecting");
      if (this.#superseded(lifetime, "reconnecting")) return true;
    }
    this.#armReconnect(wait);
    return true;
  }

  /** Open the next connection in `ms`. */
  #armReconnect(ms: number): void {
    this.#reconnectDue = this.#scheduler.now() + ms;
    this.#reconnectTimer = this.#scheduler.setTimeout(() => this.#open(), ms);
  }

  #open(): void {
    this.#reconnectTimer = undefined;
    if (this.#pauses.size > 0) return; // the pause's end opens it
    if (
      this.#sessionId !== undefined &&
      this.#failedResumes >= MAX_RESUME_ATTEMPTS
    ) {
      // The events after the last sequence are lost with the session: the
      // bot author must hear of it without configuring logging.
      visible.warn(
        "Shard {shardId}: {attempts} RESUME attempts failed in a row; starting a new session, the events after sequence {sequence} are lost",
        {
          shardId: this.#shardId,
          attempts: this.#failedResumes,
          sequence: this.#sequence,
        },
      );
      this.#forgetSession();
    }
    const resuming = this.#sessionId !== undefined && this.#sequence !== null;
    if (!resuming && this.#waitForNewSession()) return;
    const target: ConnectionTarget = !resuming || this.#resumeUrl === undefined
      ? "main"
      : this.#resumeUrlFailures >= RESUME_URL_FAILURES_BEFORE_PROBE &&
          !this.#mainReachable
      ? "probe"
      : "resume";
    // Both URLs were validated (options, READY, restore); a URL that still
    // fails to build must not throw out of the reconnect timer.
    let url: string;
    try {
      url = gatewayQuery(
        target === "resume" ? this.#resumeUrl! : this.#gatewayUrl,
        this.#compress,
      );
    } catch (error) {
      logger.warn(
        "Shard {shardId} cannot build the {target} URL ({error}); using the main URL",
        { shardId: this.#shardId, target, error },
      );
      this.#resumeUrl = undefined;
      url = this.#gatewayUrl;
    }
    const abort = new AbortController();
    this.#limiter.reset();
    const lifetime = this.#lifetime;
    this.#setStatus("connecting");
    // A state listener may have closed the shard (or closed and connected
    // it again, which opened its own connection): this attempt is over.
    if (this.#superseded(lifetime, "connecting")) return;
    const connection: Connection = {
      socket: { send: () => {}, close: () => {} },
      target,
      resuming,
      resumeSent: false,
      identifySent: false,
      url,
      opened: false,
      connectError: undefined,
      inflater: undefined,
      abort,
      heartbeatInterval: 0,
      heartbeatTimer: undefined,
      heartbeatsSent: 0,
      heartbeatsAnswered: 0,
      acks: new HeartbeatAcks(),
      backwardsSaid: false,
      lastRequestedAt: undefined,
      readyAt: undefined,
      answeredUp: false,
      heardSinceHeartbeat: true,
      bytesSinceHeartbeat: false,
      bytesSincePhaseTimer: false,
      lastFrameAt: this.#scheduler.now(),
      phaseTimer: undefined,
      answerFallback: undefined,
    };
    this.#connection = connection;
    this.#setPhaseTimer(connection, this.#timeouts.connect, "connect");
    try {
      if (this.#compress !== "none") {
        connection.inflater = createInflater(this.#compress, {
          maxMessageBytes: this.#maxInflatedBytes,
        });
      }
      // Tracked before the transport runs: a close it reported at once
      // (which it should not) finds the connection and ends it.
      this.#socketsOpen.set(connection, undefined);
      // Every callback is guarded: nothing the shard does with a frame may
      // throw into the transport (and from there to the runtime's global
      // error handler, which ends the process).
      connection.socket = this.#transport(url, {
        onOpen: () =>
          this.#guard(connection, () => {
            if (this.#current(connection)) this.#onOpen(connection);
          }),
        onMessage: (data) =>
          this.#guard(connection, () => {
            if (this.#current(connection)) this.#onMessage(connection, data);
          }),
        onBytes: () => {
          connection.bytesSinceHeartbeat = true;
          connection.bytesSincePhaseTimer = true;
        },
        onDrain: () =>
          this.#guard(connection, () => {
            if (this.#unflushedOn === connection) this.#pump();
          }),
        // Acted on before TCP ends (onClose, up to 2 s later): a heartbeat
        // tick meanwhile took the silence for a zombie and resumed.
        onCloseFrame: (code, reason) =>
          this.#guard(connection, () => {
            if (this.#current(connection) && connection.opened) {
              this.#onClose(connection, code, reason);
            }
          }),
        onClose: (code, reason) =>
          this.#guard(connection, () => {
            this.#socketEnded(connection);
            if (!this.#current(connection)) return;
            if (connection.opened) this.#onClose(connection, code, reason);
            else {
              this.#connectFailed(
                connection,
                connection.connectError ??
                  new Error(`The socket closed with ${code} ${reason}`),
              );
            }
          }),
        onError: (error) => {
          if (this.#current(connection)) {
            if (!connection.opened) connection.connectError ??= error;
            logger.debug("Shard {shardId} socket error: {error}", {
              shardId: this.#shardId,
              error,
            });
          }
        },
      });
    } catch (error) {
      // The transport threw: there is no socket to wait for.
      this.#socketEnded(connection);
      this.#connectFailed(connection, error);
    }
  }

  /**
   * An attempt to connect failed before the socket opened: report why as a
   * typed error, stop for good when retrying cannot help (no permission for
   * the main URL), and otherwise try again, not before the server's
   * `Retry-After`. No permission for the resume URL (a host `--allow-net`
   * does not list) forgets it: the session resumes on the main URL.
   */
  #connectFailed(connection: Connection, cause: unknown): void {
    const error = connectFailure(cause, this.#shardId, connection.url);
    this.#emit("error", error);
    if (error.kind === "permission_denied" && connection.target === "resume") {
      logger.warn(
        "{message}; resuming on the main gateway URL instead",
        { message: error.message },
      );
      this.#resumeUrl = undefined;
      this.#connectionLost(connection, "resume");
      return;
    }
    if (error.kind === "permission_denied") {
      // Stops for good: in a fleet nothing else says so (its start() does
      // not wait for the shard), and its guilds' events stop with it.
      visible.error("Shard {shardId} stopped: {message}", {
        shardId: this.#shardId,
        message: error.message,
      });
      this.#dropConnection(undefined);
      this.#stop(error);
      return;
    }
    // Before the first session nothing else tells the user why start() is
    // still waiting (a wrong gatewayUrl, a proxy, a firewall): show it
    // without configuration. Once a session exists, a failed reconnect is
    // an outage the shard rides out, logged through LogTape only, until it
    // lasts: then it is said once (and its end), as hours offline after a
    // DNS or egress change went without a word.
    (this.#sessionId === undefined ? visible : logger).warn(
      "{message}; trying again",
      { message: error.message },
    );
    this.#lastFailure = error.message;
    this.#connectionLost(connection, "resume", {
      minDelay: Math.min(error.retryAfter ?? 0, MAX_CONNECT_RETRY_AFTER),
    });
  }

  #current(connection: Connection): boolean {
    return this.#connection === connection;
  }

  /**
   * Run a socket callback; whatever it throws (a bug, or a payload shape no
   * check foresaw) is treated like an undecodable frame on that connection
   * instead of reaching the transport.
   */
  #guard(connection: Connection, callback: () => void): void {
    try {
      callback();
    } catch (cause) {
      logger.error("Shard {shardId} failed handling a socket event: {cause}", {
        shardId: this.#shardId,
        cause,
      });
      try {
        if (this.#current(connection)) this.#undecodable(connection, cause);
      } catch (error) {
        logger.error("Shard {shardId} could not recover: {error}", {
          shardId: this.#shardId,
          error,
        });
      }
    }
  }

  #onOpen(connection: Connection): void {
    connection.opened = true;
    if (connection.target === "probe") {
      logger.info(
        "Shard {shardId}: the main gateway URL answers while the resume URL did not; trying the resume URL once more",
        { shardId: this.#shardId },
      );
      this.#mainReachable = true;
      this.#connectionLost(connection, "resume", { probeOpened: true });
      return;
    }
    // A resume URL that opens is not yet one that works: a load balancer
    // before a dead backend opens and then sends nothing. Its failures
    // reset once a RESUME could be sent (see #resume).
    this.#setStatus("waiting_for_hello");
    if (!this.#current(connection)) return; // closed by a state listener
    this.#setPhaseTimer(connection, this.#timeouts.hello, "HELLO");
  }

  #onClose(connection: Connection, code: number, reason: string): void {
    logger.info("Shard {shardId} connection closed with {code} {reason}", {
      shardId: this.#shardId,
      code,
      reason,
    });
    if (code === MESSAGE_TOO_BIG) {
      // A message over the size the shard takes (the transport's own close,
      // or the server's): an event's frame, perhaps, read only if the
      // RESUME replays it. Said and reported as any frame it cannot read.
      this.#undecodable(
        connection,
        new RangeError(
          `a message too big to take (closed with 1009 ${reason})`,
        ),
      );
      return;
    }
    if (code === PROTOCOL_ERROR || code === INVALID_FRAME_PAYLOAD) {
      // Framing the transport could not read (a masked or reserved frame,
      // text that is not UTF-8): a peer that is no gateway, or a broken
      // one. Said as a frame it cannot decode: resumed quietly, start()
      // waited on it for ever with nothing on stderr.
      this.#undecodable(
        connection,
        new TypeError(
          `a frame it could not read (closed with ${code} ${reason})`,
        ),
      );
      return;
    }
    const policy = closePolicy(code, this.#intents);
    if (connection.readyAt === undefined) {
      // Named if the attempts go on long (#sayLongOutage): a proxy or a
      // load balancer that closes before HELLO was otherwise retried for
      // ever with nothing said.
      this.#lastFailure = `closed with ${code}${reason ? ` ${reason}` : ""}`;
    }
    if (policy.action === "fatal") {
      this.#dropConnection(undefined);
      this.#forgetSession();
      const error = new GatewayError(policy.kind, policy.message, {
        closeCode: code,
        shardId: this.#shardId,
      });
      visible.error("Shard {shardId} stopped: {message}", {
        shardId: this.#shardId,
        message: policy.message,
      });
      this.#emit("error", error);
      this.#stop(error);
      return;
    }
    this.#connectionLost(connection, policy.action);
  }

  /**
   * The one path every lost connection takes (closes, timeouts, zombies,
   * op 7, op 9, undecodable frames): detach the socket, decide what the next
   * connection does, and schedule it.
   *
   * A connection that never reached READY or RESUMED is a failed attempt
   * and the backoff grows. One that did is healthy once it stayed ready for
   * `HEALTHY_AFTER_HEARTBEATS` heartbeat intervals (and at least
   * `MIN_HEALTHY_UPTIME`): its loss reconnects at
   * once. One lost before that is a quick drop: the first reconnects at once
   * too (Discord asks for an immediate reconnect after op 7), and every
   * further quick drop in a row waits like one more failed attempt, so a
   * server that answers every RESUMED with op 7 or op 9 is retried ever more
   * slowly instead of ~20 times a second.
   */
  #connectionLost(
    connection: Connection,
    action: CloseAction,
    options: {
      /** Op 9 without a resumable session: the invalid-session backoff. */
      invalidSession?: boolean;
      /** Op 9 with a resumable session: answered, no failure for the outage. */
      resumableInvalidSession?: boolean;
      /** A probe of the main URL opened: straight back to the resume URL. */
      probeOpened?: boolean;
      /** Wait at least this long (a server's `Retry-After`), in ms. */
      minDelay?: number;
      /** Discord asked for it (op 7: reconnect and resume). */
      requested?: boolean;
      /** No RESUMED (nor any frame) came before its deadline. */
      resumedTimeout?: boolean;
    } = {},
  ): void {
    if (!this.#current(connection)) return;
    this.#dropConnection(RESUMABLE_CLOSE_CODE, options);
    this.#sayLongOutage(connection);
    if (connection.readyAt === undefined) {
      if (!options.probeOpened) this.#failedAttempts++;
      if (
        !options.probeOpened && !options.invalidSession &&
        !options.resumableInvalidSession
      ) this.#outageFailed = true;
    } else {
      this.#quickDrops = this.#stayedUp(connection) ? 0 : this.#quickDrops + 1;
      this.#sessionPacer.ended(this.#scheduler.now() - connection.readyAt);
    }
    const attempt = Math.max(this.#failedAttempts, this.#quickDrops - 1);
    if (connection.resuming && connection.readyAt === undefined) {
      // Only a RESUME that was sent and not answered counts against the
      // session: a network outage says nothing about whether it still lives,
      // and neither does op 7 (Discord asks to resume) or a replay that was
      // coming (the session plainly lives). Three failures identify, and
      // lose the rest of the backlog.
      if (
        connection.resumeSent && !connection.replayed && !options.requested
      ) this.#failedResumes++;
    }
    // A resume URL that opened and then failed before the RESUME (no
    // HELLO, a bad one, a drop) counts as one that refused: counted by
    // neither, the shard tried it for ever while the main URL worked.
    if (
      !connection.opened ||
      (connection.target === "resume" && !connection.resumeSent)
    ) this.#unreachable(connection.target);
    if (action === "new_session") this.#forgetSession();
    const backoff = options.probeOpened
      ? 0
      : options.invalidSession
      ? backoffDelay(Math.max(this.#invalidSessions, this.#quickDrops - 1), {
        ...INVALID_SESSION_BACKOFF,
        random: this.#random,
      })
      : backoffDelay(attempt, {
        ...RECONNECT_BACKOFF,
        random: this.#random,
      });
    const delay = Math.max(backoff, options.minDelay ?? 0);
    const lifetime = this.#lifetime;
    this.#setStatus("reconnecting");
    // Closed by a state listener: no reconnect may be armed after #stop.
    if (this.#superseded(lifetime, "reconnecting")) return;
    logger.debug("Shard {shardId} reconnects in {delay} ms", {
      shardId: this.#shardId,
      delay,
    });
    this.#armReconnect(delay);
  }

  /**
   * A connect to `target` failed before the socket opened. Keeps the resume
   * URL through an outage and forgets it only when the resume host looks
   * gone (see `RESUME_URL_FAILURES_BEFORE_PROBE`).
   */
  #unreachable(target: ConnectionTarget): void {
    if (target === "probe") {
      // The main URL fails too: an outage, not a missing resume host.
      this.#resumeUrlFailures = 0;
      return;
    }
    if (target !== "resume" || this.#resumeUrl === undefined) return;
    if (this.#mainReachable) {
      logger.warn(
        "Shard {shardId}: the resume URL fails while the main gateway URL answers; resuming on the main URL",
        { shardId: this.#shardId },
      );
      this.#resumeUrl = undefined;
      this.#resumeUrlFailures = 0;
      this.#mainReachable = false;
      return;
    }
    this.#resumeUrlFailures++;
  }

  /**
   * Detach and close the current socket and cancel its timers. Every end of
   * a connection comes here, a pause's and a close's too: where a RESUME
   * cut off mid-replay is counted (#unansweredResumes).
   */
  #dropConnection(
    code: number | undefined,
    options: { resumedTimeout?: boolean } = {},
  ): void {
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = undefined;
    // A replay came, so Discord accepted the RESUME and buffered its
    // RESUMED after it: the next replay's first one is not our answer.
    // Not after a RESUMED deadline: a server that numbers RESUMED but
    // never replays it would have its real RESUMED taken for this one
    // next time, and time out again, RESUME after RESUME; uncounted, one
    // silent mid-replay only risks "ready" before the replay's end. A
    // RESUME cut off before anything replayed came (an empty replay, its
    // RESUMED unread) is not seen either: its RESUMED is taken as the next
    // RESUME's answer, "ready" before that replay's end, as before.
    if (
      connection.resuming && connection.readyAt === undefined &&
      connection.replayed && !options.resumedTimeout
    ) this.#unansweredResumes++;
    connection.abort.abort(
      new GatewayError("shard_closed", "The connection ended", {
        shardId: this.#shardId,
      }),
    );
    if (connection.heartbeatTimer !== undefined) {
      this.#scheduler.clearTimeout(connection.heartbeatTimer);
    }
    if (connection.phaseTimer !== undefined) {
      this.#scheduler.clearTimeout(connection.phaseTimer);
    }
    if (connection.answerFallback !== undefined) {
      this.#scheduler.clearTimeout(connection.answerFallback);
    }
    connection.inflater?.close();
    // Armed before the close, which may report at once and end it.
    this.#forgetSocketLater(connection);
    if (code !== undefined) connection.socket.close(code, "");
  }

  /** Enter `closed` for good: no timers, no queue, waiters rejected. */
  #stop(reason: GatewayError): void {
    this.#pauses.clear();
    this.#lifetime.abort(reason);
    if (this.#reconnectTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = undefined;
    }
    if (this.#pumpTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#pumpTimer);
      this.#pumpTimer = undefined;
    }
    this.#clearOutageTimer();
    const queue = [...this.#queue, ...this.#heldPresences];
    this.#queue = [];
    this.#heldPresences = [];
    for (const command of queue) command.reject(reason);
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.reject(reason);
    this.#setStatus("closed");
  }

  /**
   * Fail the connection if `step` has not come in `ms`. A READY, or a
   * replayed event before RESUMED, larger than the link carries in that
   * time is waited for while bytes of it keep coming (failing would drop
   * it, and the next attempt would replay it into the same fate), for
   * {@linkcode MAX_FRAME_TRANSFER} from `since` at most: the step's start,
   * or the last replayed event. A timer run late waits
   * {@linkcode LATE_VERDICT_GRACE_MS} first (`#lateVerdict`).
   */
  #setPhaseTimer(
    connection: Connection,
    ms: number,
    step: string,
    since = this.#scheduler.now(),
  ): void {
    if (connection.phaseTimer !== undefined) {
      this.#scheduler.clearTimeout(connection.phaseTimer);
    }
    connection.bytesSincePhaseTimer = false;
    const due = this.#scheduler.now() + ms;
    let deferred = false;
    const expire = (): void => {
      connection.phaseTimer = undefined;
      // The step may wait unread in the socket: the runtime runs an overdue
      // timer before it reads what came while the loop was busy.
      const grace = deferred ? 0 : this.#lateVerdict(due, `${step} timeout`);
      if (grace > 0) {
        deferred = true;
        connection.phaseTimer = this.#scheduler.setTimeout(expire, grace);
        return;
      }
      if (
        (step === "READY" || step === "RESUMED") &&
        connection.bytesSincePhaseTimer &&
        this.#scheduler.now() - since < MAX_FRAME_TRANSFER
      ) {
        logger.debug(
          "Shard {shardId}: no {step} yet, but bytes of a frame arrive: a large frame on its way",
          { shardId: this.#shardId, step },
        );
        this.#setPhaseTimer(connection, ms, step, since);
        return;
      }
      const error = new GatewayError(
        "timeout",
        `Shard ${this.#shardId} timed out waiting for ${step} after ${ms} ms; reconnecting`,
        { shardId: this.#shardId },
      );
      // Before the first session, as for a failed connect: nothing else
      // tells the user why start() is still waiting (a peer that never
      // sends HELLO or READY).
      (this.#sessionId === undefined ? visible : logger).warn(error.message);
      this.#emit("error", error);
      this.#connectionLost(connection, "resume", {
        resumedTimeout: step === "RESUMED",
      });
    };
    connection.phaseTimer = this.#scheduler.setTimeout(expire, ms);
  }

  #clearPhaseTimer(connection: Connection): void {
    if (connection.phaseTimer === undefined) return;
    this.#scheduler.clearTimeout(connection.phaseTimer);
    connection.phaseTimer = undefined;
  }

  #forgetSession(): void {
    if (this.#downSince !== undefined && this.#sessionId !== undefined) {
      this.#outageLostSession = true;
    }
    this.#sessionId = undefined;
    this.#sequence = null;
    this.#resumeUrl = undefined;
    this.#failedResumes = 0;
    this.#unansweredResumes = 0;
    this.#resumeUrlFailures = 0;
    this.#mainReachable = false;
  }

  #restoreSession(session: ResumableSession): void {
    // A falsy one (0, "", null) was blamed on 'sessionId'.
    if (!isRecord(session)) {
      throw new TypeError(
        `Cannot restore a session as 'session' must be an object with sessionId and sequence: current value 'session=${
          describeValue(session)
        }'`,
      );
    }
    const { sessionId, sequence, resumeUrl } = session;
    const idProblem = sessionIdProblem(sessionId);
    if (idProblem !== undefined) {
      throw new TypeError(
        `Cannot restore a session as 'sessionId' ${idProblem}`,
      );
    }
    // Its own READY's URL stays (a stop that sets the session back).
    const own = sessionId === this.#sessionId && resumeUrl === this.#resumeUrl;
    if (!isSequence(sequence)) {
      throw new RangeError(
        `Cannot restore a session as 'sequence' must be a non-negative integer: current value 'sequence=${
          describeValue(sequence)
        }'`,
      );
    }
    // Its own session set back (a stop that hands back the events its
    // handlers never ran) keeps the count: the RESUMEDs it counts wait in
    // Discord's buffer above the earlier sequence too. Another session, or
    // one set forward, starts from none.
    const setBack = sessionId === this.#sessionId && this.#sequence !== null &&
      sequence <= this.#sequence;
    this.#sessionId = sessionId;
    this.#sequence = sequence;
    if (!setBack) this.#unansweredResumes = 0;
    this.#resumeUrlFailures = 0;
    this.#mainReachable = false;
    this.#resumeUrl = resumeUrl === undefined || own
      ? resumeUrl
      : this.#usableResumeUrl(resumeUrl, "the restored session", true);
  }

  /**
   * `url` if it may be used as this shard's resume URL, otherwise
   * `undefined` with a warning (the session then resumes on the main URL).
   * A `restored` (stored) one must also be of the gateway's host or domain.
   */
  #usableResumeUrl(
    url: unknown,
    source: string,
    restored = false,
  ): string | undefined {
    const problem = (restored ? restoredResumeUrlProblem : resumeUrlProblem)(
      url,
      this.#gatewayUrl,
    );
    if (problem === undefined) return url as string;
    // A stored URL may have been written to take the token elsewhere: said.
    (restored ? visible : logger).warn(
      "Shard {shardId} ignores the resume URL of {source} and will resume on the main gateway URL, as {problem}",
      { shardId: this.#shardId, source, problem },
    );
    return undefined;
  }

  #closedError(): GatewayError {
    return new GatewayError(
      "shard_closed",
      `Shard ${this.#shardId} is closed`,
      { shardId: this.#shardId },
    );
  }

  #settleReady(): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  // ------------------------------------------------------------------ inbound

  #onMessage(connection: Connection, data: string | Uint8Array): void {
    let text: string | null;
    try {
      if (typeof data === "string" && connection.inflater?.midMessage) {
        // Read now, it would overtake the compressed message it interrupts,
        // whose event was then dropped as an old sequence.
        throw new TypeError("A text frame came inside a compressed message");
      }
      text = typeof data === "string"
        ? data
        : connection.inflater
        ? connection.inflater.push(data)
        // Strict: a binary frame that is not UTF-8 is as undecodable as a
        // text frame that is not (which the transport closes with 1007),
        // not a payload with U+FFFD in it.
        : decodeUtf8(data);
    } catch (cause) {
      this.#undecodable(connection, cause);
      return;
    }
    if (text === null) {
      // A compressed message that finished no payload (part of one, an
      // empty message, a zstd skippable frame) is a frame on its way, under
      // MAX_FRAME_TRANSFER, not a sign of life: a peer sending only those
      // kept the connection "ready" for ever with nothing coming.
      connection.bytesSinceHeartbeat = true;
      return;
    }
    connection.heardSinceHeartbeat = true;
    if (this.#wantsAll === 0 && this.#peekFirst) {
      // Filtered listeners only: read op, s and t without parsing the frame,
      // and parse a dispatch only if someone wants it.
      // A sequence that is not a safe non-negative integer falls through
      // to the parsed path, which refuses it the same way.
      const peek = peekedDispatch(text);
      if (peek !== undefined) {
        this.#onPeekedDispatch(connection, text, peek.t, peek.s);
        return;
      }
    }
    let payload: GatewayPayload;
    try {
      payload = parseBoundedJson(text, "frame") as GatewayPayload;
      if (
        typeof payload !== "object" || payload === null ||
        Array.isArray(payload)
      ) {
        throw new TypeError("the frame is not a JSON object");
      }
    } catch (cause) {
      if (cause instanceof JsonBoundError) {
        this.#overBound(connection, text, cause);
      } else this.#undecodable(connection, cause);
      return;
    }
    switch (payload.op) {
      case GatewayOpcode.Dispatch:
        this.#onDispatch(connection, payload, text);
        break;
      case GatewayOpcode.Heartbeat:
        // Answered at once, even while the shard's own heartbeat waits for
        // its ACK (Discord asks when it has not heard one: that one may be
        // lost). A flood gets one answer per heartbeat interval (and per
        // REQUESTED_HEARTBEAT_SPACING), even from a server that ACKs each
        // at once: the send budget reserves room for that many, not 1,000.
        if (
          connection.lastRequestedAt !== undefined &&
          this.#scheduler.now() - connection.lastRequestedAt <
            Math.max(
              connection.heartbeatInterval,
              REQUESTED_HEARTBEAT_SPACING,
            )
        ) {
          logger.debug(
            "Shard {shardId}: heartbeat requested again within one interval; not sending another",
            { shardId: this.#shardId },
          );
        } else {
          connection.lastRequestedAt = this.#scheduler.now();
          this.#sendHeartbeat(connection);
        }
        break;
      case GatewayOpcode.HeartbeatAck: {
        // Not the latest heartbeat's: an ACK left over from an op 1
        // answered would pass a later heartbeat's time off as its own.
        const now = this.#scheduler.now();
        const answered = connection.acks.acked(
          now,
          connection.heartbeatInterval,
        );
        if (answered === undefined) break;
        connection.heartbeatsAnswered++;
        if (answered.shownSentAt !== undefined) {
          this.#latency = now - answered.shownSentAt;
        }
        this.#lastAckAt = now;
        this.#ackedHeartbeatAt = answered.sentNoLaterThan;
        // Up for a while and its heartbeat answered: the outage is over.
        if (this.#stayedUp(connection)) {
          connection.answeredUp = true;
          if (this.#downSince !== undefined) this.#outageOver(connection);
        }
        break;
      }
      case GatewayOpcode.Hello:
        this.#onHello(connection, payload.d);
        break;
      case GatewayOpcode.Reconnect:
        logger.info("Shard {shardId}: Discord asked to reconnect (op 7)", {
          shardId: this.#shardId,
        });
        this.#connectionLost(connection, "resume", { requested: true });
        break;
      case GatewayOpcode.InvalidSession:
        this.#onInvalidSession(connection, payload.d === true);
        break;
      default:
        if (payload.s != null || payload.t != null) {
          // Numbered or named: a dispatch with a broken op, whose sequence
          // skipping it would lose. Resumed from before it, as any frame
          // that cannot be read.
          this.#undecodable(
            connection,
            new TypeError(`a frame with 't' or 's' has op ${payload.op}`),
          );
          return;
        }
        logger.warn("Shard {shardId} skipped a frame with unknown op {op}", {
          shardId: this.#shardId,
          op: payload.op,
        });
    }
  }

  /**
   * A frame that cannot be decoded may have been a dispatch: resume from the
   * last good sequence so Discord sends it again.
   */
  #undecodable(connection: Connection, cause: unknown): void {
    const session = this.#sessionId !== undefined;
    const error = new GatewayError(
      "decode",
      `Shard ${this.#shardId} received a frame it could not decode; ${
        session ? `resuming from sequence ${this.#sequence}` : "reconnecting"
      }`,
      { cause, shardId: this.#shardId },
    );
    // Before the first session, as for a failed connect: nothing else tells
    // the user why start() is still waiting (a peer that is no gateway, a
    // zstd window over maxInflatedBytes). Once: every retry fails alike.
    const show = !session && !this.#undecodableShown;
    if (show) this.#undecodableShown = true;
    (show ? visible : logger).warn("{message}: {cause}", {
      message: error.message,
      cause,
    });
    this.#emit("error", error);
    this.#connectionLost(connection, "resume");
  }

  /**
   * A frame over the JSON bound (`base/json_bounds.ts`), parsed in full: a
   * dispatch is skipped as the peeked path skips it
   * (#skipOverBound); any other frame is undecodable.
   */
  #overBound(
    connection: Connection,
    text: string,
    cause: JsonBoundError,
  ): void {
    const peek = peekedDispatch(text);
    if (peek === undefined) {
      this.#undecodable(connection, cause);
      return;
    }
    if (!this.#admitDispatch(connection, peek.t, peek.s)) return;
    this.#skipOverBound(peek.t, peek.s, text, cause);
  }

  /**
   * Skip a dispatch over the JSON bound for the listeners that parse, its
   * sequence taken, with an error on stderr naming it. Refused as
   * undecodable, it was replayed by every RESUME and refused again, for
   * ever, leaving every guild of the shard without events (a new session's
   * guild burst carries it again too).
   */
  #skipOverBound(
    name: string,
    sequence: number,
    text: string,
    cause: JsonBoundError,
  ): void {
    this.#sequence = sequence;
    // A guild's GUILD_CREATE goes on as that guild unavailable, its ID read
    // without parsing: waited for (a reshard's completion, a cache's
    // guilds), it must still come, and a cache must not take the guild's
    // old state for current.
    const guildId = name === "GUILD_CREATE"
      ? dataString(text, "id")
      : undefined;
    const stub = isSnowflake(guildId)
      ? { id: guildId, unavailable: true }
      : undefined;
    const error = new GatewayError(
      "decode",
      `Shard ${this.#shardId} skipped ${name} (sequence ${sequence}${
        stub ? `, guild ${stub.id}, handed on as unavailable` : ""
      }): ${cause.message}`,
      { cause, shardId: this.#shardId },
    );
    visible.error("{message}", { message: error.message });
    this.#emit("error", error);
    // `raw` listeners parse nothing: they get it, as on the peeked path
    // (the dispatch service publishes what it never parses).
    this.#deliver(name, sequence, text, stub, stub !== undefined);
  }

  #onHello(connection: Connection, d: unknown): void {
    let interval: number;
    try {
      interval = helloInterval(d);
    } catch (cause) {
      this.#undecodable(connection, cause);
      return;
    }
    if (connection.heartbeatInterval !== 0) return; // a second HELLO changes nothing
    connection.heartbeatInterval = interval;
    this.#limiter.setHeartbeatInterval(interval);
    this.#clearPhaseTimer(connection);
    this.#scheduleHeartbeat(connection, Math.floor(interval * this.#random()));
    if (connection.resuming) this.#resume(connection);
    else this.#identify(connection);
  }

  #resume(connection: Connection): void {
    connection.resumeSent = true;
    if (connection.target === "resume") {
      // The resume host speaks the gateway: an outage ended.
      this.#resumeUrlFailures = 0;
      this.#mainReachable = false;
    }
    this.#setStatus("resuming");
    if (!this.#current(connection)) return; // closed by a state listener
    // A RESUME the closing connection did not take says nothing about the
    // session: not counted against it (#connectionLost).
    connection.resumeSent = this.#sendPriority(connection, {
      op: GatewayOpcode.Resume,
      d: {
        token: this.#token,
        session_id: this.#sessionId!,
        seq: this.#sequence!,
      },
    });
    this.#setPhaseTimer(connection, this.#timeouts.ready, "RESUMED");
  }

  async #identify(connection: Connection): Promise<void> {
    this.#setStatus("identifying");
    // Closed by a state listener: a resumable close keeps its session.
    if (!this.#current(connection)) return;
    this.#forgetSession();
    try {
      await this.#identifyQueue.acquire(this.#shardId, connection.abort.signal);
    } catch (cause) {
      // The connection ended while waiting: its loss is handled.
      if (connection.abort.signal.aborted || !this.#current(connection)) return;
      // The queue itself failed. Nothing would ever identify on this
      // connection (heartbeats keep it open, and no READY timer runs
      // before an IDENTIFY): say so and ask again on a new connection.
      const error = new GatewayError(
        "identify_queue",
        `Shard ${this.#shardId}: the identify queue failed, so nothing was sent; reconnecting to ask it again`,
        { shardId: this.#shardId, cause },
      );
      visible.error("{message}: {cause}", { message: error.message, cause });
      this.#emit("error", error);
      this.#connectionLost(connection, "new_session");
      return;
    }
    // Still current, and still identifying: a READY that came on its own
    // while the queue held us is refused in #onDispatch, never answered
    // with an IDENTIFY on top.
    if (!this.#current(connection) || this.#status !== "identifying") return;
    const identify = this.#identifyData();
    const presence = this.#heldPresences.at(-1)?.presence ??
      this.#presenceSent;
    if (presence) identify.presence = presence;
    // Counted even when the closing connection does not take it: the
    // identify queue gave it its slot, and undercounting could spend the
    // day's session starts (the safe side).
    this.#sessionPacer.record();
    connection.identifySent = this.#sendPriority(connection, {
      op: GatewayOpcode.Identify,
      d: identify,
    });
    // IDENTIFY carried the latest presence: the ones waiting are written.
    if (connection.identifySent) this.#presencesWritten(presence);
    this.#setPhaseTimer(connection, this.#timeouts.ready, "READY");
  }

  #onInvalidSession(connection: Connection, resumable: boolean): void {
    logger.info(
      "Shard {shardId}: invalid session (op 9, resumable: {resumable})",
      {
        shardId: this.#shardId,
        resumable,
      },
    );
    if (resumable && this.#sessionId !== undefined) {
      this.#connectionLost(connection, "resume", {
        resumableInvalidSession: true,
      });
      return;
    }
    // Wait 1-5 s before identifying again, as Discord's docs ask, and longer
    // while sessions keep being invalidated (INVALID_SESSION_BACKOFF).
    this.#invalidSessions++;
    this.#connectionLost(connection, "new_session", { invalidSession: true });
  }

  #onDispatch(
    connection: Connection,
    payload: GatewayPayload,
    text: string,
  ): void {
    if (this.#beforeHello(connection)) return;
    const name = payload.t;
    if (
      (name === "READY" &&
        (!connection.identifySent || connection.readyAt !== undefined)) ||
      (name === "RESUMED" && !connection.resumeSent)
    ) {
      // Discord sends these only to answer an IDENTIFY or RESUME, once a
      // connection. Taken unasked (say, while the identify queue held ours),
      // READY made the shard send an IDENTIFY on a live session anyway,
      // then time out waiting for a second READY and drop a healthy
      // connection; a second one replaced the session and its resume URL.
      this.#undecodable(
        connection,
        new TypeError(
          connection.readyAt !== undefined && name === "READY"
            ? "a second READY came on one connection"
            : `${name} came before the shard sent ${
              name === "READY" ? "IDENTIFY" : "RESUME"
            }`,
        ),
      );
      return;
    }
    if (this.#beforeReady(connection, name)) return;
    // Gateway proxies (Gelbpunkt/gateway-proxy) send RESUMED with `s: null`:
    // it carries no event to keep, so the sequence stays as it was. Every
    // other dispatch needs its own.
    // A RESUMED numbered as the last event replayed is the same answer:
    // taken as an old sequence, it was dropped and the RESUME failed at its
    // timeout. One numbered below it is not: it is an earlier RESUME's
    // answer in the replay's overlap, dropped as old like any other there
    // (taken, one RESUME gave two RESUMED and "ready" mid-replay). Nor are
    // the first ones above it while RESUMEs went unanswered: an earlier
    // RESUME's answer replayed with the backlog, delivered as a replayed
    // event, the shard still resuming (#unansweredResumes).
    const old = name === "RESUMED" && isSequence(payload.s) &&
      this.#sequence !== null &&
      (payload.s < this.#sequence ||
        (payload.s > this.#sequence && this.#unansweredResumes > 0));
    const unnumbered = name === "RESUMED" &&
      (payload.s === null || payload.s === this.#sequence);
    const sequence = unnumbered ? this.#sequence : payload.s;
    if (!isSequence(sequence) || typeof name !== "string") {
      this.#undecodable(
        connection,
        new TypeError(
          `A dispatch needs 's' (a non-negative integer) and 't' (a string): current values 's=${
            describeValue(payload.s)
          }', 't=${describeValue(name)}'`,
        ),
      );
      return;
    }
    // An unnumbered RESUMED answers the RESUME once: a repeat, or an old
    // one once answered, changes nothing (and is no sign of a gateway going
    // backwards).
    if ((unnumbered || old) && this.#status !== "resuming") return;
    let ready: ReadyFields | undefined;
    if (name === "READY") {
      try {
        ready = readyFields(payload.d);
      } catch (cause) {
        this.#undecodable(connection, cause);
        return;
      }
    }
    if (!unnumbered) {
      if (!this.#acceptSequence(connection, sequence)) return;
      this.#replayProgressed(connection);
    }
    // While parsing first, check whether peeking would pay again on a sample
    // of the stream only: the check costs a lookup per dispatch.
    if (
      this.#wantsAll === 0 &&
      (this.#parsedSinceSample++ & (PEEK_SAMPLE_PERIOD - 1)) < PEEK_SAMPLE_SIZE
    ) {
      this.#sample(this.#wanted.has(name));
    }
    this.#sequence = sequence;
    if (ready !== undefined) {
      this.#sessionId = ready.sessionId;
      this.#resumeUrl = this.#usableResumeUrl(ready.resumeUrl, "READY");
      this.#resumeUrlFailures = 0;
      this.#mainReachable = false;
      this.#becomeReady(connection);
    } else if (name === "RESUMED") {
      if (old) {
        this.#unansweredResumes--;
        this.#fallBackToAnswer(connection);
      } else this.#becomeReady(connection);
    }
    // A state listener that closed the shard on "ready" ends delivery too;
    // one that paused it does not: the RESUME starts after this sequence.
    if (!this.#current(connection) && this.#pauses.size === 0) return;
    this.#deliver(name, sequence, text, payload.d, true);
  }

  /**
   * A dispatch before HELLO breaks the protocol (Discord sends HELLO first,
   * and READY/RESUMED only answer an IDENTIFY/RESUME sent after it). Taken
   * as it came, a READY or RESUMED would make the shard `ready` with no
   * heartbeat and a zero interval, so that an op 7 after it looked like a
   * healthy session's and reconnected at once, forever: it is a `decode`
   * error instead (a failed attempt, with backoff).
   */
  #beforeHello(connection: Connection): boolean {
    if (connection.heartbeatInterval !== 0) return false;
    this.#undecodable(
      connection,
      new TypeError("A dispatch arrived before HELLO"),
    );
    return true;
  }

  /**
   * A new session's first dispatch is its READY: another one before it
   * breaks the protocol. Taken, it set the sequence, the READY after it
   * was dropped as old, and the shard timed out waiting for the READY it
   * had (spending another IDENTIFY): it is a `decode` error instead.
   */
  #beforeReady(connection: Connection, name: unknown): boolean {
    if (this.#status !== "identifying" || name === "READY") return false;
    this.#undecodable(
      connection,
      new TypeError(
        `A ${describeValue(name)} dispatch came before the session's READY`,
      ),
    );
    return true;
  }

  /**
   * Whether a dispatch read without parsing is taken: after HELLO, after
   * the session's READY, its sequence above the last (a replay's progress
   * noted); each refusal says why.
   */
  #admitDispatch(
    connection: Connection,
    name: string,
    sequence: number,
  ): boolean {
    if (this.#beforeHello(connection)) return false;
    if (this.#beforeReady(connection, name)) return false;
    if (!this.#acceptSequence(connection, sequence)) return false;
    this.#replayProgressed(connection);
    return true;
  }

  /** A dispatch read by {@linkcode peekFrame}: parsed only if wanted. */
  #onPeekedDispatch(
    connection: Connection,
    text: string,
    name: string,
    sequence: number,
  ): void {
    if (!this.#admitDispatch(connection, name, sequence)) return;
    const wanted = this.#wanted.has(name);
    this.#sample(wanted);
    let data: unknown;
    if (wanted) {
      let payload: GatewayPayload;
      try {
        payload = parseBoundedJson(text, "frame") as GatewayPayload;
      } catch (cause) {
        if (cause instanceof JsonBoundError) {
          this.#skipOverBound(name, sequence, text, cause);
        } else this.#undecodable(connection, cause);
        return;
      }
      if (
        payload.s !== sequence || payload.t !== name ||
        payload.op !== GatewayOpcode.Dispatch
      ) {
        // A key repeated where the peek does not look: the frame means
        // different things to different readers (as the parsed path, which
        // reads the last copy, would take it).
        this.#undecodable(
          connection,
          new TypeError(
            "The frame repeats 'op', 's' or 't' with different values",
          ),
        );
        return;
      }
      data = payload.d;
    }
    this.#sequence = sequence;
    this.#deliver(name, sequence, text, data, wanted);
  }

  /**
   * A replay in progress: the RESUMED deadline counts from the last
   * replayed event, not from the RESUME, whether the event was parsed or
   * peeked. A large backlog over a slow link is not a failed RESUME (three
   * of those start a new session and lose the rest of the backlog).
   */
  #replayProgressed(connection: Connection): void {
    if (this.#status === "resuming") {
      connection.replayed = true;
      this.#setPhaseTimer(connection, this.#timeouts.ready, "RESUMED");
    }
  }

  /** Count wanted dispatches; every sample decides whether peeking pays. */
  #sample(wanted: boolean): void {
    if (!wanted) this.#sampledUnwanted++;
    if (++this.#sampled < PEEK_SAMPLE_SIZE) return;
    this.#peekFirst =
      this.#sampledUnwanted >= this.#sampled * PEEK_MIN_UNWANTED_SHARE;
    this.#sampled = 0;
    this.#sampledUnwanted = 0;
  }

  /**
   * Whether a dispatch's sequence is new within the session. One not above
   * the last was seen already (a replay overlap, or a server going
   * backwards): dropped and logged. One more than a step ahead means events
   * were skipped: delivered, logged and counted in `sequenceSkips`.
   */
  #acceptSequence(connection: Connection, sequence: number): boolean {
    const last = this.#sequence;
    if (last === null) return true;
    if (sequence <= last) {
      // In a replay (resuming) an overlap is expected; anywhere else the
      // gateway (or a proxy renumbering events) went backwards, and a jump
      // far ahead before it would drop every later event unseen: said
      // once a connection, visible.
      const values = { shardId: this.#shardId, sequence, last };
      if (this.#status !== "resuming" && !connection.backwardsSaid) {
        connection.backwardsSaid = true;
        visible.warn(
          "Shard {shardId} dropped sequence {sequence}, not above the last one {last}, outside a replay: the gateway (or a proxy renumbering events) went backwards; later events are dropped until one is above {last}",
          values,
        );
      } else {
        logger.info(
          "Shard {shardId} dropped sequence {sequence}, not above the last one {last}",
          values,
        );
      }
      return false;
    }
    if (sequence > last + 1) {
      this.#sequenceSkips++;
      logger.warn(
        "Shard {shardId}: sequence jumped from {last} to {sequence}; {missing} event(s) never arrived",
        {
          shardId: this.#shardId,
          sequence,
          last,
          missing: sequence - last - 1,
        },
      );
    }
    return true;
  }

  #deliver(
    name: string,
    sequence: number,
    text: string,
    data: unknown,
    parsed: boolean,
  ): void {
    if (this.#listeners.raw.size > 0) {
      this.#emit("raw", { shardId: this.#shardId, name, sequence, text });
    }
    if (!parsed) return;
    // Typed listeners are promised Discord's object (RESUMED's may be
    // null): a peer's `d` of null, 5 or a list reached them as one.
    if (!isRecord(data) && name !== "RESUMED") {
      const error = new GatewayError(
        "decode",
        `Shard ${this.#shardId} skipped ${name} (sequence ${sequence}): its data is ${
          describeValue(data)
        }, not an object`,
        { shardId: this.#shardId },
      );
      visible.error("{message}", { message: error.message });
      return void this.#emit("error", error);
    }
    const event: ShardDispatch = {
      shardId: this.#shardId,
      name,
      sequence,
      data,
      size: text.length,
    };
    // One removed while the loop runs is not called.
    const listeners = this.#listeners.dispatch;
    for (const listener of this.#listenerList("dispatch")) {
      if (!listeners.has(listener)) continue;
      const filter = this.#dispatchFilters.get(listener);
      if (filter !== undefined && !filter.has(name)) continue;
      callListener(listener, event, dispatchListenerFailed);
    }
  }

  /**
   * Whether `connection` stayed ready long enough to count as healthy: its
   * loss is no quick drop, and it ended the outage before it. Shorter, it
   * counts as a failed attempt (see #connectionLost).
   */
  #stayedUp(connection: Connection): boolean {
    return connection.readyAt !== undefined &&
      this.#scheduler.now() - connection.readyAt >= Math.max(
          connection.heartbeatInterval * HEALTHY_AFTER_HEARTBEATS,
          MIN_HEALTHY_UPTIME,
        );
  }

  /**
   * A connection was lost: once the shard has not stayed connected for
   * {@linkcode LONG_OUTAGE_MS}, say so (once), with or without a session
   * (before the first, start() is what waits). A timer says it when no
   * loss comes then: a reconnect wait is up to a minute.
   */
  #sayLongOutage(connection: Connection): void {
    // One that stayed up, a heartbeat answered, ended the outage; a
    // zombie that stayed open without one goes on with it. One lost after
    // it stayed up, every heartbeat answered but none since (op 7 twice a
    // minute apart), ended it too: a zombie's loss is a missed ACK.
    if (
      connection.answeredUp ||
      (this.#stayedUp(connection) && connection.heartbeatsAnswered > 0 &&
        connection.heartbeatsAnswered === connection.heartbeatsSent)
    ) this.#outageOver(connection);
    const now = this.#scheduler.now();
    this.#downSince ??= now;
    if (this.#outageSaid) return;
    const left = this.#downSince + LONG_OUTAGE_MS - now;
    if (left <= 0) return this.#sayOutage();
    this.#outageTimer ??= this.#scheduler.setTimeout(() => {
      this.#outageTimer = undefined;
      // Paused on purpose, or maybe back for good (a loss soon says it).
      if (this.#pauses.size > 0 || this.#connection?.readyAt !== undefined) {
        return;
      }
      // No attempt failed yet (op 9 is an answer): the shard waits its turn
      // in the identify queue (every shard re-identifying after a mass op 9,
      // or after a gateway restart ended the sessions), no outage.
      if (!this.#outageFailed && this.#outageFlaps === 0) return;
      if (this.#downSince !== undefined && !this.#outageSaid) {
        this.#sayOutage();
      }
    }, left);
  }

  #sayOutage(): void {
    const now = this.#scheduler.now();
    this.#outageSaid = true;
    const seconds = Math.round((now - this.#downSince!) / 1000);
    if (this.#outageFlaps > 0) {
      // It reaches the gateway: a close right after each RESUMED.
      visible.warn(
        "Shard {shardId} has not stayed connected for {seconds} s (connections lost soon after READY or RESUMED: {flaps}); still trying",
        { shardId: this.#shardId, seconds, flaps: this.#outageFlaps },
      );
      return;
    }
    if (this.#sessionId === undefined) {
      // No session to lose; start() (or the shard's events) waits for one.
      visible.warn(
        "Shard {shardId} has not started a session for {seconds} s (the last attempt: {failure}); still trying",
        {
          shardId: this.#shardId,
          seconds,
          failure: this.#lastFailure ?? "no READY",
        },
      );
      return;
    }
    visible.warn(
      "Shard {shardId} has not reached the gateway for {seconds} s (the last attempt: {failure}); still trying. Discord keeps a session resumable only for a short while: the events of one it ended are lost",
      {
        shardId: this.#shardId,
        seconds,
        failure: this.#lastFailure ?? "no READY or RESUMED",
      },
    );
  }

  /**
   * `connection` stayed up (#stayedUp): the outage is over, said as the
   * end of its warning, if that was said, with whether the events meanwhile
   * came (a RESUME replays them) or are lost with the session.
   */
  #outageOver(connection: Connection): void {
    if (this.#outageSaid) {
      visible.info(
        "Shard {shardId} is connected again after {seconds} s {how}",
        {
          shardId: this.#shardId,
          seconds: Math.round((connection.readyAt! - this.#downSince!) / 1000),
          how: this.#outageLostSession
            ? "(new session: the events meanwhile are lost)"
            : connection.resuming
            ? "(resumed)"
            : "(new session)",
        },
      );
    }
    this.#forgetOutage();
  }

  #forgetOutage(): void {
    this.#clearOutageTimer();
    this.#downSince = undefined;
    this.#lastFailure = undefined;
    this.#outageSaid = false;
    this.#outageFlaps = 0;
    this.#outageLostSession = false;
    this.#outageFailed = false;
  }

  #clearOutageTimer(): void {
    if (this.#outageTimer === undefined) return;
    this.#scheduler.clearTimeout(this.#outageTimer);
    this.#outageTimer = undefined;
  }

  /**
   * A replayed RESUMED was taken as an earlier RESUME's, not this one's
   * answer: that holds only while Discord replays the RESUMED of a RESUME
   * cut off mid-replay, which its docs do not say. Should it not, the real
   * answer was just taken for an old one, and a busy shard, whose frames
   * keep pushing the RESUMED deadline back, would stay resuming for good
   * (its commands held). No RESUMED within the READY timeout after it:
   * that one was the answer. A long replay past that goes ready before its
   * end, as it did before the count.
   */
  #fallBackToAnswer(connection: Connection): void {
    if (connection.answerFallback !== undefined) {
      this.#scheduler.clearTimeout(connection.answerFallback);
    }
    connection.answerFallback = this.#scheduler.setTimeout(() => {
      connection.answerFallback = undefined;
      if (!this.#current(connection) || this.#status !== "resuming") return;
      logger.warn(
        "Shard {shardId}: no RESUMED came within {ms} ms after one replayed from an earlier RESUME; taking that one as this RESUME's answer",
        { shardId: this.#shardId, ms: this.#timeouts.ready },
      );
      this.#unansweredResumes = 0;
      this.#becomeReady(connection);
    }, this.#timeouts.ready);
  }

  #becomeReady(connection: Connection): void {
    if (connection.answerFallback !== undefined) {
      this.#scheduler.clearTimeout(connection.answerFallback);
      connection.answerFallback = undefined;
    }
    // Over once it stays up (#outageOver): many a gateway in trouble
    // closes each session right after it.
    if (this.#downSince !== undefined && connection.readyAt === undefined) {
      this.#outageFlaps++;
    }
    this.#clearPhaseTimer(connection);
    this.#undecodableShown = false;
    // Quick drops are counted until a connection stays up (#connectionLost).
    connection.readyAt ??= this.#scheduler.now();
    this.#failedAttempts = 0;
    this.#invalidSessions = 0;
    this.#failedResumes = 0;
    // Every RESUMED buffered before this answer came before it.
    this.#unansweredResumes = 0;
    this.#setStatus("ready");
    if (!this.#current(connection)) return; // closed by a state listener
    this.#settleReady();
    // Any wait pending was computed for the previous connection's window.
    this.#pump();
  }

  // ----------------------------------------------------------------- outbound

  /** The next heartbeat tick, `delay` ms from now. */
  #scheduleHeartbeat(connection: Connection, delay: number): void {
    const due = this.#scheduler.now() + delay;
    connection.heartbeatTimer = this.#scheduler.setTimeout(
      () => this.#heartbeatTick(connection, due),
      delay,
    );
  }

  /**
   * A heartbeat is due: send it, unless nothing came since the last one
   * (a zombie). `due`: when the tick was meant to run; `undefined` for one
   * a blocked loop already deferred, which decides now.
   */
  #heartbeatTick(connection: Connection, due: number | undefined): void {
    connection.heartbeatTimer = undefined;
    if (!this.#current(connection)) return;
    if (connection.heardSinceHeartbeat) {
      connection.lastFrameAt = this.#scheduler.now();
    } else if (
      connection.heartbeatsSent > 0 && !this.#frameOnItsWay(connection)
    ) {
      // The ACK may wait unread in the socket: the runtime runs an overdue
      // timer before it reads what came while the loop was busy. The whole
      // tick waits, heartbeat included, a quarter second when it ran late:
      // sent first, the old ACK read after it would pass for a
      // sign of life in the new interval and hide a connection that died
      // meanwhile for one interval more (and Discord's rule is an ACK
      // between two heartbeats sent).
      const grace = due === undefined ? 0 : this.#lateVerdict(due, "heartbeat");
      if (grace > 0) {
        connection.heartbeatTimer = this.#scheduler.setTimeout(
          () => this.#heartbeatTick(connection, undefined),
          grace,
        );
        return;
      }
      logger.warn(
        "Shard {shardId}: nothing received since the last heartbeat, the connection is a zombie; resuming",
        { shardId: this.#shardId },
      );
      this.#connectionLost(connection, "resume");
      return;
    }
    // Only the shard's own heartbeats start a new interval of listening: one
    // Discord asked for just before this tick, its ACK still on the way,
    // would otherwise make a healthy connection look like a zombie.
    connection.heardSinceHeartbeat = false;
    connection.bytesSinceHeartbeat = false;
    this.#sendHeartbeat(connection);
    this.#scheduleHeartbeat(connection, connection.heartbeatInterval);
  }

  /**
   * How long a timer due at `due` that is about to judge something did not
   * come waits first: {@linkcode LATE_VERDICT_GRACE_MS} when it runs late
   * at all, 0 when exactly on time (a virtual clock's). Lateness alone does
   * not tell how long the loop was busy: a 4 s block that began 3 s before
   * the timer was due leaves it only 1 s late, with the answer that came
   * during the block still unread; these verdicts are rare, and a quarter
   * second costs them nothing. A timer run blocked-loop late is also said,
   * as the fleet says it: the operator learns the loop was blocked.
   */
  #lateVerdict(due: number, timer: string): number {
    const now = this.#scheduler.now();
    if (now <= due) return 0;
    const blocked = blockedLoopMs(due, now);
    if (blocked === 0) return LATE_VERDICT_GRACE_MS;
    visible.warn(
      "Shard {shardId}: this process's event loop was blocked for at least {blocked} ms, or the process was paused (SIGSTOP, a VM pause; a handler doing synchronous work blocks it too: move that to a worker or await between parts): its {timer} ran late; deciding in {grace} ms, once what arrived meanwhile is read",
      { shardId: this.#shardId, blocked, timer, grace: LATE_VERDICT_GRACE_MS },
    );
    return LATE_VERDICT_GRACE_MS;
  }

  /**
   * Nothing whole arrived in a heartbeat interval, but bytes did: a frame
   * larger than the link carries in one (a big GUILD_CREATE on a slow link)
   * is on its way, and dropping the connection would drop it too, over and
   * over as the RESUME replays it. Only for {@linkcode MAX_FRAME_TRANSFER}
   * since the last whole frame: a peer that drips bytes without ever
   * finishing a frame is a zombie after that.
   */
  #frameOnItsWay(connection: Connection): boolean {
    if (!connection.bytesSinceHeartbeat) return false;
    const waited = this.#scheduler.now() - connection.lastFrameAt;
    if (waited >= MAX_FRAME_TRANSFER) return false;
    logger.debug(
      "Shard {shardId}: no whole frame for {ms} ms, but bytes arrive: a large frame on its way",
      { shardId: this.#shardId, ms: waited },
    );
    return true;
  }

  #sendHeartbeat(connection: Connection): void {
    const payload = { op: GatewayOpcode.Heartbeat, d: this.#sequence };
    // Counted even when not taken (the connection is closing): the zombie
    // check needs a heartbeat sent, and a socket stuck closing whose close
    // never comes must still end as a zombie. No ACK is waited for then.
    connection.heartbeatsSent++;
    if (!this.#sendPriority(connection, payload)) return;
    connection.acks.sent(this.#scheduler.now());
  }

  /**
   * Heartbeat, IDENTIFY and RESUME: never delayed, counted when written.
   *
   * @returns Whether the socket took it (`false`: the connection closes).
   */
  #sendPriority(connection: Connection, payload: GatewayPayload): boolean {
    if (connection.socket.send(JSON.stringify(payload)) === false) return false;
    this.#limiter.record();
    return true;
  }

  /**
   * Write queued commands, in the order they were sent, while ready and the
   * limiter allows. A presence update held by its own pace (5 per 20 s)
   * lets the commands sent after it go first.
   *
   * To a socket that reports `bufferedAmount`, one command at a time,
   * counted once flushed: the limiter counts frames as written and Discord
   * as they arrive, and a burst written at once, held in the socket by an
   * event loop blocked in a handler for 5 s, was counted 5 s before it
   * arrived; the next went 62 s after the count, both in Discord's 60 s
   * (4008, and the commands resolved as written lost). Counting at the
   * flush (not a per-frame callback, which `send()` could not take without
   * breaking custom transports) puts the block before the count and the
   * later commands. Heartbeats, IDENTIFY and RESUME never wait for this.
   */
  #pump(): void {
    // Computed again on every call: a wait for the presence pace must not
    // hold back a command sent meanwhile.
    if (this.#pumpTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#pumpTimer);
      this.#pumpTimer = undefined;
    }
    for (;;) {
      const connection = this.#connection;
      if (this.#status !== "ready" || !connection) return;
      const unflushed = this.#unflushedOn;
      if (unflushed !== undefined) {
        if (
          unflushed === connection &&
          (connection.socket.bufferedAmount ?? 0) > 0
        ) {
          // Checked again at the drain, or (no drain event) at the next
          // turn, then every DRAIN_POLL_MS.
          const delay = this.#drainPolled ? DRAIN_POLL_MS : 0;
          this.#pumpTimer = this.#scheduler.setTimeout(() => {
            this.#pumpTimer = undefined;
            this.#drainPolled = true;
            this.#pump();
          }, delay);
          return;
        }
        this.#unflushedOn = undefined;
        this.#drainPolled = false;
        // A connection since had its own, reset, count.
        if (unflushed === connection) this.#limiter.record();
      }
      const held = this.#heldPresences;
      const latest = held.at(-1);
      const presenceWait = latest ? this.#presencePacer.delay() : 0;
      const head = this.#queue[0];
      // In the first one's place: a presence refreshed more often than a
      // backlog drains would otherwise never reach the front.
      const presenceFirst = latest !== undefined && presenceWait === 0 &&
        (head === undefined || held[0]!.order < head.order);
      const command = presenceFirst ? latest : head;
      const wait = command === undefined
        ? presenceWait
        : this.#limiter.delayForCommand();
      if (wait > 0) {
        this.#pumpTimer = this.#scheduler.setTimeout(() => {
          this.#pumpTimer = undefined;
          this.#pump();
        }, wait);
        return;
      }
      if (command === undefined) return;
      // Not taken: the close frame is in and `onClose` not yet called (a
      // round trip, up to CLOSE_TIMEOUT_MS). It stays queued, or held, for
      // the READY or RESUMED of the next connection, unresolved till then.
      if (connection.socket.send(command.frame) === false) return;
      if (presenceFirst) this.#presencePacer.record();
      else this.#queue.shift();
      if (connection.socket.bufferedAmount === undefined) {
        this.#limiter.record();
      } else this.#unflushedOn = connection;
      if (presenceFirst) this.#presencesWritten(latest.presence);
      else command.resolve();
    }
  }

  /**
   * The presence updates waiting were written as `presence` (by op 3, or
   * carried by IDENTIFY): the latest known to Discord, and each settled.
   */
  #presencesWritten(presence: UpdatePresenceData | undefined): void {
    const held = this.#heldPresences;
    this.#heldPresences = [];
    this.#presenceSent = presence;
    for (const each of held) each.resolve();
  }

  /** The listeners of `event` to loop over (see #listenerLists). */
  #listenerList<K extends keyof ShardEventMap>(
    event: K,
  ): readonly ShardListener<ShardEventMap[K]>[] {
    const lists = this.#listenerLists as {
      [P in K]?: readonly ShardListener<ShardEventMap[P]>[];
    };
    const set = this.#listeners[event] as Set<ShardListener<ShardEventMap[K]>>;
    return lists[event] ??= [...set];
  }

  #emit<K extends keyof ShardEventMap>(
    event: K,
    value: ShardEventMap[K],
  ): void {
    const listeners = this.#listeners[event];
    for (const listener of this.#listenerList(event)) {
      if (!listeners.has(listener)) continue;
      callListener(
        listener as ShardListener<ShardEventMap[K]>,
        value,
        (error) =>
          visible.error("A shard {event} listener threw: {error}", {
            event,
            error,
          }),
      );
    }
  }
}

/**
 * Add the version, encoding and compression to a gateway URL. A fragment is
 * dropped: it is never sent, and the runtime's `WebSocket` refuses to open a
 * URL that has one.
 */
function gatewayQuery(base: string, compress: TransportCompression): string {
  const url = new URL(base);
  url.hash = "";
  url.searchParams.set("v", String(GATEWAY_VERSION));
  url.searchParams.set("encoding", "json");
  if (compress === "none") url.searchParams.delete("compress");
  else url.searchParams.set("compress", compress);
  return url.href;
}

function defaultProperties(): IdentifyProperties {
  return { os: runtimeOs(), browser: "disruption", device: "disruption" };
}

/** The longest `Retry-After` on a refused upgrade the shard waits (10 min). */
const MAX_CONNECT_RETRY_AFTER = 600_000;
/**
 * How long, in ms, a shard may fail to connect (a session, or its first) before
 * it says so on stderr: a minute, past the blips it rides out unseen.
 */
const LONG_OUTAGE_MS = 60_000;
