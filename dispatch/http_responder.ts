// The HTTP/1.1 the metrics endpoint speaks, by hand: read one request head
// (bounded), parse it, write one answer with Content-Length and
// `Connection: close`. It is this small on purpose: Deno.serve exposes
// neither a cap on connections nor a header timeout (measured: 3,000 peers
// sending one byte of a head every 5 s kept all 3,000 connections for 41 s,
// and under `ulimit -n 256` the service's own connects to Redis and
// RabbitMQ failed with EMFILE meanwhile), so the endpoint owns its sockets
// (metrics_server.ts) and only needs GET and HEAD of two paths, which
// Prometheus asks one request per connection for.
import { writeAll } from "../base/write_all.ts";

/** The largest request head read, in bytes; a larger one gets 431. */
export const MAX_HEAD_BYTES = 8 * 1024;

/** What {@linkcode readHead} got from a peer. */
export type HeadRead =
  | {
    /** A whole head arrived. */
    type: "head";
    /** The head, up to its blank line (bytes past it are ignored). */
    text: string;
  }
  /** The head passed {@linkcode MAX_HEAD_BYTES} before its blank line. */
  | { type: "too_large" }
  /** The peer closed before a whole head. */
  | { type: "ended" };

const LF = 0x0a;
const CR = 0x0d;

/**
 * The most empty lines skipped before a request line: RFC 9112 §2.2 says a
 * server should ignore at least one (a client may send a CRLF after a
 * body, and Deno.serve took them). More than that is a malformed head.
 */
export const MAX_LEADING_EMPTY_LINES = 4;

/**
 * The index past the empty lines (CRLF or LF) that start `bytes`, at most
 * {@linkcode MAX_LEADING_EMPTY_LINES}, or -1 while the last byte is a CR
 * that may start one more.
 */
function leadingEmptyLines(bytes: Uint8Array, length: number): number {
  let start = 0;
  for (let lines = 0; lines < MAX_LEADING_EMPTY_LINES; lines++) {
    if (bytes[start] === LF && start < length) start += 1;
    else if (bytes[start] === CR && start + 1 === length) return -1;
    else if (
      bytes[start] === CR && bytes[start + 1] === LF && start + 1 < length
    ) start += 2;
    else break;
  }
  return start;
}

/**
 * The index just past the blank line that ends a head (CRLF CRLF, or bare
 * LFs, which RFC 9112 lets a server take), or -1.
 */
function headEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (bytes[i] !== LF) continue;
    if (bytes[i + 1] === LF && i + 1 < to) return i + 2;
    if (bytes[i + 1] === CR && bytes[i + 2] === LF && i + 2 < to) return i + 3;
  }
  return -1;
}

/**
 * Read a request head, at most {@linkcode MAX_HEAD_BYTES}.
 *
 * @param conn The peer's connection.
 * @returns The head, or why there is none.
 */
export async function readHead(conn: Deno.Conn): Promise<HeadRead> {
  const buffer = new Uint8Array(MAX_HEAD_BYTES);
  let length = 0;
  while (length < buffer.length) {
    const read = await conn.read(buffer.subarray(length));
    if (read === null) return { type: "ended" };
    // The head's end is looked for past the empty lines before it, or a
    // CRLF sent ahead of a request would end an empty head.
    const start = leadingEmptyLines(buffer, length + read);
    // A terminator may straddle the previous read: look 2 bytes back.
    const end = start < 0
      ? -1
      : headEnd(buffer, Math.max(start, length - 2), length + read);
    length += read;
    if (end >= 0) {
      // latin1: a head is bytes, and no byte makes the decoder throw.
      return {
        type: "head",
        text: new TextDecoder("latin1").decode(buffer.subarray(0, end)),
      };
    }
  }
  return { type: "too_large" };
}

/** A request the endpoint understood. */
export interface RequestHead {
  /** The method, as sent (methods are case-sensitive). */
  method: string;
  /** The path of the target, as `new URL` gives it; none for a target no URL takes. */
  path: string | undefined;
}

