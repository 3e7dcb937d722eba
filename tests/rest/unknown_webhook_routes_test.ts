// Which answers make the REST client give up on a webhook: a 404 without a
// code only on the webhook's own route (`/webhooks/{id}[/{token}]`, a
// trailing slash too), not below it (a message's) nor on any other route;
// a 401 only on a token route (the webhook's token refused). Nothing else
// may refuse later requests to the same major parameter.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { UnknownWebhooks } from "../../rest/invalid_requests.ts";
import { parseRoute } from "../../rest/routes.ts";

/** Record an answer of `status` without a code to `method path`. */
function recordUncoded(
  known: UnknownWebhooks,
  method: string,
  path: string,
  status: 401 | 404,
): boolean {
  return known.record(
    parseRoute(method, path),
    path,
    new DiscordApiError({ method, path, status, body: { message: "x" } }),
  );
}

/** Whether a request to `method path` is refused. */
function refused(
  known: UnknownWebhooks,
  method: string,
  path: string,
): boolean {
  return known.check(method, parseRoute(method, path), path) !== undefined;
}

Deno.test("UnknownWebhooks: a 404 without a code gives up on the webhook only on its own route, with or without its token", () => {
  const known = new UnknownWebhooks();
  assert.equal(recordUncoded(known, "POST", "/webhooks/1/tok", 404), true);
  assert.ok(refused(known, "POST", "/webhooks/1/tok"));
  assert.equal(recordUncoded(known, "GET", "/webhooks/2/", 404), true);
  assert.ok(refused(known, "GET", "/webhooks/2/"));
  // Below the webhook: the message's 404, not the webhook's.
  assert.equal(
    recordUncoded(known, "GET", "/webhooks/3/tok/messages/5", 404),
    false,
  );
  assert.ok(!refused(known, "GET", "/webhooks/3/tok/messages/6"));
  assert.ok(!refused(known, "POST", "/webhooks/3/tok"));
  // Another route is no webhook at all, whatever its template's length.
  assert.equal(recordUncoded(known, "GET", "/channels/4", 404), false);
  assert.ok(!refused(known, "GET", "/channels/4"));
  assert.equal(known.size, 2);
});

Deno.test("UnknownWebhooks: a 401 gives up on a webhook's token only on a token route, not on the id alone (sent with another token)", () => {
  const known = new UnknownWebhooks();
  assert.equal(recordUncoded(known, "GET", "/webhooks/5", 401), false);
  assert.ok(!refused(known, "GET", "/webhooks/5"));
  assert.equal(recordUncoded(known, "POST", "/webhooks/6/tok", 401), true);
  assert.ok(refused(known, "POST", "/webhooks/6/tok"));
  assert.equal(known.size, 1);
});
