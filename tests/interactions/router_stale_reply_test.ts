// An interaction whose options do not fit its route (options_mismatch: a
// client still sending a command's old shape after a redeploy) is answered
// with the router's staleReply, ephemeral (autocomplete: no choices), over
// REST on the gateway path and as the HTTP endpoint's 200; it is still
// reported to onError. `staleReply: null` answers nothing, as before.
// It answers only a pending interaction (a handler that deferred keeps its
// response), and the caller hears of a failure only when nothing answered.
import assert from "node:assert/strict";
import { command, integer, string } from "../../interactions/commands.ts";
import { InteractionError } from "../../interactions/errors.ts";
import {
  InteractionRouter,
  type InteractionRouterOptions,
} from "../../interactions/router.ts";
import { describe } from "../../interactions/_routing.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { commandInteraction, endpointHarness } from "../_fakes/interactions.ts";

const DEFAULT_TEXT =
  "This command has changed since your Discord app loaded it. Please try again.";

const roll = command({
  name: "roll",
  description: "Roll",
  options: {
    sides: integer({ description: "Sides", required: true }),
    note: string({ description: "Note", autocomplete: true }),
  },
});

/** /roll as a client that loaded its old shape sends it: sides a string. */
function staleRoll(id = "100"): Interaction {
  return commandInteraction({
    id,
    token: "tok" + id,
    data: {
      id: "9",
      name: "roll",
      type: 1,
      options: [{ name: "sides", type: 3, value: "6" }],
    },
  });
}

/** An interaction of `type` with `data` (and other fields). */
function payload(
  type: number,
  data: unknown,
  extra: Record<string, unknown> = {},
): Interaction {
  return commandInteraction({
    id: "101",
    token: "tok101",
    type,
    data,
    ...extra,
  });
}

/**
 * A router with /roll and its autocomplete, reporting to `errors`, whose
 * answers go over REST to a FakeRest (as on the gateway path).
 */
function gateway(options: InteractionRouterOptions = {}): {
  router: InteractionRouter;
  errors: InteractionError[];
  fake: FakeRest;
  rest: RestClient;
  ran: string[];
} {
  const errors: InteractionError[] = [];
  const ran: string[] = [];
  const router = new InteractionRouter({
    scheduler: new VirtualScheduler(),
    onError: (error) => void errors.push(error),
    ...options,
  })
    .command(roll, (_, ctx) => {
      ran.push("roll");
      return ctx.respond("rolled");
    })
    .autocomplete(roll, "note", (_, ctx) => {
      ran.push("autocomplete");
      return ctx.autocomplete([]);
    })
    .button("b:{x}", (_, ctx) => ctx.update("x"))
    .modal("m", (_, ctx) => ctx.respond("x"));
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  return { router, errors, fake, rest, ran };
}

Deno.test("staleReply: a stale command gets an ephemeral reply over REST, and onError still hears options_mismatch", async () => {
  const { router, errors, fake, rest, ran } = gateway();
  assert.equal(await router.handle(staleRoll(), { rest }), true);
  assert.deepEqual(ran, [], "the handler typed by the new shape never ran");
  assert.equal(fake.interactionResponses.length, 1);
  const answer = fake.interactionResponses[0]!;
  assert.equal(answer.interactionId, "100");
  assert.deepEqual(answer.body, {
    type: 4,
    data: { content: DEFAULT_TEXT, flags: 64 },
  });
  assert.deepEqual(errors.map((e) => e.kind), ["options_mismatch"]);
  assert.match(errors[0]!.message, /option 'sides' has type 3, defined as 4/);
});

Deno.test("staleReply: a custom text is sent; null answers nothing (as before)", async () => {
  const custom = gateway({ staleReply: "Refresh Discord (Ctrl+R)." });
  await custom.router.handle(staleRoll(), { rest: custom.rest });
  assert.deepEqual(custom.fake.interactionResponses[0]!.body, {
    type: 4,
    data: { content: "Refresh Discord (Ctrl+R).", flags: 64 },
  });
  assert.deepEqual(custom.errors.map((e) => e.kind), ["options_mismatch"]);

  const off = gateway({ staleReply: null });
  const failed: string[] = [];
  await off.router.handle(staleRoll(), {
    rest: off.rest,
    failed: (error) => void failed.push(error.kind),
  });
  assert.equal(off.fake.interactionResponses.length, 0);
  assert.equal(off.fake.requests.length, 0);
  assert.deepEqual(failed, ["options_mismatch"]);
  assert.deepEqual(off.errors.map((e) => e.kind), ["options_mismatch"]);
});

