// A webhook URL given where a channel ID goes (LOG_CHANNEL), or in any
// variable, was repeated whole, its token with it, in the start-up error
// on stderr. Webhook tokens never expire.
import assert from "node:assert/strict";
import { ConfigError, loadDispatchConfig } from "../../dispatch/config.ts";

const BASE = { BOT_TOKEN: "MTIz.GaBcDe.abc", INTENTS: "513" };
const HOOK =
  "hK9x2LmQpR7vT3wYzA1bC4dE6fG8hJ0kN5oP2qS7uV9wX3yZ_aB-cD4eF6gH8iJ0kL2m";
const WEBHOOK_URL =
  `https://discord.com/api/webhooks/1234567890123456789/${HOOK}`;

/** The ConfigError loading `env` over BASE throws. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadDispatchConfig({ ...BASE, ...env });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

/** Whether `text` holds any 12-character run of the token. */
function showsToken(text: string): boolean {
  for (let i = 0; i + 12 <= HOOK.length; i++) {
    if (text.includes(HOOK.slice(i, i + 12))) return true;
  }
  return false;
}

Deno.test("dispatch config: a webhook URL in a channel variable is not shown, and the channel ID is asked for", () => {
  for (const variable of ["LOG_CHANNEL", "LOG_GUILD_CHANNEL"]) {
    for (
      const value of [
        WEBHOOK_URL,
        WEBHOOK_URL.replace("https://discord.com", "https://user:pw@x"),
        `discord.com/api/Webhooks/1/${HOOK}\n`,
      ]
    ) {
      const error = refusal({ [variable]: value });
      assert.equal(error.variable, variable);
      assert.ok(!showsToken(error.message), error.message);
      assert.ok(!error.message.includes("pw@"), error.message);
      assert.match(
        error.message,
        /: it looks like a webhook URL \(not shown\): give the channel ID$/,
      );
    }
  }
});

Deno.test("dispatch config: a long value in a channel variable is not shown, a short one is", () => {
  const long = refusal({ LOG_CHANNEL: HOOK });
  assert.ok(!showsToken(long.message), long.message);
  assert.match(
    long.message,
    /: it is a 68-character string \(not shown: it may be a token\)$/,
  );
  assert.match(refusal({ LOG_CHANNEL: "#general" }).message, /'#general'$/);
});

Deno.test("dispatch config: any variable refused with a webhook URL shows it without its token", () => {
  const error = refusal({ INTENTS: WEBHOOK_URL });
  assert.equal(error.variable, "INTENTS");
  assert.ok(!showsToken(error.message), error.message);
  assert.match(
    error.message,
    /current value 'https:\/\/discord\.com\/api\/webhooks\/1234567890123456789\/:token'$/,
  );
  const status = refusal({ STATUS: `https://u:S3CRET@h/webhooks/1/${HOOK}` });
  assert.ok(!showsToken(status.message), status.message);
  assert.ok(!status.message.includes("S3CRET"), status.message);
});
