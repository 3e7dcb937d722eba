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
  // Discord's 10062 on the callback: the interaction expired.
  assert.deepEqual(errors.map((e) => e.kind), ["token_expired"]);
});

/** What the fake callback route does with one request. */
type CallbackAnswer = Response | "hold" | "network";

/**
 * An endpoint whose /cat responds with a file, everything on `clock` (the
 * REST client's waits too): the callback route answers the n-th request
 * with `script(n)` ("hold": when the test calls `release`). With
 * `fallback`, a refused files response is followed by a plain answer.
 * `log` records how ctx.respond() ended and ctx.state then.
 */
async function scriptedCallback(
  clock: VirtualScheduler,
  script: (n: number) => CallbackAnswer,
  fallback: "fallback" | "swallow" = "fallback",
): Promise<{
  send: (id: string) => Promise<{ response: Promise<Response> }>;
  calls: string[];
  release: (response: Response) => void;
  log: string[];
  errors: InteractionError[];
}> {
  const signer = await InteractionSigner.create();
  const calls: string[] = [];
  const held = Promise.withResolvers<Response>();
  const rest = new RestClient({
    token: "t",
    scheduler: clock,
    fetch: (_input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init?.body instanceof FormData ? "files" : "json");
      const answer = script(calls.length);
      if (answer === "hold") return held.promise;
      if (answer === "network") {
        return Promise.reject(new TypeError("connection reset"));
      }
      return Promise.resolve(answer);
    },
  });
  const log: string[] = [];
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "cat", description: "A cat" }), async (_, ctx) => {
    try {
      await ctx.respond({ files: [{ name: "cat.png", data: "png" }] });
      log.push("files sent");
      return;
    } catch (error) {
      log.push(
        `files ${(error as Error).name} ${
          (error as InteractionError).kind ?? ""
        }; state ${ctx.state}`.replace(" ;", ";"),
      );
    }
    if (fallback === "swallow") return;
    try {
      await ctx.respond("No cat today");
      log.push(`fallback sent; state ${ctx.state}`);
    } catch (error) {
      log.push(`fallback refused: ${(error as InteractionError).kind}`);
    }
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    scheduler: clock,
  });
  const send = async (id: string) => ({
    response: handler(
      await signer.request(commandInteraction({ name: "cat", id })),
    ),
  });
  return { send, calls, release: held.resolve, log, errors };
}

/** Discord's own 429 (retried by the REST client after `seconds`). */
const discord429 = (seconds: number): Response =>
  Response.json(
    { message: "You are being rate limited.", retry_after: seconds },
    {
      status: 429,
      headers: {
        "x-ratelimit-scope": "user",
        "x-ratelimit-limit": "1",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": String(seconds),
        "x-ratelimit-bucket": "cb",
      },
    },
  );

/** The response's status and text once it settled, or "pending". */
const state = async (
  response: Promise<Response>,
): Promise<string> => {
  // The turns always run out: a race left their timers to the next test.
  let answered: Response | undefined;
  response.then((r) => answered = r, () => {});
  await turns(5);
  if (answered === undefined) return "pending";
  return `${answered.status} ${await answered.text()}`;
};

Deno.test("endpoint: a files response whose callback still waits in the REST client at the deadline is cancelled, never sent, and answered 500", async () => {
  const clock = new VirtualScheduler();
  // Discord answers the callback 429 for 12 s: the REST client would retry
  // it at 12 s, 9 s after Discord invalidated the token.
  const { send, calls, log, errors } = await scriptedCallback(
    clock,
    (n) => n === 1 ? discord429(12) : new Response(null, { status: 204 }),
    "swallow",
  );
  const { response } = await send("710");
  await turns(5);
  assert.deepEqual(calls, ["files"]);
  await clock.advance(2999);
  assert.equal(await state(response), "pending");
  await clock.advance(1);
  assert.equal(
    await state(response),
    "500 The interaction was not answered in time",
  );
  // Refused by the REST client at once: the 429's wait ends past the 3 s.
  assert.deepEqual(log, ["files RateLimitError; state pending"]);
  await clock.advance(20_000);
  await turns(5);
  assert.deepEqual(calls, ["files"], "the cancelled callback went out");
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
  assert.equal(clock.pending, 0);
});

