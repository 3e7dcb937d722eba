// Guilds, channels and scheduled events are kept with their documented
// fields only: other events copy them to change one field (member_count,
// last_message_id, user_count), so extra keys a gateway sends would be
// copied by every such event after it. Every kept value is a copy: the
// Client hands the same payload to the handlers next.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";
import { createdGuild } from "./_created_guild.ts";

/** `count` keys no Discord object has, on top of `value`. */
function withJunk<T extends object>(value: T, count: number): T {
  const junk: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) junk[`junk_${i}`] = i;
  return { ...junk, ...value };
}

Deno.test("a guild, channel or scheduled event sent with 10,000 undocumented keys is kept with its documented ones, through the events that copy it", () => {
  const cache = new MemoryCache();
  cache.apply(
    "GUILD_CREATE",
    withJunk({
      id: "1",
      name: "g",
      member_count: 1,
      channels: [withJunk({ id: "2", type: 0, name: "general" }, 10_000)],
      guild_scheduled_events: [
        withJunk({ id: "3", name: "party", user_count: 0 }, 10_000),
      ],
      roles: [],
      members: [],
    }, 10_000),
  );
  cache.apply(
    "CHANNEL_CREATE",
    withJunk({ id: "4", guild_id: "1", type: 0, name: "other" }, 10_000),
  );
  cache.apply(
    "GUILD_SCHEDULED_EVENT_CREATE",
    withJunk({ id: "5", guild_id: "1", name: "quiz" }, 10_000),
  );
  cache.apply("GUILD_MEMBER_ADD", {
    guild_id: "1",
    user: user("6"),
    roles: [],
    joined_at: null,
  });
  cache.apply("MESSAGE_CREATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    author: user("6"),
    content: "hi",
  });
  cache.apply("GUILD_SCHEDULED_EVENT_USER_ADD", {
    guild_id: "1",
    guild_scheduled_event_id: "3",
    user_id: "6",
  });
  assert.deepEqual(cache.guild("1"), { id: "1", name: "g", member_count: 2 });
  assert.deepEqual(cache.channel("2"), {
    id: "2",
    type: 0,
    name: "general",
    guild_id: "1",
    last_message_id: "100",
  });
  assert.deepEqual(cache.channel("4"), {
    id: "4",
    guild_id: "1",
    type: 0,
    name: "other",
  });
  assert.deepEqual(cache.scheduledEvent("1", "3"), {
    id: "3",
    name: "party",
    user_count: 1,
    guild_id: "1",
  });
  assert.deepEqual(cache.scheduledEvent("1", "5"), {
    id: "5",
    guild_id: "1",
    name: "quiz",
  });
});

Deno.test("a handler editing its event's guild, channel or scheduled event does not edit the cache", () => {
  const cache = new MemoryCache();
  const guild = {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, name: "general" }],
    roles: [],
    members: [],
  };
  cache.apply("GUILD_CREATE", guild);
  const event = { id: "5", guild_id: "1", name: "quiz" };
  cache.apply("GUILD_SCHEDULED_EVENT_CREATE", event);
  guild.name = "edited";
  guild.channels[0]!.name = "edited";
  event.name = "edited";
  assert.equal(createdGuild(cache.guild("1"))?.name, "g");
  assert.equal(cache.channel("2")?.name, "general");
  assert.equal(cache.scheduledEvent("1", "5")?.name, "quiz");
});

