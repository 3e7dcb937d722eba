/**
 * The benchmark's event stream: a deterministic, realistic mix of ten
 * dispatch types with distinct IDs, shared by the server (which builds the
 * frames) and the clients (which check that every event arrives, once, in
 * order, with the right payload).
 *
 * Everything is a pure function of `(events, seed, last)`, so a client can
 * rebuild the schedule and the expected keys without receiving them.
 *
 * @module
 */

/** The ten dispatch types of the stream, by type index. */
export const EVENT_NAMES = [
  "MESSAGE_CREATE",
  "PRESENCE_UPDATE",
  "TYPING_START",
  "MESSAGE_REACTION_ADD",
  "MESSAGE_UPDATE",
  "MESSAGE_DELETE",
  "GUILD_MEMBER_UPDATE",
  "VOICE_STATE_UPDATE",
  "INTERACTION_CREATE",
  "GUILD_CREATE",
] as const;

/** One of {@linkcode EVENT_NAMES}. */
export type EventName = typeof EVENT_NAMES[number];

/** Share of each type in the stream, in per cent (same order as the names). */
export const EVENT_WEIGHTS: readonly number[] = [
  34,
  22,
  14,
  9,
  7,
  4,
  4,
  3.5,
  2.45,
  0.05,
];

/**
 * The intents the stream's events need: GUILDS, GUILD_MEMBERS,
 * GUILD_VOICE_STATES, GUILD_PRESENCES, GUILD_MESSAGES,
 * GUILD_MESSAGE_REACTIONS, GUILD_MESSAGE_TYPING and MESSAGE_CONTENT (a
 * literal, so the floor clients need not load the library).
 */
export const BENCH_INTENTS = 36739;

/** The default seed. */
export const DEFAULT_SEED = 20240501;

/** Sequence number of READY; events follow from 2. */
export const READY_SEQUENCE = 1;

/** What a stream is made of. */
export interface StreamSpec {
  /** How many events follow READY. */
  events: number;
  /** The seed of every random choice. */
  seed: number;
  /** The type of the last event (so a client that wants one type sees the end). */
  last: EventName;
}

/** mulberry32: small, fast, good enough for shuffling test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of `name` in {@linkcode EVENT_NAMES}. */
export function typeIndex(name: string): number {
  const index = (EVENT_NAMES as readonly string[]).indexOf(name);
  if (index < 0) {
    throw new RangeError(
      `Cannot use event type as it is not in the stream: current value '${name}'`,
    );
  }
  return index;
}

/**
 * The type of every event: `types[s]` for sequence `s` (2 to events + 1);
 * entries 0 and 1 are unused (1 is READY).
 */
export function schedule(spec: StreamSpec): Uint8Array {
  const random = rng(spec.seed);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of EVENT_WEIGHTS) cumulative.push(sum += weight);
  const types = new Uint8Array(spec.events + 2);
  for (let s = 2; s < types.length; s++) {
    const x = random() * sum;
    let i = 0;
    while (i < cumulative.length - 1 && x >= cumulative[i]!) i++;
    types[s] = i;
  }
  types[types.length - 1] = typeIndex(spec.last);
  return types;
}

/** The last sequence number of a stream. */
export function lastSequence(spec: StreamSpec): number {
  return spec.events + READY_SEQUENCE;
}

const SNOWFLAKE_BASE = 1_236_000_000_000_000_000n;
/** TYPING_START `timestamp` of sequence 0 (seconds). */
export const TYPING_BASE = 1_714_560_000;
/** PRESENCE_UPDATE `activities[0].created_at` of sequence 0 (ms). */
export const PRESENCE_BASE = 1_714_560_000_000;

/** The unique snowflake of the event with sequence `s` (its key). */
export function snowflake(s: number): string {
  return String(SNOWFLAKE_BASE + BigInt(s) * 4_194_304n + BigInt(s % 4096));
}

/**
 * Payloads are checked for every 8th sequence (`s & KEY_SAMPLE_MASK` is 0);
 * sequence and type are checked for every event. Keeps the expected keys
 * small (they are built before measuring and live in the client's heap).
 */
export const KEY_SAMPLE_MASK = 7;

/** The key snowflakes of the checked sequences: `keys[s >>> 3]`. */
export function snowflakes(spec: StreamSpec): string[] {
  const keys: string[] = new Array((lastSequence(spec) >>> 3) + 1);
  for (let i = 0; i < keys.length; i++) keys[i] = snowflake(i << 3);
  return keys;
}

