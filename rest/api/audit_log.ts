/**
 * The audit log route.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { AuditLogEntry } from "../../types/objects/audit_log.ts";
import type { User } from "../../types/objects/user.ts";
import type { Channel } from "../../types/objects/channel.ts";
import type { GuildScheduledEvent } from "../../types/objects/scheduled_event.ts";
import type { AutoModerationRule } from "../../types/objects/auto_moderation.ts";
import type { ApplicationCommand } from "../../types/objects/application_command.ts";
import type { Integration } from "../../types/objects/integration.ts";
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

/** Answer of {@linkcode getGuildAuditLog}. */
export interface AuditLog {
  /** The entries. */
  audit_log_entries: AuditLogEntry[];
  /** Commands referenced. */
  application_commands: ApplicationCommand[];
  /** Auto moderation rules referenced. */
  auto_moderation_rules: AutoModerationRule[];
  /** Scheduled events referenced. */
  guild_scheduled_events: GuildScheduledEvent[];
  /** Integrations referenced (partial). */
  integrations: Partial<Integration>[];
  /** Threads referenced. */
  threads: Channel[];
  /** Users referenced. */
  users: User[];
  /** Webhooks referenced. */
  webhooks: unknown[];
}

/**
 * Read a guild's audit log (VIEW_AUDIT_LOG needed) (`GET /guilds/{guildId}/audit-logs`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export function getGuildAuditLog(
  rest: RestClient,
  guildId: Snowflake,
  query: GetGuildAuditLogQuery = {},
  options: RouteOptions = {},
): Promise<AuditLog> {
  return rest.request<AuditLog>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/audit-logs`,
    routeOptions(options, { query: { ...query } }),
  );
}
