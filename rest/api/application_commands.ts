/**
 * Application command routes one by one (the bulk overwrites are on `RestClient`; `syncCommands` uses them), and command permissions.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type {
  ApplicationCommand,
  GuildApplicationCommandPermissions,
} from "../../types/objects/application_command.ts";
import type { ApplicationCommandBody } from "../payloads.ts";

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
