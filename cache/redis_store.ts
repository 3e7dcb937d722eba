/**
 * {@linkcode RedisCache}: the pure core's changes kept in Redis with
 * twilight-dispatch's key layout, so its existing consumers can read it.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { RedisConnection } from "../redis/connection.ts";
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { Guild } from "../types/objects/guild.ts";
import type { Role } from "../types/objects/role.ts";
import type { User } from "../types/objects/user.ts";
import type {
  CacheChange,
  CachedValue,
  CacheKind,
  CacheLookup,
  CacheUpdate,
} from "./changes.ts";
import type {
  CachedChannel,
  CachedMember,
  CachedMessage,
} from "./memory_store.ts";
import {
  type CacheOptions,
  compareSnowflakes,
  resolveCacheOptions,
  type ResolvedCacheOptions,
} from "./options.ts";
import { BatchOverlay } from "./batch_overlay.ts";
import { removeRole, type RoleRemoval } from "./redis_role_removal.ts";
import { expiryTime, resolveTtl } from "./redis_expiry.ts";
import {
  COMPLETE,
  READ_KIND_KEYS,
  REMOVE_CHANNEL,
  REMOVE_GUILD,
  SWEEP,
  TRIM_MESSAGES,
} from "./redis_scripts.ts";
import { cacheReads, NOTHING, reduceDispatch } from "./reduce.ts";
import { snowflake } from "./reduce_context.ts";
import { isRecord } from "../gateway/payload_guards.ts";

const logger = getLogger(["disruption", "cache", "redis"]);
/** Lost writes are an outage to show without setup. */
const visible = getVisibleLogger(["disruption", "cache", "redis"]);

