/**
 * Discord's rules for a command's names, descriptions, localizations and
 * options, checked on the definition's wire fields so that options built
 * by the helpers and options written as object literals are held to the
 * same rules (a broken one fails when defined, not with a 50035 "Invalid
 * Form Body" at sync). Internal to the package.
 *
 * @module
 */
import type {
  Choice,
  Localizations,
  OptionDefinition,
  OptionMap,
} from "./command_types.ts";
import { isLocale, LOCALES } from "../types/locales.ts";
import { checkChannelTypes, checkFileTypes } from "./_command_rules.ts";
import { shown } from "../base/option_checks.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import type { ApplicationCommandOption } from "../types/objects/application_command.ts";
import { textLength } from "../base/text_length.ts";
import { warnReadOnlyLocalized } from "./_localized_fields.ts";

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export function checkName(
  what: string,
  name: string,
  lowerCase: boolean,
): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(
      `Cannot define ${what} as 'name' must be 1-32 letters, digits, '-', '_' or "'": current value 'name=${name}'`,
    );
  }
  if (lowerCase && name !== name.toLowerCase()) {
    throw new TypeError(
      `Cannot define ${what} as 'name' must be lower case: current value 'name=${name}'`,
    );
  }
}

/** Lengths are in code points, as Discord counts them (see textLength). */
export function checkDescription(what: string, description: string): void {
  const length = typeof description === "string"
    ? textLength(description)
    : typeof description;
  if (typeof length !== "number" || length < 1 || length > 100) {
    throw new RangeError(
      `Cannot define ${what} as 'description' must be 1-100 characters: current length '${length}'`,
    );
  }
}

/**
 * Whether a key is a canonical array index ("0", "7", not "07"), which
 * object key order moves before every other key.
 */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function checkRange(
  field: string,
  value: unknown,
  min: number,
  max: number,
  integer: boolean,
): void {
  // null is unset, as in a fetched command's shape (as for localizations).
  if (value === undefined || value === null) return;
  if (
    typeof value !== "number" || !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) || value < min || value > max
  ) {
    throw new RangeError(
      `Cannot define option as '${field}' must be ${
        integer ? "an integer" : "a number"
      } in ${min}..${max}: current value '${field}=${value}'`,
    );
  }
}

/**
 * Discord's rules for the choices of an option of `type` (3, 4 or 10): the
 * names and values, localized names included. Shared with autocomplete.
 *
 * @param type The option's type.
 * @param choices The choices.
 * @param action For the messages: "Cannot {action} as ...".
 * @throws {TypeError} For a value of the wrong type or a key not a locale.
 * @throws {RangeError} For a length or a number out of range.
 */
export function checkChoices(
  type: number,
  choices: readonly Choice[],
  action = "define option",
): void {
  for (const choice of choices) {
    const name = choice?.name;
    if (typeof name !== "string" || !within(name, 1, 100)) {
      throw new RangeError(
        `Cannot ${action} as a choice's 'name' must be 1-100 characters: current value 'name=${name}'`,
      );
    }
    const value = choice.value;
    const expected = type === 3 ? "string" : "number";
    if ((type === 3) !== (typeof value === "string")) {
      throw new TypeError(
        `Cannot ${action} as the value of choice '${name}' must be a ${expected} like the option: current type '${typeof value}'`,
      );
    }
    if (type === 4 && !Number.isSafeInteger(value)) {
      throw new RangeError(
        `Cannot ${action} as the value of choice '${name}' must be an integer in -(2^53-1)..2^53-1 (Discord's INTEGER range): current value '${value}'`,
      );
    }
    if (
      type === 10 &&
      !(Number.isFinite(value) && Math.abs(value as number) <= NUMBER_LIMIT)
    ) {
      throw new RangeError(
        `Cannot ${action} as the value of choice '${name}' must be a finite number in -2^53..2^53 (Discord's NUMBER range): current value '${value}'`,
      );
    }
    if (
      (typeof value === "string" && textLength(value) > 100) ||
      (typeof value === "number" && !Number.isFinite(value)) ||
      (typeof value !== "string" && typeof value !== "number")
    ) {
      throw new RangeError(
        `Cannot ${action} as the value of choice '${name}' must be a string of at most 100 characters or a finite number: current value '${
          String(value).slice(0, 120)
        }'`,
      );
    }
    for (
      const [locale, text] of Object.entries(choice.name_localizations ?? {})
    ) {
      checkLocale(`${action} (choice '${name}')`, "name_localizations", locale);
      // A missing translation (`{ fr: t.fr?.[key] }`): JSON leaves it out.
      if (text === undefined) continue;
      if (typeof text !== "string" || !within(text, 1, 100)) {
        throw new RangeError(
          `Cannot ${action} as the '${locale}' name of choice '${name}' must be 1-100 characters`,
        );
      }
    }
  }
}

