/**
 * {@linkcode ReshardingShards}: every shard of a bot in one process, with a
 * shard count that can grow (or shrink) without downtime: the new set runs
 * alongside the old one until it is complete, then takes over.
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
import { Shard, type ShardDispatch } from "../gateway/shard.ts";
import type { FleetDispatch, FleetShardOptions } from "./fleet_shards.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);

/** How many delivered events are remembered to drop their second copy. */
const REMEMBERED_EVENTS = 50_000;

/** Why a reshard was refused. */
export class ReshardError extends Error {
  /**
   * Make the error.
   *
   * @param message What was wrong and what to do.
   */
  constructor(message: string) {
    super(message);
    this.name = "ReshardError";
  }
}

/** Options for {@linkcode ReshardingShards}. */
export interface ReshardingShardsOptions {
  /** Options every shard gets. */
  shard: FleetShardOptions;
  /** The shard count to start with. */
  shardCount: number;
  /** Paces IDENTIFY, for the first set and every new one. */
  identifyQueue: IdentifyQueue;
  /** Called with each event, from one shard set at a time. */
  onDispatch: (event: FleetDispatch) => void;
  /**
   * The timers.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/** Options for {@linkcode ReshardingShards.reshard}. */
export interface ReshardOptions {
  /**
   * Session starts left today (`session_start_limit.remaining`, or a shared
   * queue's budget): the reshard is refused when the new set needs more.
   */
  sessionStartsLeft?: number;
}

/** What {@linkcode ReshardingShards.watchRecommended} asks for. */
export interface RecommendedShards {
  /** The shard count Discord recommends (`GET /gateway/bot` `shards`). */
  shards: number;
  /** The day's budget (`session_start_limit`). */
  session_start_limit: { remaining: number };
}

/** Options for {@linkcode ReshardingShards.watchRecommended}. */
export interface WatchRecommendedOptions {
  /** Ask Discord, e.g. `() => rest.getGatewayBot()`. */
  fetch: () => Promise<RecommendedShards>;
  /**
   * How often to ask, in ms.
   *
   * @default {3600000}
   */
  intervalMs?: number;
}

/** What a switch-over did. */
export interface ReshardResult {
  /** The shard count before. */
  from: number;
  /** The shard count now. */
  to: number;
  /** Events the new set received before the switch that the old had not delivered: delivered at the switch. */
  heldDelivered: number;
  /** Second copies (received by both sets) dropped. */
  duplicatesDropped: number;
}

interface ShardSet {
  count: number;
  shards: Shard[];
}

/**
 * All shards of a bot in one process, reshardable while running.
 *
 * {@linkcode ReshardingShards.reshard} starts the new set alongside the
 * old one (identifying through the queue, refused up front when the day's
 * session starts cannot cover it), holds the new set's events until every
 * new shard is READY and has received a GUILD_CREATE for each guild its
 * READY listed, then switches: the held events the old set had not
 * delivered are delivered, from then on events come from the new set only,
 * and the old set is closed.
 *
 * What a handler sees: every event once, where Discord sent it to either
 * set. Discord sends guild events to both sets while both run, and the
 * copies are recognised by their identity (event name plus the payload's
 * JSON) and dropped, for the last 50 000 events. Two different events with
 * the same name and payload are indistinguishable and the second of them is
 * dropped during the overlap; an event the old set received after the
 * switch decision but before it closed is lost only if the new set did not
 * get it too.
 */
export class ReshardingShards {
  readonly #options: ReshardingShardsOptions;
  readonly #scheduler: Scheduler;
  #current: ShardSet | undefined;
  #next: ShardSet | undefined;
  /** Identities of recently delivered events, oldest first. */
  readonly #delivered = new Set<string>();
  #held: FleetDispatch[] = [];
  #duplicates = 0;

  /**
   * Prepare the shards; {@linkcode ReshardingShards.start} connects them.
   *
   * @param options Shard options, starting count, queue and the handler.
   * @throws {RangeError} When `shardCount` is not a positive integer.
   */
  constructor(options: ReshardingShardsOptions) {
    positiveCount(options.shardCount);
    this.#options = options;
    this.#scheduler = options.scheduler ?? realScheduler;
  }

  /** The shard count events come from. */
  get shardCount(): number {
    return this.#current?.count ?? this.#options.shardCount;
  }

  /**
   * Start the first set.
   *
   * @returns A promise that resolves when every shard is READY.
   */
  async start(): Promise<void> {
    const set = this.#createSet(this.#options.shardCount);
    this.#current = set;
    await Promise.all(set.shards.map((shard) => shard.connect()));
  }

