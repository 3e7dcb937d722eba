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
  Autocompletes,
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
  SubcommandGroupOptions,
  SubcommandOptions,
  UserCommand,
  UserOptionValue,
} from "./command_types.ts";
import {
  checkChannelTypes,
  checkCommandFields,
  checkFileTypes,
} from "./_command_rules.ts";
import {
  checkDescription,
  checkLocalizations,
  checkName,
  checkOption,
  checkOptions,
  isSubcommandOrGroup,
  within,
} from "./_option_rules.ts";
import { optionWireFields } from "./_localized_fields.ts";
import { textLength } from "../base/text_length.ts";
import { checkOptionKeys } from "../base/option_keys.ts";
import {
  COMMAND_KEYS,
  MENU_COMMAND_KEYS,
  OPTION_KEYS,
} from "./_builder_keys.ts";

export { checkChoices } from "./_option_rules.ts";
export type {
  AttachmentOptionOptions,
  Autocompletes,
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
  SubcommandGroupOptions,
  SubcommandOf,
  SubcommandOptions,
  UserCommand,
  UserOptionValue,
} from "./command_types.ts";

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
 * A literal option in a fetched command's shape is accepted; its read-only
 * `name_localized` / `description_localized` (one locale's text) are not
 * sent, and a warning is logged when no `*_localizations` map holds them.
 *
 * @typeParam N The command name.
 * @typeParam O The options keyed by name.
 * @param options Name, description, options and permissions.
 * @returns The definition.
 * @throws {TypeError} For a bad name (localized ones included), an option
 *   name that is an integer (object keys would reorder it), a localization
 *   key that is not a Discord locale, option order, permissions that are
 *   not a bit set, an `nsfw` that is not a boolean, or a key that is not
 *   one of the options.
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
  const what = `command '${options.name}'`;
  checkOptionKeys(`define ${what}`, "", options, COMMAND_KEYS);
  checkName(what, options.name, true);
  checkDescription(what, options.description);
  const opts = (options.options ?? {}) as O;
  checkOptions(what, opts);
  checkLocalizations(what, options);
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
 * @throws {TypeError} For a localization key that is not a Discord locale,
 *   an `nsfw` that is not a boolean, or a key that is not one of the
 *   options.
 *
 * @example Usage
 * ```ts
 * import { userCommand } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(userCommand({ name: "Show avatar" }), { name: "Show avatar", type: 2 });
 * ```
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
 * @throws {TypeError} For a localization key that is not a Discord locale,
 *   an `nsfw` that is not a boolean, or a key that is not one of the
 *   options.
 *
 * @example Usage
 * ```ts
 * import { messageCommand } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(messageCommand({ name: "Quote" }), { name: "Quote", type: 3 });
 * ```
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
  const what = `context-menu command '${options.name}'`;
  checkOptionKeys(`define ${what}`, "", options, MENU_COMMAND_KEYS);
  checkMenuName("context-menu command", options.name);
  checkLocalizations(what, options, checkMenuName);
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
  checkOptionKeys("define option", "", options, OPTION_KEYS[type] ?? []);
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
  // The checks a literal option gets from command(), on the wire fields.
  checkOption("option", out as unknown as OptionDefinition);
  return out as unknown as OptionDefinition<T, V, R>;
}

/**
 * A string option (type 3).
 *
 * @typeParam R Whether it is required.
 * @typeParam C Its fixed choices.
 * @param options Description, required, choices, lengths, autocomplete.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key or locale, or wrong choices.
 * @throws {RangeError} For a description, choice or length out of range.
 *
 * @example Usage
 * ```ts
 * import { string } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const colour = string({ description: "Colour", choices: [{ name: "Red", value: "red" }] });
 * assert.deepEqual(colour, { type: 3, description: "Colour", required: false, choices: [{ name: "Red", value: "red" }] });
 * ```
 */
export function string<
  const R extends boolean = false,
  const C extends readonly Choice<string>[] = [],
  const A extends boolean = false,
