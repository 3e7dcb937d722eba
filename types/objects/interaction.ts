/**
 * Interactions (slash commands, context menus, components, modals,
 * autocomplete) and the bodies used to respond to them.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type {
  ApplicationCommandOptionChoice,
  ApplicationCommandOptionType,
  ApplicationCommandType,
} from "./application_command.ts";
import type { Channel, ChannelType, ThreadMetadata } from "./channel.ts";
import type { MessageComponent, ModalComponent } from "./component.ts";
import type { Entitlement } from "./entitlement.ts";
import type { GuildMember } from "./member.ts";
import type {
  AllowedMentions,
  Attachment,
  Component,
  Embed,
  Message,
} from "./message.ts";
import type { PollCreateRequest } from "./poll.ts";
import type { Role } from "./role.ts";
import type { User } from "./user.ts";

/**
 * Interaction types.
 *
 * @example Usage
 * ```ts
 * import { InteractionType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(InteractionType.ApplicationCommand, 2);
 * ```
 */
export const InteractionType = {
  /** A ping (HTTP interactions only). */
  Ping: 1,
  /** A slash or context-menu command. */
  ApplicationCommand: 2,
  /** A button or select menu was used. */
  MessageComponent: 3,
  /** An autocomplete request for a command option. */
  ApplicationCommandAutocomplete: 4,
  /** A modal was submitted. */
  ModalSubmit: 5,
} as const;

/** An interaction type value. */
export type InteractionType =
  typeof InteractionType[keyof typeof InteractionType];

/**
 * Interaction callback (response) types.
 *
 * @example Usage
 * ```ts
 * import { InteractionCallbackType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(InteractionCallbackType.ChannelMessageWithSource, 4);
 * ```
 */
export const InteractionCallbackType = {
  /** ACK a ping. */
  Pong: 1,
  /** Respond with a message. */
  ChannelMessageWithSource: 4,
  /** ACK now, edit a response in later; the user sees a loading state. */
  DeferredChannelMessageWithSource: 5,
  /** For components: ACK now, edit the original message later. */
  DeferredUpdateMessage: 6,
  /** For components: edit the message the component is on. */
  UpdateMessage: 7,
  /** Respond to an autocomplete request with choices. */
  ApplicationCommandAutocompleteResult: 8,
  /** Respond with a popup modal. */
  Modal: 9,
  /** Deprecated: ask the user to upgrade (use a premium button instead). */
  PremiumRequired: 10,
  /** Launch the app's activity (apps with activities only). */
  LaunchActivity: 12,
} as const;

/** An interaction callback type value. */
export type InteractionCallbackType =
  typeof InteractionCallbackType[keyof typeof InteractionCallbackType];

/** Where an interaction can be used: 0 guild, 1 bot DM, 2 private channel. */
export type InteractionContextType = 0 | 1 | 2;

/** How an app is installed: 0 guild install, 1 user install. */
export type ApplicationIntegrationType = 0 | 1;

/**
 * IDs of the installations that authorized the interaction: key `"0"` holds
 * the guild ID (or `"0"` in a bot DM), key `"1"` the installing user's ID.
 */
export interface AuthorizingIntegrationOwners {
  /** Guild installation owner (guild ID). */
  "0"?: Snowflake;
  /** User installation owner (user ID). */
  "1"?: Snowflake;
}

/** A member as resolved in interaction data: no `user`, `deaf` or `mute`. */
export interface ResolvedMember
  extends Omit<GuildMember, "user" | "deaf" | "mute" | "permissions"> {
  /** Total permissions of the member in the channel. */
  permissions: string;
}

/**
 * A channel as resolved in interaction data: Discord's partial channel,
 * whose fields are those its docs list (Resolved Data Structure).
 */
