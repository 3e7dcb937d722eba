/**
 * File uploads: `multipart/form-data` bodies with `payload_json` and
 * `files[n]`, built from bytes, a `Blob`/`File` or a `ReadableStream`, with
 * sizes checked before anything is sent.
 *
 * A stream can be read only once, but a request may have to be sent again
 * (after a 429 or a 5xx). Streams are therefore read into memory first, up
 * to the size limit (reading stops, and the stream is cancelled, as soon as
 * it goes over); bytes, blobs and files are used as they are. The finished
 * `FormData` holds only blobs, so every retry sends the same body.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { ChunkTypeError, readBounded } from "../base/read_bounded.ts";
import { textLength } from "../base/text_length.ts";
import {
  deadlineSignal,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import { type FileLayout, formLayout, framingBytes } from "./_multipart.ts";
import { uploadContentType } from "./_content_types.ts";

/**
 * Data of a file to upload. A stream's chunks must be `Uint8Array`s: any
 * other (a string, an `ArrayBuffer`) fails the upload with an
 * {@linkcode UploadError}.
 */
export type UploadData =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | string;

/** A file to attach to a message, an interaction response or a webhook message. */
export interface FileUpload {
  /** The file name Discord shows (and `attachment://<name>` refers to). */
  name: string;
  /** The content. */
  data: UploadData;
  /**
   * The media type (e.g. `image/png`), which Discord reads the file's kind
   * from. Without it, a `Blob`'s own type, else the one the name's
   * extension stands for (`.png` and `.apng` `image/png`, `.gif`, `.jpg`,
   * `.jpeg`, `.webp`, `.avif`, `.json`, `.txt`, `.csv`, `.mp3`, `.ogg`,
   * `.wav`, `.mp4`, `.webm`).
   *
   * @default {"application/octet-stream"}
   */
  contentType?: string;
  /** Alt text (1024 characters at most). */
  description?: string;
}

