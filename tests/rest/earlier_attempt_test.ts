// A request retried after a 5xx and then failing says an earlier attempt
// may have been applied only when it could have been: a GET applies
// nothing, so its error carries no such note and `mayHaveApplied` is
// false. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { HttpMethod } from "../../rest/routes.ts";

/** Fail `method` on `/channels/1` with a 500 after every retry. */
async function failing(method: HttpMethod): Promise<DiscordApiError> {
  const clock = new VirtualScheduler();
  let attempts = 0;
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    serverErrorBackoff: 10,
    random: () => 0.5,
    fetch: () => {
      attempts++;
      return Promise.resolve(
        Response.json({ message: "Internal Server Error" }, { status: 500 }),
      );
    },
  });
  const call = rest.request(method, "/channels/1", {
    ...(method === "GET" ? {} : { body: { name: "x" } }),
  }).catch((error) => error);
  await clock.advance(10_000);
  const error = await call;
  assert.ok(attempts > 1, "retried");
  assert.ok(error instanceof DiscordApiError, String(error));
  return error;
}

Deno.test("RestClient: a GET retried after a 5xx and failing says nothing of an earlier attempt being applied", async () => {
  const error = await failing("GET");
  assert.equal(error.status, 500);
  assert.equal(error.mayHaveApplied, false);
  assert.equal(
    error.message,
    "GET /channels/1 failed with 500: Internal Server Error (no code)",
  );
});

Deno.test("RestClient: a PATCH retried after a 5xx and failing says its earlier attempt may have been applied", async () => {
  const error = await failing("PATCH");
  assert.equal(error.mayHaveApplied, true);
  assert.match(
    error.message,
    /; an earlier attempt was answered with a server error \(5xx\) and was retried: it may have been applied$/,
  );
});
