// Discord's 25 MiB is the whole request's: `payload_json` and the multipart
// framing count with the files, before anything is read or sent. Counted
// on the files alone, 10 + 10 + 5 MiB of files with a long message sent
// 26,222,251 bytes, which Discord refuses only after the whole upload.
import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import {
  type FileUpload,
  MAX_UPLOAD_REQUEST_SIZE,
  multipartBody,
  prepareUploads,
  UploadError,
} from "../../rest/uploads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";

const MiB = 1024 * 1024;

Deno.test("files of 25 MiB with a long message are refused before sending, saying by how much and what counts", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  await assert.rejects(
    rest.createMessage("1", {
      content: "x".repeat(2000),
      embeds: [{ description: "d".repeat(4096) }],
    }, {
      files: [
        { name: "a.bin", data: new Uint8Array(10 * MiB) },
        { name: "b.bin", data: new Uint8Array(10 * MiB) },
        {
          name: "c.bin",
          data: new Uint8Array(5 * MiB),
          description: "z".repeat(1024),
        },
      ],
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      // 26,222,251 bytes were sent: 7,851 over.
      error.message ===
        "Cannot upload 'c.bin' as the request would exceed its size limit of 26214400 bytes by 7851 bytes: payload_json takes 7281 bytes, the multipart framing 570, the files before it 20971520 and 'c.bin' 5242880 (nothing was sent)",
  );
  assert.equal(fake.requests.length, 0);
});

/**
 * A client whose fetch serializes each body as the runtime sends it and
 * records its size in bytes.
 */
function measuringClient(): { rest: RestClient; sizes: number[] } {
  const sizes: number[] = [];
  const rest = new RestClient({
    token: "t",
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sizes.push((await request.arrayBuffer()).byteLength);
      return new Response(null, { status: 204 });
    },
  });
  return { rest, sizes };
}

/**
 * Three files of every kind, the last `last` bytes, whose names and media
 * types need escaping or are refused.
 */
function awkwardFiles(last: number): FileUpload[] {
  return [
    {
      name: "half\ud800.txt",
      data: new Blob([new Uint8Array(10 * MiB)]).stream(),
    },
    {
      name: "ünï😀.png",
      data: new Blob([new Uint8Array(10 * MiB)], { type: "Image/PNG" }),
      description: "alt ✓",
    },
    {
      name: 'q"uo"te\r\nX-Evil: 1.bin',
      data: new Uint8Array(last),
      contentType: "text/plain\r\nX-Evil: 1",
    },
  ];
}

Deno.test("the whole request is counted exactly as the runtime sends it: a body of exactly 25 MiB goes, one byte more is refused", async () => {
  const { rest, sizes } = measuringClient();
  const send = (last: number): Promise<void> =>
    rest.createInteractionResponse("5", "interaction-token", {
      type: 4,
      data: { content: 'héllo\n"there"' },
    }, { files: awkwardFiles(last) });
  // How much the framing and JSON take, from the refusal of 5 MiB more.
  const over = await send(5 * MiB).then(
    () => assert.fail("25 MiB of files and a message were sent"),
    (error: Error) => Number(/ by (\d+) bytes:/.exec(error.message)![1]),
  );
  assert.ok(over > 0 && over < 2000, `over by ${over}`);
  assert.deepEqual(sizes, [], "nothing was sent");
  await send(5 * MiB - over);
  assert.deepEqual(sizes, [MAX_UPLOAD_REQUEST_SIZE]);
  await assert.rejects(
    send(5 * MiB - over + 1),
    (error: unknown) =>
      error instanceof UploadError &&
      / by 1 bytes: payload_json takes \d+ bytes, the multipart framing \d+, the files before it 20971520 and 'q"uo"te\r\nX-Evil: 1\.bin' \d+ \(nothing was sent\)$/
        .test(error.message),
  );
  assert.equal(sizes.length, 1);
});