/** Whether `text` has `min` to `max` characters (code points). */
export function within(text: string, min: number, max: number): boolean {
  const length = textLength(text);
  return length >= min && length <= max;
}

/** The largest magnitude of a NUMBER option's value, bounds and choices. */
export const NUMBER_LIMIT = 2 ** 53;

/** Localized names follow the name's rules, descriptions its length. */
export function checkLocalizations(
  what: string,
  options: {
    nameLocalizations?: Localizations | undefined;
    descriptionLocalizations?: Localizations | undefined;
  },
  checkLocalizedName: (what: string, name: string) => void = (what, name) =>
    checkName(what, name, true),
): void {
  for (
    const [locale, text] of Object.entries(options.nameLocalizations ?? {})
  ) {
    checkLocale(`define ${what}`, "nameLocalizations", locale);
    if (text === undefined) continue;
    checkLocalizedName(`${what} (its '${locale}' name)`, text);
  }
  for (
    const [locale, text] of Object.entries(
      options.descriptionLocalizations ?? {},
    )
  ) {
    checkLocale(`define ${what}`, "descriptionLocalizations", locale);
    if (text === undefined) continue;
    checkDescription(`${what} (its '${locale}' description)`, text);
  }
}

/**
 * Discord refuses a localization map keyed by anything but its locales
 * (`action`: "define command 'x'", "answer autocomplete (choice 'y')").
 */
function checkLocale(action: string, field: string, locale: string): void {
  if (!isLocale(locale)) {
    throw new TypeError(
      `Cannot ${action} as '${field}' has a key that is not a Discord locale (${
        LOCALES.join(", ")
      }): current value '${locale}'`,
    );
  }
}

/** Whether an option is a subcommand (1) or a group (2), not a value. */
export const isSubcommandOrGroup = (option: OptionDefinition): boolean =>
  option.type === 1 || option.type === 2;

/**
 * Check the options of a command, subcommand or group (`what`): names,
 * count, required-first order, no subcommands mixed with plain options,
 * and each option as {@linkcode checkOption} does.
 *
 * @param what Who is being defined, for the message.
 * @param options The options keyed by name.
 * @throws {TypeError} For a bad name (or an option's own `name` other
 *   than its key), order, mixing, type, key or nesting.
 * @throws {RangeError} For too many options or a field out of range.
 */
export function checkOptions(what: string, options: OptionMap): void {
  const entries = Object.entries(options);
  if (entries.length > 25) {
    throw new RangeError(
      `Cannot define ${what} as it has more than 25 options: current count '${entries.length}'`,
    );
  }
  let optionalSeen = false;
  for (const [name, option] of entries) {
    checkName(`option '${name}' of ${what}`, name, true);
    if (isArrayIndex(name)) {
      throw new TypeError(
        `Cannot define ${what} as option name '${name}' is an integer: JavaScript puts such keys of an object first, in numeric order, so the options would reach Discord (and the required-first check) in another order than written; give it a name with a letter`,
      );
    }
    const kind = option?.type === 1
      ? "subcommand"
      : option?.type === 2
      ? "subcommand group"
      : "option";
    checkOption(`${kind} '${name}' of ${what}`, option);
    checkOwnName(`${kind} '${name}' of ${what}`, name, option);
    if (isSubcommandOrGroup(option)) continue;
    if (option.required) {
      if (optionalSeen) {
        throw new TypeError(
          `Cannot define ${what} as required option '${name}' comes after an optional one (Discord lists required options first)`,
        );
      }
    } else optionalSeen = true;
  }
  const kinds = new Set(entries.map(([, o]) => isSubcommandOrGroup(o)));
  if (kinds.size > 1) {
    throw new TypeError(
      `Cannot define ${what} as it mixes subcommands with plain options`,
    );
  }
}

