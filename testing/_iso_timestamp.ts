/**
 * The ISO 8601 timestamps the REST fake accepts where Discord takes one
 * (a member's `communication_disabled_until`). Private to the test kit.
 *
 * @module
 */
import { parseIsoTimestamp } from "../base/iso_timestamp.ts";

// The parser is the library's own (the REST routes check the timestamps
// they send with it): the fake accepts what the routes let through.
export { parseIsoTimestamp };

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
