/**
 * Messages and what they carry: embeds, attachments, reactions, references,
 * allowed mentions, and components (typed loosely).
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Application } from "./application.ts";
import type { Channel, ChannelMention } from "./channel.ts";
import type { PartialEmoji } from "./emoji.ts";
import type { InteractionType, ResolvedData } from "./interaction.ts";
import type { GuildMember } from "./member.ts";
import type { Poll } from "./poll.ts";
import type { Sticker, StickerItem } from "./sticker.ts";
import type { User } from "./user.ts";

/**
 * Message types (a message's `type`). Discord adds types over time, so
 * `Message.type` stays a `number`; compare it with these constants.
 *
 * @example Tell replies from plain messages
 * ```ts
 * import { MessageType } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const message = { type: 19 };
 * assert.equal(message.type === MessageType.Reply, true);
 * ```
 */
export const MessageType = {
  /** Discord's `DEFAULT`. */
  Default: 0,
  /** Discord's `RECIPIENT_ADD`. */
  RecipientAdd: 1,
  /** Discord's `RECIPIENT_REMOVE`. */
  RecipientRemove: 2,
  /** Discord's `CALL`. */
  Call: 3,
  /** Discord's `CHANNEL_NAME_CHANGE`. */
  ChannelNameChange: 4,
  /** Discord's `CHANNEL_ICON_CHANGE`. */
  ChannelIconChange: 5,
  /** Discord's `CHANNEL_PINNED_MESSAGE`. */
  ChannelPinnedMessage: 6,
  /** Discord's `USER_JOIN`. */
  UserJoin: 7,
  /** Discord's `GUILD_BOOST`. */
  GuildBoost: 8,
  /** Discord's `GUILD_BOOST_TIER_1`. */
  GuildBoostTier1: 9,
  /** Discord's `GUILD_BOOST_TIER_2`. */
  GuildBoostTier2: 10,
  /** Discord's `GUILD_BOOST_TIER_3`. */
  GuildBoostTier3: 11,
  /** Discord's `CHANNEL_FOLLOW_ADD`. */
  ChannelFollowAdd: 12,
  /** Discord's `GUILD_DISCOVERY_DISQUALIFIED`. */
  GuildDiscoveryDisqualified: 14,
  /** Discord's `GUILD_DISCOVERY_REQUALIFIED`. */
  GuildDiscoveryRequalified: 15,
  /** Discord's `GUILD_DISCOVERY_GRACE_PERIOD_INITIAL_WARNING`. */
  GuildDiscoveryGracePeriodInitialWarning: 16,
  /** Discord's `GUILD_DISCOVERY_GRACE_PERIOD_FINAL_WARNING`. */
  GuildDiscoveryGracePeriodFinalWarning: 17,
  /** Discord's `THREAD_CREATED`. */
  ThreadCreated: 18,
  /** Discord's `REPLY`. */
  Reply: 19,
  /** Discord's `CHAT_INPUT_COMMAND`. */
  ChatInputCommand: 20,
  /** Discord's `THREAD_STARTER_MESSAGE`. */
  ThreadStarterMessage: 21,
  /** Discord's `GUILD_INVITE_REMINDER`. */
  GuildInviteReminder: 22,
  /** Discord's `CONTEXT_MENU_COMMAND`. */
  ContextMenuCommand: 23,
  /** Discord's `AUTO_MODERATION_ACTION`. */
  AutoModerationAction: 24,
  /** Discord's `ROLE_SUBSCRIPTION_PURCHASE`. */
  RoleSubscriptionPurchase: 25,
  /** Discord's `INTERACTION_PREMIUM_UPSELL`. */
  InteractionPremiumUpsell: 26,
  /** Discord's `STAGE_START`. */
  StageStart: 27,
  /** Discord's `STAGE_END`. */
  StageEnd: 28,
  /** Discord's `STAGE_SPEAKER`. */
  StageSpeaker: 29,
  /** Discord's `STAGE_TOPIC`. */
  StageTopic: 31,
  /** Discord's `GUILD_APPLICATION_PREMIUM_SUBSCRIPTION`. */
  GuildApplicationPremiumSubscription: 32,
  /** Discord's `GUILD_INCIDENT_ALERT_MODE_ENABLED`. */
  GuildIncidentAlertModeEnabled: 36,
  /** Discord's `GUILD_INCIDENT_ALERT_MODE_DISABLED`. */
  GuildIncidentAlertModeDisabled: 37,
  /** Discord's `GUILD_INCIDENT_REPORT_RAID`. */
  GuildIncidentReportRaid: 38,
  /** Discord's `GUILD_INCIDENT_REPORT_FALSE_ALARM`. */
  GuildIncidentReportFalseAlarm: 39,
  /** Discord's `PURCHASE_NOTIFICATION`. */
  PurchaseNotification: 44,
  /** Discord's `POLL_RESULT`. */
  PollResult: 46,
} as const;

