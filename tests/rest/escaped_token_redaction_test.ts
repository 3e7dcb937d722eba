// A token echoed back in an error body with a JSON escape (`\u004dTIz…`
// for `MTIz…`) passed redaction of the raw text: parsing the body restored
// it, and the error's message, field errors and raw tree showed it.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123";
/** The token with its first character written as a JSON escape. */
const ESCAPED = "\\u004d" + TOKEN.slice(1);

/** A client whose every request is answered 400 with `body`. */
function answering(body: string): RestClient {
  return new RestClient({
    token: TOKEN,
    scheduler: new VirtualScheduler(),
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(body, {
          status: 400,
          headers: { "content-type": "application/json" },
        }),
      ),
  });
}

Deno.test("a token echoed with a JSON escape in an error's message is redacted", async () => {
  const rest = answering(
    `{"message":"bad auth Bot ${ESCAPED}","code":50001}`,
  );
  const error = await rest.request("GET", "/channels/1").catch((e) => e);
  assert.ok(error instanceof DiscordApiError, `got ${error}`);
  assert.equal(error.message.includes(TOKEN), false, error.message);
  assert.equal(error.apiMessage, "bad auth Bot [REDACTED]");
  assert.equal(error.code, 50001);
});

Deno.test("a token echoed with a JSON escape in an error's field errors is redacted", async () => {
  const rest = answering(
    JSON.stringify({
      message: "Invalid Form Body",
      code: 50035,
      errors: {
        ["TOKEN_KEY"]: {
          _errors: [{ code: "TOKEN_CODE", message: "was TOKEN_TEXT" }],
        },
      },
    }).replaceAll(/TOKEN_(KEY|CODE|TEXT)/g, ESCAPED),
  );
  const error = await rest.request("GET", "/channels/1").catch((e) => e);
  assert.ok(error instanceof DiscordApiError, `got ${error}`);
  assert.equal(error.message.includes(TOKEN), false, error.message);
  assert.equal(JSON.stringify(error.errors).includes(TOKEN), false);
  assert.deepEqual(error.fieldErrors, [
    { path: "[REDACTED]", code: "[REDACTED]", message: "was [REDACTED]" },
  ]);
});