export interface ResolvedChannel {
  /** Channel ID. */
  id: Snowflake;
  /** Channel name. */
  name: string | null;
  /** Channel type. */
  type: ChannelType;
  /** Permissions of the invoking user in the channel. */
  permissions: string;
  /**
   * Permissions of the application's bot in the channel; only when the
   * bot user is in the guild.
   */
  app_permissions?: string;
  /** Thread-specific fields, for threads. */
  thread_metadata?: ThreadMetadata;
  /** Parent channel (the category, or a thread's channel). */
  parent_id?: Snowflake | null;
  /** Guild ID. */
  guild_id?: Snowflake;
  /** Channel flags. */
  flags?: number;
  /** Sorting position. */
  position?: number;
  /** Channel topic. */
  topic?: string | null;
  /** Whether the channel is age-restricted. */
  nsfw?: boolean;
  /** ID of the last message sent (it may not exist). */
  last_message_id?: Snowflake | null;
  /** When the last message was pinned. */
  last_pin_timestamp?: string | null;
  /** Slowmode, in seconds. */
  rate_limit_per_user?: number;
}

/** Objects referenced by IDs in interaction data, keyed by ID. */
export interface ResolvedData {
  /** Users. */
  users?: Record<Snowflake, User>;
  /** Partial members (their users are in `users`). */
  members?: Record<Snowflake, ResolvedMember>;
  /** Roles. */
  roles?: Record<Snowflake, Role>;
  /** Partial channels. */
  channels?: Record<Snowflake, ResolvedChannel>;
  /** Partial messages (message context-menu target). */
  messages?: Record<Snowflake, Partial<Message>>;
  /** Attachments (attachment options). */
  attachments?: Record<Snowflake, Attachment>;
}

/** An option (or subcommand) the user filled in. */
export interface InteractionDataOption {
  /** Option name. */
  name: string;
  /** Option type. */
  type: ApplicationCommandOptionType;
  /** Value; for user/channel/role/mentionable/attachment options, an ID. */
  value?: string | number | boolean;
  /** Nested options, for subcommands and groups. */
  options?: InteractionDataOption[];
  /** Whether this option has focus (autocomplete). */
  focused?: boolean;
}

/** `data` of an application command or autocomplete interaction. */
export interface ApplicationCommandInteractionData {
  /** ID of the invoked command. */
  id: Snowflake;
  /** Name of the invoked command. */
  name: string;
  /** Command type. */
  type: ApplicationCommandType;
  /** Users, members, roles, channels, messages and attachments referenced. */
  resolved?: ResolvedData;
  /** Options and values the user gave. */
  options?: InteractionDataOption[];
  /** ID of the guild the command is registered to. */
  guild_id?: Snowflake;
  /** ID of the targeted user or message, for context-menu commands. */
  target_id?: Snowflake;
}

/** `data` of a message component interaction. */
export interface MessageComponentInteractionData {
  /** Developer-defined identifier of the component. */
  custom_id: string;
  /** Component type. */
  component_type: number;
  /** Selected values, for select menus. */
  values?: string[];
  /** Resolved users, members, roles and channels, for auto-populated selects. */
  resolved?: ResolvedData;
}

/** `data` of a modal submit interaction. */
export interface ModalSubmitInteractionData {
  /** Developer-defined identifier of the modal. */
  custom_id: string;
  /** The submitted components with their values. */
  components: Component[];
  /** Resolved users, members, roles, channels and attachments. */
  resolved?: ResolvedData;
}

/** The `data` of an interaction; which one depends on the interaction `type`. */
export type InteractionData =
  | ApplicationCommandInteractionData
  | MessageComponentInteractionData
  | ModalSubmitInteractionData;

/** The guild an interaction was sent from. */
export interface InteractionGuild {
  /** Guild ID. */
  id: Snowflake;
  /** Guild locale. */
  locale: string;
  /** Enabled guild features. */
  features: string[];
}

/** The invoking member of a guild interaction. */
export interface InteractionMember extends GuildMember {
  /** The member's user. */
  user: User;
  /** Total permissions of the member in the channel, including overwrites. */
  permissions: string;
}

/** The channel an interaction was sent from (partial). */
export interface InteractionChannel extends Partial<Channel> {
  /** Channel ID. */
  id: Snowflake;
  /** Channel type. */
  type: ChannelType;
}

/**
 * The fields every interaction has, whatever its `type`; {@linkcode Interaction}
 * is the union of the five kinds built on it.
 */
