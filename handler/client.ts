/**
 * The {@linkcode Client}: gateway shards, REST and a {@linkcode Handler}
 * wired together.
 *
 * @module
 */
import { closestName } from "../base/closest_name.ts";
import { assertBooleanOption } from "../base/option_checks.ts";
import { checkOptionKeys } from "../base/option_keys.ts";
import { ClientStoppedError } from "./client_stopped_error.ts";
import { registerClientRuns } from "./_client_runs.ts";
import type { Context, ShardContext } from "./context.ts";
import { Handler } from "./handler.ts";
import { guardHandlerCall, guardLifecycle } from "./guarded_calls.ts";
import type { HandlerErrorSource } from "./guarded_calls.ts";
import { callAtArrival } from "./_arrival_call.ts";
import { EventListeners } from "./_event_listeners.ts";
import {
  type HandlerCall,
  type HandlerRoutes,
  handlerRoutes,
  warnMisspeltMethods,
} from "./handler_routes.ts";
import { HeldTotal } from "./held_total.ts";
import { ShardSlot } from "./shard_slot.ts";
import type { ListenOptions } from "./listen_options.ts";
import {
  drainHandlers,
  sessionsAfterDrain,
  stopRefusal,
} from "./_stop_drain.ts";
import { assertClientOptions, startRefusal } from "./client_options_check.ts";
import { createClientManager } from "./_client_manager.ts";
import { MemoryIdentifyQueue } from "../gateway/identify_queue.ts";
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import type { ShardDispatch } from "../gateway/shard.ts";
import {
  type HeldSession,
  holdSessionSaves,
  restoreSessions,
  type ShardManager,
  type ShardManagerCloseOptions,
} from "../gateway/shard_manager.ts";
import { RestClient } from "../rest/rest_client.ts";
import { warnUndeliverable } from "./_undeliverable.ts";
import {
  recordingShardIntents,
  shardIntentGroups,
  type ShardIntents,
} from "./_shard_intents.ts";
import {
  ClientCacheFeed,
  createClientCache,
  warnCacheIntents,
} from "../cache/client_cache.ts";
import type { MemoryCache } from "../cache/memory_store.ts";
import type { OldState } from "../cache/old_state.ts";
import type { ClientOptions } from "./client_options.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
  isGatewayEventName,
} from "../types/events.ts";

/**
 * A typed listener for one dispatch event: its payload, and the shard's
 * context with `old` typed for the event (see `OldState`). What it returns
 * is awaited when a promise or thenable, and otherwise ignored.
 *
 * @typeParam K The event name.
 */
export type EventListener<K extends GatewayEventName> = (
  data: GatewayEventMap[K],
  ctx: Context<OldState<K>>,
) => unknown;

export type { ListenOptions } from "./listen_options.ts";

/** Options for {@linkcode Client.stop}. */
export interface ClientStopOptions extends ShardManagerCloseOptions {
  /**
   * How long to wait, once the shards are closed, for handler calls still
   * running or queued, and route handlers of an attached router. Calls not
   * started by then are dropped and their number is logged (a warning per
   * shard on `["disruption", "handler"]`); a handler that never settles
   * cannot hold `stop()` longer than this. With `resumable: true` their
   * events are not lost: the sessions are saved before the first of them,
   * so the next RESUME replays them, at least once (an event whose method
   * ran but a listener's call was dropped comes again whole, and its method
   * runs twice). The `cache` does not apply the replayed events again when
   * this Client's start() resumes (it took them at arrival): their handlers
   * get `ctx.old` undefined. A READY or RESUMED is not replayed, nor its
   * dropped calls; a cache the bot feeds itself (a `RedisCache` other
   * processes share) gets the replayed events twice, counts included.
   *
   * @default {10000}
   */
  drainTimeout?: number;
}

/** Default {@linkcode ClientStopOptions.drainTimeout}. */
export const DEFAULT_DRAIN_TIMEOUT = 10_000;

/** The Handler every client falls back to: it handles nothing. */
class NoHandler extends Handler {}

