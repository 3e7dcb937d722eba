/**
 * {@linkcode parseIsoTimestamp}: the instant an ISO 8601 timestamp names,
 * for the fields Discord takes one in. Internal to the library (the REST
 * routes' checks, the test kit's fake).
 *
 * @module
 */
import { daysInMonth } from "./days_in_month.ts";

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
 *
 * @example Usage
 * ```ts
 * import { parseIsoTimestamp } from "./iso_timestamp.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseIsoTimestamp("1970-01-01T00:00:01+00:00"), 1000);
 * assert.equal(parseIsoTimestamp("1970-01-01T00:00:01"), 1000);
 * assert.equal(parseIsoTimestamp("2025-02-30T00:00:00Z"), undefined);
 * assert.equal(parseIsoTimestamp("March 7, 2025"), undefined);
 * ```
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
