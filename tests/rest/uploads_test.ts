import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import {
  multipartBody,
  prepareUploads,
  UploadError,
} from "../../rest/uploads.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { drive } from "../_fakes/drive.ts";

function streamOf(...chunks: string[]): {
  stream: ReadableStream<Uint8Array>;
  cancelled: () => boolean;
  pulls: () => number;
} {
  let i = 0;
  let cancelled = false;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]));
      else controller.close();
    },
    cancel(): void {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled, pulls: () => i };
}

Deno.test("uploads from bytes, Blob, File, string and stream become files[n] with payload_json", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const { stream } = streamOf("str", "eam");
  const message = await rest.createMessage("5", { content: "files" }, {
    files: [
      { name: "a.bin", data: new Uint8Array([1, 2, 3]) },
      { name: "b.txt", data: new Blob(["blob"], { type: "text/plain" }) },
      {
        name: "c.png",
        data: new File(["png"], "ignored.png", { type: "image/png" }),
        description: "alt",
      },
      { name: "d.txt", data: "text" },
      { name: "e.txt", data: stream },
    ],
  });
  const request = fake.requests[0]!;
  assert.match(
    request.headers["content-type"]!,
    /^multipart\/form-data; boundary=/,
  );
  assert.deepEqual(request.body, {
    content: "files",
    attachments: [
      { id: 0, filename: "a.bin" },
      { id: 1, filename: "b.txt" },
      { id: 2, filename: "c.png", description: "alt" },
      { id: 3, filename: "d.txt" },
      { id: 4, filename: "e.txt" },
    ],
  });
  const text = (i: number): string =>
    new TextDecoder().decode(request.files![i]!.data);
  assert.deepEqual(
    request.files!.map((f) => [f.field, f.name, f.contentType]),
    [
      ["files[0]", "a.bin", "application/octet-stream"],
      ["files[1]", "b.txt", "text/plain"],
      ["files[2]", "c.png", "image/png"],
      ["files[3]", "d.txt", "text/plain"],
      ["files[4]", "e.txt", "text/plain"],
    ],
  );
  assert.deepEqual([...request.files![0]!.data], [1, 2, 3]);
  assert.deepEqual([text(1), text(2), text(3), text(4)], [
    "blob",
    "png",
    "text",
    "stream",
  ]);
  const attachments = message.attachments as {
    filename: string;
    size: number;
    description?: string;
  }[];
  assert.deepEqual(attachments.map((a) => [a.filename, a.size]), [
    ["a.bin", 3],
    ["b.txt", 4],
    ["c.png", 3],
    ["d.txt", 4],
    ["e.txt", 6],
  ]);
  assert.equal(attachments[2]!.description, "alt");
});

Deno.test("a 429 retry re-sends the same multipart body, a stream included", async () => {
  const clock = new VirtualScheduler();
  const fake = new FakeRest({ token: "t", scheduler: clock });
  const rest = new RestClient({
    token: "t",
    fetch: fake.fetch,
    scheduler: clock,
  });
  fake.script429({ route: "POST /channels/5/messages", retryAfter: 1 });
  const { stream, pulls } = streamOf("once ", "only");
  const sent = rest.createMessage("5", { content: "hi" }, {
    files: [{ name: "s.txt", data: stream }, {
      name: "b.bin",
      data: new Uint8Array([9]),
    }],
  });
  const message = await drive(clock, sent);
  assert.equal(fake.requests.length, 2);
  for (const request of fake.requests) {
    assert.equal(
      new TextDecoder().decode(request.files![0]!.data),
      "once only",
    );
    assert.deepEqual([...request.files![1]!.data], [9]);
    assert.deepEqual((request.body as { content: string }).content, "hi");
  }
  assert.equal(pulls(), 2, "the stream was read once");
  assert.equal((message.attachments as unknown[]).length, 2);
});

