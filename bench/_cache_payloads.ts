/**
 * Payloads of the cache benchmarks: guilds, members and messages shaped as
 * Discord sends them (deterministic, from a seeded random), and the
 * GUILD_CREATEs of the gateway stream's 40 guilds that a cache is given
 * before the stream (`bench/_stream.ts` sends no GUILD_CREATE for them).
 *
 * @module
 */
import { channelId, CHANNELS, guildId, GUILDS, rng } from "./_stream.ts";

/** The bot's user in READY. */
export const BOT = {
  id: "123456789012345678",
  username: "bench-bot",
  discriminator: "0",
  global_name: null,
  avatar: null,
  bot: true,
};

function hex(random: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

function time(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + "000+00:00";
}

const WORDS =
  "the a to and of in is it you that for on with this be are was have at not but what so can just like do my if we all your they one about get out up game server bot role channel update voice"
    .split(" ");

function sentence(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  }
  return out.join(" ");
}

/** A guild id of the memory phase. */
export function memGuildId(g: number): string {
  return String(400_000_000_000_000_000n + BigInt(g) * 104729n);
}
/** A channel id of the memory phase. */
export function memChannelId(g: number, c: number): string {
  return String(500_000_000_000_000_000n + BigInt(g * 40 + c) * 15485863n);
}
function memRoleId(g: number, r: number): string {
  return String(600_000_000_000_000_000n + BigInt(g * 30 + r) * 7919n);
}
function memUserId(g: number, m: number): string {
  return String(700_000_000_000_000_000n + BigInt(g * 500 + m) * 7919n);
}

function user(random: () => number, id: string): Record<string, unknown> {
  return {
    id,
    username: "user_" + hex(random, 8),
    global_name: random() < 0.6 ? "Name " + hex(random, 4) : null,
    avatar: random() < 0.8 ? hex(random, 32) : null,
    discriminator: "0",
    public_flags: 0,
    avatar_decoration_data: null,
  };
}

/** A member of guild `g` with a distinct user. */
export function member(random: () => number, g: number, m: number): unknown {
  const roles: string[] = [];
  for (let r = 1; r < 30; r++) if (random() < 0.08) roles.push(memRoleId(g, r));
  return {
    user: user(random, memUserId(g, m)),
    roles,
    nick: random() < 0.3 ? "nick " + hex(random, 4) : null,
    avatar: null,
    banner: null,
    joined_at: time(1_600_000_000_000 + Math.floor(random() * 1e11)),
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
}

/** A GUILD_CREATE: 30 roles, the given channels, no members. */
export function guildCreate(
  random: () => number,
  g: number,
  id: string,
  channels: string[],
): unknown {
  return {
    id,
    name: "Guild " + hex(random, 6),
    icon: hex(random, 32),
    owner_id: memUserId(g, 0),
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    features: ["COMMUNITY", "NEWS"],
    mfa_level: 0,
    system_channel_flags: 0,
    premium_tier: 1,
    preferred_locale: "en-US",
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: time(1_600_000_000_000),
    large: true,
    unavailable: false,
    member_count: 500,
    roles: Array.from({ length: 30 }, (_, r) => ({
      id: r === 0 ? id : memRoleId(g, r),
      name: r === 0 ? "@everyone" : "role " + hex(random, 4),
      color: Math.floor(random() * 0xffffff),
      hoist: false,
      position: r,
      permissions: "1071698660929",
      managed: false,
      mentionable: false,
      flags: 0,
    })),
    emojis: [],
    stickers: [],
    channels: channels.map((channel, c) => ({
      id: channel,
      type: c % 8 === 7 ? 2 : 0,
      name: "channel-" + hex(random, 5),
      position: c,
      parent_id: null,
      topic: random() < 0.5 ? sentence(random, 8) : null,
      nsfw: false,
      rate_limit_per_user: 0,
      last_message_id: null,
      permission_overwrites: [
        { id, type: 0, allow: "0", deny: "1024" },
      ],
      flags: 0,
    })),
    threads: [],
    members: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A MESSAGE_CREATE in channel `c` of guild `g` by one of its members. */
export function messageCreate(
  random: () => number,
  g: number,
  c: number,
  i: number,
): unknown {
  const author = Math.floor(random() * 500);
  return {
    type: 0,
    tts: false,
    timestamp: time(1_714_560_000_000 + i * 1000),
    pinned: false,
    nonce: String(Math.floor(random() * 1e15)),
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    member: {
      roles: [],
      premium_since: null,
      pending: false,
      nick: null,
      mute: false,
      joined_at: time(1_600_000_000_000),
      flags: 0,
      deaf: false,
      communication_disabled_until: null,
      banner: null,
      avatar: null,
    },
    id: String(800_000_000_000_000_000n + BigInt((g * 40 + c) * 1000 + i)),
    flags: 0,
    embeds: [],
    edited_timestamp: null,
    content: sentence(random, 4 + Math.floor(random() * 16)),
    components: [],
    channel_id: memChannelId(g, c),
    author: user(rng(g * 500 + author + 1), memUserId(g, author)),
    attachments: [],
    guild_id: memGuildId(g),
  };
}

/**
 * The GUILD_CREATE of each of the stream's guilds, with its channels (the
 * stream's channel `c` is in guild `c % GUILDS`), 30 roles and no members.
 *
 * @returns `GUILDS` payloads, the same every call.
 */
export function streamGuildCreates(): unknown[] {
  const random = rng(7);
  const guilds: unknown[] = [];
  for (let g = 0; g < GUILDS; g++) {
    const channels: string[] = [];
    for (let c = g; c < CHANNELS; c += GUILDS) channels.push(channelId(c));
    guilds.push(guildCreate(random, g, guildId(g), channels));
  }
  return guilds;
}
