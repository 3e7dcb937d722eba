/**
 * Many shards in one process: {@linkcode ShardManager}.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { listenerStream } from "../base/listener_stream.ts";
import {
  type IdentifyQueue,
  MemoryIdentifyQueue,
  type SessionStartLimit,
} from "./identify_queue.ts";
import { GatewayError } from "./errors.ts";
import {
  MAX_TIMER_DELAY,
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import {
  isSessionUsable,
  type SavedSession,
  type SessionStore,
} from "./session_store.ts";
import {
  Shard,
  type ShardCloseOptions,
  type ShardDispatch,
  type ShardEventMap,
  type ShardListener,
  type ShardListenOptions,
} from "./shard.ts";
import {
  assertIntegerOption,
  assertTimeouts,
  type ShardOptions,
} from "./shard_options.ts";
import type { ShardStatus } from "./shard_state.ts";
import { shardForGuild } from "./shard_routing.ts";
import type { MemberRequestOptions } from "./member_request.ts";
import { requestSoundboardSoundsCommand } from "./gateway_commands.ts";
import type {
  GatewayCommand,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../types/gateway_payloads.ts";
import type { GuildMembersChunkDispatch } from "../types/dispatch_payloads.ts";

const logger = getLogger(["disruption", "gateway", "manager"]);

/** Shard options every shard of a manager shares. */
export type SharedShardOptions = Omit<
  ShardOptions,
  "shardId" | "shardCount" | "session" | "identifyQueue"
>;

/** Options for {@linkcode ShardManager}. */
export interface ShardManagerOptions extends SharedShardOptions {
  /** How many shards the bot runs in total (across all processes). */
  shardCount: number;
  /**
   * The shards this process runs (see `shardsForProcess`).
   *
   * @default {every shard from 0 to shardCount - 1}
   */
  shardIds?: readonly number[];
  /**
   * Options for one shard, merged over the shared ones (twilight's per-shard
   * config closure), e.g. a different presence per shard.
   */
  shardOptions?: (shardId: number) => Partial<SharedShardOptions>;
  /**
   * Paces IDENTIFY across the shards. Pass a shared implementation when
   * several processes run shards of the same bot.
   *
   * @default {a MemoryIdentifyQueue built from maxConcurrency and sessionStartLimit}
   */
  identifyQueue?: IdentifyQueue;
  /**
   * IDENTIFYs allowed per 5 s (GET /gateway/bot `max_concurrency`).
   *
   * @default {1}
   */
  maxConcurrency?: number;
  /** The daily IDENTIFY budget from GET /gateway/bot. */
  sessionStartLimit?: SessionStartLimit;
  /** Where sessions are saved so a restarted process can resume them. */
  sessionStore?: SessionStore;
  /**
   * How often sessions are saved, in milliseconds (never per event).
   *
   * @default {10000}
   */
  sessionSaveInterval?: number;
}

/** One shard's state, for monitoring. */
export interface ShardInfo {
  /** The shard's ID. */
  id: number;
  /** Where it is in its life. */
  status: ShardStatus;
  /** The last heartbeat's round trip in milliseconds, once measured. */
  latency: number | undefined;
  /** The session ID, if a session exists. */
  sessionId: string | undefined;
  /** The last sequence number. */
  sequence: number | null;
}

/** Options for {@linkcode ShardManager.close}. */
export type ShardManagerCloseOptions = ShardCloseOptions;

/** The default interval between session saves. */
export const DEFAULT_SESSION_SAVE_INTERVAL = 10_000;

/**
 * Runs a set of shards in one process: identifies them as fast as the
 * identify queue allows, merges their events (each tagged with its shard
 * ID), routes guild commands to the owning shard, saves sessions so a
 * restart resumes instead of identifying, and shuts everything down
 * cleanly.
 *
 * @example Four shards against the fake gateway
 * ```ts
 * import { ShardManager } from "@disruption/disruption/gateway";
 * import { FakeGateway, VirtualScheduler } from "@disruption/disruption/testing";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const discord = new FakeGateway({ scheduler, maxConcurrency: 4 });
 * const manager = new ShardManager({
 *   token: "fake-token",
 *   intents: GatewayIntent.Guilds,
 *   shardCount: 4,
 *   maxConcurrency: 4,
 *   transport: discord.transport,
 *   scheduler,
 * });
 * const started = manager.start();
 * await scheduler.advance(0);
 * await started;
 * assert.deepEqual(manager.info().map((shard) => shard.status), ["ready", "ready", "ready", "ready"]);
 * assert.equal(manager.shardIdForGuild("197038439483310086"), 2);
 * await manager.close();
 * discord.close();
 * ```
 */
