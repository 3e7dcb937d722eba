/**
 * The read-only `name_localized` / `description_localized` of a fetched
 * command's options and choices. A list GET without `with_localizations`
 * gives them in place of the localization maps: the text of the
 * requester's locale only. Discord ignores them in a write, and sync reads
 * with `with_localizations=true`, which returns the maps instead. So a
 * literal option copied from such a shape is accepted (`command()` takes a
 * fetched shape), but they are left out of the payload (sent, the stored
 * command never matched and every start rewrote it), and a text no map
 * holds is warned about: it was never stored, so that locale is not
 * localized. Internal to the package.
 *
 * @module
 */
import type { OptionDefinition } from "./command_types.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";

const visible = getVisibleLogger(["disruption", "interactions"]);

/** Each read-only field and the map Discord stores its locale's text in. */
const READ_ONLY: readonly (readonly [string, string])[] = [
  ["name_localized", "name_localizations"],
  ["description_localized", "description_localizations"],
];

/** Options already warned about: a subcommand's are checked again in its command. */
const warned = new WeakSet<object>();

/**
 * Warn about an option's (and its choices') `*_localized` text that its
 * `*_localizations` map does not hold: Discord never stores that text, so
 * the locale it was for shows the default. A warning, not a refusal: a
 * fetched command's shape carries these fields and is a valid definition;
 * only the localization the author may believe in is missing.
 *
 * @param what Who is being defined, for the message.
 * @param option The option as written.
 */
export function warnReadOnlyLocalized(
  what: string,
  option: OptionDefinition,
): void {
  if (typeof option !== "object" || option === null || warned.has(option)) {
    return;
  }
  warned.add(option);
  warnFields(what, option as unknown as Record<string, unknown>);
  const choices: unknown = option.choices;
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    if (typeof choice !== "object" || choice === null) continue;
    warnFields(`choice '${String(choice.name)}' of ${what}`, choice);
  }
}

function warnFields(what: string, item: Record<string, unknown>): void {
  for (const [field, map] of READ_ONLY) {
    const text = item[field];
    if (typeof text !== "string" || text === "") continue;
    const held = item[map];
    if (
      typeof held === "object" && held !== null &&
      Object.values(held).includes(text)
    ) continue;
    visible.warn(
      `{what} has '${field}' ("{text}") but no '${map}' entry with it: Discord ignores the read-only '${field}' (a fetched command's text for one locale) and it is not sent, so no locale shows it; put it in '${map}' under its locale`,
      { what, text },
    );
  }
}

/**
 * An option's wire fields beyond `type`, `name`, `description`,
 * `required` and `options`, as Discord stores them: a copy without the
 * read-only `*_localized` (its choices' too), `file_types` lower case
 * (Discord stores ".PDF" as ".pdf"; sent as given, the stored command
 * would differ and every sync rewrite it), and empty `choices` left out
 * (unset, so the checks allow them beside autocomplete, which Discord
 * takes only without choices).
 *
 * @param fields The option's other fields.
 * @returns The fields to send.
 */
export function optionWireFields(
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const out = dropReadOnly(structuredClone(fields));
  if (Array.isArray(out.file_types)) {
    out.file_types = out.file_types.map((t: string) => t.toLowerCase());
  }
  if (Array.isArray(out.choices)) {
    if (out.choices.length === 0) delete out.choices;
    else out.choices.forEach(dropReadOnly);
  }
  return out;
}

/** Delete the read-only fields of `item` (a copy), in place. */
function dropReadOnly<T>(item: T): T {
  if (typeof item !== "object" || item === null) return item;
  const out = item as Record<string, unknown>;
  for (const [field] of READ_ONLY) delete out[field];
  return item;
}
