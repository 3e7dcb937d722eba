// What the invalid-request guard counts, and the caps it takes: Discord
// bans an IP at 10,000 answers with status 401, 403 or 429 in 10 minutes,
// 429s with `X-RateLimit-Scope: shared` not counted. Any other answer
// counted brought the guard to refuse every request of the bot for
// nothing. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import {
  INVALID_REQUEST_LIMIT,
  InvalidRequestGuard,
} from "../../rest/invalid_requests.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";

Deno.test("InvalidRequestGuard counts 401, 403 and 429 answers only, a shared-scope 429 not", async () => {
  const clock = new VirtualScheduler();
  const guard = new InvalidRequestGuard({ scheduler: clock, limit: 4 });
  guard.record(403);
  await clock.advance(1000);
  for (const status of [200, 204, 304, 400, 404, 500, 502]) {
    guard.record(status);
  }
  guard.record(429, "shared");
  assert.equal(guard.settle(429, "shared"), false);
  assert.equal(guard.count, 1);
  guard.record(401);
  guard.record(429, "user");
  // Only a 429's scope says it is shared.
  guard.record(403, "shared");
  assert.equal(guard.count, 4);
  assert.ok(guard.check("GET", "/a"));
  // The 403 leaves the window 10 minutes after it came, not later.
  await clock.advance(599_000);
  assert.equal(guard.count, 3);
  assert.equal(guard.check("GET", "/b"), undefined);
});

Deno.test("InvalidRequestGuard takes a limit of 1 to 10,000 (Discord's own), no other", () => {
  const clock = new VirtualScheduler();
  assert.equal(INVALID_REQUEST_LIMIT, 10_000);
  for (const limit of [1, 10_000]) {
    const guard = new InvalidRequestGuard({ scheduler: clock, limit });
    for (let i = 0; i < limit - 1; i++) guard.record(401);
    assert.equal(guard.check("GET", "/a"), undefined);
    guard.record(401);
    assert.equal(guard.check("GET", "/a")?.count, limit);
  }
  for (const limit of [0, 10_001]) {
    assert.throws(
      () => new InvalidRequestGuard({ scheduler: clock, limit }),
      RangeError,
    );
  }
});

Deno.test("InvalidRequestGuard's window slides with each answer: the oldest leaves first, a refusal says when, and one recorded at the cap replaces the oldest", async () => {
  const clock = new VirtualScheduler();
  const guard = new InvalidRequestGuard({ scheduler: clock, limit: 3 });
  for (const at of [0, 100, 200]) {
    await clock.advance(at - clock.now());
    guard.record(403);
  }
  await clock.advance(400);
  assert.equal(guard.check("GET", "/a")?.retryAfter, 600_000 - 600);
  // At 600,000 the first leaves; the next one takes its place.
  await clock.advance(600_000 - clock.now());
  assert.equal(guard.count, 2);
  guard.record(401);
  assert.equal(guard.check("GET", "/b")?.retryAfter, 100);
  await clock.advance(100);
  assert.equal(guard.count, 2);
  await clock.advance(100);
  assert.equal(guard.count, 1, "the one at 200 left, the new one stays");
  // Recorded at the cap (called directly, nothing reserved): the newest is
  // kept, the oldest dropped.
  guard.record(429);
  guard.record(429);
  assert.equal(guard.count, 3);
  await clock.advance(50);
  guard.record(429);
  assert.equal(guard.count, 3);
  await clock.advance(600_000 - 50);
  assert.equal(guard.count, 1, "the one recorded at the cap is left");
  await clock.advance(50);
  assert.equal(guard.count, 0);
});

Deno.test("InvalidRequestGuard reports the cap once when it starts refusing, then once per window, however often it refuses", async () => {
  const clock = new VirtualScheduler();
  const reports: [number, number][] = [];
  const guard = new InvalidRequestGuard({
    scheduler: clock,
    limit: 1,
    onLimit: (count, retryAfter) => reports.push([count, retryAfter]),
  });
  guard.record(403);
  for (let i = 0; i < 5; i++) {
    assert.ok(guard.check("GET", "/a"));
    await clock.advance(1000);
  }
  assert.deepEqual(reports, [[1, 600_000]]);
  await clock.advance(600_000 - clock.now());
  assert.equal(guard.check("GET", "/a"), undefined);
  guard.record(403);
  assert.ok(guard.check("GET", "/a"));
  assert.deepEqual(reports, [[1, 600_000], [1, 600_000]]);
});

Deno.test("InvalidRequestGuard says requests are held by those in flight at most once a minute, however often it holds", async () => {
  await withLogRecords(async (records) => {
    const clock = new VirtualScheduler();
    const guard = new InvalidRequestGuard({ scheduler: clock, limit: 1 });
    assert.equal(guard.reserve("POST", "/a"), undefined);
    const said = (): number =>
      messagesOf(records, /fill the invalid-request cap/);
    for (let i = 0; i < 59; i++) {
      assert.equal(guard.holds(), true);
      await clock.advance(1000);
    }
    assert.equal(said(), 1);
    await clock.advance(1000);
    assert.equal(guard.holds(), true);
    assert.equal(said(), 2, "again a minute later");
  });
});
