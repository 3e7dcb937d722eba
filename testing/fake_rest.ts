/**
 * {@linkcode FakeRest}: an in-memory Discord HTTP API, usable as a `fetch`
 * function or served on loopback.
 *
 * @module
 */
// Why one file of over 800 lines, for now: the route table, the handlers
// and the rate-limit model share the class's private state (messages,
// commands, interactions, buckets), and the interactions work is adding
// routes to it right now. Once that lands it splits like the fake gateway:
// public types, the route table with its handlers, the rate-limit model
// in their own modules, as the payload checks and the 429 answer already
// are (`_message_checks.ts`, `_component_checks.ts`, `_command_checks.ts`,
// `_embed_checks.ts`, `_rate_limit_answer.ts`).
import { fnv1a } from "../base/fnv1a.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { delay, realScheduler, type Scheduler } from "../base/scheduler.ts";
import { parseRoute, type RouteInfo } from "../rest/routes.ts";
import { commandListErrors } from "./_command_checks.ts";
import {
  listedLocalizations,
  requestLocale,
  storedLocalizations,
} from "./_command_localizations.ts";
import { autocompleteErrors } from "./_autocomplete_checks.ts";
import { asObject, fieldError } from "./_form_errors.ts";
import { modalErrors } from "./_component_checks.ts";
import {
  editedFlags,
  editErrors,
  forwardErrors,
  messageErrors,
} from "./_message_checks.ts";
import { isForward, referenceFields } from "./_message_reference.ts";
import {
  CREATE_MESSAGE_FLAGS,
  INTERACTION_MESSAGE_FLAGS,
  withSettableFlags,
} from "./_message_flags.ts";
import { EnforcedNonces } from "./_message_nonces.ts";
import { checkFakeRestOptions } from "./_fake_options.ts";
import { FakeResources } from "./fake_resources.ts";
import { multipartParts } from "./_multipart_parts.ts";
import { messageMentions, resourcesDirectory } from "./_message_mentions.ts";
import { callbackResponse } from "./_interaction_callback_response.ts";
import {
  editedAttachments,
  uploadedAttachments,
} from "./_message_attachments.ts";
import type { ApplicationCommand } from "../types/objects/application_command.ts";
import type {
  RestMessage,
  RestUser,
  SessionStartLimitInfo,
} from "../rest/payloads.ts";
import { deferredReplyEdit } from "./_deferred_followup.ts";
import { tooManyRequests } from "./_rate_limit_answer.ts";
import {
  indexNotReady,
  type ScriptSearchIndexOptions,
  searchQueryErrors,
  searchResults,
} from "./_message_search.ts";
import { isTokenReset } from "./_token_reset.ts";
import { FakeClock, shareFakeClock } from "./_fake_clock.ts";
import { messagePoll } from "./_poll_message.ts";
import { pollErrors } from "./_poll_checks.ts";
import type { PollCreateRequest } from "../types/objects/poll.ts";
import { authorizingIntegrationOwners } from "./_integration_owners.ts";
import {
  ANSWER_DEADLINE,
  INTERACTION_TOKEN_LIFETIME,
} from "../interactions/context.ts";

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;
/** Which callback types answer which interaction types on Discord. */
const CALLBACKS_BY_INTERACTION: Record<number, number[]> = {
  2: [4, 5, 9, 10, 12],
  3: [4, 5, 6, 7, 9, 10, 12],
  4: [8],
  5: [4, 5, 6, 7, 10],
};
const CALLBACK_TYPES: ReadonlySet<number> = new Set([
  1,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  12,
]);

/** Options for {@linkcode FakeRest}. */
export interface FakeRestOptions {
  /**
   * The bot token requests must carry (`Authorization: Bot <token>`).
   *
   * @default {"fake-bot-token"}
   */
  token?: string;
  /**
   * The clock for rate-limit windows, latency, timestamps and snowflakes. A
   * clock below the year 2001 (a virtual one starting at 0) counts from
   * 2025-01-01 for timestamps and ids.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /** The bot user that authors created messages. */
  botUser?: Partial<RestUser>;
  /**
   * The application id follow-up webhooks must use.
   *
   * @default {the bot user's id}
   */
  applicationId?: string;
  /**
   * Requests per window of every bucket that was not scripted.
   *
   * @default {50}
   */
  limit?: number;
  /**
   * Length of a bucket window in seconds.
   *
   * @default {1}
   */
  resetAfter?: number;
  /**
   * Requests per second under the global limit (not counting interaction
   * callbacks and webhooks with token); `Infinity` turns it off.
   *
   * @default {50}
   */
  globalLimit?: number;
  /**
   * Milliseconds each request takes (on the scheduler) before it is
   * handled.
   *
   * @default {0}
   */
  latency?: number;
  /**
   * The URL GET `/gateway` and `/gateway/bot` return.
   *
   * @default {"wss://gateway.discord.gg"}
   */
  gatewayUrl?: string;
  /**
   * The shard count GET `/gateway/bot` recommends.
   *
   * @default {1}
   */
  shards?: number;
  /**
   * The session start budget GET `/gateway/bot` reports: fixed values, or a
   * function asked on every request for the live ones (as
   * {@linkcode FakeDiscord} passes `() => gateway.sessionStartLimit(token)`,
   * so the answer follows the IDENTIFYs the fake gateway counted).
   *
   * @default {{ total: 1000, remaining: 1000, reset_after: 86400000, max_concurrency: 1 }}
   */
  sessionStartLimit?: SessionStartLimitInfo | (() => SessionStartLimitInfo);
  /**
   * Which channel ids the message routes (POST `/channels/{id}/messages`
   * and GET, PATCH, DELETE `/channels/{id}/messages/{id}`) accept:
   *
   * - `"any"`: every id is a text channel, so a test of a REST call needs
   *   no seeding (the other channel routes, from {@linkcode FakeResources},
   *   still want a stored channel);
   * - `"known"`: only channels {@linkcode FakeRest.resources} holds (seeded
   *   with `addChannel`, created over REST, DMs opened with
   *   POST `/users/@me/channels`); any other id (a user's, a guild's, a
   *   deleted channel's) gets 404 `10003 Unknown Channel`, as on Discord and
   *   as GET `/channels/{id}` answers; the guild command routes likewise
   *   take only guilds it holds (403 `50001 Missing Access` otherwise, as
   *   Discord answers for a guild the bot is not in).
   *   {@linkcode FakeDiscord} uses this.
   *
   * @default {"any"}
   */
  channels?: "any" | "known";
  /**
   * Which interactions the callback route (POST
   * `/interactions/{id}/{token}/callback`) answers:
   *
   * - `"any"`: an id never registered with
   *   {@linkcode FakeRest.addInteraction} is registered on the spot (its
   *   messages go to channel `"0"`), so a test of a bot's answer needs no
   *   seeding;
   * - `"known"`: only registered ones; any other id gets 404 `10062 Unknown
   *   interaction`, as Discord answers for an interaction it never sent.
   *   {@linkcode FakeDiscord} uses this (it registers each interaction it
   *   dispatches).
   *
   * @default {"any"}
   */
  interactions?: "any" | "known";
}

/** Every key of {@linkcode FakeRestOptions}: the compiler keeps it exact. */
const FAKE_REST_OPTION_KEYS = optionKeys(
  {
    token: true,
    scheduler: true,
    botUser: true,
    applicationId: true,
    limit: true,
    resetAfter: true,
    globalLimit: true,
    latency: true,
    gatewayUrl: true,
    shards: true,
    sessionStartLimit: true,
    channels: true,
    interactions: true,
  } satisfies Record<keyof FakeRestOptions, true>,
);

/** One request {@linkcode FakeRest} received. */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** The path below `/api/v10`, query included (tokens not redacted). */
  path: string;
  /**
   * The rate-limit route key: the method and path with every id but the
   * top-level resource's (`channel_id`, `guild_id`, a webhook's) replaced,
   * as the REST client buckets requests.
   */
  route: string;
  /** The parsed JSON body, the raw text if not JSON, or `undefined`. */
  body: unknown;
  /** The request headers, names lower case. */
  headers: Record<string, string>;
  /** When it arrived, on the fake's scheduler. */
  at: number;
  /** The uploaded files of a `multipart/form-data` request. */
  files?: RecordedFile[];
}

