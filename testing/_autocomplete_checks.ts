/**
 * The rules Discord holds an autocomplete answer (callback type 8) to: at
 * most 25 choices, each named with 1-100 characters and with a string
 * value of at most 100 (Application Command Option Choice Structure).
 * Private to the test kit.
 *
 * @module
 */
import { choiceErrors } from "./_command_checks.ts";
import { tooLong, type Tree } from "./_form_errors.ts";

/**
 * The `errors` tree Discord answers an autocomplete callback's `data`
 * with (50035 `Invalid Form Body`), by field: the choices' rules are an
 * option's (see `choiceErrors`), and a `choices` that is no list is
 * refused as well.
 *
 * @param data The callback's `data`.
 * @returns The tree under `data`, or `undefined` when Discord accepts it.
 */
export function autocompleteErrors(data: Tree): Tree | undefined {
  const choices = data.choices;
  if (!Array.isArray(choices)) return { choices: tooLong(25) };
  const errors = choiceErrors(choices);
  return errors === undefined ? undefined : { choices: errors };
}
