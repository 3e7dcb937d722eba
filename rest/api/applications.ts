/**
 * Application routes: the bot's application, its own emojis, and its
 * Activity's instances.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type RouteOptions,
  routeOptions,
  segment,
  snowflake,
} from "./_route.ts";
import { RestError } from "../errors.ts";
import { isRecord } from "../../base/is_record.ts";
import { isSnowflake } from "../../base/snowflake.ts";
import type { ActivityInstance } from "../../types/objects/activity_instance.ts";
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

/**
 * Get a running instance of the application's Activity
 * (`GET /applications/{applicationId}/activity-instances/{instanceId}`),
 * with the users connected to it: how an Activity's backend checks that a
 * client is in the instance it claims before letting it play. The
 * instance ID is the Embedded App SDK's `instanceId` (such as
 * `i-1276580072400224306-gc-912952092627435520-912954213460484116`), not a
 * snowflake.
 *
 * An instance that is not running (or never was) is Discord's 404 (a
 * {@linkcode DiscordApiError} of status 404, JSON code 0), as for any
 * route: catch it to refuse the session.
 *
 * The answer is checked, as a session check relies on it: a body that is
 * not an activity instance of the ID and application asked for, or whose
 * `users` are not user IDs, is a {@linkcode RestError}, never an instance
 * that lets a client in.
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param instanceId The instance ID.
 * @param options Signal.
 * @returns The instance.
 * @throws {TypeError} When `applicationId` is not a snowflake or
 *   `instanceId` not a non-empty string, before anything is sent.
 * @throws {DiscordApiError} From Discord: 404 for an instance not running.
 * @throws {RestError} When Discord's success answer is not the instance
 *   asked for.
 *
 * @example Check a client's session
 * ```ts
 * import {
 *   DiscordApiError,
 *   getApplicationActivityInstance,
 *   RestClient,
 * } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const app = "1215413995645968394";
 * const running = "i-1276580072400224306-gc-912952092627435520-912954213460484116";
 * const rest = new RestClient({
 *   token: "t",
 *   fetch: (input) => {
 *     const url = new URL(input instanceof Request ? input.url : input);
 *     if (!url.pathname.endsWith(`/activity-instances/${running}`)) {
 *       return Promise.resolve(
 *         Response.json({ message: "404: Not Found", code: 0 }, { status: 404 }),
 *       );
 *     }
 *     return Promise.resolve(Response.json({
 *       application_id: app,
 *       instance_id: running,
 *       launch_id: "1276580072400224306",
 *       location: {
 *         id: "gc-912952092627435520-912954213460484116",
 *         kind: "gc",
 *         channel_id: "912954213460484116",
 *         guild_id: "912952092627435520",
 *       },
 *       users: ["205519959982473217"],
 *     }));
 *   },
 * });
 *
 * async function inInstance(instanceId: string, userId: string): Promise<boolean> {
 *   try {
 *     const instance = await getApplicationActivityInstance(rest, app, instanceId);
 *     return instance.users.includes(userId);
 *   } catch (error) {
 *     if (error instanceof DiscordApiError && error.status === 404) return false;
 *     throw error;
 *   }
 * }
 * assert.equal(await inInstance(running, "205519959982473217"), true);
 * assert.equal(await inInstance(running, "205519959982473218"), false);
 * assert.equal(await inInstance("i-1-gc-2-3", "205519959982473217"), false);
 * ```
 */
export async function getApplicationActivityInstance(
  rest: RestClient,
  applicationId: Snowflake,
  instanceId: string,
  options: RouteOptions = {},
): Promise<ActivityInstance> {
  const path = `/applications/${
    snowflake("applicationId", applicationId)
  }/activity-instances/${segment("instanceId", instanceId)}`;
  const answer = await rest.request<unknown>(
    "GET",
    path,
    routeOptions(options),
  );
  const fault = activityInstanceFault(answer, applicationId, instanceId);
  if (fault !== undefined) {
    throw new RestError(
      `GET ${path} answered with no activity instance: ${fault}`,
      { method: "GET", path },
    );
  }
  return answer as ActivityInstance;
}

/**
 * What makes an answer no activity instance of the application and ID
 * asked for, or `undefined` when it is one.
 */
function activityInstanceFault(
  answer: unknown,
  applicationId: Snowflake,
  instanceId: string,
): string | undefined {
  if (answer === undefined) return "the body is empty";
  if (!isRecord(answer)) return "the body is not a JSON object";
  if (answer.instance_id !== instanceId) {
    return "its 'instance_id' is not the one asked for";
  }
  if (answer.application_id !== applicationId) {
    return "its 'application_id' is not the one asked for";
  }
  const users = answer.users;
  if (!Array.isArray(users) || !users.every(isSnowflake)) {
    return "its 'users' is not an array of user IDs";
  }
  const location = answer.location;
  if (
    !isRecord(location) || typeof location.id !== "string" ||
    typeof location.kind !== "string" || !isSnowflake(location.channel_id)
  ) {
    return "its 'location' is not an activity location";
  }
  return undefined;
}
