/**
 * Discord's limits on a message's body (message resource docs: "Create
 * Message", "Embed Limits"; poll resource docs: "Poll Create Request
 * Object", "Poll Media Object"), checked before a message is sent: Discord
 * answers one over them with a 400 after a round trip. REST's message
 * routes call {@linkcode checkedMessage}; interactions' answers share the
 * content and embed checks ({@linkcode contentLengthFault},
 * {@linkcode embedLimitFault}). Private to the package.
 *
 * @module
 */
import type { EmbedPayload } from "./payloads.ts";
import { isRecord } from "../base/is_record.ts";
import { assertBooleanOption, shownQuoted } from "../base/option_checks.ts";
import { textLength } from "../base/text_length.ts";

/** Code points a message's content may have. */
export const MAX_CONTENT = 2000;
/** Embeds a message may have. */
export const MAX_EMBEDS = 10;
/** Fields an embed may have. */
const MAX_FIELDS = 25;
/** Characters all of a message's embeds may hold together. */
const MAX_TOTAL = 6000;

/** Each text of an embed Discord limits: where it is, and its limit. */
const TEXT_LIMITS: readonly [
  label: string,
  max: number,
  read: (embed: EmbedPayload) => unknown,
][] = [
  ["title", 256, (embed) => embed.title],
  ["description", 4096, (embed) => embed.description],
  ["footer.text", 2048, (embed) => embed.footer?.text],
  ["author.name", 256, (embed) => embed.author?.name],
];

/**
 * A text's length as Discord counts it for embeds: in code points, without
 * leading and trailing whitespace ("they are trimmed automatically", the
 * docs say, without saying which whitespace: `String.prototype.trim`'s,
 * Unicode's, is taken). Not a string: 0 (the types rule it out, and
 * Discord's answer to it is not a length error).
 */
function embedLength(text: unknown): number {
  return typeof text === "string" ? textLength(text.trim()) : 0;
}

/** Thrown inside {@linkcode embedLimitFault}, caught there. */
class Fault {
  constructor(readonly message: string) {}
}

/** The length of embed `index`'s text `label`, a fault over `max`. */
function fieldLength(
  index: number,
  label: string,
  text: unknown,
  max: number,
): number {
  const length = embedLength(text);
  if (length > max) {
    throw new Fault(
      `Embed ${index}'s '${label}' must be at most ${max} characters: current length '${length}'`,
    );
  }
  return length;
}

/**
 * What breaks Discord's embed limits in a message's embeds, if anything:
 * title 256, description 4096, 25 fields, field name 256 and value 1024,
 * footer text 2048, author name 256, and 6000 of those characters across
 * all the embeds. (The number of embeds is not checked here.)
 *
 * @param embeds The message's embeds, if any.
 * @returns The first fault (naming the embed, the field and the limit), or
 *   `undefined`.
 *
 * @example Usage
 * ```ts
 * import { embedLimitFault } from "./_message_limits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(embedLimitFault([{ title: "a".repeat(256) }]), undefined);
 * assert.equal(
 *   embedLimitFault([{ title: "a".repeat(257) }]),
 *   "Embed 0's 'title' must be at most 256 characters: current length '257'",
 * );
 * ```
 */
export function embedLimitFault(embeds: unknown): string | undefined {
  if (!Array.isArray(embeds)) return undefined;
  try {
    let total = 0;
    embeds.forEach((item: unknown, index) => {
      if (typeof item !== "object" || item === null) return;
      const embed = item as EmbedPayload;
      for (const [label, max, read] of TEXT_LIMITS) {
        total += fieldLength(index, label, read(embed), max);
      }
      const fields: unknown = embed.fields;
      if (Array.isArray(fields)) {
        if (fields.length > MAX_FIELDS) {
          throw new Fault(
            `Embed ${index} may have at most ${MAX_FIELDS} 'fields': current count '${fields.length}'`,
          );
        }
        fields.forEach((field: unknown, at) => {
          const { name, value } = (field ?? {}) as Record<string, unknown>;
          total += fieldLength(index, `fields[${at}].name`, name, 256);
          total += fieldLength(index, `fields[${at}].value`, value, 1024);
        });
      }
      if (total > MAX_TOTAL) {
        // Named at the embed that takes the sum past the limit.
        throw new Fault(
          `A message's embeds may have at most ${MAX_TOTAL} characters in all (titles, descriptions, field names and values, footer texts and author names, trimmed): embeds 0-${index} have '${total}'`,
        );
      }
    });
  } catch (error) {
    if (error instanceof Fault) return error.message;
    throw error;
  }
  return undefined;
}

/**
 * What is wrong with a message's content's length, if anything: 2000
 * characters, counted in code points as Discord counts them.
 *
 * @param content The content; anything not a string (`null` clearing it,
 *   `undefined` leaving it) has no fault.
 * @returns The fault, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { contentLengthFault } from "./_message_limits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(contentLengthFault("😀".repeat(2000)), undefined);
 * assert.equal(
 *   contentLengthFault("a".repeat(2001)),
 *   "Message content must be at most 2000 characters: current length '2001'",
 * );
 * ```
 */
export function contentLengthFault(content: unknown): string | undefined {
  const length = typeof content === "string" ? textLength(content) : 0;
  return length > MAX_CONTENT
    ? `Message content must be at most ${MAX_CONTENT} characters: current length '${length}'`
    : undefined;
}

/** Hours a poll may be open: "up to 32 days". */
const MAX_POLL_HOURS = 32 * 24;

