/**
 * `script429({ scope: "shared" })` as Discord's docs show a shared
 * resource's limit (developers/topics/rate-limits.mdx, the shared example):
 * the bucket keeps its real remaining count, the message names the
 * resource, and the resource answers shared 429s until `retry_after` passes
 * without costing the bot's bucket anything.
 */
import assert from "node:assert/strict";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const BASE = "https://discord.com/api/v10";
const ROUTE = "POST /channels/9/messages";

function setup(): {
  clock: VirtualScheduler;
  fake: FakeRest;
  post(): Promise<{ status: number; headers: Headers; json: unknown }>;
} {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ scheduler: clock, limit: 5, resetAfter: 10 });
  return {
    clock,
    fake,
    async post(): Promise<{ status: number; headers: Headers; json: unknown }> {
      const response = await fake.fetch(`${BASE}/channels/9/messages`, {
        method: "POST",
        headers: {
          authorization: "Bot fake-bot-token",
          "content-type": "application/json",
        },
        body: JSON.stringify({ content: "a" }),
      });
      return {
        status: response.status,
        headers: response.headers,
        json: await response.json(),
      };
    },
  };
}

Deno.test("FakeRest's shared 429 reports the bucket's real remaining count and names the resource", async () => {
  const { fake, post } = setup();
  assert.equal((await post()).headers.get("x-ratelimit-remaining"), "4");
  fake.script429({ route: ROUTE, retryAfter: 2, scope: "shared" });
  const limited = await post();
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("x-ratelimit-scope"), "shared");
  assert.equal(limited.headers.get("x-ratelimit-remaining"), "4");
  assert.equal(limited.headers.get("x-ratelimit-limit"), "5");
  assert.deepEqual(limited.json, {
    message: "The resource is being rate limited.",
    retry_after: 2,
    global: false,
  });
});

Deno.test("FakeRest keeps a shared resource limited until retry_after passes, then the bucket is as it was", async () => {
  const { clock, post, fake } = setup();
  fake.script429({ route: ROUTE, retryAfter: 2, scope: "shared" });
  assert.equal((await post()).status, 429);
  await clock.advance(500);
  const still = await post();
  assert.equal(still.status, 429);
  assert.equal(still.headers.get("x-ratelimit-scope"), "shared");
  assert.equal((still.json as { retry_after: number }).retry_after, 1.5);
  assert.equal(still.headers.get("x-ratelimit-remaining"), "5");
  await clock.advance(1500);
  const after = await post();
  assert.equal(after.status, 200);
  // Neither 429 took a request from the bucket.
  assert.equal(after.headers.get("x-ratelimit-remaining"), "4");
});

Deno.test("FakeRest: a user-scope 429 still empties the bucket", async () => {
  const { fake, post } = setup();
  fake.script429({ route: ROUTE, retryAfter: 2 });
  const limited = await post();
  assert.equal(limited.headers.get("x-ratelimit-scope"), "user");
  assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
  assert.equal(
    (limited.json as { message: string }).message,
    "You are being rate limited.",
  );
  const next = await post();
  assert.equal(next.status, 429);
  assert.equal(next.headers.get("x-ratelimit-scope"), "user");
});

Deno.test("FakeRest: a shared script's times counts the resource's limits, not the requests they answer", async () => {
  const { clock, post, fake } = setup();
  fake.script429({ route: ROUTE, retryAfter: 1, scope: "shared", times: 2 });
  const statuses: number[] = [];
  for (const wait of [0, 500, 500, 500, 500]) {
    await clock.advance(wait);
    statuses.push((await post()).status);
  }
  // Limited at 0 ms for 1 s, again at 1000 ms (the second time), free at 2 s.
  assert.deepEqual(statuses, [429, 429, 429, 429, 200]);
});
