/**
 * {@linkcode RestClient}: Discord's HTTP API with its rate limits handled.
 *
 * The options and their checks (`client_options.ts`), the retry policy
 * (`_request_policy.ts`), the request I/O (`_request_io.ts`), what an
 * attempt comes to (`_outcome.ts`), the bytes held across answers
 * (`_response_budget.ts`) and the limiter's logging (`_client_limiter.ts`)
 * live apart; what is left is the client's state (buckets, the global
 * limit, the invalid-request guard) and the few methods the library itself
 * needs (the gateway URL, replies, interaction callbacks), documented with
 * examples. Every other route is a function in `api/`.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";
import { messageToCreate, messageToEdit } from "./_message_limits.ts";
import {
  type Attempted,
  type AuditedRouteOptions,
  type CallOptions,
  checkRequestOptions,
  clientCallOptions,
  type ClientIdentity,
  type PreparedRequest,
  prepareRequest,
  type RequestOptions,
  type RouteOptions,
  sendRequest,
  type UploadRouteOptions,
} from "./_request_io.ts";
import {
  decideAnswer,
  decideNoAnswer,
  type RetryPolicy,
  type ServerErrorRetry,
} from "./_request_policy.ts";
import type {
  AttemptResult,
  RateLimiter,
  RateLimitView,
} from "./rate_limiter.ts";
import {
  type HttpMethod,
  isInteractionCallback,
  uploadLayout,
} from "./routes.ts";
import { globalScope } from "./_global_scope.ts";
import type {
  ApplicationCommandBody,
  CreateMessageBody,
  EditMessageBody,
  EditWebhookMessageBody,
  FollowupMessageBody,
  GatewayBotResponse,
  GatewayResponse,
  InteractionCallbackResponse,
  InteractionResponseBody,
  RestMessage,
} from "./payloads.ts";
import type { ApplicationCommand } from "../types/objects/application_command.ts";
import { multipartBody, prepareUploads } from "./uploads.ts";
import { RequestRefusals } from "./invalid_requests.ts";
import { type RestClientOptions, restSettings } from "./client_options.ts";
import { ResponseBudget } from "./_response_budget.ts";
import {
  type AnswerHeaders,
  answerHeaders,
  attemptOutcome,
  type OutcomeLimits,
  unconfirmedAttempt,
} from "./_outcome.ts";
import { hasRateLimitHeaders } from "./rate_limit_headers.ts";
import { id, token, webhook } from "./_client_paths.ts";
import {
  interactionCallbackOptions,
  type InteractionResponseOptions,
} from "./_interaction_callback.ts";
import { CallbackWindow, lateRetry, waitChecks } from "./_callback_window.ts";
import { clientLimiter } from "./_client_limiter.ts";
import { calledFrom } from "./_call_site.ts";

export {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RATE_LIMIT_WAIT,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT,
  type RestClientOptions,
} from "./client_options.ts";
export { DEFAULT_USER_AGENT } from "../base/user_agent.ts";

export type { CallOptions, RequestOptions, ServerErrorRetry };

/**
 * A client for Discord's HTTP API.
 *
 * Every request goes through the client's rate limiter (its state shown by
 * {@linkcode RestClient.rateLimiter}): per-route buckets learned from the
 * `X-RateLimit-*` headers (same-bucket requests leave in order), the global
 * limit, and 429s (waiting `retry_after`, then retrying up to `maxRetries`
 * times). A 429 of Cloudflare's (no `retry_after`, no `X-RateLimit-*`
 * headers: the IP is restricted after too many invalid requests) is not
 * retried and pauses every request (its `Retry-After`, else 60 s; at most
 * `maxRateLimitWait`, at least 1 s), after which one request goes first
 * and the others wait for its answer; interaction callbacks, which Discord
 * takes only within 3 s, fail at once meanwhile. A warning says so on
 * stderr unless logging is configured, at most once a minute. 5xx answers and network errors are retried with backoff for
 * idempotent methods (see {@linkcode ServerErrorRetry}). All waiting goes
 * through the `scheduler`.
 *
 * Failures throw a {@linkcode DiscordApiError} (Discord answered with an
 * error), a {@linkcode RateLimitError} (still 429 after the retries, a
 * wait longer than `maxRateLimitWait`, or scope `cloudflare`), a
 * {@linkcode ResponseTooLargeError} (a body over `maxResponseBytes`) or a
 * {@linkcode NetworkError} (no answer); requests are refused without being
 * sent with a {@linkcode TokenRejectedError} after a 401 to the bot token,
 * an {@linkcode UnknownWebhookError} to a webhook that answered 404 (or
 * with a webhook token answered 401), and an
 * {@linkcode InvalidRequestLimitError} near Discord's invalid-request limit
 * (queued ones too, at once: a refusal holds up no other request).
 * None of them, and no log line, holds the bot token or an interaction
 * token. A method takes only the per-call options its route does (`reason`
 * where Discord keeps an audit-log entry, `files` where it takes
 * attachments): another, set from JavaScript or through a cast, is a
 * `TypeError` and nothing is sent.
 *
 * @example Send a message to a fake Discord
 * ```ts
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "my-token" });
 * const rest = new RestClient({ token: "my-token", fetch: discord.fetch });
 *
 * const message = await rest.createMessage("1", { content: "hello" });
 * assert.equal(message.content, "hello");
 * assert.equal(message.author.id, discord.botUser.id);
 * assert.equal(discord.requests[0]!.headers["authorization"], "Bot my-token");
 * ```
 */
