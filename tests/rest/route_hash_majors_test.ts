// A bucket hash learned on one channel holds for every channel: Discord's
// hash names a limit shared by similar routes, and the major parameter
// splits it. Learned per channel, each new channel sent its POST and PATCH
// messages as two buckets and overran the shared one once. Time is the
// virtual scheduler's.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute, routeHashKey } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/**
 * One channel's bucket `shared` on the server: 1 request per 1000 ms from
 * the first, answered at once; one sent past it fails as overran.
 */
function channelBucket(
  clock: VirtualScheduler,
  sent: [number, string][],
): (name: string) => () => Promise<AttemptResult<string>> {
  let windowEnd = -Infinity;
  return (name: string) => (): Promise<AttemptResult<string>> => {
    const now = clock.now();
    sent.push([now, name]);
    if (now < windowEnd) {
      return Promise.resolve({
        type: "failure",
        error: new Error(`${name} overran`),
      });
    }
    windowEnd = now + 1000;
    return Promise.resolve({
      type: "success",
      value: name,
      rateLimit: { bucket: "shared", limit: 1, remaining: 0, resetAfter: 1000 },
    });
  };
}

Deno.test("RateLimiter: a hash learned on one channel puts another channel's routes sharing it in one bucket from their first request", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: [number, string][] = [];
  // Channel 1's window has room for both.
  const one = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), name]);
    return Promise.resolve({
      type: "success",
      value: name,
      rateLimit: { bucket: "shared", limit: 5, remaining: 4, resetAfter: 1000 },
    });
  };
  const two = channelBucket(clock, sent);
  const post = (channel: number) =>
    parseRoute("POST", `/channels/${channel}/messages`);
  const patch = (channel: number) =>
    parseRoute("PATCH", `/channels/${channel}/messages/5`);
  // Channel 1 teaches both routes' hash.
  await limiter.schedule(post(1), one("1 post"));
  await limiter.schedule(patch(1), one("1 patch"));
  assert.equal(limiter.bucketHash(post(2).key), "shared");
  assert.equal(limiter.bucketHash(patch(2).key), "shared");
  // Channel 2's first requests share its bucket: one window, one at a time.
  const done = Promise.all([
    limiter.schedule(post(2), two("2 post")),
    limiter.schedule(patch(2), two("2 patch")),
  ]);
  assert.equal(limiter.bucketState(post(2))?.id, "shared:channels/2");
  assert.equal(limiter.bucketState(patch(2))?.id, "shared:channels/2");
  await clock.advance(1000);
  assert.deepEqual(await done, ["2 post", "2 patch"]);
  assert.deepEqual(sent, [
    [0, "1 post"],
    [0, "1 patch"],
    [0, "2 post"],
    [1000, "2 patch"],
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("routeHashKey leaves out the major id of channel, guild and webhook routes alike, so each route learns its hash once", () => {
  for (
    const [method, path, key] of [
      ["POST", "/channels/1/messages", "POST /channels/:major/messages"],
      ["GET", "/guilds/2/members", "GET /guilds/:major/members"],
      ["PATCH", "/guilds/3", "PATCH /guilds/:major"],
      ["POST", "/webhooks/4/tok", "POST /webhooks/:major/:token"],
    ]
  ) {
    assert.equal(routeHashKey(parseRoute(method!, path!).key), key);
  }
});
