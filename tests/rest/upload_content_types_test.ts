import assert from "node:assert/strict";
import { RestClient } from "../../rest/rest_client.ts";
import * as api from "../../rest/mod.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import type { FileUpload } from "../../rest/uploads.ts";

const GUILD = "100000000000000001";
const CHANNEL = "100000000000000002";

function setup(): { fake: FakeRest; rest: RestClient } {
  const fake = new FakeRest();
  fake.resources.addGuild({ id: GUILD, name: "Guild" });
  fake.resources.addChannel({ id: CHANNEL, type: 0, guild_id: GUILD });
  return {
    fake,
    rest: new RestClient({ token: "fake-bot-token", fetch: fake.fetch }),
  };
}

Deno.test("an upload without a media type takes it from its name's extension, else application/octet-stream", async () => {
  const { fake, rest } = setup();
  const bytes = new Uint8Array([1, 2]);
  const files: FileUpload[] = [
    { name: "a.png", data: bytes },
    { name: "b.APNG", data: new Blob(["x"]) },
    { name: "c.gif", data: "gif" },
    { name: "d.jpeg", data: bytes },
    { name: "e.jpg", data: bytes.buffer },
    { name: "f.webp", data: new Blob(["x"]).stream() },
    { name: "g.json", data: "{}" },
    { name: "h.txt", data: "text" },
    { name: "i.mp3", data: bytes },
    { name: "j.ogg", data: bytes },
    { name: "k.mp4", data: bytes },
    { name: "l.bin", data: bytes },
    { name: "noext", data: bytes },
    { name: "constructor", data: bytes },
    { name: "m.constructor", data: bytes },
    // A given type, or a Blob's own, wins over the name.
    { name: "n.png", data: bytes, contentType: "image/webp" },
    { name: "o.png", data: new Blob(["x"], { type: "image/gif" }) },
    // The last dot's extension: a name with more dots is still its type.
    { name: "p.v2.png", data: bytes },
    { name: "q.wav", data: bytes },
    { name: "r.webm", data: bytes },
    { name: "s.avif", data: bytes },
  ];
  const sent: [string, string | undefined][] = [];
  // Discord takes 10 files a message.
  for (let i = 0; i < files.length; i += 10) {
    await rest.createMessage(CHANNEL, { content: "files" }, {
      files: files.slice(i, i + 10),
    });
    for (const file of fake.requests.at(-1)!.files!) {
      sent.push([file.name, file.contentType]);
    }
  }
  assert.deepEqual(sent, [
    ["a.png", "image/png"],
    ["b.APNG", "image/png"],
    ["c.gif", "image/gif"],
    ["d.jpeg", "image/jpeg"],
    ["e.jpg", "image/jpeg"],
    ["f.webp", "image/webp"],
    ["g.json", "application/json"],
    ["h.txt", "text/plain"],
    ["i.mp3", "audio/mpeg"],
    ["j.ogg", "audio/ogg"],
    ["k.mp4", "video/mp4"],
    ["l.bin", "application/octet-stream"],
    ["noext", "application/octet-stream"],
    ["constructor", "application/octet-stream"],
    ["m.constructor", "application/octet-stream"],
    ["n.png", "image/webp"],
    ["o.png", "image/gif"],
    ["p.v2.png", "image/png"],
    ["q.wav", "audio/wav"],
    ["r.webm", "video/webm"],
    ["s.avif", "image/avif"],
  ]);
});

Deno.test("createGuildSticker sends an untyped .png, .apng, .gif or .json file with its type (Discord refuses octet-stream)", async () => {
  const { fake, rest } = setup();
  const sent: [string, string | undefined][] = [];
  for (
    const [name, data] of [
      ["dice.png", new Uint8Array([137, 80])],
      ["spin.apng", new Blob([new Uint8Array([137, 80])])],
      ["wave.gif", new Uint8Array([71, 73])],
      ["lottie.json", new Uint8Array([123, 125])],
    ] as const
  ) {
    await api.createGuildSticker(rest, GUILD, {
      name: "dice",
      description: "A die",
      tags: "dice",
      file: { name, data },
    }).catch(() => {});
    const file = fake.requests.at(-1)!.files![0]!;
    sent.push([file.name, file.contentType]);
  }
  assert.deepEqual(sent, [
    ["dice.png", "image/png"],
    ["spin.apng", "image/png"],
    ["wave.gif", "image/gif"],
    ["lottie.json", "application/json"],
  ]);
});

Deno.test("createGuildSticker refuses, unsent, a file whose type is not PNG, GIF or Lottie JSON", async () => {
  const { fake, rest } = setup();
  const files = [
    { name: "dice.bin", data: new Uint8Array([1]) },
    { name: "dice.webp", data: new Uint8Array([1]) },
    { name: "dice.png", data: new Uint8Array([1]), contentType: "image/jpeg" },
    { name: "dice", data: new Blob(["x"], { type: "text/plain" }) },
  ];
  for (const file of files) {
    await assert.rejects(
      api.createGuildSticker(rest, GUILD, {
        name: "dice",
        description: "A die",
        tags: "dice",
        file,
      }),
      (error: unknown) =>
        error instanceof TypeError &&
        /image\/png, image\/gif or application\/json/.test(error.message),
    );
  }
  assert.equal(fake.requests.length, 0);
  // A given type is read as Discord reads it: case and parameters aside.
  await api.createGuildSticker(rest, GUILD, {
    name: "dice",
    description: "A die",
    tags: "dice",
    file: { name: "x", data: new Uint8Array([1]), contentType: "Image/PNG" },
  }).catch(() => {});
  assert.equal(fake.requests.length, 1);
});

Deno.test("createGuildSticker with a file whose name is no string refuses it as any upload does (UploadError), not with a TypeError of its own", async () => {
  const { fake, rest } = setup();
  for (const name of [undefined, 42]) {
    await assert.rejects(
      api.createGuildSticker(rest, GUILD, {
        name: "dice",
        description: "A die",
        tags: "dice",
        file: { name, data: new Uint8Array([1]) } as unknown as {
          name: string;
          data: Uint8Array;
        },
      }),
      api.UploadError,
    );
  }
  assert.equal(fake.requests.length, 0);
});

Deno.test("createGuildSticker reads a given media type by its essence: parameters and case do not refuse a PNG", async () => {
  const { fake, rest } = setup();
  await api.createGuildSticker(rest, GUILD, {
    name: "dice",
    description: "A die",
    tags: "dice",
    file: {
      name: "dice.bin",
      data: new Uint8Array([137, 80]),
      contentType: "Image/PNG ; name=dice",
    },
  }).catch(() => {});
  const file = fake.requests.at(-1)?.files?.[0];
  assert.equal(file?.name, "dice.bin");
  assert.match(String(file?.contentType), /^image\/png/);
});
