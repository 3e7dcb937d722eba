/**
 * Auto moderation rule routes.
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
import type {
  AutoModerationAction,
  AutoModerationRule,
  AutoModerationTriggerMetadata,
} from "../../types/objects/auto_moderation.ts";
/** Body of {@linkcode createAutoModerationRule}. */
export interface AutoModerationRuleBody {
  /** Name. */
  name: string;
  /** 1 message send, 2 member update. */
  event_type: 1 | 2;
  /** 1 keyword, 3 spam, 4 keyword preset, 5 mention spam, 6 member profile. */
  trigger_type: 1 | 3 | 4 | 5 | 6;
  /** Trigger settings. */
  trigger_metadata?: AutoModerationTriggerMetadata;
  /** What happens. */
  actions: AutoModerationAction[];
  /** Enabled (default false). */
  enabled?: boolean;
  /** Roles not affected (20 at most). */
  exempt_roles?: Snowflake[];
  /** Channels not affected (50 at most). */
  exempt_channels?: Snowflake[];
}

/**
 * List a guild's auto moderation rules (`GET /guilds/{guildId}/auto-moderation/rules`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listAutoModerationRules(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<AutoModerationRule[]> {
  return await rest.request<AutoModerationRule[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/auto-moderation/rules`,
    routeOptions(options),
  );
}

/**
 * Get one rule (`GET /guilds/{guildId}/auto-moderation/rules/{ruleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param ruleId The auto moderation rule.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getAutoModerationRule(
  rest: RestClient,
  guildId: Snowflake,
  ruleId: Snowflake,
  options: RouteOptions = {},
): Promise<AutoModerationRule> {
  return await rest.request<AutoModerationRule>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/auto-moderation/rules/${
      snowflake("ruleId", ruleId)
    }`,
    routeOptions(options),
  );
}

/**
 * Create a rule (`POST /guilds/{guildId}/auto-moderation/rules`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createAutoModerationRule(
  rest: RestClient,
  guildId: Snowflake,
  body: AutoModerationRuleBody,
  options: AuditedRouteOptions = {},
): Promise<AutoModerationRule> {
  return await rest.request<AutoModerationRule>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/auto-moderation/rules`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Change a rule (`PATCH /guilds/{guildId}/auto-moderation/rules/{ruleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param ruleId The auto moderation rule.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyAutoModerationRule(
  rest: RestClient,
  guildId: Snowflake,
  ruleId: Snowflake,
  body: Partial<Omit<AutoModerationRuleBody, "trigger_type">>,
  options: AuditedRouteOptions = {},
): Promise<AutoModerationRule> {
  return await rest.request<AutoModerationRule>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/auto-moderation/rules/${
      snowflake("ruleId", ruleId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete a rule (`DELETE /guilds/{guildId}/auto-moderation/rules/{ruleId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param ruleId The auto moderation rule.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteAutoModerationRule(
  rest: RestClient,
  guildId: Snowflake,
  ruleId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/auto-moderation/rules/${
      snowflake("ruleId", ruleId)
    }`,
    auditedRouteOptions(options),
  );
}
