// A 429 whose headers say its bucket still has requests left is a sublimit
// of that request alone (Discord's channel rename: 2 per 10 minutes, not in
// the headers): only it waits or fails; the bucket's other requests go on
// under what the headers say. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { RateLimitError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pathOf } from "../_fakes/rest_calls.ts";

const TOKEN = "bot.T0KEN-secret_value";

/**
 * Discord as it limits a channel: `PATCH /channels/{id}` and its permission
 * overwrites share the bucket `chan` (10 per 10 s), and a rename past the
 * second is answered 429 for `renameWait` seconds from the first such 429,
 * while the headers say what the bucket has left. Returns the fetch and
 * what it answered.
 */
function channelDiscord(
  clock: VirtualScheduler,
  renameWait: number,
): { fetch: typeof globalThis.fetch; answered: string[] } {
  let used = 0;
  let renames = 0;
  let renamesAt = Infinity;
  const answered: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const path = pathOf(input as string);
    const body = JSON.parse(String(init?.body ?? "{}"));
    used++;
    const headers = {
      "x-ratelimit-bucket": "chan",
      "x-ratelimit-limit": "10",
      "x-ratelimit-remaining": String(10 - used),
      "x-ratelimit-reset-after": "10",
    };
    const what = `${clock.now()} ${init?.method} ${path}`;
    if (
      body.name !== undefined && ++renames > 2 && clock.now() < renamesAt
    ) {
      if (renamesAt === Infinity) renamesAt = clock.now() + renameWait * 1000;
      answered.push(`${what} 429`);
      return Response.json(
        { message: "You are being rate limited.", retry_after: renameWait },
        { status: 429, headers: { ...headers, "x-ratelimit-scope": "user" } },
      );
    }
    answered.push(`${what} 200`);
    return await Promise.resolve(Response.json({}, { headers }));
  };
  return { fetch, answered };
}

