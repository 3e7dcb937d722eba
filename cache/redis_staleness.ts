// When the Redis store's state may be wrong, and when it is right again:
// writes lost to a failure, a server restarted or replaced between events,
// a connection lost with writes unanswered; and a new session of every shard
// that fed the store, after what no GUILD_CREATE rebuilds was dropped.
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { RedisConnection } from "../redis/connection.ts";
import {
  lostSince,
  type RedisServerSession,
  serverSession,
} from "../redis/server_session.ts";
import { isRecord } from "../base/is_record.ts";
import { assertShardId } from "../gateway/saved_session.ts";
import { sweepOrphanGuilds } from "./redis_orphan_sweep.ts";
import {
  dropWrongTyped,
  GLOBAL_INDEXES,
  isWrongType,
} from "./redis_wrong_type.ts";

const logger = getLogger(["disruption", "cache", "redis"]);
/** Lost writes are an outage to show without setup. */
const visible = getVisibleLogger(["disruption", "cache", "redis"]);

/** Whether the Redis store is stale, and what makes it so and not. */
export class RedisStaleness {
  readonly #redis: RedisConnection;
  readonly #onStale: ((error: unknown) => void) | undefined;
  #stale = false;
  /** The connection's server, as connectRedis follows it. */
  readonly #session: RedisServerSession | undefined;
  /** The session's drops and run_id as last checked. */
  #drops: number;
  #runId: Promise<string | undefined> | undefined;
  /**
   * The shards (READY's `shard[0]`; 0 without one) whose sessions fed the
   * store: one store may serve several (the dispatch service's does). All
   * of one shard count, {@linkcode RedisStaleness.#count}.
   */
  readonly #shards = new Set<number>();
  /**
   * The shard count of the last READY seen (1 without `shard`); undefined
   * before any, when the ids in `#shards` came from the `shardIds` option or
   * markStale (taken as of the first READY's count).
   */
  #count: number | undefined;
  /** The calls admitted so far (see {@linkcode RedisStaleness.admit}). */
  #admitted = 0;
  /**
   * The last call whose dispatches or writes may be lost: a READY admitted
   * up to it does not end the staleness (what was lost after it is not
   * rebuilt by it). A backlog drops calls while a READY before them still
   * waits its turn, and that READY, reduced later, said the cache was fresh
   * without them.
   */
  #lostThrough = 0;
  /**
   * The shards whose state may be wrong since the cache went stale: it is
   * stale until each has started a new session (a READY, then its guilds).
   */
  #toRebuild = new Set<number>();
  /**
   * Index keys a failure that said WRONGTYPE may have come from (see
   * redis_wrong_type.ts): looked at before the next batch.
   */
  readonly #suspects = new Set<string>();
  /** Whether another bot's READY was said (once: see `#otherBot`). */
  #otherBotSaid = false;

  /**
   * @param redis The store's connection.
   * @param onStale Called once each time the cache goes stale.
   * @param shards The shards known to feed the store from the start.
   */
  constructor(
    redis: RedisConnection,
    onStale: ((error: unknown) => void) | undefined,
    shards: readonly number[] = [],
  ) {
    this.#redis = redis;
    this.#onStale = onStale;
    for (const shard of shards) this.#shards.add(shard);
    this.#session = serverSession(redis);
    this.#drops = this.#session?.drops ?? 0;
    this.#runId = this.#session?.runId;
  }

  /** Whether writes may have been lost since the last rebuild. */
  get stale(): boolean {
    return this.#stale;
  }

