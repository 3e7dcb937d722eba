// What a `fetch` rejects with reaches the caller as a NetworkError's cause
// and message, redacted: a rejection that is a string (not an Error), an
// Error whose name carries a token, a route token that begins with the bot
// token (replaced whole, not cut after the bot token's part), and a token
// of 20 characters, the shortest redacted wherever it stands, at a
// sentence's end.
import assert from "node:assert/strict";
import { NetworkError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

const TOKEN = "bot.T0KEN-secret_value-0123456789";

/** A client whose fetch rejects with `reason(url)` and that never retries. */
function rejecting(
  token: string,
  reason: (url: string) => unknown,
): RestClient {
  return new RestClient({
    token,
    maxRetries: 0,
    fetch: (input) => Promise.reject(reason(String(input))),
  });
}

async function networkError(
  rest: RestClient,
  path: string,
): Promise<NetworkError> {
  const error = await rest.request("GET", path).catch((e) => e);
  assert.ok(error instanceof NetworkError, String(error));
  return error;
}

Deno.test("NetworkError: a fetch rejecting with a string naming the URL shows it without the tokens", async () => {
  const webhook = "d2ViaG9vaw-webhook-token_0123456789";
  const error = await networkError(
    rejecting(TOKEN, (url) => `cannot reach ${url} (auth Bot ${TOKEN})`),
    `/webhooks/1/${webhook}`,
  );
  const text = `${error.message} ${String(error.cause)}`;
  assert.ok(!text.includes(webhook), text);
  assert.ok(!text.includes(TOKEN), text);
  assert.match(error.message, /cannot reach .*\[REDACTED\]/);
});

Deno.test("NetworkError: an Error whose name carries the token has it redacted in its copy", async () => {
  const error = await networkError(
    rejecting(TOKEN, () => {
      const cause = new TypeError("connection reset");
      cause.name = `Bot ${TOKEN}`;
      return cause;
    }),
    "/channels/1",
  );
  const cause = error.cause as Error;
  assert.ok(!cause.name.includes(TOKEN), cause.name);
  assert.equal(cause.name, "Bot [REDACTED]");
  assert.ok(!String(cause.stack).includes(TOKEN), cause.stack);
});

Deno.test("NetworkError: a route token that begins with the bot token is redacted whole, no tail left", async () => {
  const tail = "-and-the-webhook-part";
  const webhook = `${TOKEN}${tail}`;
  const error = await networkError(
    rejecting(TOKEN, (url) => new TypeError(`error sending request ${url}`)),
    `/webhooks/1/${webhook}`,
  );
  const cause = error.cause as Error;
  for (const text of [error.message, cause.message, String(cause.stack)]) {
    assert.ok(!text.includes(tail), text);
  }
  assert.match(error.message, /webhooks\/1\/\[REDACTED\]$/);
});

Deno.test("NetworkError: a token of 20 characters is redacted before a sentence's full stop", async () => {
  const token = "abcdefghij0123456789";
  assert.equal(token.length, 20);
  const error = await networkError(
    rejecting(token, () => new TypeError(`refused for ${token}.`)),
    "/channels/1",
  );
  assert.equal(
    error.message,
    "GET /channels/1 failed: refused for [REDACTED].",
  );
});
