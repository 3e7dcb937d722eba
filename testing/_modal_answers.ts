/**
 * What the fake's simulated user may answer, as Discord's client lets a
 * user answer: a modal field's required value, its options, its value
 * counts and text lengths; a channel select's channels of a listed type;
 * a file upload's files of its file types, within the upload limit.
 * A test asking for more is a mistake in the test, thrown as an `Error`
 * (as a missing required text input always was). Private to the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";

type Field = Record<string, unknown>;

const num = (value: unknown, fallback: number): number =>
  typeof value === "number" ? value : fallback;

/**
 * The answer to one modal field: given when required (every kind but the
 * lone checkbox, whose answer is its state), among the field's options
 * (string selects, radio and checkbox groups), `min_values`..`max_values`
 * many (selects, file uploads, checkbox groups), `min_length`..`max_length`
 * long (text inputs). An optional field left empty skips the rest.
 *
 * @param input The field as the modal showed it.
 * @param given The test's answer.
 * @throws {Error} For an answer Discord's client would not send.
 */
export function checkModalAnswer(input: Field, given: unknown): void {
  const type = input.type as number;
  if (type === 23) return;
  const name = `Modal input '${String(input.custom_id)}'`;
  const answers: unknown[] = type === 4 || type === 21
    ? (typeof given === "string" && given !== "" ? [given] : [])
    : (Array.isArray(given) ? given : []);
  if (answers.length === 0) {
    if (input.required !== false) throw new Error(`${name} is required`);
    return;
  }
  if (type === 4) {
    const min = num(input.min_length, 0);
    const max = num(input.max_length, 4000);
    const n = textLength(given as string);
    if (n < min || n > max) {
      throw new Error(`${name} takes ${min}-${max} characters: got ${n}`);
    }
    return;
  }
  const options = Array.isArray(input.options)
    ? (input.options as Field[]).map((o) => o.value)
    : undefined;
  if (type !== 21) {
    // A checkbox group's max defaults to its option count, others' to 1.
    const min = num(input.min_values, 1);
    const max = num(input.max_values, type === 22 ? options!.length : 1);
    if (answers.length < min || answers.length > max) {
      throw new Error(
        `${name} takes ${min}-${max} values: got ${answers.length}`,
      );
    }
  }
  const bad = answers.find((v) => options && !options.includes(v));
  if (bad !== undefined) throw new Error(`${name} has no option '${bad}'`);
}

/**
 * A channel select's picks, each of a channel type the select lists in
 * `channel_types` (Discord's client offers no other).
 *
 * @param customId The select's custom id.
 * @param select The select as sent.
 * @param channels The picked channels, resolved, by ID.
 * @throws {Error} For a channel of a type the select does not list.
 */
export function checkChannelTypes(
  customId: string,
  select: Field,
  channels: Record<string, unknown> | undefined,
): void {
  const types = select.channel_types;
  if (!Array.isArray(types) || types.length === 0) return;
  for (const [id, channel] of Object.entries(channels ?? {})) {
    const type = (channel as { type?: unknown }).type;
    if (!types.includes(type)) {
      throw new Error(
        `'${customId}' lists channel types ${
          types.join(", ")
        } only: channel ${id} is of type ${type}`,
      );
    }
  }
}

/**
 * What Discord's client submits for a field the user leaves as the modal
 * showed it: a text input's prefilled `value`, a select's `default_values`
 * (their ids) or its options marked `default`, a radio or checkbox group's
 * options marked `default`, a checkbox's `default`; `undefined` when the
 * field showed nothing chosen.
 *
 * @param input The field as the modal showed it.
 * @returns The answer, in the form a test gives it.
 */
export function shownAnswer(input: Field): unknown {
  const type = input.type as number;
  if (type === 4) {
    return typeof input.value === "string" ? input.value : undefined;
  }
  if (type === 23) return input.default === true ? true : undefined;
  if (Array.isArray(input.default_values)) {
    return (input.default_values as Field[]).map((picked) => picked.id);
  }
  if (!Array.isArray(input.options)) return undefined;
  const picked = (input.options as Field[])
    .filter((option) => option.default === true)
    .map((option) => option.value);
  if (picked.length === 0) return undefined;
  return type === 21 ? picked[0] : picked;
}

/**
 * The extensions of Discord's file type groups (see "File Type Filtering"
 * in Discord's reference); a `file_types` entry is a group or a
 * dot-prefixed extension.
 */
const FILE_TYPE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  image: [".png", ".gif", ".jpg", ".jpeg", ".jfif", ".webp", ".avif"],
  video: [".mp4", ".mov", ".qt", ".webm"],
  audio: [".mp3", ".m4a", ".wav", ".ogg", ".opus", ".flac"],
};

/**
 * A file upload's files, as Discord's client lets a user pick them: each
 * of an extension its `file_types` allows (matched on the filename only,
 * case-insensitively) and no larger than the user's upload limit there,
 * the interaction's `attachment_size_limit`.
 *
 * @param input The file upload as the modal showed it.
 * @param files The test's files.
 * @param sizeLimit The interaction's `attachment_size_limit`, in bytes.
 * @throws {Error} For a file Discord's client would not upload.
 */
export function checkUploadedFiles(
  input: Field,
  files: readonly { filename: string; size?: number }[],
  sizeLimit: number,
): void {
  const name = `Modal input '${String(input.custom_id)}'`;
  const types = Array.isArray(input.file_types)
    ? input.file_types as string[]
    : [];
  const allowed = types.flatMap((type) =>
    FILE_TYPE_GROUPS[type] ?? [type.toLowerCase()]
  );
  for (const file of files) {
    const dot = file.filename.lastIndexOf(".");
    const extension = dot < 0 ? "" : file.filename.slice(dot).toLowerCase();
    if (allowed.length > 0 && !allowed.includes(extension)) {
      throw new Error(
        `${name} takes files of types ${
          types.join(", ")
        } only: '${file.filename}' is not one`,
      );
    }
    if ((file.size ?? 0) > sizeLimit) {
      throw new Error(
        `${name} takes files up to the upload limit, ${sizeLimit} bytes: '${file.filename}' has ${file.size}`,
      );
    }
  }
}