  /**
   * `promise`, or a rejection as soon as the connection is lost while it is
   * pending: the client would hold the commands it waits for until it
   * reconnects (which may be never), and the events behind them with them.
   * Taken before the commands are sent, so that a loss in between counts.
   */
  untilLost(): <T>(promise: Promise<T>) => Promise<T> {
    const session = this.#session;
    if (session === undefined) return (promise) => promise;
    const lostNow = lostSince(session);
    const lost = (): Error =>
      new Error("the connection to Redis was lost while awaiting its answers");
    // A callback per wait, forgotten when the wait ends: one reaction per
    // batch on a promise that lives until the next loss kept every batch's
    // answers (2.5 KB an event) for as long as the connection stayed up.
    return <T>(promise: Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (lostNow()) {
          promise.catch(() => {}); // settles after the reconnect, unread
          reject(lost());
          return;
        }
        const forget = session.onLost(() => reject(lost()));
        promise.then((value) => {
          forget();
          resolve(value);
        }, (error) => {
          forget();
          reject(error);
        });
      });
  }

  /**
   * Whether the connection was lost since this call (see
   * {@linkcode RedisStaleness.checkLost}).
   */
  lostSince(): () => boolean {
    return lostSince(this.#session);
  }

  /**
   * A call of the store was admitted: its number, in the order the store
   * got them (see {@linkcode RedisStaleness.sessionStarted}). A call
   * dropped unadmitted takes one too: it comes after all admitted before.
   */
  admit(): number {
    return ++this.#admitted;
  }

  /**
   * The shards whose state may be wrong: each must start a new session
   * (send a READY) before the cache is right. Empty while not stale, and
   * while stale before any shard fed the store (the first READY clears it).
   */
  get awaiting(): number[] {
    return this.#stale ? [...this.#toRebuild] : [];
  }

  /**
   * The store missed events of these shards (it was created after their
   * sessions began, or a previous process's store was stale for them):
   * stale until each starts a new session.
   */
  missed(shards: Iterable<number>, error: unknown): void {
    for (const shard of shards) this.#shards.add(shard);
    // What was missed came before any call: a READY admitted already
    // (events flow while a service reads its saved stale shards) ends it.
    this.failed(error, 0, "it missed events");
  }

  /**
   * Dispatches were dropped unapplied (Redis down, too slow, or failing):
   * writes lost, as {@linkcode RedisStaleness.failed} says. The shard of
   * each READY among them is seen first, so it must start a new session
   * before the cache is fresh: a shard whose first session started during
   * an outage was otherwise never known, and the next READY of another
   * shard said the cache was fresh while it missed that shard's guilds.
   *
   * @param dispatches The dispatches dropped.
   * @param error What dropped them.
   * @param through The last call they may include (see `failed`).
   */
  dropped(
    dispatches: readonly { event: string; data: unknown }[],
    error: unknown,
    through?: number,
  ): void {
    for (const { event, data } of dispatches) {
      if (event !== "READY") continue;
      const shard = readyShard(data);
      if (shard !== undefined) this.#see(shard);
    }
    this.failed(error, through);
  }

  /**
   * Writes were lost: the cache is stale (logged, `onStale` once).
   *
   * @param error What lost them.
   * @param through The last call (its number from `admit`) whose writes
   *   they may include: a READY of a later call ends the staleness. Every
   *   call admitted so far unless known.
   * @param what The loss, as the log says it: by default a Redis failure,
   *   or a fault in the cache when `error` is one (see `isCacheFault`).
   */
  failed(error: unknown, through = this.#admitted, what?: string): void {
    this.#goStale(
      error,
      through,
      () =>
        what === undefined && isCacheFault(error)
          // Its stack too, last (an Error in the line has it on stderr): a
          // fault to report, which an operator would look for in Redis.
          ? visible.error(
            "Redis cache: a fault in the cache (not Redis) lost writes; the cache is stale until each shard starts a new session (its READY) and its guilds are sent again: {error}",
            { error },
          )
          : visible.error(
            "Redis cache: {what} ({message}); the cache is stale until each shard starts a new session (its READY) and its guilds are sent again",
            {
              what: what ?? "a Redis failure lost writes",
              message: errorText(error),
            },
          ),
    );
  }

  /**
   * Writes were lost (see {@linkcode RedisStaleness.failed}): `say` logs
   * it when the cache was not stale yet.
   */
  #goStale(error: unknown, through: number, say: () => void): void {
    this.#lostThrough = Math.max(this.#lostThrough, through);
    // Every shard's state may be wrong again, those rebuilt since included.
    this.#toRebuild = new Set(this.#shards);
    if (this.#stale) return;
    this.#stale = true;
    say();
    try {
      this.#onStale?.(error);
    } catch (callbackError) {
      visible.error("Redis cache: onStale threw: {callbackError}", {
        callbackError,
      });
    }
  }

  /**
   * A batch failed with `error`: when Redis said WRONGTYPE, the index keys
   * it read or wrote (`keys`, computed only then) are looked at before the
   * next batch, and those of another type deleted (see redis_wrong_type.ts).
   */
  suspect(error: unknown, keys: () => Iterable<string>): void {
    if (!isWrongType(error)) return;
    for (const key of keys()) this.#suspects.add(key);
  }

  /**
   * Mark the cache stale when the server may have lost what it was sent
   * since the last check: the connection was lost, and the server that
   * answers now is another process (its run_id is new each start: a restart
   * without persistence lost everything, one with it what was not yet
   * saved, a failover what was not yet replicated). A drop to the same
   * server loses nothing that was answered; what was unanswered is checked
   * by {@linkcode RedisStaleness.checkLost}. A server that does not tell
   * its run_id (INFO refused) is taken as another one: stale at each drop,
   * as what it kept cannot be known. Only waits when there was a drop.
   */
  async checkServer(through: number): Promise<void> {
    const session = this.#session;
    if (session === undefined || session.drops === this.#drops) return;
    const drops = session.drops;
    const [before, now] = await Promise.all([this.#runId, session.runId]);
    if (before === undefined || now === undefined || before !== now) {
      this.failed(
        new Error(
          "the Redis server was restarted or replaced: what it held may be lost",
        ),
        through,
      );
    }
    this.#drops = drops;
    this.#runId = session.runId;
  }

  /**
   * Mark the cache stale when the connection was lost while a batch's
   * commands were unanswered (`lost`: {@linkcode RedisStaleness.lostSince}
   * taken when they were sent): the client sends them again, but whether the
   * server had applied them, which server they went to, or whether a
   * pipeline was cut in two cannot be known.
   */
  checkLost(lost: () => boolean, through: number): void {
    if (lost()) {
      this.failed(
        new Error(
          "the connection to Redis was lost while writes were unanswered",
        ),
        through,
      );
    }
  }

  /**
   * Before a batch: what no GUILD_CREATE rebuilds (DM channels, and
   * messages of channels no guild holds) is dropped by shard 0's READY
   * itself, stale or not (the core's `remove_unguilded`): after an outage,
   * as after a lost session, they may miss changes for good.
   *
   * Before any READY of a stale cache, and any batch after a WRONGTYPE
   * failure (see {@linkcode RedisStaleness.suspect}), an index that holds
   * another type than the store's (written by hand or by another program:
   * every write to it failed, and so would its reads, for good) is deleted,
   * with a warning: the global ones then (every `<kind>_keys`,
   * `expiry_keys`, the applied marks' hash), the failed batch's per-guild
   * and per-channel ones after a failure. Never on a fresh cache's
   * batches: no round trip is added to the normal event path. A stale
   * cache's READY sweeps its shard's orphan guilds first (see
   * redis_orphan_sweep.ts).
   *
   * @returns When done; rejects with Redis's error.
   */
  async beforeBatch(
    dispatches: readonly { event: string; data: unknown }[],
  ): Promise<void> {
    const ready = dispatches.some(({ event }) => event === "READY");
    const check = new Set(this.#suspects);
    if (this.#stale && ready) {
      for (const key of GLOBAL_INDEXES) {
        check.add(key);
      }
    }
    if (check.size > 0) {
      await dropWrongTyped(this.#redis, check);
      for (const key of check) this.#suspects.delete(key);
    }
    // The READYs that rebuild their shard's state.
    const rebuilding = dispatches.flatMap(({ event, data }) => {
      const shard = event === "READY" ? readyShard(data) : undefined;
      return shard !== undefined && this.#stale &&
          (this.#toRebuild.has(shard.id) || this.#shards.size === 0)
        ? [{ id: shard.id, data }]
        : [];
    });
    // What writes re-sent across a restart left of guilds a READY no longer
    // holds is removed first (see redis_orphan_sweep.ts), as no later event
    // names them.
    for (const { data } of rebuilding) {
      await sweepOrphanGuilds(this.#redis, data);
    }
  }

  /**
   * A READY was applied: its shard's session starts again, so its guilds
   * are rebuilt by the GUILD_CREATEs that follow. The cache stops being
   * stale once every shard that fed it did so: one shard's new session says
   * nothing of another's guilds (which may have resumed, and never be sent
   * again).
   *
   * @param stored The `bot_user` the READY replaced (see `#otherBot`).
   */
  sessionStarted(data: unknown, admitted: number, stored?: unknown): void {
    const ready = readyShard(data);
    if (ready !== undefined) this.#see(ready);
    if (this.#otherBot(stored, data, admitted)) return;
    if (ready === undefined) return; // cannot tell whose: stays stale
    // A loss of what was admitted after this READY (dropped while it
    // waited its turn) is not rebuilt by it: the cache stays stale for its
    // shard until the next.
    if (!this.#stale || admitted <= this.#lostThrough) return;
    const shard = ready.id;
    this.#toRebuild.delete(shard);
    if (this.#toRebuild.size > 0) {
      logger.info(
        "Redis cache: a new session of shard {shard}; stale until shards {shards} start one too",
        { shard, shards: [...this.#toRebuild].join(", ") },
      );
      return;
    }
    this.#stale = false;
    logger.info(
      "Redis cache: a new session; guilds are rebuilt as they arrive",
    );
  }

  /**
   * Whether the READY (`data`) is of another bot than the `bot_user` it
   * replaced (`stored`): two bots share the database (the layout is
   * twilight-dispatch's, without a prefix), and each one's READY removes
   * the other's guilds and replaces its bot user. Said visibly once, with
   * the fix; the cache is then stale, this READY not ending it. The stored
   * user is one the READY's own reads fetched: no round trip more.
   */
  #otherBot(stored: unknown, data: unknown, admitted: number): boolean {
    const before = isRecord(stored) ? stored.id : undefined;
    const user = isRecord(data) && isRecord(data.user)
      ? data.user.id
      : undefined;
    if (
      typeof before !== "string" || typeof user !== "string" ||
      before === user
    ) return false;
    const error = new Error(
      `the database held bot ${before}'s state and bot ${user}'s READY replaced it: another bot shares this Redis database`,
    );
    const said = this.#otherBotSaid;
    this.#otherBotSaid = true;
    if (!said) {
      visible.error(
        "Redis cache: the database held the state of bot {before}, and a READY of bot {user} replaced it: two bots share one Redis database, and each one's READY removes the other's guilds and replaces its bot_user. Each bot needs its own Redis database (the db number in the URL, e.g. redis://127.0.0.1:6379/1). The cache is stale until each shard starts a new session",
        { before, user },
      );
    }
    // Said once visibly; again (the two bots' READYs alternate), to LogTape.
    this.#goStale(error, admitted, () => {
      if (said) {
        logger.warn("Redis cache: {message}", { message: error.message });
      }
    });
    return true;
  }

  /**
   * A READY's shard fed the store (applied or dropped). A READY of another
   * shard count than the last is a reshard: the old count's ids name
   * sessions that are gone, whose guilds the new count's shards rebuild as
   * each starts (kept, they were awaited for good), so they are dropped,
   * from the awaited ones too. Ids of no known count yet (the `shardIds`
   * option, markStale) are taken as of the first READY's count, but for
   * those it cannot carry (not below it).
   */
  #see({ id, count }: ReadyShard): void {
    if (this.#count !== count) {
      const known = this.#count;
      const keep = (shard: number): boolean =>
        known === undefined && shard < count;
      for (const shard of this.#shards) {
        if (!keep(shard)) this.#shards.delete(shard);
      }
      for (const shard of this.#toRebuild) {
        if (!keep(shard)) this.#toRebuild.delete(shard);
      }
      if (known !== undefined) {
        logger.info(
          "Redis cache: a session of {count} shards, after {known}: the shards of {known} are no longer awaited",
          { count, known },
        );
      }
      this.#count = count;
    }
    this.#shards.add(id);
  }
}

/** A READY's shard: its id and the shard count. */
interface ReadyShard {
  id: number;
  count: number;
}

/**
 * The shard a READY's session is of: `shard`, or shard 0 of 1 without it
 * (one session for every guild); undefined for a malformed one.
 */
function readyShard(data: unknown): ReadyShard | undefined {
  if (!isRecord(data)) return undefined;
  const shard = data.shard;
  if (shard === undefined || shard === null) return { id: 0, count: 1 };
  if (!Array.isArray(shard) || shard.length !== 2) return undefined;
  const [id, count]: unknown[] = shard;
  return typeof id === "number" && typeof count === "number" &&
      Number.isSafeInteger(id) && Number.isSafeInteger(count) && id >= 0 &&
      id < count
    ? { id, count }
    : undefined;
}

/** `RedisCache`'s `shardIds` checked: shard ids are non-negative integers. */
export function checkShardIds(
  shards: Iterable<number> | undefined,
  action: string,
): number[] {
  if (shards === undefined) return [];
  if (
    typeof shards !== "object" || shards === null ||
    !(Symbol.iterator in shards)
  ) {
    throw new TypeError(
      `Cannot ${action} as 'shardIds' must be an iterable of shard ids`,
    );
  }
  const ids = [...shards];
  for (const id of ids) assertShardId(id, action);
  return ids;
}

/**
 * Whether `error`, which lost writes, is a fault of the cache's own code
 * rather than Redis's: what JavaScript throws on a bug (a TypeError, a
 * RangeError such as a call stack exceeded, a ReferenceError…), or a value
 * that is no Error. Redis's are Errors of no such class: ioredis's error
 * replies (`ReplyError`) and aborts, its lost or closed connections and
 * timeouts (plain `Error`s, told apart by nothing but their text), the
 * socket's, and the store's own words for an outage.
 */
function isCacheFault(error: unknown): boolean {
  try {
    return !(error instanceof Error) || error instanceof TypeError ||
      error instanceof RangeError || error instanceof ReferenceError ||
      error instanceof SyntaxError || error instanceof EvalError ||
      error instanceof URIError;
  } catch {
    return true; // a hostile value (a revoked Proxy): none of Redis's
  }
}
