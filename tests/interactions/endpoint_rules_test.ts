// The interactions endpoint at the edges the other tests left open: a
// files callback Discord refuses as already acknowledged (40060) has an
// answer, so no fallback goes out; a files callback still waiting in the
// REST client at the answer deadline is cancelled; `maxRemembered` bounds
// the replay memory; and a signed body whose `type` is no number is 400.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

/** The response's status and text once it settled, or "pending". */
const state = async (response: Promise<Response>): Promise<string> => {
  let answered: Response | undefined;
  response.then((r) => answered = r, () => {});
  await turns(5);
  if (answered === undefined) return "pending";
  return `${answered.status} ${await answered.text()}`;
};

/** What a test sets up an endpoint with. */
interface Setup {
  /** What Discord's API answers the n-th request (from 1). */
  script?: (n: number) => Response;
  /** /cat's handler: by default it answers "ok". */
  handler?: "files with fallback" | "files" | "ok";
  answerDeadline?: number;
  maxRemembered?: number;
}

/**
 * An endpoint on `clock` (router, REST client and deadline alike) with
 * command /cat. `calls` records what the REST client sent ("files",
 * "json"); `log` how the handler's answers ended.
 */
async function setUp(clock: VirtualScheduler, setup: Setup = {}): Promise<{
  send: (fields: Record<string, unknown>) => Promise<Response>;
  calls: string[];
  log: string[];
  errors: InteractionError[];
}> {
  const { script, handler = "ok", answerDeadline, maxRemembered } = setup;
  const signer = await InteractionSigner.create();
  const calls: string[] = [];
  const rest = new RestClient({
    token: "t",
    scheduler: clock,
    fetch: (_input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init?.body instanceof FormData ? "files" : "json");
      return Promise.resolve(
        script?.(calls.length) ?? new Response(null, { status: 204 }),
      );
    },
  });
  const log: string[] = [];
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "cat", description: "A cat" }), async (_, ctx) => {
    if (handler === "ok") return void await ctx.respond("ok");
    try {
      await ctx.respond({ files: [{ name: "cat.png", data: "png" }] });
      log.push("files sent");
      return;
    } catch (error) {
      log.push(`files ${(error as Error).name}`);
    }
    if (handler === "files") return;
    try {
      await ctx.respond("No cat today");
      log.push("fallback sent");
    } catch (error) {
      log.push(`fallback refused: ${(error as InteractionError).kind}`);
    }
  });
  const endpoint = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    scheduler: clock,
    ...(answerDeadline === undefined ? {} : { answerDeadline }),
    ...(maxRemembered === undefined ? {} : { maxRemembered }),
  });
  const send = async (fields: Record<string, unknown>): Promise<Response> =>
    await endpoint(
      await signer.request(commandInteraction({ name: "cat", ...fields })),
    );
  return { send, calls, log, errors };
}

/** Discord's own 429 for the callback's bucket, retried after `seconds`. */
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

Deno.test("endpoint: a files callback Discord refuses as already acknowledged (40060) answers 500 at once, and the fallback is refused, not sent as a second answer", async () => {
  const clock = new VirtualScheduler();
  const { send, calls, log } = await setUp(clock, {
    handler: "files with fallback",
    script: () =>
      Response.json({
        code: 40060,
        message: "Interaction has already been acknowledged.",
      }, { status: 400 }),
  });
  const response = send({ id: "801" });
  await turns(10);
  // Discord has an answer: the HTTP request cannot carry another.
  assert.equal(
    await state(response),
    "500 The interaction's callback request failed",
  );
  assert.deepEqual(log, [
    "files DiscordApiError",
    "fallback refused: not_answered",
  ]);
  assert.deepEqual(calls, ["files"]);
});

Deno.test("endpoint: a files callback still waiting in the REST client (a 429's wait) at an answerDeadline of 2 s is cancelled and answered 500 then, never sent again", async () => {
  const clock = new VirtualScheduler();
  // The 429's wait ends at 2.5 s, inside Discord's 3 s: the REST client
  // waits for it, but the endpoint's own deadline is 2 s.
  const { send, calls, log, errors } = await setUp(clock, {
    handler: "files",
    answerDeadline: 2000,
    script: (n) =>
      n === 1 ? discord429(2.5) : new Response(null, { status: 204 }),
  });
  const response = send({ id: "802" });
  await turns(10);
  assert.deepEqual(calls, ["files"]);
  await clock.advance(1999);
  assert.equal(await state(response), "pending");
  await clock.advance(1);
  assert.equal(
    await state(response),
    "500 The interaction was not answered in time",
  );
  await clock.advance(10_000);
  await turns(5);
  assert.deepEqual(calls, ["files"], "the cancelled callback went out");
  assert.equal(log.length, 1);
  assert.match(log[0]!, /^files /);
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
  assert.equal(clock.pending, 0);
});

Deno.test("endpoint: maxRemembered bounds the replay memory: past it the oldest interaction id is forgotten", async () => {
  const clock = new VirtualScheduler();
  const { send } = await setUp(clock, { maxRemembered: 2 });
  const answers: number[] = [];
  for (const id of ["810", "811", "812", "810"]) {
    const response = await send({ id });
    await response.body?.cancel();
    answers.push(response.status);
  }
  // 810 was pushed out by 811 and 812: taken again, not a 401 replay.
  assert.deepEqual(answers, [200, 200, 200, 200]);
  // The newest is still remembered: its replay is refused.
  const again = await send({ id: "810" });
  assert.equal(await again.text(), "replayed request");
  assert.equal(again.status, 401);
});

Deno.test("endpoint: maxRemembered ids are all remembered: with 2, a replay of either of the last two is refused; with 1, the last", async () => {
  for (
    const [remembered, ids] of [[2, ["830", "831"]], [1, ["840"]]] as const
  ) {
    const clock = new VirtualScheduler();
    const { send } = await setUp(clock, { maxRemembered: remembered });
    for (const id of ids) {
      const response = await send({ id });
      await response.body?.cancel();
      assert.equal(response.status, 200, id);
    }
    // The oldest of them, sent again: the memory was made room for before
    // the check, and forgot it (with 1, every replay passed).
    const again = await send({ id: ids[0] });
    assert.equal(await again.text(), "replayed request", `${remembered}`);
    assert.equal(again.status, 401);
  }
});

Deno.test("endpoint: a signed body whose type is not a number (a string, none, null, a boolean, a list) is 400 at once, never handed to the router", async () => {
  const clock = new VirtualScheduler();
  const { send, calls, errors } = await setUp(clock);
  const types: [string, unknown][] = [
    ["820", "2"],
    ["821", undefined],
    ["822", null],
    ["823", true],
    ["824", [2]],
  ];
  for (const [id, type] of types) {
    const response = send({ id, type });
    assert.equal(await state(response), "400 Bad Request", String(type));
  }
  assert.deepEqual(calls, []);
  assert.deepEqual(errors, []);
  assert.equal(clock.pending, 0);
});