Deno.test("staleReply: a stale autocomplete gets no choices (type 8), a stale click or modal the ephemeral text", async () => {
  const { router, errors, fake, rest, ran } = gateway();
  // Two focused options: not what the route reads.
  await router.handle(
    payload(4, {
      id: "9",
      name: "roll",
      type: 1,
      options: [
        { name: "note", type: 3, value: "a", focused: true },
        { name: "sides", type: 4, value: 2, focused: true },
      ],
    }),
    { rest },
  );
  assert.deepEqual(fake.interactionResponses.at(-1)!.body, {
    type: 8,
    data: { choices: [] },
  });
  // A click whose values are not strings; a modal whose components are
  // not a list.
  await router.handle(
    payload(3, { custom_id: "b:1", component_type: 2, values: [1] }, {
      id: "102",
      token: "tok102",
      message: { id: "5", channel_id: "1" },
    }),
    { rest },
  );
  await router.handle(
    payload(5, { custom_id: "m", components: {} }, {
      id: "103",
      token: "tok103",
    }),
    { rest },
  );
  assert.deepEqual(
    fake.interactionResponses.slice(1).map((r) => [r.interactionId, r.body]),
    [
      ["102", { type: 4, data: { content: DEFAULT_TEXT, flags: 64 } }],
      ["103", { type: 4, data: { content: DEFAULT_TEXT, flags: 64 } }],
    ],
  );
  assert.deepEqual(ran, []);
  assert.deepEqual(errors.map((e) => e.kind), [
    "options_mismatch",
    "options_mismatch",
    "options_mismatch",
  ]);
});

Deno.test("staleReply: when the reply fails over REST, the caller is told as before and onError still hears it", async () => {
  const { router, errors, fake, rest } = gateway();
  fake.scriptError(404, 10062, "Unknown interaction");
  const failed: string[] = [];
  await router.handle(staleRoll(), {
    rest,
    failed: (error) => void failed.push(error.kind),
  });
  assert.equal(fake.interactionResponses.length, 0);
  assert.equal(fake.requests.length, 1, "the reply was tried");
  assert.deepEqual(failed, ["options_mismatch"]);
  assert.deepEqual(errors.map((e) => e.kind), ["options_mismatch"]);
});

Deno.test("staleReply: a reply failing with a value that throws when read still ends in onError, and handle() resolves", async () => {
  const { router, errors, rest } = gateway();
  const failed: string[] = [];
  const routed = await router.handle(staleRoll(), {
    rest,
    // A custom responder (the endpoint's seam) rejecting with a value
    // String() cannot print.
    respond: () => Promise.reject(Object.create(null)),
    failed: (error) => void failed.push(error.kind),
  });
  assert.equal(routed, true);
  assert.deepEqual(failed, ["options_mismatch"]);
  assert.deepEqual(errors.map((e) => e.kind), ["options_mismatch"]);
});

Deno.test("staleReply: the HTTP endpoint answers a stale command 200 with the ephemeral reply, not 500", async () => {
  const { signer, handler, fake, router, kinds } = await endpointHarness();
  router.command(roll, (_, ctx) => ctx.respond("rolled"));
  const response = await handler(await signer.request(staleRoll()));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    type: 4,
    data: { content: DEFAULT_TEXT, flags: 64 },
  });
  assert.equal(fake.requests.length, 0, "nothing went over REST");
  assert.deepEqual(kinds, ["options_mismatch"]);
});

