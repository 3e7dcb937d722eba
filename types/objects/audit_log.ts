/**
 * Audit-log entries.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { ApplicationCommand } from "./application_command.ts";
import type { AutoModerationRule } from "./auto_moderation.ts";
import type { Channel } from "./channel.ts";
import type { Integration } from "./integration.ts";
import type { GuildScheduledEvent } from "./scheduled_event.ts";
import type { User } from "./user.ts";
import type { Webhook } from "./webhook.ts";

/**
 * A value in an audit-log change: whatever type the changed field has on
 * its object (string, number, boolean, array, object, or null inside
 * those). For `$add` and `$remove` it is an array of
 * {@linkcode AuditLogChangeRole}.
 */
export type AuditLogChangeValue =
  | string
  | number
  | boolean
  | null
  | AuditLogChangeRole[]
  | AuditLogChangeValue[]
  | { [field: string]: AuditLogChangeValue };

/** A role added or removed (the value of a `$add` or `$remove` change). */
export interface AuditLogChangeRole {
  /** Role ID. */
  id: Snowflake;
  /** Role name. */
  name: string;
}

/**
 * A changed field in an audit-log entry. The value's type is the changed
 * field's type on its object (Discord documents it as "mixed"); a missing
 * `new_value` means the field was reset or set to null, a missing
 * `old_value` that it was null before.
 *
 * @example Read the roles added to a member
 * ```ts
 * import type { AuditLogChange, AuditLogChangeRole } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const change: AuditLogChange = {
 *   key: "$add",
 *   new_value: [{ id: "5", name: "Moderator" }],
 * };
 * const added = change.key === "$add"
 *   ? change.new_value as AuditLogChangeRole[]
 *   : [];
 * assert.deepEqual(added.map((role) => role.name), ["Moderator"]);
 * ```
 */
export interface AuditLogChange {
  /** New value of the field. */
  new_value?: AuditLogChangeValue;
  /** Old value of the field. */
  old_value?: AuditLogChangeValue;
  /**
   * Name of the changed field, with Discord's exceptions: `$add`/`$remove`
   * for member roles, `avatar_hash` for webhooks, `channel_id` for invites,
   * and a role, channel or user ID for command permissions.
   */
  key: string;
}

/** Extra information for some audit-log action types (all values are strings). */
export interface AuditLogEntryInfo {
  /** ID of the app whose permissions were changed. */
  application_id?: Snowflake;
  /** Name of the auto-moderation rule that was triggered. */
  auto_moderation_rule_name?: string;
  /** Trigger type of the auto-moderation rule, as a string. */
  auto_moderation_rule_trigger_type?: string;
  /** Channel in which the entities were targeted. */
  channel_id?: Snowflake;
  /** Number of entities targeted. */
  count?: string;
  /** Number of days after which inactive members were pruned. */
  delete_member_days?: string;
  /** ID of the overwritten entity. */
  id?: Snowflake;
  /** Number of members removed by the prune. */
  members_removed?: string;
  /** ID of the message that was targeted. */
  message_id?: Snowflake;
  /** Name of the role, for overwrites of type role. */
  role_name?: string;
  /** Type of overwritten entity: `"0"` role, `"1"` member. */
  type?: string;
  /** Type of integration that performed the action. */
  integration_type?: string;
  /** New voice channel status. */
  status?: string;
}

/** One action recorded in a guild's audit log. */
export interface AuditLogEntry {
  /** ID of the affected entity (webhook, user, role, ...). */
  target_id: string | null;
  /** Changes made to the target. */
  changes?: AuditLogChange[];
  /** User or app that made the change. */
  user_id: Snowflake | null;
  /** Entry ID. */
  id: Snowflake;
  /** Audit-log event type (e.g. 22 member ban add). */
  action_type: number;
  /** Extra information for some action types. */
  options?: AuditLogEntryInfo;
  /** Reason given for the change (1-512 characters). */
  reason?: string;
}

/**
 * A guild's audit log (GET /guilds/{guild.id}/audit-logs): the entries and
 * the objects they refer to.
 */
export interface AuditLog {
  /** Application commands referenced in the log. */
  application_commands: ApplicationCommand[];
  /** Entries, most recent first. */
  audit_log_entries: AuditLogEntry[];
  /** Auto-moderation rules referenced in the log. */
  auto_moderation_rules: AutoModerationRule[];
  /** Scheduled events referenced in the log. */
  guild_scheduled_events: GuildScheduledEvent[];
  /** Integrations (partial) referenced in the log. */
  integrations: Partial<Integration>[];
  /** Threads referenced in the log (archived ones included). */
  threads: Channel[];
  /** Users referenced in the log. */
  users: User[];
  /** Webhooks referenced in the log. */
  webhooks: Webhook[];
}
