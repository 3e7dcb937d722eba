/**
 * Application commands: the command objects, the bodies to create them, and
 * their per-guild permissions.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { ChannelType } from "./channel.ts";
import type {
  ApplicationIntegrationType,
  InteractionContextType,
} from "./interaction.ts";

/**
 * Application command types.
 *
 * @example Usage
 * ```ts
 * import { ApplicationCommandType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ApplicationCommandType.ChatInput, 1);
 * ```
 */
export const ApplicationCommandType = {
  /** A slash command. */
  ChatInput: 1,
  /** A user context-menu command. */
  User: 2,
  /** A message context-menu command. */
  Message: 3,
  /** The command that launches the app's activity. */
  PrimaryEntryPoint: 4,
} as const;

/** An application command type value. */
export type ApplicationCommandType =
  typeof ApplicationCommandType[keyof typeof ApplicationCommandType];

/**
 * Application command option types.
 *
 * @example Usage
 * ```ts
 * import { ApplicationCommandOptionType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ApplicationCommandOptionType.String, 3);
 * ```
 */
export const ApplicationCommandOptionType = {
  /** A subcommand. */
  Subcommand: 1,
  /** A group of subcommands. */
  SubcommandGroup: 2,
  /** A string. */
  String: 3,
  /** An integer between -2^53 and 2^53. */
  Integer: 4,
  /** A boolean. */
  Boolean: 5,
  /** A user. */
  User: 6,
  /** A channel (includes categories). */
  Channel: 7,
  /** A role. */
  Role: 8,
  /** A user or a role. */
  Mentionable: 9,
  /** A double between -2^53 and 2^53. */
  Number: 10,
  /** An attachment. */
  Attachment: 11,
} as const;

/** An application command option type value. */
export type ApplicationCommandOptionType = typeof ApplicationCommandOptionType[
  keyof typeof ApplicationCommandOptionType
];

/**
 * Targets of a command permission.
 *
 * @example Usage
 * ```ts
 * import { ApplicationCommandPermissionType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ApplicationCommandPermissionType.Channel, 3);
 * ```
 */
export const ApplicationCommandPermissionType = {
  /** A role (the guild ID means `@everyone`). */
  Role: 1,
  /** A user. */
  User: 2,
  /** A channel (guild ID minus 1 means all channels). */
  Channel: 3,
} as const;

/** An application command permission type value. */
export type ApplicationCommandPermissionType =
  typeof ApplicationCommandPermissionType[
    keyof typeof ApplicationCommandPermissionType
  ];

/** Translations keyed by locale (e.g. `"de"`, `"en-US"`). */
export type LocalizationMap = { [locale: string]: string | null | undefined };

/** A predefined choice of an option. */
export interface ApplicationCommandOptionChoice {
  /** Choice name (1-100 characters). */
  name: string;
  /** Translations of the name. */
  name_localizations?: LocalizationMap | null;
  /** Value: a string, an integer or a double, matching the option type. */
  value: string | number;
}

/**
 * A parameter of a command, or a subcommand/group.
 *
 * A type alias rather than an interface: it then has an implicit index
 * signature, so options built loosely (`Record<string, unknown>[]`, as the
 * command builders do) can be asserted to it, and an option passes where
 * any record is taken.
 */
export type ApplicationCommandOption = {
  /** Option type. */
  type: ApplicationCommandOptionType;
  /** Option name (1-32 characters). */
  name: string;
  /** Translations of the name. */
  name_localizations?: LocalizationMap | null;
  /** Description (1-100 characters). */
  description: string;
  /** Translations of the description. */
  description_localizations?: LocalizationMap | null;
  /**
   * Whether the option is required.
   *
   * @default {false}
   */
  required?: boolean;
  /** Up to 25 choices (string, integer and number options). */
  choices?: ApplicationCommandOptionChoice[];
  /** Nested options, for subcommands and groups. */
  options?: ApplicationCommandOption[];
  /** Channel types shown, for channel options. */
  channel_types?: ChannelType[];
  /**
   * File types the picker filters for, for attachment options: `image`,
   * `video`, `audio` or a dot-prefixed extension such as `.pdf`; at most 10.
   */
  file_types?: string[];
  /** Minimum value, for integer and number options. */
  min_value?: number;
  /** Maximum value, for integer and number options. */
  max_value?: number;
  /** Minimum length (0-6000), for string options. */
  min_length?: number;
  /** Maximum length (1-6000), for string options. */
  max_length?: number;
  /** Whether autocomplete is enabled (not with `choices`). */
  autocomplete?: boolean;
};

