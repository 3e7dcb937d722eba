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
import { isRecord } from "../base/is_record.ts";
import { ChunkTypeError, readBounded } from "../base/read_bounded.ts";
import { textLength } from "../base/text_length.ts";
import {
  deadlineSignal,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";

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
  /** The media type (e.g. `image/png`); taken from a `Blob` when it has one. */
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
   * Largest size of all files together, in bytes (Discord's documented
   * request size for a message is 25 MiB; never below `maxSize`, so one
   * file at its limit always fits).
   *
   * @default {Math.max(26214400, maxSize)}
   */
  maxRequestSize?: number;
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
 * too large, bad name).
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
 * 1024 characters and within `maxSize` bytes, all together within
 * `maxRequestSize`. Names and alt texts are checked before anything is
 * read; streams are read (and cancelled as soon as they exceed the limit,
 * or `timeout` passes).
 *
 * @param files The files.
 * @param limits The size limit.
 * @returns The files as blobs.
 * @throws {UploadError} When the files break a rule.
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
  const maxRequestSize = bytesLimit(
    "maxRequestSize",
    limits.maxRequestSize ?? Math.max(MAX_UPLOAD_REQUEST_SIZE, maxSize),
  );
  if (files.length > MAX_FILES) {
    throw new UploadError(
      `Cannot upload files as at most ${MAX_FILES} fit in one message: current count '${files.length}'`,
    );
  }
  for (const file of files) checkFields(file);
  let total = 0;
  const out: PreparedUpload[] = [];
  const reading = readDeadline(limits);
  try {
    for (const file of files) {
      reading.file = file.name;
      const room = Math.min(maxSize, maxRequestSize - total);
      const blob = await toBlob(file, room, reading.signal);
      if (blob.size > room) throw tooLarge(file.name, room);
      total += blob.size;
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
}

/**
 * The multipart body of a request with files: `payload_json`, a plain
 * field (no filename), holds the JSON body with an `attachments` entry per
 * file, and each file is the part `files[n]` whose `n` is its entry's `id`.
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
  const json = objectCopy(payload);
  const field = options.message ?? "body";
  const message = field === "body" ? json : objectCopy(json[field]);
  const given: unknown[] = Array.isArray(message.attachments)
    ? message.attachments
    : [];
  const taken = new Set(
    given.map((entry) => String(objectCopy(entry).id)),
  );
  const ids: number[] = [];
  for (let n = 0; ids.length < files.length; n++) {
    if (!taken.has(String(n))) ids.push(n);
  }
  message.attachments = [
    ...given,
    ...files.map((file, index) => ({
      id: ids[index]!,
      filename: file.name,
      ...(file.description === undefined
        ? {}
        : { description: file.description }),
    })),
  ];
  if (field !== "body") json[field] = message;
  const form = new FormData();
  // A plain field, as Discord documents it and discord.js sends it: a Blob
  // would make it a file part, `filename="blob"` (a FormData part cannot
  // have its own Content-Type without a filename).
  form.append("payload_json", JSON.stringify(json));
  files.forEach((file, index) =>
    form.append(`files[${ids[index]}]`, file.blob, file.name)
  );
  return form;
}

/** A shallow copy of an object; anything else becomes `{}`. */
function objectCopy(value: unknown): Record<string, unknown> {
  return isRecord(value) ? { ...value } : {};
}

async function toBlob(
  file: FileUpload,
  room: number,
  signal: AbortSignal | undefined,
): Promise<Blob> {
  const type = file.contentType ??
    (file.data instanceof Blob && file.data.type
      ? file.data.type
      : "application/octet-stream");
  const data = file.data;
  if (data instanceof Blob) {
    if (data.size > room) throw tooLarge(file.name, room);
    return data.type === type ? data : new Blob([data], { type });
  }
  if (typeof data === "string") return new Blob([data], { type });
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    const size = data.byteLength;
    if (size > room) throw tooLarge(file.name, room);
    return new Blob([data as BlobPart], { type });
  }
  if (data instanceof ReadableStream) {
    // No room left: one byte read says whether the stream is empty.
    const limit = Math.max(1, room);
    const read = await readBounded(data, limit, "upload too large", signal)
      .catch((error: unknown) => {
        if (!(error instanceof ChunkTypeError)) throw error;
        throw new UploadError(
          `Cannot upload '${file.name}' as its 'data' stream must yield Uint8Array chunks: current chunk type '${error.chunkType}'`,
          { cause: error },
        );
      });
    if (read.type === "too_large") throw tooLarge(file.name, room);
    return new Blob(read.chunks as BlobPart[], { type });
  }
  throw new UploadError(
    `Cannot upload '${file.name}' as 'data' must be bytes, a Blob, a ReadableStream or a string: current type '${typeof data}'`,
  );
}

function tooLarge(name: string, room: number): UploadError {
  return new UploadError(
    `Cannot upload '${name}' as it exceeds the upload limit (${
      Math.max(0, room)
    } bytes allowed for it, per file and for what is left of the request)`,
  );
}
