// A reply may carry a poll: Discord takes one in the callback data of types 4
// and 7, in a follow-up, and in the edit answering a deferred response (change
// log 2024-09-04). `MessageResponse` had no `poll`, so `ctx.respond({ poll })`
// did not compile. A Components v2 message cannot have a poll: it is refused
// before anything is sent, like `content` and `embeds` with v2 (a poll of
// null is none).
import assert from "node:assert/strict";
import { button, row } from "../../interactions/components.ts";
import { textDisplay } from "../../interactions/components_v2.ts";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { PollCreateRequest } from "../../types/objects/poll.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

const poll: PollCreateRequest = {
  question: { text: "Lunch?" },
  answers: [{ poll_media: { text: "Pizza" } }, {
    poll_media: { text: "Soup" },
  }],
  duration: 24,
  allow_multiselect: true,
};

/** A context for a /go command, its requests recorded by a `FakeRest`. */
function setup(id: string): { ctx: InteractionContext; fake: FakeRest } {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const ctx = new InteractionContext(commandInteraction({ id, name: "go" }), {
    rest,
  });
  return { ctx, fake };
}

function refusedV2(error: unknown): boolean {
  return error instanceof InteractionError &&
    error.kind === "invalid_response" &&
    /Components v2.*cannot have a poll/.test(error.message);
}

Deno.test("respond({ poll }) sends the poll in the callback data, intact", async () => {
  const { ctx, fake } = setup("1");
  await ctx.respond({ poll });
  assert.equal(ctx.state, "answered");
  const [sent] = fake.interactionResponses;
  assert.equal(sent?.body.type, 4);
  assert.deepEqual(sent?.body.data, { poll });
});

Deno.test("after defer(), respond({ poll }) edits the original response with the poll", async () => {
  const { ctx, fake } = setup("2");
  await ctx.defer();
  await ctx.respond({ content: "Vote:", poll });
  const edit = fake.requests.at(-1);
  assert.equal(edit?.method, "PATCH");
  assert.match(edit?.path ?? "", /\/messages\/@original$/);
  assert.deepEqual(edit?.body, { content: "Vote:", poll });
});

Deno.test("followUp({ poll }) sends the poll in the follow-up body", async () => {
  const { ctx, fake } = setup("3");
  await ctx.respond("first");
  await ctx.followUp({ poll });
  const sent = fake.requests.at(-1);
  assert.equal(sent?.method, "POST");
  assert.deepEqual(sent?.body, { poll });
});

Deno.test("a poll with Components v2 (set by the components, by the flag, or on the original) is refused before sending", async () => {
  const { ctx, fake } = setup("4");
  await assert.rejects(
    ctx.respond({ components: [textDisplay("Vote")], poll }),
    refusedV2,
  );
  await assert.rejects(
    ctx.respond({
      components: [row(button({ id: "b", label: "x" }))],
      flags: 1 << 15,
      poll,
    }),
    refusedV2,
  );
  assert.equal(ctx.state, "pending");
  assert.equal(fake.requests.length, 0);
  // The original has Components v2: an edit adding a poll is refused too.
  await ctx.defer();
  await ctx.editOriginal({ components: [textDisplay("Soon")] });
  const sent = fake.requests.length;
  await assert.rejects(ctx.editOriginal({ poll }), refusedV2);
  await assert.rejects(ctx.followUp({ poll, flags: 1 << 15 }), refusedV2);
  assert.equal(fake.requests.length, sent, "a refused reply was sent");
});

Deno.test("a poll of null with Components v2 is read as no poll, not refused", async () => {
  const { ctx, fake } = setup("5");
  // A JavaScript caller, or one building replies from JSON, may send null.
  await ctx.respond({ components: [textDisplay("Hi")], poll: null as never });
  assert.equal(ctx.state, "answered");
  const [sent] = fake.interactionResponses;
  assert.equal(sent?.body.type, 4);
});
