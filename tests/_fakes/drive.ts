import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/**
 * Drive a virtual clock until `promise` settles, for code that also waits
 * on real I/O (WebCrypto, multipart parsing): each step yields one real
 * macrotask turn, then advances the clock by `step` ms.
 */
export async function drive<T>(
  clock: VirtualScheduler,
  promise: Promise<T>,
  step = 100,
): Promise<T> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  for (let i = 0; i < 1000 && !settled; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await clock.advance(step);
  }
  return await promise;
}
