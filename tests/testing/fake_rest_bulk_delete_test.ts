// Bulk Delete Messages as Discord refuses it: "fail with a 400 BAD REQUEST
// ... if any duplicate message IDs are provided", and "can only be used on
// guild channels" (a DM gets 403 50003).
import assert from "node:assert/strict";
import { bulkDeleteMessages, createDM } from "../../rest/mod.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { CHANNEL, GUILD, oneChannel } from "./_one_channel.ts";

const ada = {
  id: "100000000000000010",
  username: "ada",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

async function refusal(promise: Promise<unknown>): Promise<DiscordApiError> {
  const error = await promise.catch((e) => e);
  assert.ok(error instanceof DiscordApiError, `expected a refusal: ${error}`);
  return error;
}

Deno.test("FakeRest bulk delete refuses duplicate message ids with 400 50035 and deletes nothing", async () => {
  const { fake, rest } = oneChannel();
  const one = await rest.createMessage(CHANNEL, { content: "one" });
  const two = await rest.createMessage(CHANNEL, { content: "two" });
  const error = await refusal(
    // Sent raw: bulkDeleteMessages refuses a repeated ID unsent.
    rest.request("POST", `/channels/${CHANNEL}/messages/bulk-delete`, {
      body: { messages: [one.id, two.id, one.id] },
    }),
  );
  assert.deepEqual([error.status, error.code], [400, 50035]);
  const errors = error.errors as { messages: { _errors: unknown[] } };
  assert.equal(errors.messages._errors.length, 1);
  assert.deepEqual(fake.messages(CHANNEL).map((m) => m.id), [one.id, two.id]);
  // The same ids once each go through.
  await bulkDeleteMessages(rest, CHANNEL, { messages: [one.id, two.id] });
  assert.deepEqual(fake.messages(CHANNEL), []);
});

Deno.test("FakeRest bulk delete in a DM gets 403 50003 and deletes nothing", async () => {
  const { fake, rest } = oneChannel();
  fake.resources.addMember(GUILD, ada);
  const dm = await createDM(rest, { recipient_id: ada.id });
  const one = await rest.createMessage(dm.id, { content: "one" });
  const two = await rest.createMessage(dm.id, { content: "two" });
  const error = await refusal(
    bulkDeleteMessages(rest, dm.id, { messages: [one.id, two.id] }),
  );
  assert.deepEqual([error.status, error.code, error.apiMessage], [
    403,
    50003,
    "Cannot execute action on a DM channel",
  ]);
  assert.equal(fake.messages(dm.id).length, 2);
});

Deno.test("FakeRest without onGatewayEvent reports a bulk delete to onMessageDelete, once a message", async () => {
  const { fake, rest } = oneChannel();
  const deleted: string[] = [];
  fake.onMessageDelete = ({ id }) => void deleted.push(id);
  const one = await rest.createMessage(CHANNEL, { content: "one" });
  const two = await rest.createMessage(CHANNEL, { content: "two" });
  await bulkDeleteMessages(rest, CHANNEL, { messages: [one.id, two.id] });
  assert.deepEqual(deleted, [one.id, two.id]);
});

Deno.test("FakeRest with onGatewayEvent reports a bulk delete as one MESSAGE_DELETE_BULK, not to onMessageDelete", async () => {
  const { fake, rest } = oneChannel();
  const seen: string[] = [];
  fake.onMessageDelete = ({ id }) => void seen.push(`delete ${id}`);
  fake.onGatewayEvent = (event) => void seen.push(event);
  const one = await rest.createMessage(CHANNEL, { content: "one" });
  const two = await rest.createMessage(CHANNEL, { content: "two" });
  await bulkDeleteMessages(rest, CHANNEL, { messages: [one.id, two.id] });
  assert.deepEqual(seen, ["MESSAGE_DELETE_BULK"]);
});
