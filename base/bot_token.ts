// A bot token as Discord wants it on the wire. Users paste tokens with a
// trailing newline (`$(cat token)`, a CRLF .env file) or with the `Bot `
// prefix of the Authorization header; REST and the gateway must send the
// same token, or one accepts what the other calls invalid (close 4004).
import { isSnowflake } from "./snowflake.ts";

/**
 * `token` without surrounding whitespace or a leading `Bot ` prefix. What
 * is left is not checked here: see {@linkcode assertBotToken}.
 *
 * @param token The token as given.
 * @returns The token to send.
 *
 * @example Usage
 * ```ts
 * import { normalizeBotToken } from "./bot_token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(normalizeBotToken("Bot abc.def\n"), "abc.def");
 * ```
 */
export function normalizeBotToken(token: string): string {
  return token.trim().replace(/^Bot\s+/i, "");
}

/**
 * What is wrong with a normalized token, if anything, without showing it:
 * Discord's tokens are visible ASCII (letters, digits, `.`, `_`, `-`), and
 * the token goes into an HTTP header, which takes no newline or control
 * character.
 *
 * @param token The token, normalized ({@linkcode normalizeBotToken}).
 * @returns `undefined` when it is visible ASCII, else which character is
 *   wrong and where.
 *
 * @example Usage
 * ```ts
 * import { botTokenFault } from "./bot_token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(botTokenFault("abc.def"), undefined);
 * assert.match(botTokenFault('"abc.def"')!, /wrapped in quotes/);
 * assert.equal(
 *   botTokenFault("abc\ndef"),
 *   "it holds whitespace at character 4 (the token is not shown)",
 * );
 * ```
 */
export function botTokenFault(token: string): string | undefined {
  // Pasted from a .env line or JSON with its quotes: no token holds one.
  if (/^["'`]|["'`]$/.test(token)) {
    return "it is wrapped in quotes: pass the token without them (the token is not shown)";
  }
  // An OAuth2 access token is no bot token.
  if (/^Bearer\s/i.test(token)) {
    return "it is a Bearer (OAuth2) token, not a bot token: copy the bot's token from the Developer Portal (Bot → Reset Token)";
  }
  const index = token.search(/[^\x21-\x7e]/);
  if (index === -1) return undefined;
  const char = token.codePointAt(index)!;
  const kind = /\s/.test(String.fromCodePoint(char))
    ? "whitespace"
    : char < 0x20 || char === 0x7f
    ? "a control character"
    : "a non-ASCII character";
  return `it holds ${kind} at character ${index + 1} (the token is not shown)`;
}

/**
 * Normalize a token ({@linkcode normalizeBotToken}) and refuse one that
 * still holds a space, a newline, a control character or a non-ASCII
 * character: left in, every request failed with the runtime's
 * `Invalid header value: "Bot <token>…"`, which put the token into errors
 * and logs. The message never shows the token.
 *
 * @param what What is being created, for the message (`"REST client"`).
 * @param token The token as given.
 * @returns The token to send.
 * @throws {TypeError} When the normalized token is empty or not visible
 *   ASCII.
 *
 * @example Usage
 * ```ts
 * import { assertBotToken } from "./bot_token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(assertBotToken("REST client", "Bot abc.def\r\n"), "abc.def");
 * assert.throws(() => assertBotToken("REST client", "abc.def\nX"), TypeError);
 * ```
 */
export function assertBotToken(what: string, token: string): string {
  const normalized = normalizeBotToken(token);
  const fault = normalized === "" ? "it is blank" : botTokenFault(normalized);
  if (fault !== undefined) {
    throw new TypeError(
      `Cannot create ${what} as 'token' must be the bot token, visible ASCII characters without spaces (it is sent in an HTTP header): ${fault}`,
    );
  }
  return normalized;
}

/**
 * Check a `token` option: a string that is not blank once normalised (the
 * way REST and the shard send it), and holds nothing but visible ASCII
 * (see {@linkcode assertBotToken}).
 *
 * @param what Who is being created, for the message (`"shard"`).
 * @param token The value.
 * @returns The token normalised (see {@linkcode normalizeBotToken}).
 * @throws {TypeError} When it is not a string, blank, or holds a space or
 * a control character.
 */
export function assertTokenOption(what: string, token: unknown): string {
  if (typeof token !== "string" || normalizeBotToken(token) === "") {
    // The value is shown only when it holds no token: none, or blank.
    const value = typeof token === "string"
      ? JSON.stringify(token)
      : token === undefined || token === null
      ? String(token)
      : `a ${typeof token}`;
    throw new TypeError(
      `Cannot create ${what} as 'token' must be a non-empty string (not blank)${
        token === undefined
          ? " (is the environment variable read for it set?)"
          : ""
      }: current value 'token=${value}'`,
    );
  }
  return assertBotToken(what, token);
}

/**
 * The bot user id a token is for, from its first dot-separated part (the
 * base64 of the id, the same across token resets), or `undefined` when
 * that part is no user id (a test's `"fake-token"`). Known without a
 * network call: a fleet's prefix and a saved session record their bot by
 * it, so another bot's token is refused on them.
 *
 * @param token The bot token (a `Bot ` prefix and whitespace allowed).
 * @returns The id, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { botIdOfToken } from "./bot_token.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(botIdOfToken("MTIzNDU2Nzg5MDEyMzQ1Njc4.x.y"), "123456789012345678");
 * assert.equal(botIdOfToken("fake-token"), undefined);
 * ```
 */
export function botIdOfToken(token: string): string | undefined {
  const first = normalizeBotToken(token).split(".")[0]!;
  const base64 = first.replaceAll("-", "+").replaceAll("_", "/");
  if (base64 === "" || /[^A-Za-z0-9+/=]/.test(base64)) return undefined;
  try {
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    const id = atob(padded);
    return isSnowflake(id) ? id : undefined;
  } catch {
    return undefined; // not base64 at all
  }
}
