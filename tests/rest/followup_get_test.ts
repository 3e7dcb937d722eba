// getFollowupMessage: GET /webhooks/{application}/{interaction token}/
// messages/{message}, sent as its siblings (edit, delete) are: without the
// bot token and outside the bot's global limit, which Discord does not
// apply to interaction endpoints (getWebhookMessage, reaching the same URL,
// counts as a webhook route).
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pathOf } from "../_fakes/rest_calls.ts";

const TOKEN = "bot.T0KEN-secret_value";

function setup(globalLimit?: number): {
  clock: VirtualScheduler;
  fake: FakeRest;
  rest: RestClient;
} {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ token: TOKEN, scheduler: clock });
  const rest = new RestClient({
    token: TOKEN,
    fetch: fake.fetch,
    scheduler: clock,
    ...(globalLimit === undefined ? {} : { globalLimit }),
  });
  return { clock, fake, rest };
}

Deno.test("getFollowupMessage reads a follow-up back, without the bot token", async () => {
  const { fake, rest } = setup();
  const app = fake.applicationId;
  await rest.createInteractionResponse("20", "itoken", { type: 5 });
  const followup = await rest.createFollowupMessage(app, "itoken", {
    content: "and another thing",
  });
  const read = await rest.getFollowupMessage(app, "itoken", followup.id);
  assert.equal(read.id, followup.id);
  assert.equal(read.content, "and another thing");
  const request = fake.requests.at(-1)!;
  assert.deepEqual(
    [request.method, request.path, request.headers["authorization"]],
    ["GET", `/webhooks/${app}/itoken/messages/${followup.id}`, undefined],
  );
  // Its ids are checked as its siblings' are; the token is never echoed.
  await assert.rejects(
    rest.getFollowupMessage(app, "itoken", "not-an-id"),
    TypeError,
  );
  await assert.rejects(
    rest.getFollowupMessage(app, "secret/value", followup.id),
    (error: unknown) =>
      error instanceof TypeError && !error.message.includes("secret"),
  );
});

Deno.test("getFollowupMessage stays out of the global limit, as the other follow-up routes do", async () => {
  const { clock, fake, rest } = setup(1);
  const app = fake.applicationId;
  await rest.createInteractionResponse("20", "itoken", { type: 5 });
  const followup = await rest.createFollowupMessage(app, "itoken", {
    content: "x",
  });
  await clock.advance(5000);
  const start = clock.now();
  const done = Promise.all([
    rest.createMessage("1", { content: "a" }),
    rest.getFollowupMessage(app, "itoken", followup.id),
    rest.getFollowupMessage(app, "itoken", followup.id),
    rest.createMessage("2", { content: "b" }),
  ]);
  await clock.advance(1000);
  await done;
  // Those sent at the same time leave in any order: sorted by time and path.
  assert.deepEqual(
    fake.requests.slice(-4).map((r) => [r.at - start, r.method, r.path])
      .sort((a, b) => `${a}`.localeCompare(`${b}`)),
    [
      [0, "GET", `/webhooks/${app}/itoken/messages/${followup.id}`],
      [0, "GET", `/webhooks/${app}/itoken/messages/${followup.id}`],
      [0, "POST", "/channels/1/messages"],
      [1000, "POST", "/channels/2/messages"],
    ],
  );
});

Deno.test("getFollowupMessage is asked again after a 401: the interaction's token is not a webhook's to stop using", async () => {
  const sent: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: new VirtualScheduler(),
    fetch: (input, init) => {
      sent.push(`${init?.method} ${pathOf(input)}`);
      return Promise.resolve(
        Response.json({ message: "Invalid Webhook Token", code: 50027 }, {
          status: 401,
        }),
      );
    },
  });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      rest.getFollowupMessage("10", "interaction-token", "20"),
      DiscordApiError,
    );
  }
  assert.equal(sent.length, 2);
});
