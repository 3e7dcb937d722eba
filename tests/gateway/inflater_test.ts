import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { Buffer } from "node:buffer";
import { createInflater, type Inflater } from "../../gateway/inflater.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { deflateBlocks, zlibBomb, zstdBomb } from "../_fakes/bombs.ts";

type Codec = "zlib-stream" | "zstd-stream";
const CODECS: readonly Codec[] = ["zlib-stream", "zstd-stream"];
const HEADERS: Record<Codec, number[]> = {
  "zlib-stream": [0x78, 0x9c],
  "zstd-stream": [0x28, 0xb5, 0x2f, 0xfd],
};
const encoder = new TextEncoder();

/**
 * The server side of one connection: a single compression stream that is
 * flushed (never ended) after every payload, through node:zlib's public
 * asynchronous API.
 */
class ServerCompressor {
  #stream: zlib.Deflate | zlib.ZstdCompress;
  #flush: number;
  #chunks: Buffer[] = [];

  /** @param windowLog zstd only: the window its frame header declares. */
  constructor(codec: Codec, windowLog?: number) {
    if (codec === "zlib-stream") {
      this.#stream = zlib.createDeflate();
      this.#flush = zlib.constants.Z_SYNC_FLUSH;
    } else {
      this.#stream = zlib.createZstdCompress(
        windowLog === undefined
          ? {}
          : { params: { [zlib.constants.ZSTD_c_windowLog]: windowLog } },
      );
      this.#flush = zlib.constants.ZSTD_e_flush;
    }
    this.#stream.on("data", (chunk: Buffer) => this.#chunks.push(chunk));
  }

  /** Compress one payload and flush it: the bytes of one gateway message. */
  payload(text: string): Promise<Uint8Array> {
    return this.payloadBytes(encoder.encode(text));
  }

  /** Compress bytes as one payload (they need not be UTF-8). */
  async payloadBytes(input: Uint8Array): Promise<Uint8Array> {
    this.#stream.write(input);
    await new Promise<void>((resolve) =>
      this.#stream.flush(this.#flush, () => resolve())
    );
    const bytes = new Uint8Array(Buffer.concat(this.#chunks));
    this.#chunks = [];
    return bytes;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) =>
      this.#stream.once("close", () => resolve())
    );
    this.#stream.close();
    await closed;
  }
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789éß中文😀🎉ñ";

/** Gateway-like JSON of about `bytes` UTF-8 bytes, the same for the same seed. */
function randomJson(seed: number, bytes: number): string {
  const random = mulberry32(seed);
  const chars = [...ALPHABET];
  const word = (length: number): string => {
    let s = "";
    for (let i = 0; i < length; i++) {
      s += chars[Math.floor(random() * chars.length)];
    }
    return s;
  };
  const members: unknown[] = [];
  let size = 0;
  while (size < bytes) {
    const member = {
      user: {
        id: String(100000000000000000n + BigInt(Math.floor(random() * 1e15))),
        username: word(3 + Math.floor(random() * 20)),
        global_name: random() < 0.5 ? null : word(8),
        avatar: random() < 0.3 ? null : word(32),
      },
      roles: Array.from({ length: Math.floor(random() * 5) }, () => word(18)),
      joined_at: new Date(1_600_000_000_000 + Math.floor(random() * 1e11))
        .toISOString(),
      deaf: random() < 0.1,
      mute: random() < 0.1,
    };
    members.push(member);
    size += encoder.encode(JSON.stringify(member)).length + 1;
  }
  return JSON.stringify({
    op: 0,
    s: 7,
    t: "GUILD_MEMBERS_CHUNK",
    d: { members },
  });
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function assertDecodeError(run: () => unknown, pattern: RegExp): GatewayError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof GatewayError,
    `expected a GatewayError, got ${caught}`,
  );
  assert.equal(caught.kind, "decode");
  assert.match(caught.message, pattern);
  return caught;
}

