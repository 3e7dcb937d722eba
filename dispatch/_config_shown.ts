/**
 * How a refused configuration value is shown in a `ConfigError`: the
 * start-up error goes to stderr and the logs, so the secrets a value can
 * carry are left out. A URL's password (a proxy's) and a webhook or
 * interaction token in a URL's path are hidden whatever the variable; a
 * channel variable given a webhook URL, or something as long as a token,
 * is not shown at all.
 *
 * @module
 */
import { redactUrlPassword } from "../base/option_checks.ts";
import { unshownId } from "../base/snowflake.ts";
import { redactPath } from "../rest/routes.ts";

/**
 * A refused value as a message may show it: its URL password replaced by
 * `***`, the token of a `webhooks/…` or `interactions/…` path by `:token`,
 * and control characters escaped (`\n`, `\u0000`), so a value with a line
 * break still makes a one-line message.
 *
 * @param value The value as given.
 * @returns The value without its secrets.
 *
 * @example Usage
 * ```ts
 * import { shownConfigValue } from "./_config_shown.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   shownConfigValue("https://u:pw@discord.com/api/webhooks/1/tok"),
 *   "https://u:***@discord.com/api/webhooks/1/:token",
 * );
 * ```
 */
export function shownConfigValue(value: string): string {
  return redactPath(redactUrlPassword(value)).replace(
    // deno-lint-ignore no-control-regex -- control characters are the point
    /[\u0000-\u001f\u007f]/g,
    // JSON.stringify escapes all but DEL, which JSON leaves as it is.
    (c) => c === "\u007f" ? "\\u007f" : JSON.stringify(c).slice(1, -1),
  );
}

/**
 * A refused channel ID as a `ConfigError` shows it: as given when short, or
 * what is wrong with it in words. A webhook URL is what people copy from a
 * channel's settings, and its token never expires.
 *
 * @param value The value of a channel variable, not a snowflake.
 * @returns The value, or `{ secret }` saying why it is not shown.
 *
 * @example Usage
 * ```ts
 * import { shownChannelId } from "./_config_shown.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(shownChannelId("#general"), "#general");
 * assert.deepEqual(shownChannelId("https://discord.com/api/webhooks/1/tok"), {
 *   secret: "it looks like a webhook URL (not shown): give the channel ID",
 * });
 * ```
 */
export function shownChannelId(
  value: string,
): string | { readonly secret: string } {
  if (/\/webhooks\//i.test(value)) {
    return {
      secret: "it looks like a webhook URL (not shown): give the channel ID",
    };
  }
  const hidden = unshownId(value);
  return hidden === undefined ? value : { secret: `it is ${hidden}` };
}
