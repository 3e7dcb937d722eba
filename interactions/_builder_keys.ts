/**
 * What the builders read of their options objects: the keys each takes and
 * the names of its enumerated fields. Anything else is refused, as every
 * class-level options object refuses it: dropped, a misspelt `minimum`
 * (for `min`) sent no limit, and a `style: "dangr"` a button without a
 * style, which Discord answers with a 400 only once the message is sent.
 * An object passed through a variable escapes the compiler's
 * excess-property check, so only a run-time check catches these.
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
} from "./command_types.ts";
import type { SubcommandGroupOptions, SubcommandOptions } from "./commands.ts";
import type {
  AutoSelectOptions,
  ButtonOptions,
  LinkButtonOptions,
  premiumButton,
  SelectOptions,
  stringSelect,
} from "./components.ts";
import type { container, file, separator, thumbnail } from "./components_v2.ts";
import type {
  checkbox,
  checkboxGroup,
  fileUpload,
  label,
  ModalOptions,
  modalRow,
  radioGroup,
  TextInputOptions,
} from "./modal_components.ts";

/** The options object a builder takes (the `at`th argument, if given). */
type OptionsOf<F extends (...args: never[]) => unknown, At extends number> =
  NonNullable<Parameters<F>[At]>;

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

/** Keys of `button`'s options. */
export const BUTTON_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    style: true,
    disabled: true,
    label: true,
    emoji: true,
  } satisfies Record<keyof ButtonOptions, true>,
);

/** Keys of `linkButton`'s options. */
export const LINK_BUTTON_KEYS: readonly string[] = optionKeys(
  {
    url: true,
    disabled: true,
    label: true,
    emoji: true,
  } satisfies Record<keyof LinkButtonOptions, true>,
);

/** Keys of `premiumButton`'s options. */
export const PREMIUM_BUTTON_KEYS: readonly string[] = optionKeys(
  { disabled: true } satisfies Record<
    keyof OptionsOf<typeof premiumButton, 1>,
    true
  >,
);

const SELECT = {
  id: true,
  placeholder: true,
  min: true,
  max: true,
  disabled: true,
  required: true,
} satisfies Record<keyof SelectOptions, true>;

/** Keys of `stringSelect`'s options. */
export const STRING_SELECT_KEYS: readonly string[] = optionKeys(
  { ...SELECT, options: true } satisfies Record<
    keyof OptionsOf<typeof stringSelect, 0>,
    true
  >,
);

/** Keys of the user, role and mentionable selects' options. */
export const AUTO_SELECT_KEYS: readonly string[] = optionKeys(
  { ...SELECT, defaults: true } satisfies Record<
    keyof AutoSelectOptions,
    true
  >,
);

/** Keys of `channelSelect`'s options. */
export const CHANNEL_SELECT_KEYS: readonly string[] = [
  ...AUTO_SELECT_KEYS,
  "channelTypes",
];

/** Keys of `textInput`'s options. */
export const TEXT_INPUT_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    style: true,
    minLength: true,
    maxLength: true,
    required: true,
    value: true,
    placeholder: true,
  } satisfies Record<keyof TextInputOptions, true>,
);

/** Keys of `label`'s options. */
export const LABEL_KEYS: readonly string[] = optionKeys(
  { description: true } satisfies Record<
    keyof OptionsOf<typeof label, 2>,
    true
  >,
);

/** Keys of `fileUpload`'s options. */
export const FILE_UPLOAD_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    min: true,
    max: true,
    required: true,
    fileTypes: true,
  } satisfies Record<keyof OptionsOf<typeof fileUpload, 0>, true>,
);

/** Keys of `radioGroup`'s options. */
export const RADIO_GROUP_KEYS: readonly string[] = optionKeys(
  { id: true, options: true, required: true } satisfies Record<
    keyof OptionsOf<typeof radioGroup, 0>,
    true
  >,
);

/** Keys of `checkboxGroup`'s options. */
export const CHECKBOX_GROUP_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    options: true,
    min: true,
    max: true,
    required: true,
  } satisfies Record<keyof OptionsOf<typeof checkboxGroup, 0>, true>,
);

/** Keys of `checkbox`'s options. */
export const CHECKBOX_KEYS: readonly string[] = optionKeys(
  { id: true, default: true } satisfies Record<
    keyof OptionsOf<typeof checkbox, 0>,
    true
  >,
);

/** Keys of `modal`'s options. */
export const MODAL_KEYS: readonly string[] = optionKeys(
  { id: true, title: true, components: true } satisfies Record<
    keyof ModalOptions,
    true
  >,
);

/** Keys of `modalRow`'s options. */
export const MODAL_ROW_KEYS: readonly string[] = optionKeys(
  { label: true } satisfies Record<keyof OptionsOf<typeof modalRow, 1>, true>,
);

/** Keys of `thumbnail`'s options. */
export const THUMBNAIL_KEYS: readonly string[] = optionKeys(
  { description: true, spoiler: true } satisfies Record<
    keyof OptionsOf<typeof thumbnail, 1>,
    true
  >,
);

/** Keys of `file`'s options. */
export const FILE_KEYS: readonly string[] = optionKeys(
  { spoiler: true } satisfies Record<keyof OptionsOf<typeof file, 1>, true>,
);

/** Keys of `separator`'s options. */
export const SEPARATOR_KEYS: readonly string[] = optionKeys(
  { divider: true, spacing: true } satisfies Record<
    keyof OptionsOf<typeof separator, 0>,
    true
  >,
);

/** Keys of `container`'s options. */
export const CONTAINER_KEYS: readonly string[] = optionKeys(
  { accentColor: true, spoiler: true } satisfies Record<
    keyof OptionsOf<typeof container, 1>,
    true
  >,
);

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
