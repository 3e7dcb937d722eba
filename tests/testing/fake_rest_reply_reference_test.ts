/**
 * Replies on the fake's Create Message: a reply to a missing message with
 * `fail_if_not_exists: false` is sent "as a normal (non-reply) message",
 * and a reply's `message_reference` names the target's channel and guild.
 */
import assert from "node:assert/strict";
import type { RestMessage } from "../../rest/payloads.ts";
import {
  CHANNEL,
  GUILD,
  type JsonAnswer,
  jsonCall,
  oneChannel,
} from "./_one_channel.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";

function post(
  fake: FakeRest,
  body: unknown,
): Promise<JsonAnswer> {
  return jsonCall(fake, "POST", `/channels/${CHANNEL}/messages`, body);
}

Deno.test("FakeRest: a reply to a missing message with fail_if_not_exists false is a normal message", async () => {
  const { fake } = oneChannel();
  const sent = await post(fake, {
    content: "reply",
    message_reference: {
      message_id: "123456789012345678",
      fail_if_not_exists: false,
    },
  });
  assert.equal(sent.status, 200);
  const message = sent.json as RestMessage;
  assert.equal(message.type, 0);
  assert.equal(message.content, "reply");
  assert.equal("message_reference" in message, false);
  assert.equal("referenced_message" in message, false);

  // Without it, the missing target is refused.
  const refused = await post(fake, {
    content: "reply",
    message_reference: { message_id: "123456789012345678" },
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.code, 50035);
});

Deno.test("FakeRest: a reply's message_reference carries the target's channel and guild", async () => {
  const { fake } = oneChannel();
  const target = (await post(fake, { content: "first" })).json as RestMessage;
  const reply = (await post(fake, {
    content: "second",
    message_reference: { message_id: target.id },
  })).json as RestMessage;
  assert.equal(reply.type, 19);
  assert.deepEqual(reply.message_reference, {
    type: 0,
    channel_id: CHANNEL,
    message_id: target.id,
    guild_id: GUILD,
  });
  assert.equal(reply.referenced_message?.id, target.id);
});
