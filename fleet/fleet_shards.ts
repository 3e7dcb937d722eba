/**
 * {@linkcode FleetShards}: one process's part of a bot whose shards are
 * spread over many processes. It runs the shards it holds leases for,
 * renews them on a timer, takes over shards whose process died (RESUMEing
 * them from the shared session store), hands shards to processes that join,
 * and stops any shard whose lease it can no longer prove.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { Shard } from "../gateway/shard.ts";
import {
  isSessionUsable,
  type SessionStore,
} from "../gateway/session_store.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { ShardLeases } from "./shard_leases.ts";

const logger = getLogger(["disruption", "fleet"]);

/** The options every shard of the fleet gets. */
export interface FleetShardOptions {
  /** The bot token. */
  token: string;
  /** The gateway intents. */
  intents: number;
  /**
   * The gateway URL, e.g. from `GET /gateway/bot`.
   *
   * @default {"wss://gateway.discord.gg"}
   */
  gatewayUrl?: string;
  /**
   * Members above which a guild is "large" (50 to 250).
   *
   * @default {50}
   */
  largeThreshold?: number;
}

/** One dispatch of a shard this process runs. */
export interface FleetDispatch {
  /** The shard that received it. */
  shardId: number;
  /**
   * The session it came on: with `shardId` and `sequence` it identifies the
   * event, for deduplicating the replay after a takeover.
   */
  sessionId: string;
  /** The event name (`t`). */
  name: string;
  /** The sequence number (`s`). */
  sequence: number;
  /** The event payload (`d`), as Discord sent it. */
  data: unknown;
}

/** Options for {@linkcode FleetShards}. */
export interface FleetShardsOptions {
  /** The Redis connection the leases live on (the caller closes it). */
  redis: RedisConnection;
  /** Options every shard gets (token, intents, gateway URL). */
  shard: FleetShardOptions;
  /** The bot's shard count. */
  shardCount: number;
  /**
   * The shards this process may run.
   *
   * @default {every shard}
   */
  pool?: readonly number[];
  /** Paces IDENTIFY across the fleet, e.g. a `RedisIdentifyQueue`. */
  identifyQueue: IdentifyQueue;
  /** Where sessions are shared, e.g. a `RedisSessionStore`. */
  sessionStore: SessionStore;
  /**
   * Where the fleet's leases live: the same in every process of the bot.
   *
   * @default {"disruption:fleet"}
   */
  prefix?: string;
  /**
   * How long a lease lasts without renewal, in ms: a dead process's shards
   * move after at most this plus `renewMs`.
   *
   * @default {15000}
   */
  leaseTtlMs?: number;
  /**
   * How often leases are renewed and sessions saved, in ms; at most a third
   * of `leaseTtlMs`.
   *
   * @default {leaseTtlMs / 3}
   */
  renewMs?: number;
  /**
   * Whose clock leases expire on: `"redis"` (the server's) or
   * `"scheduler"` (for tests on a shared fake clock).
   *
   * @default {"redis"}
   */
  clock?: "redis" | "scheduler";
  /**
   * The timers.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/**
 * One process of a fleet: runs the shards it holds Redis leases for.
 *
 * Guarantees:
 * - **One process per shard.** A lease is renewed every `renewMs`; when a
 *   renewal has not succeeded within `leaseTtlMs - renewMs` of the last
 *   one being sent, every shard is closed resumably before the lease can
 *   expire in Redis, so a process never runs a shard another may have taken.
 * - **Takeover.** A dead process's leases expire after at most
 *   `leaseTtlMs`; a live process takes them at its next tick (within
 *   `renewMs`) and RESUMEs each from the session store (saved every
 *   `renewMs`), or identifies through the queue when none is usable.
 * - **Fair share.** Each process holds `ceil(pool / live processes)`
 *   shards, preferring consecutive IDs (distinct identify buckets); one
 *   that joins gets its share as the others shed theirs, each shed shard
 *   closed resumably and its session saved before its lease is released.
 *
 * Delivery across a SIGKILL is at least once: the taker resumes from the
 * sequence saved at the dead process's last tick, so events the dead
 * process received after it are delivered again (at most `renewMs` worth).
 * `(shardId, sessionId, sequence)` identifies an event for deduplication.
 * Among live processes each event is delivered once.
 */
export class FleetShards {
  readonly #options: FleetShardsOptions;
  readonly #leases: ShardLeases;
  readonly #scheduler: Scheduler;
  readonly #renewMs: number;
  readonly #ttlMs: number;
  readonly #useSchedulerClock: boolean;
  readonly #shards = new Map<number, Shard>();
  readonly #listeners = new Set<(event: FleetDispatch) => void>();
  #timer: TimerId | undefined;
  #guard: TimerId | undefined;
  #ticking: Promise<void> | undefined;
  #closed = true;

