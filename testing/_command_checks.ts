/**
 * The command rules the fake REST API enforces the way Discord does on a
 * bulk overwrite: a per-field `errors` tree for Discord's 50035 "Invalid
 * Form Body". Private to the test kit. The error codes and messages are
 * those bots' error reports quote where they do; the docs give none, so
 * for the per-type command counts they are the fake's own.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import { COMMAND_SIZE_LIMIT, commandSize } from "./_command_size.ts";
import {
  asObject,
  fieldError,
  outOfRange,
  required,
  tooLong,
  type Tree,
} from "./_form_errors.ts";

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
 * The most commands of each type (1 `CHAT_INPUT`, 2 `USER`, 3 `MESSAGE`)
 * one scope may hold (application commands, "Registering a Command").
 */
const MOST_COMMANDS: Record<number, number> = { 1: 100, 2: 15, 3: 15 };

/**
 * The errors Discord answers a bulk overwrite with (50035 `Invalid Form
 * Body`, by index): each command's own (see `commandErrors`); a name
 * already taken by an earlier command of the same type ("Command names are
 * unique per application, per type, within each scope"); more commands of
 * one type than the scope may hold (100 `CHAT_INPUT`, 15 `USER`, 15
 * `MESSAGE`), at the root.
 *
 * @param commands The request body.
 * @returns The errors tree, empty when Discord accepts the list.
 */
export function commandListErrors(commands: readonly unknown[]): Tree {
  const errors: Tree = {};
  const seen = new Set<string>();
  const counts = new Map<number, number>();
  commands.forEach((item, index) => {
    const command = asObject(item);
    const own = commandErrors(command);
    const type = typeof command.type === "number" ? command.type : 1;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key) && Object.keys(own).length === 0) {
      Object.assign(
        own,
        fieldError(
          "APPLICATION_COMMANDS_DUPLICATE_NAME",
          "Application command names must be unique",
        ),
      );
    }
    seen.add(key);
    if (Object.keys(own).length > 0) errors[String(index)] = own;
  });
  for (const [type, count] of counts) {
    const most = MOST_COMMANDS[type];
    if (most !== undefined && count > most) {
      errors._errors = [{
        code: "BASE_TYPE_MAX_LENGTH",
        message: `Must be ${most} or fewer commands of type ${type}.`,
      }];
    }
  }
  return errors;
}

/**
 * The errors Discord answers a bulk overwrite's command with (50035
 * `Invalid Form Body`, by field): a name of 1-32 characters, for
 * `CHAT_INPUT` commands under the naming rule (so `"Ping"` is refused; user
 * and message commands may be mixed case and have spaces); a `CHAT_INPUT`
 * description of 1-100, a user or message command's empty ("must be an
 * empty string"); at most 25 options, each with a type, named under the
 * naming rule and uniquely within its list, with a description of 1-100,
 * required ones first, at most 25 choices of 1-100-character names and
 * string values of at most 100, `min_length` 0-6000 and `max_length`
 * 1-6000, and subcommands' options checked the same way; and a
 * `CHAT_INPUT` command of at most 8000 characters in all (see
 * `commandSize`), on the command itself.
 *
 * @param command One command of the request body.
 * @returns Its errors by field, empty when Discord accepts it.
 */
function commandErrors(command: Tree): Tree {
  const errors: Tree = {};
  const type = command.type ?? 1;
  const name = type === 1
    ? nameError(command.name)
    : lengthError(command.name, 32);
  if (name) errors.name = name;
  if (type !== 1) {
    // User and message commands only: an Entry Point (4) has one (Discord's
    // own example: "Launch Racing with Friends").
    if (
      (type === 2 || type === 3) &&
      typeof command.description === "string" && command.description
    ) {
      errors.description = tooLong(0);
    }
    return errors;
  }
  const description = lengthError(command.description, 100);
  if (description) errors.description = description;
  const options = optionListErrors(command.options);
  if (options) errors.options = options;
  if (
    Object.keys(errors).length === 0 &&
    commandSize(command) > COMMAND_SIZE_LIMIT
  ) {
    Object.assign(
      errors,
      fieldError(
        "APPLICATION_COMMAND_TOO_LARGE",
        `Command exceeds maximum size (${COMMAND_SIZE_LIMIT})`,
      ),
    );
  }
  return errors;
}

/** The errors of an options list, by index, or its own error. */
function optionListErrors(options: unknown): unknown {
  const tooMany = listError(options);
  if (tooMany || !Array.isArray(options)) return tooMany;
  const errors: Tree = {};
  const names = new Set<unknown>();
  options.forEach((item, index) => {
    const option = asObject(item);
    const optionErrors = optionErrorsOf(option);
    if (!optionErrors.name && names.has(option.name)) {
      optionErrors.name = fieldError(
        "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME",
        "Application command option names must be unique",
      );
    }
    names.add(option.name);
    if (Object.keys(optionErrors).length) errors[String(index)] = optionErrors;
  });
  if (Object.keys(errors).length) return errors;
  // "Required options must be listed before optional options."
  const firstOptional = options.findIndex((item) => !asObject(item).required);
  if (
    firstOptional >= 0 &&
    options.slice(firstOptional).some((item) => asObject(item).required)
  ) {
    return fieldError(
      "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
      "Required options must be placed before non-required options",
    );
  }
  return undefined;
}

/** One option's own errors, by field. */
function optionErrorsOf(option: Tree): Tree {
  const errors: Tree = {};
  if (typeof option.type !== "number") errors.type = required();
  const name = nameError(option.name);
  if (name) errors.name = name;
  const description = lengthError(option.description, 100);
  if (description) errors.description = description;
  const choices = choiceErrors(option.choices);
  if (choices) errors.choices = choices;
  for (const [key, min] of [["min_length", 0], ["max_length", 1]] as const) {
    const value = option[key];
    if (typeof value === "number" && (value < min || value > 6000)) {
      errors[key] = outOfRange(min, 6000);
    }
  }
  // A subcommand's options, or a group's subcommands.
  const nested = optionListErrors(option.options);
  if (nested) errors.options = nested;
  return errors;
}

/**
 * The errors of a choices list (an option's, or an autocomplete answer's),
 * by index, or its own error: at most 25, each named with 1-100 characters
 * and with a string value of at most 100, in code points.
 *
 * @param choices The list.
 * @returns The errors, or `undefined` when Discord accepts it.
 */
export function choiceErrors(choices: unknown): unknown {
  const tooMany = listError(choices);
  if (tooMany || !Array.isArray(choices)) return tooMany;
  const errors: Tree = {};
  choices.forEach((item, at) => {
    const choice = asObject(item);
    const own: Tree = {};
    const name = lengthError(choice.name, 100);
    if (name) own.name = name;
    if (typeof choice.value === "string" && textLength(choice.value) > 100) {
      own.value = tooLong(100);
    }
    if (Object.keys(own).length) errors[String(at)] = own;
  });
  return Object.keys(errors).length ? errors : undefined;
}