  /**
   * Move to `shardCount` shards without downtime.
   *
   * @param shardCount The new count.
   * @param options The day's session starts left, to refuse early.
   * @returns What the switch did.
   * @throws {ReshardError} When not started, already resharding, or the
   * session starts left cannot cover the new set.
   */
  async reshard(
    shardCount: number,
    options: ReshardOptions = {},
  ): Promise<ReshardResult> {
    positiveCount(shardCount);
    const old = this.#current;
    if (!old) throw new ReshardError("Cannot reshard before start()");
    if (this.#next) {
      throw new ReshardError(
        `Cannot reshard to ${shardCount} shards while a reshard to ${this.#next.count} is running`,
      );
    }
    const left = options.sessionStartsLeft;
    if (left !== undefined && left < shardCount) {
      throw new ReshardError(
        `Cannot reshard to ${shardCount} shards: ${shardCount} session starts are needed and only ${left} are left today; wait for the reset or reshard later`,
      );
    }
    const next = this.#createSet(shardCount);
    this.#next = next;
    this.#held = [];
    const before = this.#duplicates;
    try {
      await Promise.all(next.shards.map((shard) => completeShard(shard)));
    } catch (error) {
      this.#next = undefined;
      this.#held = [];
      await Promise.all(next.shards.map((s) => s.close()));
      throw error;
    }
    // The switch: held events the old set did not deliver go out now, and
    // from here on only the new set delivers.
    const held = this.#held;
    this.#held = [];
    let heldDelivered = 0;
    this.#current = next;
    this.#next = undefined;
    for (const event of held) if (this.#deliver(event)) heldDelivered++;
    logger.info(
      "Resharded from {from} to {to} shards ({held} held events delivered)",
      { from: old.count, to: shardCount, held: heldDelivered },
    );
    await Promise.all(old.shards.map((s) => s.close()));
    return {
      from: old.count,
      to: shardCount,
      heldDelivered,
      duplicatesDropped: this.#duplicates - before,
    };
  }

  /**
   * Opt in to resharding by itself: every `intervalMs`, ask for the
   * recommended shard count and reshard when it is above the current one
   * (within the day's session starts; a refusal is logged as a warning and
   * asked again next time).
   *
   * @param options How to ask, and how often.
   * @returns A function that stops watching.
   */
  watchRecommended(options: WatchRecommendedOptions): () => void {
    const intervalMs = options.intervalMs ?? 3_600_000;
    let timer: TimerId | undefined;
    let stopped = false;
    const check = async (): Promise<void> => {
      try {
        const bot = await options.fetch();
        if (stopped || this.#next || !this.#current) return;
        if (bot.shards > this.shardCount) {
          logger.info("Discord recommends {to} shards (running {from})", {
            from: this.shardCount,
            to: bot.shards,
          });
          await this.reshard(bot.shards, {
            sessionStartsLeft: bot.session_start_limit.remaining,
          });
        }
      } catch (error) {
        logger.warn("Resharding to the recommended count failed: {error}", {
          error,
        });
      }
    };
    const schedule = (): void => {
      timer = this.#scheduler.setTimeout(() => {
        timer = undefined;
        void check().finally(() => {
          if (!stopped) schedule();
        });
      }, intervalMs);
    };
    schedule();
    return () => {
      stopped = true;
      if (timer !== undefined) this.#scheduler.clearTimeout(timer);
    };
  }

  /**
   * Close every shard.
   *
   * @returns A promise that resolves when they are closed.
   */
  async close(): Promise<void> {
    const sets = [this.#current, this.#next].filter((s) => s !== undefined);
    this.#current = this.#next = undefined;
    await Promise.all(sets.flatMap((set) => set.shards.map((s) => s.close())));
  }

  #createSet(count: number): ShardSet {
    const set: ShardSet = { count, shards: [] };
    for (let id = 0; id < count; id++) {
      const shard = new Shard({
        ...this.#options.shard,
        scheduler: this.#scheduler,
        shardId: id,
        shardCount: count,
        identifyQueue: this.#options.identifyQueue,
      });
      shard.on("dispatch", (event) => this.#onDispatch(set, shard, event));
      set.shards.push(shard);
    }
    return set;
  }

  #onDispatch(set: ShardSet, shard: Shard, event: ShardDispatch): void {
    const fleetEvent = { ...event, sessionId: shard.sessionId ?? "" };
    if (set === this.#current) this.#deliver(fleetEvent);
    else if (set === this.#next) this.#held.push(fleetEvent);
    // A set that is neither (closing) delivers nothing.
  }

  /** Deliver unless a copy was delivered already; `true` when delivered. */
  #deliver(event: FleetDispatch): boolean {
    const identity = `${event.name}\u0000${JSON.stringify(event.data)}`;
    if (this.#delivered.has(identity)) {
      this.#duplicates++;
      return false;
    }
    this.#delivered.add(identity);
    if (this.#delivered.size > REMEMBERED_EVENTS) {
      const oldest = this.#delivered.values().next().value!;
      this.#delivered.delete(oldest);
    }
    try {
      this.#options.onDispatch(event);
    } catch (error) {
      logger.error("A dispatch listener threw: {error}", { error });
    }
    return true;
  }
}

/**
 * Resolve once `shard` is READY and has received a GUILD_CREATE for every
 * guild its READY listed.
 */
function completeShard(shard: Shard): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Set<string> | undefined;
    const off = shard.on("dispatch", (event) => {
      if (event.name === "READY") {
        const guilds = (event.data as { guilds?: { id: string }[] }).guilds ??
          [];
        pending = new Set(guilds.map((g) => g.id));
      } else if (event.name === "GUILD_CREATE" && pending) {
        pending.delete((event.data as { id: string }).id);
      }
      if (pending?.size === 0) {
        off();
        resolve();
      }
    }, { events: ["READY", "GUILD_CREATE"] });
    shard.connect().catch((error: unknown) => {
      off();
      reject(error);
    });
  });
}

function positiveCount(shardCount: number): void {
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new RangeError(
      `Cannot run shards as 'shardCount' must be a positive integer: current value 'shardCount=${shardCount}'`,
    );
  }
}