// deno-lint-ignore no-explicit-any
type Payload = any;

/**
 * Per type: whether `d` is the payload of the event with sequence `s`,
 * whose snowflake is `key`. Each reads one field the way a handler would.
 */
export const KEY_CHECKS: readonly ((
  d: Payload,
  s: number,
  key: string | undefined,
) => boolean)[] = [
  (d, _s, key) => d.id === key,
  (d, s) => d.activities[0].created_at === PRESENCE_BASE + s,
  (d, s) => d.timestamp === TYPING_BASE + s,
  (d, _s, key) => d.message_id === key,
  (d, _s, key) => d.id === key,
  (d, _s, key) => d.id === key,
  (d, _s, key) => d.user.id === key,
  (d, _s, key) => d.session_id === key,
  (d, _s, key) => d.id === key,
  (d, _s, key) => d.id === key,
];

// ----------------------------------------------------------------- payloads

const WORDS = (
  "the a to and of in is it you that for on with this be are was have at " +
  "not but what so can just like do my if we all your they one about get " +
  "out up me when time no know lol yeah think good people new game server " +
  "bot role channel update patch release voice stream tonight anyone help " +
  "please thanks nice cool wait what's going here there ok sure maybe"
).split(" ");
const EMOJI = ["😀", "🎉", "👍", "🔥", "❤️", "😂", "🙏", "✨"];
const GAMES = [
  "Minecraft",
  "League of Legends",
  "Visual Studio Code",
  "Spotify",
  "Valorant",
  "Counter-Strike 2",
  "Elden Ring",
  "Baldur's Gate 3",
];
const LOCALES = ["en-US", "en-GB", "de", "fr", "pt-BR", "es-ES", "ja", "pl"];

/** Pools of users, guilds and channels events draw from. */
const USERS = 4000;
export const GUILDS = 40;
export const CHANNELS = 400;

function userId(i: number): string {
  return String(100_000_000_000_000_000n + BigInt(i) * 7919n);
}
export function guildId(i: number): string {
  return String(200_000_000_000_000_000n + BigInt(i) * 104729n);
}
export function channelId(i: number): string {
  return String(300_000_000_000_000_000n + BigInt(i) * 15485863n);
}
function roleId(i: number): string {
  return String(400_000_000_000_000_000n + BigInt(i) * 32452843n);
}
function hex(random: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out += "0123456789abcdef"[Math.floor(random() * 16)];
  }
  return out;
}
function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
function int(random: () => number, below: number): number {
  return Math.floor(random() * below);
}
function iso(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "000+00:00");
}

function user(i: number, id = userId(i)): Payload {
  return {
    username: `user_${i.toString(36)}`,
    public_flags: i % 7 === 0 ? 64 : 0,
    id,
    global_name: i % 3 === 0 ? null : `User ${i}`,
    discriminator: "0",
    clan: null,
    avatar_decoration_data: null,
    avatar: i % 5 === 0 ? null : hexOf(i),
    bot: i % 97 === 0 ? true : undefined,
  };
}
function hexOf(i: number): string {
  return (i * 2654435761 >>> 0).toString(16).padStart(8, "0").repeat(4);
}
function member(random: () => number, i: number): Payload {
  const roles = [];
  const count = int(random, 4);
  for (let r = 0; r < count; r++) roles.push(roleId((i + r * 13) % 60));
  return {
    roles,
    premium_since: i % 11 === 0 ? "2023-06-01T10:00:00.000000+00:00" : null,
    pending: false,
    nick: i % 4 === 0 ? `nick ${i}` : null,
    mute: false,
    joined_at: iso(1_600_000_000_000 + i * 86_400_000),
    flags: 0,
    deaf: false,
    communication_disabled_until: null,
    banner: null,
    avatar: null,
  };
}
function sentence(random: () => number, words: number): string {
  let out = "";
  for (let w = 0; w < words; w++) {
    if (w > 0) out += " ";
    out += pick(random, WORDS);
  }
  const r = random();
  if (r < 0.12) out += " " + pick(random, EMOJI);
  else if (r < 0.18) out += ' "quoted" \\ back\nslash';
  else if (r < 0.22) out += " https://example.com/watch?v=" + hex(random, 11);
  return out;
}
function embed(random: () => number): Payload {
  return {
    type: "rich",
    url: "https://example.com/article/" + hex(random, 8),
    title: sentence(random, 3 + int(random, 6)),
    description: sentence(random, 10 + int(random, 40)),
    color: int(random, 0xffffff),
    fields: [{
      name: "Version",
      value: `${int(random, 9)}.${int(random, 20)}.${int(random, 99)}`,
      inline: true,
    }],
    footer: { text: "via webhook" },
    thumbnail: {
      url: "https://cdn.example.com/t/" + hex(random, 16) + ".png",
      width: 128,
      height: 128,
    },
  };
}

