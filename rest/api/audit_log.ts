/**
 * The audit log route.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import { checkNumbers } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { AuditLog } from "../../types/objects/audit_log.ts";
/** Query of {@linkcode getGuildAuditLog}. */
export interface GetGuildAuditLogQuery {
  /** Entries by this user. */
  user_id?: Snowflake;
  /** Entries of this action type. */
  action_type?: number;
  /** Entries before this ID. */
  before?: Snowflake;
  /** Entries after this ID. */
  after?: Snowflake;
  /** How many (1-100, default 50). */
  limit?: number;
}

/**
 * Read a guild's audit log (VIEW_AUDIT_LOG needed) (`GET /guilds/{guildId}/audit-logs`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `limit` is not a number, before anything is sent.
 * @throws {RangeError} When `limit` is not an integer from 1 to 100 (the docs'
 *   "Maximum number of entries (between 1-100) to return"), before anything is
 *   sent.
 */
export async function getGuildAuditLog(
  rest: RestClient,
  guildId: Snowflake,
  query: GetGuildAuditLogQuery = {},
  options: RouteOptions = {},
): Promise<AuditLog> {
  query = checkNumbers("get guild audit log", query, {
    limit: { min: 1, max: 100 },
  });
  return await rest.request<AuditLog>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/audit-logs`,
    routeOptions(options, { query: { ...query } }),
  );
}
