/**
 * Discord's per-field error tree of a 400 "Invalid Form Body"
 * (`{ embeds: { "0": { title: { _errors: [...] } } } }`), flattened into
 * leaves and summed up in a few lines, both bounded: the tree is the
 * server's to shape, and one with `_errors` at every level of a deep
 * nesting made each leaf repeat its whole dotted path (a 141 KB body gave a
 * 50 MB error message, 1 MB gave 500 MB, deeper ones threw `RangeError:
 * Invalid string length`).
 *
 * @module
 */

/**
 * One leaf of Discord's `errors` tree: the field path and what is wrong
 * with it.
 */
export interface DiscordFieldError {
  /** The field, dotted, with array indexes: `embeds.0.title`. */
  path: string;
  /** Discord's error code for the field, e.g. `BASE_TYPE_MAX_LENGTH`. */
  code: string;
  /** Discord's message for the field. */
  message: string;
}

/** The leaves {@linkcode flattenErrors} keeps and how many it left out. */
export interface FlattenedErrors {
  /** The first leaves, in tree order, at most {@linkcode MAX_FIELD_ERRORS}. */
  fields: DiscordFieldError[];
  /**
   * Leaves not in `fields`: past the first {@linkcode MAX_FIELD_ERRORS},
   * nested deeper than {@linkcode MAX_FIELD_ERROR_DEPTH}, or (a lower
   * bound then) past the {@linkcode MAX_ERROR_TREE_NODES} read.
   */
  omitted: number;
}

/** The most leaves kept. Discord's own answers list a handful. */
export const MAX_FIELD_ERRORS = 50;
/** The deepest nesting whose leaves are kept (Discord's is under 10). */
export const MAX_FIELD_ERROR_DEPTH = 32;
/** Objects of the tree read at most, counting what is left out too. */
export const MAX_ERROR_TREE_NODES = 100_000;
/** The most characters of a kept path; a longer one loses its middle. */
export const MAX_FIELD_PATH_LENGTH = 200;
/** The most characters of a kept code or message. */
export const MAX_FIELD_TEXT_LENGTH = 300;
/** The most characters the field lines add to an error's message. */
export const MAX_FIELD_DETAILS_LENGTH = 4000;

/**
 * Flatten Discord's nested `errors` tree into its leaves, bounded: at most
 * {@linkcode MAX_FIELD_ERRORS} leaves, none nested deeper than
 * {@linkcode MAX_FIELD_ERROR_DEPTH}, paths and texts clipped, and at most
 * {@linkcode MAX_ERROR_TREE_NODES} objects read.
 *
 * @param errors The `errors` member of Discord's error body.
 * @returns The first leaves in tree order and how many were left out.
 *
 * @example Usage
 * ```ts
 * import { flattenErrors } from "./field_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const tree = { embeds: { "0": { title: { _errors: [{ code: "BASE_TYPE_REQUIRED", message: "Required." }] } } } };
 * assert.deepEqual(flattenErrors(tree), {
 *   fields: [{ path: "embeds.0.title", code: "BASE_TYPE_REQUIRED", message: "Required." }],
 *   omitted: 0,
 * });
 * ```
 */
export function flattenErrors(errors: unknown): FlattenedErrors {
  const fields: DiscordFieldError[] = [];
  let omitted = 0;
  let budget = MAX_ERROR_TREE_NODES;
  // Recursion stops at MAX_FIELD_ERROR_DEPTH; below it leaves are only
  // counted, without a stack or a path.
  const walk = (node: unknown, path: string, depth: number): void => {
    if (node === null || typeof node !== "object" || budget <= 0) return;
    if (depth > MAX_FIELD_ERROR_DEPTH) {
      omitted += countLeaves(node);
      return;
    }
    budget--;
    for (const key in node) {
      if (budget <= 0) return;
      const value = (node as Record<string, unknown>)[key];
      if (key === "_errors" && Array.isArray(value)) {
        const kept = Math.min(value.length, MAX_FIELD_ERRORS - fields.length);
        for (let i = 0; i < kept; i++) fields.push(leaf(path, value[i]));
        omitted += value.length - kept;
      } else {
        walk(value, path === "" ? key : `${path}.${key}`, depth + 1);
      }
    }
  };
  const countLeaves = (root: object): number => {
    let count = 0;
    const stack: object[] = [root];
    while (stack.length > 0 && budget > 0) {
      const node = stack.pop()!;
      budget--;
      for (const key in node) {
        const value = (node as Record<string, unknown>)[key];
        if (key === "_errors" && Array.isArray(value)) count += value.length;
        else if (value !== null && typeof value === "object") stack.push(value);
      }
    }
    return count;
  };
  walk(errors, "", 0);
  return { fields, omitted };
}

