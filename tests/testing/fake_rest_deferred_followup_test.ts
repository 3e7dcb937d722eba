// Discord's Create Followup Message: "When using this endpoint directly
// after responding to an interaction with DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
// this endpoint will function as Edit Original Interaction Response ... the
// loading message will be edited instead. The ephemeral flag will be
// ignored, and the value you provided in the initial defer response will be
// preserved." FakeRest does the same, so a bot's tests see what users see.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const EPHEMERAL = 1 << 6;
const LOADING = 1 << 7;

function setUp(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

Deno.test("FakeRest: a follow-up right after a public deferred reply edits the loading message and keeps it public", async () => {
  const { fake, rest } = setUp();
  fake.addInteraction({ id: "1", token: "tok", type: 2 });
  const updated: string[] = [];
  const created: string[] = [];
  fake.onMessageUpdate = (message) => void updated.push(message.id);
  fake.onMessageCreate = (message) => void created.push(message.id);
  await rest.createInteractionResponse("1", "tok", { type: 5 });
  const [loading] = fake.messages();
  assert.equal(loading!.flags, LOADING);
  const message = await rest.createFollowupMessage(fake.applicationId, "tok", {
    content: "secret",
    flags: EPHEMERAL,
  });
  assert.equal(message.id, loading!.id, "the loading message, edited");
  assert.equal(message.content, "secret");
  assert.equal(message.flags ?? 0, 0, "the ephemeral flag is ignored");
  assert.equal(fake.messages().length, 1);
  assert.deepEqual(updated, [loading!.id]);
  assert.deepEqual(created, [loading!.id], "only the loading message");
  // The original is answered now: the next follow-up is a new message.
  const next = await rest.createFollowupMessage(fake.applicationId, "tok", {
    content: "more",
    flags: EPHEMERAL,
  });
  assert.notEqual(next.id, loading!.id);
  assert.equal(next.flags, EPHEMERAL);
  assert.equal(fake.messages().length, 2);
  // It is a follow-up of this interaction, and the original still is too.
  const original = await rest.getOriginalInteractionResponse(
    fake.applicationId,
    "tok",
  );
  assert.equal(original.content, "secret");
});

Deno.test("FakeRest: a follow-up right after an ephemeral deferred reply edits the loading message and keeps it ephemeral", async () => {
  const { fake, rest } = setUp();
  fake.addInteraction({ id: "1", token: "tok", type: 2 });
  await rest.createInteractionResponse("1", "tok", {
    type: 5,
    data: { flags: EPHEMERAL },
  });
  const message = await rest.createFollowupMessage(fake.applicationId, "tok", {
    content: "for everyone?",
  });
  assert.equal(message.content, "for everyone?");
  assert.equal(message.flags, EPHEMERAL);
  assert.equal(fake.messages().length, 1);
});

Deno.test("FakeRest: a follow-up after a deferred reply was edited, or after a deferred update, is a new message", async () => {
  const { fake, rest } = setUp();
  fake.addInteraction({ id: "1", token: "tok", type: 2 });
  await rest.createInteractionResponse("1", "tok", { type: 5 });
  await rest.editOriginalInteractionResponse(fake.applicationId, "tok", {
    content: "done",
  });
  await rest.createFollowupMessage(fake.applicationId, "tok", {
    content: "more",
  });
  assert.deepEqual(fake.messages().map((m) => m.content), ["done", "more"]);

  fake.addMessage({ id: "700", channel_id: "0", content: "pick" } as never);
  fake.addInteraction({ id: "2", token: "click", type: 3, messageId: "700" });
  await rest.createInteractionResponse("2", "click", { type: 6 });
  const followUp = await rest.createFollowupMessage(
    fake.applicationId,
    "click",
    { content: "only you", flags: EPHEMERAL },
  );
  assert.notEqual(followUp.id, "700");
  assert.equal(followUp.flags, EPHEMERAL);
  assert.equal(fake.messages("0").find((m) => m.id === "700")!.content, "pick");
});
