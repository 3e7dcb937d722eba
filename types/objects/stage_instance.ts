/**
 * Stage instances.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/** Stage privacy level: 1 Public (deprecated), 2 Guild only. */
export type StagePrivacyLevel = 1 | 2;

/** A live stage in a stage channel. */
export interface StageInstance {
  /** Stage instance ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Stage channel ID. */
  channel_id: Snowflake;
  /** Topic (1-120 characters). */
  topic: string;
  /** Privacy level. */
  privacy_level: StagePrivacyLevel;
  /** Whether stage discovery is disabled (deprecated). */
  discoverable_disabled: boolean;
  /** ID of the scheduled event for this stage, or null. */
  guild_scheduled_event_id: Snowflake | null;
}
