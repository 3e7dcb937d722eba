/**
 * Guild scheduled events.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { User } from "./user.ts";

/** Where the event happens: 1 stage instance, 2 voice, 3 external. */
export type ScheduledEventEntityType = 1 | 2 | 3;

/** Event status: 1 scheduled, 2 active, 3 completed, 4 canceled. */
export type ScheduledEventStatus = 1 | 2 | 3 | 4;

/** Extra data of an external event. */
export interface ScheduledEventEntityMetadata {
  /** Location of an external event (1-100 characters). */
  location?: string;
}

/** "The n-th weekday of the month" in a recurrence rule. */
export interface RecurrenceRuleNWeekday {
  /** Week of the month, 1-5. */
  n: 1 | 2 | 3 | 4 | 5;
  /** Day of the week, 0 Monday to 6 Sunday. */
  day: 0 | 1 | 2 | 3 | 4 | 5 | 6;
}

/** How a scheduled event repeats (a subset of iCalendar RRULE). */
export interface RecurrenceRule {
  /** Start of the recurrence interval. */
  start: string;
  /** End of the recurrence interval. */
  end: string | null;
  /** 0 yearly, 1 monthly, 2 weekly, 3 daily. */
  frequency: 0 | 1 | 2 | 3;
  /** Spacing between events, in units of `frequency`. */
  interval: number;
  /** Weekdays the event repeats on (0 Monday to 6 Sunday). */
  by_weekday: number[] | null;
  /** Specific weekdays of the month. */
  by_n_weekday: RecurrenceRuleNWeekday[] | null;
  /** Months the event repeats in (1-12). */
  by_month: number[] | null;
  /** Days of the month the event repeats on. */
  by_month_day: number[] | null;
  /** Days of the year the event repeats on. */
  by_year_day: number[] | null;
  /** Number of times the event can repeat. */
  count: number | null;
}

/** A scheduled event in a guild. */
export interface GuildScheduledEvent {
  /** Event ID. */
  id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Channel of a stage or voice event; null for external events. */
  channel_id: Snowflake | null;
  /** ID of the creator; null for events created before 2021-10-25. */
  creator_id?: Snowflake | null;
  /** Event name (1-100 characters). */
  name: string;
  /** Event description (1-1000 characters). */
  description?: string | null;
  /** When the event starts. */
  scheduled_start_time: string;
  /** When the event ends; required for external events. */
  scheduled_end_time: string | null;
  /** Privacy level; 2 (guild only) is the only one. */
  privacy_level: 2;
  /** Event status. */
  status: ScheduledEventStatus;
  /** Where the event happens. */
  entity_type: ScheduledEventEntityType;
  /** ID of the entity (stage instance) the event belongs to. */
  entity_id: Snowflake | null;
  /** Extra data for external events. */
  entity_metadata: ScheduledEventEntityMetadata | null;
  /** The user who created the event. */
  creator?: User;
  /** Number of users subscribed to the event. */
  user_count?: number;
  /** Cover image hash. */
  image?: string | null;
  /** How the event repeats. */
  recurrence_rule: RecurrenceRule | null;
}
