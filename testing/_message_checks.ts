/**
 * The message body checks of the fake REST API (create, edit, the
 * interaction callbacks that carry a message): the empty message, content
 * and embed limits, the components, `allowed_mentions`, and
 * IS_COMPONENTS_V2's "the message can only contain components"; and a
 * forward's body, which carries no message of its own. An edit is checked
 * as the message it leaves: the flag stays once set ("the
 * `IS_COMPONENTS_V2` flag can only be set", message resource, Edit
 * Message), so the stored message's flags count as much as the request's,
 * and a stored field the edit does not reset counts as sent. Private to
 * the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import { type Attachment, MessageFlags } from "../types/objects/message.ts";
import { editedAttachments } from "./_message_attachments.ts";
import { componentErrors } from "./_component_checks.ts";
import { embedErrors } from "./_embed_checks.ts";
import { asObject, fieldError, tooLong, type Tree } from "./_form_errors.ts";
import type { FakeUploadedFile } from "./fake_resources.ts";
import { pollErrors } from "./_poll_checks.ts";

/** IS_COMPONENTS_V2. */
export const COMPONENTS_V2 = 1 << 15;

/** A refusal, as the fake's route handlers answer it. */
export interface Refusal {
  /** The HTTP status. */
  status: number;
  /** Discord's error body. */
  body: unknown;
}

/** The stored message an edit applies to (the fields these checks read). */
export interface StoredMessage {
  /** Its flags. */
  flags?: number | undefined;
  /** Its text. */
  content?: string | undefined;
  /** Its embeds. */
  embeds?: unknown[] | undefined;
  /** Its attachments. */
  attachments?: Attachment[] | undefined;
  /** Its components. */
  components?: unknown[] | undefined;
  /** Its stickers. */
  sticker_items?: unknown[] | undefined;
  /** Its stickers, as older messages carry them. */
  stickers?: unknown[] | undefined;
  /** Its poll. */
  poll?: unknown;
}

const invalidForm = (errors: unknown): Refusal => ({
  status: 400,
  body: { code: 50035, message: "Invalid Form Body", errors },
});

const nest = (prefix: string, errors: Tree): unknown =>
  prefix === "" ? errors : { [prefix.replace(/\.$/, "")]: errors };

const nonEmpty = (value: unknown): boolean =>
  (typeof value === "string" && value.length > 0) ||
  (Array.isArray(value) && value.length > 0);

/**
 * The refusal Discord answers a new message's body with, if any.
 *
 * @param fields The body (or a callback's `data`).
 * @param prefix `"data."` for a callback's data, `""` otherwise.
 * @param hasFiles Whether files came with it (a file alone is a message).
 * @returns The refusal, or `undefined` when Discord accepts it.
 */
export function messageErrors(
  fields: Tree,
  prefix = "",
  hasFiles = false,
): Refusal | undefined {
  if (!showsSomething(fields, hasFiles)) return emptyMessage;
  return contentErrors(fields, prefix, undefined);
}

const emptyMessage: Refusal = {
  status: 400,
  body: { code: 50006, message: "Cannot send an empty message" },
};

/**
 * Whether a message body has something to show: content, embeds,
 * components (a Components V2 message's text is in them), stickers, a poll
 * or files.
 */
function showsSomething(fields: Tree, hasFiles: boolean): boolean {
  return nonEmpty(fields.content) || nonEmpty(fields.embeds) ||
    nonEmpty(fields.components) || nonEmpty(fields.sticker_ids) ||
    fields.poll !== undefined || hasFiles;
}

/**
 * The refusal Discord answers a forward's body with (a Create Message
 * body whose `message_reference` is of type 1), if any. "When forwarding a
 * message, only `message_reference` is required", so no empty-message
 * check; and a forward carries nothing of its own: content, embeds,
 * components, stickers, a poll or files alongside it are refused (50035
 * `FORWARD_CONTAINS_UNSUPPORTED_CONTENT`, discord-api-docs issues #7574
 * and #8561; the docs say nothing of it, and the client sends a comment on
 * a forward as a second message). Under which field Discord files the
 * error, and its message, are not documented: the fake's are its own
 * (`message_reference`).
 *
 * @param fields The body.
 * @param hasFiles Whether files came with it.
 * @returns The refusal, or `undefined` when Discord accepts it.
 */