/** Options for {@linkcode RedisCache}. */
export interface RedisCacheOptions extends CacheOptions {
  /**
   * Seconds a cached member or message lives after its last write; expired
   * ones are removed (keys and set entries) by
   * {@linkcode RedisCache.sweepExpired}. Recorded in the `expiry_keys` hash
   * as twilight-dispatch does (the key, and a JSON string of the UTC time),
   * so either one's sweep removes the other's.
   *
   * @default {{}} (no expiry)
   */
  ttl?: { members?: number; messages?: number };
  /**
   * Called once when a Redis failure made the cache stale (writes were
   * lost). It is rebuilt guild by guild from the next GUILD_CREATEs; a new
   * gateway session (re-IDENTIFY) sends them all.
   */
  onStale?: (error: unknown) => void;
  /**
   * The clock for expiry.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

const UNKEYED = new Set<CacheKind>(["user"]);

/**
 * The kinds the core reads a guild's whole list of (channels for a thread
 * sync or a channel's threads, emojis, stickers and sounds for their list
 * events): each also has a set of its own per guild, `guild_kind_keys:G:K`,
 * so that such a read does not fetch the guild's every key (a guild of
 * 100,000 members holds as many in `guild_keys:G`: 200 ms a read).
 */
const INDEXED = new Set<CacheKind>([
  "channel",
  "emoji",
  "sticker",
  "soundboard_sound",
]);

/** The set of a guild's keys of one indexed kind. */
function kindKeys(guildId: string, kind: CacheKind): string {
  return `guild_kind_keys:${guildId}:${kind}`;
}

/**
 * Dispatches applied as one batch at most, when calls pile up (more make
 * one round trip's reads and writes larger without saving round trips).
 */
const MAX_BATCH = 1_000;

/**
 * Dispatches that may wait for Redis at most. Past it the store drops the
 * next ones and says it is stale (as when Redis is down): a Redis that is
 * up but slower than the gateway (a long script, a saturated server) would
 * otherwise hold every event the process receives, without bound.
 */
export const MAX_WAITING = 20_000;

/**
 * The longest JSON text kept under one key (1 MiB, far above any entity
 * Discord sends): a hostile payload re-read and re-written by every small
 * event that patches it made each reaction on a 5 MB message cost 27 ms,
 * not 0.4. A longer value is kept as absent, an entity not held.
 */
export const MAX_VALUE_LENGTH = 1 << 20;

type Pipeline = ReturnType<RedisConnection["pipeline"]>;

/** One step of a batch's writes: a pipeline, or a role's chunked removal. */
type WriteStep = { pipeline: Pipeline } | { removal: RoleRemoval };

/** A call of applyBatch waiting for its turn. */
interface Waiting {
  dispatches: readonly { event: string; data: unknown }[];
  resolve: (updates: CacheUpdate[]) => void;
}

/** The Redis key of an entity (twilight-dispatch's layout). */
export function redisKey(kind: CacheKind, scope: string, id: string): string {
  switch (kind) {
    case "bot_user":
      return "bot_user";
    case "guild":
      return `guild:${id}`;
    case "channel":
      return `channel:${id}`;
    case "message":
      return `message:${scope}:${id}`;
    default:
      return `${kind}:${scope}:${id}`;
  }
}

/**
 * The Redis store. {@linkcode RedisCache.apply} takes one dispatch: it reads
 * what the core needs in one round trip, computes the changes, sends the
 * writes as one pipeline (not awaited: the next dispatch's reads queue
 * behind them on the same connection) and returns the previous state. A
 * call made before the last one resolved waits for it (so it sees its
 * writes); calls that wait together run as one batch.
 * Usable from a Client or from a standalone process (the dispatch service).
 *
 * Layout (values are Discord's JSON as text): `bot_user`, `guild:G`,
 * `channel:C`, `role:G:R`, `emoji:G:E`, `member:G:U`, `presence:G:U`,
 * `voice:G:U`, `message:C:M`, and beyond twilight-dispatch's set
 * `sticker:G:S`, `stage_instance:G:I`, `scheduled_event:G:E`,
 * `soundboard_sound:G:S`, `integration:G:I`. Sets: `<kind>_keys` (every key of a kind),
 * `guild_keys:G` (a guild's keys, channels included), `channel_keys:C`
 * (a channel's messages), and beyond twilight-dispatch's
 * `guild_kind_keys:G:K` (a guild's channel, emoji, sticker and soundboard
 * sound keys, the lists the core reads whole). Users live inside members and messages: the
 * layout has no user key. Values differ from twilight-dispatch's on
 * purpose in a few ways (README, "Cache"): a guild holds none of its lists,
 * an outage keeps the guild, threads are channels, and voice states and
 * messages carry no `member`.
 *
 * A Redis failure never throws out of `apply`: it is logged, the cache is
 * marked {@linkcode RedisCache.stale} and `onStale` is called once. So is
 * a Redis too slow to keep up: past 20,000 dispatches waiting, the next
 * ones are dropped (they get no previous state) rather than held.
 *
 * @example Keep a bot's state in Redis
 * ```ts
 * import { RedisCache } from "@disruption/disruption/cache";
 * import { closeRedis, connectRedis } from "@disruption/disruption/redis";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
 *   const cache = new RedisCache(redis, { resources: ["guilds", "channels", "members"] });
 *   const { old } = await cache.apply("GUILD_UPDATE", { id: "1", name: "Renamed" });
 *   console.log(old, await cache.guild("1"));
 *   await closeRedis(redis);
 * }
 * void main; // needs a server: defined, not run
 * ```
 */
export class RedisCache {
  readonly #redis: RedisConnection;
  readonly #options: ResolvedCacheOptions;
  readonly #ttl: { members?: number; messages?: number };
  readonly #onStale: ((error: unknown) => void) | undefined;
  readonly #scheduler: Scheduler;
  #stale = false;
  /** Calls of applyBatch waiting for the batch in progress. */
  #waiting: Waiting[] = [];
  /** The dispatches in {@linkcode RedisCache.#waiting}. */
  #waitingDispatches = 0;
  #draining = false;
  /** What the batch just applied still writes after its pipeline. */
  #afterBatch: Promise<void> | undefined;

  /**
   * Create a store on a connection from `connectRedis`.
   *
   * @param redis The connection (closing it stays the caller's job).
   * @param options What to keep, and expiry.
   * @throws {TypeError} An unknown resource, or `ttl` not an object.
   * @throws {RangeError} A bad message bound, or a `ttl` that is not a
   * positive number of seconds.
   */
  constructor(redis: RedisConnection, options: RedisCacheOptions = {}) {
    this.#redis = redis;
    this.#options = resolveCacheOptions(options);
    this.#ttl = resolveTtl(options.ttl);
    this.#onStale = options.onStale;
    this.#scheduler = options.scheduler ?? realScheduler;
  }

  /** Whether writes were lost to a Redis failure since the last rebuild. */
  get stale(): boolean {
    return this.#stale;
  }

  /**
   * Apply one dispatch.
   *
   * @param event The dispatch's `t`.
   * @param data The dispatch's `d`.
   * @returns The changes and the previous state (nothing when Redis failed).
   */
  async apply(event: string, data: unknown): Promise<CacheUpdate> {
    return (await this.applyBatch([{ event, data }]))[0]!;
  }