/** One run, from {@linkcode Client.start} to the end of {@linkcode Client.stop}. */
interface Run {
  /**
   * Aborted by stop() or the client's signal (cancels the start), and at
   * teardown; the waiters registered through the client end with it.
   */
  readonly abort: AbortController;
  /** The manager, once the start created it. */
  manager: ShardManager | undefined;
  /** Settles when start() has returned or thrown. */
  started: Promise<void>;
  /**
   * The teardown in progress (a stop's, or a failed start's), shared by
   * every stop() call.
   */
  stopping: Promise<void> | undefined;
}

/**
 * A bot: runs a {@linkcode Handler} (and typed `on` listeners) on the
 * gateway, with a REST client for answering. Each shard's events are handled
 * one at a time in order, async handlers included (listeners added with
 * `atArrival`, the waiters, are called as events arrive instead); a
 * throwing handler reaches {@linkcode Handler.onError} and the shard
 * carries on.
 *
 * @example A ping bot against the fake Discord
 * ```ts
 * import { Client, type Context, Handler } from "@disruption/disruption/handler";
 * import { GatewayIntent, type MessageCreateDispatch } from "@disruption/disruption/types";
 * import { FakeDiscord } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * class PingBot extends Handler {
 *   override async onMessageCreate(
 *     message: MessageCreateDispatch,
 *     ctx: Context,
 *   ): Promise<void> {
 *     if (message.content === "!ping") await ctx.reply(message, "pong");
 *   }
 * }
 *
 * await using discord = await FakeDiscord.start();
 * await using client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
 *   ...discord.clientOptions,
 * });
 * await client.start(new PingBot());
 * const reply = await discord.say("!ping");
 * assert.equal(reply.content, "pong");
 * ```
 */
export class Client {
  /** The REST client. */
  readonly rest: RestClient;
  /**
   * The gateway state kept by the `cache` option:
   * `client.cache.guild(id)`, `client.cache.member(guildId, userId)`, …
   * It is the state after every event received so far, which a handler
   * that awaited may find ahead of its own event; `ctx.old` is the state
   * just before that event. Without the option it stays empty, and the
   * first read of it logs a warning saying so.
   */
  readonly cache: MemoryCache;
  /** The events the cache needs parsed; undefined without a cache. */
  readonly #cacheEvents: ReadonlySet<string> | undefined;
  /**
   * The events methods and listeners get, with an `events` list: its
   * events and the cache's (onRaw gets every one); undefined without.
   */
  readonly #routed: ReadonlySet<string> | undefined;
  /**
   * The sessions a resumable stop kept, without a `sessionStore`: the next
   * start() RESUMEs them.
   */
  #keptSessions: HeldSession[] = [];
  /** The running shards' intents, grouped (`shardOptions` may differ). */
  #shardIntents: ShardIntents[] = [];
  /**
   * The identify queue when none is given, kept across `start()` calls: a
   * start right after a stop must wait out the 5 s window its last
   * IDENTIFY opened, or Discord answers op 9 and that IDENTIFY, one of the
   * day's, is spent for nothing.
   */
  #ownQueue: MemoryIdentifyQueue | undefined;
  /** Applies each dispatch to the cache (see {@linkcode ClientCacheFeed}). */
  readonly #cacheFeed: ClientCacheFeed;
  readonly #options: ClientOptions;
  #handler: Handler = new NoHandler();
  /** The started handler's overridden methods. */
  #routes: HandlerRoutes = handlerRoutes(this.#handler);
  #listeners = new EventListeners<EventListener<GatewayEventName>>();
  /** Listeners called as their event arrives (`atArrival`). */
  #arrivalListeners = new EventListeners<EventListener<GatewayEventName>>();
  /** Each shard's context and runner, indexed by shard ID. */
  #slots: (ShardSlot | undefined)[] = [];
  #offDispatch: (() => void) | undefined;
  #offOthers: (() => void)[] = [];
  /** The current run; `undefined` before start() and after stop(). */
  #run: Run | undefined;

