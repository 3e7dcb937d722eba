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
import { checkNumbers, plainCopy } from "./_numbers.ts";
import { isRecord } from "../../base/is_record.ts";
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
 * @throws {TypeError} When a list is not an array or a number not a number,
 *   before anything is sent.
 * @throws {RangeError} When `exempt_roles` holds more than 20 IDs,
 *   `exempt_channels` more than 50, `trigger_metadata`'s `keyword_filter` more
 *   than 1000 entries, `regex_patterns` more than 10, `allow_list` more than
 *   1000, its `mention_total_limit` is not an integer from 0 to 50, or an
 *   action's `metadata.duration_seconds` not one from 0 to 2419200, before
 *   anything is sent.
 */
export async function createAutoModerationRule(
  rest: RestClient,
  guildId: Snowflake,
  body: AutoModerationRuleBody,
  options: AuditedRouteOptions = {},
): Promise<AutoModerationRule> {
  body = checkRuleNumbers("create auto moderation rule", body);
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
 * @throws {TypeError} When a list is not an array or a number not a number,
 *   before anything is sent.
 * @throws {RangeError} When `exempt_roles` holds more than 20 IDs,
 *   `exempt_channels` more than 50, `trigger_metadata`'s `keyword_filter` more
 *   than 1000 entries, `regex_patterns` more than 10, `allow_list` more than
 *   1000, its `mention_total_limit` is not an integer from 0 to 50, or an
 *   action's `metadata.duration_seconds` not one from 0 to 2419200, before
 *   anything is sent.
 */
export async function modifyAutoModerationRule(
  rest: RestClient,
  guildId: Snowflake,
  ruleId: Snowflake,
  body: Partial<Omit<AutoModerationRuleBody, "trigger_type">>,
  options: AuditedRouteOptions = {},
): Promise<AutoModerationRule> {
  body = checkRuleNumbers("modify auto moderation rule", body);
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

/**
 * Check a rule's counts and numbers, as the docs' tables state them:
 * `exempt_roles` "(Maximum of 20)", `exempt_channels` "(Maximum of 50)";
 * the trigger metadata's `keyword_filter` "(Maximum of 1000)",
 * `regex_patterns` "(Maximum of 10)", `allow_list` "(Maximum of 100 or
 * 1000)" (100 for a keyword rule, 1000 for a preset one: the larger is
 * checked, as a modified rule's type is not in the body) and
 * `mention_total_limit` "(Maximum of 50)"; an action's
 * `duration_seconds`, "maximum of 2419200 seconds (4 weeks)".
 */
function checkRuleNumbers<T>(action: string, body: T): T {
  const copy: unknown = checkNumbers(action, body, {
    exempt_roles: { items: [0, 20], of: "role IDs" },
    exempt_channels: { items: [0, 50], of: "channel IDs" },
  });
  if (!isRecord(copy)) return body;
  // What is sent is what is checked: the nested objects are copied too
  // (when the body was), each field read once.
  const copied = copy !== body;
  const metadata = checkNumbers(action, copy.trigger_metadata, {
    keyword_filter: { items: [0, 1000], of: "keywords" },
    regex_patterns: { items: [0, 10], of: "patterns" },
    allow_list: { items: [0, 1000], of: "keywords" },
    mention_total_limit: { min: 0, max: 50 },
  }, "trigger_metadata.");
  if (copied && metadata !== undefined) copy.trigger_metadata = metadata;
  const actions = copy.actions;
  if (!Array.isArray(actions)) return copy as T;
  // map, as forEach did, skips a hole (sent as null) and allocates none.
  const checked = Array.prototype.map.call(
    actions,
    (given: unknown, i: number): unknown => {
      const entry = copied ? plainCopy(given) : given;
      if (!isRecord(entry)) return entry;
      const metadata = checkNumbers(action, entry.metadata, {
        duration_seconds: { min: 0, max: 2419200 },
      }, `actions[${i}].metadata.`);
      if (copied && metadata !== undefined) entry.metadata = metadata;
      return entry;
    },
  );
  if (copied) copy.actions = checked;
  return copy as T;
}
