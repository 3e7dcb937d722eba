// FakeRest records each uploaded file under the name the bot gave it, read
// from the raw multipart body as FormData serializes it: Deno's
// `Request.formData()` cut a quoted filename at `;` (`report;v=2.txt` was
// recorded as `"report`), though the body was right per RFC 7578.
import assert from "node:assert/strict";
import { BASE, CHANNEL, oneChannel } from "./_one_channel.ts";

const setup = oneChannel;

const NAMES = [
  "report;v=2.txt",
  "semi;name=evil.txt",
  'say "hi".txt',
  "ünï😀.png",
  "日本語; ファイル.txt",
  "back\\slash.txt",
  "plain.txt",
];

Deno.test("FakeRest records upload names with ';', quotes, backslashes and unicode as the bot gave them, with their fields and bytes", async () => {
  const { fake, rest } = setup();
  const message = await rest.createMessage(CHANNEL, { content: "files" }, {
    files: NAMES.map((name, i) => ({ name, data: `data ${i}` })),
  });
  const request = fake.requests.at(-1)!;
  assert.deepEqual(
    request.files!.map((f) => [f.field, f.name]),
    NAMES.map((name, i) => [`files[${i}]`, name]),
  );
  assert.deepEqual(
    request.files!.map((f) => new TextDecoder().decode(f.data)),
    NAMES.map((_, i) => `data ${i}`),
  );
  assert.deepEqual(message.attachments.map((a) => a.filename), NAMES);
  assert.deepEqual(request.body, {
    content: "files",
    attachments: NAMES.map((filename, id) => ({ id, filename })),
  });
});

Deno.test("FakeRest reads a hand-written multipart body: unquoted names, a part's own Content-Type, CRLF inside a file, and refuses one that is never closed with 400", async () => {
  const { fake } = setup();
  const boundary = "XyZ";
  const body = [
    `--${boundary}`,
    "content-disposition: form-data; name=payload_json",
    "",
    JSON.stringify({ content: "hand" }),
    `--${boundary}`,
    // (FormData sends a CR LF in a name as %0D%0A.)
    'Content-Disposition: form-data; filename="a;b%0D%0Ac.txt"; name="files[0]"',
    "Content-Type: text/plain",
    "",
    "line 1\r\nline 2",
    `--${boundary}--`,
    "",
  ].join("\r\n");
  const send = (text: string): Promise<Response> =>
    fake.fetch(`${BASE}/channels/${CHANNEL}/messages`, {
      method: "POST",
      headers: {
        Authorization: "Bot fake-bot-token",
        "Content-Type": `multipart/form-data; boundary="${boundary}"`,
      },
      body: text,
    });
  const answer = await send(body);
  assert.equal(answer.status, 200);
  await answer.body?.cancel();
  const [file] = fake.requests.at(-1)!.files!;
  assert.deepEqual(
    [file!.field, file!.name, file!.contentType],
    ["files[0]", "a;b\r\nc.txt", "text/plain"],
  );
  assert.equal(new TextDecoder().decode(file!.data), "line 1\r\nline 2");
  assert.deepEqual(fake.requests.at(-1)!.body, { content: "hand" });

  const cut = await send(body.slice(0, body.indexOf("line 2")));
  assert.equal(cut.status, 400);
  await cut.body?.cancel();
});