function message(
  random: () => number,
  s: number,
  id: string,
  edited: boolean,
  depth = 0,
): Payload {
  const author = int(random, USERS);
  const channel = int(random, CHANNELS);
  const guild = channel % GUILDS;
  const now = 1_714_560_000_000 + s * 37;
  const mentions = [];
  if (random() < 0.2) {
    const who = int(random, USERS);
    mentions.push({ ...user(who), member: member(random, who) });
  }
  const attachments = [];
  if (random() < 0.1) {
    attachments.push({
      width: 1920,
      url: `https://cdn.example.com/attachments/${
        channelId(channel)
      }/${id}/image.png`,
      size: 100_000 + int(random, 900_000),
      proxy_url: `https://media.example.net/attachments/${
        channelId(channel)
      }/${id}/image.png`,
      id: snowflake(s + 1_000_000_000),
      height: 1080,
      filename: "image.png",
      content_type: "image/png",
    });
  }
  const reply = depth === 0 && random() < 0.15;
  return {
    type: reply ? 19 : 0,
    tts: false,
    timestamp: iso(now - (edited ? 60_000 : 0)),
    pinned: false,
    nonce: random() < 0.7 ? snowflake(s + 2_000_000_000) : undefined,
    mentions,
    mention_roles: [],
    mention_everyone: false,
    member: member(random, author),
    id,
    flags: 0,
    embeds: random() < 0.15 ? [embed(random)] : [],
    edited_timestamp: edited ? iso(now) : null,
    content: sentence(random, 2 + int(random, random() < 0.2 ? 60 : 14)),
    components: [],
    channel_type: 0,
    channel_id: channelId(channel),
    author: user(author),
    attachments,
    guild_id: guildId(guild),
    message_reference: reply
      ? {
        type: 0,
        channel_id: channelId(channel),
        message_id: snowflake(s - 1 - int(random, 50)),
        guild_id: guildId(guild),
      }
      : undefined,
    referenced_message: reply
      ? message(random, s - 1, snowflake(s - 1), false, depth + 1)
      : undefined,
  };
}

function presence(random: () => number, s: number): Payload {
  const who = int(random, USERS);
  const activities: Payload[] = [{
    type: 4,
    state: sentence(random, 1 + int(random, 5)),
    name: "Custom Status",
    id: "custom",
    created_at: PRESENCE_BASE + s,
  }];
  if (random() < 0.5) {
    activities.push({
      type: 0,
      timestamps: { start: PRESENCE_BASE - int(random, 3_600_000) },
      state: random() < 0.5 ? "In a match" : undefined,
      session_id: hex(random, 32),
      name: pick(random, GAMES),
      id: hex(random, 16),
      details: random() < 0.5 ? "Ranked" : undefined,
      created_at: PRESENCE_BASE + s - 1,
      assets: random() < 0.5
        ? { large_image: "mp:external/" + hex(random, 24), large_text: "Map" }
        : undefined,
      application_id: String(
        500_000_000_000_000_000n + BigInt(int(random, 50)),
      ),
    });
  }
  const status = pick(random, ["online", "idle", "dnd", "online"]);
  return {
    user: { id: userId(who) },
    status,
    guild_id: guildId(who % GUILDS),
    client_status: random() < 0.7 ? { desktop: status } : { mobile: status },
    activities,
  };
}

function typing(random: () => number, s: number): Payload {
  const who = int(random, USERS);
  const channel = int(random, CHANNELS);
  return {
    user_id: userId(who),
    timestamp: TYPING_BASE + s,
    member: { ...member(random, who), user: user(who) },
    channel_id: channelId(channel),
    guild_id: guildId(channel % GUILDS),
  };
}

