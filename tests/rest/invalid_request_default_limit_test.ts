// Discord bans an IP from the API (Cloudflare) at 10,000 invalid requests
// (401, 403, 429 but shared ones) in 10 minutes; the guard's default cap is
// 9,000, a margin of 1,000 for other processes on the same IP and for
// answers in flight (README, "Invalid requests"). Mutation testing found
// that a default of 10,000 went unnoticed: these count the default exactly.
// Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { DiscordApiError } from "../../rest/errors.ts";
import {
  InvalidRequestGuard,
  InvalidRequestLimitError,
} from "../../rest/invalid_requests.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** The default cap the README documents. */
const DEFAULT_LIMIT = 9000;
/** Discord's window for invalid requests. */
const WINDOW_MS = 600_000;

Deno.test("InvalidRequestGuard with default options lets exactly 9,000 invalid requests through in 10 minutes", async () => {
  const clock = new VirtualScheduler();
  const guard = new InvalidRequestGuard({ scheduler: clock });
  let letThrough = 0;
  // One every 60 ms: all 9,000 within 540 s, inside one window.
  while (letThrough < 10_001) {
    if (guard.reserve("GET", "/users/@me") !== undefined) break;
    letThrough++;
    guard.settle(401);
    await clock.advance(60);
  }
  assert.equal(letThrough, DEFAULT_LIMIT);
  assert.equal(guard.count, DEFAULT_LIMIT);
  const refused = guard.check("GET", "/users/@me");
  assert.ok(refused instanceof InvalidRequestLimitError);
  assert.equal(refused.count, DEFAULT_LIMIT);
  // The first answer leaves the window 10 minutes after it came.
  assert.equal(refused.retryAfter, WINDOW_MS - DEFAULT_LIMIT * 60);
  await clock.advance(refused.retryAfter);
  assert.equal(guard.check("GET", "/users/@me"), undefined);
});

Deno.test("RestClient with default options sends exactly 9,000 requests answered 401, then refuses with InvalidRequestLimitError", async () => {
  const clock = new VirtualScheduler();
  let sent = 0;
  // Every user token is expired: 401 to each (the bot token is not sent, so
  // the client keeps using it and only the invalid-request cap stops it).
  const fetch: typeof globalThis.fetch = () => {
    sent++;
    return Promise.resolve(
      Response.json({ message: "401: Unauthorized", code: 0 }, {
        status: 401,
      }),
    );
  };
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record: LogRecord) => records.push(record) },
    loggers: [
      { category: ["disruption"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: [] },
    ],
  });
  const rest = new RestClient({ token: "good", fetch, scheduler: clock });
  const asUser = {
    auth: false,
    headers: { Authorization: "Bearer expired-user-token" },
  };
  let refused: unknown;
  try {
    for (let i = 0; i < 10_001 && refused === undefined; i++) {
      // A success settles as undefined, failing the 401 check below.
      const request = rest.request("GET", "/users/@me/guilds", asUser).then(
        () => undefined,
        (error: unknown) => error,
      );
      let error: unknown;
      let settled = false;
      request.then((value) => {
        error = value;
        settled = true;
      });
      // 60 ms a request: 9,000 in 540 s, inside one window.
      await clock.advance(60);
      while (!settled) await clock.advance(60);
      if (error instanceof InvalidRequestLimitError) refused = error;
      else assert.ok(error instanceof DiscordApiError && error.status === 401);
    }
  } finally {
    await reset();
  }
  assert.ok(refused instanceof InvalidRequestLimitError, String(refused));
  assert.equal(sent, DEFAULT_LIMIT, "the refused request was not sent");
  assert.equal(refused.count, DEFAULT_LIMIT);
  // The cap is reported once, as an error naming Discord's ban.
  const reports = records.filter((record) => record.level === "error");
  assert.equal(reports.length, 1);
  assert.match(String(reports[0]!.message), /bans the IP at 10,000/);
});
