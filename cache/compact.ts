// The compact in-memory form of cached values: fixed-shape objects (every
// field in the object itself, one hidden class per kind), one shared object
// per user, interned snowflakes and role lists, member timestamps as numbers,
// one shared empty array. Each compact form gives back exactly the Discord
// JSON that went in (`toJSON`): an absent field is stored as `undefined`,
// which Discord's JSON never holds (it uses null).
import type { CachedValue } from "./changes.ts";

const EMPTY: readonly never[] = Object.freeze([]);

function emptyIn(value: unknown): unknown {
  return Array.isArray(value) && value.length === 0 ? EMPTY : value;
}

function arrayOut(value: unknown): unknown {
  return value === EMPTY ? [] : value;
}

/** Copy the defined fields of `from` (keys not in `skip`) into `into`. */
function rest(
  from: CachedValue,
  skip: ReadonlySet<string>,
): CachedValue | undefined {
  let extra: CachedValue | undefined;
  for (const key in from) {
    if (skip.has(key)) continue;
    const value = from[key];
    if (value === undefined) continue;
    (extra ??= {})[key] = value;
  }
  return extra;
}

function put(into: CachedValue, key: string, value: unknown): void {
  if (value !== undefined) into[key] = value;
}

/** Interns strings (recurring snowflakes) and role lists. */
export class Interner {
  readonly #strings = new Map<string, string>();
  readonly #lists = new Map<string, readonly string[]>();

  /** The one copy of `value`. */
  intern(value: string): string {
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    this.#strings.set(value, value);
    return value;
  }

  /** One shared frozen copy per distinct list of snowflakes. */
  internList(values: unknown): unknown {
    if (!Array.isArray(values)) return values;
    if (values.length === 0) return EMPTY;
    if (!values.every((v) => typeof v === "string")) return values;
    const key = values.join(",");
    const known = this.#lists.get(key);
    if (known !== undefined) return known;
    const list = Object.freeze(values.map((v: string) => this.intern(v)));
    this.#lists.set(key, list);
    return list;
  }

  /** Forget everything. */
  clear(): void {
    this.#strings.clear();
    this.#lists.clear();
  }
}

/**
 * Discord's timestamps look like `2021-03-14T05:32:41.571000+00:00`. One
 * that renders back exactly from its milliseconds is kept as a number (a
 * heap number instead of a 32-character string); any other stays a string.
 */
export function encodeTime(value: unknown): unknown {
  if (typeof value !== "string" || value.length !== 32) return value;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && renderTime(ms) === value ? ms : value;
}

function renderTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + "000+00:00";
}

/** The string {@linkcode encodeTime} was given. */
export function decodeTime(value: unknown): unknown {
  return typeof value === "number" ? renderTime(value) : value;
}

const USER_MAIN = new Set([
  "id",
  "username",
  "discriminator",
  "global_name",
  "avatar",
  "bot",
  "public_flags",
  "flags",
  "banner",
  "accent_color",
  "avatar_decoration_data",
  "collectibles",
  "primary_guild",
]);

/** Equal primitives, or objects with the same JSON. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A user, kept once and shared by every member and message of it. */
export class CompactUser {
  /** How many cached members and messages refer to it. */
  refs = 0;
  id: unknown;
  username: unknown = undefined;
  discriminator: unknown = undefined;
  global_name: unknown = undefined;
  avatar: unknown = undefined;
  bot: unknown = undefined;
  public_flags: unknown = undefined;
  flags: unknown = undefined;
  banner: unknown = undefined;
  accent_color: unknown = undefined;
  avatar_decoration_data: unknown = undefined;
  collectibles: unknown = undefined;
  primary_guild: unknown = undefined;
  extra: CachedValue | undefined = undefined;

  constructor(value: CachedValue) {
    this.id = value.id;
    this.update(value);
  }

