/**
 * Application command routes one by one (the bulk overwrites are on `RestClient`; `syncCommands` uses them), and command permissions.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import {
  type ApplicationCommand,
  type ApplicationCommandPermission,
  ApplicationCommandPermissionType,
  type GuildApplicationCommandPermissions,
} from "../../types/objects/application_command.ts";
import type { ApplicationCommandBody } from "../payloads.ts";
import { userTokenRouteOptions } from "./_user_token.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import { isRecord } from "../../base/is_record.ts";
import { assertBooleanOption, shownQuoted } from "../../base/option_checks.ts";

/**
 * List the global commands (`GET /applications/{applicationId}/commands`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGlobalApplicationCommands(
  rest: RestClient,
  applicationId: Snowflake,
  query: { with_localizations?: boolean } = {},
  options: RouteOptions = {},
): Promise<ApplicationCommand[]> {
  return await rest.request<ApplicationCommand[]>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/commands`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Create (or replace, by name) a global command (`POST /applications/{applicationId}/commands`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function createGlobalApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  body: ApplicationCommandBody,
  options: RouteOptions = {},
): Promise<ApplicationCommand> {
  return await rest.request<ApplicationCommand>(
    "POST",
    `/applications/${snowflake("applicationId", applicationId)}/commands`,
    routeOptions(options, { body }),
  );
}

/**
 * Get a global command (`GET /applications/{applicationId}/commands/{commandId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param commandId The command.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGlobalApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  commandId: Snowflake,
  options: RouteOptions = {},
): Promise<ApplicationCommand> {
  return await rest.request<ApplicationCommand>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/commands/${
      snowflake("commandId", commandId)
    }`,
    routeOptions(options),
  );
}

/**
 * Change a global command (`PATCH /applications/{applicationId}/commands/{commandId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param commandId The command.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function editGlobalApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  commandId: Snowflake,
  body: Partial<ApplicationCommandBody>,
  options: RouteOptions = {},
): Promise<ApplicationCommand> {
  return await rest.request<ApplicationCommand>(
    "PATCH",
    `/applications/${snowflake("applicationId", applicationId)}/commands/${
      snowflake("commandId", commandId)
    }`,
    routeOptions(options, { body }),
  );
}

/**
 * Delete a global command (`DELETE /applications/{applicationId}/commands/{commandId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param commandId The command.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGlobalApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  commandId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/applications/${snowflake("applicationId", applicationId)}/commands/${
      snowflake("commandId", commandId)
    }`,
    routeOptions(options),
  );
}

/**
 * List a guild's commands (`GET /applications/{applicationId}/guilds/{guildId}/commands`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildApplicationCommands(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  query: { with_localizations?: boolean } = {},
  options: RouteOptions = {},
): Promise<ApplicationCommand[]> {
  return await rest.request<ApplicationCommand[]>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Create (or replace, by name) a guild command (`POST /applications/{applicationId}/guilds/{guildId}/commands`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function createGuildApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  body: ApplicationCommandBody,
  options: RouteOptions = {},
): Promise<ApplicationCommand> {
  return await rest.request<ApplicationCommand>(
    "POST",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands`,
    routeOptions(options, { body }),
  );
}

/**
 * Get a guild command (`GET /applications/{applicationId}/guilds/{guildId}/commands/{commandId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param commandId The command.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  commandId: Snowflake,
  options: RouteOptions = {},
): Promise<ApplicationCommand> {
  return await rest.request<ApplicationCommand>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands/${snowflake("commandId", commandId)}`,
    routeOptions(options),
  );
}

/**
 * Change a guild command (`PATCH /applications/{applicationId}/guilds/{guildId}/commands/{commandId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param commandId The command.
 * @param body The fields to send.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function editGuildApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  commandId: Snowflake,
  body: Partial<ApplicationCommandBody>,
  options: RouteOptions = {},
): Promise<ApplicationCommand> {
  return await rest.request<ApplicationCommand>(
    "PATCH",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands/${snowflake("commandId", commandId)}`,
    routeOptions(options, { body }),
  );
}

/**
 * Delete a guild command (`DELETE /applications/{applicationId}/guilds/{guildId}/commands/{commandId}`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param commandId The command.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGuildApplicationCommand(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  commandId: Snowflake,
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands/${snowflake("commandId", commandId)}`,
    routeOptions(options),
  );
}

/**
 * List the permission overrides of every command in a guild (`GET /applications/{applicationId}/guilds/{guildId}/commands/permissions`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildApplicationCommandPermissions(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildApplicationCommandPermissions[]> {
  return await rest.request<GuildApplicationCommandPermissions[]>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands/permissions`,
    routeOptions(options),
  );
}

/**
 * Get one command's permission overrides in a guild (`GET /applications/{applicationId}/guilds/{guildId}/commands/{commandId}/permissions`).
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param commandId The command.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getApplicationCommandPermissions(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  commandId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildApplicationCommandPermissions> {
  return await rest.request<GuildApplicationCommandPermissions>(
    "GET",
    `/applications/${snowflake("applicationId", applicationId)}/guilds/${
      snowflake("guildId", guildId)
    }/commands/${snowflake("commandId", commandId)}/permissions`,
    routeOptions(options),
  );
}

/** Body of {@linkcode editApplicationCommandPermissions}. */
export interface EditApplicationCommandPermissionsBody {
  /**
   * Every overwrite the command keeps in the guild, at most 100: they
   * replace the command's current ones (an empty list clears them).
   */
  permissions: ApplicationCommandPermission[];
}

