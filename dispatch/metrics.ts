/**
 * The dispatch service's Prometheus metrics: twilight-dispatch's names
 * (counters without a `_total` suffix, as it exposes them) and its process
 * metrics (`process_*`), plus the service's own, on one registry of their
 * own (never the global one).
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { GuildChange } from "./guild_joins.ts";
import { registerProcessMetrics } from "./process_metrics.ts";

/**
 * Every `type` of `gateway_shard_events`, as twilight-dispatch names them
 * (the service counts them on each shard's state changes).
 */
export const SHARD_EVENT_TYPES: readonly string[] = [
  "Connecting",
  "Connected",
  "Identifying",
  "Resuming",
  "Reconnecting",
  "Ready",
  "Resumed",
  "Disconnected",
  "Closed",
];

/**
 * Every `type` of `gateway_guild_events` (a record, so a change type added
 * to the guild tracking fails type-checking here until it is listed).
 */
export const GUILD_EVENT_TYPES: readonly string[] = Object.keys(
  { Join: true, Leave: true } satisfies Record<GuildChange["type"], true>,
);

/** Every `result` of `dispatch_commands`. */
export const COMMAND_RESULTS: readonly string[] = [
  "done",
  "retried",
  "elsewhere",
  "malformed",
  "failed",
  "dropped",
];