Deno.test("createInflater rejects unknown compressions with TypeError", async (t) => {
  for (const value of ["none", "gzip", "", undefined]) {
    await t.step(String(value), () => {
      assert.throws(
        () => createInflater(value as unknown as Codec),
        {
          name: "TypeError",
          message:
            `Cannot create inflater as 'compression' must be "zlib-stream" or "zstd-stream": current value 'compression=${value}'`,
        },
      );
    });
  }
});

for (const codec of CODECS) {
  Deno.test(`Inflater (${codec}) decodes a single payload`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      const text = '{"op":10,"d":{"heartbeat_interval":41250}}';
      const message = await server.payload(text);
      assert.ok(startsWith(message, HEADERS[codec]));
      assert.equal(inflater.push(message), text);
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) decodes many payloads through one context`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      const random = mulberry32(42);
      for (let i = 0; i < 300; i++) {
        const text = i % 50 === 0 ? randomJson(i, 20_000) : JSON.stringify({
          op: 0,
          s: i,
          t: "MESSAGE_CREATE",
          d: { n: random(), content: "héllo 😀" },
        });
        const message = await server.payload(text);
        // Only the first message carries the stream header.
        assert.equal(
          startsWith(message, HEADERS[codec]),
          i === 0,
          `message ${i}`,
        );
        if (codec === "zlib-stream") {
          assert.deepEqual([...message.subarray(-4)], [0, 0, 0xff, 0xff]);
        }
        assert.equal(inflater.push(message), text, `payload ${i}`);
      }
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) round-trips a 4 MiB payload`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      const big = randomJson(7, 4 * 1024 * 1024);
      assert.ok(encoder.encode(big).length >= 4 * 1024 * 1024);
      const before = await server.payload('{"op":11}');
      const message = await server.payload(big);
      const after = await server.payload('{"op":1,"d":5}');
      assert.equal(inflater.push(before), '{"op":11}');
      const text = inflater.push(message);
      assert.equal(text?.length, big.length);
      assert.equal(text, big);
      // The context and its buffers keep working after a large payload.
      assert.equal(inflater.push(after), '{"op":1,"d":5}');
      const again = randomJson(8, 2 * 1024 * 1024);
      assert.equal(inflater.push(await server.payload(again)), again);
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) handles payloads around the buffer sizes`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      const sizes = [
        0,
        1,
        65_535,
        65_536,
        65_537,
        131_072,
        1024 * 1024,
        1024 * 1024 + 1,
        2 * 1024 * 1024,
        10,
      ];
      for (const size of sizes) {
        const text = "x".repeat(size);
        const result = inflater.push(await server.payload(text));
        // An empty payload decodes to nothing; that is not a payload.
        assert.equal(result, size === 0 ? null : text, `size ${size}`);
      }
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) keeps multi-byte characters whole`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      // 4-byte characters across the 64 KiB output boundary.
      const text = JSON.stringify({ d: "a" + "😀".repeat(40_000) + "中" });
      assert.equal(inflater.push(await server.payload(text)), text);
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) ignores empty messages`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      assert.equal(inflater.push(new Uint8Array(0)), null);
      assert.equal(inflater.push(await server.payload('{"a":1}')), '{"a":1}');
      assert.equal(inflater.push(new Uint8Array(0)), null);
      assert.equal(inflater.push(await server.payload('{"a":2}')), '{"a":2}');
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) accepts views into larger buffers`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      const message = await server.payload('{"op":11}');
      const backing = new Uint8Array(message.length + 20).fill(0xaa);
      backing.set(message, 7);
      const view = backing.subarray(7, 7 + message.length);
      assert.equal(inflater.push(view), '{"op":11}');
    } finally {
      inflater.close();
      await server.close();
    }
  });

  Deno.test(`Inflater (${codec}) contexts of two connections are independent`, async () => {
    const serverA = new ServerCompressor(codec);
    const serverB = new ServerCompressor(codec);
    const a = createInflater(codec);
    const b = createInflater(codec);
    try {
      for (let i = 0; i < 20; i++) {
        const textA = JSON.stringify({
          conn: "a",
          i,
          pad: "p".repeat(i * 100),
        });
        const textB = JSON.stringify({
          conn: "b",
          i,
          pad: "p".repeat(i * 100),
        });
        const messageA = await serverA.payload(textA);
        const messageB = await serverB.payload(textB);
        assert.equal(b.push(messageB), textB);
        assert.equal(a.push(messageA), textA);
      }
    } finally {
      a.close();
      b.close();
      await serverA.close();
      await serverB.close();
    }
  });

  Deno.test(`Inflater (${codec}) throws GatewayError "decode" on garbage`, async (t) => {
    await t.step("garbage in the first message", async () => {
      const inflater = createInflater(codec);
      try {
        const garbage = new Uint8Array([
          1,
          2,
          3,
          4,
          5,
          6,
          7,
          8,
          0,
          0,
          0xff,
          0xff,
        ]);
        const error = assertDecodeError(
          () => inflater.push(garbage),
          new RegExp(
            `^Cannot decompress a ${codec} message as the data is corrupt$`,
          ),
        );
        assert.ok(error.cause instanceof Error);
        // The stream cannot recover: later messages fail the same way.
        assertDecodeError(
          () => inflater.push(garbage),
          /as an earlier message was corrupt; reconnect with a new inflater$/,
        );
        // Let the event loop run: no asynchronous "error" event escapes.
        const server = new ServerCompressor(codec);
        await server.payload("{}");
        await server.close();
      } finally {
        inflater.close();
      }
    });
    await t.step("a valid header then a corrupt body", () => {
      const inflater = createInflater(codec);
      try {
        const corrupt = codec === "zlib-stream"
          ? new Uint8Array([
            0x78,
            0x9c,
            0xff,
            0xff,
            0xff,
            0xff,
            0,
            0,
            0xff,
            0xff,
          ])
          : new Uint8Array([
            0x28,
            0xb5,
            0x2f,
            0xfd,
            0x04,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
          ]);
        // zstd's header asks for a 2^41-byte window: refused as one.
        assertDecodeError(
          () => inflater.push(corrupt),
          codec === "zlib-stream"
            ? /the data is corrupt$/
            : /its window is larger than the 67108864 bytes maxInflatedBytes allows$/,
        );
      } finally {
        inflater.close();
      }
    });
    await t.step("a corrupted message in the middle of a stream", async () => {
      const server = new ServerCompressor(codec);
      const inflater = createInflater(codec);
      try {
        for (let i = 0; i < 5; i++) {
          const text = JSON.stringify({ i });
          assert.equal(inflater.push(await server.payload(text)), text);
        }
        const message = await server.payload(randomJson(3, 10_000));
        // Flip bits in the body, keep the zlib suffix intact.
        for (let i = 2; i < message.length - 4; i += 3) message[i]! ^= 0x5a;
        assertDecodeError(() => inflater.push(message), /the data is corrupt$/);
      } finally {
        inflater.close();
        await server.close();
      }
    });
    await t.step("a replayed stream header mid-stream", async () => {
      const server = new ServerCompressor(codec);
      const inflater = createInflater(codec);
      try {
        const first = await server.payload('{"op":10}');
        assert.equal(inflater.push(first), '{"op":10}');
        if (codec === "zlib-stream") {
          assertDecodeError(() => inflater.push(first), /the data is corrupt$/);
        } else {
          // A zstd frame header where a block is expected is not valid either
          // way; the only acceptable outcomes are a decode error or no payload.
          try {
            assert.notEqual(inflater.push(first), '{"op":10}');
          } catch (error) {
            assert.ok(error instanceof GatewayError && error.kind === "decode");
          }
        }
      } finally {
        inflater.close();
        await server.close();
      }
    });
  });

  Deno.test(`Inflater (${codec}) close is idempotent and push after close throws`, async () => {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    const message = await server.payload('{"op":11}');
    await server.close();
    assert.equal(inflater.push(message), '{"op":11}');
    inflater.close();
    inflater.close();
    assertDecodeError(
      () => inflater.push(message),
      new RegExp(
        `^Cannot decompress a ${codec} message as the inflater is closed$`,
      ),
    );
    inflater.close();
  });

  Deno.test(`Inflater (${codec}) leaks nothing over many connections`, async () => {
    const server = new ServerCompressor(codec);
    const message = await server.payload(
      '{"op":10,"d":{"heartbeat_interval":41250}}',
    );
    await server.close();
    const inflaters: Inflater[] = [];
    for (let i = 0; i < 200; i++) {
      const inflater = createInflater(codec);
      assert.ok(inflater.push(message));
      inflaters.push(inflater);
    }
    for (const inflater of inflaters) inflater.close();
    // Closed without ever being used.
    createInflater(codec).close();
  });
}

