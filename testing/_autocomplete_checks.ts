/**
 * The rules Discord holds an autocomplete answer (callback type 8) to: at
 * most 25 choices, each named with 1-100 characters and with a string
 * value of at most 100 (Application Command Option Choice Structure).
 * Private to the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import {
  asObject,
  badLength,
  orNothing,
  put,
  tooLong,
  type Tree,
} from "./_form_errors.ts";

/**
 * The `errors` tree Discord answers an autocomplete callback's `data`
 * with (50035 `Invalid Form Body`), by field.
 *
 * @param data The callback's `data`.
 * @returns The tree under `data`, or `undefined` when Discord accepts it.
 */
export function autocompleteErrors(data: Tree): Tree | undefined {
  const choices = data.choices;
  if (!Array.isArray(choices) || choices.length > 25) {
    return { choices: tooLong(25) };
  }
  const byIndex: Tree = {};
  choices.forEach((choice, at) =>
    put(byIndex, String(at), choiceErrors(choice))
  );
  return orNothing(byIndex) && { choices: byIndex };
}

/** One choice's errors; lengths in code points, as Discord counts them. */
function choiceErrors(choice: unknown): Tree {
  const { name, value } = asObject(choice);
  const errors: Tree = {};
  if (typeof name !== "string" || name === "" || textLength(name) > 100) {
    errors.name = badLength(1, 100);
  }
  if (typeof value === "string" && textLength(value) > 100) {
    errors.value = tooLong(100);
  }
  return errors;
}
