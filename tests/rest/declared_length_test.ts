// An answer's declared Content-Length against maxResponseBytes: one at the
// cap is read (the cap is the largest body taken, not the first refused),
// and one above it is refused unread with its body cancelled, so a hostile
// server's endless body holds no connection open behind the error.
import assert from "node:assert/strict";
import { ResponseTooLargeError } from "../../rest/errors.ts";
import { RestClient } from "../../rest/rest_client.ts";

const TOKEN = "bot.T0KEN-secret_value";

Deno.test("RestClient reads an answer whose Content-Length is exactly maxResponseBytes", async () => {
  const text = JSON.stringify({ url: "wss://gateway.example" });
  const bytes = new TextEncoder().encode(text);
  const rest = new RestClient({
    token: TOKEN,
    maxResponseBytes: bytes.length,
    fetch: () =>
      Promise.resolve(
        new Response(bytes, {
          headers: { "content-length": String(bytes.length) },
        }),
      ),
  });
  assert.deepEqual(await rest.getGateway(), { url: "wss://gateway.example" });
});

Deno.test("RestClient cancels the body of an answer whose Content-Length is above maxResponseBytes", async () => {
  const cancelled: unknown[] = [];
  let pulled = 0;
  const rest = new RestClient({
    token: TOKEN,
    maxResponseBytes: 1024,
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller): void {
              pulled++;
              controller.enqueue(new Uint8Array(16));
            },
            cancel(reason): void {
              cancelled.push(reason);
            },
          }, { highWaterMark: 0 }),
          { status: 200, headers: { "content-length": "1025" } },
        ),
      ),
  });
  const error = await rest.getGateway().catch((e) => e);
  assert.ok(error instanceof ResponseTooLargeError, String(error));
  assert.equal(error.bytes, 1025);
  assert.equal(error.limit, 1024);
  assert.equal(pulled, 0);
  assert.equal(cancelled.length, 1);
});