  /** Whether `value` says nothing new (so the shared copy stays as it is). */
  same(value: CachedValue): boolean {
    return this.username === value.username &&
      this.global_name === value.global_name &&
      this.avatar === value.avatar &&
      this.discriminator === value.discriminator &&
      this.bot === value.bot &&
      this.public_flags === value.public_flags &&
      this.flags === value.flags &&
      this.banner === value.banner &&
      this.accent_color === value.accent_color &&
      same(this.avatar_decoration_data, value.avatar_decoration_data) &&
      same(this.collectibles, value.collectibles) &&
      same(this.primary_guild, value.primary_guild) &&
      same(this.extra, rest(value, USER_MAIN));
  }

  /** Take the fields of `value` (the id stays). */
  update(value: CachedValue): void {
    this.username = value.username;
    this.discriminator = value.discriminator;
    this.global_name = value.global_name;
    this.avatar = value.avatar;
    this.bot = value.bot;
    this.public_flags = value.public_flags;
    this.flags = value.flags;
    this.banner = value.banner;
    this.accent_color = value.accent_color;
    this.avatar_decoration_data = value.avatar_decoration_data;
    this.collectibles = value.collectibles;
    this.primary_guild = value.primary_guild;
    this.extra = rest(value, USER_MAIN);
  }

  /** The user's Discord JSON. */
  toJSON(): CachedValue {
    const value: CachedValue = { id: this.id };
    put(value, "username", this.username);
    put(value, "discriminator", this.discriminator);
    put(value, "global_name", this.global_name);
    put(value, "avatar", this.avatar);
    put(value, "bot", this.bot);
    put(value, "public_flags", this.public_flags);
    put(value, "flags", this.flags);
    put(value, "banner", this.banner);
    put(value, "accent_color", this.accent_color);
    put(value, "avatar_decoration_data", this.avatar_decoration_data);
    put(value, "collectibles", this.collectibles);
    put(value, "primary_guild", this.primary_guild);
    if (this.extra !== undefined) Object.assign(value, this.extra);
    return value;
  }
}

const MEMBER_MAIN = new Set([
  "user",
  "guild_id",
  "roles",
  "nick",
  "avatar",
  "joined_at",
  "premium_since",
  "deaf",
  "mute",
  "flags",
  "pending",
  "communication_disabled_until",
]);

/** A member: its user is the shared {@linkcode CompactUser}. */
export class CompactMember {
  user: CompactUser;
  guild_id: unknown;
  roles: unknown;
  nick: unknown;
  avatar: unknown;
  joined_at: unknown;
  premium_since: unknown;
  deaf: unknown;
  mute: unknown;
  flags: unknown;
  pending: unknown;
  communication_disabled_until: unknown;
  extra: CachedValue | undefined;

  constructor(value: CachedValue, user: CompactUser, interner: Interner) {
    this.user = user;
    this.guild_id = typeof value.guild_id === "string"
      ? interner.intern(value.guild_id)
      : value.guild_id;
    this.roles = interner.internList(value.roles);
    this.nick = value.nick;
    this.avatar = value.avatar;
    this.joined_at = encodeTime(value.joined_at);
    this.premium_since = encodeTime(value.premium_since);
    this.deaf = value.deaf;
    this.mute = value.mute;
    this.flags = value.flags;
    this.pending = value.pending;
    this.communication_disabled_until = encodeTime(
      value.communication_disabled_until,
    );
    this.extra = rest(value, MEMBER_MAIN);
  }

  /** The member's Discord JSON, `user` and `guild_id` included. */
  toJSON(): CachedValue {
    const value: CachedValue = {};
    put(value, "nick", this.nick);
    put(value, "avatar", this.avatar);
    if (this.roles !== undefined) {
      value.roles = Array.isArray(this.roles) ? [...this.roles] : this.roles;
    }
    put(value, "joined_at", decodeTime(this.joined_at));
    put(value, "premium_since", decodeTime(this.premium_since));
    put(value, "deaf", this.deaf);
    put(value, "mute", this.mute);
    put(value, "flags", this.flags);
    put(value, "pending", this.pending);
    put(
      value,
      "communication_disabled_until",
      decodeTime(this.communication_disabled_until),
    );
    if (this.extra !== undefined) Object.assign(value, this.extra);
    value.user = this.user.toJSON();
    put(value, "guild_id", this.guild_id);
    return value;
  }
}