  /**
   * Apply several dispatches, in order, with one round trip of reads for
   * the whole batch (two when some event needs a whole list, e.g. a guild's
   * emojis) and one pipeline of writes: the way a busy shard's cache keeps
   * up. Each dispatch sees the state its predecessors in the batch left, as
   * with {@linkcode RedisCache.apply} one by one.
   *
   * Calls need not be awaited one by one: one made before the last one
   * resolved waits for its writes to be sent (it sees them), and the calls
   * waiting together run as one batch.
   *
   * @param dispatches The dispatches (`t` and `d`), in gateway order.
   * @returns One update per dispatch (nothing for any when Redis failed).
   */
  applyBatch(
    dispatches: readonly { event: string; data: unknown }[],
  ): Promise<CacheUpdate[]> {
    if (this.#waitingDispatches + dispatches.length > MAX_WAITING) {
      this.#failed(
        new Error(
          `Redis is too slow: ${this.#waitingDispatches} dispatches are waiting, and more are dropped`,
        ),
      );
      return Promise.resolve(dispatches.map(() => NOTHING));
    }
    this.#waitingDispatches += dispatches.length;
    return new Promise((resolve) => {
      this.#waiting.push({ dispatches, resolve });
      if (!this.#draining) void this.#drain();
    });
  }

  /**
   * Run the waiting calls, those that came during one batch's reads as the
   * next batch: a batch's reads are sent after the writes of the one before
   * it, on the same connection, so each sees what its predecessors wrote
   * even when the caller does not await each call (the dispatch service);
   * and calls that pile up meanwhile cost one round trip together.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length > 0) {
      const calls: Waiting[] = [];
      let count = 0;
      while (this.#waiting.length > 0 && count < MAX_BATCH) {
        const call = this.#waiting.shift()!;
        calls.push(call);
        count += call.dispatches.length;
        this.#waitingDispatches -= call.dispatches.length;
      }
      const dispatches = calls.length === 1
        ? calls[0]!.dispatches
        : calls.flatMap((call) => call.dispatches);
      let updates: CacheUpdate[];
      try {
        updates = await this.#applyNow(dispatches);
      } catch (error) {
        this.#failed(error);
        updates = dispatches.map(() => NOTHING);
      }
      let from = 0;
      for (const call of calls) {
        const to = from + call.dispatches.length;
        call.resolve(updates.slice(from, to));
        from = to;
      }
      // What this batch still writes lands before the next one reads.
      await this.#afterBatch;
      this.#afterBatch = undefined;
    }
    this.#draining = false;
  }

  async #applyNow(
    dispatches: readonly { event: string; data: unknown }[],
  ): Promise<CacheUpdate[]> {
    if (dispatches.length === 0) return []; // flush's turn: nothing to write
    const failed = (): CacheUpdate[] => dispatches.map(() => NOTHING);
    if (this.#redis.status !== "ready") {
      // Down or reconnecting: fail fast rather than hold the gateway's
      // events behind a queue that may never drain.
      this.#failed(new Error(`the connection is ${this.#redis.status}`));
      return failed();
    }
    // The core throwing on a payload (a bug it should not have) costs that
    // dispatch its changes and marks the cache stale; it never rejects the
    // batch, whose other writes would be lost without a trace.
    const reads = dispatches.flatMap(({ event, data }) => {
      try {
        return cacheReads(event, data, this.#options);
      } catch {
        return []; // reported when it is reduced
      }
    });
    const single = dispatches.length === 1;
    // In a batch, a message created can evict one a later dispatch reads:
    // the overlay trims as the store will, knowing each such channel's ids;
    // and a guild removed takes the messages of its channels only: the
    // overlay knows each message's channel.
    const trimmed: string[] = [];
    if (!single) {
      for (const [channelId, created] of messageChannels(dispatches)) {
        if (created) trimmed.push(channelId);
        reads.push({ type: "get", kind: "channel", scope: "", id: channelId });
      }
    }
    let snapshot: CacheLookup = EMPTY_LOOKUP;
    if (reads.length > 0 || trimmed.length > 0) {
      try {
        snapshot = await this.#fetch(reads, trimmed);
      } catch (error) {
        this.#failed(error);
        return failed();
      }
    }
    const state = single
      ? snapshot
      : new BatchOverlay(snapshot, redisKey, this.#options);
    const updates: CacheUpdate[] = [];
    // The writes in order: one pipeline, split where a role is deleted,
    // whose members are stripped between the two (see removeRole).
    let pipeline = this.#redis.pipeline();
    const steps: WriteStep[] = [{ pipeline }];
    const emptied = new Set<string>();
    let writes = 0;
    for (const { event, data } of dispatches) {
      let update: CacheUpdate;
      try {
        update = reduceDispatch(state, event, data, this.#options);
      } catch (error) {
        this.#failed(error);
        updates.push(NOTHING);
        continue;
      }
      if (!single) (state as BatchOverlay).apply(update.changes);
      for (const change of update.changes) {
        if (change.op === "remove_role") {
          pipeline = this.#redis.pipeline();
          steps.push({ removal: change }, { pipeline });
        } else this.#write(pipeline, change, emptied);
      }
      writes += update.changes.length;
      updates.push(update);
      if (event === "READY" && this.#stale) {
        this.#stale = false;
        logger.info(
          "Redis cache: a new session; guilds are rebuilt as they arrive",
        );
      }
    }
    if (writes > 0) {
      const [first, ...rest] = steps as [
        { pipeline: Pipeline },
        ...WriteStep[],
      ];
      const written = this.#exec(first.pipeline);
      // The next batch waits for the rest (see #drain).
      if (rest.length > 0) {
        this.#afterBatch = (async () => {
          await written;
          for (const step of rest) {
            if ("removal" in step) await removeRole(this.#redis, step.removal);
            else await this.#exec(step.pipeline);
          }
        })().catch((error) => this.#failed(error));
      }
    }
    return updates;
  }

  /** Send a pipeline's writes; a failure marks the cache stale. */
  #exec(pipeline: Pipeline): Promise<void> {
    return pipeline.exec().then((results) => {
      const error = results?.find(([error]) => error !== null);
      if (error) this.#failed(error[0]);
    }, (error) => this.#failed(error));
  }