function reaction(random: () => number, key: string): Payload {
  const who = int(random, USERS);
  const channel = int(random, CHANNELS);
  const custom = random() < 0.3;
  return {
    user_id: userId(who),
    type: 0,
    message_id: key,
    message_author_id: userId(int(random, USERS)),
    member: { ...member(random, who), user: user(who) },
    emoji: custom
      ? { name: "pepe_" + hex(random, 3), id: snowflake(int(random, 500)) }
      : { name: pick(random, EMOJI), id: null },
    channel_id: channelId(channel),
    burst: false,
    burst_colors: [],
    guild_id: guildId(channel % GUILDS),
  };
}

function deletion(random: () => number, key: string): Payload {
  const channel = int(random, CHANNELS);
  return {
    id: key,
    channel_id: channelId(channel),
    guild_id: guildId(channel % GUILDS),
  };
}

function memberUpdate(random: () => number, s: number, key: string): Payload {
  const who = s % USERS;
  return {
    ...member(random, who),
    user: user(who, key),
    guild_id: guildId(who % GUILDS),
  };
}

function voiceState(random: () => number, key: string): Payload {
  const who = int(random, USERS);
  const channel = int(random, CHANNELS);
  return {
    member: { ...member(random, who), user: user(who) },
    user_id: userId(who),
    suppress: false,
    session_id: key,
    self_video: random() < 0.1,
    self_mute: random() < 0.4,
    self_deaf: random() < 0.1,
    request_to_speak_timestamp: null,
    mute: false,
    guild_id: guildId(channel % GUILDS),
    deaf: false,
    channel_id: random() < 0.2 ? null : channelId(channel),
  };
}

function interaction(random: () => number, key: string): Payload {
  const who = int(random, USERS);
  const channel = int(random, CHANNELS);
  const guild = channel % GUILDS;
  return {
    version: 1,
    type: 2,
    token: "aW50ZXJhY3Rpb246" + hex(random, 180),
    member: {
      ...member(random, who),
      user: user(who),
      permissions: "2248473465835073",
    },
    locale: pick(random, LOCALES),
    id: key,
    guild_locale: "en-US",
    guild_id: guildId(guild),
    guild: {
      locale: "en-US",
      id: guildId(guild),
      features: ["COMMUNITY", "NEWS"],
    },
    entitlements: [],
    entitlement_sku_ids: [],
    data: {
      type: 1,
      name: pick(random, ["ping", "play", "ban", "poll", "remind"]),
      id: String(600_000_000_000_000_000n + BigInt(int(random, 5))),
      options: random() < 0.6
        ? [{ type: 3, name: "query", value: sentence(random, 3) }]
        : undefined,
    },
    context: 0,
    channel_id: channelId(channel),
    channel: {
      type: 0,
      topic: null,
      rate_limit_per_user: 0,
      position: channel % 50,
      permissions: "2248473465835073",
      parent_id: channelId(guild),
      nsfw: false,
      name: `channel-${channel}`,
      last_message_id: snowflake(int(random, 1000)),
      id: channelId(channel),
      guild_id: guildId(guild),
      flags: 0,
    },
    authorizing_integration_owners: { "0": guildId(guild) },
    attachment_size_limit: 10_485_760,
    application_id: "123456789012345678",
    app_permissions: "2248473465835073",
  };
}

