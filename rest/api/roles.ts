/**
 * Role routes: list, get, create, positions, modify, delete.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type RouteOptions,
  routeOptions,
  snowflake,
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Role, RoleColors } from "../../types/objects/role.ts";
/** Body of {@linkcode createGuildRole} and {@linkcode modifyGuildRole}. */
export interface RoleBody {
  /** Name. */
  name?: string | null;
  /** Permission bits, as a string. */
  permissions?: string | null;
  /** Colour as an RGB integer (deprecated: `colors`). */
  color?: number | null;
  /** Colours: a primary one, and a secondary and tertiary for a gradient. */
  colors?: RoleColors | null;
  /** Shown separately in the member list. */
  hoist?: boolean | null;
  /** Icon as a data URI (boosted guilds). */
  icon?: string | null;
  /** Unicode emoji as the icon. */
  unicode_emoji?: string | null;
  /** Anyone may mention it. */
  mentionable?: boolean | null;
}

/**
 * List a guild's roles (`GET /guilds/{guildId}/roles`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildRoles(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Role[]> {
  return await rest.request<Role[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/roles`,
    routeOptions(options),
  );
}

/**
 * Get one role (`GET /guilds/{guildId}/roles/{roleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param roleId The role.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildRole(
  rest: RestClient,
  guildId: Snowflake,
  roleId: Snowflake,
  options: RouteOptions = {},
): Promise<Role> {
  return await rest.request<Role>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/roles/${
      snowflake("roleId", roleId)
    }`,
    routeOptions(options),
  );
}

/**
 * Create a role (`POST /guilds/{guildId}/roles`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createGuildRole(
  rest: RestClient,
  guildId: Snowflake,
  body: RoleBody = {},
  options: AuditedRouteOptions = {},
): Promise<Role> {
  return await rest.request<Role>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/roles`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Move roles (`PATCH /guilds/{guildId}/roles`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The roles and their new positions.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildRolePositions(
  rest: RestClient,
  guildId: Snowflake,
  body: { id: Snowflake; position?: number | null }[],
  options: AuditedRouteOptions = {},
): Promise<Role[]> {
  return await rest.request<Role[]>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/roles`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Change a role (`PATCH /guilds/{guildId}/roles/{roleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param roleId The role.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildRole(
  rest: RestClient,
  guildId: Snowflake,
  roleId: Snowflake,
  body: RoleBody,
  options: AuditedRouteOptions = {},
): Promise<Role> {
  return await rest.request<Role>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/roles/${
      snowflake("roleId", roleId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Count the members of each role (`GET /guilds/{guildId}/roles/member-counts`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildRoleMemberCounts(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Record<Snowflake, number>> {
  return await rest.request<Record<Snowflake, number>>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/roles/member-counts`,
    routeOptions(options),
  );
}

/**
 * Delete a role (`DELETE /guilds/{guildId}/roles/{roleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param roleId The role.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGuildRole(
  rest: RestClient,
  guildId: Snowflake,
  roleId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/roles/${
      snowflake("roleId", roleId)
    }`,
    auditedRouteOptions(options),
  );
}
