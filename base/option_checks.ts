/**
 * Checks of options that several layers take (a URL, a function, a
 * `Scheduler`), shared so that the Client and the REST client refuse a
 * wrong value with the same message. Internal: not exported from any entry
 * point.
 *
 * @module
 */
import { isRecord } from "./is_record.ts";

/**
 * Whether `value` is a URL string with one of `protocols`.
 *
 * @param value The value.
 * @param protocols The protocols allowed, with their colon (`"https:"`).
 * @returns Whether it parses as such a URL.
 *
 * @example Usage
 * ```ts
 * import { isUrl } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isUrl("https://discord.com/api/v10", ["http:", "https:"]), true);
 * assert.equal(isUrl("ftp://discord.com", ["http:", "https:"]), false);
 * assert.equal(isUrl("not a url", ["http:", "https:"]), false);
 * ```
 */
export function isUrl(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== "string") return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Whether `fn` is a class (its source starts `class`), not a function.
 *
 * @param fn The function.
 * @returns Whether it is a class.
 */
// deno-lint-ignore ban-types -- any function's source is read
export function isClass(fn: Function): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/**
 * A wrong value as a message shows it: short, and never an object dump.
 *
 * @param value The value.
 * @returns `function name`, `class Name`, `array`, a class name, `object`,
 *   a bigint with its `n` (`513n`), or the value as a string (cut after
 *   100 characters, with `…`).
 *
 * @example Usage
 * ```ts
 * import { shown } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(shown({ a: 1 }), "object");
 * assert.equal(shown(new Map()), "Map");
 * assert.equal(shown(5), "5");
 * assert.equal(shown(513n), "513n");
 * ```
 */
export function shown(value: unknown): string {
  // `intents=513` read as a valid number: the `n` is what is wrong.
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") {
    const kind = isClass(value) ? "class" : "function";
    return `${kind} ${value.name || "anonymous"}`;
  }
  if (Array.isArray(value)) return "array";
  if (typeof value === "object" && value !== null) {
    const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object"
      ? name
      : "object";
  }
  return cut(String(value));
}

/**
 * The longest text a message shows of a value: a 100,000-character value
 * made a message of as many.
 */
const SHOWN_CHARS = 100;

/**
 * `text`, cut to `max` characters with `…` when longer: how a message
 * shows a value of any length.
 *
 * @param text The text.
 * @param max The most characters kept ({@linkcode SHOWN_CHARS} by default).
 * @returns The text, or its start and `…`.
 *
 * @example Usage
 * ```ts
 * import { cut } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(cut("abcdef", 3), "abc…");
 * assert.equal(cut("abc", 3), "abc");
 * ```
 */
