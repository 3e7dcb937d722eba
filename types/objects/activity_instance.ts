/**
 * Activity instances: a running session of an application's Activity, as
 * `GET /applications/{id}/activity-instances/{instance_id}` answers.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/** Where an activity instance runs: `gc` a guild channel, `pc` a private channel (a DM or group DM). */
export type ActivityLocationKind = "gc" | "pc";

/** The location an activity instance runs in (Discord's Activity Location object). */
export interface ActivityLocation {
  /** Unique identifier of the location, e.g. `gc-{guild id}-{channel id}`. */
  id: string;
  /** The kind of location. */
  kind: ActivityLocationKind;
  /** The channel. */
  channel_id: Snowflake;
  /** The guild (a guild channel's location). */
  guild_id?: Snowflake | null;
}

/** A running instance of an application's Activity (Discord's Activity Instance object). */
export interface ActivityInstance {
  /** The application. */
  application_id: Snowflake;
  /** The instance ID, e.g. `i-{launch id}-gc-{guild id}-{channel id}` (not a snowflake). */
  instance_id: string;
  /** Unique identifier of the launch. */
  launch_id: Snowflake;
  /** Where the instance runs. */
  location: ActivityLocation;
  /** IDs of the users connected to the instance. */
  users: Snowflake[];
}
