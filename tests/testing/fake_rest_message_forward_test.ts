/**
 * Message forwards on the fake's Create Message (`message_reference` of
 * type 1): only the reference is needed, the target must exist in the
 * named channel, and the forward carries a snapshot of it, as the message
 * resource documents.
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

const HAS_SNAPSHOT = 1 << 14;

function post(
  fake: FakeRest,
  path: string,
  body: unknown,
  method = "POST",
): Promise<JsonAnswer> {
  return jsonCall(fake, method, path, body);
}

Deno.test("FakeRest: a forward needs only message_reference and carries a snapshot of its target", async () => {
  const { fake } = oneChannel();
  const original = await post(fake, `/channels/${CHANNEL}/messages`, {
    content: "original text",
    embeds: [{ title: "t" }],
  });
  assert.equal(original.status, 200);
  const target = original.json as RestMessage;
  const forwarded = await post(fake, `/channels/${CHANNEL}/messages`, {
    message_reference: { type: 1, message_id: target.id, channel_id: CHANNEL },
    flags: 4096,
  });
  assert.equal(forwarded.status, 200, JSON.stringify(forwarded.json));
  const message = forwarded.json as RestMessage;
  assert.equal(message.type, 0);
  assert.equal(message.content, "");
  assert.equal(message.flags, 4096 | HAS_SNAPSHOT);
  assert.deepEqual(message.message_reference, {
    type: 1,
    channel_id: CHANNEL,
    message_id: target.id,
    guild_id: GUILD,
  });
  assert.equal(message.referenced_message, undefined);
  assert.deepEqual(message.message_snapshots, [{
    message: {
      type: 0,
      content: "original text",
      embeds: [{ title: "t" }],
      attachments: [],
      timestamp: target.timestamp,
      edited_timestamp: null,
      flags: 0,
      mentions: [],
      mention_roles: [],
      components: [],
    },
  }]);

  // Snapshots are immutable: an edit of the target does not reach it.
  await post(
    fake,
    `/channels/${CHANNEL}/messages/${target.id}`,
    { content: "edited" },
    "PATCH",
  );
  const stored = fake.messages(CHANNEL).find((m) => m.id === message.id)!;
  assert.equal(stored.message_snapshots?.[0]?.message.content, "original text");
});

Deno.test("FakeRest: a forward is refused without channel_id, with an unknown target or with content of its own", async () => {
  const { fake } = oneChannel();
  const target = (await post(fake, `/channels/${CHANNEL}/messages`, {
    content: "hi",
  })).json as RestMessage;
  const forward = (
    reference: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) =>
    post(fake, `/channels/${CHANNEL}/messages`, {
      message_reference: { type: 1, ...reference },
      ...extra,
    });

  const noChannel = await forward({ message_id: target.id });
  assert.equal(noChannel.status, 400);
  assert.equal(noChannel.json.code, 50035);
  assert.equal(
    noChannel.json.errors.message_reference.channel_id._errors[0].code,
    "BASE_TYPE_REQUIRED",
  );

  for (
    const reference of [
      { message_id: "123456789012345678", channel_id: CHANNEL },
      // The target exists, but not in the channel named.
      { message_id: target.id, channel_id: "999999999999999999" },
      {
        message_id: "123456789012345678",
        channel_id: CHANNEL,
        fail_if_not_exists: false,
      },
    ]
  ) {
    const unknown = await forward(reference);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.code, 50035);
    assert.equal(
      unknown.json.errors.message_reference._errors[0].code,
      "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
    );
  }

  const withContent = await forward(
    { message_id: target.id, channel_id: CHANNEL },
    { content: "look at this" },
  );
  assert.equal(withContent.status, 400);
  assert.equal(withContent.json.code, 50035);
  assert.equal(
    withContent.json.errors.message_reference._errors[0].code,
    "FORWARD_CONTAINS_UNSUPPORTED_CONTENT",
  );
  assert.deepEqual(fake.messages(CHANNEL).map((m) => m.id), [target.id]);
});