Deno.test("staleReply: anything but null or a string of 1 to 2000 characters, not all white space, is refused, naming the option", () => {
  for (
    const [value, shown] of [
      ["", `staleReply=""`],
      // Discord refuses white space alone as an empty message.
      [" \n ", `staleReply=" \\n "`],
      ["x".repeat(2001), "current length '2001'"],
      [5, "staleReply=5"],
      [false, "staleReply=false"],
      [{}, "staleReply=object"],
    ] as const
  ) {
    assert.throws(
      () => new InteractionRouter({ staleReply: value as never }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.includes("'staleReply' must be a string") &&
        error.message.includes(shown),
      `staleReply=${String(value).slice(0, 10)}`,
    );
  }
  // 2000 code points, emoji counted as one each, as Discord counts them.
  new InteractionRouter({ staleReply: "😀".repeat(2000) });
  new InteractionRouter({ staleReply: null });
});

Deno.test("staleReply: the no-route warning of an autocomplete names its focused option", async () => {
  const { router, rest } = gateway();
  const focused = (options: unknown[]) =>
    router.handle(payload(4, { id: "9", name: "dice", type: 1, options }), {
      rest,
    });
  const lines = await captureStderr(async () => {
    await focused([{ name: "faces", type: 3, value: "", focused: true }]);
    await focused([{ name: "faces", type: 3, value: "" }]);
  });
  assert.match(lines[0]!, /No route for autocomplete of 'faces' in \/dice/);
  assert.match(lines[1]!, /No route for autocomplete in \/dice \(no option/);
});

Deno.test("staleReply: null answers nothing even for a stale autocomplete, and the caller is told it failed", async () => {
  const { fake, rest, router, errors } = gateway({ staleReply: null });
  const failed: string[] = [];
  await router.handle(
    payload(4, {
      id: "9",
      name: "roll",
      type: 1,
      options: [
        { name: "note", type: 3, value: "a", focused: true },
        { name: "sides", type: 4, value: 2, focused: true },
      ],
    }),
    { rest, failed: (error) => void failed.push(error.kind) },
  );
  assert.equal(fake.requests.length, 0, "nothing went over REST");
  assert.deepEqual(failed, ["options_mismatch"]);
  assert.deepEqual(errors.map((e) => e.kind), ["options_mismatch"]);
});

Deno.test("staleReply: once it answered, the caller is not told the interaction failed", async () => {
  const { router, errors, fake, rest } = gateway();
  const failed: string[] = [];
  await router.handle(staleRoll(), {
    rest,
    failed: (error) => void failed.push(error.kind),
  });
  assert.equal(fake.interactionResponses.length, 1);
  assert.deepEqual(failed, []);
  assert.deepEqual(errors.map((e) => e.kind), ["options_mismatch"]);
});

Deno.test("staleReply: a handler that deferred and then threw options_mismatch keeps its deferred response, not edited to the stale text", async () => {
  const errors: string[] = [];
  // A handler's own nested read failing after its defer: the interaction
  // was answered, so the staleReply has nothing to answer.
  const router = new InteractionRouter({
    scheduler: new VirtualScheduler(),
    onError: (error) => void errors.push(error.kind),
  }).command(roll, async (_, ctx) => {
    await ctx.defer({ ephemeral: true });
    throw new InteractionError("options_mismatch", "/roll: nested read", {
      interaction: "/roll",
    });
  });
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  await router.handle(
    payload(2, {
      id: "9",
      name: "roll",
      type: 1,
      options: [{ name: "sides", type: 4, value: 6 }],
    }),
    { rest },
  );
  assert.deepEqual(errors, ["options_mismatch"]);
  assert.deepEqual(
    fake.requests.map((r) => `${r.method} ${r.path}`),
    ["POST /interactions/101/tok101/callback"],
    "only the defer, no edit of @original",
  );
});

Deno.test("staleReply: the no-route warning finds focus under a subcommand group, counts only focused: true, and shows a name safely", async () => {
  const { router, rest } = gateway();
  const focused = (options: unknown[]) =>
    router.handle(payload(4, { id: "9", name: "dice", type: 1, options }), {
      rest,
    });
  const lines = await captureStderr(async () => {
    await focused([{
      name: "admin",
      type: 2,
      options: [{
        name: "edit",
        type: 1,
        options: [{ name: "title", type: 3, value: "a", focused: true }],
      }],
    }]);
    // A hostile peer's truthy 1 is no focus.
    await focused([{ name: "faces", type: 3, value: "", focused: 1 }]);
    // A long name is cut to 100 characters.
    await focused([{ name: "x".repeat(500), type: 3, focused: true }]);
  });
  assert.equal(lines.length, 3, lines.join("\n"));
  assert.match(lines[0]!, /No route for autocomplete of 'title' in \/dice/);
  assert.match(lines[1]!, /No route for autocomplete in \/dice \(no option/);
  assert.match(lines[2]!, /autocomplete of 'x{100}' in \/dice/);
  // A focused name that is no string (String() would throw on it) is
  // shown by its type, never thrown over.
  const hostile = payload(4, {
    id: "9",
    name: "dice",
    type: 1,
    options: [{ name: { toString: 0 }, type: 3, focused: true }],
  });
  assert.match(describe(hostile), /^autocomplete of '.+' in \/dice$/);
});