  /** The current run's manager, once its start created it. */
  get #manager(): ShardManager | undefined {
    return this.#run?.manager;
  }

  /**
   * Create a client; nothing connects until {@linkcode Client.start}.
   *
   * @param options Token, intents and the optional seams.
   * @throws {TypeError} When `options` is not an object (a token passed
   * alone), the token is missing or an option has the wrong type.
   * @throws {RangeError} When a number is out of range (the message names
   * the option).
   */
  constructor(options: ClientOptions) {
    assertClientOptions(options);
    this.#options = options;
    // awaitMessage and awaitComponent end with the run they started in.
    registerClientRuns(this, {
      current: () => this.#run?.abort.signal,
      signal: options.signal,
      scheduler: options.scheduler,
    });
    ({ cache: this.cache, events: this.#cacheEvents } = createClientCache(
      options.cache,
    ));
    this.#cacheFeed = new ClientCacheFeed(this.cache, this.#cacheEvents);
    const { events } = options;
    if (Array.isArray(events)) {
      this.#routed = new Set([...events, ...this.#cacheEvents ?? []]);
    }
    this.rest = options.rest ?? new RestClient({
      token: options.token,
      ...(options.restBaseUrl ? { baseUrl: options.restBaseUrl } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  }

  /** The shard manager, once {@linkcode Client.start} created it. */
  get shards(): ShardManager | undefined {
    return this.#manager;
  }

  /**
   * Listen to one dispatch event, typed from the event map.
   *
   * A listener runs in turn with the Handler's methods and the other
   * listeners of its shard, one event at a time, awaited when it returns a
   * promise. With `{ atArrival: true }` it is called as the event arrives
   * instead, not waiting behind them (see {@linkcode ListenOptions}): what a
   * waiter needs, so that a handler that waits for the next event gets it.
   *
   * A listener added while an event is handed out waits for the next one;
   * one removed before its turn is skipped, and one removed and added
   * again before its turn (a plugin reload) gets it. The same function
   * added twice is one listener, called once per event, that stays until
   * each of the two returned functions has been called.
   *
   * @typeParam K The event name.
   * @param event E.g. `"MESSAGE_CREATE"`.
   * @param listener Receives the payload and the shard's context.
   * @param options `atArrival: true` calls it as the event arrives.
   * @returns A function that removes this registration of the listener
   * (calling it again does nothing).
   * @throws {TypeError} When `event` is not a gateway event name (the
   * message names the nearest one), `listener` is not a function, or
   * `options` is not an object of known options (`atArrival` a boolean).
   */
  on<K extends GatewayEventName>(
    event: K,
    listener: EventListener<K>,
    options: ListenOptions = {},
  ): () => void {
    if (!isGatewayEventName(event)) {
      const nearest = closestName(String(event), GATEWAY_EVENT_NAMES);
      throw new TypeError(
        `Cannot listen to '${String(event)}' as it is not a gateway event${
          nearest ? `; did you mean '${nearest}'?` : ""
        } (the names are GATEWAY_EVENT_NAMES; onRaw sees events not in the list)`,
      );
    }
    if (typeof listener !== "function") {
      throw new TypeError(
        `Cannot listen to '${event}' as the listener must be a function: current type '${typeof listener}'`,
      );
    }
    checkOptionKeys(`listen to '${event}'`, "", options, ["atArrival"]);
    const atArrival: unknown = options.atArrival;
    assertBooleanOption(`listen to '${event}'`, "atArrival", atArrival);
    const listeners = atArrival ? this.#arrivalListeners : this.#listeners;
    const remove = listeners.add(
      event,
      listener as EventListener<GatewayEventName>,
    );
    if (this.#manager) {
      warnUndeliverable(
        this.#shardIntents,
        this.#routed ?? this.#wantedEvents(),
        event,
        `listener for ${event}`,
      );
      this.#subscribe();
    }
    return () => {
      if (remove() && this.#manager) this.#subscribe();
    };
  }

  /**
   * Connect and run `handler` until {@linkcode Client.stop}.
   *
   * A start that rejects leaves nothing running: shards already connected
   * are closed before the promise rejects.
   *
   * @param handler The bot's handler; `on` listeners work without one. Its
   * methods are checked as function-typed properties, strictly: an override
   * narrowing a parameter compiles (methods are bivariant), not here.
   * @returns A promise that resolves when every shard is ready. Await it:
   * left unhandled, its rejection is an unhandled rejection, which ends the
   * process (a bot whose start failed must not exit as if it ran).
   * @throws {ClientStoppedError} When {@linkcode Client.stop} is called (or
   * the `signal` option aborts) before that.
   * @throws {GatewayError} When a shard stops for good before that
   * (`authentication_failed` for a token Discord rejects, at the gateway or
   * on GET /gateway/bot, or that an earlier REST request found rejected: its
   * `TokenRejectedError` is then the cause).
   * @throws {RestError} When GET /gateway/bot fails otherwise (a
   * `DiscordApiError` for another error status, a `NetworkError` when no
   * attempt is answered).
   * @throws {TypeError} When `handler` is not a Handler instance (a class
   * instead of `new X()`, say), before anything starts; or when GET
   * /gateway/bot's answer cannot be used (no `wss:` URL, a shard count that
   * is not a positive integer).
   * @throws {OtherBotSessionsError} When the `sessionStore` holds another
   * bot's saved sessions of these shards (see the README's sessions).
   * @throws {Error} When the client is already started or starting.
   */
  start(
    handler:
      & Handler
      & {
        readonly [M in keyof Handler]: (
          ...a: Parameters<Handler[M]>
        ) => unknown;
      } = new NoHandler(),
  ): Promise<void> {
    const refusal = startRefusal(handler, this.#run);
    if (refusal) return Promise.reject(refusal);
    const signal = this.#options.signal;
    if (signal?.aborted) {
      return Promise.reject(new ClientStoppedError({ cause: signal.reason }));
    }
    const run: Run = {
      abort: new AbortController(),
      manager: undefined,
      started: Promise.resolve(),
      stopping: undefined,
    };
    this.#run = run;
    // Listened to for the whole run, not only the start: the signal stops a
    // running client (a bot's Ctrl-C). The run's own abort, at its stop or
    // teardown, removes the listener. With a sessionStore the stop keeps
    // the sessions: a clean one deleted them, so the restart after a Ctrl+C
    // spent an IDENTIFY and lost the events sent meanwhile, which a hard
    // kill would have resumed.
    const resumable = this.#options.sessionStore !== undefined;
    signal?.addEventListener("abort", () => void this.stop({ resumable }), {
      once: true,
      signal: run.abort.signal,
    });
    const started = this.#start(run, handler);
    run.started = started.then(() => {}, () => {});
    return started.then(() => {}); // unhandled if the caller ignores it
  }

  async #start(run: Run, handler: Handler): Promise<void> {
    try {
      this.#handler = handler;
      this.#routes = handlerRoutes(handler);
      const intents = new Map<number, number>();
      const manager = await createClientManager(
        recordingShardIntents(this.#options, intents),
        this.rest,
        () =>
          this.#ownQueue ??= new MemoryIdentifyQueue({
            scheduler: this.#options.scheduler ?? realScheduler,
          }),
        run.abort.signal,
      );
      run.abort.signal.throwIfAborted();
      run.manager = manager;
      const kept = this.#keptSessions;
      restoreSessions(manager, kept, this.#clock.now());
      this.#keptSessions = [];
      this.#shardIntents = shardIntentGroups(
        this.#options.intents,
        manager.shards.keys(),
        intents,
      );
      this.#wire(manager, run.abort.signal, kept);
      await manager.start();
      run.abort.signal.throwIfAborted();
      this.#cacheFeed.warnUnseenResumes(manager.shards.values());
    } catch (error) {
      if (run.abort.signal.aborted) {
        const signal = this.#options.signal;
        throw new ClientStoppedError(
          signal?.aborted ? { cause: signal.reason } : {},
        );
      }
      // Nothing may keep running after a failed start. A stop() called
      // meanwhile waits for this teardown instead of running a second one.
      const teardown = this.#teardown(run, {}, DEFAULT_DRAIN_TIMEOUT, "start");
      run.stopping = teardown.finally(() => run.started);
      run.stopping.catch(() => {}); // the start rejects with it (a stop too)
      await teardown;
      throw error;
    }
  }

  /** Shard contexts, start-up warnings and the manager's listeners. */
  #wire(
    manager: ShardManager,
    stopped: AbortSignal,
    kept: readonly HeldSession[],
  ): void {
    const total = new HeldTotal();
    for (const shard of manager.shards.values()) {
      this.#slots[shard.id] = new ShardSlot(
        shard,
        this.rest,
        stopped,
        total,
        this.#options.sessionStore !== undefined,
      );
    }
    // Saved past calls not finished, a crash lost their events for good.
    const slots = this.#slots;
    holdSessionSaves(manager, (shard) => slots[shard.id]?.resumePoint());
    for (const { shardId, sessionId, received } of kept) {
      if (received === undefined) continue;
      this.#slots[shardId]?.cachedThrough(sessionId, received);
    }
    if (this.#cacheEvents) warnCacheIntents(this.cache, this.#shardIntents);
    warnMisspeltMethods(this.#handler);
    const parsed = this.#routed ?? this.#wantedEvents();
    for (const [event, method] of this.#routes.methods) {
      warnUndeliverable(
        this.#shardIntents,
        parsed,
        event as GatewayEventName,
        `${method}()`,
      );
    }
    for (
      const event of new Set([
        ...this.#listeners.events(),
        ...this.#arrivalListeners.events(),
      ])
    ) {
      warnUndeliverable(
        this.#shardIntents,
        parsed,
        event as GatewayEventName,
        `listener for ${event}`,
      );
    }
    this.#offOthers.push(
      manager.on("state", (change) => {
        if (!this.#routes.shardState) return;
        this.#slots[change.shardId]?.push(
          "onShardStateChange",
          () =>
            guardLifecycle(
              "onShardStateChange",
              () => this.#handler.onShardStateChange(change),
            ),
        );
      }),
      manager.on("error", (error) => {
        if (!this.#routes.gatewayError) return;
        this.#slots[error.shardId ?? 0]?.push(
          "onGatewayError",
          () =>
            guardLifecycle(
              "onGatewayError",
              () => this.#handler.onGatewayError(error),
            ),
        );
      }),
    );
    this.#subscribe();
  }

  /**
   * Wait until every handler call queued so far has finished. Calls queued
   * after are not waited for: under steady traffic it still resolves. An
   * event still on its way is not queued yet: in a test, after a fake
   * user's action, first await the fake's `delivered()` (see the testing
   * entry's `FakeDiscord`).
   *
   * In a handler, do not await it: the call that awaits is one of those it
   * waits for, so it waits for itself and the shard handles nothing more
   * until {@linkcode Client.stop} (the stuck-call warning says so after
   * 30 s).
   *
   * @returns A promise that resolves when the calls queued on every shard
   * before this call have finished.
   */
  async idle(): Promise<void> {
    await Promise.all(
      this.#slots.map((slot) => slot?.runner.idle()),
    );
  }

  /**
   * How many handler calls wait behind a running one: on one shard, or on
   * all shards together (an event no handler or listener takes, parsed
   * only for the cache, is none). A warning is shown when a shard's count
   * reaches 1,000 and again each time it doubles, and when a call has not
   * finished after 30 s while others wait behind it (naming its event).
   *
   * @param shardId One shard; all shards when left out.
   * @returns The number of queued handler calls.
   */
  pendingHandlerCalls(shardId?: number): number {
    if (shardId !== undefined) return this.#slots[shardId]?.runner.pending ?? 0;
    let total = 0;
    for (const slot of this.#slots) total += slot?.runner.pending ?? 0;
    return total;
  }

  /**
   * Disconnect every shard and wait for running handlers to finish, at most
   * `drainTimeout` (10 s by default), route handlers of an attached
   * `InteractionRouter` included (they run beside later events, and those
   * still running then are named in a warning); handler calls still queued
   * then are dropped and reported in a warning (a handler still running a
   * second into the wait, with `drainTimeout` over a second, is said on
   * stderr, so a stuck one does not look like a hung process). Called while
   * {@linkcode Client.start} is still running, it cancels the start (which
   * rejects with {@linkcode ClientStoppedError}) and leaves no timer or
   * socket behind. Calling it again while it runs waits for the same stop;
   * called while a failed start cleans up, it waits for that clean-up
   * (whose drain is 10 s) instead of running another.
   *
   * The waits started through this Client (`awaitMessage`, and
   * `awaitComponent` of a router attached to it) reject with
   * {@linkcode ClientStoppedError} as the stop begins, so a handler awaiting
   * one finishes instead of holding the stop (and the process) until its
   * timeout. A handler still running when `drainTimeout` passes is not
   * stopped (JavaScript cannot stop running code): its REST calls, such as
   * `ctx.reply` waiting on a rate limit, still go out after `stop()`
   * resolves; keep the default drain long enough for them, or pass slow
   * REST calls a signal of your own to abort when stopping.
   *
   * In a Handler method, listener or route handler, do not await it
   * (`void client.stop()`): the stop waits for that call (every route
   * handler too) until `drainTimeout`, dropping the calls behind it.
   *
   * @param options `resumable: true` closes with 4000 and keeps the
   * sessions for a restart: the next {@linkcode Client.start} of this
   * Client RESUMEs them (kept in memory without a `sessionStore`); a new
   * process resumes them only from the `sessionStore` option. Handler
   * calls the drain dropped are replayed by that RESUME (see
   * {@linkcode ClientStopOptions.drainTimeout}).
   * `drainTimeout` bounds the wait for handlers.
   * @returns A promise that resolves once everything is closed.
   * @throws {TypeError} When `options` has a key other than `resumable` and
   * `drainTimeout` (the message names the nearest), or is not an object, or
   * `resumable` is not a boolean.
   * @throws {RangeError} When `drainTimeout` is negative or not a finite
   * number (a string such as `"5"` included).
   */
  stop(options: ClientStopOptions = {}): Promise<void> {
    return this.#stop(options, this.#clock);
  }

  /** {@linkcode Client.stop}, its drain timed on `drainClock`. */
  #stop(options: ClientStopOptions, drainClock: Scheduler): Promise<void> {
    const refusal = stopRefusal(options);
    if (refusal) return Promise.reject(refusal);
    const { drainTimeout = DEFAULT_DRAIN_TIMEOUT, ...closeOptions } = options;
    const run = this.#run;
    if (!run) return Promise.resolve();
    if (run.stopping) return run.stopping;
    run.abort.abort();
    run.stopping = (async () => {
      await this.#teardown(run, closeOptions, drainTimeout, "stop", drainClock);
      // start() has given up (or finished) by now.
      await run.started;
    })();
    return run.stopping;
  }

  /**
   * Close the run's manager, drain the handlers and forget the run: for
   * stop(), or for a start that failed (`by`, for the warnings).
   */
  async #teardown(
    run: Run,
    options: ShardManagerCloseOptions,
    drainTimeout: number,
    by: "stop" | "start",
    drainClock = this.#clock,
  ): Promise<void> {
    run.abort.abort(); // also stops listening to the client's signal
    const manager = run.manager;
    await manager?.close(options);
    // A resumable stop keeps them for start(), also with a sessionStore:
    // should the save at close have failed, the store holds older ones,
    // which replayed events or resumed a dead session (the manager lets
    // the store's copy win only when it is newer).
    const keep = options.resumable === true;
    // A stop before the manager existed (a start still asking Discord)
    // leaves what an earlier resumable stop kept.
    if (!keep) this.#keptSessions = [];
    // The close saved them before calls not finished: again once they are.
    const behind = keep &&
      this.#slots.some((slot) => slot?.resumePoint() !== undefined);
    const dropped = await drainHandlers(
      this.#slots,
      this.idle(),
      drainClock,
      drainTimeout,
      by,
      keep,
    );
    // Else the RESUME skipped the events of dropped calls for good.
    if (keep && manager) {
      this.#keptSessions = await sessionsAfterDrain(
        manager,
        dropped,
        behind,
        this.#clock.now(),
      );
    }
    this.#offDispatch?.();
    this.#offDispatch = undefined;
    for (const off of this.#offOthers) off();
    this.#offOthers = [];
    this.#slots = [];
    if (this.#run === run) this.#run = undefined;
  }

  get #clock(): Scheduler {
    return this.#options.scheduler ?? realScheduler;
  }

  /**
   * {@linkcode Client.stop}, for `await using`. On a clock other than
   * `realScheduler` (a test's virtual one, which nobody advances while the
   * test disposes) it does not wait for running handlers: `drainTimeout: 0`,
   * timed on the real clock; their calls are dropped and said as stop()
   * says them. Await `client.stop()` first to wait for them on that clock.
   */
  [Symbol.asyncDispose](): Promise<void> {
    const real = this.#clock === realScheduler;
    return this.#stop(real ? {} : { drainTimeout: 0 }, realScheduler);
  }

  /** Shows the client's state, never the token. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Client { shards: ${this.#manager?.shards.size ?? 0} }`;
  }

  /** The events to parse; `undefined` means every event. */
  #wantedEvents(): Set<string> | undefined {
    const events = this.#options.events ?? "auto";
    if (events === "all" || this.#routes.raw) return undefined;
    const cacheEvents = this.#cacheEvents ?? [];
    if (events !== "auto") return new Set([...events, ...cacheEvents]);
    return new Set([
      ...this.#routes.methods.keys(),
      ...this.#listeners.events(),
      ...this.#arrivalListeners.events(),
      ...cacheEvents,
    ]);
  }

  /** (Re-)register the one dispatch listener with the current event set. */
  #subscribe(): void {
    this.#offDispatch?.();
    const wanted = this.#wantedEvents();
    this.#offDispatch = this.#manager!.on(
      "dispatch",
      this.#onDispatch,
      wanted ? { events: wanted } : {},
    );
  }

  #onDispatch = (event: ShardDispatch): void => {
    const slot = this.#slots[event.shardId];
    if (slot === undefined) return;
    // Applied in gateway order; handlers see the state before their event
    // (none for an event the cache does not reduce), each call its own copy.
    // Not the replay of a session a resumable stop set back: applied twice,
    // a reaction counted twice.
    const update = event.sequence > slot.cachedUpTo ||
        !slot.cached(event.sequence)
      ? this.#cacheFeed.apply(event)
      : undefined;
    // An 'events' list limits methods and listeners (atArrival ones too),
    // onRaw aside.
    const routed = this.#routed?.has(event.name) ?? true;
    // Waiters first, as the event arrives: a handler awaiting this event
    // must not wait behind itself.
    const early = routed ? this.#arrivalListeners.get(event.name) : undefined;
    if (early !== undefined) {
      const onError = this.#routes.error ? this.#handler : undefined;
      callAtArrival(event, early, slot, update, onError);
    }
    const raw = this.#routes.raw;
    const method = routed && this.#routes.calls.has(event.name);
    const listeners = routed ? this.#listeners.get(event.name) : undefined;
    // Parsed only for the cache (or the waiters): nothing queued or held,
    // so it never waits behind a handler (one awaiting its very chunks).
    if (!raw && !method && listeners === undefined) return;
    const runner = slot.runner;
    const handed = runner.handed; // what the event queues, counted by held()
    // Each call has its own reader of `old` (in a context of its own when
    // there is one): one handler's edit of ctx.old is not the next one's.
    // Stable functions go through the runner without a closure per event.
    if (raw) {
      runner.call(this.#invokeRaw, event, slot.contextFor(update?.readOld()));
    }
    if (method) {
      const ctx = slot.contextFor(update?.readOld());
      runner.call(this.#invokeMethod, event, ctx);
    }
    if (listeners !== undefined) {
      // Over a copy (one added now waits); one not in the live Set at its
      // turn is skipped (the event's Set is kept for good, so one removed
      // and added again is in it).
      for (const f of [...listeners] as HandlerCall[]) {
        const ctx = slot.contextFor(update?.readOld());
        slot.push(
          event.name,
          () =>
            listeners.has(f)
              ? this.#guard(event, f, event.data, ctx, "listener")
              : undefined,
          event.size, // what a route handler it starts is counted as
        );
      }
    }
    slot.queued(event.sequence, event.name);
    slot.held(event.size, update, handed);
  };

  #invokeRaw = (
    event: ShardDispatch,
    ctx: ShardContext,
  ): void | Promise<void> => {
    this.#running(event);
    const raw = (dispatch: ShardDispatch, context: Context) =>
      this.#handler.onRaw(dispatch, context);
    return this.#guard(event, raw, event, ctx, "raw");
  };

  #invokeMethod = (
    event: ShardDispatch,
    ctx: ShardContext,
  ): void | Promise<void> => {
    const call = this.#routes.calls.get(event.name);
    if (call === undefined) return;
    this.#running(event);
    return this.#guard(event, call, event.data, ctx, "method");
  };

  /** Note the event whose handler call starts now (see `ShardSlot.begin`). */
  #running(event: ShardDispatch): void {
    this.#slots[event.shardId]?.begin(event.name, event.size);
  }

  /** Call a handler so that whatever it throws or rejects reaches onError. */
  #guard<A>(
    event: ShardDispatch,
    call: (a: A, ctx: Context) => void | Promise<void>,
    a: A,
    ctx: Context,
    source: HandlerErrorSource,
  ): void | Promise<void> {
    const onError = this.#routes.error ? this.#handler : undefined;
    return guardHandlerCall(event, call, a, ctx, onError, source);
  }
}