/** Limits checked before an upload is sent. */
export interface UploadLimits {
  /**
   * Largest size of each file, in bytes: Discord checks the limit per
   * attachment. It depends on the guild's boost level and the user's Nitro
   * (an interaction's `attachment_size_limit` says it); 10 MiB is what
   * every bot may send.
   *
   * @default {10485760}
   */
  maxSize?: number;
  /**
   * Largest size of the request, in bytes: of all files together and, with
   * `request`, of the whole body, `payload_json` and multipart framing
   * included (Discord's documented request size for a message is 25 MiB,
   * and it refuses a larger one only once all of it was uploaded). Never
   * below `maxSize` plus what `request` adds, so one file at its limit
   * always fits.
   *
   * @default {Math.max(26214400, maxSize + the request's JSON and framing)}
   */
  maxRequestSize?: number;
  /**
   * The request the files will be sent in: its JSON body, as
   * {@linkcode multipartBody} will be given it (with the same `message`).
   * Given, `payload_json` (its UTF-8 bytes) and the multipart framing (each
   * part's boundary line and headers, counted as Deno's `fetch` writes
   * them) count towards `maxRequestSize` with the files, before any file is
   * read. Without it, only the files' bytes are counted.
   */
  request?: UploadRequest;
  /**
   * Stops reading the files' streams: the call rejects with its reason (a
   * stream that stalls would otherwise hold the request for ever).
   */
  signal?: AbortSignal;
  /**
   * The longest reading the files may take, in ms: past it the stream being
   * read is cancelled and the call rejects with an {@linkcode UploadError}.
   * Without it (or `signal`), a stream that stalls is waited for for ever.
   */
  timeout?: number;
  /**
   * The clock that times `timeout`.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/** The request files go in, as {@linkcode UploadLimits.request} counts it. */
export interface UploadRequest extends MultipartOptions {
  /** The JSON body (an object, or `undefined`), sent as `payload_json`. */
  payload: unknown;
}

/** Discord's longest alt text (`description`) of an attachment. */
const MAX_DESCRIPTION = 1024;

/** The most files one message may carry. */
export const MAX_FILES = 10;

/** The size of one file every bot may send (10 MiB). */
export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** The largest request that sends a message, files included (25 MiB). */
export const MAX_UPLOAD_REQUEST_SIZE = 25 * 1024 * 1024;

/** A file read and checked, ready to be put into a form. */
export interface PreparedUpload {
  /** The file name. */
  name: string;
  /** The content. */
  blob: Blob;
  /** Alt text. */
  description: string | undefined;
}

/**
 * Thrown before sending when files break Discord's upload rules (too many,
 * too large, bad name, a request over its size) or cannot be read.
 *
 * @example Usage
 * ```ts
 * import { UploadError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const cause = new Error("disk gone");
 * const error = new UploadError("Cannot read file a.txt", { cause });
 * assert.equal(error.name, "UploadError");
 * assert.equal(error.cause, cause);
 * ```
 */
export class UploadError extends Error {
  /**
   * Create the error.
   *
   * @param message What is wrong.
   * @param options The error that caused it.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UploadError";
  }
}

/**
 * Read and check files: at most 10, each with a name, alt text of at most
 * 1024 characters and within `maxSize` bytes, all together (with the
 * JSON and framing of `request`, when given) within `maxRequestSize`.
 * Names, alt texts and the JSON are checked before anything is read;
 * streams are read (and cancelled as soon as they exceed the limit, or
 * `timeout` passes).
 *
 * @param files The files.
 * @param limits The size limit.
 * @returns The files as blobs.
 * @throws {UploadError} When the files break a rule, or a stream fails
 *   while it is read (the stream's error is the cause). An abort of
 *   `signal` rejects with its reason instead.
 * @throws {RangeError} When `maxSize` or `maxRequestSize` is not a positive
 *   integer (`NaN` read a stream for ever).
 *
 * @example A stream is read once, then re-sendable
 * ```ts
 * import { prepareUploads } from "./uploads.ts";
 * import assert from "node:assert/strict";
 *
 * const stream = new Blob(["hello"]).stream();
 * const [file] = await prepareUploads([{ name: "a.txt", data: stream }]);
 * assert.equal(await file!.blob.text(), "hello");
 * assert.equal(await file!.blob.text(), "hello");
 * ```
 */
export async function prepareUploads(
  files: readonly FileUpload[],
  limits: UploadLimits = {},
): Promise<PreparedUpload[]> {
  const maxSize = bytesLimit("maxSize", limits.maxSize ?? DEFAULT_UPLOAD_LIMIT);
  const fileField = limits.request?.fileField;
  if (fileField !== undefined && files.length > 1) {
    // Sent twice under one field, which of them Discord reads is not said.
    throw new UploadError(
      `Cannot upload files as the route takes one file, as '${fileField}': current count '${files.length}'`,
    );
  }
  if (files.length > MAX_FILES) {
    throw new UploadError(
      `Cannot upload files as at most ${MAX_FILES} fit in one message: current count '${files.length}'`,
    );
  }
  for (const file of files) checkFields(file);
  const extra = requestExtra(files, limits.request);
  const maxRequestSize = bytesLimit(
    "maxRequestSize",
    limits.maxRequestSize ??
      Math.max(MAX_UPLOAD_REQUEST_SIZE, maxSize + extra.json + extra.framing),
  );
  const size = { max: maxRequestSize, ...extra, files: 0 };
  if (extra.json + extra.framing > maxRequestSize) {
    throw requestTooLarge(undefined, size, 0, true);
  }
  const out: PreparedUpload[] = [];
  const reading = readDeadline(limits);
  try {
    for (const file of files) {
      reading.file = file.name;
      const left = maxRequestSize - extra.json - extra.framing - size.files;
      const room = Math.min(maxSize, left);
      const refuse = (bytes: number, exact: boolean): UploadError =>
        limits.request === undefined
          ? tooLarge(
            file.name,
            bytes,
            exact,
            room,
            room < maxSize ? size : undefined,
          )
          : bytes > maxSize
          ? tooLarge(file.name, bytes, exact, maxSize)
          : requestTooLarge(file.name, size, bytes, exact);
      const blob = await toBlob(file, room, reading.signal, refuse);
      if (blob.size > room) throw refuse(blob.size, true);
      size.files += blob.size;
      out.push({ name: file.name, blob, description: file.description });
    }
  } finally {
    reading.end();
  }
  return out;
}

/**
 * A size limit, checked: a positive integer of bytes.
 *
 * @param name The option's name, for the message.
 * @param value The value.
 * @returns The limit.
 * @throws {RangeError} When it is not a positive integer.
 */
export function bytesLimit(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot upload files as '${name}' must be a positive integer of bytes: current value '${name}=${
        String(value)
      }'`,
    );
  }
  return value;
}

/** A file's name and alt text, checked before anything is read. */
function checkFields(file: FileUpload): void {
  if (typeof file?.name !== "string" || file.name.trim() === "") {
    throw new UploadError(
      "Cannot upload a file as its 'name' must be a non-empty string",
    );
  }
  const alt: unknown = file.description;
  if (
    alt !== undefined &&
    (typeof alt !== "string" || textLength(alt) > MAX_DESCRIPTION)
  ) {
    throw new UploadError(
      `Cannot upload '${file.name}' as its 'description' must be a string of at most ${MAX_DESCRIPTION} characters: current ${
        typeof alt === "string"
          ? `length '${textLength(alt)}'`
          : `type '${typeof alt}'`
      }`,
    );
  }
}