/** A file uploaded in a `multipart/form-data` request (`files[n]`). */
export interface RecordedFile {
  /** The form field (`files[0]` ...). */
  field: string;
  /** The file name. */
  name: string;
  /** The media type. */
  contentType: string;
  /** The bytes. */
  data: Uint8Array;
}

/** One interaction callback {@linkcode FakeRest} accepted. */
export interface RecordedInteractionResponse {
  /** The interaction id. */
  interactionId: string;
  /** The interaction token. */
  token: string;
  /** The callback body (`{ type, data? }`). */
  body: { type: number; data?: Record<string, unknown> };
  /** When it arrived, on the fake's scheduler. */
  at: number;
}

/** What {@linkcode FakeRest.addInteraction} registers. */
export interface FakeInteraction {
  /** The interaction id. */
  id: string;
  /** The interaction token. */
  token: string;
  /**
   * The channel the interaction happened in (where its response messages
   * go).
   *
   * @default {"0"}
   */
  channelId?: string;
  /** For component interactions: the message an UPDATE_MESSAGE (type 7) edits. */
  messageId?: string;
  /** Whether it is a modal submit (which cannot answer with a modal). */
  modalSubmit?: boolean;
  /**
   * The interaction type (2 command, 3 component, 4 autocomplete, 5 modal
   * submit); when given, the callback type must suit it as on Discord.
   */
  type?: number;
  /**
   * The user who triggered the interaction, shown in the responses'
   * `interaction_metadata`.
   *
   * @default {A user with id "0" named "user"}
   */
  user?: RestUser;
}

/** Options for {@linkcode FakeRest.scriptRateLimit}. */
export interface ScriptRateLimitOptions {
  /**
   * `"METHOD /path"`, matched by route key (so other ids than the channel,
   * guild or webhook do not matter). Without it, the state applies to the
   * bucket of the next request.
   */
  route?: string;
  /** Requests left in the current window. */
  remaining: number;
  /** Seconds until the window resets; also the window length from then on. */
  resetAfter: number;
  /** The bucket hash to report; routes given the same hash share one bucket. */
  bucket?: string;
  /**
   * Requests per window from then on.
   *
   * @default {Math.max(remaining, 1)}
   */
  limit?: number;
}

/** Options for {@linkcode FakeRest.script429}. */
export interface Script429Options {
  /** `"METHOD /path"` to match by route key; without it, the next request. */
  route?: string;
  /** Seconds to wait (`retry_after`). */
  retryAfter: number;
  /** Whether it is the global limit (pauses every bucket in the model too). */
  global?: boolean;
  /**
   * `X-RateLimit-Scope`.
   *
   * @default {"global" when global, otherwise "user"}
   */
  scope?: "user" | "global" | "shared";
  /**
   * How many matching requests get it; with `"shared"`, how many times the
   * resource gets limited (the requests its limit answers take none).
   *
   * @default {1}
   */
  times?: number;
}

/** Options for {@linkcode FakeRest.scriptError}. */
export interface ScriptErrorOptions {
  /** `"METHOD /path"` to match by route key; without it, the next request. */
  route?: string;
  /** Discord's per-field `errors` tree. */
  errors?: unknown;
  /**
   * How many matching requests get it.
   *
   * @default {1}
   */
  times?: number;
}

/** Options for {@linkcode FakeRest.scriptNetworkError}. */
export interface ScriptNetworkErrorOptions {
  /** `"METHOD /path"` to match by route key; without it, the next request. */
  route?: string;
  /**
   * How many matching requests fail.
   *
   * @default {1}
   */
  times?: number;
}

export type { ScriptSearchIndexOptions } from "./_message_search.ts";

/** What {@linkcode FakeRest.serve} returns. */
export interface FakeRestServer {
  /** The base URL to give `RestClient` (`http://127.0.0.1:<port>/api/v10`). */
  url: string;
  /** Stop the server. */
  close(): Promise<void>;
  /** Same as {@linkcode FakeRestServer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Script {
  key: string | undefined;
  times: number;
}

interface Script429 extends Script {
  retryAfter: number;
  scope: "user" | "global" | "shared";
}

interface ScriptError extends Script {
  status: number;
  code: number;
  message: string;
  errors: unknown;
}

interface ScriptIndex extends Script {
  options: ScriptSearchIndexOptions;
}

interface RateLimitScript {
  remaining: number;
  resetAfter: number;
  bucket: string | undefined;
  limit: number | undefined;
}

interface ModelBucket {
  hash: string;
  remaining: number;
  resetAt: number;
}

interface InteractionState {
  id: string;
  token: string;
  channelId: string;
  messageId: string | undefined;
  user: RestUser;
  acknowledged: boolean;
  original: string | undefined;
  followups: Set<string>;
  modalSubmit: boolean;
  type: number | undefined;
  /** When it was registered, on the fake's scheduler. */
  createdAt: number;
}

interface Context {
  method: string;
  path: string;
  match: RegExpExecArray;
  body: unknown;
  bodyError: boolean;
  files: RecordedFile[];
  query: URLSearchParams;
  authorized: boolean;
  /** The requester's locale (`X-Discord-Locale`, then `Accept-Language`). */
  locale: string | undefined;
}

type Reply = { status: number; body?: unknown };
/** `undefined`: not this route after all; the next matching one answers. */
type Handler = (context: Context) => Reply | undefined;

/**
 * `message` unless it is an ephemeral interaction reply: Discord shows one
 * only to the invoking user and reaches it only through the interaction
 * token's webhook routes, so the channel routes answer 10008 Unknown
 * Message for it (the fake still records it: `messages()` lists it).
 */
function inChannel(message: RestMessage | undefined): RestMessage | undefined {
  return message && ((message.flags ?? 0) & EPHEMERAL) !== 0
    ? undefined
    : message;
}

function errorBody(code: number, message: string, errors?: unknown): unknown {
  return errors === undefined ? { code, message } : { code, message, errors };
}

/** The channel types that take posts, not messages: forum (15), media (16). */
const FORUM_TYPES: ReadonlySet<number> = new Set([15, 16]);

const invalidForm = (errors: unknown): Reply => ({
  status: 400,
  body: errorBody(50035, "Invalid Form Body", errors),
});

/**
 * An in-memory Discord HTTP API for tests: pass {@linkcode FakeRest.fetch}
 * to `RestClient` (or {@linkcode FakeRest.serve} it on loopback).
 *
 * It implements messages (create, get, edit, delete), guild message search
 * (`GET /guilds/{id}/messages/search` over the stored messages of the
 * guild's channels, `202` "index not yet available" when scripted with
 * {@linkcode FakeRest.scriptSearchIndexPending}), interaction callbacks,
 * original responses and follow-ups, bulk command overwrites and the gateway
 * routes; keeps, on every edit of a message, only the attachments the edit's
 * `attachments` lists (existing ones by id, new files by their `files[n]`
 * placeholder), as Discord's API v10 does, and all of them when it has no
 * `attachments`; checks the bot token (401 with Discord's JSON otherwise);
 * records every request and interaction response; answers with
 * `X-RateLimit-*` headers from a per-bucket model (and 429s when a client
 * overruns it); and lets a test script rate limits, 429s, errors and network
 * failures.
 *
 * @example A rate-limited channel
 * ```ts
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest, VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualScheduler();
 * const discord = new FakeRest({ scheduler: clock });
 * const rest = new RestClient({ token: "fake-bot-token", fetch: discord.fetch, scheduler: clock });
 * discord.scriptRateLimit({ route: "POST /channels/1/messages", remaining: 1, resetAfter: 2 });
 *
 * const sent = Promise.all([
 *   rest.createMessage("1", { content: "one" }),
 *   rest.createMessage("1", { content: "two" }),
 * ]);
 * await clock.advance(2000);
 * await sent;
 * assert.deepEqual(discord.requests.map((r) => r.at), [0, 2000]);
 * assert.deepEqual(discord.messages("1").map((m) => m.content), ["one", "two"]);
 * ```
 */