Deno.test("a handler editing its event's role, emoji, sticker, stage instance, soundboard sound or integration does not edit the cache, nor the next update's old", () => {
  const cache = new MemoryCache();
  /** Every string in `value` made `"edited"`, as a handler may. */
  const edit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(edit);
    else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      for (const [key, field] of Object.entries(record)) {
        if (typeof field === "string") record[key] = "edited";
        else edit(field);
      }
    }
  };
  const applyAndEdit = (event: string, data: Record<string, unknown>): void => {
    cache.apply(event, data);
    edit(data);
  };
  applyAndEdit("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 13, name: "stage" }],
    roles: [{ id: "1", name: "everyone" }],
    emojis: [{ id: "3", name: "wave" }],
    stickers: [{ id: "4", guild_id: "1", name: "sticker" }],
    stage_instances: [{ id: "5", guild_id: "1", channel_id: "2", topic: "s" }],
    soundboard_sounds: [{ sound_id: "6", guild_id: "1", name: "sound" }],
    members: [],
  });
  assert.equal(cache.role("1", "1")?.name, "everyone");
  assert.equal(cache.emoji("1", "3")?.name, "wave");
  assert.equal(cache.sticker("1", "4")?.name, "sticker");
  assert.equal(cache.stageInstance("1", "5")?.topic, "s");
  assert.equal(cache.soundboardSound("1", "6")?.name, "sound");
  const role = { id: "10", name: "role" };
  applyAndEdit("GUILD_ROLE_CREATE", { guild_id: "1", role });
  assert.equal(cache.role("1", "10")?.name, "role");
  const update = { id: "10", name: "role 2" };
  applyAndEdit("GUILD_ROLE_UPDATE", { guild_id: "1", role: update });
  assert.equal(cache.role("1", "10")?.name, "role 2");
  const { old } = cache.apply("GUILD_ROLE_UPDATE", {
    guild_id: "1",
    role: { id: "10", name: "role 3" },
  });
  assert.notEqual(old, update);
  assert.deepEqual(old, { id: "10", name: "role 2" });
  applyAndEdit("GUILD_EMOJIS_UPDATE", {
    guild_id: "1",
    emojis: [{ id: "11", name: "emoji" }],
  });
  assert.equal(cache.emoji("1", "11")?.name, "emoji");
  applyAndEdit("GUILD_STICKERS_UPDATE", {
    guild_id: "1",
    stickers: [{ id: "12", guild_id: "1", name: "sticker 2" }],
  });
  assert.equal(cache.sticker("1", "12")?.name, "sticker 2");
  for (const event of ["CREATE", "UPDATE"]) {
    applyAndEdit(`STAGE_INSTANCE_${event}`, {
      id: "13",
      guild_id: "1",
      channel_id: "2",
      topic: event,
    });
    assert.equal(cache.stageInstance("1", "13")?.topic, event);
    applyAndEdit(`GUILD_SOUNDBOARD_SOUND_${event}`, {
      sound_id: "14",
      guild_id: "1",
      name: event,
    });
    assert.equal(cache.soundboardSound("1", "14")?.name, event);
    applyAndEdit(`INTEGRATION_${event}`, {
      id: "15",
      guild_id: "1",
      name: event,
    });
    assert.equal(cache.integrations("1")[0]?.name, event);
  }
  applyAndEdit("GUILD_SOUNDBOARD_SOUNDS_UPDATE", {
    guild_id: "1",
    soundboard_sounds: [{ sound_id: "16", guild_id: "1", name: "sounds" }],
  });
  assert.equal(cache.soundboardSound("1", "16")?.name, "sounds");
  applyAndEdit("SOUNDBOARD_SOUNDS", {
    guild_id: "1",
    soundboard_sounds: [{ sound_id: "17", guild_id: "1", name: "all" }],
  });
  assert.equal(cache.soundboardSound("1", "17")?.name, "all");
});

/** A user with every documented field, none of them its usual value. */
function fullUser(id: string): Record<string, unknown> {
  return {
    id,
    username: `user${id}`,
    discriminator: "1234",
    global_name: "Full",
    avatar: "0123456789abcdef0123456789abcdef",
    bot: false,
    system: true,
    mfa_enabled: true,
    banner: "a_0123456789abcdef0123456789abcdef",
    accent_color: 255,
    locale: "de",
    verified: false,
    email: "a@b.c",
    flags: 64,
    premium_type: 2,
    public_flags: 64,
    avatar_decoration_data: { asset: "x", sku_id: "9", expires_at: null },
    collectibles: { nameplate: { asset: "n", sku_id: "8" } },
    primary_guild: { identity_guild_id: "1", identity_enabled: true },
  };
}

