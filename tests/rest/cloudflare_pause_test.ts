// The rate limiter's pause after a 429 of Cloudflare's (the IP restricted):
// a later 429 only ever lengthens it, a pause that starts is reported at
// most once a minute (one that is only lengthened is not reported again),
// and the job sent first after it decides whether the restriction is over.
import assert from "node:assert/strict";
import { CloudflarePause } from "../../rest/invalid_requests.ts";
import { CLOUDFLARE_REPORT_INTERVAL } from "../../rest/rate_limit_headers.ts";

Deno.test("CloudflarePause: a later 429 asking for less does not shorten the pause; one asking for more lengthens it without a new report", () => {
  const pause = new CloudflarePause<string>();
  assert.equal(pause.extend(0, 20_000), "report");
  assert.equal(pause.extend(1000, 5000), "same");
  assert.equal(pause.until, 20_000);
  assert.equal(pause.extend(1000, 19_000), "same", "ends at the same time");
  assert.equal(pause.until, 20_000);
  // Still paused past the report interval: lengthened, not a new pause.
  assert.equal(pause.extend(CLOUDFLARE_REPORT_INTERVAL - 1, 50_000), "moved");
  assert.equal(
    pause.extend(CLOUDFLARE_REPORT_INTERVAL + 10_000, 50_000),
    "moved",
  );
  assert.equal(pause.until, CLOUDFLARE_REPORT_INTERVAL + 60_000);
});

Deno.test("CloudflarePause: a pause that starts as the last one ends is reported again once the report interval has passed, not before", () => {
  const pause = new CloudflarePause<string>();
  assert.equal(pause.extend(0, 1000), "report");
  // Starts at the old pause's end, within the interval: not reported.
  assert.equal(pause.extend(1000, 1000), "moved");
  const later = CLOUDFLARE_REPORT_INTERVAL;
  assert.equal(pause.extend(later - 1, 1), "moved", "within the interval");
  // Starts exactly as the last one ends, the interval over: reported.
  assert.equal(pause.extend(later, 1000), "report");
  assert.equal(pause.until, later + 1000);
});

Deno.test("CloudflarePause: only the probe's answer decides, and only one not of Cloudflare's, after the pause, ends the restriction", () => {
  const pause = new CloudflarePause<string>();
  pause.extend(0, 1000);
  assert.equal(pause.probeDue, true);
  pause.probe = "probe";
  // Another job's answer says nothing of the restriction.
  assert.equal(pause.settled("other", 1000, true, false), false);
  assert.equal(pause.probe, "probe");
  assert.equal(pause.probeDue, true);
  // Answered by Cloudflare again: still restricted.
  assert.equal(pause.settled("probe", 1000, true, true), true);
  assert.equal(pause.probe, undefined);
  assert.equal(pause.probeDue, true);
  // Not answered (aborted, timed out): says nothing either.
  pause.probe = "second";
  assert.equal(pause.settled("second", 1000, false, false), true);
  assert.equal(pause.probeDue, true);
  // Answered by Discord, but the pause was lengthened meanwhile.
  pause.extend(1000, 5000);
  pause.probe = "third";
  assert.equal(pause.settled("third", 2000, true, false), true);
  assert.equal(pause.probeDue, true);
  // Answered by Discord after the pause: over.
  pause.probe = "fourth";
  assert.equal(pause.settled("fourth", 6000, true, false), true);
  assert.equal(pause.probeDue, false);
});
