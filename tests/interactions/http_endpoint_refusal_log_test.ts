// Requests refused before their signature checks out (no signature headers,
// a bad signature, a body that did not arrive in time) can come from anyone,
// and a signed one that is stale or replayed from anyone who once saw it:
// a flood of them is logged as the 503s are, the first of a burst and then
// its count, not a line each; one after a quiet time is said again.
import assert from "node:assert/strict";
import { command } from "../../interactions/commands.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { commandInteraction } from "../_fakes/interactions.ts";

const ping = command({ name: "ping", description: "Ping" });

/**
 * An endpoint on a virtual clock whose /ping answers "pong"; signed
 * timestamps are checked against `wall` (default: the real clock).
 */
async function refusingEndpoint(
  wall?: (clock: VirtualScheduler) => number,
): Promise<{
  clock: VirtualScheduler;
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
    ...(wall ? { clock: () => wall(clock) } : {}),
  });
  return { clock, signer, handler };
}

/** A request with well-formed signature headers that do not verify. */
function forged(): Request {
  return new Request("http://x/", {
    method: "POST",
    body: "x",
    headers: {
      "x-signature-ed25519": "ab".repeat(64),
      "x-signature-timestamp": "1",
    },
  });
}

/** A request without signature headers. */
function unsigned(): Request {
  return new Request("http://x/", { method: "POST", body: "x" });
}

/** Send `count` requests made by `make`, each answered `status`. */
async function flood(
  handler: (request: Request) => Promise<Response>,
  make: () => Request,
  count: number,
  status: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await handler(make());
    assert.equal(response.status, status);
    await response.body?.cancel();
  }
}

Deno.test("endpoint logs a flood of requests with a bad signature, or without signature headers, once and then its count; one after a quiet time is said again", async () => {
  await withLogRecords(async (records) => {
    const { clock, signer, handler } = await refusingEndpoint();
    await flood(handler, forged, 500, 401);
    await flood(handler, unsigned, 300, 401);
    assert.deepEqual(linesSaying(records, "bad signature"), [
      "Interaction request with a bad signature refused (said once a minute at most, then how many more came)",
    ]);
    assert.deepEqual(linesSaying(records, "signature header"), [
      "Interaction request without a valid signature header refused (said once a minute at most, then how many more came)",
    ]);

    // A minute on, any request says the count of the bursts now over.
    await clock.advance(60_000);
    const answer = await handler(
      await signer.request(commandInteraction({ id: "7" })),
    );
    assert.equal(answer.status, 200);
    await answer.body?.cancel();
    assert.deepEqual(linesSaying(records, "more interaction requests"), [
      "299 more interaction requests without a valid signature header were refused within 60000 ms of the first",
      "499 more interaction requests with a bad signature were refused within 60000 ms of the first",
    ]);

    // After the quiet time, a single one is said again.
    await flood(handler, forged, 1, 401);
    assert.equal(
      linesSaying(records, "with a bad signature refused").length,
      2,
    );
    assert.equal(records.length, 5);
  });
});

Deno.test("endpoint logs a flood of requests whose bodies did not arrive in time once and then its count", async () => {
  await withLogRecords(async (records) => {
    const { clock, handler } = await refusingEndpoint();
    const slow = Array.from({ length: 20 }, () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller): void {
          controller.enqueue(new Uint8Array([0x7b])); // then nothing
        },
      });
      return handler(
        new Request("http://x/", {
          method: "POST",
          body,
          headers: {
            "x-signature-ed25519": "ab".repeat(64),
            "x-signature-timestamp": "1",
          },
        }),
      );
    });
    await clock.advance(3000);
    const answers = await Promise.all(slow);
    assert.deepEqual(answers.map((r) => r.status), Array(20).fill(408));
    await Promise.all(answers.map((r) => r.body?.cancel()));
    assert.deepEqual(linesSaying(records, "did not arrive"), [
      "Interaction request whose body did not arrive within 3000 ms refused (said once a minute at most, then how many more came)",
    ]);
    await clock.advance(60_000);
    await flood(handler, unsigned, 1, 401);
    assert.deepEqual(linesSaying(records, "more interaction requests"), [
      "19 more interaction requests whose body did not arrive within 3000 ms were refused within 60000 ms of the first",
    ]);
    assert.equal(clock.pending, 0);
  });
});

Deno.test("endpoint logs a flood of stale or replayed signed requests once and then its count; one after a quiet time is said again", async () => {
  await withLogRecords(async (records) => {
    const start = 1_700_000_000_000;
    const { clock, signer, handler } = await refusingEndpoint((c) =>
      start + c.now()
    );
    const seconds = (): number => (start + clock.now()) / 1000;
    // A request captured long ago, and one captured now: sent again and again.
    const stale = (): Promise<Request> =>
      signer.request(commandInteraction({ id: "1" }), {
        timestamp: seconds() - 1000,
      });
    const signedAt = seconds();
    const replay = (): Promise<Request> =>
      signer.request(commandInteraction({ id: "2" }), { timestamp: signedAt });
    const first = await handler(await replay());
    assert.equal(first.status, 200);
    await first.body?.cancel();
    for (let i = 0; i < 300; i++) {
      const old = await handler(await stale());
      assert.equal(await old.text(), "stale request timestamp");
      const again = await handler(await replay());
      assert.equal(await again.text(), "replayed request");
    }
    assert.deepEqual(linesSaying(records, "stale"), [
      "Interaction request with a stale timestamp refused (said once a minute at most, then how many more came)",
    ]);
    assert.deepEqual(linesSaying(records, "already taken"), [
      "Interaction request replaying an interaction already taken refused (said once a minute at most, then how many more came)",
    ]);

    // A minute on, the next request says the bursts' counts; a stale one
    // and a replayed one are each said again.
    await clock.advance(60_000);
    const later = await handler(await stale());
    assert.equal(later.status, 401);
    await later.body?.cancel();
    assert.deepEqual(linesSaying(records, "more interaction requests"), [
      "299 more interaction requests with a stale timestamp were refused within 60000 ms of the first",
      "299 more interaction requests replaying an interaction already taken were refused within 60000 ms of the first",
    ]);
    const now = seconds();
    const fresh = (): Promise<Request> =>
      signer.request(commandInteraction({ id: "3" }), { timestamp: now });
    const taken = await handler(await fresh());
    assert.equal(taken.status, 200);
    await taken.body?.cancel();
    const replayed = await handler(await fresh());
    assert.equal(replayed.status, 401);
    await replayed.body?.cancel();
    assert.equal(linesSaying(records, "stale timestamp refused").length, 2);
    assert.equal(linesSaying(records, "already taken refused").length, 2);
    assert.equal(records.length, 6);
  });
});