/** A user with every documented field at its most common value. */
function usualUser(id: string): Record<string, unknown> {
  return {
    id,
    username: `user${id}`,
    discriminator: "0",
    global_name: null,
    avatar: null,
    bot: true,
    system: false,
    mfa_enabled: false,
    banner: null,
    accent_color: null,
    locale: "en-US",
    verified: true,
    email: null,
    flags: 0,
    premium_type: 0,
    public_flags: 0,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
  };
}

Deno.test("members, their users and a message with every documented field come back from the getters as sent: none dropped or renamed", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, name: "general" }],
    roles: [],
    members: [],
  });
  const member = {
    user: fullUser("6"),
    nick: "n",
    avatar: "0123456789abcdef0123456789abcdef",
    banner: "0123456789abcdef0123456789abcdee",
    roles: ["10", "11"],
    joined_at: "2024-01-01T00:00:00.123000+00:00",
    premium_since: "2024-02-01T00:00:00.000000+00:00",
    deaf: true,
    mute: true,
    flags: 2,
    pending: true,
    permissions: "8",
    communication_disabled_until: "2030-01-01T00:00:00.000000+00:00",
    avatar_decoration_data: { asset: "y", sku_id: "7" },
    collectibles: { nameplate: { asset: "m", sku_id: "6" } },
  };
  cache.apply("GUILD_MEMBER_ADD", { ...member, guild_id: "1" });
  const usual = {
    user: usualUser("9"),
    nick: null,
    avatar: null,
    banner: null,
    roles: [],
    joined_at: "2015-01-01T00:00:00.000000+00:00",
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    permissions: "0",
    communication_disabled_until: null,
    avatar_decoration_data: null,
    collectibles: null,
  };
  cache.apply("GUILD_MEMBER_ADD", { ...usual, guild_id: "1" });
  const message = {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    author: fullUser("6"),
    content: "hi",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    edited_timestamp: "2024-01-01T00:01:00.000000+00:00",
    tts: true,
    mention_everyone: true,
    mentions: [fullUser("7"), usualUser("9")],
    mention_roles: ["10"],
    mention_channels: [{ id: "2", guild_id: "1", type: 0, name: "general" }],
    attachments: [{ id: "20", filename: "a.png", size: 1, url: "u" }],
    embeds: [{ title: "t" }],
    reactions: [{ count: 1, me: false, emoji: { id: null, name: "x" } }],
    nonce: "n",
    pinned: true,
    webhook_id: "30",
    type: 19,
    activity: { type: 1, party_id: "p" },
    application: { id: "31", name: "app" },
    application_id: "31",
    flags: 4,
    message_reference: { type: 0, message_id: "99", channel_id: "2" },
    message_snapshots: [{ message: { content: "fwd" } }],
    interaction_metadata: { id: "32", type: 2, user: fullUser("8") },
    interaction: { id: "32", type: 2, name: "cmd", user: fullUser("8") },
    thread: { id: "33", type: 11, name: "t" },
    components: [{ type: 1, components: [] }],
    sticker_items: [{ id: "34", name: "s", format_type: 1 }],
    stickers: [{ id: "34", name: "s", type: 1, format_type: 1 }],
    position: 3,
    role_subscription_data: { role_subscription_listing_id: "35" },
    resolved: { users: {} },
    poll: { question: { text: "?" }, answers: [] },
    call: { participants: ["6"], ended_timestamp: null },
    shared_client_theme: { colors: ["ff0000"] },
  };
  // As Discord sends them: each mention with its partial member, which a
  // cached message's mentions (user objects) leave out, as they leave out
  // a webhook author's (kept as sent, not shared) undocumented key.
  cache.apply("MESSAGE_CREATE", {
    ...structuredClone(message),
    author: { ...fullUser("6"), undocumented: 1 },
    mentions: [
      { ...fullUser("7"), member: { roles: [] } },
      { ...usualUser("9"), member: { roles: [] } },
    ],
  });
  assert.deepStrictEqual(cache.member("1", "6"), { ...member, guild_id: "1" });
  assert.deepStrictEqual(cache.member("1", "9"), { ...usual, guild_id: "1" });
  assert.deepStrictEqual(cache.user("6"), fullUser("6"));
  assert.deepStrictEqual(cache.user("9"), usualUser("9"));
  assert.deepStrictEqual(cache.message("2", "100"), message);
});

