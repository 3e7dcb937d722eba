/**
 * What the builders read of their options objects: the keys each takes and
 * the names of its enumerated fields. Anything else is refused, as every
 * class-level options object refuses it: dropped, a misspelt `minimum`
 * (for `min`) sent no limit, and a `style: "dangr"` a button without a
 * style, which Discord answers with a 400 only once the message is sent.
 * An object passed through a variable escapes the compiler's
 * excess-property check, so only a run-time check catches these.
 *
 * The command builders' keys are here; each component builder's sit
 * beside it in its own file, which this module must not import: they
 * import {@linkcode enumValue} from here, and a cycle fails the layer check.
 *
 * Internal to the package (tested through the builders in
 * `tests/interactions/builder_option_keys_test.ts`).
 *
 * @module
 */
import { closestName } from "../base/closest_name.ts";
import { optionKeys } from "../base/option_keys.ts";
import type {
  AttachmentOptionOptions,
  ChannelOptionOptions,
  ChatInputCommandOptions,
  CommandOptions,
  NumberOptionOptions,
  OptionMap,
  OptionOptions,
  StringOptionOptions,
  SubcommandGroupOptions,
  SubcommandOptions,
} from "./command_types.ts";

/** The options object a builder takes (the `at`th argument, if given). */
export type OptionsOf<
  F extends (...args: never[]) => unknown,
  At extends number,
> = NonNullable<Parameters<F>[At]>;

/** Keys of {@linkcode command}'s options. */
export const COMMAND_KEYS: readonly string[] = optionKeys(
  {
    name: true,
    nameLocalizations: true,
    description: true,
    descriptionLocalizations: true,
    options: true,
    defaultMemberPermissions: true,
    contexts: true,
    integrationTypes: true,
    nsfw: true,
  } satisfies Record<keyof ChatInputCommandOptions<string, OptionMap>, true>,
);

/** Keys of `userCommand`'s and `messageCommand`'s options. */
export const MENU_COMMAND_KEYS: readonly string[] = optionKeys(
  {
    name: true,
    nameLocalizations: true,
    defaultMemberPermissions: true,
    contexts: true,
    integrationTypes: true,
    nsfw: true,
  } satisfies Record<keyof CommandOptions<string>, true>,
);

const PLAIN_OPTION = {
  description: true,
  required: true,
  nameLocalizations: true,
  descriptionLocalizations: true,
} satisfies Record<keyof OptionOptions<boolean>, true>;

const CHOICE_OPTION = {
  ...PLAIN_OPTION,
  choices: true as const,
  autocomplete: true as const,
};

/** Keys of `string`, `integer` … `attachment`, `subcommand`(`Group`), by option type. */
export const OPTION_KEYS: Readonly<Record<number, readonly string[]>> = {
  1: optionKeys(
    {
      description: true,
      nameLocalizations: true,
      descriptionLocalizations: true,
      options: true,
    } satisfies Record<keyof SubcommandOptions<OptionMap>, true>,
  ),
  2: optionKeys(
    {
      description: true,
      nameLocalizations: true,
      descriptionLocalizations: true,
      options: true,
    } satisfies Record<keyof SubcommandGroupOptions<never>, true>,
  ),
  3: optionKeys(
    { ...CHOICE_OPTION, minLength: true, maxLength: true } satisfies Record<
      keyof StringOptionOptions<boolean, [], boolean>,
      true
    >,
  ),
  4: optionKeys(
    { ...CHOICE_OPTION, min: true, max: true } satisfies Record<
      keyof NumberOptionOptions<boolean, [], boolean>,
      true
    >,
  ),
  5: optionKeys(PLAIN_OPTION),
  6: optionKeys(PLAIN_OPTION),
  7: optionKeys(
    { ...PLAIN_OPTION, channelTypes: true } satisfies Record<
      keyof ChannelOptionOptions<boolean>,
      true
    >,
  ),
  8: optionKeys(PLAIN_OPTION),
  9: optionKeys(PLAIN_OPTION),
  10: optionKeys(
    { ...CHOICE_OPTION, min: true, max: true } satisfies Record<
      keyof NumberOptionOptions<boolean, [], boolean>,
      true
    >,
  ),
  11: optionKeys(
    { ...PLAIN_OPTION, fileTypes: true } satisfies Record<
      keyof AttachmentOptionOptions<boolean>,
      true
    >,
  ),
};

/**
 * The wire value of an enumerated field given by name (`style: "danger"`),
 * refusing a name not in `table`: dropped, it left the field unset (a
 * button with no style, which Discord refuses) or at its default.
 *
 * @param what The start of the message, e.g. `"build button"`.
 * @param field The field's name, e.g. `"style"`.
 * @param name The name given; `undefined` passes.
 * @param table The wire value by name.
 * @returns The wire value, or `undefined` when `name` is.
 * @throws {TypeError} When `name` is not a key of `table`; the message
 *   lists the names and the nearest one.
 */
export function enumValue<V>(
  what: string,
  field: string,
  name: unknown,
  table: Readonly<Record<string, V>>,
): V | undefined {
  if (name === undefined) return undefined;
  if (typeof name === "string" && Object.hasOwn(table, name)) {
    return table[name];
  }
  const names = Object.keys(table).map((n) => `'${n}'`);
  const listed = names.length > 1
    ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`
    : names.join("");
  const nearest = typeof name === "string"
    ? closestName(name, Object.keys(table))
    : undefined;
  throw new TypeError(
    `Cannot ${what} as '${field}' must be ${listed}${
      nearest ? ` (did you mean '${nearest}'?)` : ""
    }: current value '${String(name)}'`,
  );
}
