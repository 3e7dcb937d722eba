// A bot token as Discord wants it on the wire. Users paste tokens with a
// trailing newline (`$(cat token)`, a CRLF .env file) or with the `Bot `
// prefix of the Authorization header; REST and the gateway must send the
// same token, or one accepts what the other calls invalid (close 4004).

/**
 * `token` without surrounding whitespace or a leading `Bot ` prefix.
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
