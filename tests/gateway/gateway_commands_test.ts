import assert from "node:assert/strict";
import { GatewayOpcodes } from "discord-api-types/v10";
import {
  checkedCommand,
  createNonce,
  MAX_NONCE_BYTES,
  MAX_REQUEST_USER_IDS,
  requestChannelInfoCommand,
  requestGuildMembersCommand,
  requestSoundboardSoundsCommand,
  requestSoundboardSoundsCommands,
  updatePresenceCommand,
  updateVoiceStateCommand,
} from "../../gateway/gateway_commands.ts";
import { MAX_PAYLOAD_BYTES } from "../../gateway/shard_options.ts";
import type {
  GatewayCommand,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../../types/gateway_payloads.ts";

const GUILD = "197038439483310086";
const CHANNEL = "41771983423143937";
const USER = "80351110224678912";

/** Call a builder with data the types would refuse. */
function loose<T>(value: unknown): T {
  return value as T;
}

const presence: UpdatePresenceData = {
  since: null,
  activities: [],
  status: "online",
  afk: false,
};
const voice: UpdateVoiceStateData = {
  guild_id: GUILD,
  channel_id: CHANNEL,
  self_mute: false,
  self_deaf: true,
};

Deno.test("command builders use Discord's opcodes", () => {
  const commands: GatewayCommand[] = [
    updatePresenceCommand(presence),
    updateVoiceStateCommand(voice),
    requestGuildMembersCommand({ guild_id: GUILD, query: "", limit: 0 }),
    requestSoundboardSoundsCommand({ guild_ids: [GUILD] }),
    requestChannelInfoCommand({ guild_id: GUILD, fields: ["status"] }),
  ];
  assert.deepEqual(commands.map((command) => command.op), [3, 4, 8, 31, 43]);
  assert.deepEqual(commands.map((command) => command.op), [
    GatewayOpcodes.PresenceUpdate,
    GatewayOpcodes.VoiceStateUpdate,
    GatewayOpcodes.RequestGuildMembers,
    GatewayOpcodes.RequestSoundboardSounds,
    GatewayOpcodes.RequestChannelInfo,
  ]);
});

Deno.test("updatePresenceCommand builds op 3 with exactly the documented fields", async (t) => {
  const rows: Array<[name: string, data: UpdatePresenceData, d: unknown]> = [
    ["no activities", presence, {
      since: null,
      activities: [],
      status: "online",
      afk: false,
    }],
    [
      "idle since a time",
      { since: 1_700_000_000_000, activities: [], status: "idle", afk: true },
      { since: 1_700_000_000_000, activities: [], status: "idle", afk: true },
    ],
    [
      "every activity type and field",
      {
        since: 0,
        activities: [
          { name: "a game", type: 0 },
          { name: "a stream", type: 1, url: "https://twitch.tv/discord" },
          { name: "music", type: 2, state: null },
          { name: "you", type: 3, url: null },
          { name: "Custom Status", type: 4, state: "Resuming sessions" },
          { name: "a cup", type: 5 },
        ],
        status: "dnd",
        afk: false,
      },
      {
        since: 0,
        activities: [
          { name: "a game", type: 0 },
          { name: "a stream", type: 1, url: "https://twitch.tv/discord" },
          { name: "music", type: 2, state: null },
          { name: "you", type: 3, url: null },
          { name: "Custom Status", type: 4, state: "Resuming sessions" },
          { name: "a cup", type: 5 },
        ],
        status: "dnd",
        afk: false,
      },
    ],
  ];
  for (const [name, data, d] of rows) {
    await t.step(name, () => {
      assert.deepEqual(updatePresenceCommand(data), { op: 3, d });
    });
  }
  for (
    const status of ["online", "dnd", "idle", "invisible", "offline"] as const
  ) {
    await t.step(`status ${status}`, () => {
      assert.equal(
        updatePresenceCommand({ ...presence, status }).d.status,
        status,
      );
    });
  }
});

Deno.test("updatePresenceCommand sends a custom status without state with its name as state, which Discord shows (it ignores a custom status's name)", () => {
  const command = updatePresenceCommand({
    ...presence,
    activities: [
      { name: "hello", type: 4 },
      { name: "Custom Status", type: 4, state: "kept" },
      { name: "from null", type: 4, state: null },
      { name: "from empty", type: 4, state: "" },
      { name: "a game", type: 0 },
      { name: "a song", type: 2, state: null },
    ],
  });
  assert.deepEqual(command.d.activities, [
    { name: "hello", type: 4, state: "hello" },
    { name: "Custom Status", type: 4, state: "kept" },
    { name: "from null", type: 4, state: "from null" },
    { name: "from empty", type: 4, state: "from empty" },
    { name: "a game", type: 0 },
    { name: "a song", type: 2, state: null },
  ]);
});

Deno.test("updatePresenceCommand copies its data", () => {
  const activity = { name: "a game", type: 0 as const };
  const data: UpdatePresenceData = { ...presence, activities: [activity] };
  const command = updatePresenceCommand(data);
  assert.notEqual(command.d, data);
  assert.notEqual(command.d.activities, data.activities);
  assert.notEqual(command.d.activities[0], activity);
  activity.name = "changed";
  assert.equal(command.d.activities[0]?.name, "a game");
});

Deno.test("updatePresenceCommand enforces each rule", async (t) => {
  const rows: Array<
    [rule: string, data: unknown, error: string, message?: string]
  > = [
    ["data must be an object", null, "TypeError"],
    ["data must not be an array", [], "TypeError"],
    [
      "no unknown top-level field",
      { ...presence, game: "x" },
      "TypeError",
      "Cannot build Update Presence as 'd' has an unknown field (allowed: since, activities, status, afk): current value 'game'",
    ],
    ["since is required", { ...presence, since: undefined }, "TypeError"],
    ["since is a number or null", { ...presence, since: "now" }, "TypeError"],
    ["since is not negative", { ...presence, since: -1 }, "RangeError"],
    ["since is an integer", { ...presence, since: 1.5 }, "RangeError"],
    ["since is finite", { ...presence, since: Infinity }, "RangeError"],
    ["activities is an array", { ...presence, activities: {} }, "TypeError"],
    [
      "an activity is an object",
      { ...presence, activities: ["x"] },
      "TypeError",
    ],
    [
      "bots may only set name, state, type and url",
      { ...presence, activities: [{ name: "a", type: 0, details: "d" }] },
      "TypeError",
      "Cannot build Update Presence as 'activities[0]' may only have 'name', 'type', 'url' and 'state' (bots cannot set other activity fields): current value 'activities[0].details'",
    ],
    [
      "no emoji on bot activities",
      {
        ...presence,
        activities: [{ name: "a", type: 4, emoji: { name: "x" } }],
      },
      "TypeError",
    ],
    [
      "name is required",
      { ...presence, activities: [{ type: 0 }] },
      "TypeError",
    ],
    [
      "name is a string",
      { ...presence, activities: [{ name: 1, type: 0 }] },
      "TypeError",
    ],
    [
      "type is required",
      { ...presence, activities: [{ name: "a" }] },
      "TypeError",
    ],
    ["type is a number", {
      ...presence,
      activities: [{ name: "a", type: "0" }],
    }, "TypeError"],
    [
      "type is at most 5",
      { ...presence, activities: [{ name: "a", type: 6 }] },
      "RangeError",
      "Cannot build Update Presence as 'activities[0].type' must be an integer from 0 to 5: current value 'activities[0].type=6'",
    ],
    ["type is not negative", {
      ...presence,
      activities: [{ name: "a", type: -1 }],
    }, "RangeError"],
    ["type is an integer", {
      ...presence,
      activities: [{ name: "a", type: 1.5 }],
    }, "RangeError"],
    [
      "url only for streaming",
      {
        ...presence,
        activities: [{ name: "a", type: 0, url: "https://twitch.tv/x" }],
      },
      "TypeError",
      "Cannot build Update Presence as 'activities[0].url' is only allowed with type 1 (Streaming): current value 'activities[0].type=0'",
    ],
    [
      "url is a string or null",
      { ...presence, activities: [{ name: "a", type: 1, url: 5 }] },
      "TypeError",
    ],
    [
      "state is a string or null",
      { ...presence, activities: [{ name: "a", type: 4, state: 5 }] },
      "TypeError",
    ],
    [
      "the failing activity is named by index",
      {
        ...presence,
        activities: [{ name: "a", type: 0 }, { name: "b", type: 9 }],
      },
      "RangeError",
      "Cannot build Update Presence as 'activities[1].type' must be an integer from 0 to 5: current value 'activities[1].type=9'",
    ],
    [
      "status is one of the five",
      { ...presence, status: "busy" },
      "TypeError",
      `Cannot build Update Presence as 'status' must be one of "online", "dnd", "idle", "invisible", "offline": current value 'status=busy'`,
    ],
    ["status is required", { ...presence, status: undefined }, "TypeError"],
    ["afk is a boolean", { ...presence, afk: "no" }, "TypeError"],
    ["afk is required", { ...presence, afk: undefined }, "TypeError"],
  ];
  for (const [rule, data, error, message] of rows) {
    await t.step(rule, () => {
      assert.throws(
        () => updatePresenceCommand(loose(data)),
        message === undefined ? { name: error } : { name: error, message },
      );
    });
  }
});

Deno.test("updateVoiceStateCommand builds op 4", async (t) => {
  await t.step("join a channel", () => {
    assert.deepEqual(updateVoiceStateCommand(voice), {
      op: 4,
      d: {
        guild_id: GUILD,
        channel_id: CHANNEL,
        self_mute: false,
        self_deaf: true,
      },
    });
  });
  await t.step("leave (channel_id null)", () => {
    assert.deepEqual(
      updateVoiceStateCommand({ ...voice, channel_id: null }).d,
      { guild_id: GUILD, channel_id: null, self_mute: false, self_deaf: true },
    );
  });
  await t.step("the data is copied", () => {
    const command = updateVoiceStateCommand(voice);
    assert.notEqual(command.d, voice);
  });
});

Deno.test("updateVoiceStateCommand enforces each rule", async (t) => {
  const rows: Array<[rule: string, data: unknown, message?: string]> = [
    ["data must be an object", "x"],
    ["no unknown field", { ...voice, self_video: true }],
    [
      "guild_id is a snowflake",
      { ...voice, guild_id: "abc" },
      "Cannot build Update Voice State as 'guild_id' must be a snowflake: current value 'guild_id=abc'",
    ],
    ["guild_id is not a number", { ...voice, guild_id: 197038439483310 }],
    ["guild_id has at most 20 digits", { ...voice, guild_id: "1".repeat(21) }],
    ["guild_id is required", { ...voice, guild_id: undefined }],
    ["channel_id is a snowflake", { ...voice, channel_id: "general" }],
    [
      "channel_id is required (null to leave)",
      { ...voice, channel_id: undefined },
      "Cannot build Update Voice State as 'channel_id' must be a snowflake or null: current value 'channel_id=undefined'",
    ],
    ["self_mute is a boolean", { ...voice, self_mute: 0 }],
    ["self_deaf is a boolean", { ...voice, self_deaf: "yes" }],
    ["self_deaf is required", { ...voice, self_deaf: undefined }],
  ];
  for (const [rule, data, message] of rows) {
    await t.step(rule, () => {
      assert.throws(
        () => updateVoiceStateCommand(loose(data)),
        message === undefined
          ? { name: "TypeError" }
          : { name: "TypeError", message },
      );
    });
  }
});

Deno.test("requestGuildMembersCommand builds op 8 with exactly the given fields", async (t) => {
  const nonce = "0123456789abcdef0123456789abcdef";
  const rows: Array<[name: string, data: RequestGuildMembersData, d: unknown]> =
    [
      ["all members", { guild_id: GUILD, query: "", limit: 0 }, {
        guild_id: GUILD,
        query: "",
        limit: 0,
      }],
      [
        "by name prefix, with presences and a nonce",
        { guild_id: GUILD, query: "ab", limit: 10, presences: true, nonce },
        { guild_id: GUILD, query: "ab", limit: 10, presences: true, nonce },
      ],
      ["one user ID", { guild_id: GUILD, user_ids: USER }, {
        guild_id: GUILD,
        user_ids: USER,
      }],
      [
        "several user IDs, presences false",
        { guild_id: GUILD, user_ids: [USER, CHANNEL], presences: false },
        { guild_id: GUILD, user_ids: [USER, CHANNEL], presences: false },
      ],
      [
        "user IDs with a limit",
        { guild_id: GUILD, user_ids: [USER], limit: 1 },
        { guild_id: GUILD, limit: 1, user_ids: [USER] },
      ],
      [
        "100 user IDs",
        { guild_id: GUILD, user_ids: Array(100).fill(USER) },
        { guild_id: GUILD, user_ids: Array(100).fill(USER) },
      ],
      [
        "a 32-byte nonce",
        { guild_id: GUILD, query: "", limit: 0, nonce: "n".repeat(32) },
        { guild_id: GUILD, query: "", limit: 0, nonce: "n".repeat(32) },
      ],
      [
        "undefined optional fields are left out",
        loose({
          guild_id: GUILD,
          query: "a",
          limit: 5,
          nonce: undefined,
          presences: undefined,
        }),
        { guild_id: GUILD, query: "a", limit: 5 },
      ],
    ];
  for (const [name, data, d] of rows) {
    await t.step(name, () => {
      const command = requestGuildMembersCommand(data);
      assert.deepEqual(command, { op: 8, d });
      assert.deepEqual(
        Object.keys(command.d).sort(),
        Object.keys(d as object).sort(),
      );
    });
  }
  await t.step("the user ID list is copied", () => {
    const ids = [USER];
    const command = requestGuildMembersCommand({
      guild_id: GUILD,
      user_ids: ids,
    });
    ids.push(CHANNEL);
    assert.deepEqual(command.d.user_ids, [USER]);
  });
});

Deno.test("requestGuildMembersCommand enforces each rule", async (t) => {
  const base = { guild_id: GUILD, query: "", limit: 0 };
  const rows: Array<
    [rule: string, data: unknown, error: string, message?: string]
  > = [
    ["data must be an object", undefined, "TypeError"],
    ["no unknown field", { ...base, userIds: [USER] }, "TypeError"],
    ["guild_id is required", { query: "", limit: 0 }, "TypeError"],
    ["one guild_id, not an array", { ...base, guild_id: [GUILD] }, "TypeError"],
    ["guild_id is a snowflake", { ...base, guild_id: "guild" }, "TypeError"],
    [
      "query or user_ids is required",
      { guild_id: GUILD },
      "TypeError",
      "Cannot build Request Guild Members as it must have exactly one of 'query' and 'user_ids': current values 'query=undefined', 'user_ids=undefined'",
    ],
    [
      "not both query and user_ids",
      { ...base, user_ids: [USER] },
      "TypeError",
      "Cannot build Request Guild Members as it must have exactly one of 'query' and 'user_ids': current values 'query=', 'user_ids=array of 1'",
    ],
    ["query is a string", { ...base, query: 5 }, "TypeError"],
    [
      "limit is required with query",
      { guild_id: GUILD, query: "ab" },
      "TypeError",
      "Cannot build Request Guild Members as 'limit' is required with 'query': current value 'limit=undefined'",
    ],
    ["limit is a number", { ...base, limit: "10" }, "TypeError"],
    [
      "limit is not negative",
      { ...base, limit: -1 },
      "RangeError",
      "Cannot build Request Guild Members as 'limit' must be a non-negative integer: current value 'limit=-1'",
    ],
    ["limit is an integer", { ...base, limit: 2.5 }, "RangeError"],
    ["limit is checked with user_ids too", {
      guild_id: GUILD,
      user_ids: USER,
      limit: -1,
    }, "RangeError"],
    [
      "user_ids is a snowflake or an array",
      { guild_id: GUILD, user_ids: 42 },
      "TypeError",
    ],
    [
      "a single user_ids is a snowflake",
      { guild_id: GUILD, user_ids: "me" },
      "TypeError",
    ],
    [
      "every user ID is a snowflake",
      { guild_id: GUILD, user_ids: [USER, "x"] },
      "TypeError",
      "Cannot build Request Guild Members as 'user_ids[1]' must be a snowflake: current value 'user_ids[1]=x'",
    ],
    ["user_ids is not empty", { guild_id: GUILD, user_ids: [] }, "RangeError"],
    [
      "at most 100 user IDs",
      { guild_id: GUILD, user_ids: Array(101).fill(USER) },
      "RangeError",
      "Cannot build Request Guild Members as 'user_ids' must have 1 to 100 IDs: current value 'user_ids.length=101'",
    ],
    ["presences is a boolean", { ...base, presences: 1 }, "TypeError"],
    ["nonce is a string", { ...base, nonce: 12 }, "TypeError"],
    [
      "nonce is at most 32 bytes",
      { ...base, nonce: "n".repeat(33) },
      "RangeError",
      "Cannot build Request Guild Members as 'nonce' must be at most 32 UTF-8 bytes (Discord ignores longer nonces): current value 'nonce bytes=33'",
    ],
    // 11 characters, 33 bytes: bytes count, not characters.
    ["nonce length is counted in UTF-8 bytes", {
      ...base,
      nonce: "€".repeat(11),
    }, "RangeError"],
  ];
  for (const [rule, data, error, message] of rows) {
    await t.step(rule, () => {
      assert.throws(
        () => requestGuildMembersCommand(loose(data)),
        message === undefined ? { name: error } : { name: error, message },
      );
    });
  }
  await t.step("a 10-character, 30-byte nonce is accepted", () => {
    const nonce = "€".repeat(10);
    assert.equal(requestGuildMembersCommand({ ...base, nonce }).d.nonce, nonce);
  });
  assert.equal(MAX_NONCE_BYTES, 32);
  assert.equal(MAX_REQUEST_USER_IDS, 100);
});

Deno.test("requestSoundboardSoundsCommand builds op 31", () => {
  const guildIds = [GUILD, CHANNEL];
  const command = requestSoundboardSoundsCommand({ guild_ids: guildIds });
  assert.deepEqual(command, { op: 31, d: { guild_ids: [GUILD, CHANNEL] } });
  guildIds.pop();
  assert.deepEqual(command.d.guild_ids, [GUILD, CHANNEL]);
});

Deno.test("requestSoundboardSoundsCommand enforces each rule", async (t) => {
  const rows: Array<
    [rule: string, data: unknown, error: string, message?: string]
  > = [
    ["data must be an object", 5, "TypeError"],
    ["no unknown field", { guild_ids: [GUILD], guild_id: GUILD }, "TypeError"],
    ["guild_ids is required", {}, "TypeError"],
    ["guild_ids is an array", { guild_ids: GUILD }, "TypeError"],
    [
      "guild_ids is not empty",
      { guild_ids: [] },
      "RangeError",
      "Cannot build Request Soundboard Sounds as 'guild_ids' must not be empty: current value 'guild_ids.length=0'",
    ],
    [
      "every guild ID is a snowflake",
      { guild_ids: [GUILD, 5] },
      "TypeError",
      "Cannot build Request Soundboard Sounds as 'guild_ids[1]' must be a snowflake: current value 'guild_ids[1]=5'",
    ],
  ];
  for (const [rule, data, error, message] of rows) {
    await t.step(rule, () => {
      for (
        const build of [
          requestSoundboardSoundsCommand,
          requestSoundboardSoundsCommands,
        ]
      ) {
        assert.throws(
          () => build(loose<RequestSoundboardSoundsData>(data)),
          message === undefined ? { name: error } : { name: error, message },
        );
      }
    });
  }
});

Deno.test("requestSoundboardSoundsCommands fills frames of at most 4096 bytes, in order", () => {
  // Snowflakes of 1 to 20 digits, so that frames end anywhere; one command
  // for all of them would take 418 KB, refused as payload_too_large.
  const guildIds = Array.from(
    { length: 30_000 },
    (_, i) => String(i).padStart(1 + (i * 7) % 20, "9"),
  );
  const commands = requestSoundboardSoundsCommands({ guild_ids: guildIds });
  assert.deepEqual(
    commands.flatMap((command) => command.d.guild_ids),
    guildIds,
  );
  const bytes = (ids: string[]): number =>
    new TextEncoder().encode(JSON.stringify({ op: 31, d: { guild_ids: ids } }))
      .length;
  for (const [index, command] of commands.entries()) {
    assert.equal(command.op, 31);
    assert.ok(bytes(command.d.guild_ids) <= MAX_PAYLOAD_BYTES);
    // Full: the next guild would not have fitted.
    const next = commands[index + 1]?.d.guild_ids[0];
    if (next !== undefined) {
      assert.ok(bytes([...command.d.guild_ids, next]) > MAX_PAYLOAD_BYTES);
    }
  }
  // A few guilds: one frame, with a copy of the list.
  const few = [GUILD, CHANNEL];
  const built = requestSoundboardSoundsCommands({ guild_ids: few });
  few.pop();
  assert.deepEqual(built, [{ op: 31, d: { guild_ids: [GUILD, CHANNEL] } }]);
});

Deno.test("requestChannelInfoCommand builds op 43", async (t) => {
  const rows: Array<RequestChannelInfoData["fields"]> = [
    ["status"],
    ["voice_start_time"],
    ["status", "voice_start_time"],
    ["voice_start_time", "status"],
  ];
  for (const fields of rows) {
    await t.step(fields.join(", "), () => {
      assert.deepEqual(requestChannelInfoCommand({ guild_id: GUILD, fields }), {
        op: 43,
        d: { guild_id: GUILD, fields },
      });
    });
  }
  await t.step("the field list is copied", () => {
    const fields: RequestChannelInfoData["fields"] = ["status"];
    const command = requestChannelInfoCommand({ guild_id: GUILD, fields });
    assert.notEqual(command.d.fields, fields);
  });
});

Deno.test("requestChannelInfoCommand enforces each rule", async (t) => {
  const rows: Array<
    [rule: string, data: unknown, error: string, message?: string]
  > = [
    ["data must be an object", null, "TypeError"],
    ["no unknown field", {
      guild_id: GUILD,
      fields: ["status"],
      channel_id: CHANNEL,
    }, "TypeError"],
    [
      "guild_id is a snowflake",
      { guild_id: "x", fields: ["status"] },
      "TypeError",
    ],
    ["fields is required", { guild_id: GUILD }, "TypeError"],
    ["fields is an array", { guild_id: GUILD, fields: "status" }, "TypeError"],
    [
      "fields is not empty",
      { guild_id: GUILD, fields: [] },
      "RangeError",
      "Cannot build Request Channel Info as 'fields' must not be empty: current value 'fields.length=0'",
    ],
    [
      "fields are status or voice_start_time",
      { guild_id: GUILD, fields: ["status", "topic"] },
      "TypeError",
      `Cannot build Request Channel Info as 'fields[1]' must be one of "status", "voice_start_time": current value 'fields[1]=topic'`,
    ],
    [
      "fields are not repeated",
      { guild_id: GUILD, fields: ["status", "status"] },
      "TypeError",
      "Cannot build Request Channel Info as 'fields' must not repeat a value: current value 'fields[1]=status'",
    ],
  ];
  for (const [rule, data, error, message] of rows) {
    await t.step(rule, () => {
      assert.throws(
        () => requestChannelInfoCommand(loose(data)),
        message === undefined ? { name: error } : { name: error, message },
      );
    });
  }
});

Deno.test("createNonce makes distinct nonces Discord accepts", () => {
  const nonces = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const nonce = createNonce();
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.ok(new TextEncoder().encode(nonce).length <= MAX_NONCE_BYTES);
    nonces.add(nonce);
  }
  assert.equal(nonces.size, 1000);
  const nonce = createNonce();
  assert.equal(
    requestGuildMembersCommand({ guild_id: GUILD, query: "", limit: 0, nonce })
      .d.nonce,
    nonce,
  );
});

