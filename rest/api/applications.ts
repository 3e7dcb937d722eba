/**
 * Application routes: the bot's application and its own emojis.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type {
  Application,
  ApplicationIntegrationTypesConfig,
} from "../../types/objects/application.ts";
import type { Emoji } from "../../types/objects/emoji.ts";
/** Body of {@linkcode editCurrentApplication} (every field optional). */
export interface EditCurrentApplicationBody {
  /** Default custom authorization URL. */
  custom_install_url?: string;
  /** Description. */
  description?: string;
  /** Role connection verification URL. */
  role_connections_verification_url?: string;
  /** Install parameters. */
  install_params?: { scopes: string[]; permissions: string };
  /**
   * Default scopes and permissions for each supported installation
   * context, keyed by integration type ("0" guild, "1" user install).
   */
  integration_types_config?: ApplicationIntegrationTypesConfig;
  /** Public flags that may be changed. */
  flags?: number;
  /** Icon as a data URI. */
  icon?: string | null;
  /** Cover image as a data URI. */
  cover_image?: string | null;
  /** Interactions endpoint URL. */
  interactions_endpoint_url?: string;
  /** Tags (5 at most). */
  tags?: string[];
  /** Event webhooks URL. */
  event_webhooks_url?: string;
  /** Event webhooks status: 1 disabled, 2 enabled. */
  event_webhooks_status?: 1 | 2;
  /** Event webhook types. */
  event_webhooks_types?: string[];
}

/**
 * Get the bot's application (`GET /applications/@me`).
 *
 * @param rest The REST client.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getCurrentApplication(
  rest: RestClient,
  options: RouteOptions = {},
): Promise<Application> {
  return await rest.request<Application>(
    "GET",
    `/applications/@me`,
    routeOptions(options),
  );
}

/**
 * Change the bot's application (`PATCH /applications/@me`).
 *
 * @param rest The REST client.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function editCurrentApplication(
  rest: RestClient,
  body: EditCurrentApplicationBody,
  options: RouteOptions = {},
): Promise<Application> {
  return await rest.request<Application>(
    "PATCH",
    `/applications/@me`,
    routeOptions(options, { body }),
  );
}

/**
 * List the application's emojis (`GET /applications/{applicationId}/emojis`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listApplicationEmojis(
  rest: RestClient,
  applicationId: Snowflake,
  options: RouteOptions = {},
): Promise<{ items: Emoji[] }> {
  return await rest.request<{ items: Emoji[] }>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/emojis`,
    routeOptions(options),
  );
}

/**
 * Get one application emoji (`GET /applications/{applicationId}/emojis/{emojiId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param emojiId The emoji.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getApplicationEmoji(
  rest: RestClient,
  applicationId: Snowflake,
  emojiId: Snowflake,
  options: RouteOptions = {},
): Promise<Emoji> {
  return await rest.request<Emoji>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/emojis/${
      snowflake("emojiId", emojiId)
    }`,
    routeOptions(options),
  );
}

/**
 * Create an application emoji from a data URI image (`POST /applications/{applicationId}/emojis`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function createApplicationEmoji(
  rest: RestClient,
  applicationId: Snowflake,
  body: { name: string; image: string },
  options: RouteOptions = {},
): Promise<Emoji> {
  return await rest.request<Emoji>(
    "POST",
    `/applications/${snowflake("applicationId", applicationId)}/emojis`,
    routeOptions(options, { body }),
  );
}

/**
 * Rename an application emoji (`PATCH /applications/{applicationId}/emojis/{emojiId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param emojiId The emoji.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function modifyApplicationEmoji(
  rest: RestClient,
  applicationId: Snowflake,
  emojiId: Snowflake,
  body: { name: string },
  options: RouteOptions = {},
): Promise<Emoji> {
  return await rest.request<Emoji>(
    "PATCH",
    `/applications/${snowflake("applicationId", applicationId)}/emojis/${
      snowflake("emojiId", emojiId)
    }`,
    routeOptions(options, { body }),
  );
}

/**
 * Delete an application emoji (`DELETE /applications/{applicationId}/emojis/{emojiId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param emojiId The emoji.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteApplicationEmoji(
  rest: RestClient,
  applicationId: Snowflake,
  emojiId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/applications/${snowflake("applicationId", applicationId)}/emojis/${
      snowflake("emojiId", emojiId)
    }`,
    routeOptions(options),
  );
}
