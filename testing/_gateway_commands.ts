/**
 * The fake gateway's answers to the commands a ready session may send:
 * presence (op 3, checked only), voice state (op 4), guild members (op 8,
 * with the all-members rate limit), soundboard sounds (op 31) and channel
 * info (op 43). Private to the test kit.
 *
 * Op 8 for the member list (`query: ""`, any `limit`: up to `limit`
 * members, all of them for 0) needs the `GUILD_MEMBERS` intent; without it
 * Discord does not answer, so the fake sends nothing and logs a
 * `command-ignored` event. A name prefix returns at most 100 members, and
 * only the request for all members (`limit: 0`) is rate limited.
 *
 * Op 4 joins only a voice or stage channel of the guild's GUILD_CREATE (the
 * fixtures' "Voice", or a seed's own `channels`); Discord sends nothing for
 * any other id, so the fake logs a `command-ignored` event instead.
 *
 * @module
 */
import { GatewayIntent } from "../types/intents.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import {
  isNonNegativeInteger,
  isObject,
  isPresence,
  isSnowflake,
  malformed,
} from "./_gateway_checks.ts";
import {
  guildDirectory as guildMembers,
  presenceOf,
} from "./_gateway_fixtures.ts";
import {
  type GatewayCore,
  type Guild,
  type Session,
  voiceChannelId,
} from "./_gateway_model.ts";

/** How long a token waits between two all-members requests for a guild. */
const ALL_MEMBERS_WINDOW = 30_000;
/** Members per GUILD_MEMBERS_CHUNK. */
const CHUNK_SIZE = 1000;
/** The fields op 43 may ask for. */
const CHANNEL_INFO_FIELDS = new Set(["status", "voice_start_time"]);
const encoder = new TextEncoder();

/** Answer one command (op 3, 4, 8, 31 or 43) of a ready session. */
export function onCommand(
  core: GatewayCore,
  session: Session,
  op: number,
  d: unknown,
): void {
  switch (op) {
    case GatewayOpcode.PresenceUpdate:
      if (!isPresence(d)) throw malformed();
      return;
    case GatewayOpcode.VoiceStateUpdate:
      return onVoiceState(core, session, d);
    case GatewayOpcode.RequestGuildMembers:
      return onRequestMembers(core, session, d);
    case GatewayOpcode.RequestSoundboardSounds: {
      if (
        !isObject(d) || !Array.isArray(d.guild_ids) ||
        !d.guild_ids.every(isSnowflake)
      ) throw malformed();
      for (const id of d.guild_ids as string[]) {
        if (!core.sessionHasGuild(session, id)) continue;
        core.emitDispatch(session, "SOUNDBOARD_SOUNDS", {
          soundboard_sounds: [],
          guild_id: id,
        }, true);
      }
      return;
    }
    case GatewayOpcode.RequestChannelInfo: {
      if (
        !isObject(d) || !isSnowflake(d.guild_id) ||
        !Array.isArray(d.fields) ||
        d.fields.length === 0 ||
        !d.fields.every((f) => CHANNEL_INFO_FIELDS.has(f as string))
      ) throw malformed();
      if (!core.sessionHasGuild(session, d.guild_id)) return;
      const guild = core.guilds.find((g) => g.id === d.guild_id)!;
      const channel: Record<string, unknown> = { id: voiceChannelId(guild) };
      for (const field of d.fields as string[]) channel[field] = null;
      core.emitDispatch(session, "CHANNEL_INFO", {
        guild_id: guild.id,
        channels: [channel],
      }, true);
      return;
    }
  }
}

/** Channel types a voice connection can join: voice (2) and stage (13). */
const VOICE_TYPES = new Set([2, 13]);

/** Whether the guild's GUILD_CREATE lists `channelId` as a voice or stage channel. */
function isVoiceChannel(guild: Guild, channelId: string): boolean {
  const seeded = guild.extra.channels;
  if (!Array.isArray(seeded)) return channelId === voiceChannelId(guild);
  return seeded.some((channel) =>
    isObject(channel) && channel.id === channelId &&
    VOICE_TYPES.has(channel.type as number)
  );
}

/**
 * Op 4: VOICE_STATE_UPDATE, and VOICE_SERVER_UPDATE when joining a voice or
 * stage channel of the guild; nothing (a `command-ignored` event) for any
 * other channel.
 */
function onVoiceState(
  core: GatewayCore,
  session: Session,
  d: unknown,
): void {
  if (
    !isObject(d) || !isSnowflake(d.guild_id) ||
    !(d.channel_id === null || isSnowflake(d.channel_id)) ||
    typeof d.self_mute !== "boolean" || typeof d.self_deaf !== "boolean"
  ) throw malformed();
  if (!core.sessionHasGuild(session, d.guild_id)) return;
  const guild = core.guilds.find((g) => g.id === d.guild_id)!;
  if (d.channel_id !== null && !isVoiceChannel(guild, d.channel_id)) {
    // Discord answers no join of a channel that is not one of the guild's
    // voice channels: the bot's join would time out there.
    core.emit({
      type: "command-ignored",
      at: core.scheduler.now(),
      connectionId: session.conn!.id,
      sessionId: session.id,
      op: GatewayOpcode.VoiceStateUpdate,
      reason: "unknown-channel",
      guildId: guild.id,
      channelId: d.channel_id,
    });
    return;
  }
  core.emitDispatch(session, "VOICE_STATE_UPDATE", {
    guild_id: d.guild_id,
    channel_id: d.channel_id,
    user_id: core.config.botUser.id,
    session_id: session.id,
    deaf: false,
    mute: false,
    self_deaf: d.self_deaf,
    self_mute: d.self_mute,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  }, false);
  if (d.channel_id !== null) {
    core.emitDispatch(session, "VOICE_SERVER_UPDATE", {
      token: "fake-voice-token",
      guild_id: d.guild_id,
      endpoint: "fake-voice.discord.media:443",
    }, true);
  }
}

