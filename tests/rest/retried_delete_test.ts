// A DELETE whose first attempt was applied but got no answer in time (or a
// 5xx) is retried, and the retry is answered 404: the thing is gone, most
// likely deleted by that first attempt. Still an error (the client cannot
// know), but it says so: a plain "404 Unknown Message" read as a delete
// that did nothing. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { DiscordApiError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const TOKEN = "bot.T0KEN-secret_value";

/**
 * A fake Discord holding message 2 of channel 1: a DELETE removes it and,
 * the first time, answers as `first` says (late, past the client's
 * timeout, or 500); a DELETE of a message not there is answered 404.
 */
function discord(
  clock: VirtualScheduler,
  first: "late" | "500" | "204",
): { fetch: typeof globalThis.fetch; attempts: () => number } {
  const messages = new Set(["2"]);
  let attempts = 0;
  const fetch: typeof globalThis.fetch = (input) => {
    attempts++;
    const id = new URL(String(input)).pathname.split("/").pop()!;
    if (!messages.has(id)) {
      return Promise.resolve(
        Response.json({ message: "Unknown Message", code: 10008 }, {
          status: 404,
        }),
      );
    }
    messages.delete(id);
    if (attempts === 1 && first === "late") {
      // Applied; the answer comes after the client gave up on it.
      return new Promise((resolve) =>
        clock.setTimeout(
          () => resolve(new Response(null, { status: 204 })),
          5000,
        )
      );
    }
    if (attempts === 1 && first === "500") {
      return Promise.resolve(
        Response.json({ message: "Internal Server Error" }, { status: 500 }),
      );
    }
    return Promise.resolve(new Response(null, { status: 204 }));
  };
  return { fetch, attempts: () => attempts };
}

Deno.test("RestClient: a retried DELETE answered 404 says an earlier attempt may have done it", async (t) => {
  const rows = [
    ["no answer in time", "late", /an earlier attempt got no answer/],
    ["a 5xx", "500", /an earlier attempt was answered with a server error/],
  ] as const;
  for (const [name, first, note] of rows) {
    await t.step(name, async () => {
      const clock = new VirtualScheduler();
      const fake = discord(clock, first);
      const rest = new RestClient({
        token: TOKEN,
        fetch: fake.fetch,
        scheduler: clock,
        timeout: 1000,
        serverErrorBackoff: 10,
        random: () => 0.5,
      });
      const deleted = rest.deleteMessage("1", "2").catch((error) => error);
      await clock.advance(6000);
      const error = await deleted;
      assert.ok(error instanceof DiscordApiError, String(error));
      assert.equal(error.status, 404);
      assert.equal(error.code, 10008);
      assert.equal(error.mayHaveApplied, true);
      assert.match(error.message, /^DELETE \/channels\/1\/messages\/2 failed/);
      assert.match(error.message, note);
      assert.match(error.message, /it may have done the delete itself/);
      assert.equal(fake.attempts(), 2);
    });
  }
});

Deno.test("RestClient: a DELETE answered 404 at its first attempt is a plain 404", async () => {
  const clock = new VirtualScheduler();
  const fake = discord(clock, "204");
  const rest = new RestClient({
    token: TOKEN,
    fetch: fake.fetch,
    scheduler: clock,
  });
  await rest.deleteMessage("1", "2");
  const error = await rest.deleteMessage("1", "2").catch((error) => error);
  assert.ok(error instanceof DiscordApiError, String(error));
  assert.equal(error.mayHaveApplied, false);
  assert.equal(
    error.message,
    "DELETE /channels/1/messages/2 failed with 404: Unknown Message (code 10008)",
  );
});
