// An ephemeral interaction reply is seen only by the invoking user and
// reached only through the interaction token's webhook routes: the channel
// routes list, fetch, edit, delete and bulk delete it as no message (404
// 10008 Unknown Message), while the fake still records it for tests.
import assert from "node:assert/strict";
import { bulkDeleteMessages, getChannelMessages } from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { CHANNEL, jsonCall, oneChannel } from "./_one_channel.ts";

const EPHEMERAL = 1 << 6;

Deno.test("FakeRest: the channel routes ignore an ephemeral interaction reply", async () => {
  const { fake, rest } = oneChannel();
  fake.addInteraction({ id: "1", token: "t1", channelId: CHANNEL, type: 2 });
  const answered = fake.respondToInteraction("1", "t1", {
    type: 4,
    data: { content: "only you", flags: EPHEMERAL },
  });
  assert.equal(answered.status, 204);
  const secret = fake.messages(CHANNEL).at(-1)!;
  assert.equal(secret.flags, EPHEMERAL);
  const one = await rest.createMessage(CHANNEL, { content: "public" });
  const two = await rest.createMessage(CHANNEL, { content: "public 2" });

  const listed = await getChannelMessages(rest, CHANNEL);
  assert.deepEqual(listed.map((m) => m.content), ["public 2", "public"]);
  const path = `/channels/${CHANNEL}/messages/${secret.id}`;
  for (const [method, body] of [["GET"], ["PATCH", { flags: 4 }], ["DELETE"]]) {
    const answer = await jsonCall(fake, method as string, path, body);
    assert.deepEqual(
      [answer.status, answer.json?.code],
      [404, 10008],
      `${method} ${path}`,
    );
  }
  // A bulk delete naming it deletes the others and leaves it alone.
  await bulkDeleteMessages(rest, CHANNEL, {
    messages: [secret.id, one.id, two.id],
  });
  assert.deepEqual(fake.messages(CHANNEL).map((m) => m.content), ["only you"]);

  // The interaction's own webhook routes still reach it.
  const original = await rest.getOriginalInteractionResponse(
    fake.applicationId,
    "t1",
  ).catch((e) => e);
  assert.ok(!(original instanceof DiscordApiError), String(original));
  assert.equal(original.content, "only you");
});

Deno.test("FakeRest: no reply or forward can name an ephemeral interaction reply (its text would show publicly)", async () => {
  const { fake } = oneChannel();
  fake.addInteraction({ id: "1", token: "t1", channelId: CHANNEL, type: 2 });
  fake.respondToInteraction("1", "t1", {
    type: 4,
    data: { content: "secret", flags: EPHEMERAL },
  });
  const secret = fake.messages(CHANNEL).at(-1)!;
  const path = `/channels/${CHANNEL}/messages`;
  for (
    const reference of [
      { message_id: secret.id },
      { type: 1, message_id: secret.id, channel_id: CHANNEL },
    ]
  ) {
    const answer = await jsonCall(fake, "POST", path, {
      ...(reference.type === 1 ? {} : { content: "re" }),
      message_reference: reference,
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.json));
    assert.doesNotMatch(JSON.stringify(answer.json), /secret/);
  }
  assert.equal(fake.messages(CHANNEL).length, 1, "nothing was posted");
});
