/**
 * Application command definitions whose option types flow into handlers:
 * `command({ name, description, options: { sides: integer({ ... }) } })`
 * gives a handler `options.sides: number` with no cast.
 *
 * A definition is plain data close to Discord's wire shape (options are a
 * record keyed by name instead of a list, so their types can be read back);
 * {@linkcode commandPayload} turns it into the body Discord stores.
 *
 * @module
 */
import type { ApplicationCommandBody } from "../rest/payloads.ts";
import type { ResolvedChannel } from "../types/objects/interaction.ts";
import type { Attachment, Message } from "../types/objects/message.ts";
import type { Role } from "../types/objects/role.ts";
import type {
  AttachmentOptionOptions,
  ChannelOptionOptions,
  ChatInputCommand,
  ChatInputCommandOptions,
  Choice,
  ChoiceValue,
  CommandBase,
  CommandDefinition,
  CommandOptions,
  Localizations,
  MentionableOptionValue,
  MessageCommand,
  NumberOptionOptions,
  OptionDefinition,
  OptionMap,
  OptionOptions,
  StringOptionOptions,
  SubcommandDefinition,
  SubcommandGroupDefinition,
  UserCommand,
  UserOptionValue,
} from "./command_types.ts";
import { isLocale, LOCALES } from "./locales.ts";
import {
  checkChannelTypes,
  checkCommandFields,
  checkFileTypes,
} from "./_command_rules.ts";
import { textLength } from "../base/text_length.ts";

