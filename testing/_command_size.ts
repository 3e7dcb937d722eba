/**
 * A slash command's size as Discord counts it against its 8000-character
 * limit (application commands, "Slash commands can have a maximum of 8000
 * characters for combined name, description, and value properties for each
 * command, its options (including subcommands and groups), and choices.
 * When localization fields are present, only the longest localization for
 * each field (including the default value) is counted"). Private to the
 * test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import { asObject, type Tree } from "./_form_errors.ts";

/** The most characters a slash command may hold, all fields together. */
export const COMMAND_SIZE_LIMIT = 8000;

/**
 * The characters of a command (or option, or choice) and all it holds:
 * each `name`, `description` and string `value`, a localized field counted
 * at its longest localization (or its default, when longer). A number
 * `value` counts nothing: the docs do not say how one would be counted,
 * and a fake stricter than Discord would fail a bot that Discord takes.
 *
 * @param entry A command, option or choice, as sent.
 * @returns Its characters.
 */
export function commandSize(entry: Tree): number {
  let total = longest(entry.name, entry.name_localizations) +
    longest(entry.description, entry.description_localizations) +
    (typeof entry.value === "string" ? textLength(entry.value) : 0);
  for (const key of ["options", "choices"]) {
    const list = entry[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) total += commandSize(asObject(item));
  }
  return total;
}

/** The longest of a field's default and localized values. */
function longest(value: unknown, localizations: unknown): number {
  let most = typeof value === "string" ? textLength(value) : 0;
  for (const localized of Object.values(asObject(localizations))) {
    if (typeof localized === "string") {
      most = Math.max(most, textLength(localized));
    }
  }
  return most;
}
