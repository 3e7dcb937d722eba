// The compact in-memory form of cached values: one shared object per user,
// interned snowflakes, timestamps as numbers, one shared empty array. Each
// encode has a decode that gives back exactly the Discord JSON that went in.
import type { CachedValue } from "./changes.ts";

/** A user kept once, shared by every member and message that refers to it. */
export interface UserEntry {
  /** The user's Discord JSON. */
  value: CachedValue;
  /** How many cached members, messages (and the bot user) refer to it. */
  refs: number;
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Interns strings (snowflakes that recur: guild, channel and role ids). */
export class Interner {
  readonly #pool = new Map<string, string>();

  intern(value: string): string {
    const known = this.#pool.get(value);
    if (known !== undefined) return known;
    this.#pool.set(value, value);
    return value;
  }

  internAll(values: unknown): unknown {
    if (!Array.isArray(values)) return values;
    if (values.length === 0) return EMPTY;
    return values.map((v) => typeof v === "string" ? this.intern(v) : v);
  }

  get size(): number {
    return this.#pool.size;
  }

  /** Forget everything (ids of removed guilds would otherwise stay). */
  clear(): void {
    this.#pool.clear();
  }
}

/**
 * Discord's timestamps look like `2021-03-14T05:32:41.571000+00:00`. One
 * that renders back exactly from its milliseconds is kept as a number (8
 * bytes instead of a 32-character string); any other stays a string.
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

function arrayOut(value: unknown): unknown {
  return value === EMPTY ? [] : value;
}

function emptyIn(value: unknown): unknown {
  return Array.isArray(value) && value.length === 0 ? EMPTY : value;
}

const MEMBER_TIMES = [
  "joined_at",
  "premium_since",
  "communication_disabled_until",
] as const;

/** A member in compact form: `user` is the shared {@linkcode UserEntry}. */
export function encodeMember(
  value: CachedValue,
  user: UserEntry,
  interner: Interner,
): CachedValue {
  const compact: CachedValue = { ...value, user };
  for (const field of MEMBER_TIMES) {
    if (field in compact) compact[field] = encodeTime(compact[field]);
  }
  if ("roles" in compact) compact.roles = interner.internAll(compact.roles);
  if (typeof compact.guild_id === "string") {
    compact.guild_id = interner.intern(compact.guild_id);
  }
  return compact;
}

/** The member's Discord JSON back from its compact form. */
export function decodeMember(compact: CachedValue): CachedValue {
  const value: CachedValue = {
    ...compact,
    user: (compact.user as UserEntry).value,
  };
  for (const field of MEMBER_TIMES) {
    if (field in value) value[field] = decodeTime(value[field]);
  }
  if ("roles" in value) value.roles = arrayOut(value.roles);
  return value;
}

const MESSAGE_ARRAYS = [
  "mentions",
  "mention_roles",
  "mention_channels",
  "attachments",
  "embeds",
  "reactions",
  "components",
  "sticker_items",
  "stickers",
  "message_snapshots",
] as const;

/** A message in compact form: `author` is the shared {@linkcode UserEntry}. */
export function encodeMessage(
  value: CachedValue,
  author: UserEntry | undefined,
  interner: Interner,
): CachedValue {
  const compact: CachedValue = { ...value };
  if (author !== undefined) compact.author = author;
  if ("timestamp" in compact) compact.timestamp = encodeTime(compact.timestamp);
  if ("edited_timestamp" in compact) {
    compact.edited_timestamp = encodeTime(compact.edited_timestamp);
  }
  if (typeof compact.channel_id === "string") {
    compact.channel_id = interner.intern(compact.channel_id);
  }
  if (typeof compact.guild_id === "string") {
    compact.guild_id = interner.intern(compact.guild_id);
  }
  for (const field of MESSAGE_ARRAYS) {
    if (field in compact) compact[field] = emptyIn(compact[field]);
  }
  if ("mention_roles" in compact) {
    compact.mention_roles = interner.internAll(compact.mention_roles);
  }
  return compact;
}

/** The message's Discord JSON back from its compact form. */
export function decodeMessage(compact: CachedValue): CachedValue {
  const value: CachedValue = { ...compact };
  const author = compact.author as UserEntry | CachedValue | undefined;
  if (author !== undefined && "refs" in author) {
    value.author = (author as UserEntry).value;
  }
  if ("timestamp" in value) value.timestamp = decodeTime(value.timestamp);
  if ("edited_timestamp" in value) {
    value.edited_timestamp = decodeTime(value.edited_timestamp);
  }
  for (const field of MESSAGE_ARRAYS) {
    if (field in value) value[field] = arrayOut(value[field]);
  }
  return value;
}
