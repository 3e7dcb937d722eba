/**
 * {@linkcode DispatchService}: the standalone gateway process. It runs this
 * process's shards, publishes every dispatch to RabbitMQ (exchange
 * `gateway`, routing key = event name) with confirms and in order, takes
 * gateway commands from `gateway.send`, keeps sessions, statuses and the
 * state cache in Redis with twilight-dispatch's keys, serves Prometheus
 * metrics, and resumes its sessions after a restart.
 *
 * Nothing is lost to a broker outage: events wait in a bounded buffer; when
 * it is full the shards close resumably (Discord keeps their events) and
 * RESUME once it has room. Discord keeps them only briefly: a shard paused
 * for a minute is said, and a RESUME refused (a new session) is said with
 * the sequence after which events are lost (`session_watch.ts`). A session's sequence is saved only once every
 * event up to it was confirmed, so a crash resumes from an event the broker
 * has; a new session is saved at its READY's sequence at once (the old one
 * cannot be resumed, and a RESUME replays the new one's events), its shard
 * counted stale in `dispatch_cache_stale` until the cache applied that READY.
 *
 * Why one file of over 800 lines, for now: it arrived whole with the
 * dispatch service, and the broker, the Redis persistence and the shards
 * share the service's state (the paused shards, the confirmed sequences).
 * The commands of `gateway.send` are run in `command_handler.ts`, what the
 * start reads from Redis in `start_reads.ts`. What would cut cleanly still:
 * the session and status saves to Redis (`#save`) and the metrics server,
 * each in its own module beside `publisher.ts` and `metrics.ts`.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { AMQPClient } from "@cloudamqp/amqp-client";
import { RestClient } from "../rest/rest_client.ts";
import { checkGatewayBot } from "../handler/gateway_bot_check.ts";
import {
  realScheduler,
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";
import { ShardManager } from "../gateway/shard_manager.ts";
import { botIdOfToken } from "../base/bot_token.ts";
import type { Shard, ShardStateChange } from "../gateway/shard.ts";
import type { ShardStatus } from "../gateway/shard_state.ts";
import { MetricsServer } from "./metrics_server.ts";
import { metricsBindError } from "./metrics_bind_error.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../redis/connection.ts";
import { RedisSessionStore } from "../redis/session_store.ts";
import type { SavedSession } from "../gateway/saved_session.ts";
import { RedisCache } from "../cache/redis_store.ts";
import { twilightTimestamp } from "../cache/redis_expiry.ts";
import { cacheIntentWarnings, type CacheResource } from "../cache/resources.ts";
import {
  ConfigError,
  type DispatchConfig,
  identifyPace,
  ignoredStateSettings,
  redisUrl,
  startingPresence,
  urlHostPort,
  withHiddenSecrets,
} from "./config.ts";
import { ConfirmedPublisher, type PendingEvent } from "./publisher.ts";
import { CommandConsumer } from "./command_consumer.ts";
import { CommandHandler } from "./command_handler.ts";
import { bindToEveryEvent } from "./_bound_queue.ts";
import { sayUndrained } from "./_undrained.ts";
import { DefaultQueueWatch } from "./default_queue_watch.ts";
import { redisPasswordHint } from "./credentials_refused.ts";
import { watchRedisRestarts } from "./redis_restarts.ts";
import { DispatchMetrics } from "./metrics.ts";
import { sharedIdentifyQueue, untilRedis } from "./_shared_identify.ts";
import { SessionWatch } from "./session_watch.ts";
import { StatusLog } from "./status_log.ts";
import { saveStatuses } from "./status_store.ts";
import { countState } from "./state_counts.ts";
import { EventNames } from "./event_name.ts";
import { GUILD_EVENTS, GuildJoins } from "./guild_joins.ts";
import { errorText } from "../base/error_text.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  CONNECTED_STATUSES,
  SHARD_STATUSES,
  STAGE_EVENTS,
} from "./_shard_status_sets.ts";
import {
  loadStaleShardIds,
  loadUsableSessions,
  StartReads,
} from "./start_reads.ts";
import { otherBotSessions } from "../gateway/_session_identity.ts";

const logger = getLogger(["disruption", "dispatch"]);
const visible = getVisibleLogger(["disruption", "dispatch"]);

export { parseCommand, type ServiceCommand } from "./command_handler.ts";

/** The exchange every event is published to. */
export const EXCHANGE = "gateway";
/** The queue bound to every event with `DEFAULT_QUEUE`. */
export const RECV_QUEUE = "gateway.recv";
/** The queue commands are read from. */
export const SEND_QUEUE = "gateway.send";
/** Redis keys, as twilight-dispatch names them. */
export const REDIS_KEYS = {
  sessions: "gateway_sessions",
  statuses: "gateway_statuses",
  started: "gateway_started",
  shards: "gateway_shards",
  /**
   * An addition: the set of shard ids whose cached state awaits a new
   * session (the cache is stale for them), kept so that a restart that
   * resumes them still says so.
   */
  cacheStale: "dispatch_cache_stale",
  /**
   * An addition: the prefix of the identify queue the processes of the bot
   * share (`RedisIdentifyQueue`'s keys, `dispatch_identify:budget` and
   * others), so that they pace IDENTIFY and spend the daily budget as one.
   */
  identify: "dispatch_identify",
} as const;

/** One shard's entry in `gateway_sessions`. */
export interface StoredSession {
  /** The session ID. */
  session_id: string;
  /** The last sequence every event up to which RabbitMQ confirmed. */
  sequence: number;
  /** READY's `resume_gateway_url` (an addition). */
  resume_url?: string | undefined;
  /** The shard count it was identified with (an addition). */
  shard_count?: number;
  /** When it was saved, in ms since the epoch (an addition). */
  saved_at?: number;
}

/** One entry of `gateway_statuses`. */
export interface StoredStatus {
  /** The shard. */
  shard: number;
  /** Its status (`ready`, `resuming`, `closed`, ...). */
  status: string;
  /** Heartbeat round trip in ms (0 before the first ACK). */
  latency: number;
  /**
   * When the last ACK's round trip was measured, as twilight-dispatch writes
   * it: UTC, `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn`, no zone.
   */
  last_ack: string;
}

/** How long the cache may take to give `old` before the event goes without. */
const OLD_TIMEOUT = 1_000;
/** How often sessions and statuses are saved. */
const SAVE_INTERVAL = 1_000;
/** How long a shutdown waits for the broker to confirm what is buffered. */
const DRAIN_TIMEOUT = 10_000;
/** How long a shutdown waits for the last session save. */
const SHUTDOWN_SAVE_TIMEOUT = 5_000;
/**
 * How long a session save may take before it is said on stderr (once per
 * outage): a Redis that stops answering keeps its connection `ready`, and
 * nothing else would tell.
 */
export const SAVE_STALL_TIMEOUT = 5_000;
/**
 * How long `GET /metrics` waits for Redis's state counts; the `state_*`
 * gauges keep their last values when it does not answer in time.
 */
export const STATE_COUNT_TIMEOUT = 1_000;
/**
 * How long a shutdown waits for the status and guild logs' last posts. A
 * slow Discord would otherwise hold the exit for minutes (20 posts of up to
 * 15 s each), and the saved sessions would be too old to resume by then.
 */
const LOG_FLUSH_TIMEOUT = 3_000;

