// The HTTP endpoint measures Discord's 3 s from the request's arrival, not
// from when its body was read: the answer deadline, the router's
// not_answered report and the context's token_expired check all count the
// time the body took.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const after = command({ name: "after", description: "Answers later" });
const never = command({ name: "never", description: "Never answers" });
const defers = command({ name: "defers", description: "Defers later" });

interface Outcome {
  status: number | undefined;
  /** Virtual ms from the request's arrival to its answer. */
  at: number;
  errors: string[];
}

/**
 * Send `name` with a body whose second half arrives `bodyDelay` ms after
 * the request; handlers wait `handlerDelay` ms before answering.
 */
async function run(
  name: string,
  bodyDelay: number,
  handlerDelay: number,
): Promise<Outcome> {
  const clock = new VirtualScheduler();
  const { signer, router, handler, kinds: errors } = await endpointHarness({
    scheduler: clock,
  });
  const wait = (): Promise<void> =>
    new Promise((resolve) => clock.setTimeout(resolve, handlerDelay));
  router
    .command(after, async (_, ctx) => {
      await wait();
      await ctx.respond("late");
    })
    .command(defers, async (_, ctx) => {
      await wait();
      await ctx.defer();
    })
    .command(never, () => new Promise(() => {}));
  const text = JSON.stringify(commandInteraction({ id: "1", name }));
  const headers = await signer.sign(text, Date.now() / 1000);
  const bytes = new TextEncoder().encode(text);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c): void {
      controller = c;
      c.enqueue(bytes.subarray(0, 10));
    },
  });
  clock.setTimeout(() => {
    controller.enqueue(bytes.subarray(10));
    controller.close();
  }, bodyDelay);
  let response: Response | undefined;
  let at = -1;
  handler(new Request("http://x/", { method: "POST", headers, body }))
    .then((r) => {
      response = r;
      at = clock.now();
    });
  // 10 ms steps, a real macrotask turn each (WebCrypto runs on real time).
  for (let i = 0; i < 800; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await clock.advance(10);
  }
  await response?.body?.cancel();
  return { status: response?.status, at, errors };
}

Deno.test("a body that took 2.5 s leaves 0.5 s: a handler answering 1 s later gets a 500 at 3 s and token_expired", async () => {
  const outcome = await run("after", 2500, 1000);
  assert.equal(outcome.status, 500, JSON.stringify(outcome));
  assert.ok(outcome.at <= 3010, `answered at ${outcome.at} ms`);
  // The router's not_answered at 3 s, then the refused late answer.
  assert.deepEqual(outcome.errors, ["not_answered", "token_expired"]);
});

Deno.test("a body that took 2.5 s and a handler that never answers: the 500 and not_answered come at 3 s, not 5.5 s", async () => {
  const outcome = await run("never", 2500, 0);
  assert.equal(outcome.status, 500);
  assert.ok(outcome.at <= 3010, `answered at ${outcome.at} ms`);
  assert.deepEqual(outcome.errors, ["not_answered"]);
});

Deno.test("a defer() 3.2 s after the request arrived is refused as token_expired though the body took 2.9 s", async () => {
  const outcome = await run("defers", 2900, 300);
  assert.equal(outcome.status, 500);
  assert.deepEqual(outcome.errors, ["not_answered", "token_expired"]);
});

Deno.test("a slow body still leaves the rest of the 3 s to a quick handler", async () => {
  const outcome = await run("after", 2500, 300);
  assert.equal(outcome.status, 200);
  assert.deepEqual(outcome.errors, []);
});
