import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

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
