/**
 * What the Redis store writes instead of a value whose JSON is longer than
 * {@linkcode MAX_VALUE_LENGTH}: a stub of the entity's short fields.
 *
 * Held, not dropped: a guild not held was listed under no key of its own,
 * so neither READY's drop of the guilds a session no longer lists nor
 * GUILD_DELETE found it, and the channels, roles and members its
 * GUILD_CREATE wrote stayed for good (its later events, meanwhile, were
 * filtered as of an unknown guild); a role not held made GUILD_ROLE_DELETE
 * skip taking it out of its members' role lists. A stub keeps the entity
 * known, so every removal finds it, while no event re-reads and re-writes
 * the huge payload.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { isRecord } from "../base/is_record.ts";
import type { CacheChange, CachedValue, CacheKind } from "./changes.ts";
import { MAX_VALUE_LENGTH } from "./redis_layout.ts";

const logger = getLogger(["disruption", "cache", "redis"]);

/** A change storing a value. */
type SetChange = Extract<CacheChange, { op: "set" }>;

/**
 * The longest string a stub keeps (Discord's longest documented strings,
 * a message's content and a channel's topic, are 4,000 and 4,096).
 */
const MAX_STRING = 4_096;

/**
 * The longest list a stub keeps, and the longest string in it: a member's
 * roles (250 at most in a guild) and a guild's features, ids and names.
 */
const MAX_LIST = 250;
const MAX_LIST_STRING = 100;

/**
 * Builds what is written instead of oversized values, and says so once
 * per kind (a gateway sending many would otherwise flood the log).
 */
export class OversizedValues {
  /** The kinds already warned about. */
  readonly #warned = new Set<CacheKind>();

  /**
   * The change to write instead of `change`, whose value's JSON is `length`
   * characters long: the value's stub (see {@linkcode stubOf}). A channel
   * goes as its delete takes it, with its messages: a stub without its
   * permission overwrites would grant what they deny. A stub still too
   * long (not reached with Discord's documented fields) is a delete.
   */
  instead(change: SetChange, key: string, length: number): CacheChange {
    const { kind, scope, id } = change;
    let instead: CacheChange;
    if (kind === "channel") instead = { op: "remove_channel", scope, id };
    else {
      const value = stubOf(change.value);
      instead = JSON.stringify(value).length > MAX_VALUE_LENGTH
        ? { op: "delete", kind, scope, id }
        : { op: "set", kind, scope, id, value };
    }
    if (!this.#warned.has(kind)) {
      this.#warned.add(kind);
      logger.warn(
        "Not caching {key} whole: its JSON has {length} characters, more than the {max} a cached value may have; {kept} (said once per kind)",
        {
          key,
          length,
          max: MAX_VALUE_LENGTH,
          kept: instead.op === "set"
            ? "kept as a stub of its short fields, without its long strings, nested lists and objects"
            : "not kept",
        },
      );
    }
    return instead;
  }
}

/**
 * The stub of an oversized value: its numbers, booleans, nulls, strings of
 * at most {@linkcode MAX_STRING} characters and short lists of short
 * strings and numbers (a member's roles, a guild's features), and the
 * same of each object one level down (a member's `user`, a message's
 * `author`). So it keeps what the core and the indexes read (ids, the
 * member count, `unavailable`, a member's roles, a role's permissions)
 * and drops what made it long.
 */
export function stubOf(value: CachedValue, nested = true): CachedValue {
  const stub: CachedValue = {};
  for (const [field, item] of Object.entries(value)) {
    if (isShort(item, MAX_STRING)) stub[field] = item;
    else if (
      Array.isArray(item) && item.length <= MAX_LIST &&
      item.every((entry) => isShort(entry, MAX_LIST_STRING))
    ) {
      stub[field] = item;
    } else if (nested && isRecord(item)) stub[field] = stubOf(item, false);
  }
  return stub;
}

/** Whether `value` is a number, boolean, null or a string of `max` at most. */
function isShort(value: unknown, max: number): boolean {
  return value === null || typeof value === "number" ||
    typeof value === "boolean" ||
    (typeof value === "string" && value.length <= max);
}