export class ShardManager {
  readonly #shards = new Map<number, Shard>();
  /**
   * Shards whose status is `closed`, kept by their state events: whether
   * all are closed is asked on every state change while a dispatch stream
   * is open, and walking the shards each time made closing N shards cost
   * N² steps.
   */
  #closedShards = 0;
  readonly #shardCount: number;
  readonly #scheduler: Scheduler;
  readonly #store: SessionStore | undefined;
  readonly #saveInterval: number;
  #saveTimer: TimerId | undefined;
  #saving: Promise<void> = Promise.resolve();
  #closed = false;
  /** Bumped by start() and close(), so a start() overtaken by close() stops. */
  #generation = 0;

  /**
   * Create the shards; nothing connects until {@linkcode ShardManager.start}.
   *
   * @param options The shard count, the ids to run and the shared options.
   * @throws {RangeError} When the count, an id or another number is out of
   * range (the message names the option).
   * @throws {TypeError} When a shard option has the wrong type.
   */
  constructor(options: ShardManagerOptions) {
    const {
      shardCount,
      shardIds,
      shardOptions,
      identifyQueue,
      maxConcurrency,
      sessionStartLimit,
      sessionStore,
      sessionSaveInterval,
      ...shared
    } = options;
    if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
      throw new RangeError(
        `Cannot create shard manager as 'shardCount' must be a positive integer: current value 'shardCount=${shardCount}'`,
      );
    }
    const ids = shardIds ?? Array.from({ length: shardCount }, (_, i) => i);
    if (ids.length === 0) {
      throw new RangeError(
        "Cannot create shard manager as 'shardIds' must not be empty",
      );
    }
    for (const id of ids) {
      assertIntegerOption("shard manager", "shardIds[]", id, 0, shardCount - 1);
    }
    if (maxConcurrency !== undefined) {
      assertIntegerOption("shard manager", "maxConcurrency", maxConcurrency, 1);
    }
    if (sessionSaveInterval !== undefined) {
      assertIntegerOption(
        "shard manager",
        "sessionSaveInterval",
        sessionSaveInterval,
        1,
        MAX_TIMER_DELAY,
      );
    }
    assertTimeouts("shard manager", shared.timeouts);
    this.#shardCount = shardCount;
    this.#scheduler = shared.scheduler ?? realScheduler;
    this.#store = sessionStore;
    this.#saveInterval = sessionSaveInterval ?? DEFAULT_SESSION_SAVE_INTERVAL;
    const queueOptions: ConstructorParameters<typeof MemoryIdentifyQueue>[0] = {
      scheduler: this.#scheduler,
      maxConcurrency: maxConcurrency ?? 1,
    };
    if (sessionStartLimit) queueOptions.sessionStartLimit = sessionStartLimit;
    const queue = identifyQueue ?? new MemoryIdentifyQueue(queueOptions);
    for (const id of [...ids].sort((a, b) => a - b)) {
      if (this.#shards.has(id)) {
        throw new RangeError(
          `Cannot create shard manager as 'shardIds' must not repeat: current value 'shardId=${id}' appears twice`,
        );
      }
      // Shard validates id < count with a clear message.
      const shard = new Shard({
        ...shared,
        ...shardOptions?.(id),
        shardId: id,
        shardCount,
        identifyQueue: queue,
      });
      if (shard.status === "closed") this.#closedShards++;
      shard.on("state", ({ previous, current }) => {
        if (current === "closed") this.#closedShards++;
        if (previous === "closed") this.#closedShards--;
      });
      this.#shards.set(id, shard);
    }
  }

  /** How many shards the bot runs in total. */
  get shardCount(): number {
    return this.#shardCount;
  }

  /** The shards this manager runs, by ID. */
  get shards(): ReadonlyMap<number, Shard> {
    return this.#shards;
  }

  /**
   * One shard by ID.
   *
   * @param id The shard ID.
   * @returns The shard, or `undefined` when this manager does not run it.
   */
  shard(id: number): Shard | undefined {
    return this.#shards.get(id);
  }

  /**
   * The ID of the shard that receives a guild's events.
   *
   * @param guildId The guild.
   * @returns `(guild_id >> 22) % shardCount`.
   */
  shardIdForGuild(guildId: string): number {
    return shardForGuild(guildId, this.#shardCount);
  }

  /**
   * Every shard's state and heartbeat latency.
   *
   * @returns One entry per shard, by ID.
   */
  info(): ShardInfo[] {
    return [...this.#shards.values()].map((shard) => ({
      id: shard.id,
      status: shard.status,
      latency: shard.latency,
      sessionId: shard.sessionId,
      sequence: shard.sequence,
    }));
  }

  /**
   * Listen to an event of every shard; events carry their shard ID.
   *
   * @typeParam K The event name.
   * @param event `"dispatch"`, `"raw"`, `"state"` or `"error"`.
   * @param listener Called in order per shard.
   * @param options For dispatch listeners, the events wanted.
   * @returns A function that removes the listener from every shard.
   */
  on<K extends keyof ShardEventMap>(
    event: K,
    listener: ShardListener<ShardEventMap[K]>,
    options: ShardListenOptions = {},
  ): () => void {
    const offs = [...this.#shards.values()].map((shard) =>
      shard.on(event, listener, options)
    );
    return () => offs.forEach((off) => off());
  }

  /**
   * Every shard's dispatches merged into one stream (also `for await`-able),
   * in order per shard; it ends when the manager closes.
   *
   * @returns The merged stream.
   */
  dispatches(): ReadableStream<ShardDispatch> {
    return listenerStream({
      ended: () => this.#closed && this.#allClosed(),
      listen: (push) => this.on("dispatch", push),
      watchEnd: (end) =>
        this.on("state", () => {
          if (this.#allClosed()) end();
        }),
    });
  }

  /**
   * Load saved sessions, connect every shard (resuming where a usable
   * session was saved, identifying through the queue otherwise) and start
   * saving sessions on a timer.
   *
   * @returns A promise that resolves when every shard is ready, and rejects
   * with the first shard's {@linkcode GatewayError} if one stops for good
   * (`shard_closed` when {@linkcode ShardManager.close} is called first).
   */
  async start(): Promise<void> {
    this.#closed = false;
    const generation = ++this.#generation;
    if (this.#store) {
      const saved = await this.#store.loadAll();
      if (generation !== this.#generation) {
        // close() ran while the sessions were loading: connecting now would
        // leave shards running after the caller closed the manager.
        throw new GatewayError(
          "shard_closed",
          "The shard manager was closed before it started",
        );
      }
      const now = this.#scheduler.now();
      for (const session of saved) {
        const shard = this.#shards.get(session.shardId);
        // A running shard (start() called again) keeps its live session.
        if (!shard || (shard.status !== "idle" && shard.status !== "closed")) {
          continue;
        }
        if (isSessionUsable(session, { shardCount: this.#shardCount, now })) {
          shard.restore({
            sessionId: session.sessionId,
            sequence: session.sequence,
            resumeUrl: session.resumeUrl,
          });
        } else {
          logger.info(
            "Shard {shardId}: the saved session is stale or for another shard count; identifying",
            { shardId: session.shardId },
          );
        }
      }
      // One timer however often start() is called.
      if (this.#saveTimer === undefined) this.#scheduleSave();
    }
    await Promise.all(
      [...this.#shards.values()].map((shard) => shard.connect()),
    );
  }

  /**
   * Send a command on one shard.
   *
   * @param shardId The shard.
   * @param command The command.
   * @returns A promise that resolves when the frame is written.
   * @throws {RangeError} (as a rejection) When this manager does not run the
   * shard; the shard's own errors otherwise (see `Shard.send`).
   */
  async send(shardId: number, command: GatewayCommand): Promise<void> {
    // async: a bad shard ID rejects like every other failure of a send.
    await this.#require(shardId).send(command);
  }

  /**
   * Send a command on the shard that owns a guild.
   *
   * @param guildId The guild.
   * @param command The command.
   * @returns A promise that resolves when the frame is written.
   * @throws {TypeError} (as a rejection) When `guildId` is not a snowflake.
   * @throws {RangeError} (as a rejection) When this manager does not run the
   * guild's shard.
   */
  async sendToGuild(guildId: string, command: GatewayCommand): Promise<void> {
    await this.send(this.shardIdForGuild(guildId), command);
  }

  /**
   * Update the presence on every shard.
   *
   * @param data The presence.
   * @returns A promise that resolves when every shard sent it.
   */
  async updatePresence(data: UpdatePresenceData): Promise<void> {
    await Promise.all(
      [...this.#shards.values()].map((shard) => shard.updatePresence(data)),
    );
  }

  /**
   * Join, move or leave a voice channel, on the guild's shard.
   *
   * @param data The voice state.
   * @returns A promise that resolves when the frame is written.
   * @throws {TypeError} (as a rejection) For malformed arguments.
   * @throws {RangeError} (as a rejection) When this manager does not run the
   * guild's shard.
   */
  async updateVoiceState(data: UpdateVoiceStateData): Promise<void> {
    await this.#forGuild(data?.guild_id).updateVoiceState(data);
  }

  /**
   * Request guild members on the guild's shard.
   *
   * @param data The request.
   * @param options Timeout, backlog bound and cancellation.
   * @returns The reply's chunks, in order; iterating fails with a
   * {@linkcode GatewayError}: `timeout` when the reply stops coming,
   * `shard_closed` when the shard closes first, `decode` when a chunk does
   * not fit the reply, `backlog_full` when the reader falls `maxBacklog`
   * chunks behind.
   * @throws {TypeError} For malformed arguments.
   * @throws {RangeError} When this manager does not run the guild's shard,
   * or `maxBacklog` is not a positive integer.
   */
  requestGuildMembers(
    data: RequestGuildMembersData,
    options: MemberRequestOptions = {},
  ): AsyncGenerator<GuildMembersChunkDispatch, void, undefined> {
    // The shard ends the request when it closes (shard_closed), so a reply
    // that can no longer come does not run into the timeout.
    return this.#forGuild(data?.guild_id).requestGuildMembers(data, options);
  }

  /**
   * Request soundboard sounds; each guild's request goes to its shard, in
   * as many frames as keep each within 4096 bytes (about 190 guilds a
   * frame; frames are paced like any command, under 120 a minute).
   *
   * @param data The guilds.
   * @returns A promise that resolves when every frame is written.
   * @throws {TypeError} (as a rejection) For malformed arguments.
   * @throws {RangeError} (as a rejection) When `guild_ids` is empty or this
   * manager does not run the shard of one of them; nothing is sent then.
   */
  async requestSoundboardSounds(
    data: RequestSoundboardSoundsData,
  ): Promise<void> {
    // Validate the whole request first: an empty or malformed list must fail
    // here, not turn into zero frames that resolve quietly.
    const { d } = requestSoundboardSoundsCommand(data);
    const byShard = new Map<Shard, string[]>();
    for (const guildId of d.guild_ids) {
      const shard = this.#forGuild(guildId);
      // Pushed, not copied: a copy per guild took 7.0 s for 40,000 guilds.
      const ids = byShard.get(shard);
      if (ids === undefined) byShard.set(shard, [guildId]);
      else ids.push(guildId);
    }
    await Promise.all(
      [...byShard].map(([shard, guildIds]) =>
        shard.requestSoundboardSounds({ guild_ids: guildIds })
      ),
    );
  }

  /**
   * Request channel info on the guild's shard.
   *
   * @param data The guild and fields.
   * @returns A promise that resolves when the frame is written.
   * @throws {TypeError} (as a rejection) For malformed arguments.
   * @throws {RangeError} (as a rejection) When `fields` is empty or this
   * manager does not run the guild's shard.
   */
  async requestChannelInfo(data: RequestChannelInfoData): Promise<void> {
    await this.#forGuild(data?.guild_id).requestChannelInfo(data);
  }

  /**
   * Save every shard's session to the store now.
   *
   * @returns A promise that resolves when the store has them.
   */
  saveSessions(): Promise<void> {
    const store = this.#store;
    if (!store) return Promise.resolve();
    const now = this.#scheduler.now();
    const sessions: SavedSession[] = [];
    for (const shard of this.#shards.values()) {
      const session = shard.session;
      if (!session) continue;
      sessions.push({
        shardId: shard.id,
        shardCount: this.#shardCount,
        sessionId: session.sessionId,
        sequence: session.sequence,
        resumeUrl: session.resumeUrl,
        savedAt: now,
      });
    }
    // Saves run one after another so an older one never overwrites a newer.
    this.#saving = this.#saving.then(() => store.save(sessions)).catch(
      (error) => logger.error("Saving sessions failed: {error}", { error }),
    );
    return this.#saving;
  }

  /**
   * Close every shard. With `resumable: true` the shards close with 4000 and
   * their sessions are saved, so the next process resumes them; otherwise
   * they close with 1000 and the saved sessions are deleted.
   *
   * @param options Whether to keep the sessions resumable.
   * @returns A promise that resolves when everything is closed and saved.
   */
  async close(options: ShardManagerCloseOptions = {}): Promise<void> {
    this.#closed = true;
    this.#generation++;
    if (this.#saveTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
    }
    const resumable = options.resumable ?? false;
    await Promise.all(
      [...this.#shards.values()].map((shard) => shard.close({ resumable })),
    );
    if (!this.#store) return;
    if (resumable) await this.saveSessions();
    else {
      await this.#saving;
      await Promise.all(
        [...this.#shards.keys()].map((id) => this.#store!.delete(id)),
      );
    }
  }

  /** Same as {@linkcode ShardManager.close} with default options. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #scheduleSave(): void {
    this.#saveTimer = this.#scheduler.setTimeout(() => {
      this.#saveTimer = undefined;
      if (this.#closed) return;
      this.saveSessions();
      this.#scheduleSave();
    }, this.#saveInterval);
  }

  #allClosed(): boolean {
    return this.#closedShards === this.#shards.size;
  }

  #forGuild(guildId: string): Shard {
    return this.#require(this.shardIdForGuild(guildId));
  }

  #require(shardId: number): Shard {
    const shard = this.#shards.get(shardId);
    if (!shard) {
      throw new RangeError(
        `Cannot use shard as this manager does not run it: current value 'shardId=${shardId}'`,
      );
    }
    return shard;
  }
}