/** The most permission overwrites of a command in a guild (Discord's limit). */
export const MAX_APPLICATION_COMMAND_PERMISSIONS = 100;

const EDIT_PERMISSIONS = "edit application command permissions";
const PERMISSIONS_SCOPE = "applications.commands.permissions.update";
const PERMISSION_TYPES: ReadonlySet<unknown> = new Set(
  Object.values(ApplicationCommandPermissionType),
);

/**
 * Replace a command's permission overwrites in a guild (`PUT
 * /applications/{applicationId}/guilds/{guildId}/commands/{commandId}/permissions`):
 * which roles, users and channels may use it. Sent with a user's OAuth2
 * access token (`Authorization: Bearer`, the `applications.commands.permissions.update`
 * scope), never the bot token: Discord refuses a bot token here. The user
 * (not the bot) must have Manage Guild and Manage Roles in the guild, be
 * able to run the command, and be able to manage the roles, users and
 * channels the overwrites name.
 *
 * The overwrites replace the command's current ones. Give the
 * application's ID as `commandId` for the overwrites of every command
 * without its own. The batch edit (`PUT .../commands/permissions`) is not
 * offered: Discord disabled it with Permissions v2; edit each command in
 * turn.
 *
 * @param rest The REST client.
 * @param applicationId The application.
 * @param guildId The guild.
 * @param commandId The command (or the application, for all commands).
 * @param accessToken The user's OAuth2 access token (a leading `Bearer `
 *   is dropped), with the `applications.commands.permissions.update`
 *   scope. It is never shown in an error or a log.
 * @param body The overwrites: each `{ id, type, permission }`, `type` an
 *   {@linkcode ApplicationCommandPermissionType} (1 role, 2 user, 3
 *   channel). The guild's ID as a role means @everyone; all channels is
 *   `allChannelsPermissionId(guildId)`.
 * @param options Signal.
 * @returns The command's permissions in the guild, as Discord kept them.
 * @throws {TypeError} When an ID is not a snowflake, `accessToken` is not
 *   a token (never shown), `body` is not an object, `permissions` not an
 *   array, or an overwrite (a hole included) not an object with a
 *   snowflake `id`, a `type` of 1, 2 or 3 and a boolean `permission`:
 *   nothing is sent.
 * @throws {RangeError} When there are more than 100 overwrites.
 *
 * @example Keep a command out of one channel
 * ```ts
 * import {
 *   editApplicationCommandPermissions,
 *   RestClient,
 * } from "@disruption/disruption/rest";
 * import { ApplicationCommandPermissionType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const rest = new RestClient({
 *   token: "bot-token",
 *   fetch: async (_input, init) => {
 *     // The user's token, not the bot's.
 *     assert.equal(new Headers(init?.headers).get("authorization"), "Bearer user-token");
 *     const { permissions } = JSON.parse(String(init?.body));
 *     return Response.json({ id: "3", application_id: "1", guild_id: "2", permissions });
 *   },
 * });
 * const kept = await editApplicationCommandPermissions(rest, "1", "2", "3", "user-token", {
 *   permissions: [
 *     { id: "4", type: ApplicationCommandPermissionType.Channel, permission: false },
 *   ],
 * });
 * assert.equal(kept.permissions.length, 1);
 * ```
 */
