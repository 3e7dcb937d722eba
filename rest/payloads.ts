/**
 * Request bodies and the small response shapes the REST client sends and
 * reads, with Discord's snake_case wire names.
 *
 * Request bodies spell out the fields the client's methods need; messages
 * and users come back as Discord's full objects from the types entry.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { Message, SharedClientTheme } from "../types/objects/message.ts";
import type { InteractionType } from "../types/objects/interaction.ts";
import type { PollCreateRequest } from "../types/objects/poll.ts";
import type { User } from "../types/objects/user.ts";
import type {
  ApplicationCommand,
  ApplicationCommandCreateBody,
  ApplicationCommandOption,
} from "../types/objects/application_command.ts";
import type {
  MessageComponent,
  ModalComponent,
} from "../types/objects/component.ts";

/** Who a message may ping (`allowed_mentions`). */
export interface AllowedMentionsPayload {
  /** Mention kinds parsed from the content. */
  parse?: ("roles" | "users" | "everyone")[];
  /** Roles that may be pinged (at most 100). */
  roles?: Snowflake[];
  /** Users that may be pinged (at most 100). */
  users?: Snowflake[];
  /** Whether a reply pings the replied-to author. */
  replied_user?: boolean;
}

/** A reply or forward target (`message_reference`). */
export interface MessageReferencePayload {
  /** 0 = reply (default), 1 = forward. */
  type?: 0 | 1;
  /** The referenced message. */
  message_id?: Snowflake;
  /** The referenced message's channel. */
  channel_id?: Snowflake;
  /** The referenced message's guild. */
  guild_id?: Snowflake;
  /** Whether to fail when the referenced message does not exist (default true). */
  fail_if_not_exists?: boolean;
}

/** An embed, as sent. */
export interface EmbedPayload {
  /** Title (256 characters at most). */
  title?: string;
  /** Description (4096 characters at most). */
  description?: string;
  /** URL of the title. */
  url?: string;
  /** ISO 8601 timestamp shown in the footer. */
  timestamp?: string;
  /** Colour as an integer RGB value. */
  color?: number;
  /** Footer. */
  footer?: { text: string; icon_url?: string };
  /** Large image. */
  image?: { url: string };
  /** Thumbnail. */
  thumbnail?: { url: string };
  /** Author line. */
  author?: { name: string; url?: string; icon_url?: string };
  /** Fields (25 at most). */
  fields?: { name: string; value: string; inline?: boolean }[];
}

/**
 * A message's top-level component as a request body sends it: the typed
 * components of the types entry, so the interaction builders' results and
 * literal payloads mix in one `components` array, and shapes Discord
 * refuses (a button without a style, a text input in a message) are type
 * errors.
 */
export type ComponentPayload = MessageComponent;

/**
 * An attachment an edited message keeps (a partial of Discord's attachment
 * request structure). Discord keeps only the attachments an edit's
 * `attachments` lists, new files included: a PATCH with files (or with
 * `attachments`) drops every existing attachment not listed here.
 */
export interface AttachmentPayload {
  /** The id of the message's existing attachment. */
  id: Snowflake;
  /** A new file name. */
  filename?: string;
  /** New alt text (1024 characters at most). */
  description?: string;
  /** Whether it is blurred as a spoiler until clicked. */
  is_spoiler?: boolean;
}

/** Body of POST `/channels/{channel.id}/messages`. */
export interface CreateMessageBody {
  /** Text (2000 characters at most). */
  content?: string;
  /** Deduplication value, echoed in MESSAGE_CREATE. */
  nonce?: string | number;
  /** Whether it is a text-to-speech message. */
  tts?: boolean;
  /** Embeds (10 at most). */
  embeds?: EmbedPayload[];
  /** Who may be pinged. */
  allowed_mentions?: AllowedMentionsPayload;
  /** Reply or forward target. */
  message_reference?: MessageReferencePayload;
  /** Components. */
  components?: ComponentPayload[];
  /** Stickers to send (3 at most). */
  sticker_ids?: Snowflake[];
  /** Message flags (e.g. 4 = SUPPRESS_EMBEDS, 4096 = SUPPRESS_NOTIFICATIONS). */
  flags?: number;
  /** With `nonce`: return the existing message if one with that nonce was sent recently. */
  enforce_nonce?: boolean;
  /** A poll. */
  poll?: PollCreateRequest;
  /** The custom client-side theme to share via the message. */
  shared_client_theme?: SharedClientTheme;
}

