/**
 * The gateway's wire shapes for the handshake and for the commands a client
 * sends. Field names are Discord's; nothing is transformed at runtime.
 *
 * @module
 */
import type { GatewayOpcode } from "./opcodes.ts";

/** A snowflake ID: always a string on the wire. */
export type Snowflake = string;

/** The envelope of every gateway payload, in both directions. */
export interface GatewayPayload<D = unknown> {
  /** Opcode. */
  op: number;
  /** Event data. */
  d: D;
  /** Sequence number; only for op 0. */
  s?: number | null;
  /** Event name; only for op 0. */
  t?: string | null;
}

/** `d` of HELLO (op 10). */
export interface HelloData {
  /** Milliseconds between heartbeats. */
  heartbeat_interval: number;
}

/** The connection properties sent in IDENTIFY. */
export interface IdentifyProperties {
  /** Operating system. */
  os: string;
  /** Library name. */
  browser: string;
  /** Library name. */
  device: string;
}

/** An activity a bot may set: only `name`, `state`, `type` and `url`. */
export interface BotActivity {
  /** Activity name. */
  name: string;
  /** 0 Playing, 1 Streaming, 2 Listening, 3 Watching, 4 Custom, 5 Competing. */
  type: 0 | 1 | 2 | 3 | 4 | 5;
  /** Stream URL (type 1 only). */
  url?: string | null;
  /**
   * Custom status text (type 4), shown instead of `name`; when absent,
   * `null` or `""`, the builders send `name` as the state.
   */
  state?: string | null;
}

/** A presence status. */
export type PresenceStatus =
  | "online"
  | "dnd"
  | "idle"
  | "invisible"
  | "offline";

/** `d` of Update Presence (op 3), also IDENTIFY's `presence`. */
export interface UpdatePresenceData {
  /** Unix time in ms when the client went idle, or null. */
  since: number | null;
  /** The bot's activities. */
  activities: BotActivity[];
  /** The new status. */
  status: PresenceStatus;
  /** Whether the client is AFK. */
  afk: boolean;
}

/** `d` of IDENTIFY (op 2). */
export interface IdentifyData {
  /** Bot token. */
  token: string;
  /** Connection properties. */
  properties: IdentifyProperties;
  /** Payload compression (not used with transport compression). */
  compress?: boolean;
  /** Member count above which offline members are not sent (50-250). */
  large_threshold?: number;
  /** `[shard_id, num_shards]`. */
  shard?: [number, number];
  /** Initial presence. */
  presence?: UpdatePresenceData;
  /** Gateway intents. */
  intents: number;
}

/** `d` of RESUME (op 6). */
export interface ResumeData {
  /** Bot token. */
  token: string;
  /** Session to resume. */
  session_id: string;
  /** Last sequence number received. */
  seq: number;
}

/** `d` of Update Voice State (op 4). */
export interface UpdateVoiceStateData {
  /** Guild ID. */
  guild_id: Snowflake;
  /** Channel to join, or null to disconnect. */
  channel_id: Snowflake | null;
  /** Whether the client is muted. */
  self_mute: boolean;
  /** Whether the client is deafened. */
  self_deaf: boolean;
}

/**
 * `d` of Request Guild Members (op 8): members by username prefix (`query`,
 * which needs `limit`) or by ID (`user_ids`, where `limit` may be left out),
 * never both. Discord's table lists `limit` as required, but only a `query`
 * request needs it.
 *
 * `requestGuildMembersCommand` still checks these rules at runtime, for
 * plain JavaScript callers and payloads that did not come through the type.
 *
 * @example The two kinds of request
 * ```ts
 * import type { RequestGuildMembersData } from "@disruption/disruption/types";
 *
 * const everyone: RequestGuildMembersData = {
 *   guild_id: "41771983423143937",
 *   query: "",
 *   limit: 0,
 * };
 * const two: RequestGuildMembersData = {
 *   guild_id: "41771983423143937",
 *   user_ids: ["80351110224678912", "41771983423143938"],
 * };
 * ```
 */
export type RequestGuildMembersData =
  | {
    /** Guild to get members for. */
    guild_id: Snowflake;
    /** Username prefix, or `""` for all members (with `limit: 0`). */
    query: string;
    /** Maximum number of members; 0 with `query: ""` means all. */
    limit: number;
    /** Not with `query`: a request is by name or by ID. */
    user_ids?: never;
    /** Whether to include presences. */
    presences?: boolean;
    /** Nonce echoed in the chunks (at most 32 bytes). */
    nonce?: string;
  }
  | {
    /** Guild to get members for. */
    guild_id: Snowflake;
    /** Specific users to fetch (at most 100). */
    user_ids: Snowflake | Snowflake[];
    /** Maximum number of members; may be left out with `user_ids`. */
    limit?: number;
    /** Not with `user_ids`: a request is by name or by ID. */
    query?: never;
    /** Whether to include presences. */
    presences?: boolean;
    /** Nonce echoed in the chunks (at most 32 bytes). */
    nonce?: string;
  };

/** `d` of Request Soundboard Sounds (op 31). */
export interface RequestSoundboardSoundsData {
  /** Guilds to get sounds for. */
  guild_ids: Snowflake[];
}

/** `d` of Request Channel Info (op 43). */
export interface RequestChannelInfoData {
  /** Guild to get channel info for. */
  guild_id: Snowflake;
  /** Which ephemeral fields to get. */
  fields: ("status" | "voice_start_time")[];
}

/** A command a bot may send once the session is established. */
export type GatewayCommand =
  | { op: typeof GatewayOpcode.PresenceUpdate; d: UpdatePresenceData }
  | { op: typeof GatewayOpcode.VoiceStateUpdate; d: UpdateVoiceStateData }
  | { op: typeof GatewayOpcode.RequestGuildMembers; d: RequestGuildMembersData }
  | {
    op: typeof GatewayOpcode.RequestSoundboardSounds;
    d: RequestSoundboardSoundsData;
  }
  | { op: typeof GatewayOpcode.RequestChannelInfo; d: RequestChannelInfoData };

/** The part of READY the gateway itself needs. */
export interface ReadySessionData {
  /** Session ID, needed for RESUME. */
  session_id: string;
  /** URL to use when resuming. */
  resume_gateway_url: string;
}
