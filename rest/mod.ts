/**
 * The REST client: Discord's HTTP API on the runtime's `fetch`, with
 * per-route rate-limit buckets learnt from Discord's headers, the global
 * limit, 429 handling and typed errors.
 *
 * ```ts
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const message = await rest.createMessage("123", { content: "hello" });
 * assert.equal(message.content, "hello");
 * ```
 *
 * @module
 */
export {
  type CallOptions,
  type RequestOptions,
  RestClient,
  type RestClientOptions,
  type ServerErrorRetry,
} from "./rest_client.ts";
export {
  DiscordApiError,
  type DiscordApiErrorOptions,
  type DiscordErrorBody,
  type DiscordFieldError,
  NetworkError,
  RateLimitError,
  type RateLimitErrorOptions,
  type RateLimitScope,
  ResponseTooLargeError,
  type ResponseTooLargeErrorOptions,
  RestError,
  type RestErrorOptions,
} from "./errors.ts";
export type { BucketState, RateLimitView } from "./rate_limiter.ts";
export type { HttpMethod, RouteInfo } from "./routes.ts";
export type { Snowflake } from "../types/gateway_payloads.ts";
export type { Scheduler, TimerId } from "../base/scheduler.ts";
export type {
  AllowedMentionsPayload,
  ApplicationCommandBody,
  ApplicationCommandOptionPayload,
  CommandOptionChoicePayload,
  ComponentPayload,
  CreateMessageBody,
  EditMessageBody,
  EditWebhookMessageBody,
  EmbedPayload,
  FollowupMessageBody,
  GatewayBotResponse,
  GatewayResponse,
  InteractionCallbackTypeValue,
  InteractionResponseBody,
  InteractionResponseData,
  MessageReferencePayload,
  RestApplicationCommand,
  RestMessage,
  RestUser,
  SessionStartLimitInfo,
} from "./payloads.ts";
