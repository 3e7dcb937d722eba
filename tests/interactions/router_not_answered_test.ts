// An interaction that ends unanswered is reported `not_answered` with what
// happened: its handler was still at work at the deadline (slow work: defer
// first), it returned without answering, or its initial response failed
// (a 5xx: Discord may have it). "Call ctx.defer() first for slow work" is
// only said of the first.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import type { InteractionContext } from "../../interactions/context.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { DiscordApiError } from "../../rest/errors.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

const name = "work";

/**
 * Route /work to `handler` on a virtual clock, the initial response
 * rejected with `refusal` when given: the `not_answered` report's message.
 */
async function reportOf(
  handler: (ctx: InteractionContext, clock: VirtualScheduler) => Promise<void>,
  refusal?: Error,
): Promise<string> {
  const clock = new VirtualScheduler();
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(
    command({ name, description: "Work" }),
    (_, ctx) => handler(ctx, clock),
  );
  const handled = router.handle(commandInteraction({ name }), {
    rest: undefined as never,
    respond: () => refusal ? Promise.reject(refusal) : Promise.resolve(),
  });
  await clock.advance(3000);
  await clock.advance(5000);
  await handled;
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
  assert.equal(errors[0]!.interaction, "/work");
  return errors[0]!.message;
}

Deno.test("router: a handler still at work at the deadline is reported not answered, with defer() for slow work", async () => {
  const message = await reportOf(async (_, clock) => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 5000));
  });
  assert.match(message, /^\/work was not answered within 3000 ms/);
  assert.match(message, /call ctx\.defer\(\) first for slow work/);
});

Deno.test("router: a handler that returned without answering is reported as such, when, not as slow work", async () => {
  const message = await reportOf(async (_, clock) => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 40));
  });
  assert.match(message, /^\/work was not answered within 3000 ms/);
  assert.match(
    message,
    /its handler returned 40 ms after it arrived without answering/,
  );
  assert.doesNotMatch(message, /slow work/);
});

Deno.test("router: an initial response that failed (a 502, swallowed) is reported with the failure, and that Discord may have it", async () => {
  const bad = new DiscordApiError({
    method: "POST",
    path: "/interactions/100/:token/callback",
    status: 502,
  });
  const message = await reportOf(async (ctx) => {
    await assert.rejects(ctx.respond("hi"));
    assert.equal(ctx.state, "pending");
  }, bad);
  assert.match(message, /^\/work was not answered within 3000 ms/);
  assert.match(message, /its initial response failed \(DiscordApiError: .*502/);
  assert.match(message, /Discord may have the response all the same/);
  assert.doesNotMatch(message, /slow work|handler returned/);
});
