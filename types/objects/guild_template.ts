/**
 * Guild templates: a code that, used in Discord's client, creates a guild
 * from a snapshot of an existing one.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Channel, Overwrite } from "./channel.ts";
import type { Guild } from "./guild.ts";
import type { Role } from "./role.ts";
import type { User } from "./user.ts";

/**
 * A role of a template's guild snapshot. Its `id` is a placeholder integer
 * (`0` the `@everyone` role), not a snowflake; Discord's example gives
 * `permissions` as an integer too, where a guild's role has a decimal
 * string. The other fields are a role's, each present or not.
 */
export interface TemplateRole
  extends Partial<Omit<Role, "id" | "permissions">> {
  /** Placeholder ID, unique within the snapshot. */
  id: number;
  /** Permission bitfield (an integer in Discord's example). */
  permissions?: number | string;
}

/**
 * A permission overwrite of a template channel: `id` is the placeholder
 * integer of one of the snapshot's roles.
 */
export interface TemplateOverwrite
  extends Partial<Omit<Overwrite, "id" | "allow" | "deny">> {
  /** The placeholder ID of a snapshot role. */
  id: number | Snowflake;
  /** Allowed permission bitfield. */
  allow?: number | string;
  /** Denied permission bitfield. */
  deny?: number | string;
}

/**
 * A channel of a template's guild snapshot. Its `id` and `parent_id` are
 * placeholder integers, not snowflakes; the other fields are a channel's,
 * each present or not.
 */
export interface TemplateChannel extends
  Partial<
    Omit<Channel, "id" | "parent_id" | "permission_overwrites">
  > {
  /** Placeholder ID, unique within the snapshot. */
  id: number;
  /** Placeholder ID of the parent category, `null` for none. */
  parent_id?: number | null;
  /** Permission overwrites, by snapshot role. */
  permission_overwrites?: TemplateOverwrite[];
}

/**
 * The guild snapshot a template holds: a partial guild, without its ID,
 * whose roles and channels (and the AFK and system channels naming them)
 * carry placeholder integers instead of snowflakes.
 */
export interface TemplateGuild extends
  Partial<
    Omit<
      Guild,
      "id" | "roles" | "afk_channel_id" | "system_channel_id"
    >
  > {
  /** The snapshot's roles. */
  roles?: TemplateRole[];
  /** The snapshot's channels. */
  channels?: TemplateChannel[];
  /** Placeholder ID of the AFK channel. */
  afk_channel_id?: number | null;
  /** Placeholder ID of the system messages channel. */
  system_channel_id?: number | null;
  /** Icon hash. */
  icon_hash?: string | null;
}

/** A guild template (Discord's guild template object). */
export interface GuildTemplate {
  /** The template code (its unique ID). */
  code: string;
  /** Template name. */
  name: string;
  /** Template description. */
  description: string | null;
  /** How many times the template has been used. */
  usage_count: number;
  /** ID of the user who created the template. */
  creator_id: Snowflake;
  /** The user who created the template. */
  creator: User;
  /** When the template was created (ISO 8601). */
  created_at: string;
  /** When the template was last synced to its guild (ISO 8601). */
  updated_at: string;
  /** ID of the guild the template is based on. */
  source_guild_id: Snowflake;
  /** The guild snapshot the template holds. */
  serialized_source_guild: TemplateGuild;
  /** Whether the template has unsynced changes. */
  is_dirty: boolean | null;
}
