/**
 * Received presences: presence updates, activities and client status.
 * (What a bot sends is `UpdatePresenceData` in gateway_payloads.ts.)
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { PartialUser } from "./user.ts";

/** A status as received: `"invisible"` shows as `"offline"`. */
export type ReceivedPresenceStatus = "online" | "idle" | "dnd" | "offline";

/** Activity type: 0 Playing, 1 Streaming, 2 Listening, 3 Watching, 4 Custom, 5 Competing. */
export type ActivityType = 0 | 1 | 2 | 3 | 4 | 5;

/** The user's status on each platform; absent platforms are offline. */
export interface ClientStatus {
  /** Desktop application status. */
  desktop?: ReceivedPresenceStatus;
  /** Mobile application status. */
  mobile?: ReceivedPresenceStatus;
  /** Web or browser status. */
  web?: ReceivedPresenceStatus;
  /** VR platform status. */
  vr?: ReceivedPresenceStatus;
}

/** Unix timestamps (milliseconds) of an activity's start and end. */
export interface ActivityTimestamps {
  /** When the activity started. */
  start?: number;
  /** When the activity ends. */
  end?: number;
}

/** The emoji of a custom status. */
export interface ActivityEmoji {
  /** Emoji name. */
  name: string;
  /** Emoji ID, for custom emoji. */
  id?: Snowflake;
  /** Whether the emoji is animated. */
  animated?: boolean;
}

/** The party of an activity. */
export interface ActivityParty {
  /** Party ID. */
  id?: string;
  /** `[current_size, max_size]`. */
  size?: [number, number];
}

/** Images and hover texts of an activity. */
export interface ActivityAssets {
  /** Large image asset or URL. */
  large_image?: string;
  /** Text shown when hovering over the large image. */
  large_text?: string;
  /** URL opened when clicking the large image. */
  large_url?: string;
  /** Small image asset or URL. */
  small_image?: string;
  /** Text shown when hovering over the small image. */
  small_text?: string;
  /** URL opened when clicking the small image. */
  small_url?: string;
  /** Cover image for invites to the activity. */
  invite_cover_image?: string;
}

/** Secrets for joining and spectating an activity. */
export interface ActivitySecrets {
  /** Secret for joining a party. */
  join?: string;
  /** Secret for spectating a game. */
  spectate?: string;
  /** Secret for a specific instanced match. */
  match?: string;
}

/**
 * A custom button of an activity, as sent (by an RPC client; a bot cannot set
 * buttons). Received activities carry only the labels: see
 * {@linkcode Activity.buttons}.
 */
export interface ActivityButton {
  /** Button text. */
  label: string;
  /** URL opened by the button. */
  url: string;
}

/** A user's activity, as received in presences. */
export interface Activity {
  /** Activity name. */
  name: string;
  /** Activity type. */
  type: ActivityType;
  /** Stream URL, for type 1. */
  url?: string | null;
  /** Unix time (ms) when the activity was added to the session. */
  created_at: number;
  /** Start and end times. */
  timestamps?: ActivityTimestamps;
  /** Application ID of the game. */
  application_id?: Snowflake;
  /** Which field is shown in the status text: 0 name, 1 state, 2 details. */
  status_display_type?: 0 | 1 | 2 | null;
  /** What the user is doing. */
  details?: string | null;
  /** URL opened when clicking the details text. */
  details_url?: string | null;
  /** The user's party status, or the custom status text. */
  state?: string | null;
  /** URL opened when clicking the state text. */
  state_url?: string | null;
  /** Emoji of a custom status. */
  emoji?: ActivityEmoji | null;
  /** The user's party. */
  party?: ActivityParty;
  /** Images and hover texts. */
  assets?: ActivityAssets;
  /** Join and spectate secrets. */
  secrets?: ActivitySecrets;
  /** Whether the activity is an instanced game session. */
  instance?: boolean;
  /** Activity flags bitfield. */
  flags?: number;
  /**
   * Labels of the custom buttons: over the gateway Discord sends the labels
   * only, never the {@linkcode ActivityButton} objects a client sets.
   */
  buttons?: string[];
}

/**
 * A user's presence in a guild (the PRESENCE_UPDATE payload, also a thread
 * member's `presence` and the cache's presences).
 *
 * Only `user.id` and `guild_id` are sure to be there: Discord's docs warn
 * that no field of PRESENCE_UPDATE is required and to expect any combination
 * of them (one sent for a change of the user's name or avatar may carry
 * nothing else), so `status`, `activities` and `client_status` are optional.
 */
export interface PresenceUpdate {
  /** The user; only `id` is guaranteed. */
  user: PartialUser;
  /** Guild ID. */
  guild_id: Snowflake;
  /** Overall status, when sent. */
  status?: ReceivedPresenceStatus;
  /** Current activities, when sent. */
  activities?: Activity[];
  /** Status per platform, when sent. */
  client_status?: ClientStatus;
}

/**
 * A presence whose `guild_id` may be missing too, as in GUILD_CREATE
 * `presences` and GUILD_MEMBERS_CHUNK `presences`.
 */
export interface PartialPresenceUpdate extends Partial<PresenceUpdate> {
  /** The user; only `id` is guaranteed. */
  user: PartialUser;
}