/** The name of a message type, as a key of {@linkcode MessageType}. */
export type MessageTypeName = keyof typeof MessageType;

/**
 * Message flags (bits of a message's `flags`).
 *
 * @example Reply ephemerally
 * ```ts
 * import { MessageFlags } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const flags = MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds;
 * assert.equal(flags, 68);
 * ```
 */
export const MessageFlags = {
  /** The message was published to following channels. */
  Crossposted: 1 << 0,
  /** The message came from a followed channel. */
  IsCrosspost: 1 << 1,
  /** Do not include embeds when serializing the message. */
  SuppressEmbeds: 1 << 2,
  /** The source of this crosspost was deleted. */
  SourceMessageDeleted: 1 << 3,
  /** The message came from the urgent message system. */
  Urgent: 1 << 4,
  /** The message has an associated thread with the same ID. */
  HasThread: 1 << 5,
  /** Only the user who invoked the interaction can see the message. */
  Ephemeral: 1 << 6,
  /** An interaction response showing "thinking". */
  Loading: 1 << 7,
  /** Some roles were not mentioned and added to the thread. */
  FailedToMentionSomeRolesInThread: 1 << 8,
  /** The message will not trigger push and desktop notifications. */
  SuppressNotifications: 1 << 12,
  /** The message is a voice message. */
  IsVoiceMessage: 1 << 13,
  /** The message has a snapshot (it is a forward). */
  HasSnapshot: 1 << 14,
  /** The message uses Components v2 (no content, embeds, poll or stickers). */
  IsComponentsV2: 1 << 15,
} as const;

/** The name of a message flag, as a key of {@linkcode MessageFlags}. */
export type MessageFlagName = keyof typeof MessageFlags;

/**
 * A message component (button, select menu, text input, container, ...),
 * typed loosely: only `type` is guaranteed, and which other fields exist
 * depends on it (see Discord's component reference).
 */
export interface Component {
  /** Component type (1 action row, 2 button, 3 string select, 4 text input, ...). */
  type: number;
  /** Optional numeric identifier, unique within the message. */
  id?: number;
  /** Developer-defined identifier of an interactive component. */
  custom_id?: string;
  /** Child components (action rows, sections, containers). */
  components?: Component[];
  /** The wrapped component of a label. */
  component?: Component;
  /** Text of a button or label. */
  label?: string;
  /** Style of a button or text input. */
  style?: number;
  /** URL of a link button. */
  url?: string;
  /** Whether the component is disabled. */
  disabled?: boolean;
  /** Markdown text of a text display. */
  content?: string;
  /** Submitted value of a text input, radio group or checkbox (modal submits). */
  value?: string | boolean | null;
  /** Submitted values of a select or checkbox group (modal submits). */
  values?: string[];
}

/** A footer of an embed. */
export interface EmbedFooter {
  /** Footer text. */
  text: string;
  /** Footer icon URL (http(s) or attachment). */
  icon_url?: string;
  /** Proxied footer icon URL. */
  proxy_icon_url?: string;
}

/** An image or thumbnail of an embed. */
export interface EmbedImage {
  /** Source URL (http(s) or attachment). */
  url: string;
  /** Proxied URL. */
  proxy_url?: string;
  /** Height in pixels. */
  height?: number;
  /** Width in pixels. */
  width?: number;
  /** Media type. */
  content_type?: string;
  /** Thumbhash placeholder. */
  placeholder?: string;
  /** Version of the placeholder. */
  placeholder_version?: number;
  /** Description (alt text). */
  description?: string;
  /** Embed media flags bitfield (IS_ANIMATED is bit 5, `1 << 5`). */
  flags?: number;
}