export class FakeRest {
  /** The bot user that authors created messages. */
  readonly botUser: RestUser;
  /** The application id follow-up webhooks must use. */
  readonly applicationId: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every interaction callback accepted, in order. */
  readonly interactionResponses: RecordedInteractionResponse[] = [];
  /**
   * Called with each message created over REST (channel messages,
   * interaction responses and follow-ups that are not ephemeral): join it
   * to a fake gateway to emit MESSAGE_CREATE. A hook that throws makes the
   * request fail as any route that throws does: a 500 whose message names
   * the error (`DiscordApiError` from a `RestClient`).
   */
  onMessageCreate: ((message: RestMessage) => void) | undefined;
  /** Called with each message edited over REST (for MESSAGE_UPDATE). */
  onMessageUpdate: ((message: RestMessage) => void) | undefined;
  /** Called with each message deleted over REST (for MESSAGE_DELETE). */
  onMessageDelete:
    | ((message: { id: string; channel_id: string }) => void)
    | undefined;
  /**
   * Called with the gateway event Discord sends for another change made
   * over REST (see {@linkcode FakeResources}): a role created, edited or
   * deleted (`GUILD_ROLE_*`), a member's roles or fields edited
   * (`GUILD_MEMBER_UPDATE`) or a member kicked (`GUILD_MEMBER_REMOVE`), a
   * guild channel created, edited or deleted (`CHANNEL_*`), a reaction
   * added or removed (`MESSAGE_REACTION_*`), a bulk delete
   * (`MESSAGE_DELETE_BULK`, instead of a `MESSAGE_DELETE` per message).
   * `guildId` is the guild it routes by (`null`: none).
   */
  onGatewayEvent:
    | ((
      event: string,
      data: Record<string, unknown>,
      guildId: string | null,
    ) => void)
    | undefined;
  /** Called with each interaction callback accepted. */
  onInteractionResponse:
    | ((response: RecordedInteractionResponse) => void)
    | undefined;
  /**
   * Users a `<@id>` in a message created or edited over REST may mention
   * besides the ones {@linkcode FakeRest.resources} holds (the bot and the
   * guilds' members); {@linkcode FakeDiscord} answers with the users its
   * gateway and its simulated users brought. An id that neither knows is
   * left out of the message's `mentions`, as Discord leaves out an id that
   * names no user.
   */
  knownUser: ((id: string) => RestUser | undefined) | undefined;

  /**
   * The fake as a `fetch` function (bound; pass it as is). Accepts any URL
   * whose path starts with `/api/v<n>`.
   */
  readonly fetch: typeof fetch = (input, init) => this.#fetch(input, init);

  #token: string;
  #scheduler: Scheduler;
  #limit: number;
  #resetAfter: number;
  #globalLimit: number;
  #latency: number;
  #gatewayUrl: string;
  #shards: number;
  #sessionStartLimit: SessionStartLimitInfo | (() => SessionStartLimitInfo);
  #knownChannelsOnly: boolean;
  #knownInteractionsOnly: boolean;
  /** Wall clock and snowflakes, shared with FakeDiscord's simulated users. */
  #clock: FakeClock;
  #messages = new Map<string, RestMessage>();
  #nonces: EnforcedNonces;
  #interactions = new Map<string, InteractionState>();
  #interactionsByToken = new Map<string, InteractionState>();
  #commands = new Map<string, ApplicationCommand[]>();
  #routeHashes = new Map<string, string>();
  #routeLimits = new Map<string, { limit: number; resetAfter: number }>();
  #buckets = new Map<string, ModelBucket>();
  #nextBucketState: RateLimitScript | undefined;
  #scripted429: Script429[] = [];
  /** Route key -> when its shared resource's limit (a scripted one) ends. */
  #sharedUntil = new Map<string, number>();
  #scriptedErrors: ScriptError[] = [];
  #scriptedNetwork: Script[] = [];
  #scriptedIndex: ScriptIndex[] = [];
  #globalWindowStart = -Infinity;
  #globalCount = 0;
  #globalPausedUntil = -Infinity;
  #handlers: [string, RegExp, Handler][];
  /**
   * Guilds, channels, threads, members, roles, bans, pins, reactions,
   * webhooks and DMs behind the resource routes; seed and inspect them here.
   */
  readonly resources: FakeResources;