/** Every metric the service keeps, on one registry. */
export class DispatchMetrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry = new Registry();
  /**
   * `gateway_events{type,shard}`: dispatches received, by event and shard;
   * `type` is one of the 79 documented event names or `UNKNOWN`.
   */
  readonly events: Counter<"type" | "shard">;
  /** `gateway_shard_events{type}`: shard life events (ready, resumed, ...). */
  readonly shardEvents: Counter<"type">;
  /** `gateway_guild_events{type}`: guilds joined and left. */
  readonly guildEvents: Counter<"type">;
  /** `gateway_shards`: shards this process runs. */
  readonly shards: Gauge;
  /** `gateway_statuses{type}`: shards per status. */
  readonly statuses: Gauge<"type">;
  /** `gateway_latencies{shard}`: heartbeat round trip in milliseconds. */
  readonly latencies: Gauge<"shard">;
  /** `state_*`: cached entities, by twilight-dispatch's names. */
  readonly state: Record<string, Gauge>;
  /** `dispatch_publish_latency_seconds`: from gateway to broker confirm. */
  readonly publishLatency: Histogram;
  /** `dispatch_published`: events confirmed by the broker. */
  readonly published: Counter;
  /** `dispatch_buffered_events`: events waiting for a confirm. */
  readonly buffered: Gauge;
  /**
   * `dispatch_buffered_bytes`: the size of those events, as
   * `PUBLISH_BUFFER_BYTES` bounds it (UTF-16 code units of their bodies).
   */
  readonly bufferedBytes: Gauge;
  /** `dispatch_paused_shards`: shards closed because the buffer was full. */
  readonly pausedShards: Gauge;
  /** `dispatch_broker_connected`: 1 while RabbitMQ is connected. */
  readonly brokerConnected: Gauge;
  /**
   * `dispatch_broker_blocked`: 1 while RabbitMQ blocks publishing (a memory
   * or disk alarm); the connection stays up, so `dispatch_broker_connected`
   * stays 1, but events only wait in the buffer.
   */
  readonly brokerBlocked: Gauge;
  /**
   * `dispatch_commands_consuming`: 1 while a consumer on `gateway.send` is
   * subscribed (commands are taken).
   */
  readonly commandsConsuming: Gauge;
  /**
   * `dispatch_redis_connected`: 1 while Redis answers; 0 when the
   * connection fails, or when a session save has not completed in 5 s (a
   * frozen Redis keeps its connection open), until a save succeeds.
   */
  readonly redisConnected: Gauge;
  /**
   * `dispatch_sessions_saved`: 1 while the last session save succeeded; 0
   * before the first, and while saves fail or hang (Redis refusing writes:
   * OOM, READONLY, an ACL's NOPERM, which `dispatch_redis_connected` does
   * not show): a restart then identifies instead of resuming.
   */
  readonly sessionsSaved: Gauge;
  /**
   * `dispatch_cache_stale`: 1 while the cache lost writes, or (with
   * `STATE_ENABLED`) is not fed at all: Redis unreachable at start.
   */
  readonly cacheStale: Gauge;
  /**
   * `dispatch_default_queue_messages`: messages ready in `gateway.recv` at
   * its last check (at each connection to RabbitMQ, then every minute, with
   * `DEFAULT_QUEUE`; 0 without).
   */
  readonly defaultQueueMessages: Gauge;
  /**
   * `dispatch_default_queue_consumers`: consumers of `gateway.recv` at its
   * last check (with `DEFAULT_QUEUE`; 0 without).
   */
  readonly defaultQueueConsumers: Gauge;
  /**
   * `dispatch_resumes`: RESUMEs answered (a shard going ready by RESUMED).
   * A RESUME cut off by a pause before its RESUMED shows in
   * `gateway_shard_events{type="Resuming"}` and, once replayed, in
   * `gateway_events{type="RESUMED"}`, not here.
   */
  readonly resumes: Counter;
  /** `dispatch_identifies`: sessions started. */
  readonly identifies: Counter;
  /**
   * `dispatch_commands{result}`: commands taken from `gateway.send`, by
   * what became of them: `done` (sent, or the shard restarted), `retried`
   * (back in the queue: the shard is paused or restarting, or the channel
   * was lost while it waited), `elsewhere` (published again at the tail of
   * the queue for the process that runs its shard), `malformed` (not a
   * command, for a shard at or above the bot's shard count, or an op 4 or 8
   * whose guild_id is no 64-bit integer), `failed` (refused: a payload
   * invalid for its op, a non-user opcode, over 4096 bytes; or an
   * unexpected error), `dropped` (its shard stopped for good, took no
   * command for too long, or no consumer ran it for 5 minutes).
   */
  readonly commands: Counter<"result">;
  /**
   * `dispatch_unroutable_events`: dispatches not published because their
   * name cannot be an AMQP routing key (over 255 bytes of UTF-8).
   */
  readonly unroutable: Counter;
  /**
   * `dispatch_oversized_events`: dispatches not published because their
   * message is over the broker's `max_message_size`.
   */
  readonly oversized: Counter;
  /**
   * `dispatch_nacked_events`: publishes RabbitMQ refused (nacks: a queue
   * full with `x-overflow: reject-publish`), each attempt counted; each is
   * sent again until taken.
   */
  readonly nacked: Counter;
  /**
   * `dispatch_returned_events`: publishes RabbitMQ returned as unroutable
   * (with `DEFAULT_QUEUE`: `gateway.recv` deleted or unbound); each is sent
   * again once the queue is declared and bound anew.
   */
  readonly returned: Counter;
  /**
   * `dispatch_sessions_lost`: sessions a shard had and could not resume
   * (e.g. paused past Discord's resume window): the events after its last
   * sequence received are lost.
   */
  readonly sessionsLost: Counter;

  /** Create the metrics on a fresh registry. */
  constructor() {
    const registers = [this.registry];
    // twilight-dispatch serves them (the prometheus crate's process
    // collector), and dashboards built on it read them.
    registerProcessMetrics(this.registry);
    this.events = new Counter({
      name: "gateway_events",
      help: "Gateway dispatches received",
      labelNames: ["type", "shard"],
      registers,
    });
    this.shardEvents = new Counter({
      name: "gateway_shard_events",
      help: `Shard events (${SHARD_EVENT_TYPES.join(", ")})`,
      labelNames: ["type"],
      registers,
    });
    this.guildEvents = new Counter({
      name: "gateway_guild_events",
      help: `Guilds joined and left (${GUILD_EVENT_TYPES.join(", ")})`,
      labelNames: ["type"],
      registers,
    });
    this.shards = new Gauge({
      name: "gateway_shards",
      help: "Shards run by this process",
      registers,
    });
    this.statuses = new Gauge({
      name: "gateway_statuses",
      help: "Shards per status",
      labelNames: ["type"],
      registers,
    });
    this.latencies = new Gauge({
      name: "gateway_latencies",
      help: "Heartbeat round trip per shard, in milliseconds",
      labelNames: ["shard"],
      registers,
    });
    this.state = {};
    for (
      const name of [
        "guilds",
        "channels",
        "messages",
        "members",
        "presences",
        "roles",
        "emojis",
        "voices",
      ]
    ) {
      this.state[name] = new Gauge({
        name: `state_${name}`,
        help: `Cached ${name}`,
        registers,
      });
    }
    this.publishLatency = new Histogram({
      name: "dispatch_publish_latency_seconds",
      help: "From receiving a dispatch to the broker's confirm",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1, 10],
      registers,
    });
    this.published = new Counter({
      name: "dispatch_published",
      help: "Events confirmed by RabbitMQ",
      registers,
    });
    this.buffered = new Gauge({
      name: "dispatch_buffered_events",
      help: "Events waiting for RabbitMQ's confirm",
      registers,
    });
    this.bufferedBytes = new Gauge({
      name: "dispatch_buffered_bytes",
      help:
        "Size of the events waiting for RabbitMQ's confirm (UTF-16 code units of their bodies, bytes for ASCII), as PUBLISH_BUFFER_BYTES bounds it",
      registers,
    });
    this.pausedShards = new Gauge({
      name: "dispatch_paused_shards",
      help: "Shards closed resumably because the publish buffer was full",
      registers,
    });
    this.brokerConnected = new Gauge({
      name: "dispatch_broker_connected",
      help: "1 while RabbitMQ is connected",
      registers,
    });
    this.brokerBlocked = new Gauge({
      name: "dispatch_broker_blocked",
      help:
        "1 while RabbitMQ blocks publishing (a memory or disk alarm): events wait in the buffer",
      registers,
    });
    this.commandsConsuming = new Gauge({
      name: "dispatch_commands_consuming",
      help: "1 while commands are consumed from gateway.send",
      registers,
    });
    this.redisConnected = new Gauge({
      name: "dispatch_redis_connected",
      help: "1 while Redis answers",
      registers,
    });
    this.sessionsSaved = new Gauge({
      name: "dispatch_sessions_saved",
      help:
        "1 while the last session save to Redis succeeded; 0 while saves fail or hang (a restart would identify)",
      registers,
    });
    this.cacheStale = new Gauge({
      name: "dispatch_cache_stale",
      help:
        "1 while the state cache lost writes and is being rebuilt, or is not fed (Redis unreachable at start)",
      registers,
    });
    this.defaultQueueMessages = new Gauge({
      name: "dispatch_default_queue_messages",
      help:
        "Messages ready in gateway.recv at its last check (at each connection, then every minute, with DEFAULT_QUEUE)",
      registers,
    });
    this.defaultQueueConsumers = new Gauge({
      name: "dispatch_default_queue_consumers",
      help: "Consumers of gateway.recv at its last check (with DEFAULT_QUEUE)",
      registers,
    });
    this.resumes = new Counter({
      name: "dispatch_resumes",
      help:
        'RESUMEs answered (a shard going ready by RESUMED); one cut off by a pause counts in gateway_shard_events{type="Resuming"} and gateway_events{type="RESUMED"} only',
      registers,
    });
    this.identifies = new Counter({
      name: "dispatch_identifies",
      help: "Sessions started (READY)",
      registers,
    });
    this.commands = new Counter({
      name: "dispatch_commands",
      help: `Commands taken from gateway.send, by result (${
        COMMAND_RESULTS.join(", ")
      })`,
      labelNames: ["result"],
      registers,
    });
    this.unroutable = new Counter({
      name: "dispatch_unroutable_events",
      help:
        "Dispatches not published: their name is over AMQP's 255-byte routing key limit",
      registers,
    });
    this.oversized = new Counter({
      name: "dispatch_oversized_events",
      help:
        "Dispatches not published: their message is over RabbitMQ's max_message_size",
      registers,
    });
    this.nacked = new Counter({
      name: "dispatch_nacked_events",
      help:
        "Publishes RabbitMQ refused (nack, e.g. a full queue with x-overflow reject-publish), each attempt counted; sent again until taken",
      registers,
    });
    this.returned = new Counter({
      name: "dispatch_returned_events",
      help:
        "Publishes RabbitMQ returned as unroutable (DEFAULT_QUEUE: gateway.recv deleted or unbound); sent again once it is declared and bound anew",
      registers,
    });
    this.sessionsLost = new Counter({
      name: "dispatch_sessions_lost",
      help:
        "Sessions a shard could not resume (a new one started): the events after its last sequence received are lost",
      registers,
    });
    // Every known label value is a series from the start, at 0: Prometheus
    // sees an increase only between two samples of a series, so a series
    // born at its first increment (the first fatal close, failed command or
    // guild left) never fires an increase() or rate() alert.
    for (const type of SHARD_EVENT_TYPES) this.shardEvents.inc({ type }, 0);
    for (const type of GUILD_EVENT_TYPES) this.guildEvents.inc({ type }, 0);
    for (const result of COMMAND_RESULTS) this.commands.inc({ result }, 0);
  }
}
