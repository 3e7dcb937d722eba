// A pattern holding a `{` that opens no parameter ("a{b{c}"): the type
// named its parameter from the first `{` ("b{c") while the router reads
// the one closed by the `}` ("c"), so `customId` and `params` were typed
// with a name no id ever had.
import assert from "node:assert/strict";
import {
  compileCustomId,
  customId,
  type PatternParams,
} from "../../interactions/custom_id.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Interaction } from "../../types/objects/interaction.ts";
import { INTERACTION_USER } from "../_fakes/interactions.ts";

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;
function assertType<T extends true>(_expectTrue: T): void {}

/** A button click with custom id `id`. */
function click(id: string): Interaction {
  return {
    id: "50",
    application_id: "1",
    type: 3,
    token: "tok",
    version: 1,
    data: { custom_id: id, component_type: 2 },
    message: { id: "5", channel_id: "1" },
    user: { ...INTERACTION_USER },
  } as unknown as Interaction;
}

Deno.test("PatternParams names the parameters the runtime reads", () => {
  assertType<IsExact<keyof PatternParams<"a{b{c}">, "c">>(true);
  assertType<IsExact<keyof PatternParams<"x{{a}:{b{c}">, "a" | "c">>(true);
  assertType<IsExact<keyof PatternParams<"a}{b}:x">, "b">>(true);
  assertType<IsExact<keyof PatternParams<"x:{a}:{b}">, "a" | "b">>(true);
  assertType<IsExact<keyof PatternParams<"plain">, never>>(true);
  assert.deepEqual(compileCustomId("a{b{c}").names, ["c"]);
  assert.deepEqual(compileCustomId("x{{a}:{b{c}").names, ["a", "c"]);
  assert.equal(customId("a{b{c}", { c: "v" }), "a{bv");
  assert.deepEqual(compileCustomId("a{b{c}").match("a{bv"), { c: "v" });
  // @ts-expect-error "b{c" is no parameter of the pattern.
  assert.throws(() => customId("a{b{c}", { "b{c": "v" }), TypeError);
});

Deno.test("a route whose pattern holds a stray brace gets the params it is typed with", async () => {
  const clock = new VirtualScheduler();
  const seen: string[] = [];
  const router = new InteractionRouter({ scheduler: clock }).button(
    "a{b{c}",
    (i, ctx) => {
      seen.push(i.params.c);
      return ctx.respond("ok");
    },
  );
  const answer = { rest: undefined as never, respond: () => Promise.resolve() };
  assert.equal(
    await router.handle(click(customId("a{b{c}", { c: "x:y" })), answer),
    true,
  );
  assert.deepEqual(seen, ["x:y"]);
  assert.equal(clock.pending, 0);
});
