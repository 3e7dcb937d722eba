// What a RestClient's rate limiter tells the operator (`_client_limiter.ts`)
// and what its `globalLimit` option does: a global 429 is a warning naming
// its scope and how long every request under it waits; a learned bucket is
// a debug line; each event once, at its own level. Time is the virtual
// scheduler's.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** A global 429 asking for `seconds`, as Discord sends it. */
function global429(seconds: number): Response {
  return Response.json(
    { message: "slow down", retry_after: seconds, global: true },
    {
      status: 429,
      headers: { "x-ratelimit-global": "true", "x-ratelimit-scope": "global" },
    },
  );
}

/** A record's level and message, its properties filled in. */
function lineOf(record: LogRecord): string {
  return `${record.level} ${record.message.map(String).join("")}`;
}

Deno.test("RestClient logs a global 429 as a warning naming its scope and the wait, and a learned bucket at debug level", async () => {
  const clock = new VirtualScheduler();
  const answers = [
    global429(1.5),
    Response.json({ id: "1" }, {
      headers: {
        "x-ratelimit-bucket": "abcd",
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "4",
        "x-ratelimit-reset-after": "1",
      },
    }),
    global429(2.25),
  ];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    maxRetries: 0,
    fetch: () => Promise.resolve(answers.shift()!),
  });
  await withLogRecords(async (records) => {
    await assert.rejects(rest.request("GET", "/users/@me"), RateLimitError);
    assert.equal(rest.rateLimiter.globalPausedUntil, 1500);
    await clock.advance(1500);
    assert.deepEqual(await rest.request("GET", "/channels/7"), { id: "1" });
    // A webhook's global 429 is the IP's.
    await assert.rejects(
      rest.request("POST", "/webhooks/3/tok", { body: {}, auth: false }),
      RateLimitError,
    );
    assert.equal(rest.rateLimiter.ipGlobalPausedUntil, 1500 + 2250);
    // The limiter's records, not the client's line per request.
    const limiter = records.filter((r) => !/ -> \d+$/.test(lineOf(r)));
    assert.deepEqual(limiter.map(lineOf), [
      "warning Global rate limit (bot) hit: every request under it waits 1500 ms",
      "debug Route GET /channels/7 uses bucket abcd",
      "warning Global rate limit (ip) hit: every request under it waits 2250 ms",
    ]);
    assert.deepEqual(limiter[0]!.category, ["disruption", "rest"]);
    assert.deepEqual(limiter[0]!.properties, { scope: "bot", ms: 1500 });
    assert.deepEqual(limiter[1]!.properties, {
      route: "GET /channels/7",
      bucket: "abcd",
    });
  }, "debug");
});

Deno.test("RestClient's globalLimit option is its limiter's: no more than that many requests with the bot token in any second", async () => {
  const clock = new VirtualScheduler();
  const sent: number[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    globalLimit: 3,
    fetch: () => {
      sent.push(clock.now());
      return Promise.resolve(Response.json({ id: "1" }));
    },
  });
  const calls = Array.from(
    { length: 7 },
    (_, i) => rest.request("GET", `/channels/${i + 1}`),
  );
  await clock.advance(2000);
  await Promise.all(calls);
  assert.deepEqual(sent, [0, 0, 0, 1000, 1000, 1000, 2000]);
});

Deno.test("RestClient without a globalLimit allows Discord's 50 requests with the bot token in a second, not more", async () => {
  const clock = new VirtualScheduler();
  const sent: number[] = [];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: () => {
      sent.push(clock.now());
      return Promise.resolve(Response.json({ id: "1" }));
    },
  });
  const calls = Array.from(
    { length: 51 },
    (_, i) => rest.request("GET", `/channels/${i + 1}`),
  );
  await clock.advance(1000);
  await Promise.all(calls);
  assert.equal(sent.filter((t) => t === 0).length, 50);
  assert.deepEqual(sent.slice(50), [1000]);
});

Deno.test("RestClient logs a route's bucket when it learns it and when it changes, not for every answer naming it", async () => {
  const clock = new VirtualScheduler();
  // Discord names the bucket in every answer; the hash changes rarely.
  const hashes = ["abcd", "abcd", "abcd", "efgh", "efgh"];
  const rest = new RestClient({
    token: "bot.token.x",
    scheduler: clock,
    fetch: () =>
      Promise.resolve(Response.json({ id: "1" }, {
        headers: {
          "x-ratelimit-bucket": hashes.shift()!,
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "4",
          "x-ratelimit-reset-after": "1",
        },
      })),
  });
  await withLogRecords(async (records) => {
    for (let i = 0; i < 5; i++) await rest.request("GET", "/channels/7");
    const learned = records.map(lineOf).filter((line) =>
      line.includes("uses bucket")
    );
    assert.deepEqual(learned, [
      "debug Route GET /channels/7 uses bucket abcd",
      "debug Route GET /channels/7 uses bucket efgh",
    ]);
  }, "debug");
});