/** Op 8: GUILD_MEMBERS_CHUNKs, or RATE_LIMITED for a repeated all-members request. */
function onRequestMembers(
  core: GatewayCore,
  session: Session,
  d: unknown,
): void {
  if (!isObject(d) || !isSnowflake(d.guild_id)) throw malformed();
  const hasQuery = d.query !== undefined;
  const hasIds = d.user_ids !== undefined;
  if (hasQuery === hasIds) throw malformed();
  if (
    hasQuery &&
    (typeof d.query !== "string" || !isNonNegativeInteger(d.limit))
  ) throw malformed();
  if (
    hasIds && !isSnowflake(d.user_ids) &&
    !(Array.isArray(d.user_ids) && d.user_ids.every(isSnowflake))
  ) throw malformed();
  if (d.presences !== undefined && typeof d.presences !== "boolean") {
    throw malformed();
  }
  if (d.limit !== undefined && !isNonNegativeInteger(d.limit)) {
    throw malformed();
  }
  const guildId = d.guild_id;
  const nonce = typeof d.nonce === "string" &&
      encoder.encode(d.nonce).byteLength <= 32
    ? d.nonce
    : undefined;
  // "GUILD_MEMBERS intent is required to request the entire member list—
  // (query='', limit=0<=n)": an empty query is the member list whatever the
  // limit, not a prefix search (capped at 100, no intent needed).
  const memberList = hasQuery && d.query === "";
  const allMembers = memberList && d.limit === 0;
  if (
    memberList && (session.intents & GatewayIntent.GuildMembers) === 0
  ) {
    // Discord sends nothing back, so the log is the only trace.
    core.emit({
      type: "command-ignored",
      at: core.scheduler.now(),
      connectionId: session.conn!.id,
      sessionId: session.id,
      op: GatewayOpcode.RequestGuildMembers,
      reason: "missing-intent",
      intent: GatewayIntent.GuildMembers,
    });
    return;
  }
  if (!core.sessionHasGuild(session, guildId)) return;
  const guild = core.guilds.find((g) => g.id === guildId)!;
  const now = core.scheduler.now();

  let members: Record<string, unknown>[];
  let notFound: string[] | undefined;
  if (allMembers) {
    const last = session.token.allMembers.get(guildId);
    if (last !== undefined && now - last < ALL_MEMBERS_WINDOW) {
      const meta: Record<string, unknown> = { guild_id: guildId };
      if (nonce !== undefined) meta.nonce = nonce;
      core.emitDispatch(session, "RATE_LIMITED", {
        opcode: GatewayOpcode.RequestGuildMembers,
        retry_after: (last + ALL_MEMBERS_WINDOW - now) / 1000,
        meta,
      }, true);
      return;
    }
    session.token.allMembers.set(guildId, now);
    members = guildMembers(guild, core.config);
  } else if (memberList) {
    members = guildMembers(guild, core.config).slice(0, d.limit as number);
  } else if (hasQuery) {
    const query = (d.query as string).toLowerCase();
    const limit = Math.min(d.limit === 0 ? 100 : d.limit as number, 100);
    members = guildMembers(guild, core.config).filter((member) =>
      (member.user as { username: string }).username.toLowerCase()
        .startsWith(query)
    ).slice(0, limit);
  } else {
    const ids = (Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids])
      .slice(0, 100) as string[];
    const all = new Map(
      guildMembers(guild, core.config).map((
        m,
      ) => [(m.user as { id: string }).id, m]),
    );
    members = [];
    notFound = [];
    for (const id of ids) {
      const member = all.get(id);
      if (member) members.push(member);
      else notFound.push(id);
    }
  }
  const withPresences = d.presences === true &&
    (session.intents & GatewayIntent.GuildPresences) !== 0;
  const chunkCount = Math.max(1, Math.ceil(members.length / CHUNK_SIZE));
  for (let index = 0; index < chunkCount; index++) {
    const chunk = members.slice(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE);
    const data: Record<string, unknown> = {
      guild_id: guildId,
      members: chunk,
      chunk_index: index,
      chunk_count: chunkCount,
    };
    if (notFound && index === 0 && notFound.length > 0) {
      data.not_found = notFound;
    }
    if (withPresences) {
      data.presences = chunk.map(presenceOf);
    }
    if (nonce !== undefined) data.nonce = nonce;
    core.emitDispatch(session, "GUILD_MEMBERS_CHUNK", data, true);
  }
}