/** What ends the reading of a call's streams, and the file being read. */
interface ReadDeadline {
  /** Aborted by the caller's signal or at the timeout. */
  signal: AbortSignal | undefined;
  /** The file being read (named by the timeout's error). */
  file: string;
  /** Stop the timer and stop listening to the caller's signal. */
  end(): void;
}

/**
 * The caller's signal, aborted as well once `limits.timeout` ms have passed
 * (with an {@linkcode UploadError} naming the file being read), made by
 * {@linkcode deadlineSignal} (not `AbortSignal.any`, which keeps what it
 * makes tied to a long-lived caller signal for as long as that lives).
 */
function readDeadline(limits: UploadLimits): ReadDeadline {
  const { signal, timeout } = limits;
  if (timeout === undefined) return { signal, file: "", end: () => {} };
  const deadline = deadlineSignal(
    limits.scheduler ?? realScheduler,
    timeout,
    () =>
      new UploadError(
        `Cannot upload '${reading.file}' as its data did not arrive within ${timeout} ms: nothing was sent`,
      ),
    signal,
  );
  const reading: ReadDeadline = {
    signal: deadline.signal,
    file: "",
    end: deadline.end,
  };
  return reading;
}

/** Options of {@linkcode multipartBody}. */
export interface MultipartOptions {
  /**
   * Where the message's fields are in the JSON body: at its top level (a
   * message, a webhook execution, an edit), in its `data` (an interaction
   * callback, `{ type, data }`) or in its `message` (a forum or media
   * post, `{ name, message }`). Discord reads the files' `attachments`
   * there: put at the top level, their alt text was lost.
   *
   * @default {"body"}
   */
  message?: "body" | "data" | "message";
  /**
   * The form field of a route whose docs name its file's field
   * (`target_users_file`): its one file is sent under it, not as
   * `files[n]`, and `payload_json` is the JSON body as it is, with no
   * `attachments` entry (they describe a message's files), or no part at
   * all without a body. Without it, files are a message's.
   */
  fileField?: string | undefined;
}

/**
 * The multipart body of a request with files: `payload_json`, a plain
 * field (no filename), holds the JSON body with an `attachments` entry per
 * file, and each file is the part `files[n]` whose `n` is its entry's `id`
 * (with `fileField`, the one file is that field's part and `payload_json`
 * the JSON body as it is, left out without one).
 *
 * Attachments the payload already lists are kept, before the new files'
 * entries: on an edit (PATCH) they are the message's existing attachments
 * to keep, since Discord removes every attachment `attachments` does not
 * list. The new files take the numeric ids from 0 up that no listed entry
 * uses, so a placeholder never names two files.
 *
 * @param payload The JSON body (an object, or `undefined`).
 * @param files The prepared files.
 * @param options Where the message's fields are (callbacks: in `data`,
 *   forum posts: in `message`).
 * @returns The form.
 *
 * @example An edit that keeps one attachment and adds a file
 * ```ts
 * import { multipartBody, prepareUploads } from "./uploads.ts";
 * import assert from "node:assert/strict";
 *
 * const files = await prepareUploads([{ name: "new.png", data: "png" }]);
 * const form = multipartBody({ attachments: [{ id: "111" }] }, files);
 * const json = JSON.parse(form.get("payload_json") as string);
 * assert.deepEqual(json.attachments, [{ id: "111" }, { id: 0, filename: "new.png" }]);
 * assert.ok(form.has("files[0]"));
 * ```
 */
export function multipartBody(
  payload: unknown,
  files: readonly PreparedUpload[],
  options: MultipartOptions = {},
): FormData {
  const { json, fields } = formLayout(payload, files, fileLayout(options));
  const form = new FormData();
  // A plain field, as Discord documents it and discord.js sends it: a Blob
  // would make it a file part, `filename="blob"` (a FormData part cannot
  // have its own Content-Type without a filename).
  if (json !== undefined) form.append("payload_json", json);
  files.forEach((file, index) =>
    form.append(fields[index]!, file.blob, file.name)
  );
  return form;
}

/** The layout `options` asks for, `message` defaulted. */
function fileLayout(options: MultipartOptions): FileLayout {
  return { message: options.message ?? "body", fileField: options.fileField };
}

/** What a request holds besides its files' contents, in bytes. */
interface RequestExtra {
  /** `payload_json`'s text, in UTF-8. */
  json: number;
  /** The multipart framing (boundaries, part headers). */
  framing: number;
}

