/**
 * The attachments of `FakeRest`'s messages: what an uploaded file
 * becomes, and which attachments a message keeps when it is edited.
 *
 * Discord's rule for edits (API v10, "Editing Message Attachments" in the
 * reference and Edit Message / Edit Webhook Message): the body's
 * `attachments` lists every attachment the message has afterwards, the
 * existing ones to keep by their `id` and the new uploads by their
 * placeholder `id`, the `n` of their `files[n]` part. An existing attachment
 * it does not list is removed, and so is an upload it does not name. An
 * edit without `attachments` leaves the existing attachments alone, and the
 * files it carries are appended. `attachments: []`, or `null` (all of an
 * edit's parameters are nullable; hikari sends `null` to clear them), keeps
 * none.
 *
 * @module
 */
import type { Attachment } from "../types/objects/message.ts";
import type { FakeUploadedFile } from "./fake_resources.ts";

/** The attachment flag of a spoiler (blurred until clicked). */
const IS_SPOILER = 1 << 3;

/**
 * The attachments of a new message: one per uploaded file, in upload order,
 * with the file name, alt text and spoiler flag its `attachments` entry (the
 * one whose `id` is the `n` of its `files[n]`) gives.
 *
 * @param body The message body.
 * @param files The uploaded files.
 * @param snowflake Makes the attachments' ids.
 * @returns The attachment objects.
 */
export function uploadedAttachments(
  body: Record<string, unknown>,
  files: readonly FakeUploadedFile[],
  snowflake: () => string,
): Attachment[] {
  const described = Array.isArray(body.attachments) ? body.attachments : [];
  return files.map((file) =>
    uploaded(
      file,
      entry(described.find((a) => entryId(a) === placeholder(file))),
      snowflake,
    )
  );
}

/**
 * The attachments a message has after an edit (see the module doc): without
 * `attachments`, the existing ones and then the uploads; with it, what it
 * lists, in its order, each existing attachment with the alt text and
 * spoiler flag its entry may change. An entry that names neither an upload
 * nor an existing attachment adds nothing.
 *
 * @param existing The message's attachments before the edit.
 * @param body The edit's body (for an UPDATE_MESSAGE callback, its `data`).
 * @param files The files uploaded with the edit.
 * @param snowflake Makes new attachments' ids.
 * @returns The attachment objects.
 */
export function editedAttachments(
  existing: readonly Attachment[],
  body: Record<string, unknown>,
  files: readonly FakeUploadedFile[],
  snowflake: () => string,
): Attachment[] {
  if (body.attachments === undefined) {
    return [...existing, ...uploadedAttachments(body, files, snowflake)];
  }
  const listed = Array.isArray(body.attachments) ? body.attachments : [];
  const out: Attachment[] = [];
  const used = new Set<string>();
  for (const item of listed) {
    const id = entryId(item);
    if (id === undefined || used.has(id)) continue;
    const meta = entry(item);
    const file = files.find((f) => placeholder(f) === id);
    const kept = existing.find((a) => a.id === id);
    if (file) out.push(uploaded(file, meta, snowflake));
    else if (kept) out.push(withMeta({ ...kept }, meta));
    else continue;
    used.add(id);
  }
  return out;
}

/** The placeholder id of a `files[n]` part: its `n`. */
function placeholder(file: FakeUploadedFile): string | undefined {
  return /\[(\d+)\]/.exec(file.field)?.[1];
}

/** An `attachments` entry's `id` as a string (`0` and `"0"` alike). */
function entryId(value: unknown): string | undefined {
  const id = entry(value).id;
  return typeof id === "string" || typeof id === "number"
    ? String(id)
    : undefined;
}

function entry(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null
    ? value as Record<string, unknown>
    : {};
}

function uploaded(
  file: FakeUploadedFile,
  meta: Record<string, unknown>,
  snowflake: () => string,
): Attachment {
  const id = snowflake();
  const attachment: Attachment = {
    id,
    filename: typeof meta.filename === "string" ? meta.filename : file.name,
    size: file.data.byteLength,
    url: `https://cdn.discordapp.com/attachments/0/${id}/${file.name}`,
    proxy_url: `https://media.discordapp.net/attachments/0/${id}/${file.name}`,
    content_type: file.contentType,
  };
  return withMeta(attachment, meta);
}

/** Apply what an entry may set on any attachment: alt text, spoiler. */
function withMeta(
  attachment: Attachment,
  meta: Record<string, unknown>,
): Attachment {
  if (typeof meta.description === "string") {
    attachment.description = meta.description;
  }
  if (meta.is_spoiler === true) {
    attachment.flags = (attachment.flags ?? 0) | IS_SPOILER;
  } else if (meta.is_spoiler === false && attachment.flags !== undefined) {
    attachment.flags &= ~IS_SPOILER;
  }
  return attachment;
}
