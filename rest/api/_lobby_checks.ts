/**
 * The checks the lobby routes' tables share (Discord's lobby.mdx):
 * metadata dictionaries, members, the idle timeout, flags and moderation
 * metadata, each refused before anything is sent. Private to the package.
 *
 * @module
 */
import { isPlainObject, isRecord } from "../../base/is_record.ts";
import { checkSnowflake } from "../../base/snowflake.ts";
import {
  assertBooleanOption,
  assertOptionsObject,
  cut,
  shown,
  shownQuoted,
} from "../../base/option_checks.ts";
import { assertTextLength, textLength } from "../../base/text_length.ts";
import { checkNumber, type NumberRule } from "./_numbers.ts";

/** The most characters of a metadata dictionary ("max total length"). */
const MAX_METADATA = 1000;
/** The most members Create Lobby, Modify Lobby and Bulk Update take. */
const MAX_MEMBERS = 25;
/** Every lobby route's `idle_timeout_seconds`. */
const IDLE_TIMEOUT: NumberRule = { min: 5, max: 604800 };
/** A lobby member's or message's `flags`: a bitfield. */
const FLAGS: NumberRule = { min: 0 };
const MAX_ADDITIONAL_NAME = 80;
const MAX_MODERATION_KEYS = 5;
const MAX_MODERATION_KEY = 1024;
const MAX_MODERATION_VALUE = 2000;
/** The most characters of a metadata key a message shows. */
const MAX_SHOWN_KEY = 50;

/** A route's body (or query), an object, copied. */
export function bodyObject(
  action: string,
  body: unknown,
  name = "body",
): Record<string, unknown> {
  assertOptionsObject(action, body, name);
  return { ...body };
}

/** Create Lobby's and Modify Lobby's body, checked and copied. */
export function lobbyBody(
  action: string,
  body: unknown,
): Record<string, unknown> {
  const checked = bodyObject(action, body);
  checkMetadata(action, "metadata", checked.metadata);
  checkIdleTimeout(action, checked.idle_timeout_seconds);
  if (checked.members !== undefined) {
    checkMembers(action, checked.members, 0, false);
    checked.members = [...checked.members as unknown[]];
  }
  return checked;
}

/**
 * A members array: `min` to 25 members, each checked. `bulk`: Bulk Update
 * Lobby Members' members, which may also carry `additional_name` and
 * `remove_member`.
 */
export function checkMembers(
  action: string,
  members: unknown,
  min: number,
  bulk: boolean,
): asserts members is unknown[] {
  const name = "members";
  if (!Array.isArray(members)) {
    throw new TypeError(
      `Cannot ${action} as '${name}' must be an array of lobby members: current value '${name}=${
        shown(members)
      }'`,
    );
  }
  if (members.length < min || members.length > MAX_MEMBERS) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must hold ${
        min === 0 ? "at most" : `${min} to`
      } ${MAX_MEMBERS} members: current count '${members.length}'`,
    );
  }
  // Indices, not forEach: a hole (`[, member]`) is sent as null.
  for (let index = 0; index < members.length; index++) {
    const member: unknown = members[index];
    const at = `${name}[${index}]`;
    if (!isRecord(member)) {
      throw new TypeError(
        `Cannot ${action} as '${at}' must be an object: current value '${at}=${
          shown(member)
        }'`,
      );
    }
    checkSnowflake(action, `${at}.id`, member.id);
    checkMember(action, `${at}.`, member, bulk);
    if (bulk) {
      assertBooleanOption(action, `${at}.remove_member`, member.remove_member);
    }
  }
}

/**
 * A member's metadata, flags and, where the route takes it
 * (`additionalName`), additional name; `prefix` names the member
 * (`members[2].`).
 */
