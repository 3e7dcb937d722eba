/**
 * The {@linkcode Client}: gateway shards, REST and a {@linkcode Handler}
 * wired together.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ShardContext } from "./context.ts";
import type { Context } from "./context.ts";
import { Handler } from "./handler.ts";
import { HandlerError } from "./handler_error.ts";
import { OrderedRunner } from "./ordered_runner.ts";
import type { SessionStartLimit } from "../gateway/identify_queue.ts";
import type { ShardDispatch } from "../gateway/shard.ts";
import {
  ShardManager,
  type ShardManagerCloseOptions,
  type ShardManagerOptions,
} from "../gateway/shard_manager.ts";
import { RestClient } from "../rest/rest_client.ts";
import { EVENT_INTENTS, eventDeliverable } from "../types/event_intents.ts";
import { createClientCache, warnCacheIntents } from "../cache/client_cache.ts";
import type { MemoryCache } from "../cache/memory_store.ts";
import type { CacheOptions } from "../cache/options.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
  HANDLER_METHOD_NAMES,
} from "../types/events.ts";
import { GatewayIntent } from "../types/intents.ts";

const logger = getLogger(["disruption", "handler"]);

/** A typed listener for one dispatch event. */
export type EventListener<K extends GatewayEventName> = (
  data: GatewayEventMap[K],
  ctx: Context,
) => void | Promise<void>;

/**
 * Options for {@linkcode Client}. Besides its own, it takes the
 * `ShardManager` options it passes on unchanged (documented there):
 * `compress`, `presence`, `largeThreshold`, `shardOptions`, `identifyQueue`,
 * `sessionStore`, `sessionSaveInterval`, `transport`, `scheduler` (also the
 * REST client's clock), `random` and `timeouts`.
 */
export interface ClientOptions extends
  Pick<
    ShardManagerOptions,
    | "compress"
    | "presence"
    | "largeThreshold"
    | "shardOptions"
    | "identifyQueue"
    | "sessionStore"
    | "sessionSaveInterval"
    | "transport"
    | "scheduler"
    | "random"
    | "timeouts"
  > {
  /** The bot token (without `Bot `). Never logged or shown. */
  token: string;
  /** The gateway intents; build them from `GatewayIntent`. */
  intents: number;
  /**
   * How many shards to run in total: a number, or `"recommended"` for GET
   * /gateway/bot's count.
   *
   * @default {"recommended", or 1 when gatewayUrl is given}
   */
  shards?: number | "recommended";
  /**
   * The shards this process runs: a list, or a function of the total shard
   * count and `max_concurrency` (known only after GET /gateway/bot), e.g.
   * `(count, maxConcurrency) => shardsForProcess(count, 0, 2, { maxConcurrency })`.
   *
   * @default {all of them}
   */
  shardIds?:
    | readonly number[]
    | ((shardCount: number, maxConcurrency: number) => readonly number[]);
  /**
   * The gateway URL. When given, GET /gateway/bot is not called (so the
   * identify budget it reports is not known).
   */
  gatewayUrl?: string;
  /** The REST client to use; built from the token when absent. */
  rest?: RestClient;
  /**
   * The REST API base URL, for a REST client built here.
   *
   * @default {"https://discord.com/api/v10"}
   */
  restBaseUrl?: string;
  /**
   * The `fetch` for a REST client built here.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Which dispatch events to parse: `"auto"` derives them from the
   * overridden Handler methods and the `on` listeners, so events the bot
   * does not handle are never parsed; `"all"` parses everything.
   *
   * @default {"auto"}
   */
  events?: "auto" | "all" | readonly GatewayEventName[];
  /**
   * Keep gateway state in memory ({@linkcode Client.cache}) and hand
   * handlers the state before each update or delete (`ctx.old`).
   *
   * @default {no cache}
   */
  cache?: CacheOptions;
}

/** A Handler method or listener, as the client calls it. */
type HandlerCall = (data: unknown, ctx: Context) => void | Promise<void>;

