/**
 * The media type an upload is sent with: Discord reads a file's kind from
 * its part's `Content-Type`, not from its bytes (a sticker sent as
 * `application/octet-stream` is refused with 50046 Invalid Asset), so a
 * file given no type takes the one its name's extension stands for.
 *
 * @module
 */

/**
 * The extensions of the files Discord's uploads commonly carry (stickers,
 * emojis, avatars, attachments it previews), lower case, without the dot.
 * A `Map`, so a name such as `x.constructor` finds nothing.
 */
const EXTENSION_TYPES: ReadonlyMap<string, string> = new Map([
  ["png", "image/png"],
  // Discord takes an animated PNG as `image/png`, as browsers send it.
  ["apng", "image/png"],
  ["gif", "image/gif"],
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["webp", "image/webp"],
  ["avif", "image/avif"],
  ["json", "application/json"],
  ["txt", "text/plain"],
  // An invite's target users (`target_users_file`).
  ["csv", "text/csv"],
  ["mp3", "audio/mpeg"],
  ["ogg", "audio/ogg"],
  ["wav", "audio/wav"],
  ["mp4", "video/mp4"],
  ["webm", "video/webm"],
]);

/** What {@linkcode uploadContentType} reads of a file to upload. */
export interface TypedFile {
  /** The file name. */
  name: string;
  /** The content (only a `Blob`'s own type counts). */
  data: unknown;
  /** The media type the caller gave, if any. */
  contentType?: string | undefined;
}

/**
 * The media type a file is sent with (before the `Blob` checks it): the
 * one given, else a `Blob`'s own, else its name's extension's when known,
 * else `application/octet-stream`.
 *
 * @param file The file.
 * @returns The media type.
 */
export function uploadContentType(file: TypedFile): string {
  if (file.contentType !== undefined) return file.contentType;
  if (file.data instanceof Blob && file.data.type) return file.data.type;
  // A name that is no string is prepareUploads' to refuse (UploadError).
  const name = typeof file.name === "string" ? file.name : "";
  const dot = name.lastIndexOf(".");
  const extension = dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  return EXTENSION_TYPES.get(extension) ?? "application/octet-stream";
}

/**
 * A media type as a file part's `Content-Type` carries it: the `Blob`'s
 * form (lower case), or `application/octet-stream` for one the `Blob`
 * refuses.
 *
 * @param type The media type.
 * @returns The type sent.
 */
export function sentMediaType(type: string): string {
  return new Blob([], { type }).type || "application/octet-stream";
}

/**
 * A media type as the request will carry it and Discord will read it
 * ({@linkcode sentMediaType}), without parameters.
 *
 * @param type The media type.
 * @returns Its essence, e.g. `image/png` for `Image/PNG; x=1`.
 */
export function mediaTypeEssence(type: string): string {
  return sentMediaType(type).split(";")[0]!.trim();
}
