// A fetch rejecting with a value no String() can read still fails the
// request with a NetworkError (not a TypeError), its text never naming the
// token.
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

Deno.test("RestClient: a fetch rejecting with a Proxy that throws when read, its only text naming the token, fails without showing the token", async () => {
  const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.tokenpart";
  const clock = new VirtualScheduler();
  // Unreadable as an Error (getPrototypeOf throws), so the redaction falls
  // back to the text Object.prototype.toString gives: the tag, with the token.
  const hostile = new Proxy({}, {
    getPrototypeOf(): never {
      throw new Error("trap");
    },
    get(_target, key): string | undefined {
      return key === Symbol.toStringTag
        ? `fetch to https://discord.com/api/webhooks/1/${token}`
        : undefined;
    },
  });
  const rest = new RestClient({
    token,
    scheduler: clock,
    maxRetries: 0,
    fetch: () => Promise.reject(hostile),
  });
  let failure: unknown;
  const done = rest.getGateway().catch((error) => failure = error);
  for (let i = 0; i < 50 && failure === undefined; i++) {
    await clock.advance(1000);
  }
  await done;
  assert.ok(failure instanceof NetworkError, String(failure));
  for (const text of [String(failure), failure.stack, String(failure.cause)]) {
    assert.ok(!String(text).includes("secret.tokenpart"), text);
  }
});