export function checkMember(
  action: string,
  prefix: string,
  member: Record<string, unknown>,
  additionalName: boolean,
): void {
  checkMetadata(action, `${prefix}metadata`, member.metadata);
  checkFlags(action, `${prefix}flags`, member.flags);
  const name = member.additional_name;
  if (name === undefined) return;
  if (!additionalName) {
    // The docs: it "can only be set via Add a Member to a Lobby or Bulk
    // Update Lobby Members"; sent here, it would be dropped unsaid.
    throw new TypeError(
      `Cannot ${action} as '${prefix}additional_name' is set only by addLobbyMember or bulkUpdateLobbyMembers (Discord takes it through no other route): current value '${prefix}additional_name=${
        shownQuoted(name)
      }'`,
    );
  }
  // null clears it, as the table says.
  if (name === null) return;
  assertTextLength(
    action,
    `${prefix}additional_name`,
    name,
    1,
    MAX_ADDITIONAL_NAME,
    " or null",
  );
}

/**
 * A metadata dictionary: left out, null (every table's `?dict`) or a
 * plain object of string values, at most 1000 characters in all.
 *
 * Discord's "max total length is 1000" does not say what is counted. Only
 * the values' characters are (code points, as Discord counts text): the
 * smaller reading, so that nothing Discord would take is refused. A
 * dictionary whose keys and values together pass 1000 may still be
 * Discord's 400.
 */
export function checkMetadata(
  action: string,
  name: string,
  metadata: unknown,
): void {
  if (metadata === undefined || metadata === null) return;
  if (!isPlainObject(metadata)) {
    throw new TypeError(
      `Cannot ${action} as '${name}' must be an object of string keys to string values, or null: current value '${name}=${
        shown(metadata)
      }'`,
    );
  }
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    // Left out, as JSON leaves it out.
    if (value === undefined) continue;
    if (typeof value !== "string") {
      const at = `${name}.${cut(key, MAX_SHOWN_KEY)}`;
      throw new TypeError(
        `Cannot ${action} as '${name}' must map each key to a string: current value '${at}=${
          shownQuoted(value)
        }'`,
      );
    }
    total += textLength(value);
  }
  if (total > MAX_METADATA) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must hold at most ${MAX_METADATA} characters in its values: current length '${total}'`,
    );
  }
}

/**
 * `idle_timeout_seconds`, when given: "seconds to wait before shutting
 * down a lobby after it becomes idle. Value can be between 5 and 604800
 * (7 days)".
 */
export function checkIdleTimeout(action: string, value: unknown): void {
  checkNumber(action, "idle_timeout_seconds", value, IDLE_TIMEOUT);
}

/** A bitfield, when given: a non-negative integer. */
export function checkFlags(action: string, name: string, value: unknown): void {
  checkNumber(action, name, value, FLAGS);
}

/**
 * Moderation metadata: a plain object of at most 5 keys (each of at most
 * 1024 characters) to strings (each of at most 2000), copied with its
 * keys as own properties.
 */
export function moderationMetadata(metadata: unknown): Record<string, string> {
  const action = "update lobby message moderation metadata";
  if (!isPlainObject(metadata)) {
    throw new TypeError(
      `Cannot ${action} as 'metadata' must be an object of string keys to string values: current value 'metadata=${
        shown(metadata)
      }'`,
    );
  }
  // Left out, as JSON leaves them out.
  const entries = Object.entries(metadata).filter(([, v]) => v !== undefined);
  if (entries.length > MAX_MODERATION_KEYS) {
    throw new RangeError(
      `Cannot ${action} as 'metadata' must hold at most ${MAX_MODERATION_KEYS} keys: current count '${entries.length}'`,
    );
  }
  for (const [key, value] of entries) {
    const length = textLength(key);
    if (length > MAX_MODERATION_KEY) {
      throw new RangeError(
        `Cannot ${action} as each key of 'metadata' must be a string of at most ${MAX_MODERATION_KEY} characters: current length '${length}'`,
      );
    }
    assertTextLength(
      action,
      `metadata.${cut(key, MAX_SHOWN_KEY)}`,
      value,
      0,
      MAX_MODERATION_VALUE,
    );
  }
  // Defined as own properties: a key `__proto__` assigned to a plain
  // object would be dropped.
  return Object.fromEntries(entries) as Record<string, string>;
}
