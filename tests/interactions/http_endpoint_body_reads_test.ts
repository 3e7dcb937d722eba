// The HTTP endpoint bounds how many request bodies it reads at once (each
// pending read holds buffers that its byte budget does not see): a request
// that comes while 1,024 are being read is answered 503 before a byte of
// its body is read (said once per burst), and once they are read requests
// are served again.
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

/** The most bodies read at once (the endpoint's MAX_BODY_READS). */
const MAX_BODY_READS = 1024;

/**
 * An unsigned request (well-formed signature headers that do not verify)
 * declaring a 1,000-byte body of which nothing arrived, as an idle
 * connection's: its end waits for `finish()`.
 */
function idleRequest(): {
  request: Request;
  finish: () => void;
  cancelled: () => boolean;
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c): void {
      controller = c;
    },
    cancel(): void {
      cancelled = true;
    },
  });
  return {
    request: new Request("http://x/", {
      method: "POST",
      headers: {
        "x-signature-ed25519": "ab".repeat(64),
        "x-signature-timestamp": "1",
        "content-length": "1000",
      },
      body,
    }),
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

Deno.test("endpoint reads at most 1,024 bodies at once: a request past them is answered 503 before a byte of its body is read, said once per burst, and a request after the reads end is served", async () => {
  await withLogRecords(async (records) => {
    const clock = new VirtualScheduler();
    const signer = await InteractionSigner.create();
    const router = new InteractionRouter({ scheduler: clock })
      .command(ping, (_, ctx) => ctx.respond("pong"));
    const handler = interactionsEndpoint({
      publicKey: signer.publicKey,
      router,
      rest: new RestClient({ token: "t", fetch: new FakeRest({}).fetch }),
      scheduler: clock,
    });
    // 1,024 idle bodies: 1,024 bytes taken of the default 32 MiB, but every
    // read there is.
    const held = Array.from({ length: MAX_BODY_READS }, () => idleRequest());
    const answers = held.map(({ request }) => handler(request));
    await clock.flushMicrotasks();
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
        headers: {
          "x-signature-ed25519": "ab".repeat(64),
          "x-signature-timestamp": "1",
          "content-length": "500",
        },
        body,
      }),
    );
    assert.equal(refused.status, 503);
    await refused.body?.cancel();
    assert.equal(pulled, 0, "no byte of it was read");
    assert.equal(cancelled, true);
    // A signed one too: it cannot be told apart before it is read.
    const signed = await handler(
      await signer.request(commandInteraction({ id: "1" })),
    );
    assert.equal(signed.status, 503);
    await signed.body?.cancel();
    assert.equal(count(records, /bodies are being read: requests are/), 1);
    assert.deepEqual(held.map((h) => h.cancelled()), held.map(() => false));
    for (const h of held) h.finish();
    for (const done of await Promise.all(answers)) {
      assert.equal(done.status, 401);
      await done.body?.cancel();
    }
    assert.equal(count(records, /are all read: 2 requests were answered/), 1);
    const answer = await handler(
      await signer.request(commandInteraction({ id: "2" })),
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), {
      type: 4,
      data: { content: "pong" },
    });
  }, "info");
});