  /**
   * Prepare a member of the fleet; {@linkcode FleetShards.start} joins.
   *
   * @param options Redis, shard options, queue, store and lease timings.
   * @throws {RangeError} When the timings are out of range.
   */
  constructor(options: FleetShardsOptions) {
    const ttl = options.leaseTtlMs ?? 15_000;
    const renew = options.renewMs ?? ttl / 3;
    if (!(ttl > 0) || !(renew > 0) || renew > ttl / 3) {
      throw new RangeError(
        `Cannot create fleet shards as 'renewMs' must be positive and at most a third of 'leaseTtlMs': current values 'leaseTtlMs=${ttl}', 'renewMs=${renew}'`,
      );
    }
    this.#options = options;
    this.#ttlMs = ttl;
    this.#renewMs = renew;
    this.#useSchedulerClock = options.clock === "scheduler";
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#leases = new ShardLeases(options.redis, {
      prefix: options.prefix ?? "disruption:fleet",
      owner: crypto.randomUUID(),
      shardCount: options.shardCount,
      pool: options.pool,
      ttlMs: ttl,
    });
  }

  /** The shards this process runs now, in order. */
  get shardIds(): number[] {
    return [...this.#shards.keys()].sort((a, b) => a - b);
  }

  /**
   * Listen to every dispatch of every shard this process runs, now or later.
   *
   * @param listener Called with each dispatch.
   * @returns A function that removes the listener.
   */
  onDispatch(listener: (event: FleetDispatch) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Join the fleet: take a fair share of the shards and keep renewing.
   *
   * @returns A promise that resolves after the first tick.
   */
  async start(): Promise<void> {
    this.#closed = false;
    await this.#tick();
  }

  /**
   * Leave the fleet: stop renewing, close every shard resumably, save their
   * sessions and release their leases, so others take them over at once.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    if (this.#guard !== undefined) this.#scheduler.clearTimeout(this.#guard);
    this.#timer = this.#guard = undefined;
    await this.#ticking;
    const ids = this.shardIds;
    await this.#stop(ids, true);
    try {
      await this.#leases.release(ids, true);
    } catch (error) {
      logger.warn(
        "Could not release leases ({shards}); they expire in {ttl} ms: {error}",
        { shards: ids, ttl: this.#ttlMs, error },
      );
    }
  }

  #tick(): Promise<void> {
    const run = async (): Promise<void> => {
      const sentAt = this.#scheduler.now();
      let result;
      try {
        result = await this.#leases.tick(
          this.shardIds,
          this.#useSchedulerClock ? sentAt : undefined,
        );
      } catch (error) {
        logger.warn("Could not renew shard leases: {error}", { error });
        return;
      }
      if (this.#closed) {
        // close() ran while this tick was in flight: hand back what it took.
        await this.#leases.release(result.acquired).catch(() => {});
        return;
      }
      this.#armGuard(sentAt);
      if (result.lost.length > 0) {
        logger.warn("Lost the leases of shards {shards}; stopping them", {
          shards: result.lost,
        });
        await this.#stop(result.lost, false);
      }
      await this.#save(result.kept);
      if (result.shed.length > 0) {
        logger.info(
          "Handing shards {shards} over ({members} processes now)",
          { shards: result.shed, members: result.members },
        );
        await this.#stop(result.shed, true);
        await this.#leases.release(result.shed).catch(() => {});
      }
      for (const id of result.acquired) await this.#run(id);
    };
    this.#ticking = run().finally(() => {
      this.#ticking = undefined;
      if (!this.#closed) {
        this.#timer = this.#scheduler.setTimeout(
          () => void this.#tick(),
          this.#renewMs,
        );
      }
    });
    return this.#ticking;
  }

  /**
   * After a renewal sent at `sentAt` succeeds, the leases are safe until
   * `sentAt + ttl` (Redis renewed them after that). Stop every shard a
   * renewal earlier than that unless another renewal succeeds first.
   */
  #armGuard(sentAt: number): void {
    if (this.#guard !== undefined) this.#scheduler.clearTimeout(this.#guard);
    const deadline = sentAt + this.#ttlMs - this.#renewMs;
    this.#guard = this.#scheduler.setTimeout(() => {
      this.#guard = undefined;
      const ids = this.shardIds;
      if (ids.length === 0) return;
      logger.error(
        "No lease renewal for {ms} ms: stopping shards {shards} before their leases can expire",
        { ms: this.#ttlMs - this.#renewMs, shards: ids },
      );
      void this.#stop(ids, false);
    }, deadline - this.#scheduler.now());
  }

  async #run(id: number): Promise<void> {
    const shard = new Shard({
      ...this.#options.shard,
      scheduler: this.#scheduler,
      shardId: id,
      shardCount: this.#options.shardCount,
      identifyQueue: this.#options.identifyQueue,
    });
    shard.on("dispatch", (event) => {
      const sessionId = shard.sessionId ?? "";
      for (const listener of this.#listeners) {
        try {
          listener({ ...event, sessionId });
        } catch (error) {
          logger.error("A dispatch listener threw: {error}", { error });
        }
      }
    });
    let resumed = false;
    try {
      const saved = await this.#options.sessionStore.load(id);
      if (
        saved && isSessionUsable(saved, {
          shardCount: this.#options.shardCount,
          now: this.#scheduler.now(),
        })
      ) {
        shard.restore(saved);
        resumed = true;
      }
    } catch (error) {
      logger.warn("Could not load shard {id}'s session; identifying: {error}", {
        id,
        error,
      });
    }
    this.#shards.set(id, shard);
    logger.info("Running shard {id} ({how})", {
      id,
      how: resumed ? "resuming" : "identifying",
    });
    shard.connect().catch((error: unknown) => {
      logger.warn("Shard {id} stopped: {error}", { id, error });
    });
  }

  /** Close shards; with `save`, store their sessions for whoever runs them next. */
  async #stop(ids: readonly number[], save: boolean): Promise<void> {
    const shards = ids.map((id) => this.#shards.get(id)).filter((s) =>
      s !== undefined
    );
    for (const shard of shards) this.#shards.delete(shard.id);
    await Promise.all(shards.map((s) => s.close({ resumable: true })));
    if (save) await this.#saveShards(shards);
  }

  async #save(ids: readonly number[]): Promise<void> {
    const shards = ids.map((id) => this.#shards.get(id)).filter((s) =>
      s !== undefined
    );
    await this.#saveShards(shards);
  }

  async #saveShards(shards: Shard[]): Promise<void> {
    const now = this.#scheduler.now();
    const sessions = shards.flatMap((shard) => {
      const session = shard.session;
      return session
        ? [{
          shardId: shard.id,
          shardCount: this.#options.shardCount,
          ...session,
          savedAt: now,
        }]
        : [];
    });
    if (sessions.length === 0) return;
    try {
      await this.#options.sessionStore.save(sessions);
    } catch (error) {
      logger.warn("Could not save sessions: {error}", { error });
    }
  }
}
