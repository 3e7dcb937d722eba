// The kit's waits are marked handled only when the fake's close cancels
// them (a failed test's unawaited wait must not crash the file); a timeout
// or refusal nobody awaited is still an unhandled rejection, so a test that
// forgot to await runCommand() on a bot that never answers still fails.
import assert from "node:assert/strict";
import { AnswerWaits } from "../../testing/_answer_waits.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Turns of the event loop a report of an unhandled rejection may take. */
const REPORT_TURNS = 200;

/**
 * The rejections left unhandled while `fn` runs (kept from failing the
 * test), listening until `expected` came and three turns of the event loop
 * more. One turn was not enough: on a loaded machine the timer was due
 * before the runtime reported the rejection, the listener was gone, and
 * the rejection failed the file.
 */
async function unhandledDuring(
  fn: () => Promise<void>,
  expected: number,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (event: PromiseRejectionEvent): void => {
    event.preventDefault();
    seen.push(event.reason);
  };
  const turn = (): Promise<void> =>
    new Promise<void>((resolve) => setTimeout(resolve, 0));
  globalThis.addEventListener("unhandledrejection", listener);
  try {
    await fn();
    // Reported once the microtasks run out, at a later turn.
    for (let i = 0; i < REPORT_TURNS && seen.length < expected; i++) {
      await turn();
    }
    for (let i = 0; i < 3; i++) await turn();
  } finally {
    globalThis.removeEventListener("unhandledrejection", listener);
  }
  return seen;
}

Deno.test("AnswerWaits: a wait that times out unawaited is an unhandled rejection; one the close cancels is not", async () => {
  const clock = new VirtualScheduler();
  const waits = new AnswerWaits(clock, () => undefined);
  const timedOut = await unhandledDuring(async () => {
    void waits.wait(
      new Set<(value: string) => boolean>(),
      () => true,
      "an answer",
      {
        ms: 1_000,
        message: "no answer in 1 s",
      },
    );
    await clock.advance(1_000);
  }, 1);
  assert.deepEqual(timedOut.map((e) => (e as Error).message), [
    "no answer in 1 s",
  ]);
  const cancelled = await unhandledDuring(async () => {
    void waits.wait(
      new Set<(value: string) => boolean>(),
      () => true,
      "an answer",
      {
        ms: 1_000,
        message: "no answer in 1 s",
      },
    );
    waits.cancelAll();
    await clock.flushMicrotasks();
  }, 0);
  assert.deepEqual(cancelled, []);
  // An awaited one still hears the close.
  const awaited = waits.wait(
    new Set<(value: string) => boolean>(),
    () => true,
    "a reply",
    {
      ms: 1_000,
      message: "late",
    },
  );
  waits.cancelAll();
  await assert.rejects(awaited, /closed while waiting for a reply/);
});