/** A video of an embed. */
export interface EmbedVideo {
  /** Source URL. */
  url?: string;
  /** Proxied URL. */
  proxy_url?: string;
  /** Height in pixels. */
  height?: number;
  /** Width in pixels. */
  width?: number;
  /** Media type. */
  content_type?: string;
  /** Thumbhash placeholder. */
  placeholder?: string;
  /** Version of the placeholder. */
  placeholder_version?: number;
  /** Description (alt text). */
  description?: string;
  /** Embed media flags bitfield (IS_ANIMATED is bit 5, `1 << 5`). */
  flags?: number;
}

/** The provider of an embed. */
export interface EmbedProvider {
  /** Provider name. */
  name?: string;
  /** Provider URL. */
  url?: string;
}

/** The author of an embed. */
export interface EmbedAuthor {
  /** Author name. */
  name: string;
  /** Author URL. */
  url?: string;
  /** Author icon URL (http(s) or attachment). */
  icon_url?: string;
  /** Proxied author icon URL. */
  proxy_icon_url?: string;
}

/** A field of an embed. */
export interface EmbedField {
  /** Field name. */
  name: string;
  /** Field value. */
  value: string;
  /** Whether the field is shown inline. */
  inline?: boolean;
}

/** A rich embed. */
export interface Embed {
  /** Title. */
  title?: string;
  /** Embed type (`"rich"` for webhook embeds). */
  type?: string;
  /** Description. */
  description?: string;
  /** URL of the title. */
  url?: string;
  /** ISO 8601 timestamp shown in the footer. */
  timestamp?: string;
  /** Colour as an integer. */
  color?: number;
  /** Footer. */
  footer?: EmbedFooter;
  /** Image. */
  image?: EmbedImage;
  /** Thumbnail. */
  thumbnail?: EmbedImage;
  /** Video (not settable by bots). */
  video?: EmbedVideo;
  /** Provider (not settable by bots). */
  provider?: EmbedProvider;
  /** Author. */
  author?: EmbedAuthor;
  /** Up to 25 fields. */
  fields?: EmbedField[];
  /** Embed flags bitfield (bit 5: fallback for a reply to an activity card). */
  flags?: number;
}

/** A file attached to a message. */
export interface Attachment {
  /** Attachment ID. */
  id: Snowflake;
  /** File name. */
  filename: string;
  /** Title of the file. */
  title?: string;
  /** Description (alt text, up to 1024 characters). */
  description?: string;
  /** Media type. */
  content_type?: string;
  /** Size in bytes. */
  size: number;
  /** Source URL. */
  url: string;
  /** Proxied URL. */
  proxy_url: string;
  /** Height of an image. */
  height?: number | null;
  /** Width of an image. */
  width?: number | null;
  /** Thumbhash placeholder, for images and videos. */
  placeholder?: string;
  /** Version of the placeholder, for images and videos. */
  placeholder_version?: number;
  /** Whether the attachment is ephemeral. */
  ephemeral?: boolean;
  /** Duration of a voice message, in seconds. */
  duration_secs?: number;
  /** Base64 sampled waveform of a voice message. */
  waveform?: string;
  /** Attachment flags bitfield. */
  flags?: number;
  /** Users in a clip, for clips. */
  clip_participants?: User[];
  /** When a clip was created. */
  clip_created_at?: string;
  /** For clips: the application in the stream, if recognized. */
  application?: Application | null;
}

/** Reaction counts split by kind. */
export interface ReactionCountDetails {
  /** Super-reaction count. */
  burst: number;
  /** Normal reaction count. */
  normal: number;
}

/** A reaction on a message. */
export interface Reaction {
  /** Total count, including super-reactions. */
  count: number;
  /** Counts by kind. */
  count_details: ReactionCountDetails;
  /** Whether the current user reacted with this emoji. */
  me: boolean;
  /** Whether the current user super-reacted with this emoji. */
  me_burst: boolean;
  /** The emoji. */
  emoji: PartialEmoji;
  /** HEX colours of the super-reaction. */
  burst_colors: string[];
}

