/**
 * Auto-moderation rules and actions.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/** What a rule checks: 1 keyword, 3 spam, 4 keyword preset, 5 mention spam, 6 member profile. */
export type AutoModerationTriggerType = 1 | 3 | 4 | 5 | 6;

/** When a rule runs: 1 a member sends or edits a message, 2 a member edits their profile. */
export type AutoModerationEventType = 1 | 2;

/** What an action does: 1 block message, 2 send alert, 3 timeout, 4 block member interaction. */
export type AutoModerationActionType = 1 | 2 | 3 | 4;

/** The trigger-specific settings of a rule. */
export interface AutoModerationTriggerMetadata {
  /** Substrings to match (keyword, member profile). */
  keyword_filter?: string[];
  /** Rust-flavoured regular expressions to match (keyword, member profile). */
  regex_patterns?: string[];
  /** Preset word lists: 1 profanity, 2 sexual content, 3 slurs. */
  presets?: (1 | 2 | 3)[];
  /** Substrings exempt from the rule. */
  allow_list?: string[];
  /** Maximum unique role and user mentions per message (mention spam). */
  mention_total_limit?: number;
  /** Whether mention raids are detected automatically (mention spam). */
  mention_raid_protection_enabled?: boolean;
}

/** The settings of an action. */
export interface AutoModerationActionMetadata {
  /** Channel alerts are sent to (send alert). */
  channel_id?: Snowflake;
  /** Timeout length in seconds, up to 2419200 (timeout). */
  duration_seconds?: number;
  /** Message shown to the member whose message was blocked (block message). */
  custom_message?: string | null;
}

/** An action taken when a rule triggers. */
export interface AutoModerationAction {
  /** Action type. */
  type: AutoModerationActionType;
  /** Settings; required by some action types. */
  metadata?: AutoModerationActionMetadata;
}

/** An auto-moderation rule. */
export interface AutoModerationRule {
  /** Rule ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Rule name. */
  name: string;
  /** ID of the user who created the rule. */
  creator_id: Snowflake;
  /** When the rule runs. */
  event_type: AutoModerationEventType;
  /** What the rule checks. */
  trigger_type: AutoModerationTriggerType;
  /** Trigger-specific settings. */
  trigger_metadata: AutoModerationTriggerMetadata;
  /** Actions taken when the rule triggers. */
  actions: AutoModerationAction[];
  /** Whether the rule is enabled. */
  enabled: boolean;
  /** Roles exempt from the rule (up to 20). */
  exempt_roles: Snowflake[];
  /** Channels exempt from the rule (up to 50). */
  exempt_channels: Snowflake[];
}
