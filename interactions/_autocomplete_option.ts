/**
 * Whether a command has an option offering autocomplete under a name: the
 * router refuses a route Discord would never send requests for (a typo, a
 * subcommand's name, an option without `autocomplete: true`), which would
 * otherwise leave every request unanswered. Internal to the package.
 *
 * @module
 */
import type { OptionMap } from "./command_types.ts";
import { isSubcommandOrGroup, takesField } from "./_option_rules.ts";

/**
 * Whether `options` (a command's, searched through its subcommands and
 * groups) hold an option `name` with `autocomplete: true`, of a type that
 * takes it: a definition not built by `command()` skips its checks, and
 * Discord refuses the flag on a BOOLEAN, so no request would ever come.
 *
 * @param options The command's options.
 * @param name The option's name.
 * @returns Whether an option of that name offers autocomplete.
 */
export function offersAutocomplete(options: OptionMap, name: string): boolean {
  return Object.entries(options).some(([key, option]) =>
    isSubcommandOrGroup(option)
      ? offersAutocomplete(option.options ?? {}, name)
      : key === name && option.autocomplete === true &&
        takesField(option.type, "autocomplete")
  );
}
