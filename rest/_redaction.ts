/**
 * Keeping secrets out of what a request shows: the bot token, a route's
 * token (a webhook's, an interaction's) and a user's OAuth2 credential are
 * replaced in error messages, stacks and logged paths.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { isRecord } from "../base/is_record.ts";

/**
 * The secrets a request must not show: the bot token, the route's token,
 * another credential it carries and those its body carries (see
 * {@linkcode bodySecretsOf}), each also URL-encoded and as a JSON
 * string writes it (a token's `"` and `\` escaped: Discord's error body
 * quoting one showed it whole), longest first.
 */
export function secretsOf(
  botToken: string,
  routeToken: string | undefined,
  otherCredential: string | undefined,
  bodySecrets: readonly string[] = [],
): string[] {
  const secrets = new Set<string>();
  for (
    const secret of [botToken, routeToken, otherCredential, ...bodySecrets]
  ) {
    if (!secret) continue;
    secrets.add(secret);
    secrets.add(encodeURIComponent(secret));
    secrets.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a token containing another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/**
 * The secrets a request's body carries: a user's OAuth2 access tokens
 * under the names Discord's docs give them in a JSON body, `access_token`
 * (a string: Add Guild Member, Group DM Add Recipient) and `access_tokens`
 * (strings: Create Group DM, which no route function offers), at its top
 * level. One reading for the route functions and a raw
 * `RestClient.request` alike, from the JSON as sent (`payload_json` for a
 * form), not from the object: a `toJSON` (a class written out as JSON)
 * sent a token the object's own fields did not show.
 *
 * @param json The JSON text sent for the body (a form's `payload_json`),
 *   if any.
 * @returns Its secrets (none for a body with none).
 */
export function bodySecretsOf(json: string | undefined): readonly string[] {
  // Parsed only when it may name one: most bodies carry none.
  if (json === undefined || !json.includes('"access_token')) return [];
  let sent: unknown;
  try {
    sent = JSON.parse(json);
  } catch {
    return [];
  }
  if (!isRecord(sent)) return [];
  const { access_token: one, access_tokens: many } = sent;
  return [
    ...(typeof one === "string" ? [one] : []),
    ...(Array.isArray(many)
      ? many.filter((token): token is string => typeof token === "string")
      : []),
  ];
}

/**
 * The secret of an `Authorization` header's value: what follows its scheme
 * (`Bearer <token>`), or the whole value when it has none.
 */
export function credentialOf(header: string): string {
  return /^[A-Za-z][\w.+-]*\s+(\S.*)$/s.exec(header.trim())?.[1] ??
    header.trim();
}

/**
 * Shorter than any token Discord issues (bot, webhook and interaction tokens
 * are tens of characters): such a secret, a test's or a wrong one, is
 * redacted only where it stands whole. A longer one is redacted wherever it
 * occurs, even against a word: a real token at a sentence's end, before
 * its `.`, must not leak.
 */
const SHORT_SECRET_LENGTH = 20;
/** A character a token can hold: a neighbour that puts a match in a word. */
const TOKEN_CHAR = "[A-Za-z0-9._-]";
/**
 * An escape ending right before a secret: `%2F` (or `%252F`, encoded twice)
 * in a URL, `\n` or `\u00e9` in JSON. It stands for another character, so
 * its last digit or letter is no part of the token: a short token after
 * `%2F` in an encoded URL, or after `\n` in Discord's JSON, still counts as
 * whole.
 */
const ESCAPE = [
  String.raw`%(?:25)*[0-9A-Fa-f]{2}`,
  String.raw`\\[bfnrtv0]`,
  String.raw`\\x[0-9A-Fa-f]{2}`,
  String.raw`\\u[0-9A-Fa-f]{4}`,
  String.raw`\\u\{[0-9A-Fa-f]+\}`,
].join("|");

/**
 * What replaces each secret (or its encoded form) in one pass, the longest
 * tried first at each place, its pattern built once per request. A short
 * one only where it stands whole: with a token `abc`, "Bot abc" and
 * "/abc/" lose it but "abcdef" and "fabc" stay, so a short or wrong token
 * does not garble every message.
 */
export function redactor(secrets: string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text;
  const alternatives = secrets.map((secret) =>
    secret.length >= SHORT_SECRET_LENGTH
      ? escapeRegExp(secret)
      : `(?:(?<!${TOKEN_CHAR})|(?<=${ESCAPE}))${
        escapeRegExp(secret)
      }(?!${TOKEN_CHAR})`
  );
  const pattern = new RegExp(alternatives.join("|"), "g");
  return (text) => text.replace(pattern, "[REDACTED]");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A copy of `error` with every secret removed from its message, stack and
 * causes; the original (which may name a URL with a token) is dropped. A
 * value that throws when read (a user `fetch` rejecting with an object
 * without a prototype, a hostile Proxy) becomes its text, so the request
 * still ends in a NetworkError, not in that throw.
 */
export function redactError(
  error: unknown,
  redact: (text: string) => string,
  depth = 0,
): unknown {
  try {
    return redactedCopy(error, redact, depth);
  } catch {
    return redact(errorText(error));
  }
}

/** {@linkcode redactError}'s copy, which may throw on a hostile value. */
function redactedCopy(
  error: unknown,
  redact: (text: string) => string,
  depth: number,
): unknown {
  if (!(error instanceof Error)) {
    return typeof error === "string" ? redact(error) : redact(errorText(error));
  }
  const cause = error.cause !== undefined && depth < 4
    ? { cause: redactError(error.cause, redact, depth + 1) }
    : {};
  const copy = error instanceof TypeError
    ? new TypeError(redact(error.message), cause)
    : new Error(redact(error.message), cause);
  copy.name = redact(error.name);
  copy.stack = redact(error.stack ?? `${copy.name}: ${copy.message}`);
  return copy;
}
