// Child of signal_growth_test.ts (run with --expose-gc): many requests,
// each passed the same long-lived AbortSignal (an app's shutdown signal),
// against a fetch that answers at once. Prints the heap growth in MB after
// a full collection.
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const answer = (): Promise<Response> =>
  Promise.resolve(new Response('{"ok":1}', { status: 200 }));
const rest = new RestClient({
  token: "t",
  fetch: answer,
  scheduler: new VirtualScheduler(),
  globalLimit: 1_000_000,
});
const shutdown = new AbortController();
let next = 0;
async function round(requests: number): Promise<void> {
  for (let sent = 0; sent < requests; sent += 1000) {
    await Promise.all(
      Array.from(
        { length: 1000 },
        () =>
          rest.request("GET", `/users/${next++}`, { signal: shutdown.signal }),
      ),
    );
  }
}
// The first round warms up (code, maps at their working size).
await round(5_000);
gc();
const before = Deno.memoryUsage().heapUsed;
await round(20_000);
gc();
const after = Deno.memoryUsage().heapUsed;
await Deno.stdout.write(
  new TextEncoder().encode(`${(after - before) / 1e6}\n`),
);
