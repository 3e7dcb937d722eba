// A REST body of over a million arrays (nested here) is refused before
// JSON.parse builds it (28 times its text, and seconds with the event loop
// blocked), as a gateway frame is: a typed RestError naming the bound.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { DiscordApiError, RestError } from "../../rest/errors.ts";
import { MAX_JSON_OPENERS } from "../../base/json_bounds.ts";

Deno.test("RestClient refuses a success body of more arrays than the bound, with a RestError naming it", async () => {
  const depth = MAX_JSON_OPENERS;
  const body = `{"id":"1","x":${"[".repeat(depth)}${"]".repeat(depth)}}`;
  const rest = new RestClient({
    token: "t",
    fetch: () =>
      Promise.resolve(
        new Response(body, {
          status: 200,
          headers: { "content-type": "application/json" },
        }),
      ),
  });
  await assert.rejects(() => rest.getGateway(), (error: unknown) => {
    assert.ok(error instanceof RestError, String(error));
    assert.match(
      error.message,
      new RegExp(`more than ${MAX_JSON_OPENERS} arrays and objects`),
    );
    return true;
  });
});

Deno.test("RestClient reads an error body past the bound as no body: a DiscordApiError with its status", async () => {
  const depth = MAX_JSON_OPENERS;
  const body = `{"code":50035,"errors":${"[".repeat(depth)}${
    "]".repeat(depth)
  }}`;
  const rest = new RestClient({
    token: "t",
    fetch: () =>
      Promise.resolve(
        new Response(body, {
          status: 400,
          headers: { "content-type": "application/json" },
        }),
      ),
  });
  await assert.rejects(() => rest.getGateway(), (error: unknown) => {
    assert.ok(error instanceof DiscordApiError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, 0, "no body read, so no code");
    return true;
  });
});