>(
  options: StringOptionOptions<R, C, A>,
): OptionDefinition<3, ChoiceValue<C, string>, R> & Autocompletes<A>;
/**
 * A string option (type 3), called with explicit type arguments (`string<true>(...)`):
 * these leave `autocomplete` to its default `false`, so an option asking
 * for `autocomplete: true` falls through to this signature, whose
 * definition does not say whether it offers autocomplete (the router
 * checks its name when the route is added).
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
  options: StringOptionOptions<R, C, boolean>,
): OptionDefinition<3, ChoiceValue<C, string>, R>;
export function string<
  const R extends boolean,
  const C extends readonly Choice<string>[],
  const A extends boolean,
>(
  options: StringOptionOptions<R, C, A>,
): OptionDefinition<3, ChoiceValue<C, string>, R> & Autocompletes<A> {
  return option(3, options, {
    choices: options.choices,
    autocomplete: options.autocomplete,
    min_length: options.minLength,
    max_length: options.maxLength,
  }) as OptionDefinition<3, ChoiceValue<C, string>, R> & Autocompletes<A>;
}

/**
 * An integer option (type 4; -(2^53-1)..2^53-1, Discord's range).
 *
 * @typeParam R Whether it is required.
 * @typeParam C Its fixed choices.
 * @param options Description, required, choices, min/max, autocomplete.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key or locale, or wrong choices.
 * @throws {RangeError} For a description, choice or bound out of range.
 *
 * @example Usage
 * ```ts
 * import { integer } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(integer({ description: "Sides", min: 2 }), { type: 4, description: "Sides", required: false, min_value: 2 });
 * assert.throws(() => integer({ description: "Sides", min: 1.5 }), RangeError);
 * ```
 */
export function integer<
  const R extends boolean = false,
  const C extends readonly Choice<number>[] = [],
  const A extends boolean = false,
>(
  options: NumberOptionOptions<R, C, A>,
): OptionDefinition<4, ChoiceValue<C, number>, R> & Autocompletes<A>;
/**
 * An integer option (type 4), called with explicit type arguments (`integer<true>(...)`):
 * these leave `autocomplete` to its default `false`, so an option asking
 * for `autocomplete: true` falls through to this signature, whose
 * definition does not say whether it offers autocomplete (the router
 * checks its name when the route is added).
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
  options: NumberOptionOptions<R, C, boolean>,
): OptionDefinition<4, ChoiceValue<C, number>, R>;
export function integer<
  const R extends boolean,
  const C extends readonly Choice<number>[],
  const A extends boolean,
>(
  options: NumberOptionOptions<R, C, A>,
): OptionDefinition<4, ChoiceValue<C, number>, R> & Autocompletes<A> {
  return option(4, options, {
    choices: options.choices,
    autocomplete: options.autocomplete,
    min_value: options.min,
    max_value: options.max,
  }) as OptionDefinition<4, ChoiceValue<C, number>, R> & Autocompletes<A>;
}

/**
 * A number option (type 10; a double in -2^53..2^53, Discord's range).
 *
 * @typeParam R Whether it is required.
 * @typeParam C Its fixed choices.
 * @param options Description, required, choices, min/max, autocomplete.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key or locale, or wrong choices.
 * @throws {RangeError} For a description, choice or bound out of range.
 *
 * @example Usage
 * ```ts
 * import { number } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const ratio = number({ description: "Ratio", min: 0, max: 1 });
 * assert.deepEqual(ratio, { type: 10, description: "Ratio", required: false, min_value: 0, max_value: 1 });
 * ```
 */
export function number<
  const R extends boolean = false,
  const C extends readonly Choice<number>[] = [],
  const A extends boolean = false,
>(
  options: NumberOptionOptions<R, C, A>,
): OptionDefinition<10, ChoiceValue<C, number>, R> & Autocompletes<A>;
/**
 * A number option (type 10), called with explicit type arguments (`number<true>(...)`):
 * these leave `autocomplete` to its default `false`, so an option asking
 * for `autocomplete: true` falls through to this signature, whose
 * definition does not say whether it offers autocomplete (the router
 * checks its name when the route is added).
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
  options: NumberOptionOptions<R, C, boolean>,
): OptionDefinition<10, ChoiceValue<C, number>, R>;
export function number<
  const R extends boolean,
  const C extends readonly Choice<number>[],
  const A extends boolean,
>(
  options: NumberOptionOptions<R, C, A>,
): OptionDefinition<10, ChoiceValue<C, number>, R> & Autocompletes<A> {
  return option(10, options, {
    choices: options.choices,
    autocomplete: options.autocomplete,
    min_value: options.min,
    max_value: options.max,
  }) as OptionDefinition<10, ChoiceValue<C, number>, R> & Autocompletes<A>;
}

/**
 * A boolean option (type 5).
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key (naming the nearest) or locale.
 * @throws {RangeError} For a description that is not 1-100 characters.
 *
 * @example Usage
 * ```ts
 * import { boolean } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(boolean({ description: "Hide", required: true }), { type: 5, description: "Hide", required: true });
 * ```
 */
export function boolean<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<5, boolean, R> & Autocompletes<false> {
  return option(5, options) as
    & OptionDefinition<5, boolean, R>
    & Autocompletes<false>;
}

/**
 * A user option (type 6): the handler gets the user and member.
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key (naming the nearest) or locale.
 * @throws {RangeError} For a description that is not 1-100 characters.
 *
 * @example Usage
 * ```ts
 * import { user } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(user({ description: "Who" }), { type: 6, description: "Who", required: false });
 * ```
 */
