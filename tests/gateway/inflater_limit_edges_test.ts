// An inflater's limits at their edges, which mutation testing found
// unpinned: a zstd-stream window cap for a maxMessageBytes that is no power
// of two is the window that holds the limit (log2 rounded up; only powers
// of two were tested, where rounding down and up agree), and zlib-stream
// bytes waiting for the end-of-message suffix may reach the limit exactly,
// not one byte past it.
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { Buffer } from "node:buffer";
import { createInflater } from "../../gateway/inflater.ts";
import { GatewayError } from "../../gateway/errors.ts";

/** One zstd message flushed from a stream declaring a `2 ** windowLog` window. */
async function zstdMessage(
  text: string,
  windowLog: number,
): Promise<Uint8Array> {
  const stream = zlib.createZstdCompress({
    params: { [zlib.constants.ZSTD_c_windowLog]: windowLog },
  });
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.write(new TextEncoder().encode(text));
  await new Promise<void>((resolve) =>
    stream.flush(zlib.constants.ZSTD_e_flush, () => resolve())
  );
  const closed = new Promise<void>((resolve) =>
    stream.once("close", () => resolve())
  );
  stream.close();
  await closed;
  return new Uint8Array(Buffer.concat(chunks));
}

Deno.test("Inflater (zstd-stream) with a limit of 1,000,000 bytes takes a 1 MiB window, the one that holds it, and refuses 2 MiB", async () => {
  const text = '{"op":11,"d":null}';
  for (const [windowLog, decoded] of [[20, true], [21, false]] as const) {
    const inflater = createInflater("zstd-stream", {
      maxMessageBytes: 1_000_000,
    });
    try {
      const message = await zstdMessage(text, windowLog);
      if (decoded) assert.equal(inflater.push(message), text);
      else {
        assert.throws(
          () => inflater.push(message),
          (error: unknown) =>
            error instanceof GatewayError && error.kind === "decode" &&
            /window is larger than the 1000000 bytes/.test(error.message),
          `window log ${windowLog}`,
        );
      }
    } finally {
      inflater.close();
    }
  }
});

Deno.test("Inflater (zlib-stream) holds exactly maxMessageBytes waiting for the suffix, and refuses one byte more", () => {
  // Bytes of a message cut before its suffix: waited on, never decoded.
  const chunk = new Uint8Array(1000).fill(0x41);
  const atLimit = createInflater("zlib-stream", { maxMessageBytes: 1000 });
  try {
    assert.equal(atLimit.push(chunk), null);
    assert.equal(atLimit.midMessage, true);
  } finally {
    atLimit.close();
  }
  const past = createInflater("zlib-stream", { maxMessageBytes: 999 });
  try {
    assert.throws(
      () => past.push(chunk),
      (error: unknown) =>
        error instanceof GatewayError && error.kind === "decode" &&
        /1000 bytes arrived without the end-of-message suffix, more than the 999 bytes allowed/
          .test(error.message),
    );
  } finally {
    past.close();
  }
});