/**
 * A message body as it will be sent, checked against Discord's limits:
 * `content` 2000 characters, 10 `embeds` within the embed limits, 3
 * `sticker_ids`, a string `nonce` of 25 characters, and a `poll`'s
 * question text of 300 characters, 10 answers of 55 characters each, a
 * `duration` an integer from 1 to 768 hours (32 days) and a boolean
 * `allow_multiselect`. The body is written out as JSON once and that JSON
 * read back (what the request would write), so a getter or a `toJSON`
 * cannot pass the check with one value and be sent with another. `null`
 * (an edit clearing a field) and a field left out pass. A `FormData` is
 * sent as it is.
 *
 * @param action What was refused, after "Cannot" (`create message`).
 * @param body The message, as given.
 * @param at Where the message is, before its fields' names (`message.`).
 * @returns The copy to send.
 * @throws {TypeError} When a field is of the wrong type (a poll's
 *   `duration` not a number, `allow_multiselect` not a boolean), or the
 *   body cannot be written as JSON (circular, a `BigInt`).
 * @throws {RangeError} When a text is too long or a list too long, or a
 *   poll's `duration` not an integer from 1 to 768.
 *
 * @example Usage
 * ```ts
 * import { checkedMessage } from "./_message_limits.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkedMessage("create message", { content: "hi" }), {
 *   content: "hi",
 * });
 * assert.throws(
 *   () => checkedMessage("create message", { sticker_ids: ["1", "2", "3", "4"] }),
 *   {
 *     name: "RangeError",
 *     message: "Cannot create message as 'sticker_ids' must have at most 3 entries: current count '4'",
 *   },
 * );
 * ```
 */
export function checkedMessage<T>(action: string, body: T, at = ""): T {
  if (typeof body !== "object" || body === null || body instanceof FormData) {
    return body;
  }
  const json: string | undefined = JSON.stringify(body);
  if (json === undefined) return body;
  const copy: unknown = JSON.parse(json);
  if (!isRecord(copy)) return copy as T;
  const range = (rule: string): never => {
    throw new RangeError(`Cannot ${action} as ${rule}`);
  };
  const fault = contentLengthFault(copy.content);
  if (fault !== undefined) {
    range(
      `'${at}content' must be at most ${MAX_CONTENT} characters: current length '${
        textLength(copy.content as string)
      }'`,
    );
  }
  count(action, `${at}embeds`, copy.embeds, MAX_EMBEDS);
  const embedFault = embedLimitFault(copy.embeds);
  if (embedFault !== undefined) {
    range(embedFault.charAt(0).toLowerCase() + embedFault.slice(1));
  }
  count(action, `${at}sticker_ids`, copy.sticker_ids, 3);
  text(action, `${at}nonce`, copy.nonce, 25);
  checkPoll(action, `${at}poll`, copy.poll);
  return copy as T;
}

/** Refuse a list `value` of over `max` entries. */
function count(
  action: string,
  name: string,
  value: unknown,
  max: number,
): void {
  if (Array.isArray(value) && value.length > max) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must have at most ${max} entries: current count '${value.length}'`,
    );
  }
}

/** Refuse a text `value` of over `max` characters (code points). */
function text(
  action: string,
  name: string,
  value: unknown,
  max: number,
): void {
  if (typeof value === "string" && textLength(value) > max) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must be at most ${max} characters: current length '${
        textLength(value)
      }'`,
    );
  }
}

/** A poll create request's limits (poll.mdx). */
function checkPoll(action: string, at: string, poll: unknown): void {
  if (!isRecord(poll)) return;
  const question = poll.question;
  if (isRecord(question)) {
    text(action, `${at}.question.text`, question.text, 300);
  }
  // "Each of the answers available in the poll, up to 10"; "The maximum
  // length of `text` is ... 55 for any answer".
  count(action, `${at}.answers`, poll.answers, 10);
  if (Array.isArray(poll.answers)) {
    poll.answers.forEach((answer: unknown, index) => {
      const media = isRecord(answer) ? answer.poll_media : undefined;
      if (isRecord(media)) {
        text(action, `${at}.answers[${index}].poll_media.text`, media.text, 55);
      }
    });
  }
  const duration = poll.duration;
  if (duration !== undefined) {
    const name = `${at}.duration`;
    const rule =
      `'${name}' must be an integer from 1 to ${MAX_POLL_HOURS} (hours, up to 32 days): current value '${name}=${
        shownQuoted(duration)
      }'`;
    if (typeof duration !== "number") {
      throw new TypeError(`Cannot ${action} as ${rule}`);
    }
    if (
      !Number.isInteger(duration) || duration < 1 || duration > MAX_POLL_HOURS
    ) {
      throw new RangeError(`Cannot ${action} as ${rule}`);
    }
  }
  assertBooleanOption(
    action,
    `${at}.allow_multiselect`,
    poll.allow_multiselect,
  );
}

/**
 * A message to create, checked and copied ({@linkcode checkedMessage}).
 *
 * @param body The message.
 * @returns The copy to send.
 * @throws {TypeError} As {@linkcode checkedMessage}.
 * @throws {RangeError} As {@linkcode checkedMessage}.
 */
export function messageToCreate<T>(body: T): T {
  return checkedMessage("create message", body);
}

/**
 * A message's edit, checked and copied ({@linkcode checkedMessage}).
 *
 * @param body The fields to change.
 * @returns The copy to send.
 * @throws {TypeError} As {@linkcode checkedMessage}.
 * @throws {RangeError} As {@linkcode checkedMessage}.
 */
export function messageToEdit<T>(body: T): T {
  return checkedMessage("edit message", body);
}