/**
 * The bytes `request` adds to the files' (none without it), from what is
 * known before any file is read: the JSON is built as `multipartBody` will
 * build it, and each part's media type is the one its blob will have.
 */
function requestExtra(
  files: readonly FileUpload[],
  request: UploadRequest | undefined,
): RequestExtra {
  if (request === undefined) return { json: 0, framing: 0 };
  const { json, fields } = formLayout(
    request.payload,
    files,
    fileLayout(request),
  );
  const framing = framingBytes(
    files.map((file, index) => ({
      field: fields[index]!,
      name: file.name,
      type: uploadContentType(file),
    })),
    json !== undefined,
  );
  return { json: json === undefined ? 0 : utf8.encode(json).length, framing };
}

const utf8 = new TextEncoder();

/**
 * A file's content as a blob, read within `room` bytes: `refuse` makes the
 * error of one larger (given its size, or the size a stream had when it
 * passed the limit: `exact` false).
 */
async function toBlob(
  file: FileUpload,
  room: number,
  signal: AbortSignal | undefined,
  refuse: (size: number, exact: boolean) => UploadError,
): Promise<Blob> {
  const type = uploadContentType(file);
  const data = file.data;
  if (data instanceof Blob) {
    if (data.size > room) throw refuse(data.size, true);
    return data.type === type ? data : new Blob([data], { type });
  }
  if (typeof data === "string") return new Blob([data], { type });
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    const size = data.byteLength;
    if (size > room) throw refuse(size, true);
    return new Blob([data as BlobPart], { type });
  }
  if (data instanceof ReadableStream) {
    // No room left: one byte read says whether the stream is empty.
    const limit = Math.max(1, room);
    const read = await readBounded(data, limit, "upload too large", signal)
      .catch((error: unknown) => {
        throw streamError(file.name, error, signal);
      });
    if (read.type === "too_large") throw refuse(read.size, false);
    return new Blob(read.chunks as BlobPart[], { type });
  }
  throw new UploadError(
    `Cannot upload '${file.name}' as 'data' must be bytes, a Blob, a ReadableStream or a string: current type '${typeof data}'`,
  );
}

/**
 * What a stream's failed read rejects the call with: an abort (the caller's
 * signal, or the timeout's {@linkcode UploadError}) its reason, as it is;
 * any other failure (a stream that errors halfway, one already locked) an
 * {@linkcode UploadError} naming the file, the failure as its cause, as the
 * client documents for a file that could not be read.
 */
function streamError(
  name: string,
  error: unknown,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof ChunkTypeError) {
    return new UploadError(
      `Cannot upload '${name}' as its 'data' stream must yield Uint8Array chunks: current chunk type '${error.chunkType}'`,
      { cause: error },
    );
  }
  const reason = errorText(error);
  return new UploadError(
    `Cannot upload '${name}' as its 'data' stream could not be read, so nothing was sent: current error '${reason}'`,
    { cause: error },
  );
}

/** The request's size so far, for {@linkcode requestTooLarge}. */
interface RequestSize extends RequestExtra {
  /** The request's limit. */
  max: number;
  /** The files read before this one. */
  files: number;
}

/**
 * The error of a request over its limit: by how much (at least, for a
 * stream cut short), and what counts.
 */
function requestTooLarge(
  name: string | undefined,
  size: RequestSize,
  bytes: number,
  exact: boolean,
): UploadError {
  const over = size.json + size.framing + size.files + bytes - size.max;
  const atLeast = exact ? "" : "at least ";
  const what = name === undefined ? "files" : `'${name}'`;
  const file = name === undefined
    ? ""
    : `, the files before it ${size.files} and '${name}' ${atLeast}${bytes}`;
  return new UploadError(
    `Cannot upload ${what} as the request would exceed its size limit of ${size.max} bytes by ${atLeast}${over} bytes: payload_json takes ${size.json} bytes, the multipart framing ${size.framing}${file} (nothing was sent)`,
  );
}

/**
 * The error of a file over its limit: its size and by how much (at least,
 * for a stream cut short), and which limit applied: per file, or (`request`
 * given) what the files before it left of the request's.
 */
function tooLarge(
  name: string,
  bytes: number,
  exact: boolean,
  room: number,
  request?: RequestSize,
): UploadError {
  const limit = Math.max(0, room);
  const atLeast = exact ? "" : "at least ";
  const which = request === undefined
    ? "per file"
    : `what is left of the request's limit of ${request.max} bytes, after ${request.files} bytes of files before it`;
  return new UploadError(
    `Cannot upload '${name}' as it exceeds the upload limit: it is ${atLeast}${bytes} bytes, ${atLeast}${
      bytes - limit
    } over the limit of ${limit} bytes (${which})`,
  );
}