export async function editApplicationCommandPermissions(
  rest: RestClient,
  applicationId: Snowflake,
  guildId: Snowflake,
  commandId: Snowflake,
  accessToken: string,
  body: EditApplicationCommandPermissionsBody,
  options: RouteOptions = {},
): Promise<GuildApplicationCommandPermissions> {
  const path = `/applications/${
    snowflake("applicationId", applicationId)
  }/guilds/${snowflake("guildId", guildId)}/commands/${
    snowflake("commandId", commandId)
  }/permissions`;
  // The token first: given in the body's place (the two swapped from
  // JavaScript), the body's check would describe it.
  const sendAs = userTokenRouteOptions(options, accessToken, PERMISSIONS_SCOPE);
  return await rest.request<GuildApplicationCommandPermissions>(
    "PUT",
    path,
    { ...sendAs, body: { permissions: permissionOverwrites(body) } },
  );
}

/**
 * The overwrites of a body, each checked and copied (read once): what is
 * checked is what is sent.
 */
function permissionOverwrites(body: unknown): ApplicationCommandPermission[] {
  if (!isRecord(body) || Array.isArray(body)) {
    throw new TypeError(
      `Cannot ${EDIT_PERMISSIONS} as 'body' must be an object with 'permissions': current type '${
        body === null ? "null" : Array.isArray(body) ? "array" : typeof body
      }'`,
    );
  }
  const list: unknown = body.permissions;
  if (!Array.isArray(list)) {
    throw new TypeError(
      `Cannot ${EDIT_PERMISSIONS} as 'permissions' must be an array of overwrites ({ id, type, permission }): current value 'permissions=${
        shownQuoted(list)
      }'`,
    );
  }
  const length = list.length;
  if (length > MAX_APPLICATION_COMMAND_PERMISSIONS) {
    throw new RangeError(
      `Cannot ${EDIT_PERMISSIONS} as 'permissions' must have at most ${MAX_APPLICATION_COMMAND_PERMISSIONS} overwrites (Discord's limit for a command in a guild): current length '${length}'`,
    );
  }
  // Indices, not map: a hole was skipped, and sent as null.
  return Array.from({ length }, (_, i): ApplicationCommandPermission => {
    const at = `permissions[${i}]`;
    const item: unknown = list[i];
    if (!isRecord(item) || Array.isArray(item)) {
      throw new TypeError(
        `Cannot ${EDIT_PERMISSIONS} as '${at}' must be an object ({ id, type, permission }): current value '${at}=${
          shownQuoted(item)
        }'`,
      );
    }
    const { id, type, permission } = item;
    checkSnowflake(EDIT_PERMISSIONS, `${at}.id`, id);
    if (!PERMISSION_TYPES.has(type)) {
      throw new TypeError(
        `Cannot ${EDIT_PERMISSIONS} as '${at}.type' must be an ApplicationCommandPermissionType (1 role, 2 user, 3 channel): current value '${at}.type=${
          shownQuoted(type)
        }'`,
      );
    }
    // Given and a boolean: Discord's table has no default, and a missing
    // one could read as neither allow nor deny.
    if (permission === undefined) {
      throw new TypeError(
        `Cannot ${EDIT_PERMISSIONS} as '${at}.permission' must be a boolean (true allows, false denies): current value '${at}.permission=undefined'`,
      );
    }
    assertBooleanOption(EDIT_PERMISSIONS, `${at}.permission`, permission);
    return {
      id: id as Snowflake,
      type: type as ApplicationCommandPermissionType,
      permission: permission as boolean,
    };
  });
}
