// What the Client says when start() cannot go on as asked: a GET
// /gateway/bot answered 429 on every attempt was said as "has not
// answered" (the reader looked for a network fault), and a `shards` word
// other than "recommended" was refused as if only integers were taken.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { RateLimitError } from "../../rest/errors.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/**
 * The line start() says at the connect timeout (10 s) when every GET
 * /gateway/bot is answered 429, and how start() ends.
 */
async function rateLimitedStart(
  global: boolean,
  retryAfter: number,
): Promise<{ lines: string[]; error: unknown }> {
  const clock = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler: clock });
  discord.rest.script429({
    route: "GET /gateway/bot",
    times: 100,
    retryAfter,
    global,
  });
  // Without gatewayUrl: start() asks GET /gateway/bot.
  const { gatewayUrl: _, ...options } = discord.clientOptions;
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...options,
  });
  let error: unknown;
  const lines = await captureStderr(async () => {
    const starting = client.start().catch((e) => error = e);
    await clock.advance(20_000);
    await starting;
  });
  await client.stop();
  return { lines, error };
}

// Attempts at 0, 4 and 8 s: at 10 s the next is 2 s away. At 5 s apart the
// third 429's pause ends at 10 s, the very time the line is said: the
// retry is due, not yet sent, and that is no silence either.
for (
  const [global, retryAfter, retryIn] of [
    [false, 4, 2000],
    [true, 4, 2000],
    [false, 5, 0],
  ] as const
) {
  Deno.test(
    `start() says GET /gateway/bot is rate limited, with the time to its next attempt, when ${
      global ? "the global limit" : "its bucket"
    } answers 429 (retry_after ${retryAfter} s) every time`,
    async () => {
      const { lines, error } = await rateLimitedStart(global, retryAfter);
      const waiting = lines.filter((line) =>
        line.includes("start() is waiting")
      );
      assert.equal(waiting.length, 1, lines.join("\n"));
      assert.match(
        waiting[0]!,
        new RegExp(
          `GET /gateway/bot is rate limited \\(10000 ms so far; the REST client's next attempt is in ${retryIn} ms\\)`,
        ),
      );
      assert.doesNotMatch(waiting[0]!, /has not answered/);
      assert.ok(error instanceof RateLimitError, String(error));
    },
  );
}

Deno.test("Client refuses a 'shards' word other than \"recommended\", naming both accepted forms", async (t) => {
  const base = { token: "fake-token", intents: 1 };
  for (const shards of ["auto", "4", 0, 2.5, null]) {
    await t.step(JSON.stringify(shards), () => {
      assert.throws(
        () => new Client({ ...base, shards } as never),
        {
          name: typeof shards === "number" ? "RangeError" : "TypeError",
          message: new RegExp(
            `^Cannot create client as 'shards' must be an integer >= 1 or "recommended" \\(GET /gateway/bot's count\\): current value 'shards=${
              typeof shards === "string" ? `"${shards}"` : String(shards)
            }'$`,
          ),
        },
      );
    });
  }
  await t.step('"recommended" and a count are taken', () => {
    new Client({ ...base, shards: "recommended" });
    new Client({ ...base, shards: 3 });
  });
});