Deno.test("a guild, channel and scheduled event with every documented field keep them all", () => {
  const cache = new MemoryCache();
  const guild = {
    id: "1",
    name: "g",
    icon: "i",
    icon_hash: "h",
    splash: "s",
    discovery_splash: "d",
    owner: false,
    owner_id: "5",
    permissions: "8",
    region: "r",
    afk_channel_id: "2",
    afk_timeout: 60,
    widget_enabled: true,
    widget_channel_id: "2",
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 2,
    features: ["COMMUNITY"],
    mfa_level: 1,
    application_id: "6",
    system_channel_id: "2",
    system_channel_flags: 1,
    rules_channel_id: "2",
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: "v",
    description: "about",
    banner: "b",
    premium_tier: 3,
    premium_subscription_count: 14,
    preferred_locale: "de",
    public_updates_channel_id: "2",
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    approximate_member_count: 10,
    approximate_presence_count: 5,
    welcome_screen: { description: null, welcome_channels: [] },
    nsfw_level: 0,
    premium_progress_bar_enabled: true,
    safety_alerts_channel_id: "2",
    incidents_data: { invites_disabled_until: null },
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    large: false,
    unavailable: false,
    member_count: 0,
  };
  const channel = {
    id: "2",
    type: 2,
    guild_id: "1",
    position: 1,
    permission_overwrites: [],
    name: "voice",
    topic: "t",
    nsfw: false,
    last_message_id: "90",
    bitrate: 64_000,
    user_limit: 10,
    rate_limit_per_user: 0,
    recipients: [],
    icon: "i",
    owner_id: "5",
    application_id: "6",
    managed: false,
    parent_id: "3",
    last_pin_timestamp: null,
    rtc_region: null,
    video_quality_mode: 1,
    message_count: 0,
    member_count: 0,
    thread_metadata: { archived: false },
    member: { join_timestamp: "2024-01-01T00:00:00.000000+00:00", flags: 0 },
    default_auto_archive_duration: 60,
    permissions: "8",
    app_permissions: "8",
    flags: 0,
    total_message_sent: 0,
    available_tags: [],
    applied_tags: [],
    default_reaction_emoji: null,
    default_thread_rate_limit_per_user: 0,
    default_sort_order: null,
    default_forum_layout: 0,
    status: "live",
    voice_start_time: 1_700_000_000,
  };
  const event = {
    id: "4",
    guild_id: "1",
    channel_id: "2",
    creator_id: "5",
    name: "quiz",
    description: "d",
    scheduled_start_time: "2030-01-01T00:00:00.000000+00:00",
    scheduled_end_time: null,
    privacy_level: 2,
    status: 1,
    entity_type: 2,
    entity_id: null,
    entity_metadata: null,
    creator: user("5"),
    user_count: 3,
    image: null,
    recurrence_rule: null,
  };
  cache.apply(
    "GUILD_CREATE",
    structuredClone({
      ...guild,
      channels: [channel],
      guild_scheduled_events: [event],
      roles: [],
      members: [],
    }),
  );
  assert.deepStrictEqual(cache.guild("1"), guild);
  assert.deepStrictEqual(cache.channel("2"), channel);
  assert.deepStrictEqual(cache.scheduledEvent("1", "4"), event);
});