export type {
  AttachmentOptionOptions,
  ChannelOptionOptions,
  ChatInputCommand,
  ChatInputCommandOptions,
  Choice,
  ChoiceValue,
  CommandBase,
  CommandDefinition,
  CommandOptions,
  Localizations,
  MentionableOptionValue,
  MessageCommand,
  NumberOptionOptions,
  OptionDefinition,
  OptionMap,
  OptionOptions,
  OptionValue,
  OptionValues,
  RequiredKeys,
  Simplify,
  StringOptionOptions,
  SubcommandDefinition,
  SubcommandGroupDefinition,
  SubcommandOf,
  UserCommand,
  UserOptionValue,
} from "./command_types.ts";

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkName(what: string, name: string, lowerCase: boolean): void {
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
function checkDescription(what: string, description: string): void {
  const length = typeof description === "string"
    ? textLength(description)
    : typeof description;
  if (typeof length !== "number" || length < 1 || length > 100) {
    throw new RangeError(
      `Cannot define ${what} as 'description' must be 1-100 characters: current length '${length}'`,
    );
  }
}

function checkOptions(what: string, options: OptionMap): void {
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
    if (option.type === 1 || option.type === 2) continue;
    if (option.required) {
      if (optionalSeen) {
        throw new TypeError(
          `Cannot define ${what} as required option '${name}' comes after an optional one (Discord lists required options first)`,
        );
      }
    } else optionalSeen = true;
  }
  const kinds = new Set(entries.map(([, o]) => o.type === 1 || o.type === 2));
  if (kinds.size > 1) {
    throw new TypeError(
      `Cannot define ${what} as it mixes subcommands with plain options`,
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
  if (value === undefined) return;
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
function within(text: string, min: number, max: number): boolean {
  const length = textLength(text);
  return length >= min && length <= max;
}

/** The largest magnitude of a NUMBER option's value, bounds and choices. */
const NUMBER_LIMIT = 2 ** 53;

/** Localized names follow the name's rules, descriptions its length. */
function checkLocalizations(
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

/**
 * Discord's limit on a chat input command's text, all options included
 * (application-commands docs: 8000 characters of names, descriptions and
 * values, each field at its longest localization), counted in code points.
 */
export const MAX_COMMAND_SIZE = 8000;

/** The longest of a text and its localizations. */
function longest(
  text: string,
  localizations: Localizations | undefined,
): number {
  let size = textLength(text);
  for (const localized of Object.values(localizations ?? {})) {
    if (typeof localized === "string") {
      size = Math.max(size, textLength(localized));
    }
  }
  return size;
}

/**
 * What counts towards {@linkcode MAX_COMMAND_SIZE}: every name,
 * description and choice name and value, of the command and all its
 * options, each at its longest localization.
 */
function commandSize(
  name: string,
  nameLocalizations: Localizations | undefined,
  description: string,
  descriptionLocalizations: Localizations | undefined,
  options: OptionMap,
): number {
  let size = longest(name, nameLocalizations) +
    longest(description, descriptionLocalizations);
  for (const [optionName, option] of Object.entries(options)) {
    size += commandSize(
      optionName,
      option.name_localizations,
      option.description,
      option.description_localizations,
      option.options ?? {},
    );
    for (const choice of option.choices ?? []) {
      size += longest(choice.name, choice.name_localizations) +
        textLength(String(choice.value));
    }
  }
  return size;
}

function base<N extends string>(options: CommandOptions<N>): CommandBase<N> {
  checkCommandFields(`command '${options.name}'`, options);
  const out: {
    -readonly [K in keyof CommandBase<N>]: CommandBase<N>[K];
  } = { name: options.name };
  if (options.nameLocalizations) {
    out.name_localizations = options.nameLocalizations;
  }
  if (options.defaultMemberPermissions !== undefined) {
    out.default_member_permissions = options.defaultMemberPermissions === null
      ? null
      : String(BigInt(options.defaultMemberPermissions));
  }
  if (options.contexts) out.contexts = options.contexts;
  if (options.integrationTypes) {
    out.integration_types = options.integrationTypes;
  }
  if (options.nsfw !== undefined) out.nsfw = options.nsfw;
  return out;
}

/**
 * Define a slash command. Its option types flow into the router's handler.
 *
 * @typeParam N The command name.
 * @typeParam O The options keyed by name.
 * @param options Name, description, options and permissions.
 * @returns The definition.
 * @throws {TypeError} For a bad name (localized ones included), an option
 *   name that is an integer (object keys would reorder it), a localization
 *   key that is not a Discord locale, option order, or permissions that are
 *   not a bit set.
 * @throws {RangeError} For a bad description, too many options, more than
 *   {@linkcode MAX_COMMAND_SIZE} characters in all, negative permissions,
 *   or `contexts` or `integrationTypes` outside Discord's values.
 *
 * @example A command with a typed option
 * ```ts
 * import { command, commandPayload, integer } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const roll = command({
 *   name: "roll",
 *   description: "Roll dice",
 *   options: { sides: integer({ description: "Sides", min: 2, max: 100, required: true }) },
 * });
 * assert.deepEqual(commandPayload(roll).options, [
 *   { type: 4, name: "sides", description: "Sides", required: true, min_value: 2, max_value: 100 },
 * ]);
 * ```
 */
export function command<
  const N extends string,
  const O extends OptionMap = Record<never, never>,
>(options: ChatInputCommandOptions<N, O>): ChatInputCommand<N, O> {
  checkName(`command '${options.name}'`, options.name, true);
  checkDescription(`command '${options.name}'`, options.description);
  const opts = (options.options ?? {}) as O;
  checkOptions(`command '${options.name}'`, opts);
  checkLocalizations(`command '${options.name}'`, options);
  const size = commandSize(
    options.name,
    options.nameLocalizations,
    options.description,
    options.descriptionLocalizations,
    opts,
  );
  if (size > MAX_COMMAND_SIZE) {
    throw new RangeError(
      `Cannot define command '${options.name}' as its names, descriptions and choices come to more than ${MAX_COMMAND_SIZE} characters (each at its longest localization): current size '${size}'`,
    );
  }
  const out: ChatInputCommand<N, O> = {
    ...base(options),
    type: 1,
    description: options.description,
    ...(options.descriptionLocalizations
      ? { description_localizations: options.descriptionLocalizations }
      : {}),
    options: opts,
  };
  return out;
}

/**
 * Define a user context-menu command (right-click a user → Apps).
 *
 * @typeParam N The command name (any case, spaces allowed).
 * @param options Name and permissions.
 * @returns The definition.
 * @throws {RangeError} For a name (localized ones included) that is not
 *   1-32 characters, or permissions or contexts as {@linkcode command}.
 * @throws {TypeError} For a localization key that is not a Discord locale.
 */
export function userCommand<const N extends string>(
  options: CommandOptions<N>,
): UserCommand<N> {
  return { ...menuBase(options), type: 2 };
}

/**
 * Define a message context-menu command (right-click a message → Apps).
 *
 * @typeParam N The command name (any case, spaces allowed).
 * @param options Name and permissions.
 * @returns The definition.
 * @throws {RangeError} For a name (localized ones included) that is not
 *   1-32 characters, or permissions or contexts as {@linkcode command}.
 * @throws {TypeError} For a localization key that is not a Discord locale.
 */
export function messageCommand<const N extends string>(
  options: CommandOptions<N>,
): MessageCommand<N> {
  return { ...menuBase(options), type: 3 };
}

/** A context-menu command's common part, its names checked. */
function menuBase<const N extends string>(
  options: CommandOptions<N>,
): CommandBase<N> {
  checkMenuName("context-menu command", options.name);
  checkLocalizations(
    `context-menu command '${options.name}'`,
    options,
    checkMenuName,
  );
  return base(options);
}

/**
 * A context-menu command's name (and its localized names): 1-32
 * characters, any case, spaces allowed (Discord's naming rules hold only
 * slash commands and options to the lower-case pattern).
 */
function checkMenuName(what: string, name: string): void {
  if (typeof name !== "string" || !within(name, 1, 32)) {
    throw new RangeError(
      `Cannot define ${what} as 'name' must be 1-32 characters: current value 'name=${name}'`,
    );
  }
}

function option<T extends number, V, R extends boolean>(
  type: T,
  options: OptionOptions<R>,
  extra: Partial<Record<string, unknown>> = {},
): OptionDefinition<T, V, R> {
  checkDescription("option", options.description);
  const out: Record<string, unknown> = {
    type,
    description: options.description,
    required: options.required ?? false,
  };
  if (options.nameLocalizations) {
    out.name_localizations = options.nameLocalizations;
  }
  if (options.descriptionLocalizations) {
    out.description_localizations = options.descriptionLocalizations;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) out[key] = value;
  }
  if (
    Array.isArray(out.choices) &&
    (out.choices.length > 25 || out.autocomplete === true)
  ) {
    throw new TypeError(
      "Cannot define option as it has more than 25 choices or both choices and autocomplete",
    );
  }
  if (Array.isArray(out.choices)) checkChoices(type, out.choices as Choice[]);
  checkLocalizations("option", options);
  checkRange("min_length", out.min_length, 0, 6000, true);
  checkRange("max_length", out.max_length, 1, 6000, true);
  // Discord's ranges: INTEGER is -(2^53-1)..2^53-1 (the safe integers),
  // NUMBER -2^53..2^53.
  const limit = type === 4 ? Number.MAX_SAFE_INTEGER : NUMBER_LIMIT;
  checkRange("min_value", out.min_value, -limit, limit, type === 4);
  checkRange("max_value", out.max_value, -limit, limit, type === 4);
  for (
    const [low, high] of [["min_length", "max_length"], [
      "min_value",
      "max_value",
    ]] as const
  ) {
    if (
      typeof out[low] === "number" && typeof out[high] === "number" &&
      out[low] > out[high]
    ) {
      throw new RangeError(
        `Cannot define option as '${low}' is above '${high}': current values '${
          out[low]
        }', '${out[high]}'`,
      );
    }
  }
  return out as unknown as OptionDefinition<T, V, R>;
}

/**
 * A string option (type 3).
 *
 * @typeParam R Whether it is required.
 * @typeParam C Its fixed choices.
 * @param options Description, required, choices, lengths, autocomplete.
 * @returns The option definition.
 */
export function string<
  const R extends boolean = false,
  const C extends readonly Choice<string>[] = [],
>(
  options: StringOptionOptions<R, C>,
): OptionDefinition<3, ChoiceValue<C, string>, R> {
  return option(3, options, {
    choices: options.choices,
    autocomplete: options.autocomplete,
    min_length: options.minLength,
    max_length: options.maxLength,
  });
}

/**
 * An integer option (type 4; -(2^53-1)..2^53-1, Discord's range).
 *
 * @typeParam R Whether it is required.
 * @typeParam C Its fixed choices.
 * @param options Description, required, choices, min/max, autocomplete.
 * @returns The option definition.
 */
export function integer<
  const R extends boolean = false,
  const C extends readonly Choice<number>[] = [],
>(
  options: NumberOptionOptions<R, C>,
): OptionDefinition<4, ChoiceValue<C, number>, R> {
  return option(4, options, {
    choices: options.choices,
    autocomplete: options.autocomplete,
    min_value: options.min,
    max_value: options.max,
  });
}

/**
 * A number option (type 10; a double in -2^53..2^53, Discord's range).
 *
 * @typeParam R Whether it is required.
 * @typeParam C Its fixed choices.
 * @param options Description, required, choices, min/max, autocomplete.
 * @returns The option definition.
 */
export function number<
  const R extends boolean = false,
  const C extends readonly Choice<number>[] = [],
>(
  options: NumberOptionOptions<R, C>,
): OptionDefinition<10, ChoiceValue<C, number>, R> {
  return option(10, options, {
    choices: options.choices,
    autocomplete: options.autocomplete,
    min_value: options.min,
    max_value: options.max,
  });
}

/**
 * A boolean option (type 5).
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 */
export function boolean<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<5, boolean, R> {
  return option(5, options);
}

/**
 * A user option (type 6): the handler gets the user and member.
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 */
export function user<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<6, UserOptionValue, R> {
  return option(6, options);
}

/**
 * A channel option (type 7): the handler gets the resolved channel.
 *
 * @typeParam R Whether it is required.
 * @param options Description, required, channel types.
 * @returns The option definition.
 * @throws {RangeError} For a channel type that is not a `ChannelType`.
 */
export function channel<const R extends boolean = false>(
  options: ChannelOptionOptions<R>,
): OptionDefinition<7, ResolvedChannel, R> {
  checkChannelTypes(options.channelTypes);
  return option(7, options, { channel_types: options.channelTypes });
}

/**
 * A role option (type 8): the handler gets the role.
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 */
export function role<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<8, Role, R> {
  return option(8, options);
}

/**
 * A mentionable option (type 9): a user or a role.
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 */
export function mentionable<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<9, MentionableOptionValue, R> {
  return option(9, options);
}

/**
 * An attachment option (type 11): the handler gets the attachment.
 *
 * @typeParam R Whether it is required.
 * @param options Description, required, file types.
 * @returns The option definition.
 * @throws {RangeError} For more than 10 file types, or one that is not
 * `image`, `video`, `audio` or a dot-prefixed extension.
 *
 * @example PDFs only
 * ```ts
 * import {
 *   attachment,
 *   command,
 *   commandPayload,
 * } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const upload = command({
 *   name: "upload",
 *   description: "Upload a report",
 *   options: { report: attachment({ description: "The PDF", fileTypes: [".pdf"] }) },
 * });
 * assert.deepEqual(commandPayload(upload).options?.[0]?.file_types, [".pdf"]);
 * ```
 */
export function attachment<const R extends boolean = false>(
  options: AttachmentOptionOptions<R>,
): OptionDefinition<11, Attachment, R> {
  checkFileTypes(options.fileTypes);
  return option(11, options, {
    file_types: options.fileTypes ? [...options.fileTypes] : undefined,
  });
}

/** Options of {@linkcode subcommand}. */
export interface SubcommandOptions<O extends OptionMap>
  extends Omit<OptionOptions<false>, "required"> {
  /** The subcommand's options keyed by name. */
  options?: O;
}

/**
 * A subcommand (type 1).
 *
 * @typeParam O Its options.
 * @param options Description and options.
 * @returns The option definition.
 */
export function subcommand<const O extends OptionMap = Record<never, never>>(
  options: SubcommandOptions<O>,
): SubcommandDefinition<O> {
  const opts = (options.options ?? {}) as O;
  checkOptions("subcommand", opts);
  if (Object.values(opts).some((o) => o.type === 1 || o.type === 2)) {
    throw new TypeError(
      "Cannot define subcommand as it contains a subcommand (only groups do)",
    );
  }
  return option(1, options, { options: opts }) as SubcommandDefinition<O>;
}

/** Options of {@linkcode subcommandGroup}. */
export interface SubcommandGroupOptions<
  S extends Readonly<Record<string, SubcommandDefinition>>,
> extends Omit<OptionOptions<false>, "required"> {
  /** The group's subcommands keyed by name. */
  options: S;
}

/**
 * A subcommand group (type 2).
 *
 * @typeParam S Its subcommands.
 * @param options Description and subcommands.
 * @returns The option definition.
 */
export function subcommandGroup<
  const S extends Readonly<Record<string, SubcommandDefinition>>,
>(options: SubcommandGroupOptions<S>): SubcommandGroupDefinition<S> {
  checkOptions("subcommand group", options.options);
  if (Object.keys(options.options).length === 0) {
    throw new RangeError(
      "Cannot define subcommand group as it holds no subcommand",
    );
  }
  if (Object.values(options.options).some((o) => o.type !== 1)) {
    throw new TypeError(
      "Cannot define subcommand group as it must contain only subcommands",
    );
  }
  return option(2, options, {
    options: options.options,
  }) as SubcommandGroupDefinition<S>;
}

/** The target a context-menu command ran on. */
export type MenuTarget<C> = C extends UserCommand ? UserOptionValue
  : C extends MessageCommand ? Message
  : undefined;

/**
 * The body Discord stores for a definition (what a bulk overwrite sends).
 *
 * @param definition A command definition.
 * @returns The application command body.
 */
export function commandPayload(
  definition: CommandDefinition,
): ApplicationCommandBody {
  const { options, ...rest } = definition as CommandDefinition & {
    options?: OptionMap;
  };
  const out = structuredClone(rest) as unknown as ApplicationCommandBody;
  if (options && Object.keys(options).length > 0) {
    out.options = optionList(options) as NonNullable<
      ApplicationCommandBody["options"]
    >;
  }
  return out;
}

function optionList(options: OptionMap): Record<string, unknown>[] {
  return Object.entries(options).map(([name, definition]) => {
    const { type, description, required, options: nested, ...rest } =
      definition;
    const out: Record<string, unknown> = { type, name, description };
    if (required) out.required = true;
    Object.assign(out, structuredClone(rest));
    if (nested) out.options = optionList(nested);
    return out;
  });
}
