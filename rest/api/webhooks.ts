/**
 * Webhook routes: create, list, get, modify, delete (with or without the token), and webhook messages. `executeWebhook` is in this file too, written by hand for its `wait` overloads.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type RouteOptions,
  routeOptions,
  segment,
  snowflake,
  type UploadRouteOptions,
  uploadRouteOptions,
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Message } from "../../types/objects/message.ts";
import type { PollCreateRequest } from "../../types/objects/poll.ts";
import type { Webhook } from "../../types/objects/webhook.ts";
import type { FileUpload } from "../uploads.ts";
import { optionKeys } from "../../base/option_keys.ts";
import { checkedMessage } from "../_message_limits.ts";
import type {
  AllowedMentionsPayload,
  ComponentPayload,
  EditWebhookMessageBody,
  EmbedPayload,
} from "../payloads.ts";

/** Body of {@linkcode modifyWebhook}. */
export interface ModifyWebhookBody {
  /** Default name. */
  name?: string;
  /** Default avatar as a data URI. */
  avatar?: string | null;
  /** Move to this channel. */
  channel_id?: Snowflake;
}

/** Body of {@linkcode executeWebhook}. */
export interface ExecuteWebhookBody {
  /** Text (2000 characters at most). */
  content?: string;
  /** Override the name. */
  username?: string;
  /** Override the avatar URL. */
  avatar_url?: string;
  /** Text-to-speech. */
  tts?: boolean;
  /** Embeds (10 at most). */
  embeds?: EmbedPayload[];
  /** Who may be pinged. */
  allowed_mentions?: AllowedMentionsPayload;
  /**
   * Components (application-owned webhooks; others send non-interactive
   * ones with `withComponents`).
   */
  components?: ComponentPayload[];
  /** A poll. */
  poll?: PollCreateRequest;
  /** Message flags. */
  flags?: number;
  /** Forum channels: the new post's name. */
  thread_name?: string;
  /** Forum channels: tags of the new post. */
  applied_tags?: Snowflake[];
}