Deno.test("endpoint: a files callback in flight at the deadline that Discord answers 429 is cancelled, not retried past the deadline", async () => {
  const clock = new VirtualScheduler();
  const { send, calls, release, log } = await scriptedCallback(
    clock,
    (n) => n === 1 ? "hold" : new Response(null, { status: 204 }),
    "swallow",
  );
  const { response } = await send("711");
  await turns(5);
  await clock.advance(3500);
  assert.equal(await state(response), "pending", "in flight: still waited for");
  release(discord429(5));
  await turns(5);
  await clock.advance(100);
  assert.equal(
    await state(response),
    "500 The interaction's callback request failed",
  );
  await clock.advance(10_000);
  await turns(5);
  assert.deepEqual(calls, ["files"]);
  assert.deepEqual(log, ["files RateLimitError; state pending"]);
  assert.equal(clock.pending, 0);
});

Deno.test("endpoint: a files response Discord refuses before the deadline leaves the request open, and the handler's fallback becomes the HTTP answer", async () => {
  const refusals: [string, Response][] = [
    [
      "400 Invalid Form Body",
      Response.json({
        code: 50035,
        message: "Invalid Form Body",
        errors: {
          attachments: { "0": { _errors: [{ code: "X", message: "bad" }] } },
        },
      }, { status: 400 }),
    ],
    // Past the REST client's maxRateLimitWait: given up, never processed.
    ["429 past maxRateLimitWait", discord429(3600)],
  ];
  for (const [label, refusal] of refusals) {
    const clock = new VirtualScheduler();
    const { send, calls, log, errors } = await scriptedCallback(
      clock,
      () => refusal.clone(),
    );
    const { response } = await send("712");
    await turns(10);
    const answered = await response;
    assert.equal(answered.status, 200, label);
    assert.deepEqual(await answered.json(), {
      type: 4,
      data: { content: "No cat today" },
    });
    await turns(5);
    assert.deepEqual(calls, ["files"], label);
    assert.match(
      log[0]!,
      /^files (DiscordApiError|RateLimitError); state pending$/,
    );
    assert.deepEqual(log.slice(1), ["fallback sent; state answered"], label);
    assert.deepEqual(errors, [], label);
    assert.equal(clock.pending, 0, label);
  }
});

Deno.test("endpoint: a files response Discord refuses, with no fallback, is answered 500 at the deadline", async () => {
  const clock = new VirtualScheduler();
  const { send, log } = await scriptedCallback(
    clock,
    () =>
      Response.json({ code: 50035, message: "Invalid Form Body" }, {
        status: 400,
      }),
    "swallow",
  );
  const { response } = await send("713");
  await turns(10);
  assert.deepEqual(log, ["files DiscordApiError; state pending"]);
  assert.equal(await state(response), "pending");
  await clock.advance(3000);
  assert.equal(
    await state(response),
    "500 The interaction was not answered in time",
  );
});

Deno.test("endpoint: a files callback that fails where Discord may have it (a 5xx, 500 included, or no answer) is answered 500 at once, and a fallback is refused", async () => {
  const failures: [string, CallbackAnswer][] = [
    ["500", new Response("internal server error", { status: 500 })],
    ["502", new Response("bad gateway", { status: 502 })],
    ["network", "network"],
  ];
  for (const [label, failure] of failures) {
    const clock = new VirtualScheduler();
    const { send, calls, log } = await scriptedCallback(clock, () => failure);
    const { response } = await send("714");
    await turns(10);
    assert.equal(
      await state(response),
      "500 The interaction's callback request failed",
      label,
    );
    assert.deepEqual(calls, ["files"], label);
    assert.match(
      log[0]!,
      /^files (DiscordApiError|NetworkError); state pending$/,
    );
    assert.deepEqual(log.slice(1), ["fallback refused: not_answered"], label);
  }
});