Deno.test("sizes are checked before sending: too large, too many, no name; a stream is cancelled at the limit", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  await assert.rejects(
    rest.createMessage("5", {}, {
      files: [{ name: "big", data: new Uint8Array(11) }],
      uploadLimit: 10,
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      /'big' as it exceeds the upload limit/.test(error.message),
  );
  // Discord checks the limit per attachment: two files of 6 under a limit
  // of 10 go; the request as a whole has its own cap.
  const both = await prepareUploads([{ name: "a", data: "123456" }, {
    name: "b",
    data: "123456",
  }], { maxSize: 10 });
  assert.deepEqual(both.map((file) => file.blob.size), [6, 6]);
  await assert.rejects(
    prepareUploads([{ name: "a", data: "123456" }, {
      name: "b",
      data: "123456",
    }], { maxSize: 10, maxRequestSize: 11 }),
    /'b' as it exceeds the upload limit: it is 6 bytes, 1 over the limit of 5 bytes/,
  );
  await assert.rejects(
    prepareUploads(
      Array.from({ length: 11 }, (_, i) => ({ name: `${i}`, data: "x" })),
    ),
    /at most 10 fit in one message: current count '11'/,
  );
  await assert.rejects(
    prepareUploads([{ name: " ", data: "x" }]),
    /'name' must be a non-empty string/,
  );
  const { stream, cancelled, pulls } = streamOf(
    "12345",
    "67890",
    "never read",
    "nor this",
  );
  await assert.rejects(
    prepareUploads([{ name: "s", data: stream }], { maxSize: 8 }),
    UploadError,
  );
  assert.equal(cancelled(), true);
  assert.equal(pulls(), 2);
  assert.equal(fake.requests.length, 0, "nothing was sent");
});

Deno.test("multipartBody keeps attachments the payload already lists", async () => {
  const [file] = await prepareUploads([{ name: "new.txt", data: "n" }]);
  const form = multipartBody({ attachments: [{ id: "111" }] }, [file!]);
  const payload = JSON.parse(form.get("payload_json") as string);
  assert.deepEqual(payload.attachments, [{ id: "111" }, {
    id: 0,
    filename: "new.txt",
  }]);
});

Deno.test("an interaction callback with files lists their attachments (alt text) inside data, after those data already lists", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  await rest.createInteractionResponse("5", "tok", {
    type: 4,
    data: { content: "see file" },
  }, {
    files: [{ name: "cat.png", data: "png", description: "A cute cat" }],
  });
  // Discord reads a callback's attachments in `data` (its message): at the
  // top level the alt text was lost.
  assert.deepEqual(fake.requests[0]!.body, {
    type: 4,
    data: {
      content: "see file",
      attachments: [{ id: 0, filename: "cat.png", description: "A cute cat" }],
    },
  });
  const original = await rest.getOriginalInteractionResponse(
    fake.applicationId,
    "tok",
  );
  assert.equal(original.attachments[0]!.description, "A cute cat");

  // An update (type 7) keeps what its data lists; the new file follows.
  const [file] = await prepareUploads([{ name: "b.txt", data: "b" }]);
  const form = multipartBody(
    { type: 7, data: { content: "x", attachments: [{ id: "111" }] } },
    [file!],
    { message: "data" },
  );
  const payload = JSON.parse(form.get("payload_json") as string);
  assert.deepEqual(payload, {
    type: 7,
    data: {
      content: "x",
      attachments: [{ id: "111" }, { id: 0, filename: "b.txt" }],
    },
  });
});

Deno.test("an edit keeps the attachments it lists (typed on the edit bodies): new files take placeholder ids no listed entry uses", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  await rest.createInteractionResponse("5", "tok", {
    type: 4,
    data: { content: "first" },
  }, { files: [{ name: "one.png", data: "1" }] });
  const first = await rest.getOriginalInteractionResponse(
    fake.applicationId,
    "tok",
  );
  const kept = first.attachments[0]!.id;
  await rest.editOriginalInteractionResponse(fake.applicationId, "tok", {
    content: "and a second",
    attachments: [{ id: kept, description: "the first" }],
  }, { files: [{ name: "two.png", data: "2", description: "the second" }] });
  assert.deepEqual(fake.requests.at(-1)!.body, {
    content: "and a second",
    attachments: [
      { id: kept, description: "the first" },
      { id: 0, filename: "two.png", description: "the second" },
    ],
  });

  // A listed numeric id is taken: the new files skip it, and each part's
  // name matches its entry's id.
  const files = await prepareUploads([
    { name: "a.txt", data: "a" },
    { name: "b.txt", data: "b" },
  ]);
  const form = multipartBody({ attachments: [{ id: 0 }, { id: "2" }] }, files);
  const payload = JSON.parse(form.get("payload_json") as string);
  assert.deepEqual(payload.attachments, [
    { id: 0 },
    { id: "2" },
    { id: 1, filename: "a.txt" },
    { id: 3, filename: "b.txt" },
  ]);
  assert.deepEqual(
    [...form.keys()].filter((key) => key.startsWith("files[")),
    ["files[1]", "files[3]"],
  );
});

