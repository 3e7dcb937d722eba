// A members request made to send and listen before the test plays the
// gateway: the request is a generator that sends its command and
// subscribes only when first asked for a chunk.
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/**
 * Ask `request` for its first chunk (so it sends and listens), let that
 * run, and hand the pending read back as the first chunk of what is
 * returned, for the test to take.
 */
export async function startedRequest<T>(
  request: AsyncGenerator<T, void, undefined>,
  scheduler: VirtualScheduler,
): Promise<AsyncGenerator<T, void, undefined>> {
  const first = request.next();
  await scheduler.flushMicrotasks();
  return (async function* (): AsyncGenerator<T, void, undefined> {
    const result = await first;
    if (result.done) return;
    yield result.value;
    yield* request;
  })();
}