// RFC 9110's token, a request line of it, and a header field.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const REQUEST_LINE = new RegExp(`^(${TOKEN}) ([!-~]+) HTTP/1\\.[01]$`);
const FIELD = new RegExp(`^(${TOKEN}):[ \\t]*(.*?)[ \\t]*$`);
// Controls other than tab are refused in a value (a bare CR among them).
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
// A Host: reg-name or IP literal, then a port.
const HOST = /^(?:[-A-Za-z0-9._~!$&'()*+,;=%]*|\[[0-9A-Fa-f:.]+\])(?::\d*)?$/;

/**
 * Whether a Host header is one an URL takes: a peer writes it, and the
 * endpoint answered a malformed one with 400 before (Deno.serve built the
 * request's URL from it).
 */
function validHost(host: string): boolean {
  if (!HOST.test(host)) return false;
  try {
    new URL(`http://${host}/`);
    return true;
  } catch {
    return false;
  }
}

/** The path of an origin-form (`/x?y`) or absolute-form target. */
function targetPath(target: string): string | undefined {
  try {
    // Concatenated, not resolved: "//metrics" stays a path, as Deno.serve
    // had it, instead of naming a host.
    if (target.startsWith("/")) return new URL(`http://h${target}`).pathname;
    const url = new URL(target);
    return url.protocol === "http:" ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parse a request head: the request line and the header fields.
 *
 * @param text The head {@linkcode readHead} read (up to
 * {@linkcode MAX_LEADING_EMPTY_LINES} empty lines before the request line
 * are skipped).
 * @returns The request, or `undefined` when malformed (the answer is 400).
 */
export function parseHead(text: string): RequestHead | undefined {
  const lines = text.split("\n").map((line) =>
    line.endsWith("\r") ? line.slice(0, -1) : line
  );
  let first = 0;
  while (first < MAX_LEADING_EMPTY_LINES && lines[first] === "") first++;
  const request = REQUEST_LINE.exec(lines[first] ?? "");
  if (!request) return undefined;
  let hosts = 0;
  // The last two lines are the blank line and what follows it: nothing.
  for (const line of lines.slice(first + 1, -2)) {
    const field = FIELD.exec(line);
    // No field, or obs-fold (a line starting with whitespace): RFC 9112
    // lets a server refuse it.
    if (!field || CONTROL.test(field[2]!)) return undefined;
    if (field[1]!.toLowerCase() === "host") {
      if (++hosts > 1 || !validHost(field[2]!)) return undefined;
    }
  }
  // An OPTIONS * or a target no URL takes: the method is looked at first.
  return { method: request[1]!, path: targetPath(request[2]!) };
}

/**
 * A plain-text answer.
 *
 * @param status The status.
 * @param text The body.
 * @param headers More headers.
 * @returns The response.
 */
export function textResponse(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(text, { status, headers });
}

/** Reason phrases of the statuses the endpoint gives (an empty one is valid). */
const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Headers the responder writes itself. */
const OWN_HEADERS = new Set([
  "connection",
  "content-length",
  "keep-alive",
  "transfer-encoding",
]);

/**
 * Write a `Response` as an HTTP/1.1 answer: its status, headers and body,
 * with Content-Length and `Connection: close`.
 *
 * @param conn The peer's connection (its writes, which the caller may time).
 * @param response The answer.
 * @param head Whether the request was HEAD (the body is left out, its
 * length stays).
 */
export async function writeResponse(
  conn: Pick<Deno.Conn, "write">,
  response: Response,
  head: boolean,
): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  const reason = response.statusText || REASONS[response.status] || "";
  let text = `HTTP/1.1 ${response.status} ${reason}\r\n`;
  for (const [name, value] of response.headers) {
    if (!OWN_HEADERS.has(name)) text += `${name}: ${value}\r\n`;
  }
  text += `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  const start = new TextEncoder().encode(text);
  await writeAll(conn, start);
  if (!head) await writeAll(conn, body);
}
