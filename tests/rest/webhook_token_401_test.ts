// A webhook token Discord answered 401 (50027 Invalid Webhook Token) is not
// used again: each further call was one more invalid request, and at the
// invalid-request cap the guard refused every request of the bot, unrelated
// ones too. Discord's docs: avoid 401s "by stopping further requests after a
// token becomes invalid".
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import {
  MAX_UNKNOWN_WEBHOOKS,
  UnknownWebhookError,
  UnknownWebhooks,
} from "../../rest/invalid_requests.ts";
import { parseRoute } from "../../rest/routes.ts";
import { executeWebhook } from "../../rest/api/webhooks.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pathOf } from "../_fakes/rest_calls.ts";

/** Discord's answer to a webhook token that is not (or no longer) valid. */
function invalidWebhookToken(): Response {
  return Response.json({ message: "Invalid Webhook Token", code: 50027 }, {
    status: 401,
  });
}

Deno.test("RestClient does not use a webhook token again after Discord answered 401 to it; another token of the webhook and other routes still go out", async () => {
  const sent: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: new VirtualScheduler(),
    invalidRequestLimit: 50,
    fetch: (input, init) => {
      const path = pathOf(input);
      sent.push(`${init?.method} ${path}`);
      return Promise.resolve(
        path.startsWith("/webhooks/10/stale-token")
          ? invalidWebhookToken()
          : Response.json({ id: "9", channel_id: "1" }),
      );
    },
  });
  const first = await executeWebhook(rest, "10", "stale-token", {
    content: "a",
  }).then(() => undefined, (e) => e);
  assert.ok(first instanceof DiscordApiError);
  assert.equal(first.status, 401);
  for (let i = 0; i < 60; i++) {
    const refused = await executeWebhook(rest, "10", "stale-token", {
      content: `b${i}`,
    }).then(() => undefined, (e) => e);
    assert.ok(refused instanceof UnknownWebhookError, String(refused));
    assert.equal(refused.webhookId, "10");
    assert.equal(refused.status, 401);
    assert.equal(refused.rejectedBy, "POST /webhooks/10/:token");
    assert.match(
      refused.message,
      /refused: Discord answered 401 to webhook 10's token on POST \/webhooks\/10\/:token/,
    );
    assert.ok(!refused.message.includes("404"));
    assert.ok(!refused.message.includes("stale-token"));
  }
  // Another token of the same webhook (a new one after a reset) goes out,
  // and so does the bot's unrelated request.
  await executeWebhook(rest, "10", "fresh-token", { content: "c" });
  await rest.createMessage("1", { content: "d" });
  assert.deepEqual(sent, [
    "POST /webhooks/10/stale-token",
    "POST /webhooks/10/fresh-token",
    "POST /channels/1/messages",
  ]);
});

Deno.test("RestClient keeps sending an interaction's follow-ups after one answered 401 (the interaction's token is not a webhook's)", async () => {
  const sent: string[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: new VirtualScheduler(),
    fetch: (input, init) => {
      sent.push(`${init?.method} ${pathOf(input)}`);
      return Promise.resolve(invalidWebhookToken());
    },
  });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      rest.createFollowupMessage("10", "interaction-token", { content: "a" }),
      DiscordApiError,
    );
  }
  assert.equal(sent.length, 2);
});

Deno.test("UnknownWebhookError says 404 unless given the 401 that refused the webhook's token", () => {
  const gone = new UnknownWebhookError(
    "POST",
    "/webhooks/1/:token",
    "1",
    "POST /webhooks/1/:token",
  );
  assert.equal(gone.status, 404);
  assert.match(gone.message, /answered 404 to webhook 1 on /);
  const refused = new UnknownWebhookError(
    "POST",
    "/webhooks/1/:token",
    "1",
    "POST /webhooks/1/:token",
    401,
  );
  assert.equal(refused.name, "UnknownWebhookError");
  assert.equal(refused.status, 401);
  assert.match(refused.message, /answered 401 to webhook 1's token on /);
});

Deno.test("UnknownWebhooks: webhook tokens answered 401 (expired interaction tokens sent through a webhook route) do not push out the webhooks that answered 404", () => {
  const known = new UnknownWebhooks();
  const record = (status: 401 | 404, id: number, token: string) => {
    const path = `/webhooks/${id}/${token}`;
    const code = status === 401 ? 50027 : 10015;
    known.record(
      parseRoute("POST", path),
      `/webhooks/${id}/:token`,
      new DiscordApiError({ method: "POST", path, status, body: { code } }),
    );
  };
  record(404, 10, "deleted");
  for (let i = 0; i <= MAX_UNKNOWN_WEBHOOKS; i++) {
    record(401, 20, `expired-${i}`);
  }
  const refusal = known.check(
    "POST",
    parseRoute("POST", "/webhooks/10/deleted"),
    "/webhooks/10/:token",
  );
  assert.equal(refusal?.status, 404, "the deleted webhook is still known");
  assert.equal(
    known.check(
      "POST",
      parseRoute("POST", "/webhooks/20/expired-0"),
      "/webhooks/20/:token",
    ),
    undefined,
    "the oldest refused token is forgotten",
  );
  assert.equal(
    known.check(
      "POST",
      parseRoute("POST", `/webhooks/20/expired-${MAX_UNKNOWN_WEBHOOKS}`),
      "/webhooks/20/:token",
    )?.status,
    401,
  );
});
