import assert from "node:assert/strict";
import { assertSignalOption } from "../../base/option_checks.ts";

Deno.test("assertSignalOption refuses an object with only part of an AbortSignal's shape", () => {
  for (
    const [value, shownAs] of [
      [{ aborted: false }, "object"],
      [new EventTarget(), "EventTarget"],
    ] as const
  ) {
    assert.throws(() => assertSignalOption("send", "signal", value), {
      name: "TypeError",
      message:
        `Cannot send as 'signal' must be an AbortSignal: current value 'signal=${shownAs}'`,
    });
  }
  assertSignalOption("send", "signal", new AbortController().signal);
});
