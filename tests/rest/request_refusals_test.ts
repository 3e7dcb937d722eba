// What a REST client's refusals refuse, and when: the invalid-request cap
// as a request is sent (not while it waits: the cap may clear meanwhile),
// the bot token after the first 401 to it (said once, naming that one),
// and a webhook gone for the client's own webhook requests, never for its
// interaction methods.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import {
  InvalidRequestLimitError,
  type RefusableRequest,
  RequestRefusals,
  TokenRejectedError,
  UnknownWebhookError,
} from "../../rest/invalid_requests.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** A request to `method path`, with the bot token unless `botToken` says not. */
function request(
  method: string,
  path: string,
  options: { botToken?: boolean; webhook?: boolean } = {},
): RefusableRequest {
  return {
    method,
    route: parseRoute(method, path),
    logPath: path,
    botToken: options.botToken ?? true,
    webhook: options.webhook ?? true,
  };
}

Deno.test("RequestRefusals: the invalid-request cap refuses a request as it is sent, not while it waits", async () => {
  const clock = new VirtualScheduler();
  const refusals = new RequestRefusals(clock, 1);
  refusals.invalid.record(403);
  const get = request("GET", "/channels/1");
  assert.equal(refusals.check(get, false), undefined);
  await captureStderr(() => {
    assert.ok(refusals.check(get, true) instanceof InvalidRequestLimitError);
  });
});

Deno.test("RequestRefusals: only the first 401 to the bot token rejects it, said once on stderr; refusals name that request", async () => {
  const clock = new VirtualScheduler();
  const refusals = new RequestRefusals(clock, undefined);
  const lines = await captureStderr(() => {
    assert.equal(refusals.rejectToken("GET", "/users/@me"), true);
    assert.equal(refusals.rejectToken("GET", "/guilds/2"), false);
  });
  assert.equal(lines.length, 1);
  const refused = refusals.check(request("GET", "/channels/1"), false);
  assert.ok(refused instanceof TokenRejectedError);
  assert.equal(refused.rejectedBy, "GET /users/@me");
  // Without the bot token (a webhook's own token): still sent.
  const hook = request("POST", "/webhooks/3/tok", { botToken: false });
  assert.equal(refusals.check(hook, true), undefined);
});

Deno.test("RequestRefusals: a webhook gone refuses the client's webhook requests, not its interaction methods on the same path", () => {
  const clock = new VirtualScheduler();
  const refusals = new RequestRefusals(clock, undefined);
  const path = "/webhooks/10/interaction-token";
  refusals.webhooks.record(
    parseRoute("POST", path),
    path,
    new DiscordApiError({
      method: "POST",
      path,
      status: 404,
      body: { code: 10015, message: "Unknown Webhook" },
    }),
  );
  const asWebhook = request("POST", path, { botToken: false });
  assert.ok(refusals.check(asWebhook, false) instanceof UnknownWebhookError);
  const followup = request("POST", path, { botToken: false, webhook: false });
  assert.equal(refusals.check(followup, true), undefined);
});