/** One shard's context and the runner that keeps its events in order. */
interface ShardSlot {
  ctx: Context;
  runner: OrderedRunner;
}

/** Hand the next handlers of a shard the state before their event. */
function setOld(ctx: Context, old: unknown): void {
  (ctx as ShardContext).old = old;
}

/** The Handler every client falls back to: it handles nothing. */
class NoHandler extends Handler {}

/**
 * A bot: runs a {@linkcode Handler} (and typed `on` listeners) on the
 * gateway, with a REST client for answering. Each shard's events are handled
 * one at a time in order, async handlers included; a throwing handler
 * reaches {@linkcode Handler.onError} and the shard carries on.
 *
 * @example A ping bot against the fake Discord
 * ```ts
 * import { Client, type Context, Handler } from "@disruption/disruption/handler";
 * import type { MessageCreateDispatch } from "@disruption/disruption/types";
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
 * await using client = new Client({ token: discord.token, intents: 33281, ...discord.clientOptions });
 * await client.start(new PingBot());
 * const reply = await discord.say("!ping");
 * assert.equal(reply.content, "pong");
 * ```
 */
export class Client {
  /** The REST client. */
  readonly rest: RestClient;
  /**
   * The gateway state kept by the `cache` option (empty without it):
   * `client.cache.guild(id)`, `client.cache.member(guildId, userId)`, …
   */
  readonly cache: MemoryCache;
  /** The events the cache needs parsed; undefined without a cache. */
  readonly #cacheEvents: ReadonlySet<string> | undefined;
  readonly #options: ClientOptions;
  #manager: ShardManager | undefined;
  #handler: Handler = new NoHandler();
  /** Overridden Handler methods by event name. */
  #methods = new Map<string, string>();
  /** The same methods, bound to the handler, by event name. */
  #routes = new Map<string, HandlerCall>();
  #rawOverridden = false;
  #errorOverridden = false;
  #listeners = new Map<string, Set<EventListener<GatewayEventName>>>();
  /** Each shard's context and runner, indexed by shard ID. */
  #slots: (ShardSlot | undefined)[] = [];
  #offDispatch: (() => void) | undefined;
  #offOthers: (() => void)[] = [];

  /**
   * Create a client; nothing connects until {@linkcode Client.start}.
   *
   * @param options Token, intents and the optional seams.
   * @throws {TypeError} When the token is missing.
   */
  constructor(options: ClientOptions) {
    if (typeof options?.token !== "string" || options.token.length === 0) {
      throw new TypeError(
        "Cannot create client as 'token' must be a non-empty string",
      );
    }
    this.#options = options;
    ({ cache: this.cache, events: this.#cacheEvents } = createClientCache(
      options.cache,
    ));
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
   * @typeParam K The event name.
   * @param event E.g. `"MESSAGE_CREATE"`.
   * @param listener Receives the payload and the shard's context.
   * @returns A function that removes the listener.
   */
  on<K extends GatewayEventName>(
    event: K,
    listener: EventListener<K>,
  ): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, set = new Set());
    set.add(listener as EventListener<GatewayEventName>);
    if (this.#manager) {
      this.#warnUndeliverable(event, `listener for ${event}`);
      this.#subscribe();
    }
    return () => {
      set.delete(listener as EventListener<GatewayEventName>);
      if (set.size === 0) this.#listeners.delete(event);
      if (this.#manager) this.#subscribe();
    };
  }

