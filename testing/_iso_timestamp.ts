/**
 * The ISO 8601 timestamps the REST fake accepts where Discord takes one
 * (a member's `communication_disabled_until`). Private to the test kit.
 *
 * @module
 */
import { daysInMonth } from "../base/days_in_month.ts";

// A date, optionally with a time (seconds and fraction optional) and an
// offset: what Discord's ISO 8601 fields take. `Date.parse` alone would take
// "March 7, 2025" and give NaN for "next tuesday", which every comparison
// then lets through.
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * The instant an ISO 8601 timestamp names.
 *
 * @param value The field's value.
 * @returns Milliseconds since the Unix epoch, or `undefined` when the value
 *   is not an ISO 8601 timestamp of a real date.
 */
export function parseIsoTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string" || !ISO_8601.test(value)) return undefined;
  if (!isCalendarDate(value)) return undefined;
  // Without an offset, the time is UTC (as Discord reads it), not local.
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) || value.length === 10
    ? value
    : `${value}Z`;
  const at = Date.parse(zoned.replace(" ", "T"));
  return Number.isFinite(at) ? at : undefined;
}

/**
 * Whether the timestamp's date exists: V8's `Date.parse` rolls
 * "2025-02-30" over into 2 March rather than refuse it.
 */
function isCalendarDate(value: string): boolean {
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 &&
    day <= daysInMonth(Number(value.slice(0, 4)), month);
}

/**
 * Discord's field error for a value that is no ISO 8601 timestamp, as the
 * `code` and `message` of an Invalid Form Body entry.
 *
 * @param value The refused value.
 * @returns The code and message.
 */
export function timestampParseError(
  value: unknown,
): { code: string; message: string } {
  return {
    code: "DATE_TYPE_PARSE",
    message: `Could not parse ${String(value)}. Should be ISO8601.`,
  };
}
