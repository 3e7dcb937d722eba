import assert from "node:assert/strict";
import { InvalidRequestGuard } from "../../rest/invalid_requests.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

/** A constructor call with odd options, and the error it must throw. */
type Case = [
  call: string,
  build: () => unknown,
  error: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor,
  message: RegExp,
];

const clock = new VirtualScheduler();
const guard = (options: unknown) => () =>
  new InvalidRequestGuard(options as never);

// Each of these was accepted (and failed at the first record() or check())
// or failed with the runtime's own message ("Cannot read properties of
// null", "Cannot convert a Symbol value to a string").
const CASES: Case[] = [
  [
    "guard without options",
    guard(undefined),
    TypeError,
    /^Cannot create invalid-request guard as 'options' must be an object: current value 'options=undefined'$/,
  ],
  [
    "guard with null options",
    guard(null),
    TypeError,
    /^Cannot create invalid-request guard as 'options' must be an object: current value 'options=null'$/,
  ],
  [
    "guard without a scheduler",
    guard({}),
    TypeError,
    /^Cannot create invalid-request guard as 'scheduler' must be a Scheduler .*: current value 'scheduler=undefined'$/,
  ],
  [
    "guard with scheduler {}",
    guard({ scheduler: {} }),
    TypeError,
    /^Cannot create invalid-request guard as 'scheduler' must be a Scheduler .*: current value 'scheduler=object'$/,
  ],
  [
    "guard with onLimit 5",
    guard({ scheduler: clock, onLimit: 5 }),
    TypeError,
    /^Cannot create invalid-request guard as 'onLimit' must be a function: current value 'onLimit=number'$/,
  ],
  [
    "guard with onLimit null",
    guard({ scheduler: clock, onLimit: null }),
    TypeError,
    /^Cannot create invalid-request guard as 'onLimit' must be a function: current value 'onLimit=object'$/,
  ],
  [
    "guard with a Symbol limit",
    guard({ scheduler: clock, limit: Symbol("s") }),
    RangeError,
    /^Cannot create invalid-request guard as 'limit' must be an integer in 1\.\.10000: current value 'limit=Symbol\(s\)'$/,
  ],
  [
    "REST client with a Symbol invalidRequestLimit",
    () =>
      new RestClient({
        token: "a.b.c",
        invalidRequestLimit: Symbol("s") as never,
      }),
    RangeError,
    /'limit=Symbol\(s\)'$/,
  ],
];

for (const [call, build, error, message] of CASES) {
  Deno.test(`Odd option refused with its own message: ${call}`, () => {
    assert.throws(build, (thrown: unknown) => {
      assert.ok(thrown instanceof error, `${call}: ${thrown}`);
      assert.match((thrown as Error).message, message);
      return true;
    });
  });
}

Deno.test("a request's signal that is no AbortSignal is refused before anything is sent: a falsy one was read as none", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  for (const signal of [0, "", null, new AbortController()]) {
    await assert.rejects(
      rest.request("GET", "/users/@me", { signal: signal as never }),
      {
        name: "TypeError",
        message: /^Cannot send request as 'signal' must be an AbortSignal/,
      },
    );
  }
  assert.equal(fake.requests.length, 0);
});
