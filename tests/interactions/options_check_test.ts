import assert from "node:assert/strict";
import {
  interactionsEndpoint,
  type InteractionsEndpointOptions,
} from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { MAX_TIMER_DELAY } from "../../base/scheduler.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const publicKey = "ab".repeat(32);

/** Build an endpoint with one number option set (as JavaScript could). */
function endpointWith(name: string, value: unknown): void {
  interactionsEndpoint({
    publicKey,
    router: new InteractionRouter(),
    rest: new RestClient({ token: "t" }),
    [name]: value,
  } as unknown as InteractionsEndpointOptions);
}

const show = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value) : String(value);

Deno.test("interactionsEndpoint refuses a maxBodySize that is not a positive integer (NaN made the body read loop until out of memory)", () => {
  for (const value of [NaN, 0, -1, 1.5, Infinity, "1024", 2 ** 53]) {
    assert.throws(
      () => endpointWith("maxBodySize", value),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message ===
          `Cannot create interactions endpoint as 'maxBodySize' must be an integer >= 1: current value 'maxBodySize=${
            show(value)
          }'`,
      `maxBodySize=${show(value)}`,
    );
  }
});

Deno.test("interactionsEndpoint refuses maxAge, maxRemembered and answerDeadline out of range instead of turning replay protection off or refusing everything", () => {
  const cases: [string, unknown, string][] = [
    ["maxAge", NaN, "an integer from 1 to 86400"],
    ["maxAge", -1, "an integer from 1 to 86400"],
    ["maxAge", 0, "an integer from 1 to 86400"],
    ["maxAge", 2.5, "an integer from 1 to 86400"],
    ["maxAge", "300", "an integer from 1 to 86400"],
    ["maxAge", 86_401, "an integer from 1 to 86400"],
    ["maxRemembered", 0, "an integer >= 1"],
    ["maxRemembered", NaN, "an integer >= 1"],
    ["maxRemembered", -5, "an integer >= 1"],
    ["answerDeadline", NaN, `an integer from 1 to ${MAX_TIMER_DELAY}`],
    ["answerDeadline", 0, `an integer from 1 to ${MAX_TIMER_DELAY}`],
    ["answerDeadline", 2 ** 31, `an integer from 1 to ${MAX_TIMER_DELAY}`],
  ];
  for (const [name, value, rule] of cases) {
    assert.throws(
      () => endpointWith(name, value),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message ===
          `Cannot create interactions endpoint as '${name}' must be ${rule}: current value '${name}=${
            show(value)
          }'`,
      `${name}=${show(value)}`,
    );
  }
});

Deno.test("interactionsEndpoint accepts each number option at the ends of its range, and an endpoint with maxBodySize 1 answers a larger body 413", async () => {
  for (
    const [name, value] of [
      ["maxAge", 1],
      ["maxAge", 86_400],
      ["answerDeadline", 1],
      ["answerDeadline", MAX_TIMER_DELAY],
      ["maxBodySize", 1],
      ["maxBodySize", Number.MAX_SAFE_INTEGER],
      ["maxRemembered", 1],
      ["maxAge", undefined],
    ] as const
  ) {
    endpointWith(name, value);
  }
  const signer = await InteractionSigner.create();
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router: new InteractionRouter(),
    rest: new RestClient({ token: "t" }),
    maxBodySize: 1,
  });
  const response = await handler(await signer.request({ type: 1, id: "1" }));
  assert.equal(response.status, 413);
  await response.body?.cancel();
});

Deno.test("InteractionRouter refuses an answerDeadline that is not an integer a timer can hold (NaN answered every command at once)", () => {
  for (const value of [NaN, 0, -1, 1.5, 2 ** 31, "3000", Infinity]) {
    assert.throws(
      () =>
        new InteractionRouter({
          answerDeadline: value as number,
        }),
      (error: unknown) =>
        error instanceof RangeError &&
        error.message ===
          `Cannot create interaction router as 'answerDeadline' must be an integer from 1 to ${MAX_TIMER_DELAY}: current value 'answerDeadline=${
            show(value)
          }'`,
      `answerDeadline=${show(value)}`,
    );
  }
  new InteractionRouter({ answerDeadline: 1 });
  new InteractionRouter({ answerDeadline: MAX_TIMER_DELAY });
});

Deno.test("interactionsEndpoint and InteractionRouter refuse a key that is not one of their options, naming the nearest", () => {
  assert.throws(() => endpointWith("maxage", 60), {
    name: "TypeError",
    message:
      "Cannot create interactions endpoint as 'maxage' is not one of its options (did you mean 'maxAge'?)",
  });
  assert.throws(() => endpointWith("answerDeadLine", 1000), {
    name: "TypeError",
    message:
      "Cannot create interactions endpoint as 'answerDeadLine' is not one of its options (did you mean 'answerDeadline'?)",
  });
  assert.throws(
    () => new InteractionRouter({ onerror: () => {} } as never),
    {
      name: "TypeError",
      message:
        "Cannot create interaction router as 'onerror' is not one of its options (did you mean 'onError'?)",
    },
  );
  assert.throws(() => new InteractionRouter(null as never), {
    name: "TypeError",
    message:
      "Cannot create interaction router as 'options' must be an object: current value 'options=null'",
  });
  // Every documented option is taken.
  new InteractionRouter({
    scheduler: new VirtualScheduler(),
    onError: () => {},
    answerDeadline: 1000,
  });
  interactionsEndpoint({
    publicKey,
    router: new InteractionRouter(),
    rest: new RestClient({ token: "t" }),
    scheduler: new VirtualScheduler(),
    clock: Date.now,
    maxAge: 60,
    answerDeadline: 1000,
    maxBodySize: 1024,
    maxRemembered: 10,
  });
});