interface Confirmed {
  sessionId: string | undefined;
  sequence: number;
}

/** Seams for tests and embedding. */
export interface DispatchServiceOptions {
  /** The `fetch` REST requests go through. */
  fetch?: typeof fetch;
  /**
   * The clock every wait and timestamp runs on. Any other than the real one
   * (a test's virtual clock) also decides the shared identify queue's times
   * instead of Redis's `TIME`: every process sharing the Redis must then
   * share it.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/** The dispatch service: start it, and close it on a signal. */
export class DispatchService {
  /**
   * The configuration it runs with: a copy of the one given, whose
   * `Deno.inspect` output shows no token or password.
   */
  readonly config: DispatchConfig;
  /** The bot of its token, if the token names one: its sessions record it. */
  readonly #botId: string | undefined;
  /** Its metrics, served on `GET /metrics`. */
  readonly #metrics: DispatchMetrics = new DispatchMetrics();
  readonly #rest: RestClient;
  #manager: ShardManager | undefined;
  #publisher: ConfirmedPublisher | undefined;
  #commands: CommandConsumer | undefined;
  readonly #commandHandler: CommandHandler;
  #redis: RedisConnection | undefined;
  /** `gateway_sessions`, through the one implementation of its layout. */
  #sessions: RedisSessionStore | undefined;
  /**
   * The start could not read the saved sessions: the first save reads
   * them first, so another bot's are not saved over.
   */
  #sessionsUnread = false;
  /**
   * Redis holds another bot's sessions, found after the start: nothing is
   * saved (its sessions, shards, statuses, start and stale shards are its
   * own process's to write), as the manager writes nothing then.
   */
  #otherBotSessions = false;
  #cache: RedisCache | undefined;
  #statusLog: StatusLog | undefined;
  #guildLog: StatusLog | undefined;
  #server: MetricsServer | undefined;
  /** Says when `gateway.recv` fills up unread (with `DEFAULT_QUEUE`). */
  #queueWatch: DefaultQueueWatch | undefined;
  readonly #scheduler: Scheduler;
  #saveTimer: TimerId | undefined;
  #redisRetry: TimerId | undefined;
  /** Whether the shards were started (a cache created later missed them). */
  #shardsStarted = false;
  /** `gateway_started`'s value: when the shards started (written once). */
  #startedValue: string | undefined;
  /** `gateway_started` waits for the unread sessions' check (see the save). */
  #startedHeld = false;
  /**
   * The shards {@linkcode REDIS_KEYS.cacheStale} holds for this process, as
   * last written (undefined: not yet written this run).
   */
  #persistedStale: Set<number> | undefined;
  /**
   * Shards whose new session (the id) is saved, or may be, before the cache
   * applied its READY (shard 0's chunked DM drop takes seconds): they count
   * as stale in {@linkcode REDIS_KEYS.cacheStale} until that apply ends
   * fresh for them, so a process ended meanwhile, whose successor RESUMEs
   * past the READY, leaves the cache stale for them rather than half done.
   */
  readonly #readyUnapplied = new Map<number, string>();
  #shardCount = 0;
  #shardIds: number[] = [];
  readonly #confirmed = new Map<number, Confirmed>();
  /**
   * Shards paused (`Shard.pause`) because the buffer was full, each with
   * what ends its pause (`undefined` for the microtask before it applies).
   */
  readonly #paused = new Map<number, (() => void) | undefined>();
  /**
   * Per shard, the event whose body waits for `old`: the raw listener
   * leaves it here and the dispatch listener, called right after it for the
   * same dispatch, takes it.
   */
  readonly #awaitingOld = new Map<
    number,
    { pending: PendingEvent; frame: string }
  >();
  /** `gateway_events` per shard and event, looked up once (a hot path). */
  readonly #eventCounters = new Map<string, { inc(): void }>();
  /** Event names as labels and routing keys. */
  readonly #names = new EventNames(this.#metrics.unroutable);
  /** Guilds joined and left, for gateway_guild_events and the guild log. */
  readonly #guildJoins = new GuildJoins(() => this.#scheduler.now());
  #closing = false;
  /** Whether `start()` is running (a close then stops it). */
  #starting = false;
  /** The first `start()`'s promise, which every later call returns. */
  #started: Promise<void> | undefined;
  /** The first `close()`'s promise, which every later call returns. */
  #closed: Promise<void> | undefined;
  /**
   * Aborted by `close()`: a start waiting on Redis stops waiting at once,
   * rather than going on to connect the shards once the wait ends.
   */
  readonly #closeSignal = new AbortController();
  /** The start's waits on Redis: bounded, and ended by `close()`. */
  readonly #startReads: StartReads;
  /** The save in flight, if any; a tick while one is pending is skipped. */
  #saving: Promise<void> | undefined;
  /** The expiry sweep in flight, if any. */
  #sweeping: Promise<unknown> | undefined;
  /** A save was asked for while one was in flight. */
  #saveAgain = false;
  /** Whether the last save reached Redis (none has yet: `false`). */
  #lastSaveOk = false;
  /** The sessions the last save that reached Redis wrote. */
  #lastSavedSessions = 0;
  /** A save stalled (said once), and none has succeeded since. */
  #saveStalled = false;
  /**
   * The error of the failing saves, said when it first came or changed
   * (a persistent one said every second filled the logs); undefined while
   * they succeed.
   */
  #saveError: string | undefined;
  /** Resolved once Redis is connected (a partial start waits for it). */
  readonly #redisUp = Promise.withResolvers<void>();
  /** The error connecting to Redis at start, said once per streak. */
  #connectError: string | undefined;
  /** The state counts' read in flight, if any (one at a time). */
  #counting: Promise<void> | undefined;
  /** Says long pauses and sessions that could not be resumed. */
  readonly #sessionWatch: SessionWatch;

