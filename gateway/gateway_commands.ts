/**
 * Checked builders for the five commands a bot sends once its session is
 * established: each validates its data against Discord's rules, refuses
 * unknown fields, and returns a fresh {@linkcode GatewayCommand} for
 * `shard.send`. Bad data raises a `TypeError` (wrong type, value not allowed,
 * unknown field) or a `RangeError` (a number or a length out of bounds)
 * before anything reaches Discord.
 *
 * @module
 */
import type {
  BotActivity,
  GatewayCommand,
  PresenceStatus,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  Snowflake,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../types/gateway_payloads.ts";
import { type GatewayCommandOpcode, GatewayOpcode } from "../types/opcodes.ts";
import { isSnowflake } from "../base/snowflake.ts";
import { MAX_PAYLOAD_BYTES } from "./shard_options.ts";

/**
 * The {@linkcode GatewayCommand} with opcode `Op`.
 *
 * @typeParam Op A user command opcode (3, 4, 8, 31 or 43).
 */
export type GatewayCommandOf<Op extends GatewayCommandOpcode> = Extract<
  GatewayCommand,
  { op: Op }
>;

/** The longest nonce Discord echoes, in UTF-8 bytes; longer ones are ignored. */
export const MAX_NONCE_BYTES = 32;

/** The most user IDs one Request Guild Members may name. */
export const MAX_REQUEST_USER_IDS = 100;

const STATUSES: readonly PresenceStatus[] = [
  "online",
  "dnd",
  "idle",
  "invisible",
  "offline",
];
const CHANNEL_INFO_FIELDS: readonly string[] = ["status", "voice_start_time"];
const STREAMING = 1;
const CUSTOM = 4;
const encoder = new TextEncoder();

/**
 * Build Update Presence (op 3).
 *
 * Rules: `since` is `null` or a non-negative integer (Unix ms when the bot
 * went idle); `activities` is an array of activities with only `name`
 * (string), `type` (integer 0 to 5: Playing, Streaming, Listening, Watching,
 * Custom, Competing), `state` (string or null) and `url` (string or null,
 * only with type 1, Streaming); `status` is one of `online`, `dnd`, `idle`,
 * `invisible`, `offline`; `afk` is a boolean. A custom status (type 4)
 * shows its `state`, not its `name`: one without `state` (absent, `null`
 * or `""`) is sent with its `name` as `state` too (as discord.js and
 * disnake do), so `{ name: "hello", type: 4 }` shows "hello" rather than
 * nothing (to show no status, send no activity). Discord lets a client update
 * its presence about 5 times per 20 seconds.
 *
 * @param data The new presence.
 * @returns `{ op: 3, d }` with a copy of the data.
 * @throws {TypeError} When a field has the wrong type or an unknown field is
 * present (bots may set only `name`, `state`, `type` and `url` on an
 * activity), or `url` is set on an activity that is not streaming.
 * @throws {RangeError} When `since` is negative or not an integer, or an
 * activity type is not 0 to 5.
 *
 * @example Usage
 * ```ts
 * import { updatePresenceCommand } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const command = updatePresenceCommand({
 *   since: null,
 *   activities: [{ name: "the gateway", type: 3 }],
 *   status: "online",
 *   afk: false,
 * });
 * assert.deepEqual(command, {
 *   op: 3,
 *   d: {
 *     since: null,
 *     activities: [{ name: "the gateway", type: 3 }],
 *     status: "online",
 *     afk: false,
 *   },
 * });
 * assert.throws(
 *   () => updatePresenceCommand({ since: null, activities: [], status: "busy" as "online", afk: false }),
 *   TypeError,
 * );
 * ```
 */
export function updatePresenceCommand(
  data: UpdatePresenceData,
): GatewayCommandOf<typeof GatewayOpcode.PresenceUpdate> {
  const c = new Checker("Update Presence");
  c.object(data, "d");
  c.knownFields(data, "d", ["since", "activities", "status", "afk"]);
  const { since, activities, status, afk } = data;
  if (since !== null) {
    c.nonNegativeInteger(since, "since", "a non-negative integer or null");
  }
  if (!Array.isArray(activities)) {
    throw c.type("activities", "an array", activities);
  }
  const copies = activities.map((activity, index) =>
    checkActivity(c, activity, `activities[${index}]`)
  );
  if (!STATUSES.includes(status)) {
    throw c.type("status", oneOf(STATUSES), status);
  }
  c.boolean(afk, "afk");
  return {
    op: GatewayOpcode.PresenceUpdate,
    d: { since, activities: copies, status, afk },
  };
}

/**
 * Check one activity and copy it.
 *
 * @param c The checker.
 * @param activity The activity.
 * @param path Where it is, for messages.
 * @returns The copy.
 */
function checkActivity(
  c: Checker,
  activity: BotActivity,
  path: string,
): BotActivity {
  c.object(activity, path);
  for (const key of Object.keys(activity)) {
    if (!["name", "type", "url", "state"].includes(key)) {
      throw new TypeError(
        `Cannot build ${c.command} as '${path}' may only have 'name', 'type', 'url' and 'state' (bots cannot set other activity fields): current value '${path}.${key}'`,
      );
    }
  }
  const { name, type, url, state } = activity;
  if (typeof name !== "string") {
    throw c.type(`${path}.name`, "a string", name);
  }
  if (typeof type !== "number") {
    throw c.type(`${path}.type`, "an integer from 0 to 5", type);
  }
  if (!Number.isInteger(type) || type < 0 || type > 5) {
    throw c.range(`${path}.type`, "an integer from 0 to 5", type);
  }
  const copy: BotActivity = { name, type };
  if (url !== undefined) {
    if (url !== null && typeof url !== "string") {
      throw c.type(`${path}.url`, "a string or null", url);
    }
    if (url !== null && type !== STREAMING) {
      throw new TypeError(
        `Cannot build ${c.command} as '${path}.url' is only allowed with type 1 (Streaming): current value '${path}.type=${type}'`,
      );
    }
    copy.url = url;
  }
  if (state !== undefined) {
    if (state !== null && typeof state !== "string") {
      throw c.type(`${path}.state`, "a string or null", state);
    }
    copy.state = state;
  }
  if (
    type === CUSTOM && (state === undefined || state === null || state === "")
  ) {
    // Discord shows a custom status's state and ignores its name (which
    // must still be set): without a state, it showed an empty status.
    copy.state = name;
  }
  return copy;
}

/**
 * Build Update Voice State (op 4): join, move between or leave (`channel_id:
 * null`) a guild's voice channels.
 *
 * Rules: `guild_id` is a snowflake; `channel_id` is a snowflake or `null`;
 * `self_mute` and `self_deaf` are booleans.
 *
 * @param data The voice state.
 * @returns `{ op: 4, d }` with a copy of the data.
 * @throws {TypeError} When a field has the wrong type or is unknown.
 *
 * @example Leave voice in a guild
 * ```ts
 * import { updateVoiceStateCommand } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const command = updateVoiceStateCommand({
 *   guild_id: "41771983423143937",
 *   channel_id: null,
 *   self_mute: false,
 *   self_deaf: false,
 * });
 * assert.equal(command.op, 4);
 * assert.equal(command.d.channel_id, null);
 * ```
 */
export function updateVoiceStateCommand(
  data: UpdateVoiceStateData,
): GatewayCommandOf<typeof GatewayOpcode.VoiceStateUpdate> {
  const c = new Checker("Update Voice State");
  c.object(data, "d");
  c.knownFields(data, "d", [
    "guild_id",
    "channel_id",
    "self_mute",
    "self_deaf",
  ]);
  const { guild_id, channel_id, self_mute, self_deaf } = data;
  c.snowflake(guild_id, "guild_id");
  if (channel_id !== null && !isSnowflake(channel_id)) {
    throw c.type("channel_id", "a snowflake or null", channel_id);
  }
  c.boolean(self_mute, "self_mute");
  c.boolean(self_deaf, "self_deaf");
  return {
    op: GatewayOpcode.VoiceStateUpdate,
    d: { guild_id, channel_id, self_mute, self_deaf },
  };
}

/**
 * Build Request Guild Members (op 8). The answer comes as
 * GUILD_MEMBERS_CHUNK dispatches (or a RATE_LIMITED one).
 *
 * Rules: `guild_id` is one snowflake; exactly one of `query` (a username
 * prefix, `""` for everyone) and `user_ids` (a snowflake or 1 to 100 of
 * them); `limit` is a non-negative integer and required with `query` (`0`
 * with `""` means all members, which needs the GUILD_MEMBERS intent);
 * `presences` is a boolean; `nonce` a string of at most 32 UTF-8 bytes
 * (Discord ignores longer ones, so they are refused; see
 * {@linkcode createNonce}).
 *
 * @param data The request.
 * @returns `{ op: 8, d }` with a copy of the data.
 * @throws {TypeError} When a field has the wrong type or is unknown, both or
 * neither of `query` and `user_ids` are given, or `limit` is missing with
 * `query`.
 * @throws {RangeError} When `limit` is negative or not an integer, `user_ids`
 * has no or more than 100 IDs, or `nonce` is longer than 32 bytes.
 *
 * @example Fetch two members by ID
 * ```ts
 * import { createNonce, requestGuildMembersCommand } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const nonce = createNonce();
 * const command = requestGuildMembersCommand({
 *   guild_id: "41771983423143937",
 *   user_ids: ["80351110224678912", "41771983423143937"],
 *   nonce,
 * });
 * assert.deepEqual(command, {
 *   op: 8,
 *   d: {
 *     guild_id: "41771983423143937",
 *     user_ids: ["80351110224678912", "41771983423143937"],
 *     nonce,
 *   },
 * });
 * // A query needs a limit: the type says so, and for plain JavaScript (or
 * // parsed JSON) the builder checks it too.
 * const noLimit = JSON.parse('{"guild_id":"41771983423143937","query":"ab"}');
 * assert.throws(() => requestGuildMembersCommand(noLimit), TypeError);
 * ```
 */
export function requestGuildMembersCommand(
  data: RequestGuildMembersData,
): GatewayCommandOf<typeof GatewayOpcode.RequestGuildMembers> {
  const c = new Checker("Request Guild Members");
  c.object(data, "d");
  c.knownFields(data, "d", [
    "guild_id",
    "query",
    "limit",
    "presences",
    "user_ids",
    "nonce",
  ]);
  const { guild_id, query, limit, presences, user_ids, nonce } = data;
  c.snowflake(guild_id, "guild_id");
  if ((query === undefined) === (user_ids === undefined)) {
    throw new TypeError(
      `Cannot build ${c.command} as it must have exactly one of 'query' and 'user_ids': current values 'query=${
        show(query)
      }', 'user_ids=${show(user_ids)}'`,
    );
  }
  // Built per kind of request, so that `d` is typed as one of them by what
  // the checks found rather than by a cast.
  let d: RequestGuildMembersData;
  if (query !== undefined) {
    if (typeof query !== "string") throw c.type("query", "a string", query);
    if (limit === undefined) {
      throw new TypeError(
        `Cannot build ${c.command} as 'limit' is required with 'query': current value 'limit=undefined'`,
      );
    }
    c.nonNegativeInteger(limit, "limit", "a non-negative integer");
    d = { guild_id, query, limit };
  } else {
    // `limit` before `user_ids`, so that a request wrong in both reports
    // `limit` first, as a query request does.
    if (limit !== undefined) {
      c.nonNegativeInteger(limit, "limit", "a non-negative integer");
    }
    d = { guild_id, user_ids: checkedUserIds(c, user_ids) };
    if (limit !== undefined) d.limit = limit;
  }
  if (presences !== undefined) {
    c.boolean(presences, "presences");
    d.presences = presences;
  }
  if (nonce !== undefined) {
    if (typeof nonce !== "string") throw c.type("nonce", "a string", nonce);
    const bytes = encoder.encode(nonce).length;
    if (bytes > MAX_NONCE_BYTES) {
      throw new RangeError(
        `Cannot build ${c.command} as 'nonce' must be at most ${MAX_NONCE_BYTES} UTF-8 bytes (Discord ignores longer nonces): current value 'nonce bytes=${bytes}'`,
      );
    }
    d.nonce = nonce;
  }
  return { op: GatewayOpcode.RequestGuildMembers, d };
}

/**
 * A copy of Request Guild Members' `user_ids` once checked: a snowflake, or
 * 1 to {@linkcode MAX_REQUEST_USER_IDS} of them.
 */
function checkedUserIds(
  c: Checker,
  user_ids: unknown,
): Snowflake | Snowflake[] {
  if (Array.isArray(user_ids)) {
    if (user_ids.length < 1 || user_ids.length > MAX_REQUEST_USER_IDS) {
      throw new RangeError(
        `Cannot build ${c.command} as 'user_ids' must have 1 to ${MAX_REQUEST_USER_IDS} IDs: current value 'user_ids.length=${user_ids.length}'`,
      );
    }
    user_ids.forEach((id, index) => c.snowflake(id, `user_ids[${index}]`));
    return [...user_ids];
  }
  if (!isSnowflake(user_ids)) {
    throw c.type("user_ids", "a snowflake or an array of them", user_ids);
  }
  return user_ids;
}

/**
 * Build Request Soundboard Sounds (op 31). Discord answers with one
 * SOUNDBOARD_SOUNDS dispatch per guild.
 *
 * Rules: `guild_ids` is a non-empty array of snowflakes.
 *
 * @param data The guilds.
 * @returns `{ op: 31, d }` with a copy of the data.
 * @throws {TypeError} When a field has the wrong type or is unknown.
 * @throws {RangeError} When `guild_ids` is empty.
 *
 * @example Usage
 * ```ts
 * import { requestSoundboardSoundsCommand } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const command = requestSoundboardSoundsCommand({ guild_ids: ["41771983423143937"] });
 * assert.deepEqual(command, { op: 31, d: { guild_ids: ["41771983423143937"] } });
 * assert.throws(() => requestSoundboardSoundsCommand({ guild_ids: [] }), RangeError);
 * ```
 */
export function requestSoundboardSoundsCommand(
  data: RequestSoundboardSoundsData,
): GatewayCommandOf<typeof GatewayOpcode.RequestSoundboardSounds> {
  const c = new Checker("Request Soundboard Sounds");
  c.object(data, "d");
  c.knownFields(data, "d", ["guild_ids"]);
  const { guild_ids } = data;
  if (!Array.isArray(guild_ids)) {
    throw c.type("guild_ids", "an array of snowflakes", guild_ids);
  }
  if (guild_ids.length === 0) {
    throw new RangeError(
      `Cannot build ${c.command} as 'guild_ids' must not be empty: current value 'guild_ids.length=0'`,
    );
  }
  guild_ids.forEach((id, index) => c.snowflake(id, `guild_ids[${index}]`));
  return {
    op: GatewayOpcode.RequestSoundboardSounds,
    d: { guild_ids: [...guild_ids] },
  };
}

/** A Request Soundboard Sounds frame without its ids, in bytes. */
const SOUNDBOARD_FRAME_BYTES = JSON.stringify({
  op: GatewayOpcode.RequestSoundboardSounds,
  d: { guild_ids: [] },
}).length;

/**
 * Build Request Soundboard Sounds (op 31) for any number of guilds: as few
 * commands as hold them all, in order, each encoding to at most
 * {@linkcode MAX_PAYLOAD_BYTES} (a frame names about 190 guilds), where one
 * command for too many guilds would be refused as `payload_too_large`.
 *
 * Rules: as {@linkcode requestSoundboardSoundsCommand}.
 *
 * @param data The guilds.
 * @returns The commands, the guilds of each a copy.
 * @throws {TypeError} When a field has the wrong type or is unknown.
 * @throws {RangeError} When `guild_ids` is empty.
 *
 * @example Usage
 * ```ts
 * import { requestSoundboardSoundsCommands } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const guildIds = Array.from({ length: 500 }, (_, i) => String(41771983423143937n + BigInt(i)));
 * const commands = requestSoundboardSoundsCommands({ guild_ids: guildIds });
 * assert.equal(commands.length, 3);
 * assert.deepEqual(commands.flatMap((command) => command.d.guild_ids), guildIds);
 * assert.ok(commands.every((command) => JSON.stringify(command).length <= 4096));
 * ```
 */
export function requestSoundboardSoundsCommands(
  data: RequestSoundboardSoundsData,
): GatewayCommandOf<typeof GatewayOpcode.RequestSoundboardSounds>[] {
  const { d } = requestSoundboardSoundsCommand(data);
  const commands: GatewayCommandOf<
    typeof GatewayOpcode.RequestSoundboardSounds
  >[] = [];
  let ids: string[] = [];
  let bytes = SOUNDBOARD_FRAME_BYTES;
  for (const id of d.guild_ids) {
    // A snowflake is ASCII digits: one byte each, with its quotes and the
    // comma before it.
    if (ids.length > 0 && bytes + id.length + 3 > MAX_PAYLOAD_BYTES) {
      commands.push({
        op: GatewayOpcode.RequestSoundboardSounds,
        d: { guild_ids: ids },
      });
      ids = [];
      bytes = SOUNDBOARD_FRAME_BYTES;
    }
    bytes += id.length + (ids.length > 0 ? 3 : 2);
    ids.push(id);
  }
  commands.push({
    op: GatewayOpcode.RequestSoundboardSounds,
    d: { guild_ids: ids },
  });
  return commands;
}

/**
 * Build Request Channel Info (op 43). Discord answers with a CHANNEL_INFO
 * dispatch holding the guild's ephemeral channel fields.
 *
 * Rules: `guild_id` is a snowflake; `fields` is a non-empty array of distinct
 * values from `"status"` and `"voice_start_time"`.
 *
 * @param data The guild and the fields.
 * @returns `{ op: 43, d }` with a copy of the data.
 * @throws {TypeError} When a field has the wrong type or is unknown, or
 * `fields` holds an unknown or repeated value.
 * @throws {RangeError} When `fields` is empty.
 *
 * @example Usage
 * ```ts
 * import { requestChannelInfoCommand } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const command = requestChannelInfoCommand({
 *   guild_id: "41771983423143937",
 *   fields: ["status", "voice_start_time"],
 * });
 * assert.deepEqual(command, {
 *   op: 43,
 *   d: { guild_id: "41771983423143937", fields: ["status", "voice_start_time"] },
 * });
 * ```
 */
export function requestChannelInfoCommand(
  data: RequestChannelInfoData,
): GatewayCommandOf<typeof GatewayOpcode.RequestChannelInfo> {
  const c = new Checker("Request Channel Info");
  c.object(data, "d");
  c.knownFields(data, "d", ["guild_id", "fields"]);
  const { guild_id, fields } = data;
  c.snowflake(guild_id, "guild_id");
  if (!Array.isArray(fields)) {
    throw c.type("fields", `an array of ${oneOf(CHANNEL_INFO_FIELDS)}`, fields);
  }
  if (fields.length === 0) {
    throw new RangeError(
      `Cannot build ${c.command} as 'fields' must not be empty: current value 'fields.length=0'`,
    );
  }
  fields.forEach((field, index) => {
    if (!CHANNEL_INFO_FIELDS.includes(field)) {
      throw c.type(`fields[${index}]`, oneOf(CHANNEL_INFO_FIELDS), field);
    }
    if (fields.indexOf(field) !== index) {
      throw new TypeError(
        `Cannot build ${c.command} as 'fields' must not repeat a value: current value 'fields[${index}]=${field}'`,
      );
    }
  });
  return {
    op: GatewayOpcode.RequestChannelInfo,
    d: { guild_id, fields: [...fields] },
  };
}

/**
 * Guild IDs grouped by the shard each guild's answer comes on: Discord
 * answers a Request Soundboard Sounds only for the guilds of the shard
 * asked, so one asking for several shards' guilds is split by this.
 *
 * @param guildIds The guild IDs, in order.
 * @param shardOf The shard of a guild ID (it may throw to refuse one).
 * @returns Each shard's guild IDs, in order, the shards in the order their
 * first guild came.
 *
 * @example Usage
 * ```ts
 * import { guildIdsByShard } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const byShard = guildIdsByShard(["1", "2", "3"], (id) => Number(id) % 2);
 * assert.deepEqual([...byShard], [[1, ["1", "3"]], [0, ["2"]]]);
 * ```
 */
export function guildIdsByShard<Shard>(
  guildIds: readonly string[],
  shardOf: (guildId: string) => Shard,
): Map<Shard, string[]> {
  const byShard = new Map<Shard, string[]>();
  for (const guildId of guildIds) {
    const shard = shardOf(guildId);
    // Pushed, not copied: a copy per guild took 7.0 s for 40,000 guilds.
    const ids = byShard.get(shard);
    if (ids === undefined) byShard.set(shard, [guildId]);
    else ids.push(guildId);
  }
  return byShard;
}

/**
 * The builders of the user commands whose payload `Shard.send` checks as a
 * raw `{ op, d }` (op 3 is also checked there as part of the next
 * IDENTIFY, whose size depends on the shard).
 */
const CHECKED_BUILDERS: Readonly<
  Record<number, (d: unknown) => GatewayCommand>
> = {
  [GatewayOpcode.PresenceUpdate]: (d) =>
    updatePresenceCommand(d as UpdatePresenceData),
  [GatewayOpcode.VoiceStateUpdate]: (d) =>
    updateVoiceStateCommand(d as UpdateVoiceStateData),
  [GatewayOpcode.RequestGuildMembers]: (d) =>
    requestGuildMembersCommand(d as RequestGuildMembersData),
  [GatewayOpcode.RequestSoundboardSounds]: (d) =>
    requestSoundboardSoundsCommand(d as RequestSoundboardSoundsData),
  [GatewayOpcode.RequestChannelInfo]: (d) =>
    requestChannelInfoCommand(d as RequestChannelInfoData),
};

/**
 * A raw command with its payload checked by the builder of its opcode, when
 * it has one: sent malformed, Discord closes the connection (4001, 4002)
 * and the shard reconnects. Other commands are returned as they are.
 *
 * @param command The command.
 * @returns What to send.
 * @throws {TypeError} A field of the wrong type, unknown or missing.
 * @throws {RangeError} A number or a length out of bounds.
 *
 * @example Usage
 * ```ts
 * import { checkedCommand } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => checkedCommand({ op: 8, d: {} } as never), TypeError);
 * ```
 */
export function checkedCommand(command: GatewayCommand): GatewayCommand {
  const build = CHECKED_BUILDERS[command.op];
  return build ? build(command.d) : command;
}

/**
 * A random nonce for Request Guild Members: 32 lowercase hex characters
 * (128 bits, a UUID v4 without dashes), within Discord's 32-byte limit.
 *
 * @returns The nonce.
 *
 * @example Usage
 * ```ts
 * import { createNonce } from "./gateway_commands.ts";
 * import assert from "node:assert/strict";
 *
 * const nonce = createNonce();
 * assert.match(nonce, /^[0-9a-f]{32}$/);
 * assert.notEqual(nonce, createNonce());
 * ```
 */
export function createNonce(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/**
 * The allowed values, quoted, for a message.
 *
 * @param values The values.
 * @returns `one of "a", "b"`.
 */
function oneOf(values: readonly string[]): string {
  return `one of ${values.map((value) => `"${value}"`).join(", ")}`;
}

/**
 * A short rendering of a value for an error message.
 *
 * @param value The value.
 * @returns Its rendering.
 */
function show(value: unknown): string {
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  if (typeof value === "function") return "function";
  const text = String(value);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** Builds the std-style errors of one command. */
class Checker {
  /** The command's name, for messages. */
  readonly command: string;

  constructor(command: string) {
    this.command = command;
  }

  type(path: string, expected: string, value: unknown): TypeError {
    return new TypeError(
      `Cannot build ${this.command} as '${path}' must be ${expected}: current value '${path}=${
        show(value)
      }'`,
    );
  }

  range(path: string, expected: string, value: unknown): RangeError {
    return new RangeError(
      `Cannot build ${this.command} as '${path}' must be ${expected}: current value '${path}=${
        show(value)
      }'`,
    );
  }

  object(value: unknown, path: string): void {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw this.type(path, "an object", value);
    }
  }

  knownFields(value: object, path: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw new TypeError(
          `Cannot build ${this.command} as '${path}' has an unknown field (allowed: ${
            known.join(", ")
          }): current value '${key}'`,
        );
      }
    }
  }

  snowflake(value: unknown, path: string): void {
    if (!isSnowflake(value)) throw this.type(path, "a snowflake", value);
  }

  boolean(value: unknown, path: string): void {
    if (typeof value !== "boolean") throw this.type(path, "a boolean", value);
  }

  nonNegativeInteger(value: unknown, path: string, expected: string): void {
    if (typeof value !== "number") throw this.type(path, expected, value);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw this.range(path, expected, value);
    }
  }
}