export interface InteractionBase {
  /** Interaction ID. */
  id: Snowflake;
  /** ID of the application the interaction is for. */
  application_id: Snowflake;
  /** Interaction type. */
  type: InteractionType;
  /** The guild it was sent from. */
  guild?: InteractionGuild;
  /** ID of the guild it was sent from. */
  guild_id?: Snowflake;
  /** The channel it was sent from. */
  channel?: InteractionChannel;
  /** ID of the channel it was sent from. */
  channel_id?: Snowflake;
  /** The invoking member, in guilds. */
  member?: InteractionMember;
  /** The invoking user, in DMs. */
  user?: User;
  /** Continuation token for responding (valid 15 minutes). */
  token: string;
  /** Always 1. */
  version: number;
  /** The app's permissions in the channel, as a bitfield string. */
  app_permissions: string;
  /**
   * The message a component is on (required on
   * {@linkcode MessageComponentInteraction}); on a modal submit, the message
   * whose component opened the modal. Discord sends it with no other type.
   */
  message?: Message;
  /** The guild's preferred locale, in guilds. */
  guild_locale?: string;
  /** Entitlements of the invoking user and guild. */
  entitlements: Entitlement[];
  /** The installations that authorized the interaction. */
  authorizing_integration_owners: AuthorizingIntegrationOwners;
  /** The context the interaction was triggered from. */
  context?: InteractionContextType;
  /** Maximum attachment size in bytes for responses. */
  attachment_size_limit: number;
}

/** A ping (HTTP interactions only): Discord checks the endpoint answers. */
export interface PingInteraction extends InteractionBase {
  /** Always 1 (`InteractionType.Ping`). */
  type: 1;
  /** A ping has no data. */
  data?: undefined;
  /** A ping has no locale. */
  locale?: undefined;
}

/** A slash or context-menu command was invoked. */
export interface ApplicationCommandInteraction extends InteractionBase {
  /** Always 2 (`InteractionType.ApplicationCommand`). */
  type: 2;
  /** The command, its options and the objects they name. */
  data: ApplicationCommandInteractionData;
  /** The invoking user's locale. */
  locale: string;
}

/** A button or select menu on a message was used. */
export interface MessageComponentInteraction extends InteractionBase {
  /** Always 3 (`InteractionType.MessageComponent`). */
  type: 3;
  /** The component's custom id, type and selected values. */
  data: MessageComponentInteractionData;
  /** The invoking user's locale. */
  locale: string;
  /** The message the component is on. */
  message: Message;
}

/** An autocomplete request for a command option the user is typing in. */
export interface ApplicationCommandAutocompleteInteraction
  extends InteractionBase {
  /** Always 4 (`InteractionType.ApplicationCommandAutocomplete`). */
  type: 4;
  /** The command and its options so far; the one being typed is `focused`. */
  data: ApplicationCommandInteractionData;
  /** The invoking user's locale. */
  locale: string;
}

/** A modal was submitted. */
export interface ModalSubmitInteraction extends InteractionBase {
  /** Always 5 (`InteractionType.ModalSubmit`). */
  type: 5;
  /** The modal's custom id and the submitted values. */
  data: ModalSubmitInteractionData;
  /** The invoking user's locale. */
  locale: string;
}

/**
 * An interaction: a user invoked a command, used a component, typed in an
 * autocompleted option or submitted a modal. A union on `type`, so a
 * `switch (interaction.type)` narrows `data`, `locale` and `message`.
 *
 * @example Narrowing on type
 * ```ts
 * import {
 *   type Interaction,
 *   InteractionType,
 * } from "@disruption/disruption/types";
 *
 * function describe(interaction: Interaction): string {
 *   switch (interaction.type) {
 *     case InteractionType.ApplicationCommand:
 *       return `/${interaction.data.name} (${interaction.locale})`;
 *     case InteractionType.MessageComponent:
 *       return `${interaction.data.custom_id} on ${interaction.message.id}`;
 *     default:
 *       return "other";
 *   }
 * }
 * ```
 */
export type Interaction =
  | PingInteraction
  | ApplicationCommandInteraction
  | MessageComponentInteraction
  | ApplicationCommandAutocompleteInteraction
  | ModalSubmitInteraction;