function guildCreate(random: () => number, key: string): Payload {
  const memberCount = 50 + int(random, 450);
  const channels = [];
  const channelCount = 20 + int(random, 80);
  for (let i = 0; i < channelCount; i++) {
    channels.push({
      version: 0,
      type: i % 6 === 0 ? 4 : i % 9 === 0 ? 2 : 0,
      topic: i % 3 === 0 ? sentence(random, 8) : null,
      rate_limit_per_user: 0,
      position: i,
      permission_overwrites: [{
        type: 0,
        id: key,
        deny: "1024",
        allow: "0",
      }],
      parent_id: i % 6 === 0 ? null : channelId(i - (i % 6)),
      nsfw: false,
      name: `channel-${i}`,
      last_message_id: snowflake(int(random, 1_000_000)),
      id: channelId(10_000 + i),
      flags: 0,
    });
  }
  const roles = [];
  for (let i = 0; i < 40; i++) {
    roles.push({
      version: 1,
      unicode_emoji: null,
      tags: {},
      position: i,
      permissions: "1071698660929",
      name: `role ${i}`,
      mentionable: i % 2 === 0,
      managed: false,
      id: roleId(i),
      icon: null,
      hoist: i % 5 === 0,
      flags: 0,
      colors: { primary_color: i * 4000, secondary_color: null },
      color: i * 4000,
    });
  }
  const members = [];
  const presences = [];
  for (let i = 0; i < memberCount; i++) {
    const who = int(random, USERS);
    members.push({ ...member(random, who), user: user(who) });
    if (random() < 0.4) presences.push(presence(random, 0));
  }
  const emojis = [];
  for (let i = 0; i < 30; i++) {
    emojis.push({
      version: 0,
      roles: [],
      require_colons: true,
      name: "emote_" + hex(random, 4),
      managed: false,
      id: snowflake(100 + i),
      available: true,
      animated: i % 5 === 0,
    });
  }
  return {
    version: 1,
    verification_level: 1,
    afk_timeout: 300,
    system_channel_id: channelId(10_001),
    nsfw_level: 0,
    members,
    presences,
    premium_tier: 2,
    voice_states: [],
    emojis,
    stickers: [],
    channels,
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    roles,
    owner_id: userId(int(random, USERS)),
    name: "Guild " + hex(random, 6),
    member_count: memberCount * 20,
    large: true,
    lazy: true,
    joined_at: "2021-01-01T00:00:00.000000+00:00",
    id: key,
    icon: hex(random, 32),
    features: ["COMMUNITY", "NEWS", "INVITE_SPLASH", "ANIMATED_ICON"],
    description: sentence(random, 12),
    preferred_locale: "en-US",
    unavailable: false,
  };
}

/**
 * The `d` of the event with sequence `s` and type `type`; `random` is the
 * stream's payload generator (called in sequence order).
 */
export function payload(
  random: () => number,
  s: number,
  type: number,
): Payload {
  const key = snowflake(s);
  switch (type) {
    case 0:
      return message(random, s, key, false);
    case 1:
      return presence(random, s);
    case 2:
      return typing(random, s);
    case 3:
      return reaction(random, key);
    case 4:
      return message(random, s, key, true);
    case 5:
      return deletion(random, key);
    case 6:
      return memberUpdate(random, s, key);
    case 7:
      return voiceState(random, key);
    case 8:
      return interaction(random, key);
    default:
      return guildCreate(random, key);
  }
}

/** The frame of the event with sequence `s`, in Discord's key order. */
export function eventFrame(
  random: () => number,
  s: number,
  type: number,
): string {
  return `{"t":"${EVENT_NAMES[type]}","s":${s},"op":0,"d":${
    JSON.stringify(payload(random, s, type))
  }}`;
}

/** HELLO with the given heartbeat interval. */
export function helloFrame(heartbeatInterval: number): string {
  return `{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":${heartbeatInterval},"_trace":["[\\"gateway-prd-bench-0\\",{\\"micros\\":0.0}]"]}}`;
}

/** READY for shard `[shardId, shardCount]`. */
export function readyFrame(
  sessionId: string,
  resumeUrl: string,
  shard: readonly [number, number] | undefined,
): string {
  const d = {
    v: 10,
    user_settings: {},
    user: {
      verified: true,
      username: "bench-bot",
      mfa_enabled: false,
      id: "123456789012345678",
      global_name: null,
      flags: 0,
      email: null,
      discriminator: "0",
      bot: true,
      avatar: null,
    },
    session_type: "normal",
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    relationships: [],
    private_channels: [],
    presences: [],
    // The stream's guilds, as Discord lists a session's guilds: a cache
    // given their GUILD_CREATEs before the stream keeps them (and drops
    // cached guilds a READY leaves out).
    guilds: Array.from({ length: GUILDS }, (_, g) => ({
      id: guildId(g),
      unavailable: true,
    })),
    guild_join_requests: [],
    geo_ordered_rtc_regions: ["us-east", "us-central"],
    auth: {},
    application: { id: "123456789012345678", flags: 565248 },
    _trace: ['["gateway-prd-bench-0",{"micros":1234}]'],
    ...(shard ? { shard } : {}),
  };
  return `{"t":"READY","s":${READY_SEQUENCE},"op":0,"d":${JSON.stringify(d)}}`;
}
