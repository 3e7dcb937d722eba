// The HTTP endpoint bounds the body bytes it holds across every request
// whose body is being read (before its signature is checked, a body is
// anyone's): past `maxBufferedBodyBytes` a request is answered 503, said
// once per burst, and every reservation is given back once read. Only bytes
// that arrived count, and a share is kept for small bodies.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { command } from "../../interactions/commands.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

const ping = command({ name: "ping", description: "Ping" });

/** An endpoint on a virtual clock whose /ping answers "pong". */
async function budgetEndpoint(
  limits: { maxBodySize?: number; maxBufferedBodyBytes?: number },
): Promise<{
  signer: InteractionSigner;
  handler: (request: Request) => Promise<Response>;
}> {
  const clock = new VirtualScheduler();
  const signer = await InteractionSigner.create();
  const router = new InteractionRouter({ scheduler: clock })
    .command(ping, (_, ctx) => ctx.respond("pong"));
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest: new RestClient({ token: "t", fetch: new FakeRest({}).fetch }),
    scheduler: clock,
    ...limits,
  });
  return { signer, handler };
}

/**
 * An unsigned request (well-formed signature headers that do not verify)
 * whose body's first `size` bytes have arrived (none for 0) and whose end
 * waits for `finish()`, as a slow sender's; with `declared`, its
 * Content-Length.
 */
function heldRequest(size: number, declared?: number): {
  request: Request;
  headers: Record<string, string>;
  finish: () => void;
  cancelled: () => boolean;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c): void {
      controller = c;
      if (size > 0) c.enqueue(new Uint8Array(size).fill(0x79));
    },
    cancel(): void {
      cancelled = true;
    },
  });
  const headers: Record<string, string> = {
    "x-signature-ed25519": "ab".repeat(64),
    "x-signature-timestamp": "1",
  };
  const length = declared === undefined
    ? {}
    : { "content-length": String(declared) };
  return {
    request: new Request("http://x/", {
      method: "POST",
      headers: { ...headers, ...length },
      body,
    }),
    headers,
    finish: () => {
      if (!cancelled) controller.close();
    },
    cancelled: () => cancelled,
  };
}

/** How many records' messages match `pattern`. */
function count(records: LogRecord[], pattern: RegExp): number {
  return records.filter((r) => pattern.test(r.message.join(""))).length;
}

Deno.test("endpoint answers 503 to the requests whose bodies would pass maxBufferedBodyBytes with the others being read, gives every byte back once they are read (the same burst again gets the same answers), and answers a signed request after it", async () => {
  await withLogRecords(async (records) => {
    const { signer, handler } = await budgetEndpoint({
      maxBodySize: 1000,
      maxBufferedBodyBytes: 3000,
    });
    for (let round = 1; round <= 2; round++) {
      const held = Array.from({ length: 6 }, () => heldRequest(600));
      const statuses: (number | undefined)[] = held.map(() => undefined);
      const answers = held.map(({ request }, i) =>
        handler(request).then((response) => {
          statuses[i] = response.status;
          return response;
        })
      );
      await new VirtualScheduler().flushMicrotasks();
      // 600 bytes each: four hold 2400 of the 3000, and leave the oldest
      // the 400 it may still need to reach maxBodySize; the fifth and the
      // sixth would not, and are refused at once, their bodies cancelled.
      assert.deepEqual(
        statuses,
        [undefined, undefined, undefined, undefined, 503, 503],
        `round ${round}`,
      );
      assert.deepEqual(held.map((h) => h.cancelled()), [
        false,
        false,
        false,
        false,
        true,
        true,
      ]);
      for (const h of held) h.finish();
      const done = await Promise.all(answers);
      // Read in full, the four fail their signature check.
      assert.deepEqual(
        done.map((r) => r.status),
        [401, 401, 401, 401, 503, 503],
      );
      await Promise.all(done.map((r) => r.body?.cancel()));
    }
    // Once per burst, not per request, and the end of each said once its
    // bytes were all given back.
    assert.equal(count(records, /answered 503 until those are read/), 2);
    assert.equal(
      count(records, /are all read: 2 requests were answered 503/),
      2,
    );

    const answer = await handler(
      await signer.request(commandInteraction({ id: "7" })),
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), {
      type: 4,
      data: { content: "pong" },
    });
  }, "info");
});

Deno.test("endpoint counts the bytes that arrived, not a Content-Length: header-only requests declaring the largest body do not get a signed request answered 503", async () => {
  const { signer, handler } = await budgetEndpoint({
    maxBodySize: 1000,
    maxBufferedBodyBytes: 3000,
  });
  // Declared, their 10,000 bytes would fill the budget ten times over; not
  // a byte of them came.
  const held = Array.from({ length: 10 }, () => heldRequest(0, 1000));
  const answers = held.map(({ request }) => handler(request));
  await new VirtualScheduler().flushMicrotasks();
  assert.deepEqual(held.map((h) => h.cancelled()), held.map(() => false));
  const answer = await handler(
    await signer.request(commandInteraction({ id: "9" })),
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), {
    type: 4,
    data: { content: "pong" },
  });
  for (const h of held) h.finish();
  for (const done of await Promise.all(answers)) {
    assert.equal(done.status, 401);
    await done.body?.cancel();
  }
});

