/**
 * The fake gateway and the fake REST API joined into one fake Discord, for
 * testing a whole bot: a message the bot creates over REST comes back as a
 * `MESSAGE_CREATE` dispatch, and a test can play a user who writes a message
 * or runs a slash command and await the bot's answer.
 *
 * @module
 */
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type { Transport } from "../gateway/transport.ts";
import type { RestMessage, RestUser } from "../rest/payloads.ts";
import { FakeGateway, type FakeGatewayOptions } from "./fake_gateway.ts";
import {
  type FakeGatewayServer,
  serveFakeGateway,
} from "./fake_gateway_server.ts";
import {
  FakeRest,
  type FakeRestServer,
  type RecordedInteractionResponse,
} from "./fake_rest.ts";

/** Options for {@linkcode FakeDiscord.start}. */
export interface FakeDiscordOptions {
  /**
   * The bot token the fake accepts.
   *
   * @default {"fake-token"}
   */
  token?: string;
  /**
   * Serve the gateway and the REST API on 127.0.0.1 (real sockets, real
   * HTTP) instead of in-process.
   *
   * @default {false}
   */
  loopback?: boolean;
  /**
   * The clock of both fakes.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * The shard count GET /gateway/bot recommends.
   *
   * @default {1}
   */
  shards?: number;
  /**
   * How long {@linkcode FakeDiscord.say} and
   * {@linkcode FakeDiscord.runCommand} wait for the bot, in milliseconds.
   *
   * @default {10000}
   */
  answerTimeout?: number;
  /** Anything else for the fake gateway (guilds, heartbeat interval, ...). */
  gateway?: Omit<FakeGatewayOptions, "scheduler" | "tokens">;
}

/** Where a simulated user acts. */
export interface FakeUserActionOptions {
  /**
   * The channel.
   *
   * @default {FakeDiscord.channelId}
   */
  channelId?: string;
  /**
   * The guild; `null` for a DM.
   *
   * @default {FakeDiscord.guildId}
   */
  guildId?: string | null;
  /**
   * Who acts.
   *
   * @default {FakeDiscord.user}
   */
  author?: RestUser;
}

/** What a client needs to talk to the fake (spread it into `ClientOptions`). */
export interface FakeDiscordClientOptions {
  /** In-process: the gateway transport. */
  transport?: Transport;
  /** In-process: the REST `fetch`. */
  fetch?: typeof fetch;
  /** Loopback: the REST base URL. */
  restBaseUrl?: string;
  /** The fake's clock, when it is not the real one. */
  scheduler?: Scheduler;
}

/** A slash command a simulated user runs. */
export interface FakeSlashCommand {
  /** The command name. */
  name: string;
  /** Its options, as Discord sends them. */
  options?: { name: string; type: number; value: unknown }[];
}

/** The simulated user's snowflakes start here. */
const ID_BASE = 1_300_000_000_000_000_000n;

/**
 * A fake Discord: {@linkcode FakeGateway} + {@linkcode FakeRest}, joined.
 *
 * @example Test a bot end to end
 * ```ts
 * import { FakeDiscord } from "@disruption/disruption/testing";
 * import { Client } from "@disruption/disruption/handler";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * await using discord = await FakeDiscord.start();
 * await using client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
 *   ...discord.clientOptions,
 * });
 * client.on("MESSAGE_CREATE", async (message, ctx) => {
 *   if (message.content === "!ping") await ctx.reply(message, "pong");
 * });
 * await client.start();
 * const answer = await discord.say("!ping");
 * assert.equal(answer.content, "pong");
 * ```
 */
export class FakeDiscord {
  /** The fake gateway. */
  readonly gateway: FakeGateway;
  /** The fake REST API. */
  readonly rest: FakeRest;
  /** The token the fake accepts. */
  readonly token: string;
  /** The guild simulated users write in. */
  readonly guildId: string;
  /** The text channel simulated users write in. */
  readonly channelId: string;
  /** The simulated user. */
  readonly user: RestUser;
  readonly #scheduler: Scheduler;
  readonly #answerTimeout: number;
  readonly #gatewayServer: FakeGatewayServer | undefined;
  readonly #restServer: FakeRestServer | undefined;
  readonly #channelGuilds = new Map<string, string | null>();
  readonly #messageWaiters = new Set<(message: RestMessage) => boolean>();
  readonly #responseWaiters = new Set<
    (response: RecordedInteractionResponse) => boolean
  >();
  #nextId = ID_BASE;
  /** Pending waits, so close() can cancel their timers. */
  readonly #pendingWaits = new Set<() => void>();

