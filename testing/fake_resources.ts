/**
 * {@linkcode FakeResources}: the guilds, channels, threads, members, roles,
 * bans, pins, reactions, webhooks and DMs behind {@linkcode FakeRest}'s
 * resource routes, with Discord's checks and error bodies.
 *
 * @module
 */
// Why one file of over 800 lines, for now: every resource route reads and
// writes the same in-memory guild model (guilds with their roles, members
// and bans; channels, threads and their members; messages, reactions, pins,
// webhooks), and it arrived whole with the interactions work. The cut it
// wants, as the fake gateway's: the model and its checks, then one module of
// routes per resource (channels and messages, threads, guilds and members,
// webhooks) taking the model.
import type { RestMessage, RestUser } from "../rest/payloads.ts";
import type { RoleColors } from "../types/objects/role.ts";
import { PermissionFlags } from "../types/permissions.ts";
import { guildObject } from "./_gateway_fixtures.ts";
import { textLength } from "../base/text_length.ts";
import { snowflakeMs } from "../base/snowflake.ts";
import { parseIsoTimestamp, timestampParseError } from "./_iso_timestamp.ts";
import { prunedMembers, pruneRequest } from "./_guild_prune.ts";
import { notNumber, numberMax, numberMin, type Tree } from "./_form_errors.ts";
import {
  FORUM_POST_FLAGS,
  WEBHOOK_MESSAGE_FLAGS,
  withSettableFlags,
} from "./_message_flags.ts";
import { THREAD_TYPES } from "./_thread_types.ts";

/** A channel (or thread) as the fake stores it. */
export interface FakeChannel {
  /** Channel ID. */
  id: string;
  /** Channel type (0 text, 1 DM, 2 voice, 4 category, 5 announcement, 11/12 threads, 15 forum). */
  type: number;
  /** The guild, for guild channels. */
  guild_id?: string;
  /** Name. */
  name?: string;
  /** Every other field. */
  [field: string]: unknown;
}

/** A role as the fake stores it. */
export interface FakeRole {
  /** Role ID. */
  id: string;
  /** Name. */
  name: string;
  /** Permission bits, as a string. */
  permissions: string;
  /** Position. */
  position: number;
  /** Every other field. */
  [field: string]: unknown;
}

/** A member as the fake stores it. */
export interface FakeMember {
  /** The user. */
  user: RestUser;
  /** Nickname. */
  nick: string | null;
  /** Role IDs. */
  roles: string[];
  /** Every other field. */
  [field: string]: unknown;
}

/**
 * A thread's member as the fake answers it: Discord's thread member
 * object, without `member`.
 */
export interface FakeThreadMember {
  /** The thread's ID. */
  id: string;
  /** The user's ID. */
  user_id: string;
  /** When they last joined, ISO 8601. */
  join_timestamp: string;
  /** Notification settings (always 0 in the fake). */
  flags: number;
}

/** A webhook as the fake stores it. */
export interface FakeWebhook {
  /** Webhook ID. */
  id: string;
  /** 1 incoming. */
  type: number;
  /** Its channel. */
  channel_id: string;
  /** Its guild. */
  guild_id: string | undefined;
  /** Name. */
  name: string;
  /** Avatar hash. */
  avatar: string | null;
  /** Token. */
  token: string;
  /** The application that created it. */
  application_id: string | null;
}

/** What the resources need from {@linkcode FakeRest}. */
export interface FakeResourceHost {
  /** The bot user. */
  readonly botUser: RestUser;
  /** The application ID. */
  readonly applicationId: string;
  /** A new snowflake. */
  snowflake(): string;
  /** The current time, ISO 8601. */
  timestamp(): string;
  /** Milliseconds since the Unix epoch, on the fake's clock. */
  wallClock(): number;
  /** A stored message. */
  message(id: string): RestMessage | undefined;
  /** Stored messages of a channel, oldest first. */
  messagesIn(channelId: string): RestMessage[];
  /**
   * Forget every message of a deleted channel, ephemeral ones too, with no
   * hook or event (Discord sends no MESSAGE_DELETE for them).
   *
   * @returns The forgotten messages' IDs.
   */
  forgetMessages(channelId: string): string[];
  /** Create a message (hooks run). */
  createMessage(
    channelId: string,
    body: Record<string, unknown>,
    extra: Partial<RestMessage>,
    files: FakeUploadedFile[],
  ): RestMessage;
  /** Edit a message (hooks run). */
  editMessage(
    message: RestMessage,
    body: Record<string, unknown>,
    files: FakeUploadedFile[],
  ): void;
  /** Delete a message (hooks run, unless `quiet`: a bulk delete's). */
  deleteMessage(message: RestMessage, quiet?: boolean): void;
  /**
   * Send the gateway event Discord sends for a change (a role, a member, a
   * channel, a reaction, a bulk delete); `guildId` routes it.
   */
  dispatch?(
    event: string,
    data: Record<string, unknown>,
    guildId: string | null,
  ): void;
  /** Check a message body as the create route does. */
  validateMessage(
    body: Record<string, unknown>,
    hasFiles: boolean,
  ): FakeReply | undefined;
  /**
   * Check an edit as the edit routes do (against the stored message);
   * without it, an edit through a webhook's own token is not checked.
   */
  validateEdit?(
    body: Record<string, unknown>,
    message: RestMessage,
    files: readonly FakeUploadedFile[],
  ): FakeReply | undefined;
}

/** A file of a multipart request. */
export interface FakeUploadedFile {
  /** The form field. */
  field: string;
  /** The file name. */
  name: string;
  /** The media type. */
  contentType: string;
  /** The bytes. */
  data: Uint8Array;
}

/** A reply of a fake route. */
export interface FakeReply {
  /** HTTP status. */
  status: number;
  /** JSON body. */
  body?: unknown;
}

/** What a resource route gets. */
export interface FakeRouteContext {
  /** The regex match of the path. */
  match: RegExpExecArray;
  /** The parsed JSON body (or payload_json). */
  body: unknown;
  /** The query parameters. */
  query: URLSearchParams;
  /** Uploaded files. */
  files: FakeUploadedFile[];
  /** Whether the bot token was sent. */
  authorized: boolean;
}

/** A resource route: `undefined` lets the next matching route answer. */
export type FakeRoute = [
  method: string,
  pattern: RegExp,
  handler: (context: FakeRouteContext) => FakeReply | undefined,
];

interface Guild {
  id: string;
  name: string;
  owner_id: string;
  roles: Map<string, FakeRole>;
  members: Map<string, FakeMember>;
  bans: Map<string, { reason: string | null; user: RestUser }>;
}

/**
 * Whether Discord refuses to time out `member` of `guild`: its owner, or a
 * member with ADMINISTRATOR through any of its roles (@everyone's too).
 */
function timeoutImmune(guild: Guild, member: FakeMember): boolean {
  if (member.user.id === guild.owner_id) return true;
  return [guild.id, ...member.roles].some((id) => {
    const permissions = guild.roles.get(id)?.permissions;
    return /^\d+$/.test(permissions ?? "") &&
      (BigInt(permissions!) & PermissionFlags.Administrator) !== 0n;
  });
}

const error = (status: number, code: number, message: string): FakeReply => ({
  status,
  body: { code, message },
});
/** Discord's refusal of a change to an archived thread. */
const archivedThread = (): FakeReply => error(400, 50083, "Thread is archived");
const unknown = {
  channel: () => error(404, 10003, "Unknown Channel"),
  guild: () => error(404, 10004, "Unknown Guild"),
  member: () => error(404, 10007, "Unknown Member"),
  message: () => error(404, 10008, "Unknown Message"),
  role: () => error(404, 10011, "Unknown Role"),
  user: () => error(404, 10013, "Unknown User"),
  emoji: () => error(400, 10014, "Unknown Emoji"),
  webhook: () => error(404, 10015, "Unknown Webhook"),
  ban: () => error(404, 10026, "Unknown Ban"),
};
const invalid = (field: string, code: string, message: string): FakeReply => ({
  status: 400,
  body: {
    code: 50035,
    message: "Invalid Form Body",
    errors: { [field]: { _errors: [{ code, message }] } },
  },
});
/** Discord's 400 Invalid Form Body with an `errors` tree. */
const invalidTree = (errors: Tree): FakeReply => ({
  status: 400,
  body: { code: 50035, message: "Invalid Form Body", errors },
});
const noContent: FakeReply = { status: 204 };

