/**
 * The parts of a `multipart/form-data` body as `FakeRest` records them: each
 * part's field name, file name and bytes, read from the raw body.
 *
 * Not `Request.formData()`: Deno's parser cuts a quoted name at `;`, so a
 * file the library sent correctly as `filename="report;v=2.txt"` was
 * recorded as `"report` (and `semi;name=x.txt` even changed the part's
 * field name). Names are read as the WHATWG multipart/form-data parser
 * reads them, the rules `FormData` serializes them by (Deno's, browsers',
 * undici's): a quoted value runs to the next `"`, with no backslash
 * escapes (a `\` is sent as it is), and `%0A`, `%0D` and `%22` stand for
 * LF, CR and `"`. Private to the package.
 *
 * @module
 */

/** One part of a `multipart/form-data` body. */
export interface MultipartPart {
  /** Its field name (`payload_json`, `files[0]`). */
  field: string;
  /** Its file name; `undefined` for a plain field. */
  filename: string | undefined;
  /** Its `Content-Type` header, if it has one. */
  contentType: string | undefined;
  /** Its bytes (a copy). */
  data: Uint8Array;
}

/**
 * The most bytes of headers one part may have: names of any length a bot
 * would send fit, and a body without the blank line after them is refused
 * there instead of being searched to its end for each part.
 */
const MAX_PART_HEADERS = 16 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Split a `multipart/form-data` body into its parts.
 *
 * @param body The raw body.
 * @param contentType The request's `Content-Type` (with its `boundary`).
 * @returns The parts, in order.
 * @throws {TypeError} When the body is not multipart with that boundary,
 *   or a part has no `Content-Disposition: form-data` with a name.
 *
 * @example A file whose name has a `;`
 * ```ts
 * import { multipartParts } from "./_multipart_parts.ts";
 * import assert from "node:assert/strict";
 *
 * const form = new FormData();
 * form.append("files[0]", new Blob(["x"]), "report;v=2.txt");
 * const request = new Request("http://x/", { method: "POST", body: form });
 * const [part] = multipartParts(
 *   new Uint8Array(await request.arrayBuffer()),
 *   request.headers.get("content-type")!,
 * );
 * assert.deepEqual([part!.field, part!.filename], ["files[0]", "report;v=2.txt"]);
 * ```
 */
export function multipartParts(
  body: Uint8Array,
  contentType: string,
): MultipartPart[] {
  const boundary = parameters(contentType).get("boundary");
  if (!boundary) throw new TypeError("multipart body without a boundary");
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  // `at` is where a `--boundary` starts. The first has no CRLF before it
  // when nothing precedes it.
  let at = 0;
  if (!startsWith(body, delimiter.subarray(2), 0)) {
    at = indexOf(body, delimiter, 0) + 2;
    if (at < 2) throw new TypeError("multipart body without its boundary");
  }
  const parts: MultipartPart[] = [];
  for (;;) {
    at += delimiter.length - 2;
    if (startsWith(body, encoder.encode("--"), at)) return parts;
    if (!startsWith(body, encoder.encode("\r\n"), at)) {
      throw new TypeError("multipart delimiter not followed by CRLF");
    }
    const headersEnd = indexOf(
      body.subarray(0, at + 2 + MAX_PART_HEADERS + 4),
      encoder.encode("\r\n\r\n"),
      at,
    );
    if (headersEnd < 0) throw new TypeError("multipart part without headers");
    const headers = partHeaders(
      decoder.decode(body.subarray(at + 2, headersEnd)),
    );
    const start = headersEnd + 4;
    const end = indexOf(body, delimiter, start);
    if (end < 0) throw new TypeError("multipart body not closed");
    const disposition = headers.get("content-disposition") ?? "";
    const form = parameters(disposition);
    const field = form.get("name");
    if (!/^\s*form-data\s*(;|$)/i.test(disposition) || field === undefined) {
      throw new TypeError("multipart part without a form-data name");
    }
    parts.push({
      field,
      filename: form.get("filename"),
      contentType: headers.get("content-type"),
      data: body.slice(start, end),
    });
    at = end + 2;
  }
}

/** A part's headers, names lower case. */
function partHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(
        line.slice(0, colon).trim().toLowerCase(),
        line.slice(colon + 1).trim(),
      );
    }
  }
  return headers;
}

/**
 * The `name=value` parameters after a header's first `;` (names lower
 * case): a quoted value runs to the next `"`, `;` included, and has
 * `%0A`, `%0D` and `%22` decoded (see the module's note).
 */
function parameters(header: string): Map<string, string> {
  const found = new Map<string, string>();
  let at = header.indexOf(";");
  while (at >= 0 && at < header.length) {
    at++;
    while (header[at] === " " || header[at] === "\t") at++;
    const equals = header.indexOf("=", at);
    if (equals < 0) break;
    const name = header.slice(at, equals).trim().toLowerCase();
    let value: string;
    if (header[equals + 1] === '"') {
      const close = header.indexOf('"', equals + 2);
      if (close < 0) throw new TypeError(`unclosed quoted ${name}`);
      value = header.slice(equals + 2, close)
        .replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%22/g, '"');
      at = header.indexOf(";", close);
    } else {
      const semicolon = header.indexOf(";", equals);
      value = header.slice(equals + 1, semicolon < 0 ? undefined : semicolon)
        .trim();
      at = semicolon;
    }
    if (!found.has(name)) found.set(name, value);
  }
  return found;
}

/** Whether `bytes` has `prefix` at `at`. */
function startsWith(
  bytes: Uint8Array,
  prefix: Uint8Array,
  at: number,
): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[at + i] !== prefix[i]) return false;
  }
  return true;
}

/** Where `needle` first is in `bytes` from `from`, or -1. */
function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(needle[0]!, from); at >= 0;) {
    if (startsWith(bytes, needle, at)) return at;
    at = bytes.indexOf(needle[0]!, at + 1);
  }
  return -1;
}