/** The callback data for message responses (types 4 and 7). */
export interface InteractionCallbackMessageData {
  /** Whether the message is text-to-speech. */
  tts?: boolean;
  /** Message content. */
  content?: string;
  /** Up to 10 embeds. */
  embeds?: Embed[];
  /** Which mentions may ping. */
  allowed_mentions?: AllowedMentions;
  /** Message flags; only SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS and IS_COMPONENTS_V2 may be set. */
  flags?: number;
  /**
   * Message components, as sent: the strict union (a received message's
   * `Component` is looser and would accept a button with no style).
   */
  components?: MessageComponent[];
  /** Attachment objects with filename and description. */
  attachments?: Partial<Attachment>[];
  /** A poll. */
  poll?: PollCreateRequest;
}

/** The callback data for an autocomplete result (type 8). */
export interface InteractionCallbackAutocompleteData {
  /** Up to 25 choices. */
  choices: ApplicationCommandOptionChoice[];
}

/** The callback data for a modal (type 9). */
export interface InteractionCallbackModalData {
  /** Developer-defined identifier of the modal (up to 100 characters). */
  custom_id: string;
  /** Modal title (up to 45 characters). */
  title: string;
  /** 1 to 5 components: labels, text displays or (deprecated) action rows. */
  components: ModalComponent[];
}

/** The callback data of an interaction response; which one depends on `type`. */
export type InteractionCallbackData =
  | InteractionCallbackMessageData
  | InteractionCallbackAutocompleteData
  | InteractionCallbackModalData;

/**
 * The body of `POST /interactions/{id}/{token}/callback`: a union on
 * `type`, so each callback type takes only its own data (a modal is not a
 * message, an UPDATE_MESSAGE's components are message components).
 *
 * @example Reply ephemerally
 * ```ts
 * import {
 *   InteractionCallbackType,
 *   type InteractionResponse,
 *   MessageFlags,
 * } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const body: InteractionResponse = {
 *   type: InteractionCallbackType.ChannelMessageWithSource,
 *   data: { content: "pong", flags: MessageFlags.Ephemeral },
 * };
 * assert.equal(JSON.stringify(body), '{"type":4,"data":{"content":"pong","flags":64}}');
 * ```
 */
export type InteractionResponse =
  | InteractionResponseWithoutData
  | InteractionResponseDeferred
  | InteractionResponseMessage
  | InteractionResponseAutocomplete
  | InteractionResponseModal;

/**
 * A callback that carries no data: PONG (1), DEFERRED_UPDATE_MESSAGE (6),
 * the deprecated PREMIUM_REQUIRED (10) and LAUNCH_ACTIVITY (12). It has no
 * `data` field at all: declared as `data?: undefined`, the compiler took
 * `data` for a discriminant and measured a wrong UPDATE_MESSAGE's
 * components against a modal's.
 */
export interface InteractionResponseWithoutData {
  /** Callback type. */
  type: 1 | 6 | 10 | 12;
}

/**
 * DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (5): the message comes later, but
 * whether it is ephemeral is said now (`EPHEMERAL` is the only flag
 * Discord takes here).
 */
export interface InteractionResponseDeferred {
  /** Always 5. */
  type: 5;
  /** The flags of the message to come. */
  data?: Pick<InteractionCallbackMessageData, "flags">;
}

/**
 * CHANNEL_MESSAGE_WITH_SOURCE (4) or UPDATE_MESSAGE (7, components only):
 * a message, or the component's message edited.
 */
export interface InteractionResponseMessage {
  /** 4 or 7. */
  type: 4 | 7;
  /** The message. */
  data?: InteractionCallbackMessageData;
}

/** APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (8): the suggested choices. */
export interface InteractionResponseAutocomplete {
  /** Always 8. */
  type: 8;
  /** The choices. */
  data: InteractionCallbackAutocompleteData;
}

/** MODAL (9): the modal to show. */
export interface InteractionResponseModal {
  /** Always 9. */
  type: 9;
  /** The modal. */
  data: InteractionCallbackModalData;
}