  private constructor(
    gateway: FakeGateway,
    rest: FakeRest,
    options: {
      token: string;
      scheduler: Scheduler;
      answerTimeout: number;
      gatewayServer: FakeGatewayServer | undefined;
      restServer: FakeRestServer | undefined;
    },
  ) {
    this.gateway = gateway;
    this.rest = rest;
    this.token = options.token;
    this.#scheduler = options.scheduler;
    this.#answerTimeout = options.answerTimeout;
    this.#gatewayServer = options.gatewayServer;
    this.#restServer = options.restServer;
    this.guildId = gateway.guildIds[0]!;
    this.channelId = this.#snowflake();
    this.#channelGuilds.set(this.channelId, this.guildId);
    this.user = {
      id: this.#snowflake(),
      username: "tester",
      discriminator: "0",
      global_name: "Tester",
      avatar: null,
    };
    rest.onMessageCreate = (message) => this.#botMessage(message);
    rest.onInteractionResponse = (response) => {
      for (const waiter of this.#responseWaiters) {
        if (waiter(response)) this.#responseWaiters.delete(waiter);
      }
    };
  }

  /**
   * Start a fake Discord, in-process or on loopback.
   *
   * @param options Token, loopback and the gateway's options.
   * @returns The running fake; close it when done.
   */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const token = options.token ?? "fake-token";
    const scheduler = options.scheduler ?? realScheduler;
    const gatewayOptions: FakeGatewayOptions = {
      guilds: 1,
      ...options.gateway,
      scheduler,
      tokens: [token],
    };
    const gateway = new FakeGateway(gatewayOptions);
    let gatewayServer: FakeGatewayServer | undefined;
    let restServer: FakeRestServer | undefined;
    if (options.loopback) gatewayServer = await serveFakeGateway(gateway);
    const bot = gateway.gatewayBot(token);
    const rest = new FakeRest({
      token,
      scheduler,
      // The same name as in READY, so the bot's messages show who it is.
      botUser: gateway.botUser,
      gatewayUrl: gatewayServer?.url ?? gateway.url,
      shards: options.shards ?? bot.shards,
      sessionStartLimit: bot.session_start_limit,
    });
    if (options.loopback) restServer = rest.serve();
    return new FakeDiscord(gateway, rest, {
      token,
      scheduler,
      answerTimeout: options.answerTimeout ?? 10_000,
      gatewayServer,
      restServer,
    });
  }

  /** What a `Client` needs to reach this fake; spread it into the options. */
  get clientOptions(): FakeDiscordClientOptions {
    const options: FakeDiscordClientOptions = this.#restServer
      ? { restBaseUrl: this.#restServer.url }
      : { transport: this.gateway.transport, fetch: this.rest.fetch };
    if (this.#scheduler !== realScheduler) options.scheduler = this.#scheduler;
    return options;
  }

  /**
   * A simulated user posts `content`; the gateway dispatches the
   * `MESSAGE_CREATE` to the bot.
   *
   * @param content The message text.
   * @param options Channel, guild and author.
   * @returns The message as dispatched.
   */
  postMessage(
    content: string,
    options: FakeUserActionOptions = {},
  ): RestMessage {
    const channelId = options.channelId ?? this.channelId;
    const guildId = options.guildId === undefined
      ? this.#channelGuilds.get(channelId) ?? this.guildId
      : options.guildId;
    this.#channelGuilds.set(channelId, guildId);
    const author = options.author ?? this.user;
    const message: RestMessage = {
      id: this.#snowflake(),
      channel_id: channelId,
      author,
      content,
      timestamp: new Date(this.#scheduler.now()).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
    };
    const dispatched: Record<string, unknown> = { ...message };
    if (guildId !== null) {
      dispatched.guild_id = guildId;
      dispatched.member = {
        roles: [],
        joined_at: message.timestamp,
        deaf: false,
        mute: false,
        flags: 0,
      };
    }
    this.rest.addMessage(message);
    this.gateway.dispatch("MESSAGE_CREATE", dispatched, { guildId });
    return message;
  }

  /**
   * A simulated user posts `content`, and the bot's next message in that
   * channel is awaited.
   *
   * @param content The message text.
   * @param options Channel, guild and author.
   * @returns The bot's answer, as created over REST.
   * @throws {Error} When the bot does not answer in time.
   */
  say(
    content: string,
    options: FakeUserActionOptions = {},
  ): Promise<RestMessage> {
    const channelId = options.channelId ?? this.channelId;
    const answer = this.nextBotMessage(channelId);
    this.postMessage(content, options);
    return answer;
  }

  /**
   * Wait for the bot's next message (in `channelId`, or anywhere).
   *
   * @param channelId The channel to watch.
   * @returns The message, as created over REST.
   * @throws {Error} When none comes in time.
   */
  nextBotMessage(channelId?: string): Promise<RestMessage> {
    return this.#wait(
      this.#messageWaiters,
      (message: RestMessage) =>
        channelId === undefined || message.channel_id === channelId,
      "a bot message",
    );
  }

  /**
   * A simulated user runs a slash command; the gateway dispatches the
   * `INTERACTION_CREATE` and the bot's interaction response is awaited.
   *
   * @param command The command's name and options.
   * @param options Channel, guild and user.
   * @returns The bot's interaction callback.
   * @throws {Error} When the bot does not answer in time.
   */
  runCommand(
    command: FakeSlashCommand,
    options: FakeUserActionOptions = {},
  ): Promise<RecordedInteractionResponse> {
    const channelId = options.channelId ?? this.channelId;
    const guildId = options.guildId === undefined
      ? this.#channelGuilds.get(channelId) ?? this.guildId
      : options.guildId;
    const user = options.author ?? this.user;
    const id = this.#snowflake();
    const token = `interaction-token-${id}`;
    this.rest.addInteraction({ id, token, channelId });
    const answer = this.#wait(
      this.#responseWaiters,
      (response: RecordedInteractionResponse) => response.interactionId === id,
      `an answer to /${command.name}`,
    );
    const interaction: Record<string, unknown> = {
      id,
      application_id: this.rest.applicationId,
      type: 2,
      data: {
        id: this.#snowflake(),
        name: command.name,
        type: 1,
        ...(command.options ? { options: command.options } : {}),
      },
      channel_id: channelId,
      channel: { id: channelId, type: guildId === null ? 1 : 0 },
      token,
      version: 1,
      app_permissions: "0",
      locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: {},
      context: guildId === null ? 1 : 0,
      attachment_size_limit: 10_485_760,
    };
    if (guildId === null) interaction.user = user;
    else {
      interaction.guild_id = guildId;
      interaction.guild_locale = "en-US";
      interaction.member = {
        user,
        roles: [],
        joined_at: new Date(this.#scheduler.now()).toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        permissions: "0",
      };
    }
    this.gateway.dispatch("INTERACTION_CREATE", interaction, { guildId });
    return answer;
  }

  /**
   * Close the gateway (close frames first), then the servers.
   *
   * @returns A promise that resolves when everything is closed.
   */
  async close(): Promise<void> {
    this.gateway.close();
    await this.#gatewayServer?.close();
    await this.#restServer?.close();
    this.rest.onMessageCreate = undefined;
    this.rest.onInteractionResponse = undefined;
    for (const cancel of [...this.#pendingWaits]) cancel();
  }

  /** Same as {@linkcode FakeDiscord.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #botMessage(message: RestMessage): void {
    const guildId = this.#channelGuilds.get(message.channel_id) ?? null;
    const dispatched: Record<string, unknown> = { ...message };
    if (guildId !== null) dispatched.guild_id = guildId;
    this.gateway.dispatch("MESSAGE_CREATE", dispatched, { guildId });
    for (const waiter of this.#messageWaiters) {
      if (waiter(message)) this.#messageWaiters.delete(waiter);
    }
  }

  #wait<T>(
    waiters: Set<(value: T) => boolean>,
    matches: (value: T) => boolean,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        this.#scheduler.clearTimeout(timer);
        waiters.delete(waiter);
        this.#pendingWaits.delete(cancel);
      };
      const waiter = (value: T): boolean => {
        if (!matches(value)) return false;
        finish();
        resolve(value);
        return true;
      };
      const cancel = (): void => {
        finish();
        reject(new Error(`The fake Discord closed while waiting for ${what}`));
      };
      const timer: TimerId = this.#scheduler.setTimeout(() => {
        finish();
        reject(new Error(`Waited ${this.#answerTimeout} ms for ${what}`));
      }, this.#answerTimeout);
      waiters.add(waiter);
      this.#pendingWaits.add(cancel);
    });
  }

  #snowflake(): string {
    return String(this.#nextId++);
  }
}
