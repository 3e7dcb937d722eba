/**
 * Audit-log entries.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/**
 * A changed field in an audit-log entry. Values are typed loosely: their type
 * depends on `key` (and a missing value means the field was unset).
 */
export interface AuditLogChange {
  /** New value of the field. */
  new_value?: unknown;
  /** Old value of the field. */
  old_value?: unknown;
  /** Name of the changed field, or `$add`/`$remove` for role changes. */
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