Deno.test("each builder names a d, an activity or a list that is not an object or an array as such, not by a later field", async (t) => {
  const builders: Array<[string, (d: unknown) => unknown]> = [
    ["Update Presence", (d) => updatePresenceCommand(loose(d))],
    ["Update Voice State", (d) => updateVoiceStateCommand(loose(d))],
    ["Request Guild Members", (d) => requestGuildMembersCommand(loose(d))],
    [
      "Request Soundboard Sounds",
      (d) => requestSoundboardSoundsCommand(loose(d)),
    ],
    ["Request Channel Info", (d) => requestChannelInfoCommand(loose(d))],
  ];
  for (const [command, build] of builders) {
    for (const [value, shown] of [[null, "null"], [[], "array of 0"]]) {
      await t.step(`${command}: d=${shown}`, () => {
        assert.throws(() => build(value), {
          name: "TypeError",
          message:
            `Cannot build ${command} as 'd' must be an object: current value 'd=${shown}'`,
        });
      });
    }
  }
  const lists: Array<[string, () => unknown, string]> = [
    [
      "activities",
      () => updatePresenceCommand(loose({ ...presence, activities: "ab" })),
      "Cannot build Update Presence as 'activities' must be an array: current value 'activities=ab'",
    ],
    [
      "an activity",
      () => updatePresenceCommand(loose({ ...presence, activities: [null] })),
      "Cannot build Update Presence as 'activities[0]' must be an object: current value 'activities[0]=null'",
    ],
    [
      "guild_ids",
      () => requestSoundboardSoundsCommand(loose({ guild_ids: { length: 0 } })),
      "Cannot build Request Soundboard Sounds as 'guild_ids' must be an array of snowflakes: current value 'guild_ids=object'",
    ],
    [
      "fields",
      () =>
        requestChannelInfoCommand(loose({ guild_id: GUILD, fields: "status" })),
      `Cannot build Request Channel Info as 'fields' must be an array of one of "status", "voice_start_time": current value 'fields=status'`,
    ],
  ];
  for (const [rule, build, message] of lists) {
    await t.step(rule, () => {
      assert.throws(build, { name: "TypeError", message });
    });
  }
});

