// The compact in-memory form of cached values: fixed-shape objects (every
// field in the object itself, one hidden class per kind), one shared object
// per user, interned snowflakes and role lists, member timestamps as numbers,
// one shared empty array. Each compact form gives back exactly the Discord
// JSON that went in (`toJSON`): an absent field is stored as `undefined`,
// which Discord's JSON never holds (it uses null).
import type { CachedValue } from "./changes.ts";
import { isSnowflake } from "../base/snowflake.ts";
import { daysInMonth } from "../base/days_in_month.ts";

const EMPTY: readonly never[] = Object.freeze([]);

function emptyIn(value: unknown): unknown {
  return Array.isArray(value) && value.length === 0 ? EMPTY : value;
}

function arrayOut(value: unknown): unknown {
  return value === EMPTY ? [] : value;
}

function put(into: CachedValue, key: string, value: unknown): void {
  if (value !== undefined) into[key] = value;
}

/**
 * Interned strings and lists the interner keeps before it asks how many it
 * may keep: below this it never forgets.
 */
export const INTERNED_FLOOR = 65_536;

/**
 * Interns strings (recurring snowflakes) and role lists.
 *
 * Bounded: nothing tells it when a value is no longer used (a deleted
 * role's id, a channel left), and a gateway naming new role ids in every
 * member update would grow it without end. Past its limit it asks `bound`
 * how many values the cache may reference now (the limit becomes that, or
 * {@linkcode INTERNED_FLOOR} if more), and when it holds more than that it
 * starts over: values kept so far keep their own copies, new ones share
 * new ones. Sharing saves memory; nothing depends on it.
 *
 * Only snowflakes are interned: its bound counts values, not bytes, and a
 * role id of 100 KB (a hostile gateway's: role lists are kept as sent)
 * would otherwise stay interned long after the one member naming it is
 * gone (3,000 of them held 301 MB for a cache of one member).
 */
export class Interner {
  readonly #strings = new Map<string, string>();
  readonly #lists = new Map<string, readonly string[]>();
  readonly #bound: () => number;
  #limit = INTERNED_FLOOR;

  /**
   * @param bound How many strings and lists the cache may reference now
   * (the memory store: a few per guild, channel and role it holds, the
   * holders of the ids it interns).
   */
  constructor(bound: () => number = () => INTERNED_FLOOR) {
    this.#bound = bound;
  }

  /** How many strings and lists are interned. */
  get size(): number {
    return this.#strings.size + this.#lists.size;
  }

  /** The one copy of `value` (a snowflake; anything else is not kept). */
  intern(value: string): string {
    if (!isSnowflake(value)) return value;
    const known = this.#strings.get(value);
    if (known !== undefined) return known;
    this.#strings.set(value, value);
    this.#checkLimit();
    return value;
  }

  /**
   * A list of snowflakes with each one interned: the empty list and
   * one-element lists are shared (the common cases), longer ones are a new
   * array of shared strings.
   */
  internList(values: unknown): unknown {
    if (!Array.isArray(values)) return values;
    if (values.length === 0) return EMPTY;
    if (!values.every(isSnowflake)) return values;
    if (values.length === 1) {
      const known = this.#lists.get(values[0] as string);
      if (known !== undefined) return known;
      const list = Object.freeze([this.intern(values[0] as string)]);
      this.#lists.set(list[0]!, list);
      this.#checkLimit();
      return list;
    }
    return values.map((v: string) => this.intern(v));
  }

  /** Forget everything. */
  clear(): void {
    this.#strings.clear();
    this.#lists.clear();
  }

