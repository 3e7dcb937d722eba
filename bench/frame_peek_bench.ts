/**
 * `peekFrame` against `JSON.parse` on realistic gateway frames.
 *
 * Run: `deno bench bench/frame_peek_bench.ts`
 *
 * @module
 */
import { peekFrame } from "../gateway/frame_peek.ts";

function user(id: number): Record<string, unknown> {
  return {
    username: `user_${id}`,
    public_flags: id % 3 === 0 ? 64 : 0,
    id: String(100000000000000000n + BigInt(id) * 7919n),
    global_name: id % 2 === 0 ? `User ${id}` : null,
    discriminator: "0",
    avatar_decoration_data: null,
    avatar: id % 4 === 0 ? null : `a_${id.toString(16).padStart(32, "0")}`,
    bot: id % 10 === 0,
  };
}

function member(id: number): Record<string, unknown> {
  return {
    roles: ["234567890123456789", "345678901234567890"].slice(0, 1 + id % 2),
    premium_since: null,
    pending: false,
    nick: id % 3 === 0 ? `nick ${id}` : null,
    mute: false,
    joined_at: "2021-03-04T05:06:07.890000+00:00",
    flags: 0,
    deaf: false,
    communication_disabled_until: null,
    avatar: null,
  };
}

/** A MESSAGE_CREATE of about 1.4 KB, in Discord's key order. */
function messageCreate(): string {
  const d = {
    type: 0,
    tts: false,
    timestamp: "2024-05-01T12:34:56.789000+00:00",
    pinned: false,
    nonce: "1235432123456789012",
    mentions: [{ ...user(7), member: member(7) }],
    mention_roles: [],
    mention_everyone: false,
    member: member(1),
    id: "1236543210987654321",
    flags: 0,
    embeds: [{
      type: "rich",
      title: "Release notes",
      description: 'Fixed "quoted" names and C:\\paths in logs',
      color: 5814783,
      fields: [{ name: "Version", value: "1.2.3", inline: true }],
      footer: { text: "bot" },
    }],
    edited_timestamp: null,
    content:
      'Hello there! Did you see "op":1 in the logs? https://example.com/x?y=1 😀',
    components: [],
    channel_id: "987654321098765432",
    author: user(1),
    attachments: [],
    guild_id: "222222222222222222",
  };
  return `{"t":"MESSAGE_CREATE","s":4242,"op":0,"d":${JSON.stringify(d)}}`;
}

/** A GUILD_CREATE of about 100 KB: channels, roles, members, presences. */
function guildCreate(): string {
  const channels = [];
  for (let i = 0; i < 60; i++) {
    channels.push({
      id: String(300000000000000000 + i),
      type: i % 5 === 0 ? 4 : 0,
      name: `channel-${i}`,
      position: i,
      parent_id: i % 5 === 0 ? null : "300000000000000000",
      topic: i % 3 === 0 ? `Talk about "topic ${i}" here` : null,
      permission_overwrites: [{
        id: "222222222222222222",
        type: 0,
        allow: "0",
        deny: "1024",
      }],
      rate_limit_per_user: 0,
      nsfw: false,
      last_message_id: String(400000000000000000 + i),
      flags: 0,
    });
  }
  const roles = [];
  for (let i = 0; i < 30; i++) {
    roles.push({
      id: String(500000000000000000 + i),
      name: `role ${i}`,
      color: i * 1000,
      hoist: i % 2 === 0,
      position: i,
      permissions: "1071698660929",
      managed: false,
      mentionable: true,
      icon: null,
      unicode_emoji: null,
      flags: 0,
      tags: {},
    });
  }
  const members = [];
  const presences = [];
  for (let i = 0; i < 160; i++) {
    members.push({ ...member(i), user: user(i) });
    presences.push({
      user: { id: String(100000000000000000n + BigInt(i) * 7919n) },
      status: i % 3 === 0 ? "online" : "idle",
      client_status: { desktop: "online" },
      activities: i % 4 === 0
        ? [{
          type: 0,
          name: "a game",
          created_at: 1714560000000,
          timestamps: { start: 1714550000000 },
        }]
        : [],
    });
  }
  const d = {
    id: "222222222222222222",
    name: "A big guild",
    icon: "0123456789abcdef0123456789abcdef",
    owner_id: "111111111111111111",
    member_count: 5000,
    large: true,
    features: ["COMMUNITY", "NEWS", "INVITE_SPLASH"],
    joined_at: "2020-01-01T00:00:00.000000+00:00",
    channels,
    roles,
    emojis: [],
    stickers: [],
    threads: [],
    stage_instances: [],
    guild_scheduled_events: [],
    voice_states: [],
    members,
    presences,
  };
  return `{"t":"GUILD_CREATE","s":2,"op":0,"d":${JSON.stringify(d)}}`;
}

/** A frame as the socket hands it over: a flat string decoded from UTF-8. */
function received(text: string): string {
  return new TextDecoder().decode(new TextEncoder().encode(text));
}

const message = received(messageCreate());
const guild = received(guildCreate());
const messageDataFirst = received(
  `{"d":${JSON.stringify(JSON.parse(message).d)},"op":0,"s":4242,` +
    `"t":"MESSAGE_CREATE"}`,
);
const hello = received(
  '{"t":null,"s":null,"op":10,"d":{"heartbeat_interval":41250,' +
    '"_trace":["[\\"gateway-prd-us-east1-b-0568\\",{\\"micros\\":0.0}]"]}}',
);
const heartbeatAck = received('{"t":null,"s":null,"op":11,"d":null}');

if (
  peekFrame(message)?.t !== "MESSAGE_CREATE" ||
  peekFrame(guild)?.t !== "GUILD_CREATE" ||
  peekFrame(messageDataFirst)?.t !== "MESSAGE_CREATE" ||
  peekFrame(hello)?.op !== 10 || peekFrame(heartbeatAck)?.op !== 11
) {
  throw new Error("peekFrame failed on a bench frame");
}

let sink = 0;

Deno.bench({
  name: `JSON.parse (${message.length} B)`,
  group: "MESSAGE_CREATE",
  baseline: true,
  fn() {
    sink += JSON.parse(message).s;
  },
});
Deno.bench({
  name: "peekFrame",
  group: "MESSAGE_CREATE",
  fn() {
    sink += peekFrame(message)!.s!;
  },
});
Deno.bench({
  name: "peekFrame (d first)",
  group: "MESSAGE_CREATE",
  fn() {
    sink += peekFrame(messageDataFirst)!.s!;
  },
});

Deno.bench({
  name: `JSON.parse (${guild.length} B)`,
  group: "GUILD_CREATE",
  baseline: true,
  fn() {
    sink += JSON.parse(guild).s;
  },
});
Deno.bench({
  name: "peekFrame",
  group: "GUILD_CREATE",
  fn() {
    sink += peekFrame(guild)!.s!;
  },
});

const small: [string, string][] = [
  ["HELLO", hello],
  ["HEARTBEAT_ACK", heartbeatAck],
];
for (const [group, frame] of small) {
  Deno.bench({
    name: `JSON.parse (${frame.length} B)`,
    group,
    baseline: true,
    fn() {
      sink += JSON.parse(frame).op;
    },
  });
  Deno.bench({
    name: "peekFrame",
    group,
    fn() {
      sink += peekFrame(frame)!.op;
    },
  });
}

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) throw new Error("unreachable");
});
