// What a handler throws, or its initial response rejects with, may defeat
// every way of reading it: an object without a prototype (`String()`
// throws), a Proxy whose `getPrototypeOf` throws (`instanceof` throws).
// Reading it for the report threw in turn: in the deadline timer that ended
// the process; in a handler's failure, `handle()` rejected, `onError` never
// heard of it, and the HTTP endpoint answered "not answered in time" 3 s
// later instead of "handler failed" at once.
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

/** A Proxy whose every read, and `instanceof` on it, throws. */
function hostileProxy(): object {
  return new Proxy({}, {
    get(): never {
      throw new Error("proxy get");
    },
    getPrototypeOf(): never {
      throw new Error("proxy getPrototypeOf");
    },
  });
}

Deno.test("router: an initial response rejecting with an unreadable value, swallowed, is reported not_answered at the deadline (the timer does not throw)", async () => {
  const clock = new VirtualScheduler();
  const errors: InteractionError[] = [];
  let swallowed = 0;
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "work", description: "Work" }), async (_, ctx) => {
    try {
      await ctx.respond("hi");
    } catch {
      swallowed++;
    }
  });
  await router.handle(commandInteraction({ name: "work" }), {
    rest: undefined as never,
    respond: () => Promise.reject(hostileProxy()),
  });
  assert.equal(swallowed, 1);
  await clock.advance(3000);
  await clock.advance(1000);
  assert.deepEqual(errors.map((e) => e.kind), ["not_answered"]);
  assert.match(errors[0]!.message, /^\/work was not answered within 3000 ms/);
  assert.match(errors[0]!.message, /its initial response failed \(/);
  assert.equal(clock.pending, 0);
});

for (
  const [name, thrown, text] of [
    [
      "an object without a prototype",
      () => Object.create(null),
      "[object Object]",
    ],
    ["an object whose toString throws", () => ({
      toString(): never {
        throw new Error("toString");
      },
    }), "[object Object]"],
    ["a Proxy whose every read throws", hostileProxy, "(an unprintable value)"],
  ] as const
) {
  Deno.test(`router: a handler throwing ${name} is reported handler_failed, and handle() resolves`, async () => {
    const clock = new VirtualScheduler();
    const errors: InteractionError[] = [];
    const router = new InteractionRouter({
      scheduler: clock,
      onError: (error) => void errors.push(error),
    }).command(command({ name: "boom", description: "Boom" }), () => {
      throw thrown();
    });
    await router.handle(commandInteraction({ name: "boom" }), {
      rest: undefined as never,
      respond: () => Promise.resolve(),
    });
    assert.deepEqual(errors.map((e) => e.kind), ["handler_failed"]);
    assert.equal(errors[0]!.message, `The handler of /boom threw: ${text}`);
    assert.equal(clock.pending, 0);
  });
}

Deno.test("endpoint: a handler throwing an object without a prototype gets 500 'handler failed' at once, and onError hears of it", async () => {
  const clock = new VirtualScheduler();
  const signer = await InteractionSigner.create();
  const errors: InteractionError[] = [];
  const router = new InteractionRouter({
    scheduler: clock,
    onError: (error) => void errors.push(error),
  }).command(command({ name: "boom", description: "Boom" }), () => {
    throw Object.create(null);
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest: new RestClient({
      token: "t",
      fetch: () => Promise.reject(new Error("no REST call expected")),
    }),
    scheduler: clock,
  });
  let settled = false;
  const response = handler(
    await signer.request(commandInteraction({ name: "boom" })),
  ).finally(() => settled = true);
  await turns(10);
  assert.equal(settled, true, "not answered before the deadline");
  const answered = await response;
  assert.equal(answered.status, 500);
  assert.equal(await answered.text(), "The interaction handler failed");
  assert.deepEqual(errors.map((e) => e.kind), ["handler_failed"]);
  assert.equal(clock.pending, 0);
});
