/**
 * What the fake gateway sends about its world: generated guilds, their
 * members, GUILD_CREATE and READY payloads, and session IDs. Private to the
 * test kit.
 *
 * @module
 */
import type { FakeGuildSeed } from "./fake_gateway_types.ts";
import { GatewayIntent } from "../types/intents.ts";
import { isSnowflake, nonNegativeInteger } from "./_gateway_checks.ts";
import {
  type Conn,
  type GatewayConfig,
  type Guild,
  type Session,
  textChannelId,
  voiceChannelId,
} from "./_gateway_model.ts";

/** Discord's epoch-based IDs for generated guilds: `(BASE + i) << 22`. */
const GENERATED_GUILD_BASE = 300_000_000_000n;
const JOINED_AT = "2024-01-01T00:00:00.000000+00:00";

/**
 * The most guilds the `guilds` option generates: each is built up front,
 * and `2 ** 31` of them exhausted the heap (a larger count failed with a
 * bare "Invalid array length"). 40 shards' worth at 2500 per shard.
 */
export const MAX_GENERATED_GUILDS = 100_000;

/**
 * The most members `membersPerGuild` generates per guild: an op 8 that
 * lists them builds every one.
 */
export const MAX_MEMBERS_PER_GUILD = 100_000;

/** The guilds of the `guilds` option: generated, or seeded by ID. */
export function makeGuilds(
  guilds: number | readonly (string | FakeGuildSeed)[],
): Guild[] {
  if (typeof guilds === "number") {
    nonNegativeInteger("guilds", guilds);
    // Refused before anything is allocated.
    if (guilds > MAX_GENERATED_GUILDS) {
      throw new RangeError(
        `Cannot create FakeGateway as 'guilds' must be a non-negative integer of at most ${MAX_GENERATED_GUILDS}: current value 'guilds=${guilds}'`,
      );
    }
    return Array.from({ length: guilds }, (_, index) => {
      const big = (GENERATED_GUILD_BASE + BigInt(index)) << 22n;
      return { id: String(big), index, big, extra: {} };
    });
  }
  const seen = new Set<string>();
  return guilds.map((entry, index) => {
    const { id, ...extra } = typeof entry === "string" ? { id: entry } : entry;
    if (!isSnowflake(id)) {
      throw new TypeError(
        `Cannot create FakeGateway as guild IDs must be snowflakes: current value 'guilds[${index}]=${
          String(id)
        }'`,
      );
    }
    if (seen.has(id)) {
      throw new RangeError(
        `Cannot create FakeGateway as guild IDs must be unique: current value 'guilds[${index}]=${id}'`,
      );
    }
    seen.add(id);
    return { id, index, big: BigInt(id), extra };
  });
}

/** A random 32-hex-digit session ID. */
export function sessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The bot's user object, as members and READY carry it. */
function botUser(
  config: Pick<GatewayConfig, "botUser">,
): Record<string, unknown> {
  return {
    id: config.botUser.id,
    username: config.botUser.username,
    discriminator: "0",
    global_name: null,
    avatar: null,
    bot: true,
  };
}

/**
 * A guild's members: the bot first, then `member1`, `member2`, ...
 *
 * @param guild The guild.
 * @param config The bot user and the member count.
 * @returns The member objects.
 */
export function members(
  guild: Guild,
  config: Pick<GatewayConfig, "botUser" | "membersPerGuild">,
): Record<string, unknown>[] {
  const members: Record<string, unknown>[] = [];
  for (let i = 0; i < config.membersPerGuild; i++) {
    members.push(
      memberOf(i === 0 ? botUser(config) : generatedUser(guild.big, i)),
    );
  }
  return members;
}

/**
 * A guild's members beyond the generated ones (`config.extraMembers`, those
 * the generated list already has left out).
 *
 * @param guild The guild.
 * @param config The bot user, the member count and the extra members.
 * @returns The extra members (with `user`).
 */
export function extraMembers(
  guild: Guild,
  config: Pick<GatewayConfig, "botUser" | "membersPerGuild" | "extraMembers">,
): Record<string, unknown>[] {
  return (config.extraMembers?.(guild.id) ?? []).filter((member) => {
    const id = (member.user as { id: string }).id;
    return id !== config.botUser.id &&
      generatedMember(guild.id, id, config.membersPerGuild) === undefined;
  });
}

/**
 * Every member of a guild, as op 8 searches them: the generated ones, then
 * the extra ones.
 *
 * @param guild The guild.
 * @param config The bot user, the member count and the extra members.
 * @returns The members (with `user`).
 */
export function guildDirectory(
  guild: Guild,
  config: Pick<GatewayConfig, "botUser" | "membersPerGuild" | "extraMembers">,
): Record<string, unknown>[] {
  return [...members(guild, config), ...extraMembers(guild, config)];
}