Deno.test("RestClient: a 429 whose headers say the bucket has requests left fails that request only; the bucket's others are sent", async () => {
  const clock = new VirtualScheduler();
  const { fetch, answered } = channelDiscord(clock, 312.5);
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  for (const name of ["a", "b"]) {
    await rest.request("PATCH", "/channels/1", { body: { name } });
  }
  const third = await rest.request("PATCH", "/channels/1", {
    body: { name: "c" },
  }).catch((e) => e);
  assert.ok(third instanceof RateLimitError, String(third));
  assert.equal(third.retryAfter, 312_500);
  // The bucket keeps what the headers of the 429 said: 7 left.
  const state = rest.rateLimiter.bucketState(
    parseRoute("PATCH", "/channels/1"),
  );
  assert.equal(state?.remaining, 7);
  assert.equal(state?.resetAt, 10_000);
  // Its other requests are sent, not refused for the rename's 5 minutes.
  await rest.request("PATCH", "/channels/1", {
    body: { rate_limit_per_user: 5 },
  });
  await rest.request("PUT", "/channels/1/permissions/7", {
    body: { type: 0 },
  });
  assert.deepEqual(answered, [
    "0 PATCH /channels/1 200",
    "0 PATCH /channels/1 200",
    "0 PATCH /channels/1 429",
    "0 PATCH /channels/1 200",
    "0 PUT /channels/1/permissions/7 200",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: a sublimit's 429 within maxRateLimitWait holds that request for its retry_after, and the bucket's window stays as the headers say", async () => {
  const clock = new VirtualScheduler();
  const { fetch, answered } = channelDiscord(clock, 2);
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  for (const name of ["a", "b"]) {
    await rest.request("PATCH", "/channels/1", { body: { name } });
  }
  const third = rest.request("PATCH", "/channels/1", { body: { name: "c" } });
  await clock.flushMicrotasks();
  const state = rest.rateLimiter.bucketState(
    parseRoute("PATCH", "/channels/1"),
  );
  assert.equal(state?.remaining, 7);
  assert.equal(state?.resetAt, 10_000);
  await clock.advance(2000);
  await third;
  assert.deepEqual(answered.slice(2), [
    "0 PATCH /channels/1 429",
    "2000 PATCH /channels/1 200",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: while a sublimit's 429 holds its request for its retry_after, the bucket's other routes are sent; the channel's edits wait behind it, in order", async () => {
  const clock = new VirtualScheduler();
  const { fetch, answered } = channelDiscord(clock, 8);
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  // The overwrites' route learns it shares the bucket `chan`.
  await rest.request("PUT", "/channels/1/permissions/2", {
    body: { type: 0 },
  });
  for (const name of ["a", "b"]) {
    await rest.request("PATCH", "/channels/1", { body: { name } });
  }
  const rename = rest.request("PATCH", "/channels/1", { body: { name: "c" } });
  await clock.flushMicrotasks();
  // Queued after the rename, while it waits its 8 s: the headers said 6
  // of 10 left, and the overwrite (another lane) goes now. The topic edit,
  // on the rename's lane, waits behind it: sent before, it was undone by
  // the retry's older body when that one came.
  const overwrite = rest.request("PUT", "/channels/1/permissions/3", {
    body: { type: 0 },
  });
  const topic = rest.request("PATCH", "/channels/1", { body: { topic: "x" } });
  await clock.advance(100);
  assert.deepEqual(answered.slice(3), [
    "0 PATCH /channels/1 429",
    "0 PUT /channels/1/permissions/3 200",
  ]);
  await overwrite;
  await clock.advance(7900);
  await Promise.all([rename, topic]);
  assert.deepEqual(answered.slice(5), [
    "8000 PATCH /channels/1 200",
    "8000 PATCH /channels/1 200",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("RestClient: an edit made after a rename's sublimit 429 is applied after the rename's retry, not undone by it", async () => {
  const clock = new VirtualScheduler();
  const channel: Record<string, unknown> = {};
  const { fetch: discord } = channelDiscord(clock, 3);
  const bodies: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const answer = await discord(input, init);
    bodies.push(`${clock.now()} ${init?.body} ${answer.status}`);
    if (answer.ok) Object.assign(channel, JSON.parse(String(init?.body)));
    return answer;
  };
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  for (const name of ["a", "b"]) {
    await rest.request("PATCH", "/channels/1", { body: { name } });
  }
  const old = rest.request("PATCH", "/channels/1", {
    body: { name: "c", topic: "old" },
  });
  await clock.advance(100); // its 429 came back; the app edits the topic
  const edit = rest.request("PATCH", "/channels/1", { body: { topic: "new" } });
  await clock.advance(5000);
  await Promise.all([old, edit]);
  assert.deepEqual(bodies.slice(2), [
    '0 {"name":"c","topic":"old"} 429',
    '3000 {"name":"c","topic":"old"} 200',
    '3000 {"topic":"new"} 200',
  ]);
  assert.equal(channel.topic, "new");
});

Deno.test("RestClient: renames queued behind a sublimit's 429 wait for its retry instead of each being sent into the sublimit (one 429, not five)", async () => {
  const clock = new VirtualScheduler();
  const { fetch, answered } = channelDiscord(clock, 3);
  const rest = new RestClient({ token: TOKEN, fetch, scheduler: clock });
  for (const name of ["a", "b"]) {
    await rest.request("PATCH", "/channels/1", { body: { name } });
  }
  const first = rest.request("PATCH", "/channels/1", { body: { name: "c" } });
  await clock.advance(100);
  const renames = [
    first,
    ...["d", "e", "f", "g"].map((name) =>
      rest.request("PATCH", "/channels/1", { body: { name } })
    ),
  ];
  await clock.advance(5000);
  // Each 429 of the user scope counts toward the invalid-request cap.
  assert.equal(answered.filter((line) => line.endsWith(" 429")).length, 1);
  await Promise.all(renames);
  assert.deepEqual(
    answered.slice(3),
    Array(5).fill("3000 PATCH /channels/1 200"),
  );
  assert.equal(clock.pending, 0);
});
