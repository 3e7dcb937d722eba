/**
 * Many shards in one process: {@linkcode ShardManager}.
 *
 * The session keeping (the bounded store calls, the save chain and its
 * reporting, the load at start, the last save or delete at close) lives in
 * the private `_manager_sessions.ts`, and the identify queue's pacing
 * options in the private `_manager_pacing.ts`, beside this file.
 *
 * @module
 */
import type { IdentifyQueue, SessionStartLimit } from "./identify_queue.ts";
import { GatewayError } from "./errors.ts";
import {
  MAX_TIMER_DELAY,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import type { SavedSession, SessionStore } from "./session_store.ts";
import {
  Shard,
  type ShardCloseOptions,
  type ShardDispatch,
  type ShardEventMap,
  type ShardListener,
  type ShardListenOptions,
} from "./shard.ts";
import { SHARD_OPTION_KEYS, type ShardOptions } from "./shard_options.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { assertIntegerOption } from "../base/option_checks.ts";
import { assertManagerOptions } from "./_manager_options.ts";
import type { ShardStatus } from "./shard_state.ts";
import { shardForGuild } from "./shard_routing.ts";
import type { MemberRequestOptions } from "./member_request.ts";
import {
  guildIdsByShard,
  requestSoundboardSoundsCommand,
  requestSoundboardSoundsCommands,
} from "./gateway_commands.ts";
import type {
  GatewayCommand,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../types/gateway_payloads.ts";
import type { GuildMembersChunkDispatch } from "../types/dispatch_payloads.ts";
import {
  type HeldSession,
  ManagerSessions,
  restoreUsable,
  sessionsOf,
} from "./_manager_sessions.ts";
import { withIdentity } from "./_session_identity.ts";
import { handLimit, managerQueue } from "./_manager_pacing.ts";
import type { ResumePoint } from "./resume_point.ts";
import { readerPaced } from "./_unread_dispatches.ts";

export { assumeSessionStartLimit, pacingOptions } from "./_manager_pacing.ts";
export type { HeldSession } from "./_manager_sessions.ts";

/**
 * The most shards one manager builds: far above any bot's count (Discord
 * recommends one shard per ~1,000 guilds) and low enough that building
 * them cannot exhaust memory (a `shardCount` of 1,000,000 without
 * `shardIds` crashed the process out of memory). A bigger bot runs its
 * shards in several processes, each given its `shardIds`.
 */
export const MAX_MANAGER_SHARDS = 65_536;

/**
 * Check that a shard count can be built in this process: without
 * `shardIds`, every one of `count` shards would be, and more than
 * {@linkcode MAX_MANAGER_SHARDS} exhaust its memory (1,000,000 crashed it).
 *
 * @param what Who is being created, for the message.
 * @param name The count's option name.
 * @param count The shard count.
 * @param shardIds The option listing this process's shards, if given.
 * @throws {RangeError} When the count is too large without `shardIds`.
 */
export function assertBuildableShardCount(
  what: string,
  name: string,
  count: number,
  shardIds: unknown,
): void {
  if (shardIds !== undefined || count <= MAX_MANAGER_SHARDS) return;
  throw new RangeError(
    `Cannot create ${what} as '${name}' must be at most ${MAX_MANAGER_SHARDS} without 'shardIds' (every shard would be built in this process, and that many exhaust its memory; list the shards this process runs in 'shardIds'): current value '${name}=${count}'`,
  );
}

/** Shard options every shard of a manager shares. */
export type SharedShardOptions = Omit<
  ShardOptions,
  "shardId" | "shardCount" | "session" | "identifyQueue"
>;

/** Options for {@linkcode ShardManager}. */
export interface ShardManagerOptions extends SharedShardOptions {
  /**
   * How many shards the bot runs in total (across all processes); at most
   * 65,536 when `shardIds` is not given, as every shard is then built here.
   */
  shardCount: number;
  /**
   * The shards this process runs (see `shardsForProcess`), at most 65,536.
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
   * several processes run shards of the same bot. A given queue gets
   * `sessionStartLimit` through its `updateSessionStartLimit` method (as
   * `MemoryIdentifyQueue` and `RedisIdentifyQueue` have).
   *
   * @default {a MemoryIdentifyQueue built from maxConcurrency and sessionStartLimit}
   */
  identifyQueue?: IdentifyQueue;
  /**
   * IDENTIFYs allowed per 5 s (GET /gateway/bot `max_concurrency`), for the
   * default queue; `sessionStartLimit.max_concurrency` takes precedence.
   * With an `identifyQueue` and no `sessionStartLimit` it must be the
   * queue's own `maxConcurrency`.
   *
   * @default {1}
   */
  maxConcurrency?: number;
  /**
   * The daily IDENTIFY budget from GET /gateway/bot, handed to the identify
   * queue (the default one, or a given one that has
   * `updateSessionStartLimit`). Without it the default queue assumes
   * Discord's default, 1,000 a day from its creation (said at info level).
   */
  sessionStartLimit?: SessionStartLimit;
  /**
   * Where sessions are saved so a restarted process can resume them. Once
   * every shard has stopped without {@linkcode ShardManager.close} (a fatal
   * close code on each, or each shard's own `close()`), the timed saves
   * stop and the store keeps only the sessions still resumable (a shard
   * closed with `resumable: true`), forgetting the others; they go on when
   * a shard runs again.
   */
  sessionStore?: SessionStore;
  /**
   * How often sessions are saved, in milliseconds (never per event); a
   * shard's new session is also saved a second after its READY.
   *
   * @default {10000}
   */
  sessionSaveInterval?: number;
}

/**
 * Every key of {@linkcode ShardManagerOptions}: the shards' shared ones
 * and the manager's own. A misspelt option is refused at run time.
 */
const MANAGER_OPTION_KEYS: readonly string[] = [
  ...SHARD_OPTION_KEYS.filter((key) =>
    !["shardId", "shardCount", "session", "identifyQueue"].includes(key)
  ),
  ...optionKeys(
    {
      shardCount: true,
      shardIds: true,
      shardOptions: true,
      identifyQueue: true,
      maxConcurrency: true,
      sessionStartLimit: true,
      sessionStore: true,
      sessionSaveInterval: true,
    } satisfies Record<
      Exclude<keyof ShardManagerOptions, keyof SharedShardOptions>,
      true
    >,
  ),
];

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

/**
 * Options for {@linkcode ShardManager.close}: `resumable: true` keeps the
 * sessions (and saves them) for the next process.
 */
export type ShardManagerCloseOptions = ShardCloseOptions;

/** The default interval between session saves. */
export const DEFAULT_SESSION_SAVE_INTERVAL = 10_000;

/**
 * The sessions of `manager`'s shards as they stand, saved at `savedAt`:
 * what a resumable close leaves for a restart in the same process (the
 * Client keeps them so without a session store).
 *
 * @param manager The manager, closed resumably.
 * @param savedAt The time to save them at (the manager's clock).
 * @returns One session per shard that has one.
 */
export function currentSessions(
  manager: ShardManager,
  savedAt: number,
): SavedSession[] {
  return sessionsOf(
    manager.shards,
    manager.shardCount,
    savedAt,
    resumePointsOf(manager),
  );
}

/**
 * Save `manager`'s sessions from now on no further on than `point` says:
 * for a consumer that holds events it has not finished with (a Client's
 * queued handler calls), which a crash would otherwise lose.
 *
 * @param manager The manager.
 * @param point Where the consumer needs each shard's session resumed from.
 * @returns A function that removes it.
 */
export function holdSessionSaves(
  manager: ShardManager,
  point: ResumePoint,
): () => void {
  const points = resumePointsOf(manager);
  points.add(point);
  return () => points.delete(point);
}

/**
 * Hand a manager that has not started the sessions of `saved` that are
 * usable at `now` (see `isSessionUsable`), so that its shards RESUME them.
 *
 * @param manager The manager, before its start.
 * @param saved Sessions, e.g. from {@linkcode currentSessions}; one set
 * back carries the sequence it had `received` (see `HeldSession`).
 * @param now The current time (the manager's clock).
 */
export function restoreSessions(
  manager: ShardManager,
  saved: readonly HeldSession[],
  now: number,
): void {
  noteHeld(
    manager,
    restoreUsable(manager.shards, saved, manager.shardCount, now),
  );
}

/**
 * Tell a manager's session keeping which sessions its shards were handed
 * by {@linkcode restoreSessions}, so an older copy in its store does not
 * replace them; set by the class, which alone reaches its keeping.
 */
let noteHeld: (manager: ShardManager, sessions: HeldSession[]) => void;

/** A manager's resume points (see {@linkcode holdSessionSaves}). */
let resumePointsOf: (manager: ShardManager) => Set<ResumePoint>;

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
  /** The session keeping; none without a session store. */
  readonly #sessions: ManagerSessions | undefined;

  /** What the consumers of the events need replayed after a crash. */
  readonly #resumePoints = new Set<ResumePoint>();
  static {
    noteHeld = (manager, sessions) => manager.#sessions?.held(sessions);
    resumePointsOf = (manager) => manager.#resumePoints;
  }
  #closed = false;
  #kept = false; // Whether the last close was resumable (saved the sessions).
  /**
   * Bumped by close() only, so a start() overtaken by close() stops. (Bumped
   * by start() too, it made a first start() that a second overtook report
   * a close that never happened.)
   */
  #closes = 0;
  /** The start() in progress, shared by calls made while it runs. */
  #starting: Promise<void> | undefined;

  /**
   * Create the shards; nothing connects until {@linkcode ShardManager.start}.
   *
   * @param options The shard count, the ids to run and the shared options.
   * @throws {RangeError} When the count, an id or another number is out of
   * range (the message names the option), or more than
   * 65,536 shards would be built.
   * @throws {TypeError} When a shard option has the wrong type, or an
   * `identifyQueue` is given with a `sessionStartLimit` it cannot take (no
   * `updateSessionStartLimit` method) or a `maxConcurrency` that is not its
   * own.
   */
  constructor(options: ShardManagerOptions) {
    checkOptionKeys("create shard manager", "", options, MANAGER_OPTION_KEYS, {
      // The Client's name: the nearest key, 'shardIds', is a list of ids.
      shards: "the shard count is 'shardCount' here",
    });
    assertManagerOptions(options);
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
    assertBuildableShardCount(
      "shard manager",
      "shardCount",
      shardCount,
      shardIds,
    );
    const ids = [
      ...(shardIds ?? Array.from({ length: shardCount }, (_, i) => i)),
    ];
    if (ids.length === 0) {
      throw new RangeError(
        "Cannot create shard manager as 'shardIds' must not be empty",
      );
    }
    if (ids.length > MAX_MANAGER_SHARDS) {
      throw new RangeError(
        `Cannot create shard manager as 'shardIds' must list at most ${MAX_MANAGER_SHARDS} shards (each one is a connection in this process; run the rest in other processes): current length ${ids.length}`,
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
    this.#shardCount = shardCount;
    this.#scheduler = shared.scheduler ?? realScheduler;
    // A given queue is checked against the pacing options; else the default
    // one is built from them.
    const queue = managerQueue(
      this.#scheduler,
      identifyQueue,
      maxConcurrency,
      sessionStartLimit,
    );
    if (sessionStore !== undefined) {
      this.#sessions = new ManagerSessions({
        store: sessionStore,
        scheduler: this.#scheduler,
        saveInterval: sessionSaveInterval ?? DEFAULT_SESSION_SAVE_INTERVAL,
        shards: this.#shards,
        shardCount,
        save: () => this.saveSessions(),
        closed: () => this.#closed,
        resumePoints: this.#resumePoints,
      });
    }
    for (const id of [...ids].sort((a, b) => a - b)) {
      if (this.#shards.has(id)) {
        throw new RangeError(
          `Cannot create shard manager as 'shardIds' must not repeat: current value 'shardId=${id}' appears twice`,
        );
      }
      // Shard validates id < count with a clear message.
      const own = { ...shared, ...shardOptions?.(id) };
      const shard = withIdentity(
        new Shard({ ...own, shardId: id, shardCount, identifyQueue: queue }),
        own, // its saved sessions record its intents and bot
      );
      if (shard.status === "closed") this.#closedShards++;
      shard.on("state", ({ previous, current }) => {
        if (current === "closed") this.#closedShards++;
        if (previous === "closed") this.#closedShards--;
        this.#sessions?.stateChanged(shard, current);
        // Every shard stopped for good (or by its own close) while the
        // manager runs: nothing is left to save on a timer, which kept the
        // process alive with nothing connected. Saves go on when a shard
        // runs again.
        if (this.#closed) return;
        if (current === "closed" && this.#allClosed()) {
          this.#sessions?.allStopped();
        } else if (previous === "closed") this.#sessions?.keepSaving();
      });
      this.#shards.set(id, shard);
    }
    // Only the default queue was built with the limit: a given one gets it
    // here, or its shards identified past a spent budget (and Discord
    // resets the token for that).
    if (identifyQueue !== undefined && sessionStartLimit !== undefined) {
      handLimit(identifyQueue, sessionStartLimit, () => this.#closed);
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
    // Read once for all shards: an iterator (a Set's values()) given to
    // each in turn left every shard after the first an empty filter.
    const events = options.events;
    const each = events === undefined || typeof events === "string"
      ? options
      : { ...options, events: [...events] };
    const offs = [...this.#shards.values()].map((shard) =>
      shard.on(event, listener, each)
    );
    return () => offs.forEach((off) => off());
  }

  /**
   * Every shard's dispatches merged into one stream (also `for await`-able),
   * in order per shard; it ends when the manager closes. No event is
   * dropped: a reader that falls 16 MiB of events behind pauses the shards
   * (`Shard.pause`; Discord keeps the rest for the RESUME) until it has
   * read all but a quarter of that: said on stderr (unless LogTape is
   * configured), again if it is still unread after 45 s, since a stream
   * nobody reads holds every shard, and a Client's handlers, for ever.
   * With a `sessionStore`, each session is saved before the first event of
   * its shard the reader has not finished with (done once it asks for the
   * next, as `for await` does after its body): a process that dies has them
   * sent again to the next. After `close({ resumable: true })` read on: at
   * its end they are saved at what was received (unless another process
   * saved them since). A `break` cancels that: events it held unread are
   * lost at the next save; `.values({ preventCancel: true })` keeps them.
   *
   * @returns The merged stream.
   */
  dispatches(): ReadableStream<ShardDispatch> {
    return readerPaced({
      on: (event, listener) => this.on(event, listener),
      shards: this.#shards,
      points: this.#resumePoints,
      closed: () => this.#closed,
      allClosed: () => this.#allClosed(),
      drained: () => this.#kept ? this.#sessions?.drained() : undefined,
    });
  }

  /**
   * Load saved sessions, connect every shard (resuming where a usable
   * session was saved, identifying through the queue otherwise) and start
   * saving sessions on a timer.
   *
   * A store that fails, or does not answer within 10 s, is reported (on
   * stderr unless LogTape is configured) and the shards identify. A call
   * made while an earlier one runs returns the same promise.
   *
   * @returns A promise that resolves when every shard is ready, and rejects
   * with the first shard's {@linkcode GatewayError} if one stops for good
   * (`shard_closed` when {@linkcode ShardManager.close} is called first);
   * with an `OtherBotSessionsError` (no shard connected) on another bot's saved sessions.
   */
  start(): Promise<void> {
    // Shared: a second start() racing the first to restore the same shards
    // does nothing the first does not.
    if (this.#starting === undefined) {
      const starting: Promise<void> = this.#start().finally(() => {
        if (this.#starting === starting) this.#starting = undefined;
      });
      this.#starting = starting;
    }
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#closed = false;
    const closes = this.#closes;
    const sessions = this.#sessions;
    if (sessions) {
      const saved = await sessions.load();
      if (closes !== this.#closes) {
        // close() ran while the sessions were loading: connecting now would
        // leave shards running after the caller closed the manager.
        throw new GatewayError(
          "shard_closed",
          "The shard manager was closed before it started",
        );
      }
      sessions.restore(saved);
      // One timer however often start() is called.
      sessions.keepSaving();
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
   * not fit the reply, `backlog_full` when the reader falls behind (or
   * 1,000 commands wait on the shard), `session_lost` when a new session
   * cut the reply off after some chunks (see `Shard.requestGuildMembers`).
   * @throws {TypeError} For malformed arguments, or a nonce a request of
   * that shard still listens with.
   * @throws {RangeError} When this manager does not run the guild's shard,
   * or `maxBacklog`, `maxBacklogChars` or `timeout` is out of range.
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
   * @throws {GatewayError} (as a rejection) `backlog_full` or `shard_closed`
   * when one of the shards cannot take its frames; no shard sends then.
   */
  async requestSoundboardSounds(
    data: RequestSoundboardSoundsData,
  ): Promise<void> {
    // Validate the whole request first: an empty or malformed list must fail
    // here, not turn into zero frames that resolve quietly.
    const { d } = requestSoundboardSoundsCommand(data);
    const parts = [...guildIdsByShard(d.guild_ids, (id) => this.#forGuild(id))]
      .map(([shard, guildIds]) => ({ shard, part: { guild_ids: guildIds } }));
    // All shards or none (in part, asking again would ask twice for what
    // went out): nothing is awaited between this check and the sends; the
    // shard that cannot take its part refuses it alone, queueing nothing.
    const refused = parts.find(({ shard, part }) =>
      shard.commandRoom < requestSoundboardSoundsCommands(part).length
    );
    await Promise.all(
      (refused ? [refused] : parts).map(({ shard, part }) =>
        shard.requestSoundboardSounds(part)
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
   * @returns A promise that resolves when the store has them, and rejects
   * with the store's error (or a timeout after 10 s) when it does not.
   */
  saveSessions(): Promise<void> {
    return this.#sessions?.save() ?? Promise.resolve();
  }

  /**
   * Close every shard: with `resumable: true` with 4000, their sessions
   * saved for the next process to resume; else with 1000, those deleted.
   *
   * The store gets 10 s (after a save already in flight). When it fails or
   * does not answer, the shards are closed all the same, the failure is
   * logged as an error (on stderr unless LogTape is configured) and it
   * resolves `false`: the next process identifies those shards anew.
   *
   * @param options Whether to keep the sessions resumable.
   * @returns Once all is closed: whether the store did as asked (`true` without one).
   * @throws {TypeError} (as a rejection) For a key other than `resumable`,
   * closing nothing (a misspelt one closed with 1000, the sessions deleted).
   */
  async close(options: ShardManagerCloseOptions = {}): Promise<boolean> {
    checkOptionKeys("close shard manager", "", options, ["resumable"]);
    this.#closed = true;
    this.#closes++;
    this.#starting = undefined;
    this.#sessions?.stop();
    const resumable = options.resumable ?? false;
    this.#kept = resumable;
    await Promise.all(
      [...this.#shards.values()].map((shard) => shard.close({ resumable })),
    );
    const sessions = this.#sessions;
    if (!sessions) return true;
    return await sessions.close(resumable);
  }

  /** Same as {@linkcode ShardManager.close} with default options. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
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