  /** Past the limit: a new limit, and a fresh start when still past it. */
  #checkLimit(): void {
    if (this.size <= this.#limit) return;
    this.#limit = Math.max(INTERNED_FLOOR, this.#bound());
    if (this.size > this.#limit) this.clear();
  }
}

/**
 * Discord's timestamps look like `2021-03-14T05:32:41.571000+00:00`. One
 * that renders back exactly from its milliseconds is kept as a number (a
 * heap number instead of a 32-character string); any other stays a string.
 */
export function encodeTime(value: unknown): unknown {
  if (typeof value !== "string" || !TIME_SHAPE.test(value)) return value;
  // Digits by position (the shape is checked): no Date parsing or
  // printing, no substrings.
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (
    year < 1970 || month < 1 || month > 12 || day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 || minute > 59 || second > 59
  ) return value;
  return Date.UTC(year, month - 1, day, hour, minute, second) +
    digits(value, 20, 3);
}

/** The number written by `count` ASCII digits of `text` from `from`. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    value = value * 10 + text.charCodeAt(i) - 48;
  }
  return value;
}

/** `YYYY-MM-DDTHH:MM:SS.mmm000+00:00`, Discord's form with whole milliseconds. */
const TIME_SHAPE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00$/;

/** Discord's form of a time (1970 to 9999), without a Date object. */
function renderTime(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // Civil date from days since 1970 (H. Hinnant's algorithm).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) -
      Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${
    two(second)
  }.${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}000+00:00`;
}

function two(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** The string {@linkcode encodeTime} was given. */
export function decodeTime(value: unknown): unknown {
  return typeof value === "number" ? renderTime(value) : value;
}

// Optional fields that nearly always hold one value take two bits each in a
// small integer: 0 absent, 1 present with the usual value, 2 present with
// another value (kept in a side object, made only when needed). Deno's V8
// has no pointer compression: every field costs 8 bytes, so fewer is better.

/**
 * The side objects of the few users and members that have unusual values
 * (outside the object: a field of its own would cost every member 8 bytes).
 */
const extras = new WeakMap<object, CachedValue>();

/** The side object {@linkcode pack} filled last (undefined: none needed). */
let packedExtra: CachedValue | undefined;

/**
 * The two-bit code of one optional field at `shift`; an unusual value goes
 * to {@linkcode packedExtra}. (Each caller reads its fields by name, not in
 * a loop over names: a property read by a fixed name is a cached inline
 * lookup, one by a changing key is a generic one, several times slower.)
 */
function code(
  key: string,
  value: unknown,
  usual: unknown,
  shift: number,
): number {
  if (value === undefined) return 0;
  if (value === usual) return 1 << shift;
  (packedExtra ??= {})[key] = value;
  return 2 << shift;
}

function unpack(
  into: CachedValue,
  bits: number,
  extra: CachedValue | undefined,
  fields: readonly string[],
  usual: readonly unknown[],
): void {
  for (let i = 0; bits !== 0 && i < fields.length; i++) {
    const code = (bits >>> (2 * i)) & 3;
    if (code === 1) into[fields[i]!] = usual[i];
    else if (code === 2) into[fields[i]!] = extra![fields[i]!];
  }
}

/**
 * An image hash (32 hex digits) as a 128-bit integer, as twilight keeps it:
 * 32 bytes instead of a 48-byte string. Animated (`a_…`) and other values
 * stay as they are.
 */
export function encodeHash(value: unknown): unknown {
  return typeof value === "string" && isHash(value)
    ? BigInt("0x" + value)
    : value;
}

/** 32 lowercase hex digits (by char codes: a RegExp costs more per user). */
function isHash(value: string): boolean {
  if (value.length !== 32) return false;
  for (let i = 0; i < 32; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** The text {@linkcode encodeHash} was given. */
export function decodeHash(value: unknown): unknown {
  return typeof value === "bigint"
    ? value.toString(16).padStart(32, "0")
    : value;
}

/** Equal primitives, or objects with the same JSON. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null || typeof a !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

// Users: two bits for each optional field (15 fields, 30 bits).
const USER_OPTIONAL = [
  "discriminator",
  "public_flags",
  "avatar_decoration_data",
  "bot",
  "system",
  "banner",
  "accent_color",
  "flags",
  "collectibles",
  "primary_guild",
  "mfa_enabled",
  "locale",
  "verified",
  "email",
  "premium_type",
] as const;
const USER_USUAL = [
  "0",
  0,
  null,
  true,
  false,
  null,
  null,
  0,
  null,
  null,
  false,
  "en-US",
  true,
  null,
  0,
] as const;

/** The optional fields of a user in two bits each (as USER_OPTIONAL). */
function packUser(u: CachedValue): number {
  packedExtra = undefined;
  return code("discriminator", u.discriminator, "0", 0) |
    code("public_flags", u.public_flags, 0, 2) |
    code("avatar_decoration_data", u.avatar_decoration_data, null, 4) |
    code("bot", u.bot, true, 6) |
    code("system", u.system, false, 8) |
    code("banner", u.banner, null, 10) |
    code("accent_color", u.accent_color, null, 12) |
    code("flags", u.flags, 0, 14) |
    code("collectibles", u.collectibles, null, 16) |
    code("primary_guild", u.primary_guild, null, 18) |
    code("mfa_enabled", u.mfa_enabled, false, 20) |
    code("locale", u.locale, "en-US", 22) |
    code("verified", u.verified, true, 24) |
    code("email", u.email, null, 26) |
    code("premium_type", u.premium_type, 0, 28);
}

/**
 * Whether packed two-bit codes hold a 2 (a value in the side object): the
 * side object is looked up only then (a WeakMap lookup is a cache miss on a
 * busy cache, and most users have none).
 */
function hasExtra(bits: number): boolean {
  return (bits & 0x2aaaaaaa) !== 0;
}

/** A user, kept once and shared by every member and message of it. */
export class CompactUser {
  /**
   * How many cached members and messages refer to it (0: freed, kept a
   * while unseen for a reference coming back; see shared_users.ts).
   */
  refs = 0;
  username: unknown;
  global_name: unknown;
  avatar: unknown;
  bits: number;

  // No id: every holder knows it (the map key, a message's authorId), and
  // a field would cost every user 8 bytes.
  constructor(value: CachedValue) {
    this.username = value.username;
    this.global_name = value.global_name;
    this.avatar = encodeHash(value.avatar);
    this.bits = packUser(value);
    if (packedExtra !== undefined) extras.set(this, packedExtra);
  }

  /** Whether `value` says nothing new (so the shared copy stays as it is). */
  same(value: CachedValue): boolean {
    if (
      this.username !== value.username ||
      this.global_name !== value.global_name ||
      this.avatar !== encodeHash(value.avatar)
    ) return false;
    const bits = packUser(value);
    if (bits !== this.bits) return false;
    // Equal codes: side objects exist on both sides or on neither.
    return !hasExtra(bits) || same(extras.get(this), packedExtra);
  }

  /** Take the fields of `value` (the id stays). */
  update(value: CachedValue): void {
    this.username = value.username;
    this.global_name = value.global_name;
    this.avatar = encodeHash(value.avatar);
    const had = hasExtra(this.bits);
    this.bits = packUser(value);
    if (packedExtra !== undefined) extras.set(this, packedExtra);
    else if (had) extras.delete(this);
  }

  /**
   * The user's Discord JSON.
   *
   * @param id The user's id.
   */
  toJSON(id: string): CachedValue {
    const value: CachedValue = { id };
    if (this.username !== undefined) value.username = this.username;
    if (this.global_name !== undefined) value.global_name = this.global_name;
    if (this.avatar !== undefined) value.avatar = decodeHash(this.avatar);
    const bits = this.bits;
    const extra = hasExtra(bits) ? extras.get(this) : undefined;
    unpack(value, bits, extra, USER_OPTIONAL, USER_USUAL);
    return value;
  }
}

// Members: two bits for each optional field (8 fields, 16 bits; a `flags`
// below 16 is kept in 4 bits of its own), the milliseconds of joined_at (10
// bits), and one bit each for the two fields that are null when present.
// Anything else goes to the side object. 32 bits: a small integer on V8
// without pointer compression, as in Deno.
const MEMBER_OPTIONAL = [
  "avatar",
  "banner",
  "premium_since",
  "communication_disabled_until",
  "deaf",
  "mute",
  "pending",
  "flags",
] as const;
const MEMBER_USUAL = [null, null, null, null, false, false, false, 0] as const;
/** The optional fields of a member in two bits each (as MEMBER_OPTIONAL). */
function packMember(m: CachedValue): number {
  packedExtra = undefined;
  return code("avatar", m.avatar, null, 0) |
    code("banner", m.banner, null, 2) |
    code("premium_since", m.premium_since, null, 4) |
    code(
      "communication_disabled_until",
      m.communication_disabled_until,
      null,
      6,
    ) |
    code("deaf", m.deaf, false, 8) |
    code("mute", m.mute, false, 10) |
    code("pending", m.pending, false, 12) |
    code("flags", m.flags, 0, 14);
}

const FLAGS_CODE_SHIFT = 14;
const MS_SHIFT = 16;
const DECORATION_NULL = 1 << 26;
const COLLECTIBLES_NULL = 1 << 27;
const FLAGS_SHIFT = 28;
/** Seconds of the Discord epoch (2015-01-01): joined_at as a small integer. */
const EPOCH_S = 1_420_070_400;

/**
 * A member: its user is the shared {@linkcode CompactUser}; `joined_at` as
 * seconds since 2015 (milliseconds in `bits`); `guild_id` is the scope it
 * is stored under.
 */
export class CompactMember {
  user: CompactUser;
  roles: unknown;
  nick: unknown;
  joined: unknown;
  bits: number;

  constructor(value: CachedValue, user: CompactUser, interner: Interner) {
    this.user = user;
    this.roles = interner.internList(value.roles);
    this.nick = value.nick;
    let bits = packMember(value);
    let extra = packedExtra;
    const flags = value.flags;
    if (
      typeof flags === "number" && Number.isInteger(flags) && flags > 0 &&
      flags < 16
    ) {
      // Common onboarding flags: inline, not in the side object.
      bits = (bits & ~(3 << FLAGS_CODE_SHIFT)) | (3 << FLAGS_CODE_SHIFT) |
        (flags << FLAGS_SHIFT);
      delete extra!.flags;
      if (Object.keys(extra!).length === 0) extra = undefined;
    }
    const decoration = value.avatar_decoration_data;
    if (decoration === null) bits |= DECORATION_NULL;
    else if (decoration !== undefined) {
      (extra ??= {}).avatar_decoration_data = decoration;
    }
    const collectibles = value.collectibles;
    if (collectibles === null) bits |= COLLECTIBLES_NULL;
    else if (collectibles !== undefined) {
      (extra ??= {}).collectibles = collectibles;
    }
    if (value.permissions !== undefined) {
      (extra ??= {}).permissions = value.permissions;
    }
    // Only a string is encoded: a number (from a hostile gateway) would
    // come back as a timestamp string.
    const joined = typeof value.joined_at === "string"
      ? encodeTime(value.joined_at)
      : undefined;
    const seconds = typeof joined === "number"
      ? Math.floor(joined / 1000) - EPOCH_S
      : -1;
    if (seconds >= 0 && seconds < 2 ** 31) {
      this.joined = seconds;
      bits |= ((joined as number) % 1000) << MS_SHIFT;
    } else if (joined === undefined && value.joined_at != null) {
      // Not a string: in the side object, as `joined` holds a number only
      // for an encoded time.
      (extra ??= {}).joined_at = value.joined_at;
    } else this.joined = value.joined_at; // null, absent, or kept as text
    this.bits = bits;
    if (extra !== undefined) extras.set(this, extra);
  }

  /**
   * The member's Discord JSON, `user` and `guild_id` included.
   *
   * @param guildId The guild it is stored under.
   * @param userId The member's user id.
   */
  toJSON(guildId: string, userId: string): CachedValue {
    const value: CachedValue = {};
    const bits = this.bits;
    const extra = extras.get(this);
    if (this.nick !== undefined) value.nick = this.nick;
    if (this.roles !== undefined) {
      value.roles = Array.isArray(this.roles) ? [...this.roles] : this.roles;
    }
    const joined = this.joined;
    if (typeof joined === "number") {
      value.joined_at = decodeTime(
        (joined + EPOCH_S) * 1000 + ((bits >>> MS_SHIFT) & 1023),
      );
    } else if (joined !== undefined) value.joined_at = joined;
    else if (extra?.joined_at !== undefined) value.joined_at = extra.joined_at;
    unpack(
      value,
      bits & ((1 << FLAGS_CODE_SHIFT) - 1),
      extra,
      MEMBER_OPTIONAL,
      MEMBER_USUAL,
    );
    const flagsCode = (bits >>> FLAGS_CODE_SHIFT) & 3;
    if (flagsCode === 1) value.flags = 0;
    else if (flagsCode === 2) value.flags = extra!.flags;
    else if (flagsCode === 3) value.flags = bits >>> FLAGS_SHIFT;
    if (bits & DECORATION_NULL) value.avatar_decoration_data = null;
    if (bits & COLLECTIBLES_NULL) value.collectibles = null;
    if (extra !== undefined) {
      for (
        const key of ["avatar_decoration_data", "collectibles", "permissions"]
      ) {
        if (extra[key] !== undefined) value[key] = extra[key];
      }
    }
    value.user = this.user.toJSON(userId);
    value.guild_id = guildId;
    return value;
  }
}

/**
 * A message's `mention_roles` at least this long is not interned again when
 * a change to its message (a reaction, an edit) gives it back unchanged.
 * Shorter lists are: interning them costs little, and tracking them would
 * cost each read of their message.
 */
const REUSED_ROLES_FROM = 16;

/**
 * The copies of long `mention_roles` lists that {@linkcode CompactMessage}'s
 * `toJSON` gave out, each to the interned list it copied. Every event that
 * changes a cached message reads it (a copy) and stores the changed copy,
 * and each store interned its role list again: 22 ms an event for a
 * message naming 100,000 roles. Weak: a copy nobody holds goes.
 */
const rolesCopies = new WeakMap<unknown[], unknown[]>();

/**
 * `roles` interned: the interned list it was copied from when it is one of
 * {@linkcode rolesCopies} and still holds the same ids (a copy is anyone's
 * to change: one that was is interned again).
 */
function internMentionRoles(roles: unknown, interner: Interner): unknown {
  if (Array.isArray(roles) && roles.length >= REUSED_ROLES_FROM) {
    const source = rolesCopies.get(roles);
    if (source !== undefined && sameItems(source, roles)) return source;
  }
  return interner.internList(roles);
}

/** Lists of the same items, in order. */
function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Message fields kept outside the fixed shape, when any is present. */
function rareMessage(m: CachedValue): CachedValue | undefined {
  let extra: CachedValue | undefined;
  if (m.mention_channels !== undefined) {
    (extra ??= {}).mention_channels = m.mention_channels;
  }
  if (m.activity !== undefined) (extra ??= {}).activity = m.activity;
  if (m.application !== undefined) (extra ??= {}).application = m.application;
  if (m.application_id !== undefined) {
    (extra ??= {}).application_id = m.application_id;
  }
  if (m.message_snapshots !== undefined) {
    (extra ??= {}).message_snapshots = m.message_snapshots;
  }
  if (m.interaction_metadata !== undefined) {
    (extra ??= {}).interaction_metadata = m.interaction_metadata;
  }
  if (m.interaction !== undefined) (extra ??= {}).interaction = m.interaction;
  if (m.thread !== undefined) (extra ??= {}).thread = m.thread;
  if (m.sticker_items !== undefined) {
    (extra ??= {}).sticker_items = m.sticker_items;
  }
  if (m.stickers !== undefined) (extra ??= {}).stickers = m.stickers;
  if (m.position !== undefined) (extra ??= {}).position = m.position;
  if (m.role_subscription_data !== undefined) {
    (extra ??= {}).role_subscription_data = m.role_subscription_data;
  }
  if (m.resolved !== undefined) (extra ??= {}).resolved = m.resolved;
  if (m.poll !== undefined) (extra ??= {}).poll = m.poll;
  if (m.call !== undefined) (extra ??= {}).call = m.call;
  if (m.shared_client_theme !== undefined) {
    (extra ??= {}).shared_client_theme = m.shared_client_theme;
  }
  return extra;
}

/** A message: its author is the shared {@linkcode CompactUser}. */
export class CompactMessage {
  id: unknown;
  channel_id: unknown;
  guild_id: unknown;
  author: CompactUser | CachedValue | undefined;
  /** The shared author's id (a shared user does not hold its own). */
  authorId: unknown;
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
  extra: CachedValue | undefined;

  /**
   * @param channelId The channel id, interned, when the caller has it.
   * @param guildId The guild id, interned, when the caller has it.
   */
  constructor(
    value: CachedValue,
    author: CompactUser | undefined,
    interner: Interner,
    channelId?: string,
    guildId?: unknown,
  ) {
    this.id = value.id;
    this.channel_id = channelId !== undefined && value.channel_id === channelId
      ? channelId
      : typeof value.channel_id === "string"
      ? interner.intern(value.channel_id)
      : value.channel_id;
    this.guild_id = guildId !== undefined && value.guild_id === guildId
      ? guildId
      : typeof value.guild_id === "string"
      ? interner.intern(value.guild_id)
      : value.guild_id;
    this.author = author ?? (value.author as CachedValue | undefined);
    this.authorId = (value.author as CachedValue | undefined)?.id;
    this.content = value.content;
    // Kept as the string: it is read back on every edit and reaction, and
    // a message's other fields outweigh it.
    this.timestamp = value.timestamp;
    this.edited_timestamp = value.edited_timestamp;
    this.tts = value.tts;
    this.mention_everyone = value.mention_everyone;
    this.mentions = emptyIn(value.mentions);
    this.mention_roles = internMentionRoles(value.mention_roles, interner);
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
    this.extra = rareMessage(value);
  }

  /** The author shared with other members and messages, if any. */
  get sharedAuthor(): CompactUser | undefined {
    return this.author instanceof CompactUser ? this.author : undefined;
  }

  /** The message's Discord JSON. */
  toJSON(): CachedValue {
    const value: CachedValue = {};
    if (this.id !== undefined) value.id = this.id;
    if (this.channel_id !== undefined) value.channel_id = this.channel_id;
    if (this.guild_id !== undefined) value.guild_id = this.guild_id;
    const author = this.author;
    if (author !== undefined) {
      value.author = author instanceof CompactUser
        ? author.toJSON(this.authorId as string)
        : author;
    }
    if (this.content !== undefined) value.content = this.content;
    if (this.timestamp !== undefined) value.timestamp = this.timestamp;
    if (this.edited_timestamp !== undefined) {
      value.edited_timestamp = this.edited_timestamp;
    }
    if (this.tts !== undefined) value.tts = this.tts;
    if (this.mention_everyone !== undefined) {
      value.mention_everyone = this.mention_everyone;
    }
    put(value, "mentions", arrayOut(this.mentions));
    const roles = this.mention_roles;
    if (Array.isArray(roles)) {
      const copy = [...roles];
      if (copy.length >= REUSED_ROLES_FROM) rolesCopies.set(copy, roles);
      value.mention_roles = copy;
    } else if (roles !== undefined) value.mention_roles = roles;
    put(value, "attachments", arrayOut(this.attachments));
    put(value, "embeds", arrayOut(this.embeds));
    put(value, "reactions", arrayOut(this.reactions));
    if (this.nonce !== undefined) value.nonce = this.nonce;
    if (this.pinned !== undefined) value.pinned = this.pinned;
    if (this.webhook_id !== undefined) value.webhook_id = this.webhook_id;
    if (this.type !== undefined) value.type = this.type;
    if (this.flags !== undefined) value.flags = this.flags;
    put(value, "components", arrayOut(this.components));
    if (this.message_reference !== undefined) {
      value.message_reference = this.message_reference;
    }
    if (this.extra !== undefined) Object.assign(value, this.extra);
    return value;
  }
}