  /**
   * Create the service; nothing connects until {@linkcode DispatchService.start}.
   *
   * @param config The checked configuration.
   * @param options Seams.
   */
  constructor(config: DispatchConfig, options: DispatchServiceOptions = {}) {
    this.config = withHiddenSecrets(config);
    this.#botId = botIdOfToken(this.config.token);
    // One clock for every wait and timestamp.
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#sessionWatch = new SessionWatch({
      scheduler: this.#scheduler,
      lost: this.#metrics.sessionsLost,
    });
    this.#startReads = new StartReads(
      this.#scheduler,
      this.#closeSignal.signal,
    );
    const restOptions: ConstructorParameters<typeof RestClient>[0] = {
      token: config.token,
      baseUrl: config.discordApiUrl,
    };
    if (options.fetch) restOptions.fetch = options.fetch;
    restOptions.scheduler = this.#scheduler;
    this.#rest = new RestClient(restOptions);
    this.#commandHandler = new CommandHandler({
      queue: SEND_QUEUE,
      shard: (id) => this.#manager?.shard(id),
      shardCount: () => this.#shardCount,
      paused: (id) => this.#paused.has(id),
      closing: () => this.#closing,
      counter: this.#metrics.commands,
      scheduler: this.#scheduler,
    });
  }

  /** Shows the configuration with the token and passwords as `***`. */
  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options?: unknown) => string,
    options?: unknown,
  ): string {
    // this.config shows itself redacted (withHiddenSecrets).
    return `DispatchService ${inspect({ config: this.config }, options)}`;
  }

  /** The address metrics are served on, once started. */
  get metricsAddress(): Deno.NetAddr | undefined {
    return this.#server?.addr;
  }

  /**
   * Start: ask Discord for the gateway, connect Redis and RabbitMQ, restore
   * saved sessions and connect every shard.
   *
   * A Redis that does not answer a read of the start within 10 s
   * (`START_READ_TIMEOUT`, in `start_reads.ts`) is said on stderr, and the
   * start goes on without what it would have read (the shards identify).
   * A process that runs part of the bot's shards paces IDENTIFY through
   * Redis with the others (`_shared_identify.ts`): while Redis cannot be
   * reached, its start waits for it (said once) before the broker and the
   * shards.
   *
   * {@linkcode DispatchService.close} called before the shards start ends
   * the start: it resolves at its next step, having connected no shard and
   * opened nothing more (`main.ts` exits once `close()` resolves; a
   * rejection would have it report a failed start and exit before the
   * close had saved the sessions). Called after `close()`, it does nothing.
   * Called again, while starting or after, it returns the first call's
   * promise: a second start had opened a second set of shards on the same
   * sessions, which `close()` never stopped.
   *
   * @returns When the shards are connecting (not when they are ready), or
   *   when a {@linkcode DispatchService.close} called meanwhile stopped it.
   * @throws {ConfigError} A shard range that does not fit the shard count.
   * @throws {Error} An `OtherBotSessionsError` (the gateway entry's) when
   *   Redis holds another bot's sessions of these shards (both bots known
   *   from their tokens): no shard connects.
   */
  start(): Promise<void> {
    return this.#started ??= this.#startOnce();
  }

  async #startOnce(): Promise<void> {
    this.#starting = true;
    try {
      await this.#start();
    } finally {
      this.#starting = false;
    }
  }

  async #start(): Promise<void> {
    const config = this.config;
    // Past every await below: once close() is called nothing more is opened
    // (close() closed only what existed then), and no shard is connected.
    if (this.#closing) return;
    // twilight-dispatch took them too, so said rather than refused; the
    // names go in the text, as a property they would be shown quoted.
    const ignored = ignoredStateSettings(config).join(", ");
    if (ignored !== "") {
      visible.warn(
        `${ignored} set without STATE_ENABLED: ignored until STATE_ENABLED is true`,
      );
    }
    // Checked as the Client checks it: a shard count from the network builds
    // that many shards (1e9 would exhaust memory), and a bad URL or budget
    // would fail later and less clearly.
    // close() aborts it: a Discord that never answers kept the start
    // waiting for the request's timeout, and then rejected it.
    let answer;
    try {
      answer = await this.#rest.getGatewayBot({
        signal: this.#closeSignal.signal,
      });
    } catch (error) {
      if (this.#closing) return;
      throw error;
    }
    const bot = checkGatewayBot(answer);
    if (this.#closing) return;
    const total = config.shardsTotal ?? bot.shards;
    const first = config.shardsStart ?? 0;
    const last = config.shardsEnd ?? total - 1;
    if (last >= total) {
      throw new ConfigError(
        "SHARDS_END",
        `below the shard count ${total} (SHARDS_TOTAL or Discord's recommendation); it is inclusive`,
        String(last),
      );
    }
    if (first > last) {
      throw new ConfigError(
        "SHARDS_START",
        `at most the last shard ${last}`,
        String(first),
      );
    }
    this.#shardCount = total;
    this.#shardIds = [];
    for (let id = first; id <= last; id++) this.#shardIds.push(id);
    this.#metrics.shards.set(this.#shardIds.length);
    if (config.logChannel) {
      this.#statusLog = new StatusLog(
        this.#rest,
        config.logChannel,
        this.#scheduler,
      );
    }
    if (config.logGuildChannel) {
      this.#guildLog = new StatusLog(
        this.#rest,
        config.logGuildChannel,
        this.#scheduler,
      );
    }

    this.#server = this.#serveMetrics();
    await this.#connectRedis();
    if (this.#closing) return;
    // Shards paced alone would spend what the bot's other processes spend
    // too (see _shared_identify.ts); one running every shard shares nothing.
    if (this.#redis === undefined && this.#shardIds.length < total) {
      await untilRedis(
        this.#shardIds,
        total,
        this.#redisUp.promise,
        this.#closeSignal.signal,
      );
      if (this.#closing) return;
    }
    const saved = config.resume ? await this.#loadSessions() : new Map();
    if (this.#closing) return;

    this.#commands = new CommandConsumer({
      queue: SEND_QUEUE,
      prefetch: 100,
      onMessage: (message, signal) =>
        this.#commandHandler.handle(message, signal),
      onConsuming: (up) => this.#metrics.commandsConsuming.set(up ? 1 : 0),
      scheduler: this.#scheduler,
    });
    if (config.defaultQueue) {
      this.#queueWatch = new DefaultQueueWatch({
        queue: RECV_QUEUE,
        scheduler: this.#scheduler,
        onCounts: ({ messages, consumers }) => {
          this.#metrics.defaultQueueMessages.set(messages);
          this.#metrics.defaultQueueConsumers.set(consumers);
        },
        // Bound again at each check: unbound while a user's queue takes every
        // event, it gets none and RabbitMQ returns none to say so.
        exchange: EXCHANGE,
        redeclare: (client) => bindToEveryEvent(client, RECV_QUEUE, EXCHANGE),
      });
    }
    this.#publisher = new ConfirmedPublisher({
      url: amqpUrl(config),
      loginHint:
        `set RABBIT_USERNAME and RABBIT_PASSWORD to a user of the broker (RABBIT_USERNAME is "${config.rabbitUsername}")`,
      exchange: EXCHANGE,
      capacity: config.publishBuffer,
      byteCapacity: config.publishBufferBytes,
      onConnect: (client) => this.#setUpBroker(client),
      onConfirmed: (event) => this.#onConfirmed(event),
      onRoom: () => this.#resumePaused(),
      onConnection: (up) => this.#metrics.brokerConnected.set(up ? 1 : 0),
      onBlocked: (blocked) => this.#metrics.brokerBlocked.set(blocked ? 1 : 0),
      onTooLarge: () => this.#metrics.oversized.inc(),
      onNack: () => this.#metrics.nacked.inc(),
      // gateway.recv takes every event: one returned means it was deleted or
      // unbound. A user's own bindings may leave events out on purpose, and
      // those would be returned (and resent) for ever: not mandatory then.
      mandatory: config.defaultQueue,
      onReturned: () => this.#metrics.returned.inc(),
      scheduler: this.#scheduler,
    });
    await this.#publisher.start();
    if (this.#closing) return;

    const presence = startingPresence(config);
    // The limit's max_concurrency is what the queue paces by (it won over
    // maxConcurrency, so SHARDS_CONCURRENCY did nothing).
    const pace = identifyPace(
      config.shardsConcurrency,
      bot.session_start_limit,
    );
    const manager = new ShardManager({
      token: config.token,
      intents: config.intents,
      shardCount: total,
      shardIds: this.#shardIds,
      gatewayUrl: bot.url,
      compress: config.compress,
      largeThreshold: config.largeThreshold,
      presence,
      ...pace,
      // Shared with the bot's other processes. A process running every
      // shard shares with no one: its in-memory queue, so that a Redis
      // that stops answering holds no IDENTIFY ("Redis down does not stop
      // the gateway").
      ...(this.#redis && this.#shardIds.length < total && {
        identifyQueue: sharedIdentifyQueue(
          this.#redis,
          REDIS_KEYS.identify,
          this.#scheduler,
          pace.sessionStartLimit,
        ),
      }),
      scheduler: this.#scheduler,
    });
    this.#manager = manager;
    for (const [id, session] of saved) {
      manager.shard(id)?.restore({
        sessionId: session.sessionId,
        sequence: session.sequence,
        resumeUrl: session.resumeUrl,
      });
      this.#sessionWatch.hold(id, session.sessionId, session.sequence);
      // Its sequence was confirmed by an earlier process: every save keeps
      // it fresh (saved_at), so that restarts during an outage that confirm
      // nothing do not leave it too old to resume.
      this.#confirmed.set(id, session);
    }
    logger.info(
      "Starting shards {first}-{last} of {total}: {resumed} to resume, {identify} to identify",
      {
        first,
        last,
        total,
        resumed: saved.size,
        identify: this.#shardIds.length - saved.size,
      },
    );
    manager.on("raw", (event) => this.#onRaw(event));
    if (config.stateEnabled) {
      manager.on("dispatch", (event) => this.#onParsed(event));
    } else {
      // gateway_guild_events counts with or without the guild log, as in
      // twilight-dispatch: only its events are parsed, the rest peeked.
      manager.on("dispatch", (event) => this.#onParsed(event), {
        events: GUILD_EVENTS,
      });
    }
    manager.on("state", (change) => this.#onState(change));
    manager.on("error", (error) => {
      logger.warn("Shard {shardId}: {message}", {
        shardId: error.shardId,
        message: error.message,
      });
    });
    const writing = this.#writeStarted();
    // Not waited for past a read Redis did not answer (said already); the
    // periodic save writes it again.
    if (!this.#startReads.silent) {
      await this.#startReads.answered(
        writing,
        `writing ${REDIS_KEYS.started}`,
        "the shards start; it is written again with the next save",
      );
    }
    // close() closed the manager: started now, its shards would run on.
    if (this.#closing) return;
    this.#tick();
    this.#shardsStarted = true;
    manager.start().catch((error) => {
      if (this.#closing) return;
      logger.error("A shard stopped for good: {message}", {
        message: errorText(error),
      });
    });
  }

  /**
   * Stop: close every shard resumably, wait (bounded) for the broker to
   * confirm what is buffered, save the sessions and statuses, and close the
   * connections. The next process resumes every shard. Called again, it
   * returns the first call's promise (a second call had resolved at once,
   * before anything was saved).
   *
   * @returns When everything is closed.
   */
  close(): Promise<void> {
    return this.#closed ??= this.#close();
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const duringStart = this.#starting;
    this.#closeSignal.abort();
    if (this.#saveTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#saveTimer);
    }
    if (this.#redisRetry !== undefined) {
      this.#scheduler.clearTimeout(this.#redisRetry);
    }
    this.#queueWatch?.close();
    this.#sessionWatch.close();
    // The consumer first: its deliveries are void, so a command waiting for
    // a shard is taken back and left unacked for the broker to redeliver
    // when the connection closes. Closed after the shards, each waiting one
    // failed as "shard closed" and was published again as a copy, racing
    // the connection's close: a lost ack left it queued twice.
    this.#commands?.close();
    await this.#manager?.close({ resumable: true });
    // The cache's writes in flight (a READY's chunked drop, a big member
    // chunk's) land before the last save, which records the cache stale if
    // they failed; bounded as the broker's drain, beside which it runs: cut
    // by the close, a drop was left half done, and a chunk's members lost
    // with the cache counted fresh. A flush with nothing unanswered returns
    // at once (a frozen Redis cost every close 10 s). Not on a connection
    // that is down: the cache fails fast there.
    const flushed = settlesWithin(
      this.#scheduler,
      this.#redis?.status === "ready" ? this.#cache?.flush() : undefined,
      DRAIN_TIMEOUT,
    );
    // The logs' last lines (the shards closed) are posted while the broker
    // drains and the sessions are saved; bounded, as Discord may be slow.
    const logsPosted = Promise.all([
      this.#statusLog?.close(LOG_FLUSH_TIMEOUT),
      this.#guildLog?.close(LOG_FLUSH_TIMEOUT),
    ]);
    if (this.#publisher) {
      const drained = await settlesWithin(
        this.#scheduler,
        this.#publisher.drained(),
        DRAIN_TIMEOUT,
      );
      if (!drained) {
        sayUndrained(this.#publisher.unconfirmed(), this.#confirmed);
      }
    }
    await flushed;
    // The last save, after any in flight; bounded, as Redis may be down.
    await settlesWithin(this.#scheduler, this.#saving, SHUTDOWN_SAVE_TIMEOUT);
    this.#save();
    const saved = await settlesWithin(
      this.#scheduler,
      this.#saving,
      SHUTDOWN_SAVE_TIMEOUT,
    ) && this.#saving === undefined && this.#lastSaveOk;
    await logsPosted;
    await this.#publisher?.close();
    if (this.#redis) await closeRedis(this.#redis);
    await this.#server?.shutdown();
    if (!this.#manager) {
      // Else a signal during the start (Discord or Redis slow) ended the
      // process without a word; a start that failed was said by its caller.
      if (duringStart) {
        logger.info(
          "Dispatch service stopped during its start: no shard connected",
        );
      }
      return;
    }
    if (saved && this.#lastSavedSessions === 0) {
      // No shard had a confirmed session: nothing to resume from.
      logger.info(
        "Dispatch service stopped; no session was saved (no shard had one): the next start identifies its shards",
      );
    } else if (saved) {
      logger.info(
        "Dispatch service stopped; {count} of {shards} sessions saved for resuming",
        { count: this.#lastSavedSessions, shards: this.#shardIds.length },
      );
    } else {
      // The user must know: the next start identifies instead of resuming.
      logger.error(
        "Dispatch service stopped, but the sessions could not be saved to Redis: the next start identifies every shard",
      );
    }
  }

  /**
   * Same as {@linkcode DispatchService.close}, for `await using`: the shards
   * close resumably, so the next process resumes them.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ------------------------------------------------------------------ events

  #onRaw(
    event: { shardId: number; name: string; sequence: number; text: string },
  ): void {
    const { shardId, name, sequence, text } = event;
    const shard = this.#manager!.shard(shardId)!;
    // The gateway passes any `t` through: one label (and one counter here)
    // per documented event and one for every other name, so made-up names
    // cannot grow the series, or this map, without bound.
    const label = this.#names.label(shardId, name);
    const counterKey = `${shardId} ${label}`;
    let counter = this.#eventCounters.get(counterKey);
    if (counter === undefined) {
      counter = this.#metrics.events.labels(label, String(shardId));
      this.#eventCounters.set(counterKey, counter);
    }
    counter.inc();
    this.#sessionWatch.received(shardId, shard.sessionId, sequence);
    // Frames read together (a compressed stream's, several to a read) are
    // handled without an await between them, before a skipped frame's
    // microtask: an entry still waiting is one whose parsed call never
    // comes. Replaced, it was never published and held every later event.
    this.#finishWithoutOld(shardId);
    let pending: PendingEvent;
    if (!this.#names.routable(shardId, name)) {
      // The AMQP client refuses a routing key over 255 bytes on every
      // attempt: sent, it would be taken for a nack and resent for ever,
      // with every later event waiting behind it (the shard paused, its
      // session never saved again). It is not published; it keeps its
      // place in line as a skip instead, so its sequence is confirmed in
      // order with the others and a RESUME does not ask for it again.
      pending = {
        shardId,
        sessionId: shard.sessionId,
        sequence,
        routingKey: "",
        body: undefined,
        skip: true,
        queuedAt: performance.now(),
      };
    } else {
      const end = text.lastIndexOf("}");
      pending = {
        shardId,
        sessionId: shard.sessionId,
        sequence,
        routingKey: name,
        body: this.config.stateOld && this.#cache
          ? undefined
          : eventBody(text.slice(0, end), shardId, undefined),
        // While the body waits for `old`, the frame it is built from is held.
        expectedLength: end,
        queuedAt: performance.now(),
      };
      if (pending.body === undefined) {
        const awaiting = { pending, frame: text.slice(0, end) };
        this.#awaitingOld.set(shardId, awaiting);
        // The parsed call comes in the same turn as this one, or never (a
        // dispatch the shard skipped over the JSON bound, handed to raw
        // listeners only): left waiting, its body held every later event.
        queueMicrotask(() => {
          if (this.#awaitingOld.get(shardId) === awaiting) {
            this.#finishWithoutOld(shardId);
          }
        });
      }
    }
    const publisher = this.#publisher!;
    if (!publisher.push(pending) && !this.#paused.has(shardId)) {
      this.#pause(shard);
    }
  }

  /**
   * Give the shard's event waiting for `old` its body without it: its
   * parsed call never came (a dispatch skipped over the JSON bound).
   */
  #finishWithoutOld(shardId: number): void {
    const awaiting = this.#awaitingOld.get(shardId);
    if (awaiting === undefined) return;
    this.#awaitingOld.delete(shardId);
    awaiting.pending.body = eventBody(awaiting.frame, shardId, undefined);
    this.#publisher!.bodyReady(awaiting.pending);
  }

  #onParsed(
    event: { shardId: number; name: string; sequence: number; data: unknown },
  ): void {
    this.#trackGuild(event.shardId, event.name, event.data);
    const cache = this.#cache;
    if (!cache) return;
    // While Redis is down the store writes nothing (nothing piles up in the
    // client's offline queue): it drops the event, says it is stale, and is
    // fresh again once every shard it serves has started a new session. One
    // flag of the service's own, cleared by any shard's READY, said fresh
    // while other shards' guilds were still wrong.
    // With its place in the shard's session: after a crash, the RESUME's
    // replay of what the cache applied already is skipped, not applied again.
    const sessionId = this.#manager?.shard(event.shardId)?.sessionId;
    const applied = cache.apply(
      event.name,
      event.data,
      sessionId === undefined
        ? undefined
        : { shardId: event.shardId, sessionId, sequence: event.sequence },
    );
    if (cache.stale) this.#metrics.cacheStale.set(1);
    if (event.name === "READY" && sessionId !== undefined) {
      // A rejection leaves the shard counted stale (the safe side).
      applied.then(() => {
        if (
          this.#readyUnapplied.get(event.shardId) === sessionId &&
          !staleFor(cache, event.shardId)
        ) this.#readyUnapplied.delete(event.shardId);
      }, () => {});
    }
    const awaiting = this.#awaitingOld.get(event.shardId);
    // Only its own event's: another's `old` would be wrong.
    if (awaiting?.pending.sequence !== event.sequence) return;
    this.#awaitingOld.delete(event.shardId);
    const { pending, frame } = awaiting;
    // No old state when the cache fails or is late, nor while it is stale
    // for the shard: it keeps answering the last state it wrote, which
    // writes refused or dropped since have left behind.
    let old: unknown;
    const read = applied.then((update) => {
      if (!staleFor(cache, event.shardId)) old = update.old;
    }, () => {});
    settlesWithin(this.#scheduler, read, OLD_TIMEOUT).then(() => {
      pending.body = eventBody(frame, event.shardId, old);
      this.#publisher!.bodyReady(pending);
    });
  }

  #trackGuild(shardId: number, name: string, data: unknown): void {
    const change = this.#guildJoins.update(shardId, name, data);
    if (!change) return;
    this.#metrics.guildEvents.inc({ type: change.type });
    this.#guildLog?.add(
      change.type === "Join"
        ? `Joined guild ${change.name ?? ""} (${change.id})`
        : `Left guild ${change.id}`,
    );
  }

  #onConfirmed(event: PendingEvent): void {
    const previous = this.#confirmed.get(event.shardId);
    // An old session's late confirms never replace the shard's new session
    // (saved from its READY on): that one alone can still be resumed.
    const newer = previous !== undefined &&
      previous.sessionId !== event.sessionId &&
      previous.sessionId === this.#manager?.shard(event.shardId)?.sessionId;
    if (!newer) {
      this.#confirmed.set(event.shardId, {
        sessionId: event.sessionId,
        sequence: event.sequence,
      });
    }
    if (event.skip !== true) {
      this.#metrics.published.inc();
      this.#metrics.publishLatency.observe(
        this.#publisher!.lastLatency / 1000,
      );
    }
    // A new session is saved at once, not at the next tick: a crash before
    // the first save would otherwise identify and lose the old session's
    // unpublished events.
    if (!newer && previous?.sessionId !== event.sessionId) this.#save(true);
  }

  /**
   * `dispatch_buffered_events` and `dispatch_buffered_bytes`, as they are:
   * set when read rather than on each of the three changes every event
   * makes to the buffer.
   */
  #refreshBuffer(): void {
    this.#metrics.buffered.set(this.#publisher?.size ?? 0);
    this.#metrics.bufferedBytes.set(this.#publisher?.bytes ?? 0);
  }

  /**
   * The buffer is full: pause the shard (`Shard.pause`: closed resumably,
   * kept off the gateway; Discord keeps what follows). Unlike a close, a
   * pause holds during a RESUME's replay without failing the start that
   * awaits it, and keeps the shard's commands queued.
   */
  #pause(shard: Shard): void {
    this.#paused.set(shard.id, undefined);
    this.#metrics.pausedShards.set(this.#paused.size);
    this.#sessionWatch.paused(shard.id);
    logger.warn(
      "Shard {shardId}: publish buffer full ({count} events, {bytes} bytes); pausing the shard until RabbitMQ catches up",
      {
        shardId: shard.id,
        count: this.#publisher!.size,
        bytes: this.#publisher!.bytes,
      },
    );
    // After the frames of the current read: they are taken now, so Discord
    // need not replay them.
    queueMicrotask(() => {
      if (this.#paused.has(shard.id)) this.#paused.set(shard.id, shard.pause());
    });
  }

  #resumePaused(): void {
    if (this.#closing) return;
    for (const [id, resume] of this.#paused) {
      this.#sessionWatch.resumed(id);
      if (!this.#manager?.shard(id)?.paused) continue; // closed meanwhile
      logger.info("Shard {shardId}: the buffer has room; resuming", {
        shardId: id,
      });
      resume?.();
    }
    this.#paused.clear();
    this.#metrics.pausedShards.set(0);
  }

  #onState(change: ShardStateChange): void {
    // The status gauges are counted when read (GET /metrics, the periodic
    // save), not here: counting walks every shard, and each of a start's or
    // a mass reconnect's changes did it (40,000 shards: 140 s of start).
    const { shardId, previous, current } = change;
    const shard = this.#manager?.shard(shardId);
    if (shard) this.#sessionWatch.state(change, shard);
    let line: string | undefined;
    if (
      (current === "reconnecting" || current === "closed") &&
      CONNECTED_STATUSES.has(previous)
    ) this.#metrics.shardEvents.inc({ type: "Disconnected" });
    if (previous === "ready" && current !== "ready") {
      this.#commandHandler.shardNotReady(shardId);
    }
    if (current === "ready") {
      const resumed = previous === "resuming";
      this.#commandHandler.shardReady(shardId);
      if (resumed) this.#metrics.resumes.inc();
      else this.#metrics.identifies.inc();
      // A new session replacing one this process saved is saved at once,
      // at READY's sequence: the old one Discord ended, and the new one's
      // events wait behind its unconfirmed events; a RESUME from here
      // replays them (READY itself, if not confirmed by then, is lost: the
      // cheaper loss). A first session waits for READY's confirm: saved
      // before it, a restart resumed past a READY the broker never took.
      // Its READY is applied to the cache after this (see #readyUnapplied).
      if (!resumed && shard?.sessionId !== undefined && this.#cache) {
        this.#readyUnapplied.set(shardId, shard.sessionId);
      }
      const replaced = this.#confirmed.get(shardId);
      if (
        !resumed && shard?.sessionId !== undefined && replaced !== undefined &&
        replaced.sessionId !== shard.sessionId
      ) {
        this.#confirmed.set(shardId, {
          sessionId: shard.sessionId,
          sequence: shard.sequence ?? 0,
        });
        this.#save(true);
      }
      // twilight-gateway's ShardConnected: a session is up.
      this.#metrics.shardEvents.inc({ type: "Connected" });
      this.#metrics.shardEvents.inc({ type: resumed ? "Resumed" : "Ready" });
      line = `Shard ${shardId} ${resumed ? "resumed" : "ready"}`;
    } else if (current === "reconnecting") {
      if (previous === "ready") line = `Shard ${shardId} disconnected`;
      this.#metrics.shardEvents.inc({ type: "Reconnecting" });
    } else if (STAGE_EVENTS[current] !== undefined) {
      this.#metrics.shardEvents.inc({ type: STAGE_EVENTS[current] });
    } else if (current === "closed") {
      // A restart command closes the shard for a moment: `Closed` is a
      // shard closing for good (README), which a dashboard alerts on.
      if (this.#commandHandler.restarting(shardId)) {
        line = `Shard ${shardId} restarting (a command)`;
      } else {
        this.#metrics.shardEvents.inc({ type: "Closed" });
        line = `Shard ${shardId} closed`;
      }
    }
    if (line) this.#statusLog?.add(line);
  }

  #refreshStatuses(): void {
    // Every status has a value (0 included), as twilight-dispatch exposes
    // its stages, so a dashboard's series do not come and go.
    const counts = new Map<ShardStatus, number>(
      SHARD_STATUSES.map((status) => [status, 0]),
    );
    for (const shard of this.#manager?.shards.values() ?? []) {
      counts.set(shard.status, (counts.get(shard.status) ?? 0) + 1);
      // 0 until the first ACK, as twilight-dispatch sets it for every shard.
      this.#metrics.latencies.set(
        { shard: String(shard.id) },
        shard.latency ?? 0,
      );
    }
    for (const [status, count] of counts) {
      this.#metrics.statuses.set({ type: status }, count);
    }
  }

  // ---------------------------------------------------------------- commands

  async #setUpBroker(client: AMQPClient): Promise<void> {
    // The exchange was ensured by the publisher. Queues the user declared
    // (with a DLX, as quorum queues, ...) are used as they are. Only what
    // publishing needs is awaited (a failure here retries the connection);
    // the command consumer runs, and retries, on its own: a `gateway.send`
    // that cannot be consumed must not stop the events.
    if (this.config.defaultQueue) {
      await bindToEveryEvent(client, RECV_QUEUE, EXCHANGE);
      this.#queueWatch?.attach(client);
    }
    this.#commands?.attach(client);
  }

  // ------------------------------------------------------------------- redis

  async #connectRedis(): Promise<void> {
    const config = this.config;
    try {
      const redis = await connectRedis({ url: redisUrl(config) });
      if (this.#closing) {
        // close() may be past closing this.#redis already: kept, this
        // connection would stay open.
        await closeRedis(redis);
        return;
      }
      this.#redis = redis;
      this.#sessions = new RedisSessionStore(this.#redis, {
        key: REDIS_KEYS.sessions,
        shardCountKey: REDIS_KEYS.shards,
        // Dated on Redis's clock, so a restart on a machine whose clock is
        // minutes off still resumes. This machine's clock, not the
        // scheduler's: a virtual one moves while Redis's stands still, and
        // tests age sessions on it (the store's rounding keeps them as is).
        localClock: realScheduler,
      });
      this.#redis.on("ready", () => this.#metrics.redisConnected.set(1));
      this.#redis.on("error", () => this.#metrics.redisConnected.set(0));
      watchRedisRestarts(this.#redis, () => this.#redisReplaced());
      this.#metrics.redisConnected.set(1);
      this.#redisUp.resolve();
      if (this.#connectError !== undefined) {
        this.#connectError = undefined;
        visible.info("Connected to Redis: sessions and the cache are kept");
      }
    } catch (error) {
      this.#metrics.redisConnected.set(0);
      // No cache is fed: whatever Redis holds misses these events.
      if (config.stateEnabled) this.#metrics.cacheStale.set(1);
      // Closing: no retry (close() cleared the timer of any earlier one).
      if (this.#closing) return;
      // Said once per streak of one error (a day of a wrong password was
      // 17,280 lines), as RabbitMQ's refusals are.
      const message = errorText(error);
      if (message !== this.#connectError) {
        this.#connectError = message;
        // Visibly: embedded without LogTape set up, nothing else says it (the
        // connection layer reports a failed first connection by rejecting);
        // a password to fix is said as such.
        const hint = redisPasswordHint(
          error,
          config.redisUsername === undefined
            ? "REDIS_PASSWORD"
            : "REDIS_USERNAME and REDIS_PASSWORD",
        );
        // The hint in the text, not as a property: an empty one was shown
        // as `""`, and a property is shown quoted.
        const said = hint === undefined ? "" : ` ${hint}`;
        visible.error(
          `{message}${said}; running without saved sessions and cache, retrying every 5 s`,
          { message },
        );
      }
      this.#redisRetry = this.#scheduler.setTimeout(() => {
        this.#redisRetry = undefined;
        if (!this.#closing) this.#connectRedis();
      }, 5_000);
      return;
    }
    // Connected after the shards started: gateway_started was not written.
    if (this.#shardsStarted) await this.#writeStarted();
    if (config.stateEnabled && !this.#cache) {
      const resources: CacheResource[] = ["guilds", "channels", "roles"];
      if (config.stateMember) resources.push("members", "users");
      if (config.stateMessage) resources.push("messages");
      if (config.statePresence) resources.push("presences");
      if (config.stateEmoji) resources.push("emojis");
      if (config.stateVoice) resources.push("voiceStates");
      const unsettled = "unset the STATE_ settings the consumers do not need";
      for (
        const warning of cacheIntentWarnings(
          resources,
          config.intents,
          unsettled,
        )
      ) {
        visible.warn("{warning}", { warning });
      }
      const ttl: { members?: number; messages?: number } = {};
      // twilight-dispatch's TTLs are in milliseconds; the store's in seconds.
      // Without STATE_MEMBER only the bot's own member is kept, and never
      // expires (twilight-dispatch records expiry only with STATE_MEMBER).
      if (config.stateMember && config.stateMemberTtl > 0) {
        ttl.members = config.stateMemberTtl / 1000;
      }
      if (config.stateMessageTtl > 0) {
        ttl.messages = config.stateMessageTtl / 1000;
      }
      const cache = new RedisCache(this.#redis, {
        resources,
        ttl,
        // Resumed shards send no READY: the store must know them to stay
        // stale until they, too, have started anew.
        shardIds: this.#shardIds,
        onStale: () => this.#metrics.cacheStale.set(1),
      });
      this.#cache = cache;
      if (this.#shardsStarted) {
        // Their READY and GUILD_CREATEs went by with no cache to take them,
        // and nothing sends them again until each starts a new session.
        cache.markStale(
          this.#shardIds,
          "Redis was unreachable when the shards started, so the cache missed their guilds",
        );
      } else {
        await this.#loadStaleShards(cache);
      }
      // 1 while no cache was fed (Redis unreachable at start).
      this.#metrics.cacheStale.set(cache.stale ? 1 : 0);
    }
  }

  /** Redis came back as another server: its keys may be gone, ours too. */
  #redisReplaced(): void {
    this.#persistedStale = undefined; // written again at the next save
    this.#cache?.markStale(
      this.#shardIds,
      "the Redis server was restarted or replaced during an outage: what it held may be lost",
    );
  }

  /** `gateway_started`: a JSON string, as twilight-dispatch writes it. */
  async #writeStarted(): Promise<void> {
    this.#startedValue ??= JSON.stringify(
      twilightTimestamp(this.#scheduler.now()),
    );
    // Unread sessions may be another bot's, and this its start time: the
    // first save writes it once they were read and are not.
    if (this.#sessionsUnread) {
      this.#startedHeld = true;
      return;
    }
    await this.#redis?.set(REDIS_KEYS.started, this.#startedValue)
      .catch(() => {});
  }

  /**
   * Mark the new cache stale for the shards a previous process left it
   * stale for: they are resumed, so no GUILD_CREATE rebuilds them.
   */
  async #loadStaleShards(cache: RedisCache): Promise<void> {
    const stale = await loadStaleShardIds(
      this.#redis!,
      REDIS_KEYS.cacheStale,
      this.#shardIds,
      this.#startReads,
    );
    if (stale === undefined || stale.length === 0) return;
    this.#persistedStale = new Set(stale);
    cache.markStale(
      stale,
      `a previous run left the cache stale for shards ${stale.join(", ")}`,
    );
  }

  /**
   * Keep {@linkcode REDIS_KEYS.cacheStale} to this process's shards the
   * cache is stale for, or whose READY it has not applied yet, writing only
   * when that changed.
   */
  async #saveStaleShards(redis: RedisConnection): Promise<void> {
    const cache = this.#cache;
    if (!cache) return;
    const stale = new Set([
      ...cache.staleShards,
      ...this.#readyUnapplied.keys(),
    ]);
    const persisted = this.#persistedStale;
    if (
      persisted !== undefined && persisted.size === stale.size &&
      [...stale].every((id) => persisted.has(id))
    ) return;
    // Other processes own the other shards' members of the set.
    const fresh = this.#shardIds.filter((id) => !stale.has(id));
    const pipeline = redis.pipeline();
    if (fresh.length > 0) pipeline.srem(REDIS_KEYS.cacheStale, ...fresh);
    if (stale.size > 0) pipeline.sadd(REDIS_KEYS.cacheStale, ...stale);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
    this.#persistedStale = stale;
  }

  /**
   * Read the saved sessions the start could not (a Redis blip): another
   * bot's found stop the session saves, said on stderr, the shards running
   * on; a failure fails the save it precedes.
   */
  async #checkSessionsBot(store: RedisSessionStore): Promise<void> {
    const botId = this.#botId;
    const saved = (await store.loadAll())
      .filter((session) => this.#shardIds.includes(session.shardId));
    this.#sessionsUnread = false;
    const refusal = otherBotSessions(saved, () => botId);
    if (!refusal) return;
    this.#otherBotSessions = true;
    const { savedBotId, botId: ours, shardIds } = refusal;
    visible.error(
      "Writing nothing to Redis: it holds sessions of bot {savedBotId} (shard {shardIds}), and BOT_TOKEN is bot {ours}'s. The service started while Redis did not answer, so its shards run on, but it saves no session, status or start time (a restart identifies them). Give each bot its own Redis database",
      { savedBotId, ours, shardIds: shardIds.join(", ") },
    );
  }

  #loadSessions(): Promise<Map<number, SavedSession>> {
    const store = this.#sessions;
    if (!store) return Promise.resolve(new Map());
    return loadUsableSessions(store, this.#startReads, {
      lost: this.#metrics.sessionsLost,
      shardIds: this.#shardIds,
      shardCount: this.#shardCount,
      now: this.#scheduler.now(),
      intents: this.config.intents,
      botId: this.#botId,
      unread: () => this.#sessionsUnread = true,
    });
  }

  /**
   * Save sessions (confirmed sequences only) and statuses. Saves never
   * overlap, and while Redis is down at most one waits (ioredis queues it
   * and retries); the others are skipped, so nothing piles up.
   *
   * @param soon Run again right after a save in flight, instead of skipping.
   */
  #save(soon = false): void {
    const redis = this.#redis;
    const store = this.#sessions;
    const manager = this.#manager;
    if (!redis || !store || !manager) return;
    if (this.#saving) {
      if (soon) this.#saveAgain = true;
      return;
    }
    this.#saveAgain = false;
    this.#refreshStatuses();
    const now = this.#scheduler.now();
    const sessions: SavedSession[] = [];
    const statuses: StoredStatus[] = [];
    for (const shard of manager.shards.values()) {
      const confirmed = this.#confirmed.get(shard.id);
      if (
        shard.sessionId !== undefined && confirmed !== undefined &&
        confirmed.sessionId === shard.sessionId
      ) {
        sessions.push({
          shardId: shard.id,
          shardCount: this.#shardCount,
          sessionId: shard.sessionId,
          sequence: confirmed.sequence,
          resumeUrl: shard.resumeUrl,
          savedAt: now,
          // A restart with other intents, or another bot, must not resume it.
          intents: this.config.intents,
          botId: this.#botId,
        });
      }
      statuses.push({
        shard: shard.id,
        status: shard.status,
        latency: shard.latency ?? 0,
        // Now before the first ACK, as twilight-dispatch writes it.
        last_ack: twilightTimestamp(shard.lastAckAt ?? now),
      });
    }
    this.#saving = (async () => {
      try {
        // One atomic merge: other processes own the other shards' entries.
        // It writes gateway_shards too (with no session yet, here).
        if (this.#sessionsUnread) await this.#checkSessionsBot(store);
        // Another bot's keys (said at the check): this process writes none
        // of them, as the manager saves no session then.
        if (this.#otherBotSessions) {
          sessions.length = 0;
        } else {
          // Sent before the sessions on the one connection, so applied
          // first (a round trip waited for let the cache's drop, which the
          // mark is for, go first): a session saved past a READY the cache
          // has not applied finds its shard stale (see #readyUnapplied).
          const staleSaved = this.#saveStaleShards(redis);
          staleSaved.catch(() => {}); // awaited below
          if (sessions.length > 0) await store.save(sessions);
          else await redis.set(REDIS_KEYS.shards, String(this.#shardCount));
          // Merged too: the other shards' entries are other processes'.
          await saveStatuses(
            redis,
            REDIS_KEYS.statuses,
            statuses,
            this.#shardIds,
            this.#shardCount,
          );
          // Written once at start (here, held while the sessions were
          // unread); put back (the same time) if Redis lost it with its
          // data, as the README promises these keys every second.
          if (this.#startedHeld && this.#startedValue !== undefined) {
            await redis.set(REDIS_KEYS.started, this.#startedValue);
            this.#startedHeld = false;
          } else if (this.#startedValue !== undefined) {
            await redis.set(REDIS_KEYS.started, this.#startedValue, "NX");
          }
          await staleSaved;
        }
        this.#lastSaveOk = true;
        this.#lastSavedSessions = sessions.length;
        this.#metrics.sessionsSaved.set(1);
        if (this.#saveStalled || this.#saveError !== undefined) {
          if (this.#saveStalled) this.#metrics.redisConnected.set(1);
          this.#saveStalled = false;
          this.#saveError = undefined;
          visible.info("Redis answers again; sessions are saved");
        }
      } catch (error) {
        this.#lastSaveOk = false;
        // A Redis refusing writes (OOM, READONLY, an ACL) keeps its
        // connection up: dispatch_redis_connected stays 1, this tells.
        this.#metrics.sessionsSaved.set(0);
        const message = errorText(error);
        if (message !== this.#saveError) {
          this.#saveError = message;
          visible.warn(
            "Saving sessions to Redis failed (retried every second; said again when the error changes): {message}",
            { message },
          );
        }
      }
      if (this.#cache) {
        this.#metrics.cacheStale.set(
          this.#cache.stale ? 1 : 0,
        );
      }
    })().finally(() => {
      this.#saving = undefined;
      if (this.#saveAgain && !this.#closing) this.#save();
    });
    const saving = this.#saving;
    settlesWithin(this.#scheduler, saving, SAVE_STALL_TIMEOUT).then((done) => {
      if (done || this.#saveStalled || this.#saving !== saving) return;
      this.#saveStalled = true;
      // The connection is open (a frozen Redis): only the stall tells.
      this.#metrics.redisConnected.set(0);
      this.#metrics.sessionsSaved.set(0);
      visible.warn(
        "Saving sessions to Redis has not completed in {seconds} s (Redis does not answer): a restart now identifies instead of resuming",
        { seconds: SAVE_STALL_TIMEOUT / 1000 },
      );
    });
  }

  /** Save and sweep every second until the service closes. */
  #tick(): void {
    this.#saveTimer = this.#scheduler.setTimeout(() => {
      this.#saveTimer = undefined;
      if (this.#closing) return;
      this.#save();
      this.#sweep();
      this.#tick();
    }, SAVE_INTERVAL);
  }

  /** Remove expired members and messages (STATE_*_TTL), one sweep at a time. */
  #sweep(): void {
    const config = this.config;
    if (
      !this.#cache || this.#sweeping || this.#redis?.status !== "ready" ||
      (config.stateMemberTtl === 0 && config.stateMessageTtl === 0)
    ) return;
    this.#sweeping = this.#cache.sweepExpired().catch((error) =>
      logger.warn("Removing expired cache entries failed: {message}", {
        message: errorText(error),
      })
    ).finally(() => {
      this.#sweeping = undefined;
    });
  }

  // ----------------------------------------------------------------- metrics

  #serveMetrics(): MetricsServer {
    const { prometheusHost: host, prometheusPort: port } = this.config;
    try {
      return this.#listenMetrics();
    } catch (error) {
      throw metricsBindError(error, host, port);
    }
  }

  #listenMetrics(): MetricsServer {
    return new MetricsServer({
      hostname: this.config.prometheusHost,
      port: this.config.prometheusPort,
      scheduler: this.#scheduler,
      routes: {
        "/metrics": async () => {
          this.#refreshStatuses();
          this.#refreshBuffer();
          await this.#refreshStateCounts();
          return new Response(await this.#metrics.registry.metrics(), {
            headers: { "content-type": this.#metrics.registry.contentType },
          });
        },
        "/healthcheck": () => {
          const healthy = this.healthy();
          return Response.json({ status: healthy ? "OK" : "UNAVAILABLE" }, {
            status: healthy ? 200 : 503,
          });
        },
      },
    });
  }

  /**
   * Whether the broker is connected and not blocking publishing (a block
   * counts at once, as a disconnect does), commands are consumed from
   * `gateway.send`, and every shard is ready or resuming.
   *
   * @returns `true` when healthy.
   */
  healthy(): boolean {
    if (!this.#publisher?.connected || this.#publisher.blocked) return false;
    if (!this.#manager) return false;
    if (!this.#commands?.consuming) return false;
    for (const shard of this.#manager.shards.values()) {
      if (shard.status !== "ready" && shard.status !== "resuming") return false;
    }
    return true;
  }

  /**
   * The `state_*` gauges, read from Redis for at most
   * {@linkcode STATE_COUNT_TIMEOUT}: a Redis that does not answer leaves
   * them at their last values, and a read still in flight is not repeated.
   */
  async #refreshStateCounts(): Promise<void> {
    this.#counting ??= countState(
      this.#cache && this.#redis,
      this.#metrics.state,
    ).finally(() => {
      this.#counting = undefined;
    });
    await settlesWithin(this.#scheduler, this.#counting, STATE_COUNT_TIMEOUT);
  }
}

/**
 * A published event's body: the frame (without its closing brace) with
 * the shard, and `old` when there is one that serialises.
 */
function eventBody(frame: string, shardId: number, old: unknown): string {
  if (old !== undefined) {
    try {
      return `${frame},"shard":${shardId},"old":${JSON.stringify(old)}}`;
    } catch {
      // An old state that does not serialise is left out.
    }
  }
  return `${frame},"shard":${shardId}}`;
}

/**
 * Whether `cache` may hold wrong state for `shardId`'s guilds: stale, and
 * the shard not rebuilt since (none known: all may be wrong).
 */
function staleFor(cache: RedisCache, shardId: number): boolean {
  if (!cache.stale) return false;
  const shards = cache.staleShards;
  return shards.length === 0 || shards.includes(shardId);
}

/** The AMQP URL of the configuration. */
function amqpUrl(config: DispatchConfig): string {
  const user = encodeURIComponent(config.rabbitUsername);
  const password = encodeURIComponent(config.rabbitPassword);
  return `amqp://${user}:${password}@${
    urlHostPort(config.rabbitHost, config.rabbitPort)
  }?heartbeat=10`;
}
