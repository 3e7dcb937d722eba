/**
 * The embed limits the fake REST API enforces the way Discord does (the
 * embed object's limits table): a per-field `errors` tree for Discord's
 * 50035 "Invalid Form Body". Private to the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import { asObject, fieldError, required } from "./_form_errors.ts";

/** Discord's per-field embed limits (the embed object's limits table). */
const EMBED_TEXT_LIMITS: [path: readonly string[], max: number][] = [
  [["title"], 256],
  [["description"], 4096],
  [["footer", "text"], 2048],
  [["author", "name"], 256],
];
/** Characters all of a message's embeds may hold together. */
const EMBEDS_TOTAL_LIMIT = 6000;

/**
 * The `embeds` errors Discord answers 50035 with: a title over 256, a
 * description over 4096, more than 25 fields, a field name over 256 or value
 * over 1024 or either missing or empty (both are required: "name" and
 * "value" are not optional in the Embed Field Structure), footer text over 2048, an author name over 256 (each at its
 * path, e.g. `embeds.0.fields.3.value`); otherwise more than 6000 of those
 * characters across every embed (`MAX_EMBED_SIZE_EXCEEDED` on `embeds`).
 *
 * @param embeds A message's `embeds`, as sent.
 * @returns The errors tree for `embeds`, or `undefined` when they pass.
 */
export function embedErrors(embeds: unknown): unknown {
  if (!Array.isArray(embeds)) return undefined;
  const tooLong = (max: number) =>
    fieldError("BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  // "Leading and trailing whitespace characters are not included (they are
  // trimmed automatically)", for every limit and the total.
  const text = (value: unknown): number =>
    typeof value === "string" ? textLength(value.trim()) : 0;
  const errors: Record<string, unknown> = {};
  let total = 0;
  embeds.forEach((item, index) => {
    const embed = asObject(item);
    const own: Record<string, unknown> = {};
    for (const [path, max] of EMBED_TEXT_LIMITS) {
      let value: unknown = embed;
      for (const key of path) value = asObject(value)[key];
      total += text(value);
      if (text(value) <= max) continue;
      if (path.length === 1) own[path[0]!] = tooLong(max);
      else {
        own[path[0]!] = {
          ...asObject(own[path[0]!]),
          [path[1]!]: tooLong(max),
        };
      }
    }
    if (Array.isArray(embed.fields)) {
      const fieldErrors: Record<string, unknown> = {};
      embed.fields.forEach((entry, at) => {
        const field = asObject(entry);
        total += text(field.name) + text(field.value);
        const bad: Record<string, unknown> = {};
        for (const [key, max] of [["name", 256], ["value", 1024]] as const) {
          const value = field[key];
          if (typeof value !== "string" || value === "") bad[key] = required();
          else if (text(value) > max) bad[key] = tooLong(max);
        }
        if (Object.keys(bad).length > 0) fieldErrors[at] = bad;
      });
      if (embed.fields.length > 25) own.fields = tooLong(25);
      else if (Object.keys(fieldErrors).length > 0) own.fields = fieldErrors;
    }
    if (Object.keys(own).length > 0) errors[index] = own;
  });
  if (Object.keys(errors).length > 0) return errors;
  if (total > EMBEDS_TOTAL_LIMIT) {
    return fieldError(
      "MAX_EMBED_SIZE_EXCEEDED",
      `Embed size exceeds maximum size of ${EMBEDS_TOTAL_LIMIT}`,
    );
  }
  return undefined;
}
