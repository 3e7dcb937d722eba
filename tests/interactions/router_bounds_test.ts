// The router's limits hold whatever it is given: an answerDeadline above
// Discord's 3 s does not delay the not_answered report past the answer the
// context already refuses, a bad awaited pattern rejects the wait as other
// bad wait options do, a hostile custom id does not make a huge report, and
// a pattern no id Discord sends could match is refused when registered.
import assert from "node:assert/strict";
import { compileCustomId, customId } from "../../interactions/custom_id.ts";
import type { InteractionError } from "../../interactions/errors.ts";
import {
  InteractionRouter,
  type InteractionSource,
} from "../../interactions/router.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

/** A button click with `customId` on message 5, from user 2. */
function click(customId: string): Interaction {
  return commandInteraction({
    id: "7",
    application_id: "1",
    type: 3,
    token: "t",
    data: { custom_id: customId, component_type: 2 },
    message: { id: "5" },
  });
}

/** A router on `clock` whose errors, and when they came, are collected. */
function harness(
  clock: VirtualScheduler,
  answerDeadline?: number,
): {
  router: InteractionRouter;
  errors: { error: InteractionError; at: number }[];
  handle: (i: Interaction) => Promise<boolean>;
} {
  const errors: { error: InteractionError; at: number }[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    ...(answerDeadline === undefined ? {} : { answerDeadline }),
    onError: (error) => void errors.push({ error, at: clock.now() }),
  });
  const handle = (i: Interaction): Promise<boolean> =>
    router.handle(i, {
      rest: undefined as never,
      respond: () => Promise.resolve(),
    });
  return { router, errors, handle };
}

Deno.test("an answerDeadline above 3000 counts as 3000: not_answered is reported at 3 s, when a later answer is already refused", async () => {
  const clock = new VirtualScheduler();
  const { router, errors, handle } = harness(clock, 10_000);
  let answer = "";
  router.button("slow", async (_i, ctx) => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 5000));
    await ctx.respond("late").then(
      () => void (answer = "sent"),
      (error: InteractionError) => void (answer = error.kind),
    );
  });
  const handled = handle(click("slow"));
  await clock.advance(2999);
  assert.equal(errors.length, 0);
  await clock.advance(1);
  assert.deepEqual(errors.map((e) => [e.error.kind, e.at]), [
    ["not_answered", 3000],
  ]);
  assert.match(errors[0]!.error.message, /not answered within 3000 ms/);
  await clock.advance(7000);
  await handled;
  assert.equal(answer, "token_expired");
  assert.equal(errors.length, 1);
  assert.equal(clock.pending, 0);
});

Deno.test("an answerDeadline out of range is still refused", () => {
  for (const answerDeadline of [0, 1.5, 2 ** 31]) {
    assert.throws(
      () => new InteractionRouter({ answerDeadline }),
      RangeError,
      String(answerDeadline),
    );
  }
});

Deno.test("awaitComponent with a pattern compileCustomId refuses returns a promise that rejects with its TypeError", async () => {
  const clock = new VirtualScheduler();
  const { router } = harness(clock);
  for (const pattern of ["{a}{b}", "a{x}b", "\ud800", "{}"]) {
    let wait: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      wait = router.awaitComponent({ customId: pattern, timeout: 10 });
    }, JSON.stringify(pattern));
    await assert.rejects(wait!, TypeError, JSON.stringify(pattern));
  }
  assert.equal(clock.pending, 0);
});

Deno.test("the report of an awaited click left unanswered cuts a hostile custom id at 100 characters", async () => {
  const clock = new VirtualScheduler();
  const { router, errors, handle } = harness(clock);
  const id = "x".repeat(1_000_000);
  const waiting = router.awaitComponent({ timeout: 60_000 });
  await handle(click(id));
  assert.equal((await waiting).interaction.customId, id);
  await clock.advance(3000);
  assert.deepEqual(errors.map((e) => e.error.kind), ["not_answered"]);
  assert.equal(errors[0]!.error.interaction, `'${"x".repeat(100)}' (awaited)`);
  assert.ok(errors[0]!.error.message.length < 1000);
  assert.equal(clock.pending, 0);
});

Deno.test("a click an awaited wait takes as it arrives at an attached source is reported with its custom id cut at 100 characters", async () => {
  const clock = new VirtualScheduler();
  const { router, errors } = harness(clock);
  const atArrival: ((i: Interaction, ctx: { rest: RestClient }) => unknown)[] =
    [];
  const source: InteractionSource = {
    on(_event, listener, options): () => void {
      if (options?.atArrival) atArrival.push(listener);
      return () => {};
    },
  };
  router.attach(source);
  const id = "y".repeat(1_000_000);
  const waiting = router.awaitComponent({ timeout: 60_000 });
  for (const listener of atArrival) {
    listener(click(id), { rest: undefined as never });
  }
  assert.equal((await waiting).interaction.customId, id);
  await clock.advance(3000);
  assert.deepEqual(errors.map((e) => e.error.kind), ["not_answered"]);
  assert.equal(errors[0]!.error.interaction, `'${"y".repeat(100)}' (awaited)`);
  assert.equal(clock.pending, 0);
});

Deno.test("a pattern no custom id could match (empty, or over 100 characters of literal text) is refused when registered", async () => {
  const clock = new VirtualScheduler();
  const { router } = harness(clock);
  const never = [
    "",
    "x".repeat(101),
    "x".repeat(101) + ":{a}",
    "{a}:" + "y".repeat(100),
    "😀".repeat(101),
  ];
  for (const pattern of never) {
    const name = `${pattern.length} code units`;
    assert.throws(() => compileCustomId(pattern), RangeError, name);
    assert.throws(
      () => router.button(pattern, () => {}),
      /Cannot compile custom id pattern as no custom id could match it/,
      name,
    );
    assert.throws(() => router.select(pattern, () => {}), RangeError, name);
    assert.throws(() => router.modal(pattern, () => {}), RangeError, name);
    await assert.rejects(
      router.awaitComponent({ customId: pattern, timeout: 10 }),
      RangeError,
      name,
    );
    // customId() refused them as ever, with a RangeError.
    assert.throws(() => customId<string>(pattern, { a: "" }), RangeError, name);
  }
  // At the limits they still compile and match.
  const fits: [string, string][] = [
    ["x".repeat(100), "x".repeat(100)],
    ["{a}:" + "y".repeat(99), ":" + "y".repeat(99)],
    ["{a}", "v"],
  ];
  for (const [pattern, id] of fits) {
    router.button(pattern, () => {});
    assert.ok(compileCustomId(pattern).match(id), pattern);
  }
  assert.equal(clock.pending, 0);
});
