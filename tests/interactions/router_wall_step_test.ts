// On the gateway path an interaction's 3 s run from its arrival at an
// attached source. A step of the wall clock (NTP, a resumed VM) between its
// arrival and its turn must change no verdict: Discord's clock did not step.
import assert from "node:assert/strict";
import { realScheduler } from "../../base/scheduler.ts";
import { command } from "../../interactions/commands.ts";
import { InteractionError } from "../../interactions/errors.ts";
import {
  InteractionRouter,
  type InteractionSource,
} from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { commandInteraction } from "../_fakes/interactions.ts";
import { withRealClockSteps } from "./_real_clock_steps.ts";

const slow = command({ name: "slow", description: "Slow" });

/** What happened to the interaction, once its handler returned. */
interface Outcome {
  /** "ok", or the kind of the InteractionError `respond` threw. */
  respond: string;
  /** The kinds the router reported to onError. */
  reported: string[];
  /** Initial responses Discord got. */
  responses: number;
}

/**
 * An interaction that arrives at an attached source (real scheduler), then
 * `between` moves the clocks, then its turn comes and its handler answers.
 */
async function arriveThenRoute(between: () => void): Promise<Outcome> {
  // Discord's clock: real time, which no step of ours moves.
  const discord = new FakeRest({
    token: "t",
    scheduler: { ...realScheduler, now: () => performance.now() },
  });
  const rest = new RestClient({ token: "t", fetch: discord.fetch });
  const reported: string[] = [];
  let done!: (respond: string) => void;
  const answered = new Promise<string>((resolve) => done = resolve);
  const router = new InteractionRouter({
    onError: (error) => void reported.push(error.kind),
  }).command(slow, async (_i, ctx) => {
    try {
      await ctx.respond("hi");
      done("ok");
    } catch (error) {
      done(error instanceof InteractionError ? error.kind : String(error));
    }
  });
  const listeners: ((i: Interaction, ctx: { rest: RestClient }) => unknown)[] =
    [];
  const source: InteractionSource = {
    on: (_event, listener) => {
      listeners.push(listener);
      return () => {};
    },
  };
  router.attach(source);
  const interaction = commandInteraction({
    name: "slow",
    application_id: discord.applicationId,
  });
  const [atArrival, atTurn] = listeners;
  atArrival!(interaction, { rest });
  between();
  atTurn!(interaction, { rest });
  const respond = await answered;
  // An unanswered interaction's deadline timer is left to fire (at once,
  // its 3 s gone): let it, after it in the timer queue, or the test ends
  // with it pending when the machine is busy.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { respond, reported, responses: discord.interactionResponses.length };
}

Deno.test("InteractionRouter: a wall clock stepped 1 h forward while an interaction waits its turn (200 ms) leaves its answer taken", async () => {
  await withRealClockSteps(async (clock) => {
    const outcome = await arriveThenRoute(() => {
      clock.pass(200);
      clock.step(3_600_000);
    });
    assert.deepEqual(outcome, { respond: "ok", reported: [], responses: 1 });
  });
});

Deno.test("InteractionRouter: a wall clock stepped 1 h back while an interaction waits its turn (4 s) takes no late answer", async () => {
  await withRealClockSteps(async (clock) => {
    const outcome = await arriveThenRoute(() => {
      clock.pass(4000);
      clock.step(-3_600_000);
    });
    assert.deepEqual(outcome, {
      respond: "token_expired",
      reported: ["not_answered"],
      responses: 0,
    });
  });
});