const MESSAGE_MAIN = new Set([
  "id",
  "channel_id",
  "guild_id",
  "author",
  "content",
  "timestamp",
  "edited_timestamp",
  "tts",
  "mention_everyone",
  "mentions",
  "mention_roles",
  "attachments",
  "embeds",
  "reactions",
  "nonce",
  "pinned",
  "webhook_id",
  "type",
  "flags",
  "components",
  "message_reference",
  "referenced_message",
]);

/** A message: its author is the shared {@linkcode CompactUser}. */
export class CompactMessage {
  id: unknown;
  channel_id: unknown;
  guild_id: unknown;
  author: CompactUser | CachedValue | undefined;
  content: unknown;
  timestamp: unknown;
  edited_timestamp: unknown;
  tts: unknown;
  mention_everyone: unknown;
  mentions: unknown;
  mention_roles: unknown;
  attachments: unknown;
  embeds: unknown;
  reactions: unknown;
  nonce: unknown;
  pinned: unknown;
  webhook_id: unknown;
  type: unknown;
  flags: unknown;
  components: unknown;
  message_reference: unknown;
  referenced_message: unknown;
  extra: CachedValue | undefined;

  constructor(
    value: CachedValue,
    author: CompactUser | undefined,
    interner: Interner,
  ) {
    this.id = value.id;
    this.channel_id = typeof value.channel_id === "string"
      ? interner.intern(value.channel_id)
      : value.channel_id;
    this.guild_id = typeof value.guild_id === "string"
      ? interner.intern(value.guild_id)
      : value.guild_id;
    this.author = author ?? (value.author as CachedValue | undefined);
    this.content = value.content;
    // Kept as the string: it is read back on every edit and reaction, and
    // a message's other fields outweigh it.
    this.timestamp = value.timestamp;
    this.edited_timestamp = value.edited_timestamp;
    this.tts = value.tts;
    this.mention_everyone = value.mention_everyone;
    this.mentions = emptyIn(value.mentions);
    this.mention_roles = interner.internList(value.mention_roles);
    this.attachments = emptyIn(value.attachments);
    this.embeds = emptyIn(value.embeds);
    this.reactions = emptyIn(value.reactions);
    this.nonce = value.nonce;
    this.pinned = value.pinned;
    this.webhook_id = value.webhook_id;
    this.type = value.type;
    this.flags = value.flags;
    this.components = emptyIn(value.components);
    this.message_reference = value.message_reference;
    this.referenced_message = value.referenced_message;
    this.extra = rest(value, MESSAGE_MAIN);
  }

  /** The author shared with other members and messages, if any. */
  get sharedAuthor(): CompactUser | undefined {
    return this.author instanceof CompactUser ? this.author : undefined;
  }

  /** The message's Discord JSON. */
  toJSON(): CachedValue {
    const value: CachedValue = {};
    put(value, "id", this.id);
    put(value, "channel_id", this.channel_id);
    put(value, "guild_id", this.guild_id);
    const author = this.author;
    if (author !== undefined) {
      value.author = author instanceof CompactUser ? author.toJSON() : author;
    }
    put(value, "content", this.content);
    put(value, "timestamp", this.timestamp);
    put(value, "edited_timestamp", this.edited_timestamp);
    put(value, "tts", this.tts);
    put(value, "mention_everyone", this.mention_everyone);
    put(value, "mentions", arrayOut(this.mentions));
    if (this.mention_roles !== undefined) {
      value.mention_roles = Array.isArray(this.mention_roles)
        ? [...this.mention_roles]
        : this.mention_roles;
    }
    put(value, "attachments", arrayOut(this.attachments));
    put(value, "embeds", arrayOut(this.embeds));
    put(value, "reactions", arrayOut(this.reactions));
    put(value, "nonce", this.nonce);
    put(value, "pinned", this.pinned);
    put(value, "webhook_id", this.webhook_id);
    put(value, "type", this.type);
    put(value, "flags", this.flags);
    put(value, "components", arrayOut(this.components));
    put(value, "message_reference", this.message_reference);
    put(value, "referenced_message", this.referenced_message);
    if (this.extra !== undefined) Object.assign(value, this.extra);
    return value;
  }
}
