// The metrics endpoint's hand-written HTTP/1.1: how readHead finds a head
// across reads and bounds it, which heads parseHead refuses (the answer is
// 400), and what writeResponse writes. Driven with connections whose reads
// are given chunk by chunk, so where a read ends is the test's choice.
import assert from "node:assert/strict";
import {
  parseHead,
  readHead,
  writeResponse,
} from "../../dispatch/http_responder.ts";

const encoder = new TextEncoder();

/** A connection whose reads return `chunks` one by one, then its end. */
function chunked(...chunks: string[]): Deno.Conn {
  const left = chunks.map((chunk) => encoder.encode(chunk));
  return {
    read(buffer: Uint8Array): Promise<number | null> {
      const chunk = left.shift();
      if (chunk === undefined) return Promise.resolve(null);
      assert.ok(chunk.length <= buffer.length, "a chunk fits the read");
      buffer.set(chunk);
      return Promise.resolve(chunk.length);
    },
  } as Deno.Conn;
}

Deno.test("readHead: a blank line split between two reads ends the head, after CRLF CR or CR LF", async () => {
  for (
    const chunks of [
      ["GET /metrics HTTP/1.1\r\n\r", "\n"],
      ["GET /metrics HTTP/1.1\r\n", "\r\n"],
      ["GET /metrics HTTP/1.1\r", "\n\r\n"],
      ["GET /metrics HTTP/1.1\n", "\n"],
    ]
  ) {
    assert.deepEqual(await readHead(chunked(...chunks)), {
      type: "head",
      text: chunks.join(""),
    }, JSON.stringify(chunks));
  }
});

Deno.test("readHead: empty lines before the request line, split between reads, do not end an empty head", async () => {
  const request = "GET /metrics HTTP/1.1\r\n\r\n";
  for (
    const chunks of [
      ["\n\n\r", "\n" + request],
      ["\r", "\n" + request],
      ["\r\n\r", "\n" + request],
    ]
  ) {
    const read = await readHead(chunked(...chunks));
    assert.deepEqual(read, { type: "head", text: chunks.join("") });
    assert.equal(parseHead(read.text)?.path, "/metrics");
  }
});

Deno.test("readHead: a head of exactly MAX_HEAD_BYTES (8 KiB) is read, one byte more is too large, and a peer closing before a whole head is no head", async () => {
  const start = "GET /metrics HTTP/1.1\r\nX-A: ";
  const end = "\r\n\r\n";
  const head = (length: number): string =>
    start + "a".repeat(length - start.length - end.length) + end;
  assert.equal((await readHead(chunked(head(8 * 1024)))).type, "head");
  assert.deepEqual(
    await readHead(
      chunked(head(8 * 1024).slice(0, 4096), head(8 * 1024).slice(4096)),
    ),
    { type: "head", text: head(8 * 1024) },
  );
  const larger = head(8 * 1024 + 1);
  assert.deepEqual(
    await readHead(chunked(larger.slice(0, 4096), larger.slice(4096, 8192))),
    { type: "too_large" },
  );
  assert.deepEqual(await readHead(chunked("GET /metrics HTTP/1.1\r\n")), {
    type: "ended",
  });
  assert.deepEqual(await readHead(chunked()), { type: "ended" });
});

Deno.test("parseHead: the request line is METHOD SP target SP HTTP/1.0 or HTTP/1.1, nothing more", () => {
  assert.deepEqual(parseHead("GET /metrics HTTP/1.0\r\n\r\n"), {
    method: "GET",
    path: "/metrics",
  });
  for (
    const line of [
      "GET /metrics HTTP/1.2",
      "GET /metrics HTTP/1.1 ",
      "GET /metrics HTTP/1.1x",
      "GET /met rics HTTP/1.1",
      "GET /metrics",
    ]
  ) {
    assert.equal(parseHead(`${line}\r\n\r\n`), undefined, line);
  }
});

Deno.test("parseHead: a header field with whitespace before its colon, a folded line, or a NUL or DEL in its value is refused", () => {
  const ok = (field: string) => `GET /metrics HTTP/1.1\r\n${field}\r\n\r\n`;
  assert.notEqual(parseHead(ok("X-A: a\tb")), undefined);
  for (
    const field of [
      "Host : a",
      "X-A\t: a",
      "X-A: a\r\n X-B: b",
      "X-A: a\r\n\tX-B: b",
      "X-A: a\x00b",
      "X-A: a\x7fb",
      "X-A: a\x1bb",
    ]
  ) {
    assert.equal(parseHead(ok(field)), undefined, JSON.stringify(field));
  }
});

Deno.test("parseHead: a Host with user info, a path, or a port no URL takes is refused; one Host only, whatever its case", () => {
  const withHost = (...hosts: string[]) =>
    `GET /metrics HTTP/1.1\r\n${hosts.join("\r\n")}\r\n\r\n`;
  for (const host of ["a", "a:9090", "[::1]:80", "a:"]) {
    assert.notEqual(parseHead(withHost(`Host: ${host}`)), undefined, host);
  }
  for (
    const host of ["evil@a", "a/b", "a?b", "a#b", "a:99999", "a b", "[::1"]
  ) {
    assert.equal(parseHead(withHost(`Host: ${host}`)), undefined, host);
  }
  assert.equal(parseHead(withHost("Host: a", "host: a")), undefined);
  assert.equal(parseHead(withHost("HOST: a/b")), undefined);
});

Deno.test("parseHead: an origin-form target starting with // stays a path, not a host", () => {
  assert.equal(
    parseHead("GET //a/metrics HTTP/1.1\r\n\r\n")?.path,
    "//a/metrics",
  );
});

Deno.test("writeResponse: the route's status text and headers go out, the responder's own framing headers replace the route's, HEAD leaves the body out", async () => {
  const written = async (response: Response, head = false) => {
    const chunks: Uint8Array[] = [];
    await writeResponse(
      {
        write: (bytes) => {
          chunks.push(bytes.slice());
          return Promise.resolve(bytes.length);
        },
      },
      response,
      head,
    );
    return new TextDecoder().decode(
      new Uint8Array(chunks.flatMap((chunk) => [...chunk])),
    );
  };
  const response = () =>
    new Response("abc", {
      status: 200,
      statusText: "Fine",
      headers: {
        "x-route": "1",
        "content-length": "99",
        "transfer-encoding": "chunked",
        connection: "keep-alive",
        "keep-alive": "timeout=5",
      },
    });
  const expected = "HTTP/1.1 200 Fine\r\n" +
    "content-type: text/plain;charset=UTF-8\r\nx-route: 1\r\n" +
    "content-length: 3\r\nconnection: close\r\n\r\n";
  assert.equal(await written(response()), expected + "abc");
  assert.equal(await written(response(), true), expected);
  assert.match(
    await written(new Response("", { status: 431 })),
    /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/,
  );
  assert.match(
    await written(new Response("", { status: 405 })),
    /^HTTP\/1\.1 405 Method Not Allowed\r\n/,
  );
});