/** An application command as Discord returns it. */
export interface ApplicationCommand {
  /** Command ID. */
  id: Snowflake;
  /**
   * Command type.
   *
   * @default {1}
   */
  type?: ApplicationCommandType;
  /** ID of the parent application. */
  application_id: Snowflake;
  /** Guild ID, for guild commands. */
  guild_id?: Snowflake;
  /** Command name (1-32 characters). */
  name: string;
  /** Translations of the name. */
  name_localizations?: LocalizationMap | null;
  /** Description (1-100 characters; empty for context-menu commands). */
  description: string;
  /** Translations of the description. */
  description_localizations?: LocalizationMap | null;
  /** Parameters, for slash commands (up to 25). */
  options?: ApplicationCommandOption[];
  /** Permissions required by default, as a bitfield string. */
  default_member_permissions: string | null;
  /** Deprecated: whether the command is available in DMs (use `contexts`). */
  dm_permission?: boolean;
  /** Deprecated: whether the command is enabled by default. */
  default_permission?: boolean | null;
  /** Whether the command is age-restricted. */
  nsfw?: boolean;
  /** Installation contexts the command is available for. */
  integration_types?: ApplicationIntegrationType[];
  /** Interaction contexts the command can be used in. */
  contexts?: InteractionContextType[] | null;
  /** Version ID, updated on substantial changes. */
  version: Snowflake;
  /** For entry-point commands: 1 app handler, 2 Discord launches the activity. */
  handler?: 1 | 2;
}

/**
 * The body of `POST /applications/{id}/commands` (and the guild variant),
 * and one command of a bulk overwrite (`PUT`, `RestClient`'s
 * `bulkOverwriteGlobalApplicationCommands`): REST's
 * `ApplicationCommandBody` is this type. An {@linkcode ApplicationCommand}
 * as fetched is one too, so commands can be read and put back as they are.
 *
 * @example A slash command with one option
 * ```ts
 * import {
 *   type ApplicationCommandCreateBody,
 *   ApplicationCommandOptionType,
 * } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const body: ApplicationCommandCreateBody = {
 *   name: "echo",
 *   description: "Repeat a text",
 *   options: [{
 *     type: ApplicationCommandOptionType.String,
 *     name: "text",
 *     description: "What to repeat",
 *     required: true,
 *   }],
 * };
 * assert.equal(body.options?.[0]?.type, 3);
 * ```
 */
export interface ApplicationCommandCreateBody {
  /**
   * In a bulk overwrite: the command to keep (its id and permissions),
   * else one is matched by name or created.
   */
  id?: Snowflake;
  /** Command name (1-32 characters). */
  name: string;
  /** Translations of the name. */
  name_localizations?: LocalizationMap | null;
  /** Description (1-100 characters), for slash commands. */
  description?: string;
  /** Translations of the description. */
  description_localizations?: LocalizationMap | null;
  /** Parameters (up to 25). */
  options?: ApplicationCommandOption[];
  /** Permissions required by default, as a bitfield string. */
  default_member_permissions?: string | null;
  /** Deprecated: whether the command is available in DMs (use `contexts`). */
  dm_permission?: boolean | null;
  /** Deprecated: whether the command is enabled by default. */
  default_permission?: boolean | null;
  /** Installation contexts the command is available for. */
  integration_types?: ApplicationIntegrationType[];
  /** Interaction contexts the command can be used in (`null`: all). */
  contexts?: InteractionContextType[] | null;
  /**
   * Command type.
   *
   * @default {1}
   */
  type?: ApplicationCommandType;
  /** Whether the command is age-restricted. */
  nsfw?: boolean;
  /** For entry-point commands: 1 app handler, 2 Discord launches the activity. */
  handler?: 1 | 2;
}

/** One permission of a command in a guild. */
export interface ApplicationCommandPermission {
  /** Role, user or channel ID (or a constant for everyone/all channels). */
  id: Snowflake;
  /** What `id` refers to. */
  type: ApplicationCommandPermissionType;
  /** Whether the command is allowed (true) or denied (false). */
  permission: boolean;
}

/** The permissions of a command (or of the whole app) in a guild. */
export interface GuildApplicationCommandPermissions {
  /** Command ID, or the application ID for app-wide permissions. */
  id: Snowflake;
  /** Application ID. */
  application_id: Snowflake;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Up to 100 permissions. */
  permissions: ApplicationCommandPermission[];
}
