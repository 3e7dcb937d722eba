// Rate limiter attempts a test settles by hand: each one sent is held
// until the test answers it, so the test decides the order answers come in.
import type { AttemptResult } from "../../rest/rate_limiter.ts";
import type { RateLimitInfo } from "../../rest/rate_limit_headers.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Attempts held until the test answers them. */
export interface HeldAttempts {
  /** Each attempt sent, with the time it was sent. */
  sent: [string, number][];
  /** An attempt named `name`. */
  attempt: (name: string) => () => Promise<AttemptResult<string>>;
  /** Settle the attempt `name` as a success with these rate-limit headers. */
  answer: (name: string, rateLimit: RateLimitInfo) => Promise<void>;
  /** Settle the attempt `name` with any result (a retry, a failure). */
  settle: (name: string, result: AttemptResult<string>) => Promise<void>;
}

/**
 * Attempts the test answers by hand: each one sent is held until
 * `answer(name, info)` or `settle(name, result)` settles it; the
 * microtasks that follow run before either returns.
 */
export function heldAttempts(clock: VirtualScheduler): HeldAttempts {
  const sent: [string, number][] = [];
  const held = new Map<string, (result: AttemptResult<string>) => void>();
  const settle = async (
    name: string,
    result: AttemptResult<string>,
  ): Promise<void> => {
    held.get(name)!(result);
    held.delete(name);
    await clock.flushMicrotasks();
  };
  return {
    sent,
    attempt: (name: string) => (): Promise<AttemptResult<string>> => {
      sent.push([name, clock.now()]);
      return new Promise((resolve) => held.set(name, resolve));
    },
    answer: (name: string, rateLimit: RateLimitInfo): Promise<void> =>
      settle(name, { type: "success", value: name, rateLimit }),
    settle,
  };
}