/** Body of PATCH `/channels/{channel.id}/messages/{message.id}`. */
export interface EditMessageBody {
  /** New text; `null` removes it. */
  content?: string | null;
  /** New embeds; `null` removes them. */
  embeds?: EmbedPayload[] | null;
  /** New flags (only SUPPRESS_EMBEDS may change). */
  flags?: number | null;
  /** Who may be pinged. */
  allowed_mentions?: AllowedMentionsPayload | null;
  /** New components; `null` removes them. */
  components?: ComponentPayload[] | null;
  /**
   * The existing attachments to keep. Files sent with the edit are added
   * after them; any attachment not listed is removed, so without this new
   * files replace the old ones (and `[]` removes them all).
   */
  attachments?: AttachmentPayload[];
}

/** Body of a follow-up message: POST `/webhooks/{application.id}/{interaction.token}`. */
export interface FollowupMessageBody {
  /** Text (2000 characters at most). */
  content?: string;
  /** Whether it is a text-to-speech message. */
  tts?: boolean;
  /** Embeds (10 at most). */
  embeds?: EmbedPayload[];
  /** Who may be pinged. */
  allowed_mentions?: AllowedMentionsPayload;
  /** Components. */
  components?: ComponentPayload[];
  /** Message flags (64 = EPHEMERAL). */
  flags?: number;
  /** A poll. */
  poll?: PollCreateRequest;
}

/** Body of PATCH on an interaction's original response or a follow-up. */
export interface EditWebhookMessageBody {
  /** New flags (IS_COMPONENTS_V2 turns a message into Components V2). */
  flags?: number | null;
  /** New text; `null` removes it. */
  content?: string | null;
  /** New embeds; `null` removes them. */
  embeds?: EmbedPayload[] | null;
  /** Who may be pinged. */
  allowed_mentions?: AllowedMentionsPayload | null;
  /** New components; `null` removes them. */
  components?: ComponentPayload[] | null;
  /**
   * The existing attachments to keep. Files sent with the edit are added
   * after them; any attachment not listed is removed, so without this new
   * files replace the old ones (and `[]` removes them all).
   */
  attachments?: AttachmentPayload[];
  /**
   * A poll: it can only be added when editing a deferred interaction
   * response; `null` clears one before switching to IS_COMPONENTS_V2.
   */
  poll?: PollCreateRequest | null;
}

/** An autocomplete choice. */
export interface CommandOptionChoicePayload {
  /** Shown name (1-100 characters). */
  name: string;
  /** Value sent back in the interaction. */
  value: string | number;
  /** Localized names. */
  name_localizations?: Record<string, string> | null;
}

/** `data` of an interaction response. */
export interface InteractionResponseData {
  /** Text (types 4 and 7). */
  content?: string;
  /** Whether it is a text-to-speech message. */
  tts?: boolean;
  /** Embeds. */
  embeds?: EmbedPayload[];
  /** Who may be pinged. */
  allowed_mentions?: AllowedMentionsPayload;
  /** Message flags (64 = EPHEMERAL). */
  flags?: number;
  /** Components (also the modal's components for type 9). */
  components?: (ComponentPayload | ModalComponent)[];
  /** A poll (types 4 and 7). */
  poll?: PollCreateRequest;
  /** Autocomplete choices (type 8). */
  choices?: CommandOptionChoicePayload[];
  /** Modal id (type 9). */
  custom_id?: string;
  /** Modal title (type 9). */
  title?: string;
  /**
   * Type 7 (update): the message's existing attachments to keep; files sent
   * with the callback are added after them, and any attachment not listed
   * is removed.
   */
  attachments?: AttachmentPayload[];
}

