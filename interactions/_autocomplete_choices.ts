/**
 * The checks of `ctx.autocomplete`'s choices: those of a definition's
 * choices (commands.ts `checkChoices`), against the type of the option
 * that has focus. Over the HTTP interactions endpoint the choices are the
 * 200 answer, so a choice Discord refuses there would only show as failed
 * while the call resolved. Private to the package.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import type { Interaction } from "../types/objects/interaction.ts";
import { checkChoices, type Choice } from "./commands.ts";
import { InteractionError } from "./errors.ts";

/** The option types whose choices the checks know: STRING, INTEGER, NUMBER. */
const CHOICE_TYPES: ReadonlySet<unknown> = new Set([3, 4, 10]);

/**
 * The type of the option that has focus in an autocomplete interaction,
 * found as `readAutocomplete` finds its name: under at most a subcommand
 * group and a subcommand. Undefined when the payload does not say (no
 * focused option, or not the shape Discord documents).
 */
function focusedType(interaction: Interaction): number | undefined {
  let options: unknown = (interaction.data as { options?: unknown } | undefined)
    ?.options;
  for (let depth = 0; depth < 2; depth++) {
    const first: unknown = Array.isArray(options) ? options[0] : undefined;
    const type = (first as { type?: unknown } | undefined)?.type;
    if (type !== 1 && type !== 2) break;
    options = (first as { options?: unknown }).options;
  }
  if (!Array.isArray(options)) return undefined;
  const focused: unknown = options.find((option: unknown) =>
    (option as { focused?: unknown } | null)?.focused === true
  );
  const type = (focused as { type?: unknown } | undefined)?.type;
  return CHOICE_TYPES.has(type) ? type as number : undefined;
}

/**
 * Check autocomplete choices as Discord checks them: names 1-100
 * characters, values of the focused option's type (a string of at most
 * 100 characters for STRING, a safe integer for INTEGER, a finite number
 * within 2^53 for NUMBER), `name_localizations` keyed by Discord locales
 * with names of 1-100 characters. Lengths in code points.
 *
 * @param interaction The autocomplete interaction (for the focused
 *   option's type; when it does not say, each value is checked as a
 *   STRING's or a NUMBER's by its own type).
 * @param choices The choices to send.
 * @throws {InteractionError} `invalid_response` for a choice Discord
 *   would refuse.
 */
export function checkAutocompleteChoices(
  interaction: Interaction,
  choices: readonly Choice[],
): void {
  const type = focusedType(interaction);
  try {
    for (const choice of choices) {
      checkChoices(
        type ?? (typeof choice?.value === "string" ? 3 : 10),
        [choice],
        "answer autocomplete",
      );
    }
  } catch (error) {
    throw new InteractionError(
      "invalid_response",
      errorText(error),
      { cause: error },
    );
  }
}