/**
 * The key is the option's name: the payload sends it and the router reads
 * the interaction's options by it. A literal's own `name` (one copied from
 * a fetched command, then re-keyed) replaced it on the wire, unchecked,
 * and every call then failed as "unknown option". Equal to the key, as in
 * a fetched command's shape, it is harmless.
 */
function checkOwnName(what: string, key: string, option: object): void {
  if (!Object.hasOwn(option, "name")) return;
  const name = (option as { name?: unknown }).name;
  if (name === key) return;
  throw new TypeError(
    `Cannot define ${what} as its 'name' differs from its key (the key is the name Discord gets and the router reads: leave 'name' out or make it the key): current value 'name=${
      shown(name)
    }'`,
  );
}

/**
 * The fields of Discord's option structure, and the read-only ones a
 * fetched command's options carry (`name_localized`,
 * `description_localized`, in place of the maps; accepted so a fetched
 * shape passes, never sent, and warned about when no map holds their
 * text: see `_localized_fields.ts`): anything else in a literal option
 * went to Discord as written and was ignored there, so a `maxLength` (for
 * `max_length`) or a `requried` set nothing.
 */
const OPTION_FIELDS: readonly string[] = [
  ...optionKeys(
    {
      type: true,
      name: true,
      name_localizations: true,
      description: true,
      description_localizations: true,
      required: true,
      choices: true,
      options: true,
      channel_types: true,
      file_types: true,
      min_value: true,
      max_value: true,
      min_length: true,
      max_length: true,
      autocomplete: true,
    } satisfies Record<keyof ApplicationCommandOption, true>,
  ),
  "name_localized",
  "description_localized",
];

/** The builders' names with no near wire field, for the message. */
const BUILDER_NAMES: Readonly<Record<string, string>> = {
  min:
    "a literal option takes Discord's field 'min_value' ('min' is the integer() and number() builders' name)",
  max:
    "a literal option takes Discord's field 'max_value' ('max' is the integer() and number() builders' name)",
};

/** Discord's names of the option types 1-11, for the messages. */
const TYPE_NAMES = [
  "",
  "SUB_COMMAND",
  "SUB_COMMAND_GROUP",
  "STRING",
  "INTEGER",
  "BOOLEAN",
  "USER",
  "CHANNEL",
  "ROLE",
  "MENTIONABLE",
  "NUMBER",
  "ATTACHMENT",
];

/**
 * The option types that take each field, from the "Valid Option Types"
 * column of Discord's option structure; fields not listed are for all.
 */