  /** Wait until the writes of every call so far have been answered. */
  async flush(): Promise<void> {
    await this.applyBatch([]); // behind the calls still waiting
    await this.#redis.ping();
  }

  /**
   * Remove members and messages whose time is up (see `ttl`). Call it
   * periodically, e.g. every second.
   *
   * @returns How many entities were removed.
   */
  async sweepExpired(): Promise<number> {
    return Number(
      await this.#redis.eval(SWEEP, 0, String(this.#scheduler.now())),
    );
  }

  // Getters (Discord JSON) ----------------------------------------------

  /**
   * One entity by kind, scope and id.
   *
   * @returns The value, or `undefined`.
   */
  async get(
    kind: CacheKind,
    scope: string,
    id: string,
  ): Promise<CachedValue | undefined> {
    const text = await this.#redis.get(redisKey(kind, scope, id));
    return text === null ? undefined : parseValue(text);
  }

  /** The bot's user. */
  botUser(): Promise<User | undefined> {
    return this.get("bot_user", "", "@me") as Promise<User | undefined>;
  }

  /** A guild, without its collections. */
  guild(id: Snowflake): Promise<Guild | undefined> {
    return this.get("guild", "", id) as Promise<Guild | undefined>;
  }

  /** A channel or thread. */
  channel(id: Snowflake): Promise<CachedChannel | undefined> {
    return this.get("channel", "", id) as Promise<CachedChannel | undefined>;
  }

  /** A role. */
  role(guildId: Snowflake, roleId: Snowflake): Promise<Role | undefined> {
    return this.get("role", guildId, roleId) as Promise<Role | undefined>;
  }

  /** A member with its user. */
  member(
    guildId: Snowflake,
    userId: Snowflake,
  ): Promise<CachedMember | undefined> {
    return this.get("member", guildId, userId) as Promise<
      CachedMember | undefined
    >;
  }

  /** A message. */
  message(
    channelId: Snowflake,
    messageId: Snowflake,
  ): Promise<CachedMessage | undefined> {
    return this.get("message", channelId, messageId) as Promise<
      CachedMessage | undefined
    >;
  }

