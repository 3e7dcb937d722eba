// Reading an upload is bounded: a stream that stalls fails the request at
// the client's timeout (it used to hold it for ever, before the timeout of
// the first attempt even started), and alt text over Discord's 1024
// characters is refused before anything is read or sent.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import { prepareUploads, UploadError } from "../../rest/uploads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A stream that sends one byte, then nothing, ever. */
function stalled(): {
  stream: ReadableStream<Uint8Array>;
  cancelled(): boolean;
} {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller): void {
      controller.enqueue(new Uint8Array([1]));
    },
    cancel(): void {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

/** Let real promise chains run (a few macrotask turns), clock unmoved. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

Deno.test("a stalled upload stream fails the request at the client's timeout, cancelled, nothing sent", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({
    token: "t",
    fetch: fake.fetch,
    scheduler: clock,
    timeout: 5000,
  });
  const { stream, cancelled } = stalled();
  let failure: unknown;
  const sending = rest.createMessage("5", { content: "x" }, {
    files: [{ name: "ok.txt", data: "fine" }, {
      name: "slow.bin",
      data: stream,
    }],
  }).catch((error) => failure = error ?? "rejected");
  await clock.advance(4999);
  await turns();
  assert.equal(failure as unknown, undefined, "failed before the timeout");
  await clock.advance(1);
  await turns();
  assert.ok((failure as unknown) instanceof UploadError, `got ${failure}`);
  assert.match(
    (failure as Error).message,
    /Cannot upload 'slow\.bin' as its data did not arrive within 5000 ms/,
  );
  await sending;
  assert.equal(cancelled(), true, "the stream was not cancelled");
  assert.equal(fake.requests.length, 0);
  assert.equal(clock.pending, 0, "no timer left behind");
});

Deno.test("a caller's abort still ends a stalled upload read with its reason; a quick one leaves no timer", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({
    token: "t",
    fetch: fake.fetch,
    scheduler: clock,
  });
  const controller = new AbortController();
  const sending = rest.createMessage("5", {}, {
    files: [{ name: "slow.bin", data: stalled().stream }],
    signal: controller.signal,
  });
  controller.abort(new Error("stop"));
  await assert.rejects(sending, /stop/);
  await rest.createMessage("5", {}, {
    files: [{ name: "quick.txt", data: new Blob(["q"]).stream() }],
  });
  assert.equal(fake.requests.length, 1);
  assert.equal(clock.pending, 0);
});

Deno.test("upload alt text over 1024 characters (code points, as Discord counts) is refused before any stream is read", async () => {
  const [ok, emoji] = await prepareUploads([
    { name: "a.txt", data: "x", description: "d".repeat(1024) },
    { name: "e.txt", data: "x", description: "😀".repeat(1024) },
  ]);
  assert.equal(ok!.description!.length, 1024);
  assert.equal(emoji!.description, "😀".repeat(1024));
  await assert.rejects(
    prepareUploads([
      { name: "f.txt", data: "x", description: "😀".repeat(1025) },
    ]),
    /current length '1025'/,
  );
  let pulled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      pulled = true;
      controller.close();
    },
  }, { highWaterMark: 0 }); // pulled only when read
  await assert.rejects(
    prepareUploads([
      { name: "first.bin", data: stream },
      { name: "b.txt", data: "x", description: "d".repeat(1025) },
    ]),
    (error: unknown) =>
      error instanceof UploadError &&
      /'b\.txt'.*'description' must be a string of at most 1024 characters: current length '1025'/
        .test(error.message),
  );
  assert.equal(
    pulled,
    false,
    "a stream was read before the files were checked",
  );
  await assert.rejects(
    prepareUploads([
      { name: "c.txt", data: "x", description: 5 as unknown as string },
    ]),
    UploadError,
  );
});