Deno.test("since and limit are refused past 2^53 - 1, where JSON numbers stop being exact", () => {
  const unsafe = 2 ** 53;
  assert.throws(
    () => updatePresenceCommand({ ...presence, since: unsafe }),
    RangeError,
  );
  assert.equal(
    updatePresenceCommand({ ...presence, since: unsafe - 1 }).d.since,
    unsafe - 1,
  );
  assert.throws(
    () =>
      requestGuildMembersCommand({ guild_id: GUILD, query: "", limit: unsafe }),
    RangeError,
  );
  assert.throws(
    () =>
      requestGuildMembersCommand({
        guild_id: GUILD,
        user_ids: USER,
        limit: unsafe,
      }),
    RangeError,
  );
});

Deno.test("a builder's error shows at most 64 characters of a value", () => {
  const status = (length: number): string => "s".repeat(length);
  const rows: Array<[number, string]> = [
    [64, status(64)],
    [65, `${status(64)}…`],
  ];
  for (const [length, shown] of rows) {
    assert.throws(
      () =>
        updatePresenceCommand(loose({ ...presence, status: status(length) })),
      {
        name: "TypeError",
        message:
          `Cannot build Update Presence as 'status' must be one of "online", "dnd", "idle", "invisible", "offline": current value 'status=${shown}'`,
      },
    );
  }
});

Deno.test("checkedCommand checks each of the five user commands with its builder and passes any other op as it is", async (t) => {
  const bad: Array<[number, unknown]> = [
    [3, { ...presence, status: "busy" }],
    [4, { ...voice, guild_id: "x" }],
    [8, { guild_id: GUILD }],
    [31, { guild_ids: [] }],
    [43, { guild_id: GUILD, fields: [] }],
  ];
  for (const [op, d] of bad) {
    await t.step(`op ${op}`, () => {
      assert.throws(() => checkedCommand(loose({ op, d })));
    });
  }
  const good = checkedCommand({ op: 3, d: presence });
  assert.deepEqual(good, { op: 3, d: presence });
  assert.notEqual(good.d, presence, "a copy");
  const other = loose<GatewayCommand>({ op: 1, d: 42 });
  assert.equal(checkedCommand(other), other);
});