  /** A channel's cached messages, oldest first. */
  async channelMessages(channelId: Snowflake): Promise<CachedMessage[]> {
    const keys = await this.#redis.smembers(`channel_keys:${channelId}`);
    return (await this.#values(keys) as unknown as CachedMessage[])
      .sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  /**
   * Every entity of a kind in a scope (a guild's roles, a channel's
   * messages, …), as the core sees them.
   *
   * @returns The values.
   */
  async all(kind: CacheKind, scope: string): Promise<CachedValue[]> {
    // The core's own read of a whole list, so both find the same keys.
    const lookup = await this.#fetch([{ type: "all", kind, scope }]);
    const values: CachedValue[] = [];
    for (const id of lookup.ids(kind, scope)) {
      const value = lookup.get(kind, scope, id);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  // ---------------------------------------------------------------------

  async #values(keys: string[]): Promise<CachedValue[]> {
    if (keys.length === 0) return [];
    const texts = await this.#redis.mget(keys);
    const values: CachedValue[] = [];
    for (const text of texts) {
      const value = text === null ? undefined : parseValue(text);
      if (value !== undefined) values.push(value);
    }
    return values;
  }

  /**
   * Fetch what the core will read, into a synchronous lookup, and the
   * message ids (not the messages) of `messageChannels`.
   */
  async #fetch(
    reads: ReturnType<typeof cacheReads>,
    messageChannels: readonly string[] = [],
  ): Promise<CacheLookup> {
    const values = new Map<string, CachedValue>();
    const sets = new Map<string, string[]>();
    const gets: string[] = [];
    const alls: { kind: CacheKind; scope: string }[] = [];
    for (const read of reads) {
      if (UNKEYED.has(read.kind)) continue;
      if (read.type === "get") {
        gets.push(redisKey(read.kind, read.scope, read.id));
      } else alls.push(read);
    }
    const pipeline = this.#redis.pipeline();
    if (gets.length > 0) pipeline.mget(gets);
    for (const { kind, scope } of alls) {
      if (INDEXED.has(kind) && scope !== "") {
        pipeline.eval(
          READ_KIND_KEYS,
          2,
          kindKeys(scope, kind),
          `guild_keys:${scope}`,
          redisKey(kind, scope, ""),
        );
      } else {
        pipeline.smembers(
          kind === "message"
            ? `channel_keys:${scope}`
            : kind === "guild"
            ? "guild_keys"
            : `guild_keys:${scope}`,
        );
      }
    }
    for (const channelId of messageChannels) {
      pipeline.smembers(`channel_keys:${channelId}`);
    }
    const results = await pipeline.exec();
    if (results === null) throw new Error("Redis pipeline was discarded");
    let index = 0;
    if (gets.length > 0) {
      const [error, texts] = results[index++]!;
      if (error) throw error;
      (texts as (string | null)[]).forEach((text, i) => {
        const value = text === null ? undefined : parseValue(text);
        if (value !== undefined) values.set(gets[i]!, value);
      });
    }
    const more: string[] = [];
    for (const { kind, scope } of alls) {
      const [error, members] = results[index++]!;
      if (error) throw error;
      const prefix = redisKey(kind, scope, "");
      const keys = (members as string[]).filter((k) => k.startsWith(prefix));
      sets.set(`${kind}\0${scope}`, keys.map((k) => k.slice(prefix.length)));
      more.push(...keys.filter((k) => !values.has(k)));
    }
    for (const channelId of messageChannels) {
      const [error, members] = results[index++]!;
      if (error) throw error;
      const prefix = `message:${channelId}:`;
      sets.set(
        `message\0${channelId}`,
        (members as string[]).filter((k) => k.startsWith(prefix)).map((k) =>
          k.slice(prefix.length)
        ),
      );
    }
    if (more.length > 0) {
      const texts = await this.#redis.mget(more);
      texts.forEach((text, i) => {
        const value = text === null ? undefined : parseValue(text);
        if (value !== undefined) values.set(more[i]!, value);
      });
    }
    return {
      get: (kind, scope, id) => values.get(redisKey(kind, scope, id)),
      ids: (kind, scope) => sets.get(`${kind}\0${scope}`) ?? [],
    };
  }

  /**
   * Queue one change's writes.
   *
   * @param emptied Guilds removed earlier in this pipeline (a guild set
   * after its removal is rebuilt whole: its kind sets become complete).
   */
  #write(
    pipeline: Pipeline,
    change: CacheChange,
    emptied: Set<string>,
  ): void {
    switch (change.op) {
      case "set": {
        const { kind, scope, id } = change;
        if (UNKEYED.has(kind)) return;
        const key = redisKey(kind, scope, id);
        const text = JSON.stringify(change.value);
        if (text.length > MAX_VALUE_LENGTH) {
          logger.warn(
            "Not caching {key}: its JSON has {length} characters, more than the {max} a cached value may have",
            { key, length: text.length, max: MAX_VALUE_LENGTH },
          );
          this.#write(pipeline, { op: "delete", kind, scope, id }, emptied);
          return;
        }
        pipeline.set(key, text);
        if (kind === "bot_user") return;
        pipeline.sadd(`${kind}_keys`, key);
        if (kind === "message") {
          pipeline.sadd(`channel_keys:${scope}`, key);
          pipeline.eval(
            TRIM_MESSAGES,
            1,
            `channel_keys:${scope}`,
            this.#options.perChannel,
            this.#options.maxAge ?? -1,
          );
        } else if (kind !== "guild" && scope !== "") {
          pipeline.sadd(`guild_keys:${scope}`, key);
          if (INDEXED.has(kind)) pipeline.sadd(kindKeys(scope, kind), key);
        } else if (kind === "guild" && emptied.has(id)) {
          // Rebuilt from nothing in this batch: its kind sets are whole.
          for (const indexed of INDEXED) {
            pipeline.sadd(kindKeys(id, indexed), COMPLETE);
          }
        }
        const ttl = kind === "member"
          ? this.#ttl.members
          : kind === "message"
          ? this.#ttl.messages
          : undefined;
        if (ttl !== undefined) {
          pipeline.hset(
            "expiry_keys",
            key,
            expiryTime(this.#scheduler.now() + ttl * 1000),
          );
        }
        return;
      }
      case "delete": {
        const { kind, scope, id } = change;
        if (UNKEYED.has(kind)) return;
        const key = redisKey(kind, scope, id);
        pipeline.del(key);
        if (kind === "bot_user") return;
        pipeline.srem(`${kind}_keys`, key);
        pipeline.hdel("expiry_keys", key);
        if (kind === "message") pipeline.srem(`channel_keys:${scope}`, key);
        else if (kind !== "guild" && scope !== "") {
          pipeline.srem(`guild_keys:${scope}`, key);
          if (INDEXED.has(kind)) pipeline.srem(kindKeys(scope, kind), key);
        }
        return;
      }
      case "remove_channel":
        pipeline.eval(
          REMOVE_CHANNEL,
          4,
          `channel:${change.id}`,
          `channel_keys:${change.id}`,
          change.scope === "" ? "guild_keys:" : `guild_keys:${change.scope}`,
          change.scope === ""
            ? "guild_kind_keys:"
            : kindKeys(change.scope, "channel"),
        );
        return;
      case "remove_role":
        return; // between two pipelines (see #applyNow)
      case "remove_guild":
        pipeline.eval(
          REMOVE_GUILD,
          2 + INDEXED.size,
          `guild:${change.id}`,
          `guild_keys:${change.id}`,
          ...[...INDEXED].map((kind) => kindKeys(change.id, kind)),
        );
        emptied.add(change.id);
        return;
    }
  }

  #failed(error: unknown): void {
    if (this.#stale) return;
    this.#stale = true;
    visible.error(
      "Redis cache: a Redis failure lost writes ({message}); the cache is stale until guilds are sent again (GUILD_CREATE)",
      { message: error instanceof Error ? error.message : String(error) },
    );
    try {
      this.#onStale?.(error);
    } catch (callbackError) {
      visible.error("Redis cache: onStale threw: {callbackError}", {
        callbackError,
      });
    }
  }
}

/**
 * The channels the batch's message events name, each once, and whether an
 * event that may add a message (MESSAGE_CREATE, or a MESSAGE_UPDATE of one
 * not held) names it.
 */
function messageChannels(
  dispatches: readonly { event: string; data: unknown }[],
): Map<string, boolean> {
  const channels = new Map<string, boolean>();
  for (const { event, data } of dispatches) {
    if (!event.startsWith("MESSAGE_") || !isRecord(data)) continue;
    const channelId = snowflake(data.channel_id);
    if (channelId === undefined) continue;
    const created = event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE";
    channels.set(channelId, created || channels.get(channelId) === true);
  }
  return channels;
}

/**
 * A stored value, or undefined for text that is not a JSON object (written
 * by another program, or corrupt): the core reads fields of what it gets,
 * and `null` threw out of apply without marking the cache stale. Such a
 * value counts as absent and is replaced by the next write of its entity.
 */
function parseValue(text: string): CachedValue | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const EMPTY_LOOKUP: CacheLookup = {
  get: () => undefined,
  ids: () => [],
};