  /**
   * Create an empty fake Discord.
   *
   * @param options Token, clock, bot user and model settings.
   * @throws {TypeError} When `options` has a key that is not one of its
   *   options (the message names the nearest one), or a value of the wrong
   *   type.
   * @throws {RangeError} When a number is out of range.
   */
  constructor(options: FakeRestOptions = {}) {
    // A misspelt option would leave a test running on the default.
    checkOptionKeys("create FakeRest", "", options, FAKE_REST_OPTION_KEYS);
    // A wrong value failed later: a 405, a 401, rate limiting off.
    checkFakeRestOptions(options);
    this.#token = options.token ?? "fake-bot-token";
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#nonces = new EnforcedNonces(() => this.#scheduler.now());
    this.#clock = new FakeClock(this.#scheduler);
    shareFakeClock(this, this.#clock);
    this.#limit = options.limit ?? 50;
    this.#resetAfter = options.resetAfter ?? 1;
    this.#globalLimit = options.globalLimit ?? 50;
    this.#latency = options.latency ?? 0;
    this.#gatewayUrl = options.gatewayUrl ?? "wss://gateway.discord.gg";
    this.#shards = options.shards ?? 1;
    this.#knownChannelsOnly = options.channels === "known";
    this.#knownInteractionsOnly = options.interactions === "known";
    this.#sessionStartLimit = options.sessionStartLimit ??
      {
        total: 1000,
        remaining: 1000,
        reset_after: 86_400_000,
        max_concurrency: 1,
      };
    this.botUser = {
      id: "1000000000000000001",
      username: "FakeBot",
      discriminator: "0",
      global_name: null,
      avatar: null,
      bot: true,
      ...options.botUser,
    };
    this.applicationId = options.applicationId ?? this.botUser.id;
    this.onMessageCreate = undefined;
    this.onMessageUpdate = undefined;
    this.onMessageDelete = undefined;
    this.onGatewayEvent = undefined;
    this.onInteractionResponse = undefined;
    this.knownUser = undefined;
    this.resources = new FakeResources({
      botUser: this.botUser,
      applicationId: this.applicationId,
      snowflake: () => this.#snowflake(),
      timestamp: () => this.#timestamp(),
      wallClock: () => this.#wallClock(),
      // The resource routes are channel routes (list, bulk delete, pins,
      // reactions): an ephemeral reply is none of theirs.
      message: (id) => inChannel(this.#messages.get(id)),
      messagesIn: (channelId) =>
        [...this.#messages.values()].filter((m) =>
          m.channel_id === channelId && inChannel(m)
        ),
      forgetMessages: (channelId) => {
        const gone = this.messages(channelId).map((m) => m.id);
        for (const id of gone) this.#messages.delete(id);
        return gone;
      },
      createMessage: (channelId, body, extra, files) =>
        this.#newMessage(channelId, body, extra, files),
      editMessage: (message, body, files) =>
        this.#editMessage(message, body, files),
      // A bulk delete's one MESSAGE_DELETE_BULK goes to onGatewayEvent:
      // without that hook, onMessageDelete still hears of each message.
      deleteMessage: (message, quiet) =>
        this.#deleteMessage(
          message,
          quiet && this.onGatewayEvent !== undefined,
        ),
      dispatch: (event, data, guildId) =>
        this.onGatewayEvent?.(event, structuredClone(data), guildId),
      validateMessage: (body, hasFiles) => messageErrors(body, "", hasFiles),
      validateEdit: (body, message, files) =>
        editErrors(body, message, "", files),
    });
    this.#handlers = [...this.resources.routes(), ...this.#routes()];
  }

  /**
   * The stored messages, oldest first: ephemeral interaction replies too,
   * which the channel routes, as on Discord, never list or reach.
   *
   * @param channelId Only this channel's.
   * @returns Copies of the messages.
   */
  messages(channelId?: string): RestMessage[] {
    return [...this.#messages.values()]
      .filter((m) => channelId === undefined || m.channel_id === channelId)
      .map((m) => structuredClone(m));
  }

  /**
   * Store a message that did not come through REST (a simulated user's), so
   * replies to it, edits and deletes find it. No hook is called.
   *
   * @param message The message.
   */
  addMessage(message: RestMessage): void {
    this.#messages.set(message.id, structuredClone(message));
  }

  /**
   * Forget a message deleted outside REST (a simulated user's delete), so
   * REST calls about it get 404 `10008 Unknown Message` as on Discord. No
   * hook is called.
   *
   * @param messageId The message's ID.
   * @returns Whether the fake stored it.
   */
  removeMessage(messageId: string): boolean {
    return this.#messages.delete(messageId);
  }

  /**
   * The application commands stored by the last bulk overwrite.
   *
   * @param guildId A guild's commands instead of the global ones.
   * @returns Copies of the commands.
   */
  commands(guildId?: string): ApplicationCommand[] {
    return structuredClone(this.#commands.get(guildId ?? "global") ?? []);
  }

  /**
   * Register an interaction so its responses go to its channel and a wrong
   * token is refused. Unregistered interactions are accepted with any token,
   * their messages going to channel `"0"`, unless the fake was created with
   * `interactions: "known"` (then they get 404 `10062 Unknown interaction`,
   * as on Discord).
   *
   * Registering starts its clocks, on the fake's scheduler, as Discord's
   * start when it sends the interaction: the initial response must come
   * within `ANSWER_DEADLINE` (3 s; later, 404 `10062 Unknown interaction`),
   * and the token serves follow-ups and `@original` for
   * `INTERACTION_TOKEN_LIFETIME` (15 min; later,
   * 401 `50027 Invalid Webhook Token`); both constants are exported by
   * `@disruption/disruption/interactions`.
   *
   * @param interaction Id, token, channel and (for components) message.
   */
  addInteraction(interaction: FakeInteraction): void {
    const state: InteractionState = {
      id: interaction.id,
      token: interaction.token,
      channelId: interaction.channelId ?? "0",
      messageId: interaction.messageId,
      user: interaction.user ?? {
        id: "0",
        username: "user",
        discriminator: "0",
        global_name: null,
        avatar: null,
      },
      acknowledged: false,
      original: undefined,
      followups: new Set(),
      modalSubmit: interaction.modalSubmit ?? interaction.type === 5,
      type: interaction.type,
      createdAt: this.#scheduler.now(),
    };
    this.#interactions.set(state.id, state);
    this.#interactionsByToken.set(state.token, state);
  }

  /**
   * Set a bucket's state: `remaining` requests left, resetting in
   * `resetAfter` seconds. With `route`, the route's window size and length
   * (and hash, with `bucket`) change from then on; without it, the state is
   * applied to the bucket of the next request.
   *
   * @param options Route, remaining, reset, hash and limit.
   */
  scriptRateLimit(options: ScriptRateLimitOptions): void {
    const script: RateLimitScript = {
      remaining: options.remaining,
      resetAfter: options.resetAfter,
      bucket: options.bucket,
      limit: options.limit,
    };
    if (options.route === undefined) {
      this.#nextBucketState = script;
      return;
    }
    const route = routeOf(options.route);
    this.#setBucket(route, script);
  }

  /**
   * Answer the next matching request(s) with a 429. A `"user"` one empties
   * the route's bucket until `retryAfter` passes, a `"global"` one pauses
   * every bot route; a `"shared"` one limits the route (the fake's stand-in
   * for Discord's resource) until `retryAfter` passes and leaves its bucket
   * alone: every request on it meanwhile gets a shared 429 too, reporting
   * the bucket's real `X-RateLimit-Remaining`.
   *
   * @param options Route, retry-after seconds, global, scope and count.
   */
  script429(options: Script429Options): void {
    this.#scripted429.push({
      key: options.route === undefined ? undefined : routeOf(options.route).key,
      times: options.times ?? 1,
      retryAfter: options.retryAfter,
      scope: options.scope ?? (options.global ? "global" : "user"),
    });
  }

  /**
   * Answer the next matching request(s) with an error in Discord's JSON
   * format (`{ code, message, errors? }`).
   *
   * @param status The HTTP status (e.g. 403, or 502 for a retryable one).
   * @param code Discord's JSON error code (e.g. 50013 Missing Permissions).
   * @param message Discord's message.
   * @param options Route, `errors` tree and count.
   */
  scriptError(
    status: number,
    code: number,
    message: string,
    options: ScriptErrorOptions = {},
  ): void {
    this.#scriptedErrors.push({
      key: options.route === undefined ? undefined : routeOf(options.route).key,
      times: options.times ?? 1,
      status,
      code,
      message,
      errors: options.errors,
    });
  }

  /**
   * Make the next matching request(s) fail like an unreachable server: the
   * fetch rejects with a `TypeError` naming the full URL, as runtimes do.
   *
   * @param options Route and count.
   */
  scriptNetworkError(options: ScriptNetworkErrorOptions = {}): void {
    this.#scriptedNetwork.push({
      key: options.route === undefined ? undefined : routeOf(options.route).key,
      times: options.times ?? 1,
    });
  }

  /**
   * Answer the next searches of a guild (`GET /guilds/{id}/messages/search`)
   * with Discord's `202` "Index not yet available. Try again later" (code
   * 110000, `retry_after` and `documents_indexed`, no results), as Discord
   * answers for a guild not yet indexed; the searches after the `times`
   * ones get results. A search refused (unknown guild, invalid query)
   * takes none of them.
   *
   * @param options The guild (default: any), `retryAfter` seconds
   *   (default 2), `documentsIndexed` (default 0) and how many searches
   *   (default 1).
   *
   * @example A bot's retry loop against an index not ready twice
   * ```ts
   * import {
   *   RestClient,
   *   searchGuildMessages,
   *   SearchIndexNotReadyError,
   * } from "@disruption/disruption/rest";
   * import { FakeRest } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const discord = new FakeRest();
   * discord.resources.addGuild({ id: "1" });
   * discord.resources.addChannel({ id: "2", type: 0, guild_id: "1" });
   * const rest = new RestClient({ token: "fake-bot-token", fetch: discord.fetch });
   * await rest.createMessage("2", { content: "deploy done" });
   * discord.scriptSearchIndexPending({ guildId: "1", retryAfter: 3, times: 2 });
   *
   * const waits: number[] = [];
   * for (;;) {
   *   try {
   *     const found = await searchGuildMessages(rest, "1", { content: "deploy" });
   *     assert.equal(found.messages[0]![0]!.content, "deploy done");
   *     break;
   *   } catch (error) {
   *     if (!(error instanceof SearchIndexNotReadyError)) throw error;
   *     waits.push(error.retryAfter); // a real bot waits this long
   *   }
   * }
   * assert.deepEqual(waits, [3000, 3000]);
   * ```
   */
  scriptSearchIndexPending(options: ScriptSearchIndexOptions = {}): void {
    this.#scriptedIndex.push({
      key: options.guildId,
      times: options.times ?? 1,
      options: { ...options },
    });
  }

  /**
   * Serve the fake over HTTP on loopback (Deno only).
   *
   * @param options The port (default: any free one).
   * @returns The base URL and a `close` function.
   *
   * @example Talk to it with the real fetch
   * ```ts
   * import { RestClient } from "@disruption/disruption/rest";
   * import { FakeRest } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const discord = new FakeRest();
   * await using server = discord.serve();
   * const rest = new RestClient({ token: "fake-bot-token", baseUrl: server.url });
   * const gateway = await rest.getGatewayBot();
   * assert.equal(gateway.shards, 1);
   * ```
   */
  serve(options: { port?: number } = {}): FakeRestServer {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen: () => {},
      onError: (error) =>
        json(500, { code: 0, message: `FakeRest failed: ${error}` }, {}),
    }, (request) => this.#handle(request, undefined));
    const url = `http://127.0.0.1:${server.addr.port}/api/v10`;
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => closed ??= server.shutdown();
    return { url, close, [Symbol.asyncDispose]: close };
  }

  async #fetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const request = new Request(input, init);
    return await this.#handle(request, request.signal);
  }

  async #handle(
    request: Request,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    if (signal?.aborted) throw signal.reason;
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api\/v\d+/, "") + url.search;
    const pathname = url.pathname.replace(/^\/api\/v\d+/, "");
    const method = request.method.toUpperCase();
    let body: unknown = undefined;
    let bodyError = false;
    const files: RecordedFile[] = [];
    const contentType = request.headers.get("content-type") ?? "";
    const multipart = contentType.startsWith("multipart/form-data");
    const text = multipart ? "" : await request.text();
    if (multipart) {
      try {
        const raw = new Uint8Array(await request.arrayBuffer());
        for (const part of multipartParts(raw, contentType)) {
          if (part.field === "payload_json") {
            body = JSON.parse(new TextDecoder().decode(part.data));
          } else if (part.filename !== undefined) {
            files.push({
              field: part.field,
              name: part.filename,
              contentType: part.contentType || "application/octet-stream",
              data: part.data,
            });
          }
        }
      } catch {
        bodyError = true;
      }
    } else if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        bodyError = true;
      }
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => headers[name] = value);

    let route: RouteInfo;
    try {
      route = parseRoute(method, pathname, {
        now: this.#wallClock(),
      });
    } catch {
      return json(405, errorBody(0, "405: Method Not Allowed"), {});
    }
    this.requests.push({
      method,
      path,
      route: route.key,
      body,
      headers,
      at: this.#scheduler.now(),
      ...(multipart ? { files } : {}),
    });

    if (take(this.#scriptedNetwork, route.key)) {
      throw new TypeError(
        `error sending request for url (${request.url}): connection closed before message completed`,
      );
    }
    if (this.#latency > 0) await delay(this.#scheduler, this.#latency, signal);
    try {
      return this.#respond(
        route,
        method,
        pathname,
        body,
        bodyError,
        headers,
        files,
        url.searchParams,
      );
    } catch (error) {
      // A route that throws is a bug of the fake (or of a hook): answer it
      // as the loopback server's onError does, a 500 naming it, rather than
      // reject the fetch, which the client would retry as a network failure.
      return json(500, errorBody(0, `FakeRest failed: ${error}`), {});
    }
  }

  #respond(
    route: RouteInfo,
    method: string,
    path: string,
    body: unknown,
    bodyError: boolean,
    headers: Record<string, string>,
    files: RecordedFile[] = [],
    query: URLSearchParams = new URLSearchParams(),
  ): Response {
    const now = this.#scheduler.now();
    const needsAuth = !route.tokenRoute && route.key !== "GET /gateway";
    // A token the gateway reset (FakeDiscord's session-start budget ran
    // out) is refused here too: Discord has no such token any more.
    if (
      needsAuth &&
      (headers["authorization"] !== `Bot ${this.#token}` || isTokenReset(this))
    ) {
      return json(401, errorBody(0, "401: Unauthorized"), {});
    }

    let sharedUntil = this.#sharedUntil.get(route.key) ?? -Infinity;
    // A request the resource's limit answers takes no script: it is not
    // one of the "next matching requests" a script counts.
    const scripted = now < sharedUntil
      ? undefined
      : take(this.#scripted429, route.key);
    if (scripted?.scope === "global") {
      this.#globalPausedUntil = Math.max(
        this.#globalPausedUntil,
        now + scripted.retryAfter * 1000,
      );
      return tooManyRequests(scripted.retryAfter, "global", undefined);
    }
    if (scripted?.scope === "shared") {
      sharedUntil = now + scripted.retryAfter * 1000;
      this.#sharedUntil.set(route.key, sharedUntil);
    }
    if (now < sharedUntil) {
      // A shared resource's limit is not the bot's (Discord's docs: it does
      // not count against it): the bucket keeps its count and reset, which
      // the answer reports, as the docs' shared example does.
      const bucket = this.#bucket(route, now);
      return tooManyRequests((sharedUntil - now) / 1000, "shared", {
        hash: bucket.hash,
        limit: this.#limitOf(route).limit,
        remaining: bucket.remaining,
        resetAt: bucket.resetAt,
        now,
        wallResetAt: this.#wall(bucket.resetAt),
      });
    }
    this.#sharedUntil.delete(route.key);
    if (scripted) {
      const bucket = this.#bucket(route, now);
      bucket.remaining = 0;
      bucket.resetAt = Math.max(
        bucket.resetAt,
        now + scripted.retryAfter * 1000,
      );
      return tooManyRequests(scripted.retryAfter, scripted.scope, {
        hash: bucket.hash,
        limit: this.#limitOf(route).limit,
        remaining: 0,
        resetAt: bucket.resetAt,
        now,
        wallResetAt: this.#wall(bucket.resetAt),
      });
    }

    if (!route.tokenRoute) {
      if (now < this.#globalPausedUntil) {
        return tooManyRequests(
          (this.#globalPausedUntil - now) / 1000,
          "global",
          undefined,
        );
      }
      if (now >= this.#globalWindowStart + 1000) {
        this.#globalWindowStart = now;
        this.#globalCount = 0;
      }
      if (this.#globalCount >= this.#globalLimit) {
        return tooManyRequests(
          (this.#globalWindowStart + 1000 - now) / 1000,
          "global",
          undefined,
        );
      }
      this.#globalCount++;
    }

    if (this.#nextBucketState) {
      this.#setBucket(route, this.#nextBucketState);
      this.#nextBucketState = undefined;
    }
    const bucket = this.#bucket(route, now);
    const { limit } = this.#limitOf(route);
    if (bucket.remaining <= 0) {
      return tooManyRequests((bucket.resetAt - now) / 1000, "user", {
        hash: bucket.hash,
        limit,
        remaining: 0,
        resetAt: bucket.resetAt,
        now,
        wallResetAt: this.#wall(bucket.resetAt),
      });
    }
    bucket.remaining--;
    const rateHeaders = this.#rateHeaders(bucket, limit, now);

    const error = take(this.#scriptedErrors, route.key);
    if (error) {
      return json(
        error.status,
        errorBody(error.code, error.message, error.errors),
        rateHeaders,
      );
    }

    let reply: Reply | undefined;
    let methodMismatch = false;
    for (const [handlerMethod, pattern, handler] of this.#handlers) {
      const match = pattern.exec(path);
      if (!match) continue;
      if (handlerMethod !== method) {
        methodMismatch = true;
        continue;
      }
      if (bodyError) {
        reply = {
          status: 400,
          body: errorBody(50109, "The request body contains invalid JSON."),
        };
        break;
      }
      reply = handler({
        method,
        path,
        match,
        body,
        bodyError,
        files,
        query,
        authorized: headers["authorization"] === `Bot ${this.#token}` &&
          !isTokenReset(this),
        locale: requestLocale(headers),
      });
      if (reply !== undefined) break;
    }
    // A webhook the fake does not hold (deleted, or its channel deleted):
    // Discord answers its own routes 10015, as an execute of it is answered.
    if (reply === undefined && /^\/webhooks\/\d+(\/[^/]+)?$/.test(path)) {
      reply = unknownWebhook();
    }
    reply ??= methodMismatch
      ? { status: 405, body: errorBody(0, "405: Method Not Allowed") }
      : { status: 404, body: errorBody(0, "404: Not Found") };
    return json(reply.status, reply.body, rateHeaders);
  }

  #limitOf(route: RouteInfo): { limit: number; resetAfter: number } {
    return this.#routeLimits.get(route.template) ??
      { limit: this.#limit, resetAfter: this.#resetAfter };
  }

  #hashOf(route: RouteInfo): string {
    return this.#routeHashes.get(route.template) ?? fnv1a(route.template);
  }

  #bucket(route: RouteInfo, now: number): ModelBucket {
    const hash = this.#hashOf(route);
    const id = `${hash}:${route.majorParameter}`;
    let bucket = this.#buckets.get(id);
    const { limit, resetAfter } = this.#limitOf(route);
    if (!bucket) {
      bucket = { hash, remaining: limit, resetAt: now + resetAfter * 1000 };
      this.#buckets.set(id, bucket);
    } else if (now >= bucket.resetAt) {
      bucket.remaining = limit;
      bucket.resetAt = now + resetAfter * 1000;
    }
    return bucket;
  }

  #setBucket(route: RouteInfo, script: RateLimitScript): void {
    if (script.bucket !== undefined) {
      this.#routeHashes.set(route.template, script.bucket);
    }
    this.#routeLimits.set(route.template, {
      limit: script.limit ?? Math.max(script.remaining, 1),
      resetAfter: script.resetAfter,
    });
    const hash = this.#hashOf(route);
    this.#buckets.set(`${hash}:${route.majorParameter}`, {
      hash,
      remaining: script.remaining,
      resetAt: this.#scheduler.now() + script.resetAfter * 1000,
    });
  }

  #rateHeaders(
    bucket: ModelBucket,
    limit: number,
    now: number,
  ): Record<string, string> {
    return {
      "x-ratelimit-bucket": bucket.hash,
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, bucket.remaining)),
      "x-ratelimit-reset": ((this.#wall(bucket.resetAt)) / 1000).toFixed(3),
      "x-ratelimit-reset-after": ((bucket.resetAt - now) / 1000).toFixed(3),
    };
  }

  #wall(time: number): number {
    return this.#clock.wall(time);
  }

  #wallClock(): number {
    return this.#clock.now();
  }

  #snowflake(): string {
    return this.#clock.snowflake();
  }

  #timestamp(): string {
    return this.#clock.timestamp();
  }

  #newMessage(
    channelId: string,
    body: Record<string, unknown>,
    extra: Partial<RestMessage>,
    files: RecordedFile[] = [],
  ): RestMessage {
    const id = this.#snowflake();
    const message: RestMessage = {
      id,
      channel_id: channelId,
      author: structuredClone(this.botUser),
      content: typeof body.content === "string" ? body.content : "",
      // The time its id carries, as on Discord (a clock read twice could
      // differ by a millisecond).
      timestamp: this.#clock.timestampOf(id),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: Array.isArray(body.embeds) ? structuredClone(body.embeds) : [],
      pinned: false,
      type: 0,
      flags: typeof body.flags === "number" ? body.flags : 0,
      components: Array.isArray(body.components)
        ? structuredClone(body.components)
        : [],
      ...extra,
    };
    Object.assign(
      message,
      this.#mentions(message, body.allowed_mentions, message.type === 19),
    );
    if (files.length > 0) {
      message.attachments = uploadedAttachments(
        body,
        files,
        () => this.#snowflake(),
      );
    }
    if (typeof body.nonce === "string" || typeof body.nonce === "number") {
      message.nonce = body.nonce;
    }
    // Checked by the route; a route that takes no poll left it unchecked.
    if (
      body.poll !== undefined && body.poll !== null &&
      pollErrors(body.poll) === undefined
    ) {
      message.poll = messagePoll(
        body.poll as PollCreateRequest,
        Date.parse(message.timestamp),
      );
    }
    this.#messages.set(message.id, message);
    if (((message.flags ?? 0) & EPHEMERAL) === 0) {
      this.onMessageCreate?.(structuredClone(message));
    }
    return message;
  }

  #editMessage(
    message: RestMessage,
    body: Record<string, unknown>,
    files: RecordedFile[] = [],
  ): void {
    if ("content" in body) {
      message.content = typeof body.content === "string" ? body.content : "";
    }
    if ("content" in body || "allowed_mentions" in body) {
      // Discord parses the edited content again; a reply keeps mentioning
      // the author it mentioned.
      const replied = message.referenced_message?.author;
      Object.assign(
        message,
        this.#mentions(
          message,
          body.allowed_mentions,
          replied !== undefined &&
            message.mentions.some((user) => user.id === replied.id),
        ),
      );
    }
    if ("embeds" in body) {
      message.embeds = Array.isArray(body.embeds)
        ? structuredClone(body.embeds)
        : [];
    }
    if ("components" in body) {
      message.components = Array.isArray(body.components)
        ? structuredClone(body.components)
        : [];
    }
    if (typeof body.flags === "number") {
      message.flags = editedFlags(message.flags ?? 0, body.flags);
    }
    message.attachments = editedAttachments(
      Array.isArray(message.attachments) ? message.attachments : [],
      body,
      files,
      () => this.#snowflake(),
    );
    message.flags = (message.flags ?? 0) & ~LOADING;
    message.edited_timestamp = this.#timestamp();
    if ((message.flags & EPHEMERAL) === 0) {
      this.onMessageUpdate?.(structuredClone(message));
    }
  }

  /**
   * A message's mentions as Discord derives them from its content in its
   * channel's guild (see `_message_mentions.ts`), the replied-to author
   * first when `withReplied`.
   */
  #mentions(
    message: RestMessage,
    allowed: unknown,
    withReplied: boolean,
  ): Pick<RestMessage, "mentions" | "mention_roles" | "mention_everyone"> {
    return messageMentions(
      message.content,
      this.resources.channel(message.channel_id)?.guild_id ?? null,
      resourcesDirectory(this.resources, (id) => this.knownUser?.(id)),
      {
        allowed,
        repliedTo: withReplied
          ? message.referenced_message?.author ?? undefined
          : undefined,
        authorId: message.author.id,
      },
    );
  }

  /** Forget a message; `quiet` (a bulk delete, one event for all): no hook. */
  #deleteMessage(message: RestMessage, quiet = false): void {
    this.#messages.delete(message.id);
    if (!quiet && ((message.flags ?? 0) & EPHEMERAL) === 0) {
      this.onMessageDelete?.({
        id: message.id,
        channel_id: message.channel_id,
      });
    }
  }

  #routes(): [string, RegExp, Handler][] {
    const channelMessage = /^\/channels\/(\d+)\/messages\/(\d+)$/;
    const webhookMessage =
      /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/;
    const globalCommands = /^\/applications\/(\d+)\/commands$/;
    const guildCommands = /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/;
    const found = (
      channelId: string,
      messageId: string,
    ): RestMessage | undefined => {
      const message = inChannel(this.#messages.get(messageId));
      return message?.channel_id === channelId ? message : undefined;
    };
    const unknownMessage: Reply = {
      status: 404,
      body: errorBody(10008, "Unknown Message"),
    };
    const unknownChannel: Reply = {
      status: 404,
      body: errorBody(10003, "Unknown Channel"),
    };
    /**
     * Whether the guild command routes take `guildId` for a guild the bot
     * is in: Discord answers 403 `50001 Missing Access` for another id (a
     * channel's pasted by mistake, a guild the bot left), which a test
     * against the fake would otherwise pass. Held to with known channels
     * only, as FakeDiscord runs it; otherwise any id is a guild.
     */
    const guild = (guildId: string): boolean =>
      !this.#knownChannelsOnly ||
      this.resources.guildOwner(guildId) !== undefined;
    const notAuthor: Reply = {
      status: 403,
      body: errorBody(50005, "Cannot edit a message authored by another user"),
    };
    const forumChannel: Reply = {
      status: 400,
      body: errorBody(40058, "Cannot send a message in a forum channel"),
    };
    const missingAccess: Reply = {
      status: 403,
      body: errorBody(50001, "Missing Access"),
    };
    /** Whether the message routes take `channelId` for a channel. */
    const channel = (channelId: string): boolean =>
      !this.#knownChannelsOnly ||
      this.resources.channel(channelId) !== undefined;
    return [
      ["POST", /^\/channels\/(\d+)\/messages$/, ({ match, body, files }) => {
        if (!channel(match[1]!)) return unknownChannel;
        // A forum or media channel holds posts (threads), never messages of
        // its own: Discord refuses one sent to it, whatever the body.
        if (FORUM_TYPES.has(this.resources.channel(match[1]!)?.type ?? -1)) {
          return forumChannel;
        }
        const fields = asObject(body);
        const invalid = isForward(fields)
          ? forwardErrors(fields, files.length > 0)
          : messageErrors(fields, "", files.length > 0);
        if (invalid) return invalid;
        const reference = referenceFields(fields, {
          channelId: match[1]!,
          // An ephemeral reply is no channel's message: no reply or forward
          // can name it (its text would show publicly).
          message: (id) => inChannel(this.#messages.get(id)),
          guildOf: (id) => this.resources.channel(id)?.guild_id,
        });
        if ("refusal" in reference) return reference.refusal;
        const earlier = this.#nonces.earlier(this.botUser.id, fields);
        const repeated = earlier && this.#messages.get(earlier);
        if (repeated) return { status: 200, body: repeated };
        // Discord unarchives a thread a message is sent in (a locked one
        // too: the bot owns the fake's guilds, so it has MANAGE_THREADS).
        this.resources.unarchive(match[1]!);
        const message = this.#newMessage(
          match[1]!,
          withSettableFlags(fields, CREATE_MESSAGE_FLAGS),
          reference.extra,
          files,
        );
        this.#nonces.remember(this.botUser.id, fields, message.id);
        return { status: 200, body: message };
      }],
      ["GET", channelMessage, ({ match }) => {
        if (!channel(match[1]!)) return unknownChannel;
        const message = found(match[1]!, match[2]!);
        return message ? { status: 200, body: message } : unknownMessage;
      }],
      ["PATCH", channelMessage, ({ match, body, files }) => {
        if (!channel(match[1]!)) return unknownChannel;
        const message = found(match[1]!, match[2]!);
        if (!message) return unknownMessage;
        const fields = asObject(body);
        // Others "can only edit `flags`" (Edit Message).
        const othersMay = (key: string) => key === "flags";
        if (
          message.author.id !== this.botUser.id &&
          (files.length > 0 || !Object.keys(fields).every(othersMay))
        ) return notAuthor;
        // No message of an archived thread is edited (50083).
        const invalid = editErrors(fields, message, "", files) ??
          this.resources.archivedRefusal(message.channel_id);
        if (invalid) return invalid;
        this.#editMessage(message, fields, files);
        return { status: 200, body: message };
      }],
      ["DELETE", channelMessage, ({ match }) => {
        if (!channel(match[1]!)) return unknownChannel;
        const message = found(match[1]!, match[2]!);
        if (!message) return unknownMessage;
        this.#deleteMessage(message);
        return { status: 204 };
      }],
      [
        "POST",
        /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
        ({ match, body, files, query }) =>
          this.#callback(
            match[1]!,
            match[2]!,
            body,
            files,
            query.get("with_response") === "true",
          ),
      ],
      ["POST", /^\/webhooks\/(\d+)\/([^/]+)$/, ({ match, body, files }) => {
        const interaction = this.#webhook(match[1]!, match[2]!);
        if (!interaction) return unknownWebhook();
        if (this.#expired(interaction)) return invalidWebhookToken();
        const fields = asObject(body);
        const invalid = messageErrors(fields, "", files.length > 0);
        if (invalid) return invalid;
        const original = interaction.original === undefined
          ? undefined
          : this.#messages.get(interaction.original);
        const edit = deferredReplyEdit(original, fields);
        if (original && edit) {
          // Right after a deferred reply, Discord edits its loading message.
          this.#editMessage(original, edit, files);
          return { status: 200, body: original };
        }
        const message = this.#newMessage(
          interaction.channelId,
          withSettableFlags(fields, INTERACTION_MESSAGE_FLAGS),
          {
            webhook_id: this.applicationId,
            application_id: this.applicationId,
          },
          files,
        );
        interaction.followups.add(message.id);
        return { status: 200, body: message };
      }],
      ["GET", webhookMessage, ({ match }) => {
        const message = this.#webhookMessage(match);
        if (message === undefined) return unknownWebhook();
        if (message === false) return invalidWebhookToken();
        return message ? { status: 200, body: message } : unknownMessage;
      }],
      ["PATCH", webhookMessage, ({ match, body, files }) => {
        const message = this.#webhookMessage(match);
        if (message === undefined) return unknownWebhook();
        if (message === false) return invalidWebhookToken();
        if (!message) return unknownMessage;
        const fields = asObject(body);
        // No message of an archived thread is edited (50083).
        const invalid = editErrors(fields, message, "", files) ??
          this.resources.archivedRefusal(message.channel_id);
        if (invalid) return invalid;
        this.#editMessage(message, fields, files);
        return { status: 200, body: message };
      }],
      ["DELETE", webhookMessage, ({ match }) => {
        const message = this.#webhookMessage(match);
        if (message === undefined) return unknownWebhook();
        if (message === false) return invalidWebhookToken();
        if (!message) return unknownMessage;
        this.#deleteMessage(message);
        return { status: 204 };
      }],
      [
        "GET",
        globalCommands,
        ({ match, query, locale }) =>
          this.#listCommands(match[1]!, undefined, query, locale),
      ],
      [
        "PUT",
        globalCommands,
        ({ match, body }) => this.#overwrite(match[1]!, undefined, body),
      ],
      [
        "GET",
        guildCommands,
        ({ match, query, locale }) =>
          guild(match[2]!)
            ? this.#listCommands(match[1]!, match[2]!, query, locale)
            : missingAccess,
      ],
      [
        "PUT",
        guildCommands,
        ({ match, body }) =>
          guild(match[2]!)
            ? this.#overwrite(match[1]!, match[2]!, body)
            : missingAccess,
      ],
      ["GET", /^\/applications\/@me$/, () => ({
        status: 200,
        body: {
          id: this.applicationId,
          name: this.botUser.username,
          description: "",
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: "",
          flags: 0,
          bot: structuredClone(this.botUser),
        },
      })],
      ["GET", /^\/guilds\/(\d+)\/messages\/search$/, ({ match, query }) => {
        const guildId = match[1]!;
        if (this.resources.guildOwner(guildId) === undefined) {
          return { status: 404, body: errorBody(10004, "Unknown Guild") };
        }
        const errors = searchQueryErrors(query);
        if (errors) return invalidForm(errors);
        const pending = take(this.#scriptedIndex, guildId);
        if (pending) return indexNotReady(pending.options);
        const messages = [...this.#messages.values()].filter(inChannel);
        return {
          status: 200,
          body: searchResults(query, {
            guildId,
            messages,
            channel: (id) => this.resources.channel(id),
            botThreadMember: (id) =>
              this.resources.threadMember(id, this.botUser.id),
          }),
        };
      }],
      ["GET", /^\/gateway$/, () => ({
        status: 200,
        body: { url: this.#gatewayUrl },
      })],
      ["GET", /^\/gateway\/bot$/, () => ({
        status: 200,
        body: {
          url: this.#gatewayUrl,
          shards: this.#shards,
          session_start_limit: typeof this.#sessionStartLimit === "function"
            ? { ...this.#sessionStartLimit() }
            : { ...this.#sessionStartLimit },
        },
      })],
    ];
  }

  /**
   * Apply an interaction response that did not come through the callback
   * route (the answer of an HTTP interactions endpoint), with the same
   * checks and effects as the route.
   *
   * @param interactionId The interaction.
   * @param token Its token.
   * @param body The response (`{ type, data? }`).
   * @returns The status the callback route would have answered and, on
   *   failure, Discord's error body.
   */
  respondToInteraction(
    interactionId: string,
    token: string,
    body: unknown,
  ): { status: number; body?: unknown } {
    return this.#callback(interactionId, token, body, []);
  }

  #callback(
    interactionId: string,
    token: string,
    body: unknown,
    files: RecordedFile[],
    withResponse = false,
  ): Reply {
    let interaction = this.#interactions.get(interactionId);
    if (interaction && interaction.token !== token) {
      return {
        status: 404,
        body: errorBody(10062, "Unknown interaction"),
      };
    }
    if (!interaction && this.#knownInteractionsOnly) {
      // An id Discord never sent: nothing to answer.
      return {
        status: 404,
        body: errorBody(10062, "Unknown interaction"),
      };
    }
    if (!interaction) {
      this.addInteraction({ id: interactionId, token });
      interaction = this.#interactions.get(interactionId)!;
    }
    if (
      this.#scheduler.now() - interaction.createdAt >=
        ANSWER_DEADLINE
    ) {
      // Discord forgets an interaction not answered within 3 s.
      return {
        status: 404,
        body: errorBody(10062, "Unknown interaction"),
      };
    }
    if (interaction.acknowledged) {
      return {
        status: 400,
        body: errorBody(40060, "Interaction has already been acknowledged."),
      };
    }
    const fields = asObject(body);
    if (typeof fields.type !== "number" || !CALLBACK_TYPES.has(fields.type)) {
      return invalidForm({
        type: fieldError(
          "BASE_TYPE_CHOICES",
          "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.",
        ),
      });
    }
    const data = asObject(fields.data);
    if (fields.type === 4) {
      const invalid = messageErrors(data, "data.", files.length > 0);
      if (invalid) return invalid;
    }
    if (fields.type === 7) {
      const target = interaction.messageId === undefined
        ? undefined
        : this.#messages.get(interaction.messageId);
      const invalid = editErrors(data, target, "data.", files);
      if (invalid) return invalid;
    }
    if (fields.type === 9) {
      if (interaction.modalSubmit) {
        return {
          status: 400,
          body: errorBody(
            50035,
            "Invalid Form Body",
            {
              type: fieldError(
                "INTERACTION_RESPONSE_TYPE_INVALID",
                "A modal submit cannot open another modal",
              ),
            },
          ),
        };
      }
      const errors = modalErrors(data);
      if (errors) return invalidForm({ data: errors });
    }
    if (fields.type === 8) {
      const errors = autocompleteErrors(data);
      if (errors) return invalidForm({ data: errors });
    }
    const allowed = interaction.type === undefined
      ? undefined
      : CALLBACKS_BY_INTERACTION[interaction.type];
    if (allowed && !allowed.includes(fields.type)) {
      return invalidForm({
        type: fieldError(
          "INTERACTION_RESPONSE_TYPE_INVALID",
          `Callback type ${fields.type} cannot answer an interaction of type ${interaction.type}`,
        ),
      });
    }
    if ((fields.type === 6 || fields.type === 7) && !interaction.messageId) {
      return invalidForm({
        type: fieldError(
          "INTERACTION_RESPONSE_TYPE_INVALID",
          "UPDATE_MESSAGE needs an interaction from a message component",
        ),
      });
    }
    interaction.acknowledged = true;
    const recorded: RecordedInteractionResponse = {
      interactionId,
      token,
      body: structuredClone(fields) as RecordedInteractionResponse["body"],
      at: this.#scheduler.now(),
    };
    this.interactionResponses.push(recorded);
    this.onInteractionResponse?.(structuredClone(recorded));
    const extra: Partial<RestMessage> = {
      type: 20,
      webhook_id: this.applicationId,
      application_id: this.applicationId,
      // A component interaction (one with a message) responds as type 3.
      interaction_metadata: interaction.messageId === undefined
        ? {
          id: interactionId,
          type: 2,
          user: structuredClone(interaction.user),
          authorizing_integration_owners: authorizingIntegrationOwners(
            this.resources.channel(interaction.channelId)?.guild_id,
          ),
        }
        : {
          id: interactionId,
          type: 3,
          user: structuredClone(interaction.user),
          authorizing_integration_owners: authorizingIntegrationOwners(
            this.resources.channel(interaction.channelId)?.guild_id,
          ),
          interacted_message_id: interaction.messageId,
        },
    };
    let message: RestMessage | undefined;
    if (fields.type === 4) {
      message = this.#newMessage(
        interaction.channelId,
        withSettableFlags(data, INTERACTION_MESSAGE_FLAGS),
        extra,
        files,
      );
      interaction.original = message.id;
    } else if (fields.type === 5) {
      // "The only valid message flag you may use is EPHEMERAL": Discord
      // drops the others, not refuses them (discord-api-docs PR #7386 and
      // issue #7910: IS_COMPONENTS_V2 on a defer leaves flags 128), so an
      // edit counting on them fails later, as on Discord.
      const asked = typeof data.flags === "number" ? data.flags : 0;
      const flags = (asked & EPHEMERAL) | LOADING;
      message = this.#newMessage(interaction.channelId, { flags }, extra);
      interaction.original = message.id;
    } else if (fields.type === 7 || fields.type === 6) {
      interaction.original = interaction.messageId;
      message = interaction.messageId === undefined
        ? undefined
        : this.#messages.get(interaction.messageId);
      if (message && fields.type === 7) {
        this.#editMessage(message, data, files);
      }
    }
    return withResponse
      ? {
        status: 200,
        body: callbackResponse(interaction, fields.type, message),
      }
      : { status: 204 };
  }

  /** The acknowledged interaction a webhook (application id + token) stands for. */
  #webhook(applicationId: string, token: string): InteractionState | undefined {
    if (applicationId !== this.applicationId) return undefined;
    const interaction = this.#interactionsByToken.get(decode(token));
    return interaction?.acknowledged ? interaction : undefined;
  }

  /** Whether the interaction's token has outlived its 15 minutes. */
  #expired(interaction: InteractionState): boolean {
    return this.#scheduler.now() - interaction.createdAt >=
      INTERACTION_TOKEN_LIFETIME;
  }

  /**
   * `undefined`: unknown webhook; `false`: expired token; `null`: unknown
   * message.
   */
  #webhookMessage(
    match: RegExpExecArray,
  ): RestMessage | null | false | undefined {
    const interaction = this.#webhook(match[1]!, match[2]!);
    if (!interaction) return undefined;
    if (this.#expired(interaction)) return false;
    const id = match[3] === "@original" ? interaction.original : match[3]!;
    if (
      id === undefined ||
      (id !== interaction.original && !interaction.followups.has(id))
    ) return null;
    return this.#messages.get(id) ?? null;
  }

  #listCommands(
    applicationId: string,
    guildId: string | undefined,
    query: URLSearchParams,
    locale: string | undefined,
  ): Reply {
    if (applicationId !== this.applicationId) {
      return { status: 404, body: errorBody(10002, "Unknown Application") };
    }
    const stored = this.#commands.get(guildId ?? "global") ?? [];
    // As Discord: the localization dictionaries only with
    // `with_localizations=true`, otherwise the requester's locale's text.
    return {
      status: 200,
      body: query.get("with_localizations") === "true"
        ? stored
        : listedLocalizations(stored, locale),
    };
  }

  #overwrite(
    applicationId: string,
    guildId: string | undefined,
    body: unknown,
  ): Reply {
    if (applicationId !== this.applicationId) {
      return {
        status: 403,
        body: errorBody(
          20012,
          "You are not authorized to perform this action on this application",
        ),
      };
    }
    if (!Array.isArray(body)) {
      return invalidForm({
        _errors: [{
          code: "LIST_TYPE_CONVERT",
          message: "Only iterables may be used in a ListType",
        }],
      });
    }
    const errors = commandListErrors(body);
    if (Object.keys(errors).length > 0) return invalidForm(errors);
    const scope = guildId ?? "global";
    const previous = this.#commands.get(scope) ?? [];
    const stored = body.map((item) => {
      const command = asObject(item) as unknown as ApplicationCommand;
      const type = command.type ?? 1;
      const kept = previous.find((old) =>
        old.name === command.name && (old.type ?? 1) === type
      );
      const out: ApplicationCommand = {
        ...storedLocalizations(command),
        id: kept?.id ?? this.#snowflake(),
        application_id: this.applicationId,
        type,
        description: command.description ?? "",
        default_member_permissions: command.default_member_permissions ?? null,
        version: this.#snowflake(),
      };
      if (guildId !== undefined) out.guild_id = guildId;
      return out;
    });
    this.#commands.set(scope, stored);
    return { status: 200, body: structuredClone(stored) };
  }
}

function routeOf(route: string): RouteInfo {
  const space = route.indexOf(" ");
  if (space === -1) {
    throw new TypeError(
      `Cannot script a route as 'route' must be "METHOD /path": current value 'route=${route}'`,
    );
  }
  return parseRoute(
    route.slice(0, space).toUpperCase(),
    route.slice(space + 1),
  );
}

function take<T extends Script>(scripts: T[], key: string): T | undefined {
  const index = scripts.findIndex((s) => s.key === undefined || s.key === key);
  if (index === -1) return undefined;
  const script = scripts[index]!;
  if (--script.times <= 0) scripts.splice(index, 1);
  return script;
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string>,
): Response {
  if (status === 204 || body === undefined) {
    return new Response(null, { status, headers });
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, "content-type": "application/json" },
  });
}

function unknownWebhook(): Reply {
  return { status: 404, body: errorBody(10015, "Unknown Webhook") };
}

function invalidWebhookToken(): Reply {
  return { status: 401, body: errorBody(50027, "Invalid Webhook Token") };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
