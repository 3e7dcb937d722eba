/**
 * The `payload_json` of a request with files and the bytes of its
 * multipart framing: shared by `multipartBody`, which sends the JSON, and
 * `prepareUploads`, which counts both against the request size before any
 * file is read (Discord's 25 MiB is the whole request's, and a request over
 * it was refused only after all of it had been uploaded). Private to the
 * package.
 *
 * @module
 */
import { isRecord } from "../base/is_record.ts";
import { sentMediaType } from "./_content_types.ts";

/** Where the message's fields are in the JSON body (see `MultipartOptions`). */
export type MessageField = "body" | "data" | "message";

/** What a file's `attachments` entry is made from. */
export interface AttachmentSource {
  /** The file name. */
  name: string;
  /** Alt text. */
  description?: string | undefined;
}

/** The JSON sent as `payload_json`, and the part number of each file. */
export interface PayloadJson {
  /** The JSON text. */
  json: string;
  /** The `n` of each file's `files[n]` part, in the files' order. */
  ids: number[];
}

/**
 * The payload with an `attachments` entry per file, after those it already
 * lists (see `multipartBody`), where `field` says the message's fields are.
 *
 * @param payload The JSON body (an object, or `undefined`).
 * @param files The files, in order.
 * @param field Where the message's fields are.
 * @returns The JSON and the files' part numbers.
 */
export function payloadJson(
  payload: unknown,
  files: readonly AttachmentSource[],
  field: MessageField,
): PayloadJson {
  const json = objectCopy(payload);
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
  return { json: JSON.stringify(json), ids };
}

/** A shallow copy of an object; anything else becomes `{}`. */
function objectCopy(value: unknown): Record<string, unknown> {
  return isRecord(value) ? { ...value } : {};
}

/**
 * How a request's files are laid out: `files[n]` parts, each listed in the
 * message's `attachments` (where `message` says the message is), or, with
 * `fileField`, one part under that form field (`target_users_file`), which
 * `payload_json` does not list.
 */
export interface FileLayout {
  /** Where the message's fields are in the JSON body. */
  message: MessageField;
  /** The form field of a route whose docs name its file's field. */
  fileField?: string | undefined;
}

/** The JSON sent as `payload_json`, and the form field of each file. */
export interface FormLayout {
  /**
   * The JSON text; `undefined` for no `payload_json` part (a route with
   * its own file field and no JSON body: its docs list only the file).
   */
  json: string | undefined;
  /** Each file's form field (`files[0]`, `target_users_file`), in order. */
  fields: string[];
}

/**
 * The `payload_json` and the files' form fields of a request laid out as
 * `layout` says: with a `fileField`, the JSON body as it is (an object, or
 * `{}`; none without a body) and that field for the file; else as
 * {@linkcode payloadJson} makes them, `files[n]`.
 *
 * @param payload The JSON body (an object, or `undefined`).
 * @param files The files, in order.
 * @param layout Where the message is, and the route's own file field.
 * @returns The JSON and the files' fields.
 */
export function formLayout(
  payload: unknown,
  files: readonly AttachmentSource[],
  layout: FileLayout,
): FormLayout {
  if (layout.fileField !== undefined) {
    const field = layout.fileField;
    // Not a message: no `attachments` entry, which Discord reads only on
    // messages (its invite routes document none).
    return {
      json: payload === undefined
        ? undefined
        : JSON.stringify(objectCopy(payload)),
      fields: files.map(() => field),
    };
  }
  const { json, ids } = payloadJson(payload, files, layout.message);
  return { json, fields: ids.map((id) => `files[${id}]`) };
}

/** What a file part's headers are made from. */
export interface FilePart {
  /** Its form field (`files[0]`, `target_users_file`). */
  field: string;
  /** The file name (`filename=`). */
  name: string;
  /** The media type asked for (as a `Blob`'s `type` option). */
  type: string;
}

/**
 * The length of the boundary Deno's `fetch` writes (`-` padding and
 * digits); Node's (undici) is as long.
 */
const BOUNDARY_LENGTH = 32;

const utf8 = new TextEncoder();

/**
 * The bytes a `multipart/form-data` body holds besides `payload_json`'s
 * text and the files' contents: each part's boundary line, headers and
 * closing CRLF, and the closing boundary, as Deno's `fetch` writes them (a
 * file name's `"`, CR and LF escaped as `%22`, `%0D`, `%0A`; a media type a
 * `Blob` refuses sent as `application/octet-stream`).
 *
 * @param files The file parts, in order.
 * @param json Whether the body has a `payload_json` part.
 * @returns The framing's size in bytes.
 */
export function framingBytes(
  files: readonly FilePart[],
  json = true,
): number {
  const delimiter = 2 + BOUNDARY_LENGTH + 2; // `--boundary\r\n`
  let text = json
    ? 'Content-Disposition: form-data; name="payload_json"\r\n\r\n\r\n'
    : "";
  for (const file of files) {
    const type = sentMediaType(file.type);
    const filename = file.name.replace(/[\n\r"]/g, (c) => ESCAPES[c]!);
    text += `Content-Disposition: form-data; name="${file.field}"; ` +
      `filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n\r\n`;
  }
  // One delimiter per part, and the closing `--boundary--`.
  const parts = files.length + (json ? 1 : 0);
  return utf8.encode(text).length + delimiter * (parts + 1);
}

const ESCAPES: Record<string, string> = {
  "\n": "%0A",
  "\r": "%0D",
  '"': "%22",
};
