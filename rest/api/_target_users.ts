/**
 * An invite's target users as Discord takes and gives them: a CSV file
 * with the header `user_id` and one user ID a line. The routes send a
 * list of IDs as such a file (`target_users_file`) and read Discord's
 * answer back into IDs, refusing one that is not such a file.
 *
 * @module
 */
import {
  checkSnowflake,
  isSnowflake,
  unshownId,
} from "../../base/snowflake.ts";
import { RestError } from "../errors.ts";
import type { FileUpload } from "../uploads.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";

/**
 * The users who alone may see and accept an invite: their IDs, which the
 * library writes as the CSV file Discord takes (`user_id`, then one ID a
 * line), or a CSV file of one's own (sent as `text/csv` unless it says
 * otherwise).
 */
export type InviteTargetUsers = readonly Snowflake[] | FileUpload;

/** The header of the CSV file, the one Discord answers with. */
const HEADER = "user_id";

/** The name the file of a list of IDs is sent under. */
export const TARGET_USERS_FILE_NAME = "target_users.csv";

/**
 * The file a route sends as `target_users_file`: a list of IDs written as
 * CSV (each checked), or the caller's own file, `text/csv` by default.
 * Its size is checked as every upload's (10 MiB), by the client.
 *
 * @param action What cannot be done otherwise, for the error.
 * @param users The IDs or the file.
 * @returns The file.
 * @throws {TypeError} When `users` is neither an array nor an object, is
 *   an empty array (what Discord does with a file of no user is not
 *   documented), or holds an ID that is not a snowflake string.
 */
export function targetUsersFile(action: string, users: unknown): FileUpload {
  if (Array.isArray(users)) {
    if (users.length === 0) {
      throw new TypeError(
        `Cannot ${action} as 'target_users_file' must list at least one user ID: current count '0'`,
      );
    }
    // Each read once, a hole as `undefined`: forEach skipped it, and join
    // wrote it as a blank line of the file.
    const ids = Array.from(
      { length: users.length },
      (_, index): string =>
        checkSnowflake(action, `target_users_file[${index}]`, users[index]),
    );
    return {
      name: TARGET_USERS_FILE_NAME,
      data: `${HEADER}\n${ids.join("\n")}\n`,
      contentType: "text/csv",
    };
  }
  if (users === null || typeof users !== "object") {
    throw new TypeError(
      `Cannot ${action} as 'target_users_file' must be an array of user IDs or a file ({ name, data }): current type '${
        users === null ? "null" : typeof users
      }'`,
    );
  }
  const file = users as FileUpload;
  // The field's documented kind; the name and data are the upload's checks.
  return { ...file, contentType: file.contentType ?? "text/csv" };
}

/**
 * Discord answered an invite's target users with a body that is not the
 * CSV file its docs describe: a header other than `user_id`, or a line
 * that is not a user ID. (An answer over the client's `maxResponseBytes`
 * is a `ResponseTooLargeError`, never read whole.)
 *
 * @example Usage
 * ```ts
 * import { TargetUsersCsvError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new TargetUsersCsvError("bad line", {
 *   method: "GET",
 *   path: "/invites/abc/target-users",
 *   line: 3,
 * });
 * assert.equal(error.name, "TargetUsersCsvError");
 * assert.equal(error.line, 3);
 * ```
 */
export class TargetUsersCsvError extends RestError {
  /** The line of the answer at fault, from 1 (the header's, for it). */
  readonly line: number;

  /**
   * Create the error.
   *
   * @param message What is wrong.
   * @param options Method, path and the line at fault.
   */
  constructor(
    message: string,
    options: { method: string; path: string; line: number },
  ) {
    super(message, { method: options.method, path: options.path });
    this.name = "TargetUsersCsvError";
    this.line = options.line;
  }
}

/**
 * The user IDs of Discord's CSV answer: a `user_id` header, then one ID a
 * line. Blank lines, `\r\n` line ends, spaces around a value and a value
 * in double quotes (CSV's quoting) are taken. A body with no line at all
 * is no user (the docs do not say what an invite with none answers).
 *
 * @param text The answer's text.
 * @param method The request's method, for the error.
 * @param path The request's path, for the error.
 * @returns The IDs, in the file's order.
 * @throws {TargetUsersCsvError} When the first line is not the header
 *   `user_id` or a later one is not a snowflake.
 */
export function parseTargetUsersCsv(
  text: string,
  method: string,
  path: string,
): Snowflake[] {
  const ids: Snowflake[] = [];
  let header = false;
  // `TextDecoder` drops a byte order mark; a body given as text may not.
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    const value = unquote(lines[index]!.trim());
    if (value === "") continue;
    const line = index + 1;
    const refuse = (rule: string): TargetUsersCsvError =>
      new TargetUsersCsvError(
        `${method} ${path} answered a body that is not the CSV file of user IDs its docs describe: line ${line} ${rule}: current value ${
          shown(value)
        }`,
        { method, path, line },
      );
    if (!header) {
      if (value !== HEADER) throw refuse(`must be the header '${HEADER}'`);
      header = true;
    } else if (isSnowflake(value)) {
      ids.push(value);
    } else {
      throw refuse("must be a user ID (a snowflake, 1 to 20 digits)");
    }
  }
  return ids;
}

/** A CSV value without the double quotes around it, if it has them. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).trim()
    : value;
}

/** A refused value as the error shows it: cut short, or hidden. */
function shown(value: string): string {
  const hidden = unshownId(value);
  if (hidden !== undefined) return `is ${hidden}`;
  return `'${value.slice(0, 40)}${value.length > 40 ? "…" : ""}'`;
}
