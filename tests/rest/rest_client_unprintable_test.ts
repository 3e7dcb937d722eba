import assert from "node:assert/strict";
import { NetworkError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("RestClient: a fetch rejecting with an object without a prototype is a NetworkError after its retries", async () => {
  const clock = new VirtualScheduler();
  let calls = 0;
  const rest = new RestClient({
    token: "t",
    scheduler: clock,
    maxRetries: 2,
    fetch: () => {
      calls++;
      return Promise.reject(Object.create(null));
    },
  });
  let failure: unknown;
  const done = rest.getGateway().catch((error) => failure = error);
  for (let i = 0; i < 50 && failure === undefined; i++) {
    await clock.advance(1000);
  }
  await done;
  assert.ok(failure instanceof NetworkError, String(failure));
  assert.equal(calls, 3);
});

Deno.test("RestClient: a fetch rejecting with a Proxy that throws on every read is a NetworkError after its retries", async () => {
  const clock = new VirtualScheduler();
  let calls = 0;
  const hostile = new Proxy({}, {
    getPrototypeOf(): never {
      throw new Error("trap");
    },
    get(): never {
      throw new Error("trap");
    },
  });
  const rest = new RestClient({
    token: "t",
    scheduler: clock,
    maxRetries: 2,
    fetch: () => {
      calls++;
      return Promise.reject(hostile);
    },
  });
  let failure: unknown;
  const done = rest.getGateway().catch((error) => failure = error);
  for (let i = 0; i < 50 && failure === undefined; i++) {
    await clock.advance(1000);
  }
  await done;
  assert.ok(failure instanceof NetworkError, String(failure));
  assert.equal(calls, 3);
});