export class RestClient {
  #token: string;
  #baseUrl: string;
  #fetch: typeof fetch;
  #scheduler: Scheduler;
  #userAgent: string;
  #policy: RetryPolicy;
  #timeout: number;
  #limiter: RateLimiter;
  /** What refuses requests unsent (401, 404 webhooks, invalid-request cap). */
  #refusals: RequestRefusals;
  /** The body bytes held across the answers being read or parsed. */
  #responses: ResponseBudget;
  #outcomeLimits: OutcomeLimits;

  /**
   * Create a client; nothing is sent until a method is called.
   *
   * @param options The token and optional overrides.
   * @throws {TypeError} For a key that is not an option (a misspelt one:
   *   the message names the nearest), a missing token or one with a space
   *   or a control character inside (never shown), a `baseUrl` that is not
   *   an http(s) URL, a `userAgent` with a control character, a `fetch`,
   *   `random`, `scheduler` or `retryServerErrors` of the wrong kind.
   * @throws {RangeError} For a number out of range.
   */
  constructor(options: RestClientOptions) {
    const settings = restSettings(options);
    this.#timeout = settings.timeout;
    this.#token = settings.token;
    this.#baseUrl = settings.baseUrl;
    this.#fetch = settings.fetch;
    this.#scheduler = settings.scheduler;
    this.#userAgent = settings.userAgent;
    this.#policy = settings.policy;
    this.#responses = new ResponseBudget(
      settings.maxBufferedResponseBytes,
      settings.maxResponseBytes,
    );
    this.#outcomeLimits = {
      maxResponseBytes: this.#responses.perAnswer,
      sizeOption: settings.maxBufferedResponseBytes < settings.maxResponseBytes
        ? "maxBufferedResponseBytes"
        : "maxResponseBytes",
      maxRateLimitWait: settings.policy.maxRateLimitWait,
    };
    this.#refusals = new RequestRefusals(
      this.#scheduler,
      options.invalidRequestLimit,
    );
    this.#limiter = clientLimiter(this.#scheduler, options.globalLimit);
  }

  /**
   * The client's rate limiter (learned bucket hashes and bucket states, for
   * diagnostics and tests).
   */
  get rateLimiter(): RateLimitView {
    return this.#limiter;
  }

  /**
   * Send one request through the rate limiter and return the parsed JSON
   * answer (`undefined` for 204 No Content; the text, for a route Discord
   * answers with a file: GET `/invites/{code}/target-users`'s CSV).
   *
   * @typeParam T The expected JSON shape.
   * @param method The HTTP method.
   * @param path The path below the base URL, e.g. `/channels/1/messages`.
   * @param options Body, query, audit-log reason, signal, auth, headers.
   * @returns The parsed answer.
   * @throws {DiscordApiError} Discord answered with an error status.
   * @throws {RateLimitError} Still rate limited after `maxRetries` retries.
   * @throws {NetworkError} No answer, after any retries.
   * @throws {ResponseTooLargeError} A body over `maxResponseBytes`.
   * @throws {TokenRejectedError} The bot token was found rejected (401).
   * @throws {UnknownWebhookError} The webhook was found gone (404), or its
   *   token refused (401).
   * @throws {InvalidRequestLimitError} The invalid-request cap is reached.
   * @throws {UploadError} A file could not be read or passed its limit.
   * @throws {TypeError} Bad input (a path not starting with `/`, a header
   *   value with a newline, a `reason` over 512 characters, an
   *   `Authorization` header beside the bot token): the promise rejects,
   *   nothing is thrown at once.
   *
   * @example A route without a typed method
   * ```ts
   * import { RestClient } from "@disruption/disruption/rest";
   * import { FakeRest } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const discord = new FakeRest({ token: "t" });
   * const rest = new RestClient({ token: "t", fetch: discord.fetch });
   * const gateway = await rest.request<{ url: string }>("GET", "/gateway");
   * assert.equal(gateway.url, "wss://gateway.discord.gg");
   * ```
   */
  request<T = unknown>(
    method: HttpMethod,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    return this.#request<T>(method, path, options, false);
  }

  /**
   * {@linkcode RestClient.request}, told whether the request is an
   * interaction endpoint: a follow-up through `/webhooks/{application}/
   * {interaction token}` has a webhook execution's path, but only the
   * interaction's stays out of the global limits. A failure's stack ends
   * with the caller's frames (`calledFrom`).
   */
  #request<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    interaction: boolean,
  ): Promise<T> {
    try {
      // Before any file is read: bad options send nothing.
      checkRequestOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.files !== undefined && options.files.length > 0) {
      // Streams are read once here, so a retry re-sends the same blobs.
      const { files, uploadLimit, ...rest } = options;
      // The whole request counts towards Discord's 25 MiB, its JSON too.
      const layout = uploadLayout(method, path);
      const sent = prepareUploads(files, {
        ...(uploadLimit === undefined ? {} : { maxSize: uploadLimit }),
        ...(rest.signal === undefined ? {} : { signal: rest.signal }),
        timeout: this.#timeout,
        scheduler: this.#scheduler,
        request: { payload: rest.body, ...layout },
      }).then((prepared) =>
        this.#request<T>(method, path, {
          ...rest,
          body: multipartBody(rest.body, prepared, layout),
        }, interaction)
      );
      return calledFrom(sent, rest.signal);
    }
    let prepared: PreparedRequest;
    try {
      prepared = prepareRequest(this.#identity(), method, path, options);
    } catch (error) {
      // A bad path or header rejects, as other bad input does.
      return Promise.reject(error);
    }
    const { logPath } = prepared;
    const refusals = this.#refusals;
    // Only a 401 to the client's own token says that token is bad: one to
    // a user's OAuth2 token (`auth: false` and an `Authorization` header)
    // is that user's.
    const botToken = prepared.authorization === "bot";
    const refusable = {
      method,
      route: prepared.route,
      logPath,
      botToken,
      webhook: !interaction,
    };
    // Asked by the limiter before the request waits (a 401 or a 404 may
    // come meanwhile) and as it would be sent: refused, it takes no global
    // slot nor its bucket's remaining, and those behind it are asked at
    // once; held while requests in flight fill the invalid-request cap.
    const checks = refusals.jobChecks(refusable);
    const refused = checks.refuse(false);
    if (refused) return Promise.reject(refused);
    // Taken only within 3 s: it fails rather than wait past them.
    const window = isInteractionCallback(path)
      ? new CallbackWindow(method, logPath, this.#scheduler)
      : undefined;
    let retries = 0;
    /** An earlier attempt that may have been applied unseen, if any. */
    let earlier: OutcomeLimits["earlierAttempt"];
    const attempt = async (): Promise<AttemptResult<T>> => {
      // Counted as invalid until answered otherwise: a burst in flight
      // (interaction callbacks have no global limit) cannot pass the cap.
      const refused = refusals.invalid.reserve(method, logPath);
      if (refused) return { type: "failure", error: refused };
      const budget = this.#responses.lease();
      try {
        let answer: Attempted | undefined;
        /** What the answer's headers said, when they came. */
        let answered: AnswerHeaders | undefined;
        let refusing = false; // a refusal starts to apply with this answer
        try {
          answer = await sendRequest(this.#fetch, prepared, {
            maxResponseBytes: this.#responses.perAnswer,
            timeout: this.#timeout,
            scheduler: this.#scheduler,
            budget,
          });
          answered = answerHeaders(answer);
        } finally {
          refusing = refusals.invalid.settle(answered?.status, answered?.scope);
        }
        if (answered?.status === 401 && botToken) {
          refusing = refusals.rejectToken(method, logPath) || refusing;
        }
        const decided = answer.type === "answer"
          ? decideAnswer(this.#policy, method, {
            ...answer.facts,
            rateLimitHeaders: hasRateLimitHeaders(answer.rateLimit),
          }, retries)
          : answer.type === "no_answer"
          ? decideNoAnswer(this.#policy, method, retries, answer.error)
          : undefined;
        const decision = window?.decision(decided) ?? decided;
        if (decision?.type === "retry") retries = decision.retry;
        const outcome = lateRetry(
          window,
          attemptOutcome<T>(prepared, answer, decision, {
            ...this.#outcomeLimits,
            earlierAttempt: earlier,
          }),
          decision,
        );
        earlier ??= unconfirmedAttempt(decision);
        const gone = outcome.type === "failure" && !interaction &&
          refusals.webhooks.record(prepared.route, logPath, outcome.error);
        // Those it refuses fail now, in every bucket, not at their turn.
        if (refusing || gone) this.#limiter.recheck();
        return outcome;
      } finally {
        // Parsed (or failed) by now: its bytes are no longer held here.
        budget.release();
      }
    };
    const scheduled = this.#limiter.schedule(
      prepared.route,
      attempt,
      options.signal,
      globalScope(prepared, interaction),
      {
        ...checks,
        ...waitChecks(
          method,
          logPath,
          window,
          this.#policy.maxRateLimitWait,
          () => this.#limiter.bucketHash(prepared.route.key),
        ),
      },
    );
    return calledFrom(scheduled, options.signal);
  }

  /**
   * Post a message in a channel.
   *
   * @typeParam T The message type to return.
   * @param channelId The channel.
   * @param body The message.
   * @param options Signal, files.
   * @returns The created message.
   */
  async createMessage<T = RestMessage>(
    channelId: string,
    body: CreateMessageBody,
    options: UploadRouteOptions = {},
  ): Promise<T> {
    return await this.request<T>(
      "POST",
      `/channels/${id("channelId", channelId)}/messages`,
      { ...clientCallOptions(options, "upload"), body: messageToCreate(body) },
    );
  }

  /**
   * Edit a message the bot sent.
   *
   * @typeParam T The message type to return.
   * @param channelId The channel.
   * @param messageId The message.
   * @param body The fields to change.
   * @param options Signal, files.
   * @returns The edited message.
   */
  async editMessage<T = RestMessage>(
    channelId: string,
    messageId: string,
    body: EditMessageBody,
    options: UploadRouteOptions = {},
  ): Promise<T> {
    return await this.request<T>(
      "PATCH",
      `/channels/${id("channelId", channelId)}/messages/${
        id("messageId", messageId)
      }`,
      { ...clientCallOptions(options, "upload"), body: messageToEdit(body) },
    );
  }

  /**
   * Delete a message.
   *
   * @param channelId The channel.
   * @param messageId The message.
   * @param options Signal and audit-log reason.
   * @returns A promise that resolves once Discord deleted it.
   */
  async deleteMessage(
    channelId: string,
    messageId: string,
    options: AuditedRouteOptions = {},
  ): Promise<void> {
    await this.request(
      "DELETE",
      `/channels/${id("channelId", channelId)}/messages/${
        id("messageId", messageId)
      }`,
      clientCallOptions(options, "audited"),
    );
  }

  /**
   * Answer an interaction and read what the answer created
   * (`?with_response=true`): the message (callback types 4 and 7), the
   * Activity launched, whether the message is loading or ephemeral.
   *
   * @param interactionId The interaction.
   * @param interactionToken The interaction's token.
   * @param body The callback type and data.
   * @param options `withResponse: true`; signal, files, upload limit.
   * @returns Discord's interaction callback response.
   *
   * @example Read the message a reply created
   * ```ts
   * import { RestClient } from "@disruption/disruption/rest";
   * import { FakeRest } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const discord = new FakeRest({ token: "t" });
   * const rest = new RestClient({ token: "t", fetch: discord.fetch });
   * const answer = await rest.createInteractionResponse("5", "token", {
   *   type: 4,
   *   data: { content: "pong" },
   * }, { withResponse: true });
   * assert.equal(answer.resource?.message?.content, "pong");
   * ```
   */
  createInteractionResponse(
    interactionId: string,
    interactionToken: string,
    body: InteractionResponseBody,
    options: InteractionResponseOptions & { withResponse: true },
  ): Promise<InteractionCallbackResponse>;
  // The plain form last: `Parameters<>` and `ReturnType<>` read the last
  // overload, and code typed against them before `withResponse` existed
  // keeps compiling.
  /**
   * Answer an interaction (within 3 s of receiving it). Sent without the
   * bot token and outside the global rate limit.
   *
   * @param interactionId The interaction.
   * @param interactionToken The interaction's token.
   * @param body The callback type and data.
   * @param options Signal, files, upload limit.
   * @returns A promise that resolves once Discord accepted it.
   *
   * @example Answer with a message
   * ```ts
   * import { RestClient } from "@disruption/disruption/rest";
   * import { FakeRest } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const discord = new FakeRest({ token: "t" });
   * const rest = new RestClient({ token: "t", fetch: discord.fetch });
   * await rest.createInteractionResponse("5", "interaction-token", {
   *   type: 4,
   *   data: { content: "pong" },
   * });
   * assert.deepEqual(discord.interactionResponses[0]!.body, { type: 4, data: { content: "pong" } });
   * assert.equal(discord.requests[0]!.headers["authorization"], undefined);
   * ```
   */
  createInteractionResponse(
    interactionId: string,
    interactionToken: string,
    body: InteractionResponseBody,
    options?: InteractionResponseOptions & { withResponse?: false },
  ): Promise<void>;
  async createInteractionResponse(
    interactionId: string,
    interactionToken: string,
    body: InteractionResponseBody,
    options: InteractionResponseOptions = {},
  ): Promise<InteractionCallbackResponse | void> {
    return await this.#request<InteractionCallbackResponse | undefined>(
      "POST",
      `/interactions/${id("interactionId", interactionId)}/${
        token("interactionToken", interactionToken)
      }/callback`,
      interactionCallbackOptions(options, body),
      true,
    );
  }

  /**
   * Get the message an interaction was answered with.
   *
   * @typeParam T The message type to return.
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param options Signal.
   * @returns The original response message.
   */
  async getOriginalInteractionResponse<T = RestMessage>(
    applicationId: string,
    interactionToken: string,
    options: RouteOptions = {},
  ): Promise<T> {
    return await this.#request<T>(
      "GET",
      `${webhook(applicationId, interactionToken)}/messages/@original`,
      clientCallOptions(options, "plain"),
      true,
    );
  }

  /**
   * Edit the message an interaction was answered with (also how a deferred
   * answer gets its content).
   *
   * @typeParam T The message type to return.
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param body The fields to change.
   * @param options Signal, files.
   * @returns The edited message.
   */
  async editOriginalInteractionResponse<T = RestMessage>(
    applicationId: string,
    interactionToken: string,
    body: EditWebhookMessageBody,
    options: UploadRouteOptions = {},
  ): Promise<T> {
    return await this.#request<T>(
      "PATCH",
      `${webhook(applicationId, interactionToken)}/messages/@original`,
      { ...clientCallOptions(options, "upload"), body: messageToEdit(body) },
      true,
    );
  }

  /**
   * Delete the message an interaction was answered with.
   *
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param options Signal.
   * @returns A promise that resolves once Discord deleted it.
   */
  async deleteOriginalInteractionResponse(
    applicationId: string,
    interactionToken: string,
    options: RouteOptions = {},
  ): Promise<void> {
    await this.#request(
      "DELETE",
      `${webhook(applicationId, interactionToken)}/messages/@original`,
      clientCallOptions(options, "plain"),
      true,
    );
  }

  /**
   * Send a follow-up message to an interaction (up to 15 minutes after it).
   *
   * @typeParam T The message type to return.
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param body The message.
   * @param options Signal, files.
   * @returns The created message.
   */
  async createFollowupMessage<T = RestMessage>(
    applicationId: string,
    interactionToken: string,
    body: FollowupMessageBody,
    options: UploadRouteOptions = {},
  ): Promise<T> {
    return await this.#request<T>(
      "POST",
      webhook(applicationId, interactionToken),
      { ...clientCallOptions(options, "upload"), body: messageToCreate(body) },
      true,
    );
  }

  /**
   * Get a follow-up message (sent as its siblings are: without the bot
   * token, outside the global limit).
   *
   * @typeParam T The message type to return.
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param messageId The follow-up message.
   * @param options Signal.
   * @returns The message.
   */
  async getFollowupMessage<T = RestMessage>(
    applicationId: string,
    interactionToken: string,
    messageId: string,
    options: RouteOptions = {},
  ): Promise<T> {
    return await this.#request<T>(
      "GET",
      `${webhook(applicationId, interactionToken)}/messages/${
        id("messageId", messageId)
      }`,
      clientCallOptions(options, "plain"),
      true,
    );
  }

  /**
   * Edit a follow-up message.
   *
   * @typeParam T The message type to return.
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param messageId The follow-up message.
   * @param body The fields to change.
   * @param options Signal, files.
   * @returns The edited message.
   */
  async editFollowupMessage<T = RestMessage>(
    applicationId: string,
    interactionToken: string,
    messageId: string,
    body: EditWebhookMessageBody,
    options: UploadRouteOptions = {},
  ): Promise<T> {
    return await this.#request<T>(
      "PATCH",
      `${webhook(applicationId, interactionToken)}/messages/${
        id("messageId", messageId)
      }`,
      { ...clientCallOptions(options, "upload"), body: messageToEdit(body) },
      true,
    );
  }

  /**
   * Delete a follow-up message.
   *
   * @param applicationId The application.
   * @param interactionToken The interaction's token.
   * @param messageId The follow-up message.
   * @param options Signal.
   * @returns A promise that resolves once Discord deleted it.
   */
  async deleteFollowupMessage(
    applicationId: string,
    interactionToken: string,
    messageId: string,
    options: RouteOptions = {},
  ): Promise<void> {
    await this.#request(
      "DELETE",
      `${webhook(applicationId, interactionToken)}/messages/${
        id("messageId", messageId)
      }`,
      clientCallOptions(options, "plain"),
      true,
    );
  }

  /**
   * Replace every global application command with `commands` (commands not
   * listed are deleted).
   *
   * @typeParam T The command type to return.
   * @param applicationId The application.
   * @param commands The full list of commands.
   * @param options Signal.
   * @returns The commands as Discord stored them.
   */
  async bulkOverwriteGlobalApplicationCommands<T = ApplicationCommand>(
    applicationId: string,
    commands: ApplicationCommandBody[],
    options: RouteOptions = {},
  ): Promise<T[]> {
    return await this.request<T[]>(
      "PUT",
      `/applications/${id("applicationId", applicationId)}/commands`,
      { ...clientCallOptions(options, "plain"), body: commands },
    );
  }

  /**
   * Replace every application command of one guild with `commands`.
   *
   * @typeParam T The command type to return.
   * @param applicationId The application.
   * @param guildId The guild.
   * @param commands The full list of commands.
   * @param options Signal.
   * @returns The commands as Discord stored them.
   */
  async bulkOverwriteGuildApplicationCommands<T = ApplicationCommand>(
    applicationId: string,
    guildId: string,
    commands: ApplicationCommandBody[],
    options: RouteOptions = {},
  ): Promise<T[]> {
    return await this.request<T[]>(
      "PUT",
      `/applications/${id("applicationId", applicationId)}/guilds/${
        id("guildId", guildId)
      }/commands`,
      { ...clientCallOptions(options, "plain"), body: commands },
    );
  }

  /**
   * GET `/gateway/bot`: the gateway URL, the recommended shard count and the
   * session start budget.
   *
   * @param options Signal.
   * @returns Discord's answer.
   */
  async getGatewayBot(options: RouteOptions = {}): Promise<GatewayBotResponse> {
    return await this.request<GatewayBotResponse>(
      "GET",
      "/gateway/bot",
      clientCallOptions(options, "plain"),
    );
  }

  /**
   * GET `/gateway`: the gateway URL (no authentication needed).
   *
   * @param options Signal.
   * @returns Discord's answer.
   */
  async getGateway(options: RouteOptions = {}): Promise<GatewayResponse> {
    return await this.request<GatewayResponse>(
      "GET",
      "/gateway",
      clientCallOptions(options, "plain"),
    );
  }

  #identity(): ClientIdentity {
    return {
      token: this.#token,
      baseUrl: this.#baseUrl,
      userAgent: this.#userAgent,
      now: this.#scheduler.now(),
    };
  }
}