/** Options of {@linkcode executeWebhook}. */
export interface ExecuteWebhookOptions {
  /** Post in this thread of the webhook's channel. */
  threadId?: Snowflake;
  /**
   * Send `components` through a webhook no application owns (non-interactive
   * ones only): without it Discord ignores them.
   */
  withComponents?: boolean;
  /** Files to attach. */
  files?: readonly FileUpload[];
  /** Largest size of each file, in bytes. */
  uploadLimit?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * {@linkcode executeWebhook}'s own option keys, beside the call options:
 * the compiler keeps the list complete, and the builder refuses any other
 * key (a misspelt `waitt` posted without waiting).
 */
const EXECUTE_WEBHOOK_OWN_KEYS = optionKeys(
  {
    wait: true,
    threadId: true,
    withComponents: true,
  } satisfies Record<
    Exclude<keyof ExecuteWebhookOptions | "wait", keyof UploadRouteOptions>,
    true
  >,
);

/**
 * Post a message through a webhook (`POST /webhooks/{webhookId}/{webhookToken}`).
 * With `wait: true` Discord answers with the message; without, it answers
 * 204 once the message is queued.
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param body The message.
 * @param options `wait`, thread, files, signal.
 * @returns The message when `wait` is true.
 */
export function executeWebhook(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  body: ExecuteWebhookBody,
  options: ExecuteWebhookOptions & { wait: true },
): Promise<Message>;
/**
 * Post a message through a webhook without waiting for it to be created.
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param body The message.
 * @param options Thread, files, signal.
 * @returns A promise that resolves once Discord queued it.
 */
export function executeWebhook(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  body: ExecuteWebhookBody,
  options?: ExecuteWebhookOptions & { wait?: false },
): Promise<void>;
export async function executeWebhook(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  body: ExecuteWebhookBody,
  options: ExecuteWebhookOptions & { wait?: boolean } = {},
): Promise<Message | void> {
  const path = `/webhooks/${snowflake("webhookId", webhookId)}/${
    segment("webhookToken", webhookToken, true)
  }`;
  // Checked before its own keys are read: a `null` is refused as no
  // options object, not with a failed property read.
  const request = uploadRouteOptions(
    options,
    { body: checkedMessage("execute webhook", body) },
    EXECUTE_WEBHOOK_OWN_KEYS,
  );
  request.query = {
    wait: options.wait ?? false,
    thread_id: options.threadId,
    with_components: options.withComponents,
  };
  const message = await rest.request<Message | undefined>(
    "POST",
    path,
    request,
  );
  if (options.wait) return message;
}

/**
 * Create a webhook in a channel (`POST /channels/{channelId}/webhooks`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body Name (1-80 characters, not "clyde") and avatar data URI.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createWebhook(
  rest: RestClient,
  channelId: Snowflake,
  body: { name: string; avatar?: string | null },
  options: AuditedRouteOptions = {},
): Promise<Webhook> {
  return await rest.request<Webhook>(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/webhooks`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * List a channel's webhooks (`GET /channels/{channelId}/webhooks`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getChannelWebhooks(
  rest: RestClient,
  channelId: Snowflake,
  options: RouteOptions = {},
): Promise<Webhook[]> {
  return await rest.request<Webhook[]>(
    "GET",
    `/channels/${snowflake("channelId", channelId)}/webhooks`,
    routeOptions(options),
  );
}

/**
 * List a guild's webhooks (`GET /guilds/{guildId}/webhooks`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildWebhooks(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Webhook[]> {
  return await rest.request<Webhook[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/webhooks`,
    routeOptions(options),
  );
}

/**
 * Get a webhook (`GET /webhooks/{webhookId}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getWebhook(
  rest: RestClient,
  webhookId: Snowflake,
  options: RouteOptions = {},
): Promise<Webhook> {
  return await rest.request<Webhook>(
    "GET",
    `/webhooks/${snowflake("webhookId", webhookId)}`,
    routeOptions(options),
  );
}

/**
 * Get a webhook by its token (no bot token needed) (`GET /webhooks/{webhookId}/{webhookToken}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getWebhookWithToken(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  options: RouteOptions = {},
): Promise<Webhook> {
  return await rest.request<Webhook>(
    "GET",
    `/webhooks/${snowflake("webhookId", webhookId)}/${
      segment("webhookToken", webhookToken, true)
    }`,
    routeOptions(options),
  );
}

/**
 * Change a webhook (`PATCH /webhooks/{webhookId}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyWebhook(
  rest: RestClient,
  webhookId: Snowflake,
  body: ModifyWebhookBody,
  options: AuditedRouteOptions = {},
): Promise<Webhook> {
  return await rest.request<Webhook>(
    "PATCH",
    `/webhooks/${snowflake("webhookId", webhookId)}`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Change a webhook by its token (not its channel) (`PATCH /webhooks/{webhookId}/{webhookToken}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param body The fields to send.
 * @param options Signal, audit-log reason (taken as by
 *   {@linkcode modifyWebhook}: Discord's docs say "same as above").
 * @returns Discord's answer.
 */
export async function modifyWebhookWithToken(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  body: { name?: string; avatar?: string | null },
  options: AuditedRouteOptions = {},
): Promise<Webhook> {
  return await rest.request<Webhook>(
    "PATCH",
    `/webhooks/${snowflake("webhookId", webhookId)}/${
      segment("webhookToken", webhookToken, true)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete a webhook (`DELETE /webhooks/{webhookId}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteWebhook(
  rest: RestClient,
  webhookId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/webhooks/${snowflake("webhookId", webhookId)}`,
    auditedRouteOptions(options),
  );
}

/**
 * Delete a webhook by its token (`DELETE /webhooks/{webhookId}/{webhookToken}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param options Signal, audit-log reason (taken as by
 *   {@linkcode deleteWebhook}: Discord's docs say "same as above").
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteWebhookWithToken(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/webhooks/${snowflake("webhookId", webhookId)}/${
      segment("webhookToken", webhookToken, true)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * Get a message the webhook sent (`GET /webhooks/{webhookId}/{webhookToken}/messages/{messageId}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param messageId The message.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getWebhookMessage(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  messageId: Snowflake,
  query: { thread_id?: Snowflake } = {},
  options: RouteOptions = {},
): Promise<Message> {
  return await rest.request<Message>(
    "GET",
    `/webhooks/${snowflake("webhookId", webhookId)}/${
      segment("webhookToken", webhookToken, true)
    }/messages/${snowflake("messageId", messageId)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Edit a message the webhook sent (files allowed) (`PATCH /webhooks/{webhookId}/{webhookToken}/messages/{messageId}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param messageId The message.
 * @param body The fields to send.
 * @param query Query parameters.
 * @param options Signal, files.
 * @returns Discord's answer.
 */
export async function editWebhookMessage(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  messageId: Snowflake,
  body: EditWebhookMessageBody,
  query: { thread_id?: Snowflake; with_components?: boolean } = {},
  options: UploadRouteOptions = {},
): Promise<Message> {
  return await rest.request<Message>(
    "PATCH",
    `/webhooks/${snowflake("webhookId", webhookId)}/${
      segment("webhookToken", webhookToken, true)
    }/messages/${snowflake("messageId", messageId)}`,
    uploadRouteOptions(options, {
      body: checkedMessage("edit webhook message", body),
      query: { ...query },
    }),
  );
}

/**
 * Delete a message the webhook sent (`DELETE /webhooks/{webhookId}/{webhookToken}/messages/{messageId}`).
 *
 * @param rest The REST client.
 * @param webhookId The webhook.
 * @param webhookToken The webhook token.
 * @param messageId The message.
 * @param query Query parameters.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteWebhookMessage(
  rest: RestClient,
  webhookId: Snowflake,
  webhookToken: string,
  messageId: Snowflake,
  query: { thread_id?: Snowflake } = {},
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/webhooks/${snowflake("webhookId", webhookId)}/${
      segment("webhookToken", webhookToken, true)
    }/messages/${snowflake("messageId", messageId)}`,
    routeOptions(options, { query: { ...query } }),
  );
}
