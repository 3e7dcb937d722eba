// A file stream that fails while it is read (errors halfway, or is already
// locked) fails its call with an UploadError naming the file, the stream's
// error its cause, as the client documents; it used to reject with the raw
// error. An abort still rejects with its reason, as it is.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { UploadError } from "../../rest/uploads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

function client(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest({ token: "t" });
  return { fake, rest: new RestClient({ token: "t", fetch: fake.fetch }) };
}

Deno.test("a file stream that errors halfway fails with an UploadError naming the file, its error the cause; nothing is sent", async () => {
  const { fake, rest } = client();
  const gone = new Error("disk gone");
  let pulls = 0;
  const data = new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(10));
      else controller.error(gone);
    },
  });
  await assert.rejects(
    rest.createMessage("1", { content: "x" }, {
      files: [{ name: "ok.txt", data: "fine" }, { name: "e.txt", data }],
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      error.message ===
        "Cannot upload 'e.txt' as its 'data' stream could not be read, so nothing was sent: current error 'disk gone'" &&
      error.cause === gone,
  );
  assert.equal(fake.requests.length, 0);
});

Deno.test("a file stream already locked fails with an UploadError naming the file; nothing is sent", async () => {
  const { fake, rest } = client();
  const data = new Blob(["locked"]).stream();
  const reader = data.getReader();
  await assert.rejects(
    rest.createMessage("1", { content: "x" }, {
      files: [{ name: "locked.txt", data }],
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      /^Cannot upload 'locked\.txt' as its 'data' stream could not be read/
        .test(error.message) &&
      error.cause instanceof TypeError,
  );
  reader.releaseLock();
  assert.equal(fake.requests.length, 0);
});

Deno.test("an abort while a file stream is read rejects with the signal's reason, as it is; nothing is sent", async () => {
  const { fake, rest } = client();
  const controller = new AbortController();
  let cancelled = false;
  const data = new ReadableStream<Uint8Array>({
    pull(): Promise<void> {
      // Abort once the read is under way, then never deliver.
      controller.abort(reason);
      return new Promise(() => {});
    },
    cancel(): void {
      cancelled = true;
    },
  });
  const reason = new Error("user gave up");
  await assert.rejects(
    rest.createMessage("1", { content: "x" }, {
      files: [{ name: "slow.bin", data }],
      signal: controller.signal,
    }),
    (error: unknown) => error === reason,
  );
  assert.equal(cancelled, true);
  assert.equal(fake.requests.length, 0);
});