export function cut(text: string, max = SHOWN_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * {@linkcode shown}, with a string quoted: `'intents="513"'`, where
 * `'intents=513'` would look like a valid value.
 *
 * @param value The value.
 * @returns Its rendering for a message.
 */
export function shownQuoted(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(cut(value)) : shown(value);
}

/**
 * A URL with the password of its user info replaced by `***`, for messages
 * and logs. With `scheme://` (any scheme, any case, wherever the URL starts,
 * tabs and newlines in `://` as the URL parser drops them) the password runs
 * from the first `:` of the user part to the last `@`, so one holding a raw
 * `@` or `/` is hidden whole and the user name is kept. A value without
 * `//` after its scheme (`redis:user:pw@h`, `https:\\user:pw@h`) or
 * without a scheme (`1user:pw@h`) is one a check refuses, and where its user
 * info ends cannot be told: everything after the scheme (or from the start)
 * up to the last `@` is hidden. A leading name and `:` is read as a scheme
 * and kept (`user:pw@h` gives `user:***@h`: the password hidden all the
 * same). A URL with no `@` is returned as given.
 *
 * @param url The URL, as given (valid or not).
 * @returns The URL without its password.
 *
 * @example Usage
 * ```ts
 * import { redactUrlPassword } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(redactUrlPassword("https://u:pw@h/api"), "https://u:***@h/api");
 * assert.equal(redactUrlPassword("u:pw@h:6379"), "u:***@h:6379");
 * assert.equal(redactUrlPassword("https://h/api"), "https://h/api");
 * ```
 */
export function redactUrlPassword(url: string): string {
  // The URL parser drops tabs and newlines, in `://` too.
  const authority = /([a-z][a-z0-9+.-]*:[\t\n\r]*\/[\t\n\r]*\/[^:@/]*:).*@/is;
  if (/^\s*[a-z][a-z0-9+.-]*:[\t\n\r]*\/[\t\n\r]*\//i.test(url)) {
    return url.replace(authority, "$1***@");
  }
  return url.replace(/^(\s*[a-z][a-z0-9+.-]*:[\t\n\r/\\]*)?.*@/is, "$1***@");
}

/**
 * Check that an option, when given, is a URL with one of `protocols`.
 *
 * @param what Who is being created, for the message (`"client"`).
 * @param name The option's name.
 * @param value The value; `undefined` passes.
 * @param protocols The protocols allowed, with their colon (`"https:"`).
 * @throws {TypeError} When it is not such a URL (its password not shown:
 *   {@linkcode redactUrlPassword}).
 *
 * @example Usage
 * ```ts
 * import { assertUrlOption } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => assertUrlOption("REST client", "baseUrl", "ftp://x", ["http:", "https:"]),
 *   { message: "Cannot create REST client as 'baseUrl' must be an http: or https: URL: current value 'baseUrl=ftp://x'" },
 * );
 * ```
 */
export function assertUrlOption(
  what: string,
  name: string,
  value: unknown,
  protocols: readonly string[],
): void {
  if (value === undefined || isUrl(value, protocols)) return;
  const list = protocols.length > 1
    ? `${protocols.slice(0, -1).join(", ")} or ${protocols.at(-1)}`
    : protocols.join("");
  const article = /^[aefhilmnorsx]/i.test(list) ? "an" : "a";
  // A proxy's credentials in the URL are no part of what is wrong.
  const current = typeof value === "string"
    ? redactUrlPassword(value)
    : shown(value);
  throw new TypeError(
    `Cannot create ${what} as '${name}' must be ${article} ${list} URL: current value '${name}=${current}'`,
  );
}

/**
 * Whether a valid URL is one paths are appended to: no user info, which
 * `fetch` merged into the `Authorization` header beside the bot token, and
 * no query or fragment, after which an appended path is none.
 *
 * @param url A URL `new URL` parses.
 * @returns Whether it is such a base URL.
 *
 * @example Usage
 * ```ts
 * import { isAppendableUrl } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isAppendableUrl("https://example.com/api"), true);
 * assert.equal(isAppendableUrl("https://user:pw@example.com/api"), false);
 * assert.equal(isAppendableUrl("https://example.com/api?v=1"), false);
 * ```
 */
export function isAppendableUrl(url: string): boolean {
  const parsed = new URL(url);
  return !parsed.username && !parsed.password && !/[?#]/.test(url);
}

/**
 * Check that an option, when given, is a base URL with one of `protocols`
 * that paths are appended to: no user info, which `fetch` merged into the
 * `Authorization` header beside the bot token (whose 401 then stopped the
 * client), and no query or fragment, after which an appended path is none.
 *
 * @param what Who is being created, for the message (`"client"`).
 * @param name The option's name.
 * @param value The value; `undefined` passes.
 * @param protocols The protocols allowed, with their colon (`"https:"`).
 * @throws {TypeError} When it is not such a URL (its user info not shown).
 */
export function assertBaseUrlOption(
  what: string,
  name: string,
  value: unknown,
  protocols: readonly string[],
): void {
  assertUrlOption(what, name, value, protocols);
  if (value === undefined || isAppendableUrl(value as string)) return;
  throw new TypeError(
    `Cannot create ${what} as '${name}' must be a URL that paths are appended to: no user info (a proxy's credentials go in 'fetch'), no query and no fragment: current value '${name}=${
      redactUrlPassword(value as string)
    }'`,
  );
}

/**
 * Check that an option, when given, is a function.
 *
 * @param what Who is being created, for the message (`"client"`).
 * @param name The option's name.
 * @param value The value; `undefined` passes.
 * @throws {TypeError} When it is not a function (the message shows its
 *   type only).
 */
export function assertFunctionOption(
  what: string,
  name: string,
  value: unknown,
): void {
  if (value === undefined || typeof value === "function") return;
  throw new TypeError(
    `Cannot create ${what} as '${name}' must be a function: current value '${name}=${typeof value}'`,
  );
}

/**
 * Check that a `scheduler` option, when given, has the methods of a
 * `Scheduler` (else the first timer fails deep inside with a bare
 * `TypeError`).
 *
 * @param what Who is being created, for the message (`"client"`).
 * @param scheduler The value; `undefined` passes unless `required`.
 * @param required Whether the option has no default.
 * @throws {TypeError} When `now`, `setTimeout` or `clearTimeout` is not a
 *   function.
 */
export function assertSchedulerOption(
  what: string,
  scheduler: unknown,
  required = false,
): void {
  if (scheduler === undefined && !required) return;
  if (
    typeof scheduler === "object" && scheduler !== null &&
    ["now", "setTimeout", "clearTimeout"].every((name) =>
      typeof (scheduler as Record<string, unknown>)[name] === "function"
    )
  ) {
    return;
  }
  throw new TypeError(
    `Cannot create ${what} as 'scheduler' must be a Scheduler (now, setTimeout and clearTimeout functions): current value 'scheduler=${
      shown(scheduler)
    }'`,
  );
}

/**
 * Check a number option: an integer in `[min, max]`.
 *
 * @param what Who is being created, for the message (`"shard"`, `"client"`).
 * @param name The option's name, as the user writes it.
 * @param value The value.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @throws {RangeError} When the value is not an integer in range.
 */
export function assertIntegerOption(
  what: string,
  name: string,
  value: unknown,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): void {
  if (
    typeof value !== "number" || !Number.isSafeInteger(value) || value < min ||
    value > max
  ) {
    const range = max === Number.MAX_SAFE_INTEGER
      ? `an integer >= ${min}`
      : `an integer from ${min} to ${max}`;
    throw new RangeError(
      `Cannot create ${what} as '${name}' must be ${range}: current value '${name}=${
        typeof value === "string" ? JSON.stringify(value) : String(value)
      }'`,
    );
  }
}

/**
 * The error for a number option whose value breaks its rule: a
 * `RangeError` for a number, a `TypeError` for anything else, its value
 * quoted (`'perChannel="100"'`: unquoted, "must be a positive integer:
 * current value '100'" read as a contradiction).
 *
 * @param what Who is being created, for the message (`"cache"`).
 * @param name The option's name, as the user writes it.
 * @param rule What it must be (`"a positive integer"`).
 * @param value The value.
 * @returns The error to throw.
 *
 * @example Usage
 * ```ts
 * import { numberOptionError } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * const error = numberOptionError("cache", "ttl", "a positive integer", "9");
 * assert.ok(error instanceof TypeError);
 * assert.equal(
 *   error.message,
 *   `Cannot create cache as 'ttl' must be a positive integer: current value 'ttl="9"'`,
 * );
 * ```
 */
export function numberOptionError(
  what: string,
  name: string,
  rule: string,
  value: unknown,
): RangeError | TypeError {
  const Refusal = typeof value === "number" ? RangeError : TypeError;
  return new Refusal(
    `Cannot create ${what} as '${name}' must be ${rule}: current value '${name}=${
      shownQuoted(value)
    }'`,
  );
}

/**
 * {@linkcode assertIntegerOption}, but a value that is not a number at all
 * (`"100"`, quoted in the message) is a `TypeError`: its range is not what
 * is wrong, and "must be a positive integer: current value '100'" read as
 * a contradiction.
 *
 * @param what Who is being created, for the message (`"shard"`, `"client"`).
 * @param name The option's name, as the user writes it.
 * @param value The value.
 * @param min The smallest value allowed.
 * @param max The largest value allowed.
 * @throws {TypeError} When the value is not a number.
 * @throws {RangeError} When it is a number but not an integer in range.
 *
 * @example Usage
 * ```ts
 * import { assertNumberTypedIntegerOption } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => assertNumberTypedIntegerOption("shard", "largeThreshold", "100", 50, 250),
 *   {
 *     name: "TypeError",
 *     message: `Cannot create shard as 'largeThreshold' must be an integer from 50 to 250: current value 'largeThreshold="100"'`,
 *   },
 * );
 * assert.throws(
 *   () => assertNumberTypedIntegerOption("shard", "largeThreshold", 10, 50, 250),
 *   RangeError,
 * );
 * ```
 */
export function assertNumberTypedIntegerOption(
  what: string,
  name: string,
  value: unknown,
  min: number,
  max?: number,
): void {
  try {
    assertIntegerOption(what, name, value, min, max);
  } catch (error) {
    if (typeof value === "number" || !(error instanceof Error)) throw error;
    throw new TypeError(error.message);
  }
}

/**
 * Check that an optional option is a boolean when given: a string such as
 * `"false"` would otherwise count as `true`.
 *
 * @param action What was being done, e.g. `"stop client"`.
 * @param name The option's name.
 * @param value The value, `undefined` when not given.
 * @throws {TypeError} When the value is given and not a boolean.
 */
export function assertBooleanOption(
  action: string,
  name: string,
  value: unknown,
): void {
  if (value === undefined || typeof value === "boolean") return;
  throw new TypeError(
    `Cannot ${action} as '${name}' must be a boolean: current value '${name}=${
      shownQuoted(value)
    }'`,
  );
}

/**
 * Check that a function's options (or a nested options object, `name`) are
 * an object: `null` or a string read as one failed deep inside with
 * "Cannot read properties of null". `checkOptionKeys` checks with it too.
 *
 * @param action What was being done, e.g. `"sync commands"`.
 * @param options The options, as given.
 * @param name Their name in the message.
 * @throws {TypeError} When they are not an object (an array included).
 *
 * @example Usage
 * ```ts
 * import { assertOptionsObject } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => assertOptionsObject("sync commands", null), {
 *   message: "Cannot sync commands as 'options' must be an object: current value 'options=null'",
 * });
 * ```
 */
export function assertOptionsObject(
  action: string,
  options: unknown,
  name = "options",
): asserts options is object {
  if (isRecord(options)) return;
  throw new TypeError(
    `Cannot ${action} as '${name}' must be an object: current value '${name}=${
      shown(options)
    }'`,
  );
}

/**
 * Check that a `signal` option, when given, is an `AbortSignal` (any
 * realm's): a falsy one (`0`, `""`, `null`) was read as none, another
 * failed deep inside ("signal.addEventListener is not a function").
 *
 * @param action What was being done, e.g. `"sync commands"`.
 * @param name The option's name.
 * @param value The value; `undefined` passes.
 * @throws {TypeError} When it is not an `AbortSignal` (the message says to
 *   pass an `AbortController`'s `.signal` when it is one).
 */
export function assertSignalOption(
  action: string,
  name: string,
  value: unknown,
): void {
  if (value === undefined || isAbortSignal(value)) return;
  // A common slip: the AbortController instead of its signal.
  const hint = typeof value === "object" && value !== null &&
      isAbortSignal((value as { signal?: unknown }).signal)
    ? " (pass the controller's .signal)"
    : "";
  throw new TypeError(
    `Cannot ${action} as '${name}' must be an AbortSignal${hint}: current value '${name}=${
      shown(value)
    }'`,
  );
}

/** Whether `value` can serve as an `AbortSignal` (any realm's). */
function isAbortSignal(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    typeof (value as { aborted?: unknown }).aborted === "boolean" &&
    typeof (value as { addEventListener?: unknown }).addEventListener ===
      "function";
}

/**
 * Check that an option, when given, is an object (not an array): a falsy
 * one (`0`, `""`, `null`) was read as "not set" and a truthy one failed
 * deep inside.
 *
 * @param what Who is being created, for the message (`"identify queue"`).
 * @param name The option's name.
 * @param value The value; `undefined` passes.
 * @param rule What it must be, when more than "an object" helps.
 * @throws {TypeError} When it is not an object.
 *
 * @example Usage
 * ```ts
 * import { assertObjectOption } from "./option_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => assertObjectOption("identify queue", "sessionStartLimit", 0),
 *   { message: "Cannot create identify queue as 'sessionStartLimit' must be an object: current value 'sessionStartLimit=0'" },
 * );
 * ```
 */
export function assertObjectOption(
  what: string,
  name: string,
  value: unknown,
  rule = "an object",
): void {
  if (value === undefined || isRecord(value)) return;
  throw new TypeError(
    `Cannot create ${what} as '${name}' must be ${rule}: current value '${name}=${
      shownQuoted(value)
    }'`,
  );
}
