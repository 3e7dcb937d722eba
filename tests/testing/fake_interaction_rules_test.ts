import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import {
  ANSWER_DEADLINE,
  INTERACTION_TOKEN_LIFETIME,
} from "../../interactions/mod.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

function setup(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

Deno.test("FakeRest: the callback type must suit the interaction type, as on Discord", async () => {
  const { fake, rest } = setup();
  fake.addInteraction({ id: "1", token: "auto", type: 4 });
  const wrong = await rest.createInteractionResponse("1", "auto", {
    type: 4,
    data: { content: "not choices" },
  }).catch((e) => e);
  assert.ok(wrong instanceof DiscordApiError);
  assert.match(
    JSON.stringify(wrong.errors),
    /INTERACTION_RESPONSE_TYPE_INVALID/,
  );
  await rest.createInteractionResponse("1", "auto", {
    type: 8,
    data: { choices: [{ name: "a", value: "a" }] },
  });

  fake.addInteraction({ id: "2", token: "cmd", type: 2 });
  const update = await rest.createInteractionResponse("2", "cmd", {
    type: 7,
    data: {},
  })
    .catch((e) => e);
  assert.equal(update.status, 400);

  fake.addInteraction({ id: "3", token: "modal", type: 5 });
  const modalAgain = await rest.createInteractionResponse("3", "modal", {
    type: 9,
    data: {
      custom_id: "m",
      title: "t",
      components: [{ type: 10, content: "x" }],
    },
  }).catch((e) => e);
  assert.equal(modalAgain.status, 400);

  fake.addInteraction({ id: "4", token: "c2", type: 2 });
  const emptyModal = await rest.createInteractionResponse("4", "c2", {
    type: 9,
    data: { custom_id: "m", title: "t", components: [] },
  }).catch((e) => e);
  assert.deepEqual(emptyModal.errors, {
    data: {
      components: {
        _errors: [{
          code: "BASE_TYPE_BAD_LENGTH",
          message: "Must be between 1 and 5 in length.",
        }],
      },
    },
  });
  const tooMany = await rest.createInteractionResponse("1", "auto", {
    type: 8,
    data: { choices: [] },
  }).catch((e) => e);
  assert.equal(tooMany.code, 40060, "a second answer is refused");
});

Deno.test("FakeRest: an initial response 3 s or more after the interaction is 404 Unknown interaction", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock });
  const rest = new RestClient({
    token: "fake-bot-token",
    fetch: fake.fetch,
    scheduler: clock,
  });
  fake.addInteraction({ id: "1", token: "in-time", type: 2 });
  fake.addInteraction({ id: "2", token: "late", type: 2 });
  await clock.advance(2_999);
  await rest.createInteractionResponse("1", "in-time", { type: 5 });
  await clock.advance(1);
  const late = await rest.createInteractionResponse("2", "late", {
    type: 4,
    data: { content: "too late" },
  }).catch((e) => e);
  assert.ok(late instanceof DiscordApiError);
  assert.equal(late.status, 404);
  assert.equal(late.code, 10062);
  assert.equal(late.apiMessage, "Unknown interaction");
  // Refused: not recorded, no message, and no webhook to follow up on.
  assert.deepEqual(fake.interactionResponses.map((r) => r.interactionId), [
    "1",
  ]);
  const followUp = await rest.request(
    "POST",
    `/webhooks/${fake.applicationId}/late`,
    { body: { content: "x" } },
  ).then(() => undefined, (e) => e);
  assert.ok(followUp instanceof DiscordApiError);
  assert.equal(followUp.code, 10015);
  assert.equal(ANSWER_DEADLINE, 3_000);
});

Deno.test("FakeRest: an interaction token serves follow-ups and @original for 15 minutes, then 401 Invalid Webhook Token", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock });
  const rest = new RestClient({
    token: "fake-bot-token",
    fetch: fake.fetch,
    scheduler: clock,
  });
  const webhook = `/webhooks/${fake.applicationId}/tok`;
  fake.addInteraction({ id: "1", token: "tok", channelId: "5", type: 2 });
  await rest.createInteractionResponse("1", "tok", { type: 5 });
  await clock.advance(INTERACTION_TOKEN_LIFETIME - 1);
  // The deferred reply answered first: a follow-up right after it would
  // edit its loading message, as on Discord, instead of adding one.
  await rest.request("PATCH", `${webhook}/messages/@original`, {
    body: { content: "done" },
  });
  const followUp = await rest.request<{ id: string }>("POST", webhook, {
    body: { content: "just in time" },
  });
  await clock.advance(1);
  const expired = async (
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
  ) => {
    // A client of its own for each: a RestClient sends nothing more with a
    // webhook token once answered 401 (Discord asks clients to stop), and
    // what is checked here is the fake's answer on every route.
    const client = new RestClient({
      token: "fake-bot-token",
      fetch: fake.fetch,
      scheduler: clock,
    });
    const error = await client.request(method, path, {
      body: method === "POST" || method === "PATCH"
        ? { content: "after 15 min" }
        : undefined,
    }).then(() => undefined, (e) => e);
    assert.ok(error instanceof DiscordApiError, `${method} ${path}`);
    assert.deepEqual([error.status, error.code, error.apiMessage], [
      401,
      50027,
      "Invalid Webhook Token",
    ], `${method} ${path}`);
  };
  await expired("POST", webhook);
  await expired("GET", `${webhook}/messages/@original`);
  await expired("PATCH", `${webhook}/messages/@original`);
  await expired("PATCH", `${webhook}/messages/${followUp.id}`);
  await expired("DELETE", `${webhook}/messages/${followUp.id}`);
  // The messages themselves stay; only the token is gone.
  assert.equal(fake.messages("5").length, 2);
  assert.equal(INTERACTION_TOKEN_LIFETIME, 15 * 60_000);
});
