/**
 * A reply's target must be in the channel the reply is posted to (a
 * reply's `channel_id` is "the same as the reply's"); a forward may cross
 * channels.
 */
import assert from "node:assert/strict";
import type { RestMessage } from "../../rest/payloads.ts";
import { referenceFields } from "../../testing/_message_reference.ts";
import type { FakeRest } from "../../testing/fake_rest.ts";
import { CHANNEL, GUILD, jsonCall, oneChannel } from "./_one_channel.ts";

const OTHER = "100000000000000003";

/** A fake with two channels of one guild, and a message in `CHANNEL`. */
async function twoChannels(): Promise<{ fake: FakeRest; target: RestMessage }> {
  const { fake } = oneChannel();
  fake.resources.addChannel({ id: OTHER, type: 0, guild_id: GUILD });
  const target =
    (await jsonCall(fake, "POST", `/channels/${CHANNEL}/messages`, {
      content: "original",
    })).json as RestMessage;
  return { fake, target };
}

Deno.test("FakeRest refuses a reply naming a channel_id other than its target's", async () => {
  const { fake, target } = await twoChannels();
  const refused = await jsonCall(fake, "POST", `/channels/${OTHER}/messages`, {
    content: "reply",
    message_reference: { message_id: target.id, channel_id: OTHER },
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.code, 50035);
  assert.equal(
    refused.json.errors.message_reference._errors[0].code,
    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
  );
});

Deno.test("a reply's target in another channel than the one posted to counts as unknown", async () => {
  const { fake, target } = await twoChannels();
  const lookup = {
    message: (id: string) => fake.messages().find((m) => m.id === id),
    guildOf: () => GUILD,
    channelId: OTHER,
  };
  const refused = referenceFields(
    { message_reference: { message_id: target.id } },
    lookup,
  );
  assert.ok("refusal" in refused);
  assert.equal(refused.refusal.status, 400);

  // With fail_if_not_exists false, a plain message, as for a missing one.
  const plain = referenceFields(
    { message_reference: { message_id: target.id, fail_if_not_exists: false } },
    lookup,
  );
  assert.deepEqual(plain, { extra: {} });

  // In its own channel the reply stands.
  const reply = referenceFields(
    { message_reference: { message_id: target.id } },
    { ...lookup, channelId: CHANNEL },
  );
  assert.ok("extra" in reply);
  assert.equal(reply.extra.type, 19);
});

Deno.test("FakeRest still forwards a message to another channel", async () => {
  const { fake, target } = await twoChannels();
  const sent = await jsonCall(fake, "POST", `/channels/${OTHER}/messages`, {
    message_reference: { type: 1, message_id: target.id, channel_id: CHANNEL },
  });
  assert.equal(sent.status, 200);
  assert.equal(sent.json.channel_id, OTHER);
  assert.equal(sent.json.message_reference.channel_id, CHANNEL);
});