/** A reply or forward target; also used when sending replies. */
export interface MessageReference {
  /** 0 default (reply), 1 forward. */
  type?: 0 | 1;
  /** ID of the referenced message. */
  message_id?: Snowflake;
  /** ID of the referenced message's channel. */
  channel_id?: Snowflake;
  /** ID of the referenced message's guild. */
  guild_id?: Snowflake;
  /** When sending: whether to error if the message does not exist (default true). */
  fail_if_not_exists?: boolean;
}

/** The mentions a sent message may ping. */
export interface AllowedMentions {
  /** Mention types to parse from the content. */
  parse?: ("roles" | "users" | "everyone")[];
  /** Role IDs that may be mentioned (up to 100). */
  roles?: Snowflake[];
  /** User IDs that may be mentioned (up to 100). */
  users?: Snowflake[];
  /** Whether a reply mentions the author of the message replied to. */
  replied_user?: boolean;
}

/** Rich presence activity of a message (invites to join and so on). */
export interface MessageActivity {
  /** Activity type: 1 join, 2 spectate, 3 listen, 5 join request. */
  type: number;
  /** Party ID from a rich presence event. */
  party_id?: string;
}

/** The role subscription purchase a system message is about. */
export interface RoleSubscriptionData {
  /** SKU and listing ID of the role subscription. */
  role_subscription_listing_id: Snowflake;
  /** Name of the tier the user subscribed to. */
  tier_name: string;
  /** Total months the user has been subscribed for. */
  total_months_subscribed: number;
  /** Whether this is a renewal. */
  is_renewal: boolean;
}

/** The call a call system message is about. */
export interface MessageCall {
  /** Users that took part in the call. */
  participants: Snowflake[];
  /** When the call ended. */
  ended_timestamp?: string | null;
}

/** The fields every kind of {@linkcode MessageInteractionMetadata} has. */
export interface BaseMessageInteractionMetadata {
  /** Interaction ID. */
  id: Snowflake;
  /** Interaction type. */
  type: InteractionType;
  /** The user who triggered the interaction. */
  user: User;
  /** IDs of the installation contexts that authorized the app (`"0"` guild, `"1"` user). */
  authorizing_integration_owners: { [context in "0" | "1"]?: Snowflake };
  /** ID of the original response, for follow-up messages. */
  original_response_message_id?: Snowflake;
}

/** Metadata of the application command (type 2) a message responds to. */
export interface ApplicationCommandInteractionMetadata
  extends BaseMessageInteractionMetadata {
  /** Application command. */
  type: 2;
  /** The targeted user, for user context-menu commands. */
  target_user?: User;
  /** The targeted message, for message context-menu commands. */
  target_message_id?: Snowflake;
}

/** Metadata of the component interaction (type 3) a message responds to. */
export interface MessageComponentInteractionMetadata
  extends BaseMessageInteractionMetadata {
  /** Message component. */
  type: 3;
  /** ID of the message holding the component. */
  interacted_message_id: Snowflake;
}

/** Metadata of the modal submit (type 5) a message responds to. */
export interface ModalSubmitInteractionMetadata
  extends BaseMessageInteractionMetadata {
  /** Modal submit. */
  type: 5;
  /** Metadata of the interaction that opened the modal. */
  triggering_interaction_metadata:
    | ApplicationCommandInteractionMetadata
    | MessageComponentInteractionMetadata;
}

/**
 * Metadata about the interaction a message responds to; `type` tells the
 * three kinds apart (2 application command, 3 component, 5 modal submit).
 */
export type MessageInteractionMetadata =
  | ApplicationCommandInteractionMetadata
  | MessageComponentInteractionMetadata
  | ModalSubmitInteractionMetadata;

/** The interaction a message responds to (deprecated; use `interaction_metadata`). */
export interface MessageInteraction {
  /** Interaction ID. */
  id: Snowflake;
  /** Interaction type. */
  type: InteractionType;
  /** Command name, including subcommands and groups. */
  name: string;
  /** The user who invoked the interaction. */
  user: User;
  /** The invoking member, in guilds. */
  member?: Partial<GuildMember>;
}