Deno.test("prepareUploads counts the request it is told of: JSON alone over the limit is refused before any file is read", async () => {
  let pulls = 0;
  const data = new ReadableStream<Uint8Array>({
    pull(controller): void {
      pulls++;
      controller.enqueue(new Uint8Array(1));
    },
  }, { highWaterMark: 0 }); // pulled only when read
  await assert.rejects(
    prepareUploads([{ name: "s.bin", data }], {
      maxRequestSize: 100,
      request: { payload: { content: "x".repeat(200) } },
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      /^Cannot upload files as the request would exceed its size limit of 100 bytes by \d+ bytes: payload_json takes 258 bytes, the multipart framing \d+ \(nothing was sent\)$/
        .test(error.message),
  );
  assert.equal(pulls, 0, "no file was read");
});

Deno.test("prepareUploads with a request: what it counts matches the serialized multipartBody, each message field", async () => {
  for (const message of ["body", "data", "message"] as const) {
    const payload = message === "body"
      ? { content: "ä", attachments: [{ id: "0" }] }
      : { [message]: { content: "ä", attachments: [{ id: "0" }] } };
    const files: FileUpload[] = [
      { name: 'a\r\n"b".txt', data: "abc", contentType: "bad\ntype" },
      { name: "€.bin", data: new Uint8Array(7), description: "ü" },
    ];
    // Refused before any file is read: over a 1-byte limit by the JSON and
    // the framing, less 1.
    const extra = await prepareUploads(files, {
      maxRequestSize: 1,
      request: { payload, message },
    }).then(
      () => assert.fail("fitted in 1 byte"),
      (error: Error) => Number(/ by (\d+) bytes:/.exec(error.message)![1]) + 1,
    );
    const whole = extra + 3 + 7;
    const prepared = await prepareUploads(files, {
      maxRequestSize: whole,
      request: { payload, message },
    });
    const form = multipartBody(payload, prepared, { message });
    const sent = await new Request("http://x/", { method: "POST", body: form })
      .arrayBuffer();
    assert.equal(sent.byteLength, whole, message);
    await assert.rejects(
      prepareUploads(files, {
        maxRequestSize: whole - 1,
        request: { payload, message },
      }),
      / by 1 bytes: /,
    );
  }
});

Deno.test("with a request, one file at a maxSize above 25 MiB still fits by default", async () => {
  const maxSize = MAX_UPLOAD_REQUEST_SIZE + 1;
  const [file] = await prepareUploads([{
    name: "big.bin",
    data: new Blob([new Uint8Array(maxSize)]),
  }], { maxSize, request: { payload: { content: "big" } } });
  assert.equal(file!.blob.size, maxSize);
});

Deno.test("prepareUploads: JSON and framing of exactly maxRequestSize leave room for an empty file, not refused", async () => {
  const files: FileUpload[] = [{ name: "empty.txt", data: new Uint8Array(0) }];
  const request = { payload: { content: "hello" } };
  const extra = await prepareUploads(files, { maxRequestSize: 1, request })
    .then(
      () => assert.fail("fitted in 1 byte"),
      (error: Error) => Number(/ by (\d+) bytes:/.exec(error.message)![1]) + 1,
    );
  const [file] = await prepareUploads(files, {
    maxRequestSize: extra,
    request,
  });
  assert.equal(file!.blob.size, 0);
});

Deno.test("prepareUploads with a request: a file of exactly maxSize that the request has no room for is refused for the request's size, not its own", async () => {
  const files: FileUpload[] = [
    { name: "a.bin", data: new Uint8Array(10) },
    { name: "b.bin", data: new Uint8Array(10) },
  ];
  const request = { payload: { content: "hello" } };
  const extra = await prepareUploads(files, {
    maxSize: 10,
    maxRequestSize: 1,
    request,
  }).then(
    () => assert.fail("fitted in 1 byte"),
    (error: Error) => Number(/ by (\d+) bytes:/.exec(error.message)![1]) + 1,
  );
  await assert.rejects(
    prepareUploads(files, { maxSize: 10, maxRequestSize: extra + 15, request }),
    (error: unknown) =>
      error instanceof UploadError &&
      error.message.startsWith(
        `Cannot upload 'b.bin' as the request would exceed its size limit of ${
          extra + 15
        } bytes by 5 bytes:`,
      ),
  );
});

Deno.test("prepareUploads: an empty stream after files that fill the request is taken; a stream of one byte more is refused for the request's size", async () => {
  const request = { payload: { content: "hello" } };
  const files = (last: Uint8Array[]): FileUpload[] => [
    { name: "a.bin", data: new Uint8Array(10) },
    { name: "s.bin", data: ReadableStream.from(last) },
  ];
  const extra = await prepareUploads(files([]), { maxRequestSize: 1, request })
    .then(
      () => assert.fail("fitted in 1 byte"),
      (error: Error) => Number(/ by (\d+) bytes:/.exec(error.message)![1]) + 1,
    );
  const limits = { maxRequestSize: extra + 10, request };
  const [, empty] = await prepareUploads(files([]), limits);
  assert.equal(empty!.blob.size, 0);
  await assert.rejects(
    prepareUploads(files([new Uint8Array(1)]), limits),
    (error: unknown) =>
      error instanceof UploadError &&
      / would exceed its size limit of \d+ bytes by 1 bytes:/.test(
        error.message,
      ),
  );
});