export function forwardErrors(
  fields: Tree,
  hasFiles = false,
): Refusal | undefined {
  if (
    nonEmpty(fields.content) || nonEmpty(fields.embeds) ||
    nonEmpty(fields.components) || nonEmpty(fields.sticker_ids) ||
    (fields.poll !== undefined && fields.poll !== null) || hasFiles
  ) {
    return invalidForm({
      message_reference: fieldError(
        "FORWARD_CONTAINS_UNSUPPORTED_CONTENT",
        "A forwarded message cannot carry content, embeds, components, stickers, a poll or files of its own",
      ),
    });
  }
  return contentErrors(fields, "", undefined);
}

/**
 * The refusal Discord answers an edit of `stored` with, if any. An edit
 * that leaves the message with nothing to show is refused as an empty new
 * message is (50006; discord.py #8344, and discord.js users meet it from
 * `InteractionWebhook.editMessage`): the message is judged as the edit
 * leaves it, the stored fields the edit does not set counting as they are.
 *
 * @param fields The edit's body (or a type 7 callback's `data`).
 * @param stored The message it edits, when known.
 * @param prefix `"data."` for a callback's data, `""` otherwise.
 * @param files The files uploaded with the edit; when not given, whether
 *   the edit empties the message is not judged (an upload may fill it).
 * @returns The refusal, or `undefined` when Discord accepts it.
 */
export function editErrors(
  fields: Tree,
  stored: StoredMessage | undefined,
  prefix = "",
  files?: readonly FakeUploadedFile[],
): Refusal | undefined {
  // The fake does not record every field that shows (a sticker or a poll
  // sent on create), so a stored message that seems empty is not judged.
  if (
    stored !== undefined && files !== undefined &&
    showsAfter({}, stored, []) && !showsAfter(fields, stored, files)
  ) return emptyMessage;
  return contentErrors(fields, prefix, stored);
}

/**
 * Whether `stored` has something to show after the edit `fields` with
 * `files` uploaded: a field the edit sets replaces the stored one, and the
 * attachments are those the message keeps (see `editedAttachments`).
 */
function showsAfter(
  fields: Tree,
  stored: StoredMessage,
  files: readonly FakeUploadedFile[],
): boolean {
  const after = (key: string, was: unknown): unknown =>
    key in fields ? fields[key] : was;
  const poll = after("poll", stored.poll);
  const attachments = editedAttachments(
    stored.attachments ?? [],
    fields,
    files,
    () => "0",
  );
  return showsSomething({
    content: after("content", stored.content),
    embeds: after("embeds", stored.embeds),
    components: after("components", stored.components),
    sticker_ids: after("sticker_ids", stored.sticker_items ?? stored.stickers),
    // An edit clears a field with `null` ("all parameters ... are nullable").
    poll: poll === null ? undefined : poll,
  }, attachments.length > 0);
}

/**
 * The flags a message has after an edit: an edit changes SUPPRESS_EMBEDS
 * only and may set IS_COMPONENTS_V2 (which "can only be set"); other flag
 * changes "are currently ignored without error" (Edit Message), so an
 * edit cannot make an ephemeral message public, or a public one ephemeral.
 *
 * @param stored The flags before.
 * @param asked The edit's `flags`.
 * @returns The flags after.
 */
export function editedFlags(stored: number, asked: number): number {
  const suppressEmbeds = MessageFlags.SuppressEmbeds;
  return (stored & ~suppressEmbeds) | (asked & suppressEmbeds) |
    (asked & COMPONENTS_V2);
}