/**
 * Interaction callback types: 1 PONG, 4 CHANNEL_MESSAGE_WITH_SOURCE,
 * 5 DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, 6 DEFERRED_UPDATE_MESSAGE,
 * 7 UPDATE_MESSAGE, 8 APPLICATION_COMMAND_AUTOCOMPLETE_RESULT, 9 MODAL,
 * 10 PREMIUM_REQUIRED (deprecated), 12 LAUNCH_ACTIVITY.
 */
export type InteractionCallbackTypeValue = 1 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 12;

/** Body of POST `/interactions/{interaction.id}/{interaction.token}/callback`. */
export interface InteractionResponseBody {
  /** The callback type. */
  type: InteractionCallbackTypeValue;
  /** The message, choices or modal. */
  data?: InteractionResponseData;
}

/**
 * Discord's answer to an interaction callback sent with
 * `?with_response=true` (200 instead of 204): the interaction callback
 * response.
 */
export interface InteractionCallbackResponse {
  /** The interaction object associated with the interaction response. */
  interaction: {
    /** ID of the interaction. */
    id: Snowflake;
    /** Interaction type. */
    type: InteractionType;
    /** Instance ID of the Activity if one was launched or joined. */
    activity_instance_id?: string;
    /** ID of the message that was created by the interaction. */
    response_message_id?: Snowflake;
    /** Whether the message is in a loading state. */
    response_message_loading?: boolean;
    /** Whether the response message is ephemeral. */
    response_message_ephemeral?: boolean;
  };
  /** The resource that was created by the interaction response. */
  resource?: {
    /** Interaction callback type. */
    type: InteractionCallbackTypeValue;
    /** The Activity launched (only for LAUNCH_ACTIVITY): its instance ID. */
    activity_instance?: { id: string };
    /** Message created (only for CHANNEL_MESSAGE_WITH_SOURCE or UPDATE_MESSAGE). */
    message?: RestMessage;
  };
}

/**
 * An application command option, as sent: the types entry's
 * {@linkcode ApplicationCommandOption}, the option type of
 * {@linkcode ApplicationCommandBody}.
 *
 * @deprecated Use `ApplicationCommandOption` (the types entry); this name
 * stays for existing code.
 */
export type ApplicationCommandOptionPayload = ApplicationCommandOption;

/**
 * An application command, as sent: the body of a create or edit route,
 * and one command of a bulk overwrite. The types entry's
 * {@linkcode ApplicationCommandCreateBody} under REST's name: a command
 * fetched ({@linkcode ApplicationCommand}) is one, so it can be put back
 * as it is.
 */
export type ApplicationCommandBody = ApplicationCommandCreateBody;

/**
 * A user, as the REST API returns it: Discord's full user object
 * ({@linkcode User}).
 */
export type RestUser = User;

/**
 * A message, as the REST API returns it: Discord's full message object
 * ({@linkcode Message}), so `message_reference`, `referenced_message` and
 * the rest are typed.
 */
export type RestMessage = Message;

/**
 * An application command, as Discord returns it: the types entry's
 * {@linkcode ApplicationCommand}, which every command route returns.
 *
 * @deprecated Use `ApplicationCommand`; this name stays for existing code.
 */
export type RestApplicationCommand = ApplicationCommand;

/** Response of GET `/gateway`. */
export interface GatewayResponse {
  /** The WSS URL to connect to. */
  url: string;
}

/** The IDENTIFY budget in GET `/gateway/bot`. */
export interface SessionStartLimitInfo {
  /** Session starts allowed per window. */
  total: number;
  /** Session starts left. */
  remaining: number;
  /** Milliseconds until `remaining` resets. */
  reset_after: number;
  /** IDENTIFY requests allowed per 5 seconds. */
  max_concurrency: number;
}

/** Response of GET `/gateway/bot`. */
export interface GatewayBotResponse {
  /** The WSS URL to connect to. */
  url: string;
  /** Recommended shard count. */
  shards: number;
  /** The IDENTIFY budget. */
  session_start_limit: SessionStartLimitInfo;
}