/** The generated member `member<i>` (i >= 1) of the guild `big` names. */
function generatedUser(big: bigint, i: number): Record<string, unknown> {
  return {
    id: String(big + 1000n + BigInt(i)),
    username: `member${i}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
  };
}

/** A member object around `user`, as the fixtures' members all look. */
function memberOf(user: Record<string, unknown>): Record<string, unknown> {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles: [],
    joined_at: JOINED_AT,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

/**
 * One generated member of a guild (`member1`, `member2`, ...; not the bot)
 * by user ID, as {@linkcode members} lists it: what a `<@id>` mention in a
 * fake message finds when the fake gateway, not the REST resources, knows
 * the user.
 *
 * @param guildId The guild.
 * @param userId The user ID.
 * @param membersPerGuild The gateway's `membersPerGuild` (the bot counted).
 * @returns The member (with `user`), or `undefined` when the ID is none of
 *   the guild's generated members.
 */
export function generatedMember(
  guildId: string,
  userId: string,
  membersPerGuild: number,
): Record<string, unknown> | undefined {
  if (!/^\d+$/.test(userId)) return undefined;
  const big = BigInt(guildId);
  const i = BigInt(userId) - big - 1000n;
  if (i < 1n || i >= BigInt(membersPerGuild)) return undefined;
  return memberOf(generatedUser(big, Number(i)));
}

/**
 * The guild object's own fields, as both fakes send it: GUILD_CREATE (with
 * its extra gateway fields around it) and REST's GET/PATCH /guilds/{id}.
 *
 * @param guild Its ID, name, owner and roles.
 * @returns The fields.
 */
export function guildObject(guild: {
  id: string;
  name: string;
  ownerId: string;
  roles: readonly unknown[];
}): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: guild.roles,
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    // Always present on Discord's guild object: null while no raid
    // protection (paused invites or DMs) is on.
    incidents_data: null,
  };
}

/**
 * A member's presence as the fixtures have it: every generated member is
 * online (GUILD_CREATE's `presences`, op 8's `presences: true`).
 *
 * @param member A member object of {@linkcode members}.
 * @returns The partial presence update.
 */
export function presenceOf(
  member: Record<string, unknown>,
): Record<string, unknown> {
  return {
    user: { id: (member.user as { id: string }).id },
    status: "online",
    activities: [],
    client_status: { desktop: "online" },
  };
}

/**
 * A guild's GUILD_CREATE. Its `members` and `presences` follow Discord's
 * rule for the initial member list (gateway-events, Request Guild Members):
 * with the `GUILD_PRESENCES` intent and no more members than the session's
 * `large_threshold`, every member and their presences; otherwise (no
 * intent, or a large guild, whose fixture members the fake counts as
 * offline: a bot must request them with op 8, as it must a real large
 * guild's offline members) only the bot, the connecting user, with no
 * presences.
 *
 * @param guild The guild.
 * @param session The session's `large_threshold` and intents.
 * @param config The bot user and the member count.
 * @returns The payload.
 */
export function guildCreate(
  guild: Guild,
  session: { largeThreshold: number; intents: number },
  config: Pick<GatewayConfig, "botUser" | "membersPerGuild" | "extraMembers">,
): Record<string, unknown> {
  const { largeThreshold } = session;
  const extra = extraMembers(guild, config);
  const memberCount = config.membersPerGuild + extra.length;
  const everyone = (session.intents & GatewayIntent.GuildPresences) !== 0 &&
    memberCount <= largeThreshold;
  // Only the members sent are built: a fixture of 100,000 members built
  // them all for every GUILD_CREATE to send one.
  const listed = members(guild, {
    botUser: config.botUser,
    membersPerGuild: everyone
      ? config.membersPerGuild
      : Math.min(config.membersPerGuild, 1),
  });
  if (everyone) listed.push(...extra);
  return {
    ...guildObject({
      id: guild.id,
      name: `Fake Guild ${guild.index}`,
      ownerId: config.botUser.id,
      roles: [{
        id: guild.id,
        name: "@everyone",
        color: 0,
        // Discord's role colors, `color` kept as `primary_color`. Spelled
        // out, not fake_resources.ts's solidColors: that module imports
        // this one, and imports must not go round in a circle.
        colors: {
          primary_color: 0,
          secondary_color: null,
          tertiary_color: null,
        },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: "0",
        managed: false,
        mentionable: false,
        flags: 0,
      }],
    }),
    stickers: [],
    joined_at: JOINED_AT,
    large: memberCount > largeThreshold,
    unavailable: false,
    member_count: memberCount,
    voice_states: [],
    members: listed,
    channels: [
      {
        id: textChannelId(guild.id),
        type: 0,
        name: "general",
        position: 0,
        permission_overwrites: [],
        parent_id: null,
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
      },
      {
        id: voiceChannelId(guild),
        type: 2,
        name: "Voice",
        position: 1,
        permission_overwrites: [],
        parent_id: null,
        bitrate: 64000,
        user_limit: 0,
        rtc_region: null,
      },
    ],
    threads: [],
    presences: everyone ? listed.map(presenceOf) : [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    ...guild.extra,
  };
}

/**
 * READY for a new session: the bot user, the session, the resume URL and
 * the shard's guilds as unavailable.
 *
 * @param conn The connection it goes out on.
 * @param session The new session.
 * @param guilds The guilds on the session's shard.
 * @param config The bot user and application.
 * @returns The payload.
 */
export function readyPayload(
  conn: Conn,
  session: Session,
  guilds: readonly Guild[],
  config: Pick<GatewayConfig, "botUser" | "applicationId">,
): Record<string, unknown> {
  const ready: Record<string, unknown> = {
    v: conn.version,
    user_settings: {},
    user: {
      ...botUser(config),
      verified: true,
      mfa_enabled: true,
      email: null,
      flags: 0,
    },
    session_type: "normal",
    session_id: session.id,
    resume_gateway_url: conn.resumeUrl,
    relationships: [],
    private_channels: [],
    presences: [],
    guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
    guild_join_requests: [],
    geo_ordered_rtc_regions: ["us-east"],
    auth: {},
    application: { id: config.applicationId, flags: 0 },
  };
  if (session.shard) ready.shard = session.shard;
  return ready;
}