Deno.test("payload_json is a plain form field, as Discord documents it: no filename (a Blob made it a file named 'blob')", async () => {
  const files = await prepareUploads([{ name: "a.txt", data: "a" }]);
  const form = multipartBody({ content: "hi" }, files);
  assert.equal(typeof form.get("payload_json"), "string");
  const serialized = new Request("http://x/", { method: "POST", body: form });
  const text = await serialized.text();
  const part = text.split(/\r\n--/).find((p) => p.includes('"payload_json"'))!;
  const [headers, json] = part.split("\r\n\r\n");
  assert.deepEqual(headers!.split("\r\n").slice(1), [
    'Content-Disposition: form-data; name="payload_json"',
  ]);
  assert.deepEqual(JSON.parse(json!), {
    content: "hi",
    attachments: [{ id: 0, filename: "a.txt" }],
  });
  assert.doesNotMatch(text, /filename="blob"/);
});

Deno.test("a stream of chunks that are not Uint8Arrays fails its upload with an UploadError naming the file, before anything is sent", async () => {
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({ token: "t", fetch: fake.fetch });
  const cases: [string, unknown[]][] = [
    // Uploaded as an empty file (a string counted `NaN` bytes).
    ["string", ["hello ", "world"]],
    // Uploaded cut to one byte per element.
    ["Uint16Array", [new Uint16Array([0x6968])]],
    ["ArrayBuffer", [new TextEncoder().encode("hello").buffer]],
    ["DataView", [new DataView(new ArrayBuffer(5))]],
  ];
  for (const [type, chunks] of cases) {
    const data = ReadableStream.from(chunks) as ReadableStream<Uint8Array>;
    await assert.rejects(
      rest.createMessage("1", { content: "x" }, {
        files: [{ name: "notes.txt", data }],
      }),
      (error: unknown) =>
        error instanceof UploadError &&
        error.message ===
          `Cannot upload 'notes.txt' as its 'data' stream must yield Uint8Array chunks: current chunk type '${type}'` &&
        error.cause instanceof TypeError,
      type,
    );
  }
  assert.equal(fake.requests.length, 0);
});

Deno.test("a file over its limit is refused saying its size and by how much, and which limit applied", async () => {
  const refused = async (
    files: Parameters<typeof prepareUploads>[0],
    limits: Parameters<typeof prepareUploads>[1],
  ): Promise<string> => {
    const error = await prepareUploads(files, limits).then(
      () => assert.fail("not refused"),
      (error: unknown) => error,
    );
    assert.ok(error instanceof UploadError);
    return error.message;
  };
  // Discord's default per-file limit, with the request counted (as every
  // message-sending call does).
  assert.equal(
    await refused([{
      name: "big.bin",
      data: new Uint8Array(11 * 1024 * 1024),
    }], { request: { payload: { content: "f" } } }),
    "Cannot upload 'big.bin' as it exceeds the upload limit: it is 11534336 bytes, 1048576 over the limit of 10485760 bytes (per file)",
  );
  // Files only: a Blob over the limit per file.
  assert.equal(
    await refused([{ name: "a", data: new Blob(["12345678901"]) }], {
      maxSize: 10,
    }),
    "Cannot upload 'a' as it exceeds the upload limit: it is 11 bytes, 1 over the limit of 10 bytes (per file)",
  );
  // A stream is cut short: its size is known only so far.
  const { stream } = streamOf("1234", "5678", "9012", "3456");
  assert.equal(
    await refused([{ name: "s", data: stream }], { maxSize: 10 }),
    "Cannot upload 's' as it exceeds the upload limit: it is at least 12 bytes, at least 2 over the limit of 10 bytes (per file)",
  );
  // What is left of the request is the tighter limit.
  assert.equal(
    await refused([{ name: "a", data: "123456" }, {
      name: "b",
      data: new Uint8Array(7),
    }], { maxSize: 10, maxRequestSize: 12 }),
    "Cannot upload 'b' as it exceeds the upload limit: it is 7 bytes, 1 over the limit of 6 bytes (what is left of the request's limit of 12 bytes, after 6 bytes of files before it)",
  );
});
