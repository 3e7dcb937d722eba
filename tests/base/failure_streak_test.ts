import assert from "node:assert/strict";
import { FailureStreak } from "../../base/failure_streak.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const CATEGORY = ["disruption", "failure_streak_test"] as const;

Deno.test("FailureStreak shows the first failure and one whose reason differs, not a repeat, then the recovery once", async () => {
  const streak = new FailureStreak(CATEGORY);
  const lines = await captureStderr(() => {
    streak.failed("down", "error", "store down", {});
    streak.failed("down", "error", "store down again", {});
    streak.failed("slow", "warn", "store slow", {});
    streak.worked("store back");
    streak.worked("store still back");
  });
  assert.deepEqual(lines, [
    "[ERR] disruption·failure_streak_test: store down",
    "[WRN] disruption·failure_streak_test: store slow",
    "[WRN] disruption·failure_streak_test: store back",
  ]);
});