export function user<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<6, UserOptionValue, R> & Autocompletes<false> {
  return option(6, options) as
    & OptionDefinition<6, UserOptionValue, R>
    & Autocompletes<false>;
}

/**
 * A channel option (type 7): the handler gets the resolved channel.
 *
 * @typeParam R Whether it is required.
 * @param options Description, required, channel types.
 * @returns The option definition.
 * @throws {RangeError} For a channel type that is not a `ChannelType`.
 *
 * @example Usage
 * ```ts
 * import { channel } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const where = channel({ description: "Where", channelTypes: [0] });
 * assert.deepEqual(where, { type: 7, description: "Where", required: false, channel_types: [0] });
 * ```
 */
export function channel<const R extends boolean = false>(
  options: ChannelOptionOptions<R>,
): OptionDefinition<7, ResolvedChannel, R> & Autocompletes<false> {
  checkChannelTypes(options.channelTypes);
  return option(7, options, { channel_types: options.channelTypes }) as
    & OptionDefinition<7, ResolvedChannel, R>
    & Autocompletes<false>;
}

/**
 * A role option (type 8): the handler gets the role.
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key (naming the nearest) or locale.
 * @throws {RangeError} For a description that is not 1-100 characters.
 *
 * @example Usage
 * ```ts
 * import { role } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(role({ description: "Role" }), { type: 8, description: "Role", required: false });
 * ```
 */
export function role<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<8, Role, R> & Autocompletes<false> {
  return option(8, options) as
    & OptionDefinition<8, Role, R>
    & Autocompletes<false>;
}

/**
 * A mentionable option (type 9): a user or a role.
 *
 * @typeParam R Whether it is required.
 * @param options Description and required.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key (naming the nearest) or locale.
 * @throws {RangeError} For a description that is not 1-100 characters.
 *
 * @example Usage
 * ```ts
 * import { mentionable } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(mentionable({ description: "Who" }), { type: 9, description: "Who", required: false });
 * ```
 */
export function mentionable<const R extends boolean = false>(
  options: OptionOptions<R>,
): OptionDefinition<9, MentionableOptionValue, R> & Autocompletes<false> {
  return option(9, options) as
    & OptionDefinition<9, MentionableOptionValue, R>
    & Autocompletes<false>;
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
): OptionDefinition<11, Attachment, R> & Autocompletes<false> {
  checkFileTypes(options.fileTypes);
  return option(11, options, {
    file_types: options.fileTypes ? [...options.fileTypes] : undefined,
  }) as
    & OptionDefinition<11, Attachment, R>
    & Autocompletes<false>;
}

/**
 * A subcommand (type 1).
 *
 * @typeParam O Its options.
 * @param options Description and options.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key, or options Discord refuses here.
 * @throws {RangeError} For a bad description or more than 25 options.
 *
 * @example Usage
 * ```ts
 * import { string, subcommand } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const add = subcommand({ description: "Add", options: { item: string({ description: "Item" }) } });
 * assert.equal(add.type, 1);
 * assert.equal(add.options.item.type, 3);
 * ```
 */
export function subcommand<const O extends OptionMap = Record<never, never>>(
  options: SubcommandOptions<O>,
): SubcommandDefinition<O> {
  const opts = (options.options ?? {}) as O;
  checkOptions("subcommand", opts);
  if (Object.values(opts).some(isSubcommandOrGroup)) {
    throw new TypeError(
      "Cannot define subcommand as it contains a subcommand (only groups do)",
    );
  }
  return option(1, options, { options: opts }) as SubcommandDefinition<O>;
}

/**
 * A subcommand group (type 2).
 *
 * @typeParam S Its subcommands.
 * @param options Description and subcommands.
 * @returns The option definition.
 * @throws {TypeError} For an unknown key, or an option not a subcommand.
 * @throws {RangeError} For no subcommand, over 25, or a bad description.
 *
 * @example Usage
 * ```ts
 * import { subcommand, subcommandGroup } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const tags = subcommandGroup({ description: "Tags", options: { add: subcommand({ description: "Add" }) } });
 * assert.equal(tags.type, 2);
 * assert.equal(tags.options.add.type, 1);
 * ```
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
 *
 * @example Usage
 * ```ts
 * import { command, commandPayload, userCommand } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(commandPayload(command({ name: "ping", description: "Ping" })), { name: "ping", type: 1, description: "Ping" });
 * const avatar = userCommand({ name: "Show avatar", defaultMemberPermissions: 8n });
 * assert.deepEqual(commandPayload(avatar), { name: "Show avatar", default_member_permissions: "8", type: 2 });
 * ```
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
    // Without the read-only `*_localized`, file types lower case, empty
    // choices left out: as Discord stores it, so sync can settle.
    Object.assign(out, optionWireFields(rest));
    if (nested) out.options = optionList(nested);
    return out;
  });
}
