/**
 * Invite routes by code.
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
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Invite } from "../../types/objects/invite.ts";

/**
 * Get an invite (`GET /invites/{code}`).
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getInvite(
  rest: RestClient,
  code: string,
  query: { with_counts?: boolean; guild_scheduled_event_id?: Snowflake } = {},
  options: RouteOptions = {},
): Promise<Invite> {
  return await rest.request<Invite>(
    "GET",
    `/invites/${segment("code", code)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Revoke an invite (`DELETE /invites/{code}`).
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function deleteInvite(
  rest: RestClient,
  code: string,
  options: AuditedRouteOptions = {},
): Promise<Invite> {
  return await rest.request<Invite>(
    "DELETE",
    `/invites/${segment("code", code)}`,
    auditedRouteOptions(options),
  );
}
