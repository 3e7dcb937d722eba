/**
 * The numbers and counts of a route's body or query, checked against the
 * limits Discord's docs state for each field before anything is sent:
 * Discord answers a value out of range with a 400 after a round trip.
 * Each route gives a table of its fields' {@linkcode NumberRule}s, the
 * docs' words quoted beside it; a field left `undefined` is not sent and
 * not checked.
 *
 * @module
 */
import { isPlainObject, isRecord } from "../../base/is_record.ts";
import { shown, shownQuoted } from "../../base/option_checks.ts";

/**
 * How one field is checked:
 * - `{ min, max? }`: an integer from `min` to `max` (or `>= min`);
 *   with `fraction`, any finite number in that range (a volume);
 * - `{ values }`: one of these numbers;
 * - `{ items: [min, max], of }`: an array of `min` to `max` entries, `of`
 *   naming them in the message (`message IDs`).
 *
 * `nullable` lets `null` through, for a field the docs type `?integer`.
 */
export type NumberRule =
  | {
    readonly min: number;
    readonly max?: number;
    readonly nullable?: true;
    readonly fraction?: true;
  }
  | { readonly values: readonly number[]; readonly nullable?: true }
  | { readonly items: readonly [number, number]; readonly of: string };

/** A table of rules, by field name. */
export type NumberRules = Readonly<Record<string, NumberRule>>;

/**
 * Check the fields of `fields` (a body or a query) that `rules` name, and
 * return what to send: a plain object is copied, each field read once
 * (a checked list copied too), so a getter or a proxy cannot pass the
 * check with one value and be sent with another. Anything not a plain
 * object is checked and returned as it is, and anything not an object
 * left as it is (its own checks, or Discord, refuse it).
 *
 * @param action What was refused, after "Cannot" (`create channel invite`).
 * @param fields The body or query, as given.
 * @param rules The rules, by field name.
 * @param at Where the fields are, before their names in the messages
 *   (`trigger_metadata.`), for a nested object.
 * @returns The fields to send: the checked copy of a plain object, else
 *   `fields` itself.
 * @throws {TypeError} When a field is of the wrong type (`"5"` for a
 *   number, a non-array for a list).
 * @throws {RangeError} When a number is not an integer in range (`NaN`,
 *   `Infinity`, `1.5` included) or not one of the values allowed, or a list
 *   has too few or too many entries.
 *
 * @example Usage
 * ```ts
 * import { checkNumbers } from "./_numbers.ts";
 * import assert from "node:assert/strict";
 *
 * const rules = { max_uses: { min: 0, max: 100 } };
 * checkNumbers("create channel invite", { max_uses: 100 }, rules);
 * checkNumbers("create channel invite", {}, rules);
 * assert.throws(
 *   () => checkNumbers("create channel invite", { max_uses: 101 }, rules),
 *   {
 *     name: "RangeError",
 *     message: "Cannot create channel invite as 'max_uses' must be an integer from 0 to 100: current value 'max_uses=101'",
 *   },
 * );
 * ```
 */
export function checkNumbers<T>(
  action: string,
  fields: T,
  rules: NumberRules,
  at = "",
): T {
  if (!isRecord(fields)) return fields;
  const copy: Record<string, unknown> = plainCopy(fields);
  for (const [name, rule] of Object.entries(rules)) {
    const value = copy[name];
    if (!("items" in rule) || value === undefined) {
      checkNumber(action, `${at}${name}`, value, rule);
      continue;
    }
    const length = checkCount(action, `${at}${name}`, value, rule);
    if (copy !== fields) {
      // As many entries as were counted, each read once.
      const list = value as readonly unknown[];
      copy[name] = Array.from({ length }, (_, i) => list[i]);
    }
  }
  return copy as T;
}

/**
 * A plain object (of `Object.prototype` or none) copied, each own field
 * read once; anything else (a class instance, `URLSearchParams`) as it is.
 *
 * @param value The value.
 * @returns The copy, or `value`.
 *
 * @example Usage
 * ```ts
 * import { plainCopy } from "./_numbers.ts";
 * import assert from "node:assert/strict";
 *
 * const body = { limit: 5 };
 * assert.notEqual(plainCopy(body), body);
 * assert.deepEqual(plainCopy(body), body);
 * const query = new URLSearchParams("limit=5");
 * assert.equal(plainCopy(query), query);
 * ```
 */
