// Deleting a channel deletes what is in it, as on Discord: its messages
// (with their reactions and pins) and its threads with theirs; the ids stay
// 404 10003 Unknown Channel, and the fake remembers them as deleted.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import {
  createReaction,
  deleteChannel,
  getChannel,
  pinMessage,
  startThreadWithoutMessage,
} from "../../rest/mod.ts";
import { CHANNEL, oneChannel } from "./_one_channel.ts";

Deno.test("FakeRest: deleting a channel drops its messages, reactions, pins and threads", async () => {
  const { fake, rest } = oneChannel();
  const events: string[] = [];
  fake.onGatewayEvent = (event) => void events.push(event);
  const deletes: string[] = [];
  fake.onMessageDelete = (message) => void deletes.push(message.id);
  const inChannel = await rest.createMessage(CHANNEL, { content: "a" });
  await createReaction(rest, CHANNEL, inChannel.id, "👍");
  await pinMessage(rest, CHANNEL, inChannel.id);
  const thread = await startThreadWithoutMessage(rest, CHANNEL, {
    name: "t",
    type: 11,
  });
  const inThread = await rest.createMessage(thread.id, { content: "b" });
  await createReaction(rest, thread.id, inThread.id, "👍");
  events.length = 0;

  await deleteChannel(rest, CHANNEL);

  assert.deepEqual(fake.messages(CHANNEL), []);
  assert.deepEqual(fake.messages(thread.id), []);
  assert.deepEqual(fake.resources.reactions(inChannel.id), {});
  assert.deepEqual(fake.resources.reactions(inThread.id), {});
  assert.deepEqual(fake.resources.pins(CHANNEL), []);
  assert.equal(fake.resources.channel(thread.id), undefined);
  assert.equal(fake.resources.deleted(CHANNEL), true);
  assert.equal(fake.resources.deleted(thread.id), true);
  // Discord sends the one CHANNEL_DELETE, no MESSAGE_DELETE per message.
  assert.deepEqual(events, ["CHANNEL_DELETE"]);
  assert.deepEqual(deletes, []);
  for (const id of [CHANNEL, thread.id]) {
    await assert.rejects(
      () => getChannel(rest, id),
      (e) => e instanceof DiscordApiError && e.code === 10003,
    );
  }
});

Deno.test("FakeRest: a channel seeded again under a deleted id is no longer deleted", async () => {
  const { fake, rest } = oneChannel();
  await deleteChannel(rest, CHANNEL);
  fake.resources.addChannel({ id: CHANNEL, type: 0 });
  assert.equal(fake.resources.deleted(CHANNEL), false);
});