/** A reaction's Unicode emoji, as {@linkcode FakeResources} takes one. */
const UNICODE_REACTION =
  /^(?:\p{RGI_Emoji}|\p{Regional_Indicator}|\p{Extended_Pictographic}\uFE0F?|[#*0-9]\uFE0F?\u20E3)$/v;

/**
 * A reaction route's emoji segment decoded, or `undefined` when its
 * percent-encoding is malformed (Discord: 10014). Every reaction route reads
 * it here: a malformed one crashed the listing and removal routes (500).
 */
function decodeEmoji(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * A reaction route's emoji as the fake stores it, or `undefined` where
 * Discord answers 10014 Unknown Emoji: its docs take a URL-encoded Unicode
 * emoji or name:id (a bare name such as `thumbsup` is neither). Beside the
 * RGI set: a lone regional indicator (poll bots' 🇦 🇧 …) and a pictograph
 * or keycap without its U+FE0F, which bots send and Discord takes.
 */
function reactionEmoji(segment: string): string | undefined {
  const emoji = decodeEmoji(segment);
  if (emoji === undefined) return undefined;
  const valid = emoji.includes(":")
    ? /^[\w~-]{2,32}:\d+$/.test(emoji)
    : UNICODE_REACTION.test(emoji);
  return valid ? emoji : undefined;
}

/** A stored emoji (`name` or `name:id`) as a reaction event names it. */
function emojiObject(emoji: string): { id: string | null; name: string } {
  const [name, id] = emoji.split(":");
  return { id: id ?? null, name: name! };
}

/**
 * A page `limit` outside 1-`max` (or not an integer) as Discord answers it:
 * the bound it breaks, in Discord's words.
 */
function badLimit(limit: number, max: number): FakeReply | undefined {
  if (limit < 1) return invalidTree({ limit: numberMin(1) });
  if (!(Number.isInteger(limit) && limit <= max)) {
    return invalidTree({ limit: numberMax(max) });
  }
  return undefined;
}

/**
 * The first of the query's page cursors that is no snowflake, answered as
 * Discord does; checked before the routes turn the cursors into BigInts,
 * which throw on `latest` or `1.5`.
 */
function badCursor(
  query: URLSearchParams,
  names: string[],
): FakeReply | undefined {
  for (const name of names) {
    const value = query.get(name);
    if (value && !/^\d{1,20}$/.test(value)) {
      return invalidTree({ [name]: notNumber(value, "snowflake") });
    }
  }
  return undefined;
}
/** A one-colour role's `colors`: Discord fills them from `color`. */
function solidColors(color: number): RoleColors {
  return { primary_color: color, secondary_color: null, tertiary_color: null };
}

/**
 * The `colors` a role create or modify body sets, or `undefined` when it
 * names none. `colors`, the field Discord recommends, wins over the
 * deprecated `color`, which names a single colour (a solid role). Discord
 * forces its holographic colours on a role sent a `tertiary_color`
 * (permissions.mdx, "Role Colors Object").
 */
function requestedColors(f: Record<string, unknown>): RoleColors | undefined {
  if (f.colors !== undefined && f.colors !== null) {
    const c = fields(f.colors);
    if (typeof c.tertiary_color === "number") {
      return {
        primary_color: 11127295,
        secondary_color: 16759788,
        tertiary_color: 16761760,
      };
    }
    return {
      ...solidColors(typeof c.primary_color === "number" ? c.primary_color : 0),
      secondary_color: typeof c.secondary_color === "number"
        ? c.secondary_color
        : null,
    };
  }
  return typeof f.color === "number" ? solidColors(f.color) : undefined;
}

const ok = (body: unknown): FakeReply => ({
  status: 200,
  body: structuredClone(body),
});

function fields(body: unknown): Record<string, unknown> {
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? body as Record<string, unknown>
    : {};
}

function badLength(
  value: unknown,
  min: number,
  max: number,
): boolean {
  if (typeof value !== "string") return true;
  const length = textLength(value);
  return length < min || length > max;
}

const FOURTEEN_DAYS = 14 * 24 * 3600 * 1000;

/**
 * The state behind the fake's resource routes. Seed it with
 * {@linkcode FakeResources.addGuild}, {@linkcode FakeResources.addChannel}
 * and {@linkcode FakeResources.addMember}; read it back with the getters.
 *
 * @example Seed a guild and read a member back over REST
 * ```ts
 * import { FakeRest } from "@disruption/disruption/testing";
 * import { getGuildMember, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest();
 * discord.resources.addGuild({ id: "1", name: "Test" });
 * discord.resources.addMember("1", { id: "7", username: "ada", discriminator: "0", global_name: null, avatar: null });
 * const rest = new RestClient({ token: "fake-bot-token", fetch: discord.fetch });
 * const member = await getGuildMember(rest, "1", "7");
 * assert.equal(member.user?.username, "ada");
 * ```
 */
export class FakeResources {
  readonly #host: FakeResourceHost;
  readonly #guilds = new Map<string, Guild>();
  readonly #channels = new Map<string, FakeChannel>();
  readonly #users = new Map<string, RestUser>();
  readonly #pins = new Map<string, { id: string; at: string }[]>();
  readonly #reactions = new Map<string, Map<string, Set<string>>>();
  readonly #threadMembers = new Map<string, Map<string, string>>();
  readonly #webhooks = new Map<string, FakeWebhook>();
  readonly #dms = new Map<string, string>();
  /** OAuth2 access tokens granted with `guilds.join`, to their user's ID. */
  readonly #accessTokens = new Map<string, string>();
  /** Deleted channel IDs: Discord never reuses one, it stays 404. */
  readonly #deleted = new Set<string>();

  /**
   * Create the state for one fake.
   *
   * @param host What the resources need from the fake.
   */
  constructor(host: FakeResourceHost) {
    this.#host = host;
    this.#users.set(host.botUser.id, host.botUser);
  }

  /**
   * Add a guild (with its @everyone role and the bot as a member).
   *
   * @param guild ID and name.
   */
  addGuild(guild: { id: string; name?: string }): void {
    if (this.#guilds.has(guild.id)) return;
    const roles = new Map<string, FakeRole>();
    roles.set(guild.id, {
      id: guild.id,
      name: "@everyone",
      permissions: "2248473465835073",
      position: 0,
      color: 0,
      colors: solidColors(0),
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    });
    this.#guilds.set(guild.id, {
      id: guild.id,
      name: guild.name ?? "Fake Guild",
      owner_id: this.#host.botUser.id,
      roles,
      members: new Map(),
      bans: new Map(),
    });
    this.addMember(guild.id, this.#host.botUser);
  }

  /**
   * Add a channel (a guild's, when `guild_id` is set and known).
   *
   * @param channel The channel.
   */
  addChannel(channel: FakeChannel): void {
    // A test seeding the id again means it: no longer deleted.
    this.#deleted.delete(channel.id);
    this.#channels.set(channel.id, structuredClone(channel));
  }

  /**
   * Whether a channel (or thread) was deleted over REST, with its parent
   * or on its own: a simulated user can no longer act in it.
   *
   * @param id The channel.
   * @returns Whether it was deleted.
   */
  deleted(id: string): boolean {
    return this.#deleted.has(id);
  }

  /**
   * A thread's `archived` and `locked` flags.
   *
   * @param id The channel.
   * @returns The flags; `undefined` for no stored thread.
   */
  threadState(id: string): { archived: boolean; locked: boolean } | undefined {
    const thread = this.#channels.get(id);
    if (!thread || !THREAD_TYPES.has(thread.type)) return undefined;
    const metadata = thread.thread_metadata as
      | { archived?: boolean; locked?: boolean }
      | undefined;
    return {
      archived: metadata?.archived === true,
      locked: metadata?.locked === true,
    };
  }

  /**
   * Refuse a change to an archived thread (a message edited, a reaction
   * added): 400 `50083`, as Discord answers. Sending a message is not one:
   * see {@linkcode FakeResources.unarchive}.
   *
   * @param id The channel.
   * @returns The refusal, or `undefined` when the channel is no archived
   *   thread.
   */
  archivedRefusal(id: string): FakeReply | undefined {
    return this.threadState(id)?.archived ? archivedThread() : undefined;
  }

  /**
   * A message sent in an archived thread unarchives it, as Discord does:
   * `archived` false, a new `archive_timestamp` and a THREAD_UPDATE.
   * Whether the sender may (in a locked thread, only with MANAGE_THREADS)
   * is the caller's to check.
   *
   * @param id The channel; anything but an archived thread is left alone.
   */
  unarchive(id: string): void {
    if (!this.threadState(id)?.archived) return;
    const thread = this.#channels.get(id)!;
    const metadata = thread.thread_metadata as Record<string, unknown>;
    metadata.archived = false;
    metadata.archive_timestamp = this.#host.timestamp();
    this.#channelEvent("UPDATE", thread);
  }

  /**
   * Add a member to a guild (and the user to the known users).
   *
   * @param guildId The guild.
   * @param user The user.
   * @param member Nickname, roles and when they joined (default: now).
   */
  addMember(
    guildId: string,
    user: RestUser,
    member: { nick?: string | null; roles?: string[]; joined_at?: string } = {},
  ): void {
    const guild = this.#guilds.get(guildId);
    if (!guild) throw new Error(`Unknown guild ${guildId}: addGuild first`);
    this.#users.set(user.id, user);
    guild.members.set(user.id, {
      user: structuredClone(user),
      nick: member.nick ?? null,
      roles: member.roles ?? [],
      joined_at: member.joined_at ?? this.#host.timestamp(),
      deaf: false,
      mute: false,
      flags: 0,
      avatar: null,
      banner: null,
      premium_since: null,
      communication_disabled_until: null,
    });
  }

  /**
   * Give a user an OAuth2 access token granted to the bot's application
   * with the `guilds.join` scope (and make the user known): Add Guild
   * Member (`PUT /guilds/{id}/members/{user}`) adds them with it.
   *
   * @param user The user who authorized the application.
   * @param accessToken The access token their authorization gave.
   *
   * @example A bot adds a user who authorized it
   * ```ts
   * import { addGuildMember, RestClient } from "@disruption/disruption/rest";
   * import { FakeRest } from "@disruption/disruption/testing";
   * import assert from "node:assert/strict";
   *
   * const discord = new FakeRest({ token: "t" });
   * const rest = new RestClient({ token: "t", fetch: discord.fetch });
   * discord.resources.addGuild({ id: "1" });
   * const ada = { id: "7", username: "ada", discriminator: "0", global_name: null, avatar: null };
   * discord.resources.addAccessToken(ada, "ada-access-token");
   * const first = await addGuildMember(rest, "1", "7", { access_token: "ada-access-token", nick: "Ada" });
   * assert.ok(first.added && first.member.nick === "Ada");
   * // Already a member: Discord's 204.
   * assert.deepEqual(await addGuildMember(rest, "1", "7", { access_token: "ada-access-token" }), { added: false });
   * ```
   */
  addAccessToken(user: RestUser, accessToken: string): void {
    this.#users.set(user.id, user);
    this.#accessTokens.set(accessToken, user.id);
  }

  /**
   * A known user (a member of a fake guild, or the bot).
   *
   * @param id The user ID.
   * @returns A copy, or `undefined`.
   */
  user(id: string): RestUser | undefined {
    const user = this.#users.get(id);
    return user && structuredClone(user);
  }

  /**
   * A stored channel.
   *
   * @param id The channel ID.
   * @returns A copy, or `undefined`.
   */
  channel(id: string): FakeChannel | undefined {
    const channel = this.#channels.get(id);
    return channel && structuredClone(channel);
  }

  /**
   * A guild's members.
   *
   * @param guildId The guild.
   * @returns Copies.
   */
  members(guildId: string): FakeMember[] {
    return structuredClone([
      ...(this.#guilds.get(guildId)?.members.values() ?? []),
    ]);
  }

  /**
   * One member of a guild, without copying the others.
   *
   * @param guildId The guild.
   * @param userId The user.
   * @returns A copy, or `undefined` when not a member.
   */
  member(guildId: string, userId: string): FakeMember | undefined {
    const member = this.#guilds.get(guildId)?.members.get(userId);
    return member && structuredClone(member);
  }

  /**
   * A guild's roles.
   *
   * @param guildId The guild.
   * @returns Copies, by position.
   */
  roles(guildId: string): FakeRole[] {
    return structuredClone(
      [...(this.#guilds.get(guildId)?.roles.values() ?? [])].sort((a, b) =>
        a.position - b.position
      ),
    );
  }

  /**
   * A guild's owner (the bot, for every guild the fake adds).
   *
   * @param guildId The guild.
   * @returns The owner's user ID, or `undefined` for an unknown guild.
   */
  guildOwner(guildId: string): string | undefined {
    return this.#guilds.get(guildId)?.owner_id;
  }

  /**
   * A guild's bans, by user ID.
   *
   * @param guildId The guild.
   * @returns The banned user IDs.
   */
  bans(guildId: string): string[] {
    return [...(this.#guilds.get(guildId)?.bans.keys() ?? [])];
  }

  /**
   * Who reacted to a message, by emoji (`name` or `name:id`).
   *
   * @param messageId The message.
   * @returns Emoji → user IDs.
   */
  reactions(messageId: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [emoji, users] of this.#reactions.get(messageId) ?? []) {
      out[emoji] = [...users];
    }
    return out;
  }

  /**
   * The pinned message IDs of a channel, newest first.
   *
   * @param channelId The channel.
   * @returns Message IDs.
   */
  pins(channelId: string): string[] {
    return (this.#pins.get(channelId) ?? []).map((pin) => pin.id);
  }

  /**
   * The members of a thread.
   *
   * @param threadId The thread.
   * @returns User IDs.
   */
  threadMembers(threadId: string): string[] {
    return [...(this.#threadMembers.get(threadId)?.keys() ?? [])];
  }

  /**
   * One member of a thread, as Discord's thread member object (no
   * `member`): when they joined, and no notification flags.
   *
   * @param threadId The thread.
   * @param userId The user.
   * @returns A copy, or `undefined` when not a member.
   */
  threadMember(
    threadId: string,
    userId: string,
  ): FakeThreadMember | undefined {
    const at = this.#threadMembers.get(threadId)?.get(userId);
    return at === undefined
      ? undefined
      : { id: threadId, user_id: userId, join_timestamp: at, flags: 0 };
  }

  /**
   * The stored webhooks.
   *
   * @returns Copies (with tokens).
   */
  webhooks(): FakeWebhook[] {
    return structuredClone([...this.#webhooks.values()]);
  }

  /**
   * The routes, for the fake's route table.
   *
   * @returns The resource routes.
   */
  routes(): FakeRoute[] {
    const C = String.raw`\/channels\/(\d+)`;
    const G = String.raw`\/guilds\/(\d+)`;
    const M = String.raw`\/messages\/(\d+)`;
    const re = (text: string): RegExp => new RegExp(`^${text}$`);
    return [
      ["GET", re(C), ({ match }) => this.#withChannel(match[1]!, ok)],
      [
        "PATCH",
        re(C),
        ({ match, body }) => this.#modifyChannel(match[1]!, body),
      ],
      [
        "DELETE",
        re(C),
        ({ match }) =>
          this.#withChannel(match[1]!, (channel) => {
            this.#deleteChannel(channel);
            return ok(channel);
          }),
      ],
      [
        "PUT",
        re(`${C}/permissions/(\\d+)`),
        ({ match, body }) =>
          this.#withChannel(match[1]!, (channel) => {
            const f = fields(body);
            if (f.type !== 0 && f.type !== 1) {
              return invalid(
                "type",
                "BASE_TYPE_CHOICES",
                "Value must be one of {0, 1}.",
              );
            }
            const overwrites = (channel.permission_overwrites ?? []) as Record<
              string,
              unknown
            >[];
            const next = overwrites.filter((o) => o.id !== match[2]);
            next.push({
              id: match[2],
              type: f.type,
              allow: String(f.allow ?? "0"),
              deny: String(f.deny ?? "0"),
            });
            this.#channels.get(channel.id)!.permission_overwrites = next;
            this.#channelEvent("UPDATE", this.#channels.get(channel.id)!);
            return noContent;
          }),
      ],
      [
        "DELETE",
        re(`${C}/permissions/(\\d+)`),
        ({ match }) =>
          this.#withChannel(match[1]!, (channel) => {
            const stored = this.#channels.get(channel.id)!;
            stored.permission_overwrites =
              ((stored.permission_overwrites ?? []) as { id: string }[]).filter(
                (o) => o.id !== match[2],
              );
            this.#channelEvent("UPDATE", stored);
            return noContent;
          }),
      ],
      [
        "POST",
        re(`${C}/typing`),
        ({ match }) => this.#withChannel(match[1]!, () => noContent),
      ],
      [
        "GET",
        re(`${C}/messages`),
        ({ match, query }) =>
          this.#withChannel(
            match[1]!,
            () => this.#listMessages(match[1]!, query),
          ),
      ],
      [
        "GET",
        re(`${C}/messages/pins`),
        ({ match, query }) =>
          this.#withChannel(
            match[1]!,
            (channel) => this.#listPins(channel.id, query),
          ),
      ],
      [
        "PUT",
        re(`${C}/messages/pins/(\\d+)`),
        ({ match }) =>
          this.#withMessage(match[1]!, match[2]!, (message) => {
            const pins = this.#pins.get(message.channel_id) ?? [];
            if (pins.length >= 250) {
              return error(400, 30003, "Maximum number of pins reached (250)");
            }
            if (!pins.some((pin) => pin.id === message.id)) {
              pins.unshift({ id: message.id, at: this.#host.timestamp() });
            }
            this.#pins.set(message.channel_id, pins);
            message.pinned = true;
            return noContent;
          }),
      ],
      [
        "DELETE",
        re(`${C}/messages/pins/(\\d+)`),
        ({ match }) =>
          this.#withMessage(match[1]!, match[2]!, (message) => {
            const pins = this.#pins.get(message.channel_id) ?? [];
            this.#pins.set(
              message.channel_id,
              pins.filter((pin) => pin.id !== message.id),
            );
            message.pinned = false;
            return noContent;
          }),
      ],
      [
        "POST",
        re(`${C}${M}/crosspost`),
        ({ match }) =>
          this.#withMessage(match[1]!, match[2]!, (message) => {
            if (this.#channels.get(match[1]!)?.type !== 5) {
              return error(400, 40033, "This message cannot be crossposted");
            }
            message.flags = (message.flags ?? 0) | 1;
            return ok(message);
          }),
      ],
      [
        "POST",
        re(`${C}/messages/bulk-delete`),
        ({ match, body }) =>
          this.#withChannel(match[1]!, (channel) =>
            // "This endpoint can only be used on guild channels."
            channel.type === 1 || channel.type === 3
              ? error(403, 50003, "Cannot execute action on a DM channel")
              : this.#bulkDelete(match[1]!, body)),
      ],
      [
        "PUT",
        re(`${C}${M}/reactions/([^/]+)/@me`),
        ({ match }) =>
          this.#react(
            match[1]!,
            match[2]!,
            match[3]!,
            this.#host.botUser.id,
            true,
          ),
      ],
      [
        "DELETE",
        re(`${C}${M}/reactions/([^/]+)/@me`),
        ({ match }) =>
          this.#react(
            match[1]!,
            match[2]!,
            match[3]!,
            this.#host.botUser.id,
            false,
          ),
      ],
      [
        "DELETE",
        re(`${C}${M}/reactions/([^/]+)/(\\d+)`),
        ({ match }) =>
          this.#react(match[1]!, match[2]!, match[3]!, match[4]!, false),
      ],
      [
        "GET",
        re(`${C}${M}/reactions/([^/]+)`),
        ({ match, query }) =>
          this.#withMessage(match[1]!, match[2]!, (message) => {
            const emoji = reactionEmoji(match[3]!);
            if (emoji === undefined) return unknown.emoji();
            const limit = Number(query.get("limit") ?? 25);
            const refusal = badLimit(limit, 100) ?? badCursor(query, ["after"]);
            if (refusal) return refusal;
            // Discord pages the users by id, `after` the last one seen.
            const after = BigInt(query.get("after") || 0);
            const users = [...this.#reactions.get(message.id)?.get(emoji) ?? []]
              .filter((id) => BigInt(id) > after)
              .sort((a, b) => BigInt(a) < BigInt(b) ? -1 : 1);
            return ok(
              users.slice(0, limit).map((id) => this.#users.get(id))
                .filter(Boolean),
            );
          }),
      ],
      [
        "DELETE",
        re(`${C}${M}/reactions`),
        ({ match }) =>
          this.#withMessage(match[1]!, match[2]!, (message) => {
            this.#reactions.delete(message.id);
            this.#syncReactions(message);
            this.#emit("MESSAGE_REACTION_REMOVE_ALL", {
              channel_id: message.channel_id,
              message_id: message.id,
            }, this.#guildOf(message));
            return noContent;
          }),
      ],
      [
        "DELETE",
        re(`${C}${M}/reactions/([^/]+)`),
        ({ match }) =>
          this.#withMessage(match[1]!, match[2]!, (message) => {
            const emoji = reactionEmoji(match[3]!);
            if (emoji === undefined) return unknown.emoji();
            this.#reactions.get(message.id)?.delete(emoji);
            this.#syncReactions(message);
            this.#emit("MESSAGE_REACTION_REMOVE_EMOJI", {
              channel_id: message.channel_id,
              message_id: message.id,
              emoji: emojiObject(emoji),
            }, this.#guildOf(message));
            return noContent;
          }),
      ],
      [
        "POST",
        re(`${C}${M}/threads`),
        ({ match, body }) =>
          this.#withMessage(
            match[1]!,
            match[2]!,
            (message) => this.#startThread(match[1]!, body, message.id, 11),
          ),
      ],
      [
        "POST",
        re(`${C}/threads`),
        ({ match, body, files }) =>
          this.#withChannel(match[1]!, (parent) => {
            const f = fields(body);
            if (parent.type === 15 || parent.type === 16) {
              // Checked as kept: a flag it may not set is dropped first.
              const starter = withSettableFlags(
                fields(f.message),
                FORUM_POST_FLAGS,
              );
              const bad = this.#host.validateMessage(starter, files.length > 0);
              if (bad) return bad;
              const reply = this.#startThread(parent.id, body, undefined, 11);
              if (reply.status !== 201) return reply;
              const thread = reply.body as FakeChannel;
              const first = this.#host.createMessage(
                thread.id,
                starter,
                {},
                files,
              );
              return { status: 201, body: { ...thread, message: first } };
            }
            const type = typeof f.type === "number" ? f.type : 12;
            return this.#startThread(parent.id, body, undefined, type);
          }),
      ],
      [
        "PUT",
        re(`${C}/thread-members/@me`),
        ({ match }) =>
          this.#threadMember(match[1]!, this.#host.botUser.id, true),
      ],
      [
        "DELETE",
        re(`${C}/thread-members/@me`),
        ({ match }) =>
          this.#threadMember(match[1]!, this.#host.botUser.id, false),
      ],
      [
        "PUT",
        re(`${C}/thread-members/(\\d+)`),
        ({ match }) => this.#threadMember(match[1]!, match[2]!, true),
      ],
      [
        "DELETE",
        re(`${C}/thread-members/(\\d+)`),
        ({ match }) => this.#threadMember(match[1]!, match[2]!, false),
      ],
      [
        "GET",
        re(`${C}/thread-members/(\\d+)`),
        ({ match }) =>
          this.#withThread(match[1]!, (thread) => {
            const member = this.threadMember(thread.id, match[2]!);
            return member ? ok(member) : unknown.member();
          }),
      ],
      [
        "GET",
        re(`${C}/thread-members`),
        ({ match }) =>
          this.#withThread(match[1]!, (thread) =>
            ok(
              [...(this.#threadMembers.get(thread.id) ?? [])].map((
                [id, at],
              ) => ({
                id: thread.id,
                user_id: id,
                join_timestamp: at,
                flags: 0,
              })),
            )),
      ],
      [
        "GET",
        re(`${C}/threads/archived/(public|private)`),
        ({ match }) =>
          this.#withChannel(
            match[1]!,
            () =>
              this.#archived(match[1]!, match[2] === "public" ? 11 : 12, false),
          ),
      ],
      [
        "GET",
        re(`${C}/users/@me/threads/archived/private`),
        ({ match }) =>
          this.#withChannel(
            match[1]!,
            () => this.#archived(match[1]!, 12, true),
          ),
      ],
      [
        "GET",
        re(`${G}/threads/active`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => {
            const threads = [...this.#channels.values()].filter((c) =>
              c.guild_id === guild.id && THREAD_TYPES.has(c.type) &&
              !(c.thread_metadata as { archived?: boolean } | undefined)
                ?.archived
            );
            return ok({ threads, members: [] });
          }),
      ],
      [
        "GET",
        re(G),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => ok(this.#guildObject(guild))),
      ],
      [
        "GET",
        re(`${G}/preview`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) =>
            ok({
              id: guild.id,
              name: guild.name,
              icon: null,
              splash: null,
              discovery_splash: null,
              emojis: [],
              features: [],
              approximate_member_count: guild.members.size,
              approximate_presence_count: 0,
              description: null,
              stickers: [],
            })),
      ],
      [
        "PATCH",
        re(G),
        ({ match, body }) =>
          this.#withGuild(match[1]!, (guild) => {
            const f = fields(body);
            if (f.name !== undefined) {
              if (badLength(f.name, 2, 100)) {
                return invalid(
                  "name",
                  "BASE_TYPE_BAD_LENGTH",
                  "Must be between 2 and 100 in length.",
                );
              }
              guild.name = f.name as string;
            }
            return ok(this.#guildObject(guild));
          }),
      ],
      [
        "GET",
        re(`${G}/channels`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) =>
            ok(
              [...this.#channels.values()].filter((c) =>
                c.guild_id === guild.id && !THREAD_TYPES.has(c.type)
              ),
            )),
      ],
      [
        "POST",
        re(`${G}/channels`),
        ({ match, body }) =>
          this.#withGuild(match[1]!, (guild) => {
            const f = fields(body);
            if (badLength(f.name, 1, 100)) {
              return invalid(
                "name",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 100 in length.",
              );
            }
            const channel: FakeChannel = {
              position: 0,
              permission_overwrites: [],
              nsfw: false,
              topic: null,
              parent_id: null,
              ...f,
              id: this.#host.snowflake(),
              type: typeof f.type === "number" ? f.type : 0,
              guild_id: guild.id,
              name: f.name as string,
            };
            this.#channels.set(channel.id, channel);
            this.#channelEvent("CREATE", channel);
            return { status: 201, body: structuredClone(channel) };
          }),
      ],
      [
        "PATCH",
        re(`${G}/channels`),
        ({ match, body }) =>
          this.#withGuild(match[1]!, () => {
            if (!Array.isArray(body)) {
              return invalid(
                "_errors",
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType",
              );
            }
            for (const item of body) {
              const f = fields(item);
              const channel = this.#channels.get(String(f.id));
              if (!channel) return unknown.channel();
              if (typeof f.position === "number") channel.position = f.position;
              if (f.parent_id !== undefined) channel.parent_id = f.parent_id;
              this.#channelEvent("UPDATE", channel);
            }
            return noContent;
          }),
      ],
      [
        "GET",
        re(`${G}/invites`),
        ({ match }) => this.#withGuild(match[1]!, () => ok([])),
      ],
      [
        "GET",
        re(`${G}/members/search`),
        ({ match, query }) =>
          this.#withGuild(match[1]!, (guild) => {
            const prefix = (query.get("query") ?? "").toLowerCase();
            if (!query.has("query")) {
              return invalid(
                "query",
                "BASE_TYPE_REQUIRED",
                "This field is required",
              );
            }
            const limit = Number(query.get("limit") ?? 1);
            return ok(
              [...guild.members.values()].filter((m) =>
                m.user.username.toLowerCase().startsWith(prefix) ||
                (m.nick ?? "").toLowerCase().startsWith(prefix)
              ).slice(0, limit),
            );
          }),
      ],
      [
        "GET",
        re(`${G}/members`),
        ({ match, query }) =>
          this.#withGuild(match[1]!, (guild) => {
            const refusal = badLimit(Number(query.get("limit") ?? 1), 1000) ??
              badCursor(query, ["after"]);
            if (refusal) return refusal;
            const limit = Number(query.get("limit") ?? 1);
            const after = BigInt(query.get("after") || "0");
            return ok(
              [...guild.members.values()]
                .filter((m) => BigInt(m.user.id) > after)
                .sort((
                  a,
                  b,
                ) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
                .slice(0, limit),
            );
          }),
      ],
      [
        "PUT",
        re(`${G}/members/(\\d+)`),
        ({ match, body }) =>
          this.#withGuild(
            match[1]!,
            (guild) => this.#addGuildMember(guild, match[2]!, fields(body)),
          ),
      ],
      [
        "GET",
        re(`${G}/members/(\\d+)`),
        ({ match }) =>
          this.#withMember(match[1]!, match[2]!, (_, member) => ok(member)),
      ],
      [
        "PATCH",
        re(`${G}/members/@me`),
        ({ match, body }) =>
          this.#withMember(
            match[1]!,
            this.#host.botUser.id,
            (guild, member) =>
              this.#memberUpdated(
                guild,
                member,
                this.#modifyMember(member, fields(body), true),
              ),
          ),
      ],
      [
        "PATCH",
        re(`${G}/members/(\\d+)`),
        ({ match, body }) =>
          this.#withMember(match[1]!, match[2]!, (guild, member) => {
            const f = fields(body);
            if (Array.isArray(f.roles)) {
              const missing = f.roles.find((id) =>
                !guild.roles.has(String(id))
              );
              if (missing !== undefined) return unknown.role();
            }
            return this.#memberUpdated(
              guild,
              member,
              this.#modifyMember(member, f, false, guild),
            );
          }),
      ],
      [
        "PUT",
        re(`${G}/members/(\\d+)/roles/(\\d+)`),
        ({ match }) =>
          this.#withMember(match[1]!, match[2]!, (guild, member) => {
            if (!guild.roles.has(match[3]!)) return unknown.role();
            // Discord sends the update only for a change.
            if (member.roles.includes(match[3]!)) return noContent;
            member.roles.push(match[3]!);
            return this.#memberUpdated(guild, member, noContent);
          }),
      ],
      [
        "DELETE",
        re(`${G}/members/(\\d+)/roles/(\\d+)`),
        ({ match }) =>
          this.#withMember(match[1]!, match[2]!, (guild, member) => {
            if (!guild.roles.has(match[3]!)) return unknown.role();
            if (!member.roles.includes(match[3]!)) return noContent;
            member.roles = member.roles.filter((id) => id !== match[3]);
            return this.#memberUpdated(guild, member, noContent);
          }),
      ],
      [
        "DELETE",
        re(`${G}/members/(\\d+)`),
        ({ match }) =>
          this.#withMember(match[1]!, match[2]!, (guild, member) => {
            guild.members.delete(member.user.id);
            this.#emit("GUILD_MEMBER_REMOVE", { user: member.user }, guild.id);
            return noContent;
          }),
      ],
      [
        "GET",
        re(`${G}/bans`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => ok([...guild.bans.values()])),
      ],
      [
        "GET",
        re(`${G}/bans/(\\d+)`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => {
            const ban = guild.bans.get(match[2]!);
            return ban ? ok(ban) : unknown.ban();
          }),
      ],
      [
        "PUT",
        re(`${G}/bans/(\\d+)`),
        ({ match, body }) =>
          this.#withGuild(
            match[1]!,
            (guild) => this.#ban(guild, match[2]!, fields(body)),
          ),
      ],
      [
        "DELETE",
        re(`${G}/bans/(\\d+)`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => {
            if (!guild.bans.delete(match[2]!)) return unknown.ban();
            return noContent;
          }),
      ],
      [
        "POST",
        re(`${G}/bulk-ban`),
        ({ match, body }) =>
          this.#withGuild(match[1]!, (guild) => {
            const f = fields(body);
            const ids = Array.isArray(f.user_ids) ? f.user_ids.map(String) : [];
            if (ids.length < 1 || ids.length > 200) {
              return invalid(
                "user_ids",
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 200 in length.",
              );
            }
            const banned: string[] = [];
            const failed: string[] = [];
            for (const id of ids) {
              // Discord's failed_users: "IDs that could not be banned or
              // were already banned" (a single PUT ban of one is a 204).
              const done = !guild.bans.has(id) &&
                this.#ban(guild, id, f).status === 204;
              (done ? banned : failed).push(id);
            }
            if (banned.length === 0) {
              // Discord's docs: "If none of the users could be banned, an
              // error response code 500000: Failed to ban users" (a 400).
              return error(400, 500000, "Failed to ban users");
            }
            return ok({ banned_users: banned, failed_users: failed });
          }),
      ],
      [
        "GET",
        re(`${G}/prune`),
        ({ match, query }) =>
          this.#prune(match[1]!, {
            days: query.get("days") ?? undefined,
            includeRoles: query.get("include_roles") ?? undefined,
            computeCount: undefined,
          }, false),
      ],
      [
        "POST",
        re(`${G}/prune`),
        ({ match, body }) => {
          const f = fields(body);
          return this.#prune(match[1]!, {
            days: f.days,
            includeRoles: f.include_roles,
            computeCount: f.compute_prune_count,
          }, true);
        },
      ],
      [
        "GET",
        re(`${G}/roles`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => ok(this.roles(guild.id))),
      ],
      [
        "GET",
        re(`${G}/roles/(\\d+)`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => {
            const role = guild.roles.get(match[2]!);
            return role ? ok(role) : unknown.role();
          }),
      ],
      [
        "POST",
        re(`${G}/roles`),
        ({ match, body }) =>
          this.#withGuild(match[1]!, (guild) => {
            const f = fields(body);
            if (
              f.name !== undefined && f.name !== null &&
              badLength(f.name, 0, 100)
            ) {
              return invalid(
                "name",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 100 or fewer in length.",
              );
            }
            if (guild.roles.size >= 250) {
              return error(
                400,
                30005,
                "Maximum number of guild roles reached (250)",
              );
            }
            // `color` is kept as `colors.primary_color`, as Discord does.
            const colors = requestedColors(f) ?? solidColors(0);
            const role: FakeRole = {
              id: this.#host.snowflake(),
              name: typeof f.name === "string" ? f.name : "new role",
              permissions: String(f.permissions ?? "0"),
              position: 1,
              color: colors.primary_color,
              colors,
              hoist: f.hoist === true,
              managed: false,
              mentionable: f.mentionable === true,
              flags: 0,
            };
            const moved = [...guild.roles.values()].filter((other) =>
              other.position >= 1
            );
            for (const other of moved) other.position++;
            guild.roles.set(role.id, role);
            this.#emit("GUILD_ROLE_CREATE", { role }, guild.id);
            // The roles it pushed up changed too: without their updates a
            // cache keeps their old positions, out of step with REST.
            for (const other of moved) this.#roleUpdated(guild, other);
            return ok(role);
          }),
      ],
      [
        "PATCH",
        re(`${G}/roles`),
        ({ match, body }) =>
          this.#withGuild(match[1]!, (guild) => {
            if (!Array.isArray(body)) {
              return invalid(
                "_errors",
                "LIST_TYPE_CONVERT",
                "Only iterables may be used in a ListType",
              );
            }
            for (const item of body) {
              const f = fields(item);
              const role = guild.roles.get(String(f.id));
              if (!role) return unknown.role();
              if (typeof f.position === "number") role.position = f.position;
              this.#roleUpdated(guild, role);
            }
            return ok(this.roles(guild.id));
          }),
      ],
      [
        "PATCH",
        re(`${G}/roles/(\\d+)`),
        ({ match, body }) =>
          this.#withGuild(match[1]!, (guild) => {
            const role = guild.roles.get(match[2]!);
            if (!role) return unknown.role();
            const f = fields(body);
            if (
              f.name !== undefined && f.name !== null &&
              badLength(f.name, 0, 100)
            ) {
              return invalid(
                "name",
                "BASE_TYPE_MAX_LENGTH",
                "Must be 100 or fewer in length.",
              );
            }
            for (
              const key of [
                "name",
                "hoist",
                "mentionable",
                "unicode_emoji",
              ]
            ) {
              if (f[key] !== undefined && f[key] !== null) role[key] = f[key];
            }
            if (f.permissions !== undefined && f.permissions !== null) {
              role.permissions = String(f.permissions);
            }
            const colors = requestedColors(f);
            if (colors) {
              role.colors = colors;
              role.color = colors.primary_color;
            }
            this.#roleUpdated(guild, role);
            return ok(role);
          }),
      ],
      [
        "DELETE",
        re(`${G}/roles/(\\d+)`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => {
            if (match[2] === guild.id || !guild.roles.delete(match[2]!)) {
              return unknown.role();
            }
            for (const member of guild.members.values()) {
              member.roles = member.roles.filter((id) => id !== match[2]);
            }
            this.#emit("GUILD_ROLE_DELETE", { role_id: match[2] }, guild.id);
            return noContent;
          }),
      ],
      [
        "POST",
        re(`${C}/webhooks`),
        ({ match, body }) =>
          this.#withChannel(match[1]!, (channel) => {
            const f = fields(body);
            if (
              badLength(f.name, 1, 80) || /clyde|discord/i.test(String(f.name))
            ) {
              return invalid(
                "name",
                "BASE_TYPE_BAD_LENGTH",
                "Webhook names must be 1-80 characters and cannot contain 'clyde' or 'discord'.",
              );
            }
            const webhook: FakeWebhook = {
              id: this.#host.snowflake(),
              type: 1,
              channel_id: channel.id,
              guild_id: channel.guild_id,
              name: f.name as string,
              avatar: null,
              token: `webhook-token-${this.#host.snowflake()}`,
              application_id: this.#host.applicationId,
            };
            this.#webhooks.set(webhook.id, webhook);
            return ok(this.#webhookObject(webhook, true));
          }),
      ],
      [
        "GET",
        re(`${C}/webhooks`),
        ({ match }) =>
          this.#withChannel(match[1]!, (channel) =>
            ok(
              [...this.#webhooks.values()].filter((w) =>
                w.channel_id === channel.id
              )
                .map((w) => this.#webhookObject(w, true)),
            )),
      ],
      [
        "GET",
        re(`${G}/webhooks`),
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) =>
            ok(
              [...this.#webhooks.values()].filter((w) =>
                w.guild_id === guild.id
              )
                .map((w) => this.#webhookObject(w, true)),
            )),
      ],
      ...this.#webhookRoutes(),
      ["GET", /^\/users\/@me$/, () => ok(this.#host.botUser)],
      ["PATCH", /^\/users\/@me$/, ({ body }) => {
        const f = fields(body);
        if (f.username !== undefined) {
          if (badLength(f.username, 2, 32)) {
            return invalid(
              "username",
              "BASE_TYPE_BAD_LENGTH",
              "Must be between 2 and 32 in length.",
            );
          }
          this.#host.botUser.username = f.username as string;
        }
        return ok(this.#host.botUser);
      }],
      ["GET", /^\/users\/@me\/guilds$/, () =>
        ok(
          [...this.#guilds.values()].map((guild) => ({
            id: guild.id,
            name: guild.name,
            icon: null,
            owner: guild.owner_id === this.#host.botUser.id,
            permissions: "2248473465835073",
            features: [],
          })),
        )],
      [
        "GET",
        /^\/users\/@me\/guilds\/(\d+)\/member$/,
        ({ match }) =>
          this.#withMember(
            match[1]!,
            this.#host.botUser.id,
            (_, member) => ok(member),
          ),
      ],
      [
        "DELETE",
        /^\/users\/@me\/guilds\/(\d+)$/,
        ({ match }) =>
          this.#withGuild(match[1]!, (guild) => {
            guild.members.delete(this.#host.botUser.id);
            this.#guilds.delete(guild.id);
            return noContent;
          }),
      ],
      ["POST", /^\/users\/@me\/channels$/, ({ body }) => {
        const id = String(fields(body).recipient_id ?? "");
        const user = this.#users.get(id);
        if (!user) return unknown.user();
        let channelId = this.#dms.get(id);
        if (!channelId) {
          channelId = this.#host.snowflake();
          this.#dms.set(id, channelId);
          this.#channels.set(channelId, {
            id: channelId,
            type: 1,
            recipients: [structuredClone(user)],
            last_message_id: null,
          });
        }
        return ok(this.#channels.get(channelId));
      }],
      ["GET", /^\/users\/(\d+)$/, ({ match }) => {
        const user = this.#users.get(match[1]!);
        return user ? ok(user) : unknown.user();
      }],
    ];
  }

  #webhookRoutes(): FakeRoute[] {
    const W = String.raw`\/webhooks\/(\d+)`;
    const re = (text: string): RegExp => new RegExp(`^${text}$`);
    /** A stored webhook for the path, or `undefined` to fall through. */
    const hook = (
      id: string,
      token?: string,
    ): FakeWebhook | null | undefined => {
      const webhook = this.#webhooks.get(id);
      if (!webhook) return undefined;
      if (token !== undefined && decodeURIComponent(token) !== webhook.token) {
        return null;
      }
      return webhook;
    };
    const withHook = (
      id: string,
      token: string | undefined,
      run: (webhook: FakeWebhook) => FakeReply,
    ): FakeReply | undefined => {
      const webhook = hook(id, token);
      if (webhook === undefined) return undefined; // an interaction webhook, maybe
      if (webhook === null) return error(401, 50027, "Invalid Webhook Token");
      return run(webhook);
    };
    const ownMessage = (
      webhook: FakeWebhook,
      messageId: string,
    ): RestMessage | undefined => {
      const message = this.#host.message(messageId);
      return message?.webhook_id === webhook.id ? message : undefined;
    };
    return [
      [
        "GET",
        re(W),
        ({ match }) =>
          withHook(
            match[1]!,
            undefined,
            (w) => ok(this.#webhookObject(w, true)),
          ),
      ],
      [
        "PATCH",
        re(W),
        ({ match, body }) =>
          withHook(
            match[1]!,
            undefined,
            (w) => this.#modifyWebhook(w, fields(body), true),
          ),
      ],
      ["DELETE", re(W), ({ match }) =>
        withHook(match[1]!, undefined, (w) => {
          this.#webhooks.delete(w.id);
          return noContent;
        })],
      [
        "GET",
        re(`${W}/([^/]+)`),
        ({ match }) =>
          withHook(
            match[1]!,
            match[2]!,
            (w) => ok(this.#webhookObject(w, false)),
          ),
      ],
      [
        "PATCH",
        re(`${W}/([^/]+)`),
        ({ match, body }) =>
          withHook(
            match[1]!,
            match[2]!,
            (w) => this.#modifyWebhook(w, fields(body), false),
          ),
      ],
      [
        "DELETE",
        re(`${W}/([^/]+)`),
        ({ match }) =>
          withHook(match[1]!, match[2]!, (w) => {
            this.#webhooks.delete(w.id);
            return noContent;
          }),
      ],
      [
        "POST",
        re(`${W}/([^/]+)`),
        ({ match, body, query, files }) =>
          withHook(match[1]!, match[2]!, (w) => {
            const f = fields(body);
            const bad = this.#host.validateMessage(f, files.length > 0);
            if (bad) return bad;
            const threadId = query.get("thread_id");
            const channelId = threadId ?? w.channel_id;
            if (
              threadId &&
              this.#channels.get(threadId)?.parent_id !== w.channel_id
            ) {
              return unknown.channel();
            }
            // Discord: "The thread will automatically be unarchived."
            if (threadId) this.unarchive(threadId);
            const settable = withSettableFlags(f, WEBHOOK_MESSAGE_FLAGS);
            const message = this.#host.createMessage(channelId, settable, {
              webhook_id: w.id,
              author: {
                id: w.id,
                username: typeof f.username === "string" ? f.username : w.name,
                discriminator: "0000",
                global_name: null,
                avatar: null,
                bot: true,
              },
            }, files);
            return query.get("wait") === "true" ? ok(message) : noContent;
          }),
      ],
      [
        "GET",
        re(`${W}/([^/]+)/messages/(\\d+)`),
        ({ match }) =>
          withHook(match[1]!, match[2]!, (w) => {
            const message = ownMessage(w, match[3]!);
            return message ? ok(message) : unknown.message();
          }),
      ],
      [
        "PATCH",
        re(`${W}/([^/]+)/messages/(\\d+)`),
        ({ match, body, files }) =>
          withHook(match[1]!, match[2]!, (w) => {
            const message = ownMessage(w, match[3]!);
            if (!message) return unknown.message();
            const edit = fields(body);
            const bad = this.#host.validateEdit?.(edit, message, files);
            if (bad) return bad;
            this.#host.editMessage(message, edit, files);
            return ok(message);
          }),
      ],
      [
        "DELETE",
        re(`${W}/([^/]+)/messages/(\\d+)`),
        ({ match }) =>
          withHook(match[1]!, match[2]!, (w) => {
            const message = ownMessage(w, match[3]!);
            if (!message) return unknown.message();
            this.#host.deleteMessage(message);
            return noContent;
          }),
      ],
    ];
  }

  /**
   * Add Guild Member as Discord answers it: 400 without an access token,
   * 403 (50025) for one not granted to this user (see
   * {@linkcode FakeResources.addAccessToken}), 403 (40007) for a user
   * banned from the guild, 204 for a member already,
   * else 201 with the new member (its nick, roles, mute and deaf as
   * sent; 400 for a nick not 1-32 characters, 404 for an unknown role)
   * and GUILD_MEMBER_ADD. The token is checked before membership: the
   * docs do not say which comes first. The bot's permissions are not.
   */
  #addGuildMember(
    guild: Guild,
    userId: string,
    f: Record<string, unknown>,
  ): FakeReply {
    if (typeof f.access_token !== "string") {
      return invalid(
        "access_token",
        "BASE_TYPE_REQUIRED",
        "This field is required",
      );
    }
    if (this.#accessTokens.get(f.access_token) !== userId) {
      return error(403, 50025, "Invalid OAuth2 access token");
    }
    // A banned user is not added (JSON code 40007, which Discord's docs
    // added for this endpoint).
    if (guild.bans.has(userId)) {
      return error(403, 40007, "The user is banned from this guild");
    }
    if (guild.members.has(userId)) return noContent;
    if (f.nick !== undefined && badLength(f.nick, 1, 32)) {
      return invalid(
        "nick",
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 32 in length.",
      );
    }
    const roles = Array.isArray(f.roles) ? f.roles.map(String) : [];
    if (roles.some((id) => !guild.roles.has(id))) return unknown.role();
    this.addMember(guild.id, this.#users.get(userId)!, {
      ...(typeof f.nick === "string" ? { nick: f.nick } : {}),
      roles: [...new Set(roles)],
    });
    const member = guild.members.get(userId)!;
    member.mute = f.mute === true;
    member.deaf = f.deaf === true;
    this.#emit("GUILD_MEMBER_ADD", structuredClone({ ...member }), guild.id);
    return { status: 201, body: structuredClone(member) };
  }

  #withGuild(id: string, run: (guild: Guild) => FakeReply): FakeReply {
    const guild = this.#guilds.get(id);
    return guild ? run(guild) : unknown.guild();
  }

  #withMember(
    guildId: string,
    userId: string,
    run: (guild: Guild, member: FakeMember) => FakeReply,
  ): FakeReply {
    return this.#withGuild(guildId, (guild) => {
      const member = guild.members.get(userId);
      return member ? run(guild, member) : unknown.member();
    });
  }

  #withChannel(
    id: string,
    run: (channel: FakeChannel) => FakeReply,
  ): FakeReply {
    const channel = this.#channels.get(id);
    return channel ? run(structuredClone(channel)) : unknown.channel();
  }

  #withThread(id: string, run: (thread: FakeChannel) => FakeReply): FakeReply {
    return this.#withChannel(
      id,
      (channel) =>
        THREAD_TYPES.has(channel.type)
          ? run(channel)
          : error(400, 50024, "Cannot execute action on this channel type"),
    );
  }

  #withMessage(
    channelId: string,
    messageId: string,
    run: (message: RestMessage) => FakeReply,
  ): FakeReply {
    return this.#withChannel(channelId, () => {
      const message = this.#host.message(messageId);
      return message?.channel_id === channelId
        ? run(message)
        : unknown.message();
    });
  }

  #modifyChannel(id: string, body: unknown): FakeReply {
    return this.#withChannel(id, () => {
      const channel = this.#channels.get(id)!;
      const f = fields(body);
      if (f.name !== undefined && badLength(f.name, 1, 100)) {
        return invalid(
          "name",
          "BASE_TYPE_BAD_LENGTH",
          "Must be between 1 and 100 in length.",
        );
      }
      if (typeof f.topic === "string" && f.topic.length > 1024) {
        return invalid(
          "topic",
          "BASE_TYPE_MAX_LENGTH",
          "Must be 1024 or fewer in length.",
        );
      }
      if (
        f.rate_limit_per_user !== undefined && f.rate_limit_per_user !== null &&
        !(Number(f.rate_limit_per_user) >= 0 &&
          Number(f.rate_limit_per_user) <= 21600)
      ) {
        return invalid(
          "rate_limit_per_user",
          "NUMBER_TYPE_MAX",
          "int value should be less than or equal to 21600.",
        );
      }
      const metadataKeys = [
        "archived",
        "auto_archive_duration",
        "locked",
        "invitable",
      ];
      for (const [key, value] of Object.entries(f)) {
        if (key === "id" || key === "guild_id" || key === "type") continue;
        if (THREAD_TYPES.has(channel.type) && metadataKeys.includes(key)) {
          const metadata = (channel.thread_metadata ??= {}) as Record<
            string,
            unknown
          >;
          metadata[key] = value;
          if (key === "archived") {
            metadata.archive_timestamp = this.#host.timestamp();
          }
        } else channel[key] = value;
      }
      this.#channelEvent("UPDATE", channel);
      return ok(channel);
    });
  }

  #listMessages(channelId: string, query: URLSearchParams): FakeReply {
    const limit = Number(query.get("limit") ?? 50);
    const refusal = badLimit(limit, 100) ??
      badCursor(query, ["before", "after", "around"]);
    if (refusal) return refusal;
    const all = this.#host.messagesIn(channelId).sort((a, b) =>
      BigInt(a.id) < BigInt(b.id) ? 1 : -1
    );
    const before = query.get("before");
    const after = query.get("after");
    const around = query.get("around");
    let list = all;
    if (before) list = all.filter((m) => BigInt(m.id) < BigInt(before));
    else if (after) {
      list = all.filter((m) => BigInt(m.id) > BigInt(after)).slice(-limit);
    } else if (around) {
      const index = all.findIndex((m) => BigInt(m.id) <= BigInt(around));
      const start = Math.max(
        0,
        (index === -1 ? all.length : index) - Math.floor(limit / 2),
      );
      list = all.slice(start);
    }
    return ok(list.slice(0, limit));
  }

  /**
   * Get Channel Pins: newest first, `limit` 1-50 (default 50), `before` an
   * ISO 8601 time (the pins pinned before it), `has_more` when older pins
   * are left past the page.
   */
  #listPins(channelId: string, query: URLSearchParams): FakeReply {
    const limit = Number(query.get("limit") ?? 50);
    const refusal = badLimit(limit, 50);
    if (refusal) return refusal;
    const before = query.get("before");
    const cutoff = before === null ? Infinity : parseIsoTimestamp(before);
    if (cutoff === undefined) {
      const { code, message } = timestampParseError(before);
      return invalid("before", code, message);
    }
    const older = (this.#pins.get(channelId) ?? []).filter((pin) =>
      Date.parse(pin.at) < cutoff
    );
    return ok({
      items: older.slice(0, limit).map((pin) => ({
        pinned_at: pin.at,
        message: this.#host.message(pin.id),
      })),
      has_more: older.length > limit,
    });
  }

  #bulkDelete(channelId: string, body: unknown): FakeReply {
    const ids = fields(body).messages;
    if (!Array.isArray(ids) || ids.length < 2 || ids.length > 100) {
      return invalid(
        "messages",
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 2 and 100 in length.",
      );
    }
    // Discord's docs: it fails "if any duplicate message IDs are provided"
    // (they document the 400, not its body: the field error is the fake's).
    if (new Set(ids.map(String)).size !== ids.length) {
      return invalid(
        "messages",
        "BASE_TYPE_DUPLICATES",
        "Message IDs must be unique.",
      );
    }
    const now = this.#host.wallClock();
    const messages: RestMessage[] = [];
    for (const id of ids.map(String)) {
      if (!/^\d+$/.test(id)) return unknown.message();
      const created = snowflakeMs(id);
      if (now - created > FOURTEEN_DAYS) {
        return error(
          400,
          50034,
          "You can only bulk delete messages that are under 14 days old.",
        );
      }
      const message = this.#host.message(id);
      if (message?.channel_id === channelId) messages.push(message);
    }
    // One MESSAGE_DELETE_BULK for them all, as Discord sends, not a
    // MESSAGE_DELETE each (a host whose `dispatch` reaches no one may
    // still report each one: FakeRest without onGatewayEvent does).
    const quiet = this.#host.dispatch !== undefined;
    for (const message of messages) this.#host.deleteMessage(message, quiet);
    if (quiet && messages.length > 0) {
      this.#emit("MESSAGE_DELETE_BULK", {
        ids: messages.map((message) => message.id),
        channel_id: channelId,
      }, this.#channels.get(channelId)?.guild_id ?? null);
    }
    return noContent;
  }

  #react(
    channelId: string,
    messageId: string,
    rawEmoji: string,
    userId: string,
    add: boolean,
  ): FakeReply {
    return this.#withMessage(channelId, messageId, (message) => {
      const emoji = reactionEmoji(rawEmoji);
      if (emoji === undefined) return unknown.emoji();
      const archived = add ? this.archivedRefusal(channelId) : undefined;
      if (archived) return archived;
      let byEmoji = this.#reactions.get(message.id);
      if (!byEmoji) this.#reactions.set(message.id, byEmoji = new Map());
      let users = byEmoji.get(emoji);
      const changed = (users?.has(userId) ?? false) !== add;
      if (add) {
        if (!users && byEmoji.size >= 20) {
          return error(400, 30010, "Maximum number of reactions reached (20)");
        }
        if (!users) byEmoji.set(emoji, users = new Set());
        users.add(userId);
      } else {
        users?.delete(userId);
        if (users?.size === 0) byEmoji.delete(emoji);
      }
      this.#syncReactions(message);
      if (changed) this.#reacted(message, emoji, userId, add);
      return noContent;
    });
  }

  /** MESSAGE_REACTION_ADD or _REMOVE, as Discord sends them. */
  #reacted(
    message: RestMessage,
    emoji: string,
    userId: string,
    add: boolean,
  ): void {
    const guildId = this.#guildOf(message);
    const data: Record<string, unknown> = {
      user_id: userId,
      channel_id: message.channel_id,
      message_id: message.id,
      emoji: emojiObject(emoji),
      burst: false,
      type: 0,
    };
    if (add) {
      data.message_author_id = message.author.id;
      data.burst_colors = [];
      const member = guildId === null
        ? undefined
        : this.#guilds.get(guildId)?.members.get(userId);
      if (member) data.member = member;
    }
    this.#emit(
      add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE",
      data,
      guildId,
    );
  }

  /**
   * Send a change's gateway event through the host (see
   * {@linkcode FakeResourceHost.dispatch}), `guild_id` added in a guild.
   */
  #emit(
    event: string,
    data: Record<string, unknown>,
    guildId: string | null,
  ): void {
    const sent = guildId === null ? data : { ...data, guild_id: guildId };
    this.#host.dispatch?.(event, sent, guildId);
  }

  /** The guild of a message's channel, or `null` (a DM). */
  #guildOf(message: RestMessage): string | null {
    return this.#channels.get(message.channel_id)?.guild_id ?? null;
  }

  /**
   * Delete a channel as Discord does: its threads with it, and their
   * messages, reactions, pins and thread members; the IDs are remembered
   * (see {@linkcode FakeResources.deleted}). One CHANNEL_DELETE (or
   * THREAD_DELETE) for the channel deleted.
   */
  #deleteChannel(channel: FakeChannel): void {
    const threads = [...this.#channels.values()].filter((c) =>
      c.parent_id === channel.id && THREAD_TYPES.has(c.type)
    );
    for (const gone of [channel, ...threads]) {
      this.#channels.delete(gone.id);
      this.#deleted.add(gone.id);
      this.#pins.delete(gone.id);
      this.#threadMembers.delete(gone.id);
      for (const id of this.#host.forgetMessages(gone.id)) {
        this.#reactions.delete(id);
      }
      // Its webhooks go with it (executing one answers 10015).
      for (const [id, hook] of this.#webhooks) {
        if (hook.channel_id === gone.id) this.#webhooks.delete(id);
      }
    }
    this.#channelEvent("DELETE", channel);
  }

  /** A guild channel's CHANNEL_* (a thread's THREAD_*); a DM's none. */
  #channelEvent(
    action: "CREATE" | "UPDATE" | "DELETE",
    channel: FakeChannel,
  ): void {
    if (channel.guild_id === undefined) return;
    const kind = THREAD_TYPES.has(channel.type) ? "THREAD" : "CHANNEL";
    // Discord's THREAD_DELETE has only these fields, not the whole thread.
    const data = kind === "THREAD" && action === "DELETE"
      ? {
        id: channel.id,
        parent_id: channel.parent_id,
        type: channel.type,
      }
      : { ...channel };
    this.#emit(`${kind}_${action}`, data, channel.guild_id);
  }

  /** A role's GUILD_ROLE_UPDATE (an edit, or a position moved). */
  #roleUpdated(guild: Guild, role: FakeRole): void {
    this.#emit("GUILD_ROLE_UPDATE", { role }, guild.id);
  }

  /** GUILD_MEMBER_UPDATE after an edit `reply` accepted; returns `reply`. */
  #memberUpdated(
    guild: Guild,
    member: FakeMember,
    reply: FakeReply,
  ): FakeReply {
    if (reply.status < 300) {
      this.#emit("GUILD_MEMBER_UPDATE", { ...member }, guild.id);
    }
    return reply;
  }

  #syncReactions(message: RestMessage): void {
    const byEmoji = this.#reactions.get(message.id);
    const reactions = [...(byEmoji ?? [])].map(([emoji, users]) => ({
      count: users.size,
      count_details: { burst: 0, normal: users.size },
      me: users.has(this.#host.botUser.id),
      me_burst: false,
      burst_colors: [],
      emoji: emojiObject(emoji),
    }));
    if (reactions.length) message.reactions = reactions;
    else delete message.reactions;
  }

  #startThread(
    parentId: string,
    body: unknown,
    id: string | undefined,
    type: number,
  ): FakeReply {
    const f = fields(body);
    if (badLength(f.name, 1, 100)) {
      return invalid(
        "name",
        "BASE_TYPE_BAD_LENGTH",
        "Must be between 1 and 100 in length.",
      );
    }
    if (!THREAD_TYPES.has(type)) {
      return invalid(
        "type",
        "BASE_TYPE_CHOICES",
        "Value must be one of {10, 11, 12}.",
      );
    }
    const threadId = id ?? this.#host.snowflake();
    if (this.#channels.has(threadId)) {
      return error(
        400,
        160004,
        "A thread has already been created for this message",
      );
    }
    const parent = this.#channels.get(parentId)!;
    const thread: FakeChannel = {
      id: threadId,
      type,
      ...(parent.guild_id === undefined ? {} : { guild_id: parent.guild_id }),
      parent_id: parentId,
      name: f.name as string,
      owner_id: this.#host.botUser.id,
      rate_limit_per_user: typeof f.rate_limit_per_user === "number"
        ? f.rate_limit_per_user
        : 0,
      message_count: 0,
      member_count: 1,
      thread_metadata: {
        archived: false,
        auto_archive_duration: typeof f.auto_archive_duration === "number"
          ? f.auto_archive_duration
          : 4320,
        archive_timestamp: this.#host.timestamp(),
        locked: false,
        ...(type === 12 ? { invitable: f.invitable !== false } : {}),
      },
      ...(Array.isArray(f.applied_tags)
        ? { applied_tags: f.applied_tags }
        : {}),
    };
    this.#channels.set(threadId, thread);
    this.#threadMembers.set(
      threadId,
      new Map([[this.#host.botUser.id, this.#host.timestamp()]]),
    );
    return { status: 201, body: structuredClone(thread) };
  }

  #threadMember(threadId: string, userId: string, join: boolean): FakeReply {
    return this.#withThread(threadId, (thread) => {
      if (
        (thread.thread_metadata as { archived?: boolean } | undefined)?.archived
      ) {
        return archivedThread();
      }
      let members = this.#threadMembers.get(thread.id);
      if (!members) this.#threadMembers.set(thread.id, members = new Map());
      if (join) {
        if (!this.#users.has(userId)) return unknown.user();
        members.set(userId, this.#host.timestamp());
      } else members.delete(userId);
      const stored = this.#channels.get(thread.id)!;
      stored.member_count = members.size;
      return noContent;
    });
  }

  #archived(parentId: string, type: number, joined: boolean): FakeReply {
    const threads = [...this.#channels.values()].filter((c) =>
      c.parent_id === parentId && c.type === type &&
      (c.thread_metadata as { archived?: boolean } | undefined)?.archived &&
      (!joined ||
        this.#threadMembers.get(c.id)?.has(this.#host.botUser.id) === true)
    );
    return ok({ threads, members: [], has_more: false });
  }

  #guildObject(guild: Guild): Record<string, unknown> {
    return guildObject({
      id: guild.id,
      name: guild.name,
      ownerId: guild.owner_id,
      roles: this.roles(guild.id),
    });
  }

  #modifyMember(
    member: FakeMember,
    f: Record<string, unknown>,
    self: boolean,
    guild?: Guild,
  ): FakeReply {
    if (f.nick !== undefined && f.nick !== null && badLength(f.nick, 0, 32)) {
      return invalid(
        "nick",
        "BASE_TYPE_MAX_LENGTH",
        "Must be 32 or fewer in length.",
      );
    }
    // Every check before any change: Discord applies none of a refused body.
    const until = self ? undefined : f.communication_disabled_until;
    if (until !== undefined && until !== null) {
      const at = parseIsoTimestamp(until);
      if (at === undefined) {
        const { code, message } = timestampParseError(until);
        return invalid("communication_disabled_until", code, message);
      }
      if (at - this.#host.wallClock() > 28 * 24 * 3600 * 1000) {
        return invalid(
          "communication_disabled_until",
          "COMMUNICATION_DISABLED_UNTIL_TOO_LONG",
          "Timeouts cannot be longer than 28 days.",
        );
      }
      // Modify Guild Member: a timeout "will throw a 403 error if the user
      // has the ADMINISTRATOR permission or is the owner of the guild".
      if (guild && timeoutImmune(guild, member)) {
        return error(403, 50013, "Missing Permissions");
      }
    }
    if (f.nick !== undefined) {
      member.nick = f.nick === "" ? null : f.nick as string | null;
    }
    if (!self) {
      if (Array.isArray(f.roles)) member.roles = f.roles.map(String);
      if (until !== undefined) member.communication_disabled_until = until;
      for (const key of ["mute", "deaf"]) {
        if (typeof f[key] === "boolean") member[key] = f[key];
      }
    }
    return ok(member);
  }

  /** GET (count) or POST (kick) `/guilds/{id}/prune`: see `_guild_prune.ts`. */
  #prune(
    guildId: string,
    source: Parameters<typeof pruneRequest>[0],
    kick: boolean,
  ): FakeReply {
    return this.#withGuild(guildId, (guild) => {
      const request = pruneRequest(source);
      if ("field" in request) {
        return invalid(request.field, request.code, request.message);
      }
      const spared = new Set([guild.owner_id, this.#host.botUser.id]);
      const ids = prunedMembers(guild.members.values(), request, spared);
      if (kick) { for (const id of ids) guild.members.delete(id); }
      return ok({ pruned: kick && !request.computeCount ? null : ids.length });
    });
  }

  #ban(
    guild: Guild,
    userId: string,
    f: Record<string, unknown>,
  ): FakeReply {
    const seconds = f.delete_message_seconds;
    if (
      seconds !== undefined &&
      !(Number(seconds) >= 0 && Number(seconds) <= 604800)
    ) {
      return invalid(
        "delete_message_seconds",
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 604800.",
      );
    }
    const user = this.#users.get(userId);
    if (!user) return unknown.user();
    guild.members.delete(userId);
    guild.bans.set(userId, { reason: null, user: structuredClone(user) });
    return noContent;
  }

  #modifyWebhook(
    webhook: FakeWebhook,
    f: Record<string, unknown>,
    mayMove: boolean,
  ): FakeReply {
    if (f.name !== undefined) {
      if (badLength(f.name, 1, 80)) {
        return invalid(
          "name",
          "BASE_TYPE_BAD_LENGTH",
          "Must be between 1 and 80 in length.",
        );
      }
      webhook.name = f.name as string;
    }
    if (f.channel_id !== undefined) {
      if (!mayMove) {
        return invalid(
          "channel_id",
          "WEBHOOK_CANNOT_MOVE",
          "A webhook token cannot move the webhook.",
        );
      }
      const channel = this.#channels.get(String(f.channel_id));
      if (!channel) return unknown.channel();
      webhook.channel_id = channel.id;
    }
    return ok(this.#webhookObject(webhook, mayMove));
  }

  #webhookObject(
    webhook: FakeWebhook,
    withUser: boolean,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = { ...webhook };
    if (withUser) out.user = this.#host.botUser;
    out.url = `https://discord.com/api/webhooks/${webhook.id}/${webhook.token}`;
    return out;
  }
}