/** The copied fields of a forwarded message. */
export interface MessageSnapshotMessage extends
  Pick<
    Message,
    | "type"
    | "content"
    | "embeds"
    | "attachments"
    | "timestamp"
    | "edited_timestamp"
    | "flags"
    | "mentions"
    | "mention_roles"
    | "stickers"
    | "sticker_items"
    | "components"
  > {}

/**
 * The theme of Discord's client, as a base theme value (0 unset, which
 * means dark; 1 dark; 2 light; 3 darker; 4 midnight).
 */
export type BaseTheme = 0 | 1 | 2 | 3 | 4;

/** A client theme shared in a message. */
export interface SharedClientTheme {
  /** Hexadecimal colours of the theme, without `#` (at most 5). */
  colors: string[];
  /** Direction of the colours, in degrees (at most 360). */
  gradient_angle: number;
  /** Intensity of the colours (at most 100). */
  base_mix: number;
  /** Light or dark mode of the theme. */
  base_theme?: BaseTheme | null;
}

/** A snapshot of a forwarded message. */
export interface MessageSnapshot {
  /** The forwarded message's fields. */
  message: MessageSnapshotMessage;
}

/** A message in a channel. */
export interface Message {
  /** Message ID. */
  id: Snowflake;
  /** Channel ID. */
  channel_id: Snowflake;
  /** Author; for webhooks, the webhook's name and avatar. */
  author: User;
  /** Content; empty without the MESSAGE_CONTENT intent (with exceptions). */
  content: string;
  /** When the message was sent. */
  timestamp: string;
  /** When the message was last edited. */
  edited_timestamp: string | null;
  /** Whether it was a text-to-speech message. */
  tts: boolean;
  /** Whether it mentions everyone. */
  mention_everyone: boolean;
  /** Users mentioned. */
  mentions: User[];
  /** Roles mentioned. */
  mention_roles: Snowflake[];
  /** Channels mentioned, in crossposts only. */
  mention_channels?: ChannelMention[];
  /** Attached files; empty without MESSAGE_CONTENT. */
  attachments: Attachment[];
  /** Embeds; empty without MESSAGE_CONTENT. */
  embeds: Embed[];
  /** Reactions. */
  reactions?: Reaction[];
  /** Nonce used to validate that a message was sent. */
  nonce?: number | string;
  /** Whether the message is pinned. */
  pinned: boolean;
  /** ID of the webhook that sent the message. */
  webhook_id?: Snowflake;
  /** Message type (see {@linkcode MessageType}: 0 default, 19 reply, ...). */
  type: number;
  /** Rich presence activity. */
  activity?: MessageActivity;
  /** Application of a rich presence message. */
  application?: Partial<Application>;
  /** Application ID, for interaction responses and app-sent messages. */
  application_id?: Snowflake;
  /** Message flags bitfield (see {@linkcode MessageFlags}). */
  flags?: number;
  /** The message replied to or forwarded. */
  message_reference?: MessageReference;
  /** Snapshots of forwarded messages. */
  message_snapshots?: MessageSnapshot[];
  /** The message replied to; null when it was deleted. */
  referenced_message?: Message | null;
  /** Metadata of the interaction this message responds to. */
  interaction_metadata?: MessageInteractionMetadata;
  /** The interaction this message responds to (deprecated). */
  interaction?: MessageInteraction;
  /** The thread started from this message. */
  thread?: Channel;
  /** Components; empty without MESSAGE_CONTENT. */
  components?: Component[];
  /** Stickers sent with the message. */
  sticker_items?: StickerItem[];
  /** Stickers (deprecated). */
  stickers?: Sticker[];
  /** Approximate position in a thread. */
  position?: number;
  /** Data of a role subscription purchase message. */
  role_subscription_data?: RoleSubscriptionData;
  /** Users, roles, channels and so on referenced by Components v2. */
  resolved?: ResolvedData;
  /** Poll; missing without MESSAGE_CONTENT. */
  poll?: Poll;
  /** The call of a call message. */
  call?: MessageCall;
  /** The client theme shared by the message. */
  shared_client_theme?: SharedClientTheme;
}
