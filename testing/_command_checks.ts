/**
 * The command rules the fake REST API enforces the way Discord does on a
 * bulk overwrite: a per-field `errors` tree for Discord's 50035 "Invalid
 * Form Body". Private to the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import { asObject, fieldError } from "./_form_errors.ts";

/**
 * The naming rule of `CHAT_INPUT` command names and of every option name
 * (Discord's "Application Command Naming"): 1-32 of these characters, with
 * the unicode flag, and lower case wherever a letter has a lower-case form.
 */
const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** A name or description of 1 to `max` characters, or its error. */
function lengthError(value: unknown, max: number): unknown {
  return typeof value === "string" && value !== "" && textLength(value) <= max
    ? undefined
    : fieldError(
      "BASE_TYPE_BAD_LENGTH",
      `Must be between 1 and ${max} in length.`,
    );
}

/** A name under the naming rule, or its error (the length checked first). */
function nameError(value: unknown): unknown {
  const length = lengthError(value, 32);
  if (length) return length;
  const name = value as string;
  return COMMAND_NAME.test(name) && name === name.toLowerCase()
    ? undefined
    : fieldError("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
}

/** A list of at most 25 entries, or its error. */
function listError(value: unknown): unknown {
  return Array.isArray(value) && value.length > 25
    ? fieldError("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    : undefined;
}

/**
 * The errors Discord answers a bulk overwrite's command with (50035
 * `Invalid Form Body`, by field): a name of 1-32 characters, for
 * `CHAT_INPUT` commands under the naming rule (so `"Ping"` is refused; user
 * and message commands may be mixed case and have spaces); a `CHAT_INPUT`
 * description of 1-100; at most 25 options, each named under the naming
 * rule with a description of 1-100, at most 25 choices of 1-100-character
 * names, and subcommands' options checked the same way.
 */
export function commandErrors(
  command: Record<string, unknown>,
): Record<string, unknown> {
  const errors: Record<string, unknown> = {};
  const type = command.type ?? 1;
  const name = type === 1
    ? nameError(command.name)
    : lengthError(command.name, 32);
  if (name) errors.name = name;
  if (type === 1) {
    const description = lengthError(command.description, 100);
    if (description) errors.description = description;
    const options = optionListErrors(command.options);
    if (options) errors.options = options;
  }
  return errors;
}

/** The errors of an options list, by index, or its own error. */
function optionListErrors(options: unknown): unknown {
  const tooMany = listError(options);
  if (tooMany || !Array.isArray(options)) return tooMany;
  const errors: Record<string, unknown> = {};
  options.forEach((item, index) => {
    const option = asObject(item);
    const optionErrors: Record<string, unknown> = {};
    const name = nameError(option.name);
    if (name) optionErrors.name = name;
    const description = lengthError(option.description, 100);
    if (description) optionErrors.description = description;
    const choices = listError(option.choices);
    if (choices) optionErrors.choices = choices;
    else if (Array.isArray(option.choices)) {
      const choiceErrors: Record<string, unknown> = {};
      option.choices.forEach((choice, at) => {
        const choiceName = lengthError(asObject(choice).name, 100);
        if (choiceName) choiceErrors[String(at)] = { name: choiceName };
      });
      if (Object.keys(choiceErrors).length) optionErrors.choices = choiceErrors;
    }
    // A subcommand's options, or a group's subcommands.
    const nested = optionListErrors(option.options);
    if (nested) optionErrors.options = nested;
    if (Object.keys(optionErrors).length) errors[String(index)] = optionErrors;
  });
  return Object.keys(errors).length ? errors : undefined;
}
