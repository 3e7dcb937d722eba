// A bot token or client secret pasted as `publicKey` by mistake was echoed
// whole by the refusal, into logs. The value is shown only when it is hex
// (a wrong-length hex key is no secret); otherwise its length and kind.
import assert from "node:assert/strict";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";

const BOT = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.botSECRETbotSECRETbotSECRET_xyz";
const CLIENT_SECRET = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY";

/** The message interactionsEndpoint refuses `publicKey` with. */
function refusal(publicKey: unknown): string {
  const router = new InteractionRouter();
  const rest = new RestClient({ token: "t" });
  try {
    interactionsEndpoint({ publicKey, router, rest } as never);
  } catch (error) {
    assert.ok(error instanceof TypeError, String(error));
    return error.message;
  }
  assert.fail("accepted");
}

Deno.test("interactionsEndpoint: a bot token given as publicKey is not shown, and is named as one", () => {
  for (const value of [BOT, `${BOT}\n`, `Bot ${BOT}`]) {
    const message = refusal(value);
    assert.ok(!message.includes("botSECRET"), message);
    assert.match(message, /'publicKey' must be 64 hex characters/);
    assert.match(message, /it looks like a bot token: not shown/);
    assert.match(message, new RegExp(`a string of ${value.length} characters`));
  }
});

Deno.test("interactionsEndpoint: a publicKey that is not hex is not shown, its length is", () => {
  const message = refusal(CLIENT_SECRET);
  assert.ok(!message.includes(CLIENT_SECRET), message);
  assert.match(message, /'publicKey' must be 64 hex characters/);
  assert.match(message, /a string of 32 characters, not all hex \(not shown\)/);
  assert.doesNotMatch(message, /bot token/);
});

Deno.test("interactionsEndpoint: a hex publicKey of the wrong length is still shown", () => {
  assert.match(refusal("abcd"), /current value 'publicKey="abcd"'/);
  assert.match(refusal(" abcd\n"), /current value 'publicKey=" abcd\\n"'/);
  assert.match(refusal(undefined), /current value 'publicKey=undefined'/);
  assert.match(refusal("00".repeat(32)), /is not a real Ed25519 key.*0000/);
});
