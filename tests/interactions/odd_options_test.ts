import assert from "node:assert/strict";
import { awaitMessage } from "../../interactions/await_message.ts";
import {
  interactionsEndpoint,
  type InteractionsEndpointOptions,
} from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { syncCommands } from "../../interactions/sync.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

/** A call with odd options, and the error it must throw or reject with. */
type Case = [
  call: string,
  run: () => unknown,
  error: RangeErrorConstructor | TypeErrorConstructor,
  message: RegExp,
];

const publicKey = "ab".repeat(32);

/** An endpoint with one option set (as JavaScript could). */
const endpoint = (options: Record<string, unknown>) => () =>
  interactionsEndpoint({
    publicKey,
    router: new InteractionRouter(),
    rest: new RestClient({ token: "t" }),
    ...options,
  } as unknown as InteractionsEndpointOptions);

/** A message source that never sends one. */
const source = { on: () => () => {} };

const rest = (): RestClient =>
  new RestClient({ token: "t", fetch: new FakeRest().fetch });

// Each was accepted (and failed at the first timer, error or request,
// or read a falsy one as "not set") or failed with the runtime's own
// message ("Cannot read properties of undefined", "Cannot convert a Symbol
// value to a string").
const CASES: Case[] = [
  [
    "router scheduler {}",
    () => new InteractionRouter({ scheduler: {} as never }),
    TypeError,
    /^Cannot create interaction router as 'scheduler' must be a Scheduler .*'scheduler=object'$/,
  ],
  [
    "router scheduler null",
    () => new InteractionRouter({ scheduler: null as never }),
    TypeError,
    /^Cannot create interaction router as 'scheduler' must be a Scheduler .*'scheduler=null'$/,
  ],
  [
    "router onError 5",
    () => new InteractionRouter({ onError: 5 as never }),
    TypeError,
    /^Cannot create interaction router as 'onError' must be a function: current value 'onError=number'$/,
  ],
  [
    "endpoint without options",
    () => interactionsEndpoint(undefined as never),
    TypeError,
    /^Cannot create interactions endpoint as 'options' must be an object: current value 'options=undefined'$/,
  ],
  [
    "endpoint scheduler 5",
    endpoint({ scheduler: 5 }),
    TypeError,
    /^Cannot create interactions endpoint as 'scheduler' must be a Scheduler .*'scheduler=5'$/,
  ],
  [
    "endpoint clock {}",
    endpoint({ clock: {} }),
    TypeError,
    /^Cannot create interactions endpoint as 'clock' must be a function: current value 'clock=object'$/,
  ],
  [
    "endpoint rest {}",
    endpoint({ rest: {} }),
    TypeError,
    /^Cannot create interactions endpoint as 'rest' must be a RestClient .*: current value 'rest=object'$/,
  ],
  [
    "endpoint rest as a token string (never shown)",
    endpoint({ rest: "a.b.c" }),
    TypeError,
    /'rest=string'$/,
  ],
  [
    "awaitMessage null options",
    () => awaitMessage(source, null as never),
    TypeError,
    /^Cannot create message wait as 'options' must be an object: current value 'options=null'$/,
  ],
  [
    "awaitMessage Symbol timeout",
    () => awaitMessage(source, { timeout: Symbol("s") as never }),
    RangeError,
    /^Cannot create message wait as 'timeout' must be an integer .*'timeout=Symbol\(s\)'$/,
  ],
  [
    "awaitComponent Symbol timeout",
    () =>
      new InteractionRouter().awaitComponent({ timeout: Symbol("s") as never }),
    RangeError,
    /^Cannot create component wait as 'timeout' must be an integer .*'timeout=Symbol\(s\)'$/,
  ],
  [
    "syncCommands null options",
    () => syncCommands(rest(), [], null as never),
    TypeError,
    /^Cannot sync commands as 'options' must be an object: current value 'options=null'$/,
  ],
  [
    "syncCommands signal 0",
    () => syncCommands(rest(), [], { signal: 0 as never }),
    TypeError,
    /^Cannot sync commands as 'signal' must be an AbortSignal: current value 'signal=0'$/,
  ],
  [
    "syncCommands signal {}",
    () => syncCommands(rest(), [], { signal: {} as never }),
    TypeError,
    /^Cannot sync commands as 'signal' must be an AbortSignal: current value 'signal=object'$/,
  ],
  [
    "syncCommands signal an AbortController",
    () => syncCommands(rest(), [], { signal: new AbortController() as never }),
    TypeError,
    /AbortSignal \(pass the controller's \.signal\): current value 'signal=AbortController'$/,
  ],
];

for (const [call, run, error, message] of CASES) {
  Deno.test(`Odd option refused with its own message: ${call}`, async () => {
    // Thrown at once or a rejection: both are checked the same way.
    await assert.rejects(async () => await run(), (thrown: unknown) => {
      assert.ok(thrown instanceof error, `${call}: ${thrown}`);
      assert.match((thrown as Error).message, message);
      return true;
    });
  });
}