function contentErrors(
  fields: Tree,
  prefix: string,
  stored: StoredMessage | undefined,
): Refusal | undefined {
  const asked = typeof fields.flags === "number" ? fields.flags : 0;
  const flags = asked | ((stored?.flags ?? 0) & COMPONENTS_V2);
  const components = componentErrors(fields.components, flags);
  if (components) return invalidForm(nest(prefix, { components }));
  if ((flags & COMPONENTS_V2) !== 0) {
    const legacy = legacyField(fields, stored);
    if (legacy !== undefined) {
      return invalidForm(nest(prefix, {
        [legacy]: fieldError(
          "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
          "The 'content', 'embeds', 'sticker_ids' and 'poll' fields cannot be used when using components v2",
        ),
      }));
    }
  }
  if (
    typeof fields.content === "string" && textLength(fields.content) > 2000
  ) {
    return invalidForm(nest(prefix, {
      content: fieldError(
        "BASE_TYPE_MAX_LENGTH",
        "Must be 2000 or fewer in length.",
      ),
    }));
  }
  if (Array.isArray(fields.embeds) && fields.embeds.length > 10) {
    return invalidForm(nest(prefix, {
      embeds: fieldError(
        "BASE_TYPE_MAX_LENGTH",
        "Must be 10 or fewer in length.",
      ),
    }));
  }
  const embeds = embedErrors(fields.embeds);
  if (embeds) return invalidForm(nest(prefix, { embeds }));
  const fieldLimits = limitErrors(fields);
  if (fieldLimits) return invalidForm(nest(prefix, fieldLimits));
  const mentions = allowedMentionsErrors(fields.allowed_mentions);
  if (mentions) {
    return invalidForm(nest(prefix, { allowed_mentions: mentions }));
  }
  return undefined;
}

/**
 * The limits of the other fields of a message body (message resource,
 * Create Message; poll resource): a `nonce` of up to 25 characters (an
 * integer counted by its digits), at most 3 `sticker_ids`, and the poll's
 * (see `pollErrors`).
 */
function limitErrors(fields: Tree): Tree | undefined {
  const nonce = fields.nonce;
  if (
    (typeof nonce === "string" || typeof nonce === "number") &&
    String(nonce).length > 25
  ) {
    return { nonce: tooLong(25) };
  }
  const stickers = fields.sticker_ids;
  if (Array.isArray(stickers) && stickers.length > 3) {
    return { sticker_ids: tooLong(3) };
  }
  if (fields.poll === undefined || fields.poll === null) return undefined;
  const poll = pollErrors(fields.poll);
  return poll ? { poll } : undefined;
}

/** The allowed mention types `parse` may name (Allowed Mention Types). */
const MENTION_TYPES = ["roles", "users", "everyone"];

/**
 * What Discord refuses in `allowed_mentions`: a `parse` entry that is not
 * an allowed mention type (`roles`, `users`, `everyone`), more than 100
 * `users` or
 * `roles` ("max 100"), and `parse` naming `users` or `roles` next to a
 * non-empty list of them ("mutually exclusive ... causing a validation
 * error"; an empty list, as the docs' own examples send, is accepted).
 * The code and message are those Discord answers, as bots' error reports
 * quote them.
 */
function allowedMentionsErrors(value: unknown): Tree | undefined {
  const allowed = asObject(value);
  const parse = Array.isArray(allowed.parse) ? allowed.parse : [];
  const unknown = parse.findIndex((kind) => !MENTION_TYPES.includes(kind));
  if (unknown >= 0) {
    return {
      parse: {
        [unknown]: fieldError(
          "ENUM_TYPE_COERCE",
          `Value "${String(parse[unknown])}" is not a valid enum value.`,
        ),
      },
    };
  }
  for (const kind of ["users", "roles"]) {
    const ids = allowed[kind];
    if (!Array.isArray(ids)) continue;
    if (ids.length > 100) return { [kind]: tooLong(100) };
    if (ids.length > 0 && parse.includes(kind)) {
      return fieldError(
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
  return undefined;
}

/**
 * The first legacy field the message would hold with IS_COMPONENTS_V2: sent
 * non-empty, or stored and not reset to empty by the edit ("any of the
 * used `content`, `embeds`, `sticker_ids`, or `poll` fields must have
 * their values reset to empty").
 */
function legacyField(
  fields: Tree,
  stored: StoredMessage | undefined,
): string | undefined {
  const before = asObject(stored);
  const after = (key: string, storedKey = key): unknown =>
    key in fields ? fields[key] : before[storedKey];
  if (nonEmpty(after("content"))) return "content";
  if (nonEmpty(after("embeds"))) return "embeds";
  if (nonEmpty(after("sticker_ids", "sticker_items"))) return "sticker_ids";
  const poll = after("poll");
  if (poll !== undefined && poll !== null) return "poll";
  return undefined;
}