  /**
   * Connect and run `handler` until {@linkcode Client.stop}.
   *
   * @param handler The bot's handler; `on` listeners work without one.
   * @returns A promise that resolves when every shard is ready.
   * @throws {GatewayError} When a shard stops for good before that.
   */
  async start(handler: Handler = new NoHandler()): Promise<void> {
    if (this.#manager) {
      throw new Error("Cannot start client as it is already started");
    }
    this.#handler = handler;
    this.#inspectHandler(handler);
    const manager = await this.#createManager();
    this.#manager = manager;
    for (const shard of manager.shards.values()) {
      this.#slots[shard.id] = {
        ctx: new ShardContext(shard, this.rest),
        runner: new OrderedRunner((error) =>
          logger.error("Handler error sink failed: {error}", { error })
        ),
      };
    }
    if (this.#cacheEvents) warnCacheIntents(this.cache, this.#options.intents);
    for (const [event, method] of this.#methods) {
      this.#warnUndeliverable(event as GatewayEventName, `${method}()`);
    }
    for (const event of this.#listeners.keys()) {
      this.#warnUndeliverable(
        event as GatewayEventName,
        `listener for ${event}`,
      );
    }
    this.#offOthers.push(
      manager.on("state", (change) => {
        this.#slots[change.shardId]?.runner.push(() =>
          this.#guardLifecycle(() => this.#handler.onShardStateChange(change))
        );
      }),
      manager.on("error", (error) => {
        this.#slots[error.shardId ?? 0]?.runner.push(() =>
          this.#guardLifecycle(() => this.#handler.onGatewayError(error))
        );
      }),
    );
    this.#subscribe();
    await manager.start();
  }

  /**
   * Wait until every handler call queued so far has finished.
   *
   * @returns A promise that resolves when all shards' handlers are idle.
   */
  async idle(): Promise<void> {
    await Promise.all(
      this.#slots.map((slot) => slot?.runner.idle()),
    );
  }

  /**
   * Disconnect every shard and wait for running handlers to finish.
   *
   * @param options `resumable: true` keeps the sessions for a restart.
   * @returns A promise that resolves once everything is closed.
   */
  async stop(options: ShardManagerCloseOptions = {}): Promise<void> {
    const manager = this.#manager;
    if (!manager) return;
    await manager.close(options);
    await this.idle();
    this.#offDispatch?.();
    this.#offDispatch = undefined;
    for (const off of this.#offOthers) off();
    this.#offOthers = [];
    this.#manager = undefined;
    this.#slots = [];
  }

  /** Same as {@linkcode Client.stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Shows the client's state, never the token. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Client { shards: ${this.#manager?.shards.size ?? 0} }`;
  }

  async #createManager(): Promise<ShardManager> {
    // The client's own options stay here; the rest pass to the manager.
    const {
      shards,
      shardIds,
      gatewayUrl: givenUrl,
      rest: _rest,
      restBaseUrl: _restBaseUrl,
      fetch: _fetch,
      events: _events,
      ...passed
    } = this.#options;
    let gatewayUrl = givenUrl;
    let shardCount = typeof shards === "number" ? shards : 1;
    let sessionStartLimit: SessionStartLimit | undefined;
    if (gatewayUrl === undefined) {
      const bot = await this.rest.getGatewayBot();
      gatewayUrl = bot.url;
      if (shards === undefined || shards === "recommended") {
        shardCount = bot.shards;
      }
      sessionStartLimit = bot.session_start_limit;
      logger.info(
        "GET /gateway/bot: {shards} shards recommended, {remaining} of {total} session starts left",
        {
          shards: bot.shards,
          remaining: bot.session_start_limit.remaining,
          total: bot.session_start_limit.total,
        },
      );
    }
    const managerOptions: ShardManagerOptions = {
      ...passed,
      gatewayUrl,
      shardCount,
    };
    if (typeof shardIds === "function") {
      managerOptions.shardIds = shardIds(
        shardCount,
        sessionStartLimit?.max_concurrency ?? 1,
      );
    } else if (shardIds !== undefined) {
      managerOptions.shardIds = shardIds;
    }
    if (sessionStartLimit) {
      managerOptions.sessionStartLimit = sessionStartLimit;
      managerOptions.maxConcurrency = sessionStartLimit.max_concurrency;
    }
    return new ShardManager(managerOptions);
  }

  #inspectHandler(handler: Handler): void {
    this.#methods.clear();
    this.#routes.clear();
    const methods = handler as unknown as Record<string, unknown>;
    const defaults = Handler.prototype as unknown as Record<string, unknown>;
    for (const event of GATEWAY_EVENT_NAMES) {
      const name = HANDLER_METHOD_NAMES[event];
      if (methods[name] === defaults[name]) continue;
      this.#methods.set(event, name);
      this.#routes.set(event, (methods[name] as HandlerCall).bind(handler));
    }
    this.#rawOverridden = handler.onRaw !== Handler.prototype.onRaw;
    this.#errorOverridden = handler.onError !== Handler.prototype.onError;
  }

  /** The events to parse; `undefined` means every event. */
  #wantedEvents(): Set<string> | undefined {
    const events = this.#options.events ?? "auto";
    if (events === "all" || this.#rawOverridden) return undefined;
    const cacheEvents = this.#cacheEvents ?? [];
    if (events !== "auto") return new Set([...events, ...cacheEvents]);
    return new Set([
      ...this.#methods.keys(),
      ...this.#listeners.keys(),
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
    const { runner, ctx } = slot;
    if (this.#cacheEvents?.has(event.name)) {
      // Applied in gateway order; handlers see the state before their event.
      runner.call(setOld, ctx, this.cache.apply(event.name, event.data).old);
    }
    // Stable functions go through the runner without a closure per event.
    if (this.#rawOverridden) runner.call(this.#invokeRaw, event, ctx);
    if (this.#routes.size > 0) runner.call(this.#invokeMethod, event, ctx);
    if (this.#listeners.size === 0) return;
    const listeners = this.#listeners.get(event.name);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      runner.push(() =>
        this.#guard(event, listener as HandlerCall, event.data, ctx)
      );
    }
  };

  #invokeRaw = (event: ShardDispatch, ctx: Context): void | Promise<void> =>
    this.#guard(
      event,
      (dispatch: ShardDispatch, context: Context) =>
        this.#handler.onRaw(dispatch, context),
      event,
      ctx,
    );

  #invokeMethod = (
    event: ShardDispatch,
    ctx: Context,
  ): void | Promise<void> => {
    const call = this.#routes.get(event.name);
    if (call === undefined) return;
    return this.#guard(event, call, event.data, ctx);
  };

  /** Call a handler so that whatever it throws or rejects reaches onError. */
  #guard<A>(
    event: ShardDispatch,
    call: (a: A, ctx: Context) => void | Promise<void>,
    a: A,
    ctx: Context,
  ): void | Promise<void> {
    try {
      const result = call(a, ctx);
      if (result !== undefined && typeof result.then === "function") {
        return result.then(undefined, (cause) => this.#failed(event, cause));
      }
    } catch (cause) {
      return this.#failed(event, cause);
    }
  }

  #failed(event: ShardDispatch, cause: unknown): void | Promise<void> {
    const error = new HandlerError({
      cause,
      event: event.name,
      shardId: event.shardId,
      sequence: event.sequence,
    });
    if (!this.#errorOverridden) {
      logger.error("{message}", { message: error.message, error: cause });
      return;
    }
    return this.#guardLifecycle(() => this.#handler.onError(error));
  }

  #guardLifecycle(call: () => void | Promise<void>): void | Promise<void> {
    try {
      const result = call();
      if (result !== undefined && typeof result.then === "function") {
        return result.then(
          undefined,
          (error) =>
            logger.error("A lifecycle handler threw: {error}", { error }),
        );
      }
    } catch (error) {
      logger.error("A lifecycle handler threw: {error}", { error });
    }
  }

  #warnUndeliverable(event: GatewayEventName, what: string): void {
    const intents = this.#options.intents;
    if (!eventDeliverable(event, intents)) {
      const needed = EVENT_INTENTS[event].join(" or ");
      logger.warn(
        "{what} will never be called: {event} needs the {needed} intent, which is not requested",
        { what, event, needed },
      );
    } else if (
      (event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE") &&
      (intents & GatewayIntent.MessageContent) === 0
    ) {
      logger.warn(
        "{what}: without the MESSAGE_CONTENT intent, message content is empty except in DMs and messages that mention the bot",
        { what },
      );
    }
  }
}
