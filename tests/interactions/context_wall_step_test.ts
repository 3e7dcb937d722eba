// An interaction's 3 s and its token's 15 minutes are real time: a step of
// the wall clock (NTP, a resumed VM) while its handler runs must not make
// the context refuse an answer Discord takes, nor take one Discord dropped.
import assert from "node:assert/strict";
import { InteractionContext } from "../../interactions/context.ts";
import { InteractionError } from "../../interactions/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { steppedClock } from "../_fakes/stepped_clock.ts";
import { withRealClockSteps } from "./_real_clock_steps.ts";

/**
 * A context on the real scheduler (the default), answered to a FakeRest
 * whose clock (Discord's) no step of ours moves.
 */
function realContext(
  id: string,
  received?: number,
): { ctx: InteractionContext; discord: FakeRest } {
  const discord = new FakeRest({
    token: "t",
    scheduler: { ...realScheduler, now: () => performance.now() },
  });
  const rest = new RestClient({ token: "t", fetch: discord.fetch });
  const interaction = {
    id,
    token: `tok${id}`,
    application_id: discord.applicationId,
    type: 2,
  } as never;
  const ctx = new InteractionContext(interaction, {
    rest,
    ...(received === undefined ? {} : { received }),
  });
  return { ctx, discord };
}

/** The kind of the InteractionError `promise` rejects with, or "ok". */
async function verdict(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    if (error instanceof InteractionError) return error.kind;
    throw error;
  }
}

Deno.test("InteractionContext: a wall clock stepped 1 h forward during a 200 ms handler leaves its answer taken", async () => {
  await withRealClockSteps(async (clock) => {
    const { ctx, discord } = realContext("1");
    clock.pass(200);
    clock.step(3_600_000);
    assert.equal(await verdict(ctx.respond("hi")), "ok");
    assert.equal(ctx.state, "answered");
    assert.equal(discord.interactionResponses.length, 1);
  });
});

Deno.test("InteractionContext: a wall clock stepped 20 min forward leaves a deferred interaction's follow-up taken", async () => {
  await withRealClockSteps(async (clock) => {
    const { ctx } = realContext("2");
    await ctx.defer();
    clock.pass(1000);
    clock.step(1_200_000);
    assert.equal(await verdict(ctx.followUp("done")), "ok");
  });
});

Deno.test("InteractionContext: a wall clock stepped 1 h back takes no answer 4 s late, nor a follow-up 16 min late", async () => {
  await withRealClockSteps(async (clock) => {
    const late = realContext("3");
    clock.pass(4000);
    clock.step(-3_600_000);
    assert.equal(await verdict(late.ctx.respond("hi")), "token_expired");
    assert.equal(late.discord.interactionResponses.length, 0);
    const deferred = realContext("4");
    await deferred.ctx.defer();
    clock.pass(16 * 60_000);
    clock.step(-3_600_000);
    assert.equal(await verdict(deferred.ctx.followUp("x")), "token_expired");
  });
});

Deno.test("InteractionContext: `received` (on the scheduler's clock) still counts the time before the context, not a step after it", async () => {
  await withRealClockSteps(async (clock) => {
    const early = realContext("5", Date.now() - 2000);
    clock.step(3_600_000);
    clock.pass(500);
    assert.equal(await verdict(early.ctx.respond("hi")), "ok");
    const late = realContext("6", Date.now() - 2000);
    clock.step(-3_600_000);
    clock.pass(1000);
    assert.equal(await verdict(late.ctx.respond("hi")), "token_expired");
  });
});

Deno.test("InteractionContext: on a test's clock the 3 s still hold, a step back included", async () => {
  const { scheduler, clock, step } = steppedClock();
  const discord = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: discord.fetch });
  const interaction = (id: string) =>
    ({ id, token: "tok", application_id: discord.applicationId }) as never;
  const inTime = new InteractionContext(interaction("7"), {
    rest,
    scheduler: clock,
  });
  const late = new InteractionContext(interaction("8"), {
    rest,
    scheduler: clock,
  });
  await scheduler.advance(2999);
  assert.equal(await verdict(inTime.respond("hi")), "ok");
  await scheduler.advance(1);
  assert.equal(await verdict(late.respond("hi")), "token_expired");
  // A step back after a read: no time passed for it, the 3 s ran out.
  step(-3_600_000);
  assert.equal(await verdict(late.respond("hi")), "token_expired");
});
