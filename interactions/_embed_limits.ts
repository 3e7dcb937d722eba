/**
 * Discord's embed limits (message resource docs, "Embed Limits"), checked
 * before an answer is sent: over the HTTP interactions endpoint the answer
 * is the 200 body, so an embed Discord refuses there would only show as
 * "This interaction failed" while the call resolved. Private to the
 * package.
 *
 * @module
 */
import type { EmbedPayload } from "../rest/payloads.ts";
import { textLength } from "../base/text_length.ts";
import { InteractionError } from "./errors.ts";

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

function refuse(message: string): never {
  throw new InteractionError("invalid_response", message);
}

/** The length of embed `index`'s text `label`, refused over `max`. */
function fieldLength(
  index: number,
  label: string,
  text: unknown,
  max: number,
): number {
  const length = embedLength(text);
  if (length > max) {
    refuse(
      `Embed ${index}'s '${label}' must be at most ${max} characters: current length '${length}'`,
    );
  }
  return length;
}

/**
 * Check a message's embeds against Discord's limits: title 256, description
 * 4096, 25 fields, field name 256 and value 1024, footer text 2048, author
 * name 256, and 6000 of those characters across all the embeds. (The
 * number of embeds is checked with the message's other counts.)
 *
 * @param embeds The message's embeds, if any.
 * @throws {InteractionError} `invalid_response` naming the embed, the field
 *   and the limit Discord would refuse.
 */
export function checkEmbedLimits(embeds: unknown): void {
  if (!Array.isArray(embeds)) return;
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
        refuse(
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
      refuse(
        `A message's embeds may have at most ${MAX_TOTAL} characters in all (titles, descriptions, field names and values, footer texts and author names, trimmed): embeds 0-${index} have '${total}'`,
      );
    }
  });
}