export function plainCopy<T>(value: T): T {
  return isPlainObject(value) ? { ...value } : value;
}

/**
 * Check one value against its rule.
 *
 * @param action What was refused, after "Cannot".
 * @param name The field, as the message names it.
 * @param value The value; `undefined` passes (not sent).
 * @param rule The rule.
 * @throws {TypeError} As {@linkcode checkNumbers}.
 * @throws {RangeError} As {@linkcode checkNumbers}.
 *
 * @example Usage
 * ```ts
 * import { checkNumber } from "./_numbers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => checkNumber("get reactions", "limit", "5", { min: 1, max: 100 }),
 *   {
 *     name: "TypeError",
 *     message: `Cannot get reactions as 'limit' must be an integer from 1 to 100: current value 'limit="5"'`,
 *   },
 * );
 * ```
 */
export function checkNumber(
  action: string,
  name: string,
  value: unknown,
  rule: NumberRule,
): void {
  if (value === undefined) return;
  if ("items" in rule) {
    checkCount(action, name, value, rule);
    return;
  }
  if (value === null && rule.nullable) return;
  let allowed: boolean;
  let must: string;
  if ("values" in rule) {
    allowed = rule.values.includes(value as number);
    must = `one of ${rule.values.join(", ")}`;
  } else {
    const kind = rule.fraction ? "a number" : "an integer";
    allowed = typeof value === "number" &&
      (rule.fraction ? Number.isFinite(value) : Number.isSafeInteger(value)) &&
      value >= rule.min && (rule.max === undefined || value <= rule.max);
    must = rule.max === undefined
      ? `${kind} >= ${rule.min}`
      : `${kind} from ${rule.min} to ${rule.max}`;
  }
  if (allowed) return;
  // A string ("5") is of the wrong type; a number, of the wrong value.
  const Refusal = typeof value === "number" ? RangeError : TypeError;
  throw new Refusal(
    `Cannot ${action} as '${name}' must be ${must}${
      rule.nullable ? " or null" : ""
    }: current value '${name}=${shownQuoted(value)}'`,
  );
}

/**
 * A list's count, checked; its entries are not shown, only its length.
 * Returns the length read (once).
 */
function checkCount(
  action: string,
  name: string,
  value: unknown,
  rule: { readonly items: readonly [number, number]; readonly of: string },
): number {
  const [min, max] = rule.items;
  const must = min === 0
    ? `an array of at most ${max} ${rule.of}`
    : `an array of ${min} to ${max} ${rule.of}`;
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${action} as '${name}' must be ${must}: current value '${name}=${
        shown(value)
      }'`,
    );
  }
  const length = value.length;
  if (length < min || length > max) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must be ${must}: current length '${length}'`,
    );
  }
  return length;
}

/**
 * A channel's or thread's slow mode, `rate_limit_per_user`: "amount of
 * seconds a user has to wait before sending another message (0-21600)",
 * typed `?integer` (Modify Channel, the Start Thread routes).
 */
export const SLOWMODE: NumberRule = { min: 0, max: 21600, nullable: true };

/**
 * A thread's `auto_archive_duration`, in minutes: "can be set to: 60,
 * 1440, 4320, 10080" (the thread metadata, Modify Channel's thread
 * fields, the Start Thread routes).
 */
export const ARCHIVE_DURATION: NumberRule = {
  values: [60, 1440, 4320, 10080],
};

/**
 * The guild channel fields Create Guild Channel and Modify Channel share:
 * `bitrate` ("the bitrate (in bits per second) of the voice or stage
 * channel; min 8000"; the maximum depends on the guild's boosts and the
 * channel's type, which the route does not know), the slow mode, and
 * `default_auto_archive_duration` (the channel object's "can be set to:
 * 60, 1440, 4320, 10080").
 */
export const GUILD_CHANNEL_NUMBERS: NumberRules = {
  bitrate: { min: 8000, nullable: true },
  rate_limit_per_user: SLOWMODE,
  default_auto_archive_duration: {
    values: [60, 1440, 4320, 10080],
    nullable: true,
  },
};