const FIELD_TYPES: ReadonlyMap<string, readonly number[]> = new Map([
  ["required", [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ["choices", [3, 4, 10]],
  ["autocomplete", [3, 4, 10]],
  ["min_length", [3]],
  ["max_length", [3]],
  ["min_value", [4, 10]],
  ["max_value", [4, 10]],
  ["channel_types", [7]],
  ["options", [1, 2]],
  ["file_types", [11]],
]);

/**
 * Whether an option of `type` takes `field` (Discord's "Valid Option
 * Types"); a field not in the table is for every type.
 *
 * @param type The option's type.
 * @param field The wire field ("autocomplete").
 * @returns Whether Discord takes the field on that type.
 */
export function takesField(type: number, field: string): boolean {
  return FIELD_TYPES.get(field)?.includes(type) ?? true;
}

/** Whether a field's value says nothing: see {@linkcode checkFieldTypes}. */
function unset(value: unknown): boolean {
  return value === undefined || value === null || value === false ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && Object.keys(value as object).length === 0);
}

/**
 * Refuse a field set on a type that does not take it (`choices` on a
 * BOOLEAN, `required: true` on a subcommand). Unset is fine: `null` (as a
 * fetched command has it), `undefined`, `false` (the builders'
 * `required: false`, an explicit `autocomplete: false`), and an empty list
 * or map, which sync takes for Discord's default too.
 */
function checkFieldTypes(what: string, option: OptionDefinition): void {
  const type = option.type;
  for (const [field, value] of Object.entries(option)) {
    if (unset(value) || takesField(type, field)) continue;
    throw new TypeError(
      `Cannot define ${what} as option type ${type} (${
        TYPE_NAMES[type]
      }) does not take '${field}' (Discord takes it on ${
        FIELD_TYPES.get(field)!.map((t) => TYPE_NAMES[t]).join(", ")
      } only): current value '${field}=${shown(value)}'`,
    );
  }
}

/**
 * Check one option on its wire fields, as the helper builders build it or
 * as written by hand: a known type (1-11), only fields its type takes,
 * the description, choices, localizations, lengths and ranges, channel
 * and file types, and Discord's nesting (a subcommand holds plain options
 * only, a group subcommands only, at least one), its own options checked
 * in turn. A fetched shape's read-only `name_localized` /
 * `description_localized` pass; their text is logged as a warning when no
 * localization map holds it (it is never sent, so never stored).
 *
 * @param what Who is being defined, for the message.
 * @param option The option.
 * @throws {TypeError} For a key not in Discord's option structure (the
 *   message names the nearest field), a field its type does not take,
 *   choices with autocomplete, or nesting Discord refuses.
 * @throws {RangeError} For an unknown type, more than 25 choices, or a
 *   text or number out of range.
 */
export function checkOption(what: string, option: OptionDefinition): void {
  checkOptionKeys(`define ${what}`, "", option, OPTION_FIELDS, BUILDER_NAMES);
  const type = option.type;
  if (!Number.isInteger(type) || type < 1 || type > 11) {
    throw new RangeError(
      `Cannot define ${what} as 'type' must be an option type (1-11): current value 'type=${type}'`,
    );
  }
  checkFieldTypes(what, option);
  checkDescription(what, option.description);
  const choices = option.choices;
  if (Array.isArray(choices) && choices.length > 25) {
    throw new RangeError(
      `Cannot define ${what} as it has more than 25 choices: current count '${choices.length}'`,
    );
  }
  // An empty list is unset, as everywhere else (and sync's comparison);
  // the payload leaves it out.
  if (
    Array.isArray(choices) && choices.length > 0 &&
    option.autocomplete === true
  ) {
    throw new TypeError(
      `Cannot define ${what} as it has both choices and autocomplete (Discord takes autocomplete only without choices)`,
    );
  }
  if (Array.isArray(choices)) checkChoices(type, choices as Choice[]);
  checkLocalizations(what, {
    nameLocalizations: option.name_localizations,
    descriptionLocalizations: option.description_localizations,
  });
  checkRange("min_length", option.min_length, 0, 6000, true);
  checkRange("max_length", option.max_length, 1, 6000, true);
  // Discord's ranges: INTEGER is -(2^53-1)..2^53-1 (the safe integers),
  // NUMBER -2^53..2^53.
  const limit = type === 4 ? Number.MAX_SAFE_INTEGER : NUMBER_LIMIT;
  checkRange("min_value", option.min_value, -limit, limit, type === 4);
  checkRange("max_value", option.max_value, -limit, limit, type === 4);
  for (
    const [low, high] of [["min_length", "max_length"], [
      "min_value",
      "max_value",
    ]] as const
  ) {
    const [min, max] = [option[low], option[high]];
    if (typeof min === "number" && typeof max === "number" && min > max) {
      throw new RangeError(
        `Cannot define option as '${low}' is above '${high}': current values '${min}', '${max}'`,
      );
    }
  }
  checkChannelTypes(option.channel_types);
  checkFileTypes(option.file_types);
  warnReadOnlyLocalized(what, option);
  if (isSubcommandOrGroup(option)) checkNesting(what, option);
}

/**
 * Discord's nesting: a subcommand holds plain options only, a group holds
 * subcommands only (at least one); each is then checked in turn.
 */
function checkNesting(what: string, option: OptionDefinition): void {
  const nested = Object.values(option.options ?? {});
  if (option.type === 1 && nested.some(isSubcommandOrGroup)) {
    throw new TypeError(
      `Cannot define ${what} as it contains a subcommand (only groups do)`,
    );
  }
  if (option.type === 2 && nested.length === 0) {
    throw new RangeError(`Cannot define ${what} as it holds no subcommand`);
  }
  if (option.type === 2 && nested.some((o) => o.type !== 1)) {
    throw new TypeError(
      `Cannot define ${what} as it must contain only subcommands`,
    );
  }
  checkOptions(what, option.options ?? {});
}