Deno.test("Inflater (zlib-stream) buffers a payload split across messages", async (t) => {
  const server = new ServerCompressor("zlib-stream");
  const inflater = createInflater("zlib-stream");
  try {
    const splits: Array<[string, (length: number) => number[]]> = [
      ["two halves", (n) => [Math.floor(n / 2)]],
      [
        "many 1 KiB messages",
        (n) =>
          Array.from(
            { length: Math.floor((n - 1) / 1024) },
            (_, i) => (i + 1) * 1024,
          ),
      ],
      ["one-byte first message", () => [1]],
      ["suffix split over the last two messages", (n) => [n - 2]],
      ["last message is only the final byte", (n) => [n - 1]],
      ["last message is only the suffix", (n) => [n - 4]],
      ["single bytes", (n) => Array.from({ length: n - 1 }, (_, i) => i + 1)],
    ];
    for (const [name, cuts] of splits) {
      await t.step(name, async () => {
        const text = name === "single bytes"
          ? '{"op":0,"d":"small"}'
          : randomJson(name.length, 30_000);
        const message = await server.payload(text);
        const points = [0, ...cuts(message.length), message.length];
        for (let i = 0; i + 1 < points.length; i++) {
          const part = message.slice(points[i], points[i + 1]);
          const result = inflater.push(part);
          if (i + 2 < points.length) {
            assert.equal(result, null, `part ${i} of ${points.length - 1}`);
          } else {
            assert.equal(result, text);
          }
        }
        // The next payload, whole, still decodes.
        assert.equal(
          inflater.push(await server.payload('{"op":11}')),
          '{"op":11}',
        );
      });
    }
    await t.step("a 4 MiB payload in 64 KiB messages", async () => {
      const text = randomJson(99, 4 * 1024 * 1024);
      const message = await server.payload(text);
      let result: string | null = null;
      for (let offset = 0; offset < message.length; offset += 65_536) {
        assert.equal(result, null);
        result = inflater.push(message.subarray(offset, offset + 65_536));
      }
      assert.equal(result, text);
      assert.equal(inflater.push(await server.payload("{}")), "{}");
    });
  } finally {
    inflater.close();
    await server.close();
  }
});