/**
 * The field errors of Discord's other error shape: a body that maps each
 * field to a list of messages, without `code`, `message` or `errors`
 * (Update Target Users' 400:
 * `{ "target_users_file": ["Line 5: invalid user ID ..."] }`). Each
 * message is a leaf whose path is its field and whose code is empty,
 * bounded as {@linkcode flattenErrors}'s are: at most
 * {@linkcode MAX_FIELD_ERRORS} kept, texts clipped, the rest counted. Any
 * other body has none.
 *
 * @param body Discord's parsed error body.
 * @returns The first leaves in field order and how many were left out.
 *
 * @example Usage
 * ```ts
 * import { fieldMessageLists } from "./field_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(fieldMessageLists({ target_users_file: ["Line 5: invalid user ID format"] }), {
 *   fields: [{ path: "target_users_file", code: "", message: "Line 5: invalid user ID format" }],
 *   omitted: 0,
 * });
 * assert.deepEqual(fieldMessageLists({ code: 50035, message: "Invalid Form Body" }), { fields: [], omitted: 0 });
 * ```
 */
export function fieldMessageLists(body: unknown): FlattenedErrors {
  const fields: DiscordFieldError[] = [];
  let omitted = 0;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { fields, omitted };
  }
  const record = body as Record<string, unknown>;
  // Discord's usual shape (`{ code, message, errors? }`) is flattenErrors'.
  if ("code" in record || "message" in record || "errors" in record) {
    return { fields, omitted };
  }
  for (const key in record) {
    const list = record[key];
    if (!Array.isArray(list)) continue;
    const kept = Math.min(list.length, MAX_FIELD_ERRORS - fields.length);
    for (let i = 0; i < kept; i++) {
      fields.push(leaf(key, { message: list[i] }));
    }
    omitted += list.length - kept;
  }
  return { fields, omitted };
}

/**
 * The field lines an error's message lists, at most
 * {@linkcode MAX_FIELD_DETAILS_LENGTH} characters, ending with how many
 * leaves were left out when any were.
 *
 * @param flattened What {@linkcode flattenErrors} returned.
 * @returns `""`, or lines each starting with a newline.
 *
 * @example Usage
 * ```ts
 * import { fieldErrorDetails } from "./field_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   fieldErrorDetails({ fields: [{ path: "content", code: "X", message: "Too long." }], omitted: 2 }),
 *   "\n  content: X Too long.\n  (2 more field errors left out)",
 * );
 * ```
 */
export function fieldErrorDetails(flattened: FlattenedErrors): string {
  let details = "";
  let shown = 0;
  for (const field of flattened.fields) {
    // A message-list error (fieldMessageLists) has no code.
    const code = field.code === "" ? "" : `${field.code} `;
    const line = `\n  ${field.path || "(body)"}: ${code}${field.message}`;
    if (details.length + line.length > MAX_FIELD_DETAILS_LENGTH) break;
    details += line;
    shown++;
  }
  const left = flattened.fields.length - shown + flattened.omitted;
  if (left > 0) {
    details += `\n  (${left} more field error${
      left === 1 ? "" : "s"
    } left out)`;
  }
  return details;
}

function leaf(path: string, item: unknown): DiscordFieldError {
  const { code, message } = (item ?? {}) as {
    code?: unknown;
    message?: unknown;
  };
  return {
    path: path.length > MAX_FIELD_PATH_LENGTH
      ? `${path.slice(0, MAX_FIELD_PATH_LENGTH / 2)}…${
        path.slice(-(MAX_FIELD_PATH_LENGTH / 2 - 1))
      }`
      : path,
    code: clip(text(code), MAX_FIELD_TEXT_LENGTH),
    message: clip(text(message), MAX_FIELD_TEXT_LENGTH),
  };
}

/**
 * A code or message as text. The server shapes it: an object such as
 * `{ "toString": 1 }` made `String()` throw, and the whole error with it
 * (its status and rate limit lost), so objects are shown as JSON.
 */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "object") return String(value);
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return ""; // nested too deep to show
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
