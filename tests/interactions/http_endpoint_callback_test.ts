// A response with files goes to Discord over the callback route: once that
// request is on its way, the HTTP request gets its outcome (202, or 500 when
// it failed), never the answer deadline's 500, however late Discord
// confirms it.
import assert from "node:assert/strict";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { command } from "../../interactions/commands.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

/**
 * An endpoint on `clock` whose /cat responds with a file: the callback
 * request waits for `answer` (what Discord's callback route returns, when
 * the test says). `results` records how ctx.respond() ended.
 */
async function slowCallback(clock: VirtualScheduler): Promise<{
  signer: InteractionSigner;
  handler: (request: Request) => Promise<Response>;
  callbacks: string[];
  answer: (response: Response) => void;
  results: string[];
  errors: InteractionError[];
}> {
  const signer = await InteractionSigner.create();
  const callbacks: string[] = [];
  const pending = Promise.withResolvers<Response>();
  const rest = new RestClient({
    token: "t",
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      callbacks.push(new URL(new Request(input, init).url).pathname);
      return pending.promise;
    },
  });
  const results: string[] = [];
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "cat", description: "A cat" }), async (_, ctx) => {
    try {
      await ctx.respond({ files: [{ name: "cat.png", data: "png" }] });
      results.push("resolved");
    } catch (error) {
      results.push(`rejected: ${(error as Error).name}`);
      throw error;
    }
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    scheduler: clock,
  });
  return {
    signer,
    handler,
    callbacks,
    answer: pending.resolve,
    results,
    errors,
  };
}

Deno.test("endpoint: a response with files whose callback Discord confirms after the deadline gets 202, not the deadline's 500", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, callbacks, answer, results, errors } =
    await slowCallback(clock);
  let settled = false;
  const response = handler(
    await signer.request(commandInteraction({ name: "cat", id: "702" })),
  ).finally(() => settled = true);
  await turns(5);
  assert.deepEqual(callbacks, ["/api/v10/interactions/702/tok/callback"]);
  await clock.advance(3500);
  await turns(5);
  assert.equal(settled, false, "answered while the callback was on its way");
  answer(new Response(null, { status: 204 }));
  const answered = await response;
  assert.equal(answered.status, 202);
  assert.equal(await answered.text(), "");
  await turns(5);
  assert.deepEqual(results, ["resolved"]);
  assert.deepEqual(errors, []);
  assert.equal(clock.pending, 0);
});

Deno.test("endpoint: a response with files whose callback fails after the deadline gets 500 saying so, and respond() rejects", async () => {
  const clock = new VirtualScheduler();
  const { signer, handler, answer, results, errors } = await slowCallback(
    clock,
  );
  const response = handler(
    await signer.request(commandInteraction({ name: "cat", id: "703" })),
  );
  await turns(5);
  await clock.advance(3500);
  answer(
    Response.json({ code: 10062, message: "Unknown interaction" }, {
      status: 404,
    }),
  );
  const answered = await response;
  assert.equal(answered.status, 500);
  assert.equal(
    await answered.text(),
    "The interaction's callback request failed",
  );
  await turns(5);
  assert.equal(results.length, 1);
  assert.match(results[0]!, /^rejected/);
  assert.deepEqual(errors.map((e) => e.kind), ["handler_failed"]);
});