Deno.test("Inflater (zlib-stream) decodes a Z_SYNC_FLUSH from deflateSync", () => {
  const inflater = createInflater("zlib-stream");
  try {
    const message = zlib.deflateSync('{"op":11}', {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    assert.deepEqual([...message.subarray(0, 2)], [0x78, 0x9c]);
    assert.equal(inflater.push(message), '{"op":11}');
  } finally {
    inflater.close();
  }
});

Deno.test("Inflater (zlib-stream) close drops a half-buffered payload", async () => {
  const server = new ServerCompressor("zlib-stream");
  const inflater = createInflater("zlib-stream");
  const message = await server.payload(randomJson(1, 5000));
  await server.close();
  assert.equal(inflater.push(message.subarray(0, 100)), null);
  inflater.close();
  assertDecodeError(
    () => inflater.push(message.subarray(100)),
    /the inflater is closed$/,
  );
});

Deno.test("Inflater stops a zstd bomb (128 KB -> 4 GiB) at maxMessageBytes", () => {
  const bomb = zstdBomb(4 * 1024 ** 3);
  assert.ok(bomb.length < 130 * 1024);
  const inflater = createInflater("zstd-stream");
  const before = Deno.memoryUsage().rss;
  try {
    assert.throws(
      () => inflater.push(bomb),
      (error: unknown) =>
        error instanceof GatewayError && error.kind === "decode" &&
        /inflates to more than 67108864 bytes/.test(error.message),
    );
    // At most the 64 MiB buffer (and the smaller ones grown through) was
    // ever produced; 4 GiB would not fit in this bound.
    const grown = Deno.memoryUsage().rss - before;
    assert.ok(grown < 1024 ** 3, `RSS grew ${grown} bytes`);
    // The stream cannot recover: further messages are refused.
    assert.throws(() => inflater.push(new Uint8Array([1])), /earlier message/);
  } finally {
    inflater.close();
  }
});

Deno.test("Inflater stops a zlib bomb (256 KB -> 256 MiB) at maxMessageBytes", async (t) => {
  const bomb = zlibBomb(256);
  assert.ok(bomb.length < 300 * 1024);
  await t.step("default limit", () => {
    const inflater = createInflater("zlib-stream");
    try {
      assert.throws(
        () => inflater.push(bomb),
        (error: unknown) =>
          error instanceof GatewayError && error.kind === "decode" &&
          /zlib-stream message as it inflates to more than 67108864 bytes/
            .test(error.message),
      );
    } finally {
      inflater.close();
    }
  });
  await t.step("a configured limit, and a payload right at it", () => {
    const inflater = createInflater("zlib-stream", {
      maxMessageBytes: 4 * 1024 * 1024,
    });
    try {
      const four = zlibBomb(4);
      assert.equal(inflater.push(four)?.length, 4 * 1024 * 1024);
      assert.throws(() => inflater.push(deflateBlocks(5)), /more than 4194304/);
    } finally {
      inflater.close();
    }
  });
});

for (const codec of CODECS) {
  Deno.test(`Inflater (${codec}) enforces a maxMessageBytes smaller than its output buffer`, async (t) => {
    /** A payload of exactly `bytes` bytes. */
    const payloadOf = (bytes: number): string =>
      JSON.stringify({ d: "x".repeat(bytes - 8) });
    /**
     * Push `bytes` through a fresh inflater limited to `limit` (from a zstd
     * server whose window the limit allows, so the size is what is judged).
     */
    const push = async (limit: number, bytes: number): Promise<string> => {
      const server = new ServerCompressor(
        codec,
        Math.max(10, Math.floor(Math.log2(limit))),
      );
      const inflater = createInflater(codec, { maxMessageBytes: limit });
      try {
        return inflater.push(await server.payload(payloadOf(bytes)))!;
      } finally {
        inflater.close();
        await server.close();
      }
    };
    const tooLarge = (limit: number, bytes: number) =>
      assert.rejects(
        () => push(limit, bytes),
        (error: unknown) =>
          error instanceof GatewayError && error.kind === "decode" &&
          error.message.includes(`inflates to more than ${limit} bytes`),
      );
    await t.step(
      "1000 bytes: 50 KB fits the 64 KiB buffer, and is refused",
      async () => {
        assert.equal((await push(1_000, 1_000)).length, 1_000);
        await tooLarge(1_000, 50_000);
        await tooLarge(1_000, 1_001);
      },
    );
    await t.step(
      "100 KB after another connection grew the shared buffer to 1 MiB: 900 KB is refused",
      async () => {
        // The default limit: the shared buffer grows to hold 900 KB, and is kept.
        assert.equal(
          (await push(64 * 1024 * 1024, 900_000)).length,
          900_000,
        );
        await tooLarge(100_000, 900_000);
        await tooLarge(100_000, 100_001);
        assert.equal((await push(100_000, 100_000)).length, 100_000);
      },
    );
  });
}

Deno.test("Inflater refuses zlib data that never ends a message past the limit", () => {
  const limit = 8 * 1024 * 1024;
  const inflater = createInflater("zlib-stream", { maxMessageBytes: limit });
  const chunk = new Uint8Array(1024 * 1024).fill(0x41); // no 00 00 ff ff
  let accepted = 0;
  try {
    assert.throws(
      () => {
        for (let i = 0; i < 1000; i++) {
          assert.equal(inflater.push(chunk), null);
          accepted += chunk.length;
        }
      },
      (error: unknown) =>
        error instanceof GatewayError && error.kind === "decode" &&
        /without the end-of-message suffix, more than the 8388608 bytes allowed/
          .test(
            error.message,
          ),
    );
    assert.equal(accepted, limit);
  } finally {
    inflater.close();
  }
});

Deno.test("createInflater refuses a limit that is not a positive integer", () => {
  for (const value of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(
      () => createInflater("zstd-stream", { maxMessageBytes: value }),
      /'maxMessageBytes' as it must be a positive integer number of bytes/,
    );
  }
});

Deno.test("Inflater: a zstd window larger than maxInflatedBytes is refused (its native memory is bounded by the limit), one within it is decoded", async () => {
  const text = '{"op":11,"d":null}';
  const cases: [number, number | undefined, boolean][] = [
    [20, 1024 * 1024, true],
    [27, 1024 * 1024, false],
    [26, undefined, true], // the default limit, 64 MiB, takes a 64 MiB window
    [27, undefined, false],
  ];
  for (const [windowLog, limit, decoded] of cases) {
    // A stream's frame has no content size: the decoder reserves the window
    // its header declares, as on a gateway connection.
    const server = new ServerCompressor("zstd-stream", windowLog);
    const inflater = createInflater(
      "zstd-stream",
      limit === undefined ? {} : { maxMessageBytes: limit },
    );
    try {
      const message = await server.payload(text);
      if (decoded) assert.equal(inflater.push(message), text);
      else {
        assert.throws(
          () => inflater.push(message),
          (error: unknown) =>
            error instanceof GatewayError && error.kind === "decode" &&
            /window is larger than the \d+ bytes maxInflatedBytes allows/
              .test(error.message),
          `window log ${windowLog}`,
        );
      }
    } finally {
      inflater.close();
      await server.close();
    }
  }
});

Deno.test("Inflater: inflated bytes that are not UTF-8 are a decode error, not U+FFFD", async () => {
  for (const codec of CODECS) {
    const server = new ServerCompressor(codec);
    const inflater = createInflater(codec);
    try {
      const bytes = new Uint8Array([
        ...encoder.encode('{"a":"'),
        0xff,
        0xfe,
        ...encoder.encode('"}'),
      ]);
      const message = await server.payloadBytes(bytes);
      assert.throws(
        () => inflater.push(message),
        (error: unknown) =>
          error instanceof GatewayError && error.kind === "decode" &&
          /not UTF-8/.test(error.message),
        codec,
      );
    } finally {
      inflater.close();
      await server.close();
    }
  }
});

/** One deflate stream: the first payload sync-flushed, the second ending it. */
function endedStream(first: string, last: string): Promise<Uint8Array[]> {
  return new Promise((resolve) => {
    const deflate = zlib.createDeflate();
    const chunks: Buffer[] = [];
    deflate.on("data", (chunk: Buffer) => chunks.push(chunk));
    const take = (): Uint8Array => {
      const out = new Uint8Array(Buffer.concat(chunks));
      chunks.length = 0;
      return out;
    };
    deflate.write(first);
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      const head = take();
      deflate.on("end", () => resolve([head, take()]));
      deflate.end(last);
    });
  });
}

Deno.test("zlib-stream: a message past the end of the compressed stream is a decode error, not silence", async () => {
  // A peer (a proxy compressing with Z_FINISH) ends the stream, adds the
  // sync marker and keeps sending: before, the rest of that message and
  // every later one decoded to nothing, and the connection looked alive.
  const [head, end] = await endedStream('{"op":11,"d":1}', '{"op":11,"d":2}');
  const inflater = createInflater("zlib-stream");
  assert.equal(inflater.push(head!), '{"op":11,"d":1}');
  const marked = new Uint8Array(end!.length + 4);
  marked.set(end!);
  marked.set([0, 0, 0xff, 0xff], end!.length);
  const later = new Uint8Array(
    zlib.deflateRawSync('{"op":11,"d":3}', {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    }),
  );
  const results: unknown[] = [];
  for (const chunk of [marked, later]) {
    try {
      results.push(inflater.push(chunk));
    } catch (error) {
      results.push(error instanceof GatewayError ? error.kind : error);
    }
  }
  assert.deepEqual(results, ["decode", "decode"]);
});