Deno.test("endpoint answers 503 without a byte read a request with a Content-Length that comes when the bodies that arrived fill the budget", async () => {
  const { handler } = await budgetEndpoint({
    maxBodySize: 1000,
    maxBufferedBodyBytes: 3000,
  });
  // 2500 of the 3000 arrived, and the oldest body may still need 500 more:
  // nothing is left for another.
  const held = [500, 1000, 1000].map((size) => heldRequest(size, 1000));
  const answers = held.map(({ request }) => handler(request));
  await new VirtualScheduler().flushMicrotasks();
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller): void {
      pulled++;
      controller.enqueue(new Uint8Array(500));
    },
    cancel(): void {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  const refused = await handler(
    new Request("http://x/", {
      method: "POST",
      headers: { ...held[0]!.headers, "content-length": "500" },
      body,
    }),
  );
  assert.equal(refused.status, 503);
  await refused.body?.cancel();
  assert.equal(pulled, 0, "no byte of it was read");
  assert.equal(cancelled, true);
  for (const h of held) h.finish();
  for (const answer of await Promise.all(answers)) {
    assert.equal(answer.status, 401);
    await answer.body?.cancel();
  }
});

Deno.test("endpoint keeps a share of maxBufferedBodyBytes for small bodies: slow senders of large bodies that fill the rest do not get a signed request answered 503", async () => {
  const { signer, handler } = await budgetEndpoint({
    maxBodySize: 200_000,
    maxBufferedBodyBytes: 800_000,
  });
  // Bodies of 150,000 bytes that arrived (and whose end never comes) share
  // 700,000 of the 800,000: four, while the oldest may reach 200,000.
  const held = Array.from({ length: 8 }, () => heldRequest(150_000));
  const statuses: (number | undefined)[] = held.map(() => undefined);
  const answers = held.map(({ request }, i) =>
    handler(request).then((response) => {
      statuses[i] = response.status;
      return response;
    })
  );
  await new VirtualScheduler().flushMicrotasks();
  assert.deepEqual(statuses, [
    ...[undefined, undefined, undefined, undefined],
    ...[503, 503, 503, 503],
  ]);
  // Discord's few hundred bytes are held in the kept 100,000.
  const answer = await handler(
    await signer.request(commandInteraction({ id: "10" })),
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), {
    type: 4,
    data: { content: "pong" },
  });
  for (const h of held) h.finish();
  for (const done of await Promise.all(answers)) await done.body?.cancel();
});

Deno.test("endpoint with maxBufferedBodyBytes equal to maxBodySize still takes one body of that size", async () => {
  const { signer, handler } = await budgetEndpoint({
    maxBodySize: 2000,
    maxBufferedBodyBytes: 2000,
  });
  const payload = commandInteraction({ id: "8", padding: "p".repeat(1500) });
  const answer = await handler(await signer.request(payload));
  assert.equal(answer.status, 200);
  await answer.body?.cancel();
});

Deno.test("interactionsEndpoint refuses a maxBufferedBodyBytes that is not an integer, or is below maxBodySize (every body of that size would get 503)", async () => {
  for (const value of [NaN, 0, -1, 1.5, "4000", Infinity]) {
    await assert.rejects(
      () => budgetEndpoint({ maxBufferedBodyBytes: value as number }),
      {
        name: "RangeError",
        message:
          `Cannot create interactions endpoint as 'maxBufferedBodyBytes' must be an integer >= 1: current value 'maxBufferedBodyBytes=${
            typeof value === "string" ? JSON.stringify(value) : String(value)
          }'`,
      },
    );
  }
  await assert.rejects(
    () => budgetEndpoint({ maxBodySize: 1000, maxBufferedBodyBytes: 999 }),
    {
      name: "RangeError",
      message:
        "Cannot create interactions endpoint as 'maxBufferedBodyBytes' must be at least 'maxBodySize' (1000), or every body of that size is answered 503: current value 'maxBufferedBodyBytes=999'",
    },
  );
  // Its default follows a maxBodySize above 32 MiB.
  await budgetEndpoint({ maxBodySize: Number.MAX_SAFE_INTEGER });
  await budgetEndpoint({ maxBodySize: 1, maxBufferedBodyBytes: 1 });
});

Deno.test("endpoint answers 413 at once a request whose Content-Length is over maxBodySize, without waiting for its body", async () => {
  const { handler } = await budgetEndpoint({ maxBodySize: 1000 });
  const { request, finish } = heldRequest(0, 1001);
  let answered: Response | undefined;
  const answer = handler(request).then((response) => answered = response);
  await new VirtualScheduler().flushMicrotasks();
  // Not a byte of it came, and it is refused all the same.
  assert.equal(answered?.status, 413);
  assert.equal(await answered?.text(), "Payload Too Large");
  finish();
  await answer;
});
