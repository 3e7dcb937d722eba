/**
 * Builders for message buttons and select menus, and the action row that
 * holds them. Each returns the typed wire object from `types/` (so literals
 * and builders mix), checks Discord's limits at run time, and the types
 * catch the rest at compile time: a button literal without `style`, a row
 * mixing a select with buttons. Modal inputs are in `modal_components.ts`,
 * the Components v2 layout components in `components_v2.ts`.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { ChannelType } from "../types/objects/channel.ts";
import type {
  AutoSelectComponent,
  ButtonComponent,
  InteractiveButton,
  LinkButton,
  MessageActionRow,
  PremiumButton,
  SelectComponent,
  SelectDefaultValue,
  SelectOption,
  StringSelectComponent,
} from "../types/objects/component.ts";
import type { ComponentEmoji } from "../types/objects/emoji.ts";
import {
  between,
  count,
  limit,
  minMax,
  optionTexts,
  repeatedCustomId,
} from "./_component_limits.ts";
import { channelTypes, defaultCount } from "./_component_rules.ts";
import { checkCustomId } from "./custom_id.ts";
import { defaultKinds } from "./_component_values.ts";
import { setDefined } from "./_set_defined.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { enumValue, type OptionsOf } from "./_builder_keys.ts";

/**
 * An action row of up to 5 buttons.
 *
 * @param buttons 1 to 5 buttons.
 * @returns The row.
 * @throws {RangeError} For 0 or more than 5 buttons.
 * @throws {TypeError} When two buttons share a custom id.
 *
 * @example Usage
 * ```ts
 * import { button, row } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(row(button({ id: "yes", label: "Yes", style: "success" })), {
 *   type: 1,
 *   components: [{ type: 2, style: 3, custom_id: "yes", label: "Yes" }],
 * });
 * ```
 */
export function row(...buttons: ButtonComponent[]): MessageActionRow;
/**
 * An action row holding one select menu.
 *
 * @param select The select.
 * @returns The row.
 */
export function row(select: SelectComponent): MessageActionRow;
export function row(
  ...components: (ButtonComponent | SelectComponent)[]
): MessageActionRow {
  const selects = components.filter((c) => c.type !== 2).length;
  if (selects > 0 && components.length !== 1) {
    throw new TypeError(
      "Cannot build action row as a select must be alone in its row",
    );
  }
  count("components", components.length, 1, 5);
  const repeated = repeatedCustomId(components);
  if (repeated !== undefined) {
    throw new TypeError(
      `Cannot build action row as two of its buttons have the custom id '${repeated}' (Discord wants custom ids unique per message)`,
    );
  }
  return {
    type: 1,
    components: components as MessageActionRow["components"],
  };
}

/** Styles of buttons that send an interaction. */
export type ButtonStyleName = "primary" | "secondary" | "success" | "danger";

const STYLES: Record<ButtonStyleName, 1 | 2 | 3 | 4> = {
  primary: 1,
  secondary: 2,
  success: 3,
  danger: 4,
};

/**
 * What a button shows: a label, an emoji or both, never neither (Discord
 * refuses a button with neither; the type says so at compile time).
 */
export type LabelOrEmoji =
  | {
    /** Text (80 characters at most). */
    label: string;
    /** Emoji. */
    emoji?: ComponentEmoji;
  }
  | {
    /** Text (80 characters at most). */
    label?: string;
    /** Emoji. */
    emoji: ComponentEmoji;
  };

/** The fields of {@linkcode ButtonOptions} besides the label and emoji. */
export interface ButtonFields {
  /** The custom id (1-100 characters); see `customId` for patterns. */
  id: string;
  /**
   * Style.
   *
   * @default {"secondary"}
   */
  style?: ButtonStyleName;
  /** Greyed out. */
  disabled?: boolean;
}

/** Options of {@linkcode button}: a custom id and a label or an emoji. */
export type ButtonOptions = ButtonFields & LabelOrEmoji;

/** Keys of `button`'s options. */
const BUTTON_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    style: true,
    disabled: true,
    label: true,
    emoji: true,
  } satisfies Record<keyof ButtonOptions, true>,
);

/**
 * A button that sends a component interaction.
 *
 * @param options Custom id, label, emoji, style.
 * @returns The button.
 * @throws {RangeError} For a bad custom id or label.
 * @throws {TypeError} For a custom id with an unpaired surrogate, a key
 *   that is not one of the options or a `style` that is not a style name.
 *
 * @example Usage
 * ```ts
 * import { button } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const b = button({ id: "vote:up", label: "Up", style: "primary" });
 * assert.equal(b.type, 2);
 * assert.equal(b.style, 1);
 * assert.equal(b.custom_id, "vote:up");
 * ```
 */
export function button(options: ButtonOptions): InteractiveButton {
  checkOptionKeys("build button", "", options, BUTTON_KEYS);
  const style = enumValue("build button", "style", options.style, STYLES);
  checkCustomId(options.id);
  limit("label", options.label, 80);
  if (options.label === undefined && options.emoji === undefined) {
    throw new TypeError("Cannot build button as it needs a label or an emoji");
  }
  checkEmoji("button", options.emoji);
  const out: InteractiveButton = {
    type: 2,
    style: style ?? STYLES.secondary,
    custom_id: options.id,
  };
  setDefined(out, "label", options.label);
  setDefined(out, "emoji", options.emoji);
  setDefined(out, "disabled", options.disabled);
  return out;
}

/**
 * Refuse an emoji with neither an id nor a name (the type forbids it; a
 * JavaScript caller's `{}` made a button showing nothing).
 */
function checkEmoji(what: string, emoji: ComponentEmoji | undefined): void {
  if (emoji === undefined) return;
  const { id, name } = emoji as { id?: unknown; name?: unknown };
  if (!id && !name) {
    throw new TypeError(
      `Cannot build ${what} as its emoji needs an id (a custom emoji) or a name (a unicode emoji)`,
    );
  }
}

/** Options of {@linkcode linkButton}. */
export type LinkButtonOptions = LinkButtonFields & LabelOrEmoji;

/** The fields of {@linkcode LinkButtonOptions} besides the label and emoji. */
export interface LinkButtonFields {
  /** The URL (512 characters at most). */
  url: string;
  /** Greyed out. */
  disabled?: boolean;
}

/** Keys of `linkButton`'s options. */
const LINK_BUTTON_KEYS: readonly string[] = optionKeys(
  {
    url: true,
    disabled: true,
    label: true,
    emoji: true,
  } satisfies Record<keyof LinkButtonOptions, true>,
);

/**
 * A button that opens a URL (no interaction is sent).
 *
 * @param options URL, label, emoji.
 * @returns The button.
 * @throws {TypeError} For a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { linkButton } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(linkButton({ url: "https://example.com", label: "Docs" }), {
 *   type: 2,
 *   style: 5,
 *   url: "https://example.com",
 *   label: "Docs",
 * });
 * ```
 */
export function linkButton(options: LinkButtonOptions): LinkButton {
  checkOptionKeys("build link button", "", options, LINK_BUTTON_KEYS);
  limit("url", options.url, 512);
  limit("label", options.label, 80);
  checkEmoji("link button", options.emoji);
  if (options.label === undefined && options.emoji === undefined) {
    throw new TypeError(
      "Cannot build link button as it needs a label or an emoji",
    );
  }
  const out: LinkButton = { type: 2, style: 5, url: options.url };
  setDefined(out, "label", options.label);
  setDefined(out, "emoji", options.emoji);
  setDefined(out, "disabled", options.disabled);
  return out;
}

/** Keys of `premiumButton`'s options. */
const PREMIUM_BUTTON_KEYS: readonly string[] = optionKeys(
  { disabled: true } satisfies Record<
    keyof OptionsOf<typeof premiumButton, 1>,
    true
  >,
);

/**
 * A button that offers an SKU for purchase.
 *
 * @param skuId The SKU.
 * @param options Whether it is greyed out.
 * @returns The button.
 * @throws {TypeError} For a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { premiumButton } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(premiumButton("1234567890", { disabled: true }), {
 *   type: 2,
 *   style: 6,
 *   sku_id: "1234567890",
 *   disabled: true,
 * });
 * ```
 */
export function premiumButton(
  skuId: Snowflake,
  options: { disabled?: boolean } = {},
): PremiumButton {
  checkOptionKeys("build premium button", "", options, PREMIUM_BUTTON_KEYS);
  const out: PremiumButton = { type: 2, style: 6, sku_id: skuId };
  setDefined(out, "disabled", options.disabled);
  return out;
}

/** Options every select builder takes. */
export interface SelectOptions {
  /** The custom id (1-100 characters). */
  id: string;
  /** Text while nothing is chosen (150 characters at most). */
  placeholder?: string;
  /**
   * Fewest choices (0-25; at most `max`, which is 1 when left out; in a
   * modal, 0 only with `required: false`).
   */
  min?: number;
  /** Most choices (1-25; a string select's at most its option count). */
  max?: number;
  /** In a message: greyed out (a modal refuses it). */
  disabled?: boolean;
  /** In a modal: whether an answer is required. */
  required?: boolean;
}

function selectBase(options: SelectOptions): Record<string, unknown> {
  checkCustomId(options.id);
  limit("placeholder", options.placeholder, 150);
  minMax(options.min, options.max, 25);
  const out: Record<string, unknown> = { custom_id: options.id };
  setDefined(out, "placeholder", options.placeholder);
  setDefined(out, "min_values", options.min);
  setDefined(out, "max_values", options.max);
  setDefined(out, "disabled", options.disabled);
  setDefined(out, "required", options.required);
  return out;
}

/** Keys every select builder takes. */
const SELECT = {
  id: true,
  placeholder: true,
  min: true,
  max: true,
  disabled: true,
  required: true,
} satisfies Record<keyof SelectOptions, true>;

/** Keys of `stringSelect`'s options. */
const STRING_SELECT_KEYS: readonly string[] = optionKeys(
  { ...SELECT, options: true } satisfies Record<
    keyof OptionsOf<typeof stringSelect, 0>,
    true
  >,
);

/**
 * A select menu of your own options.
 *
 * @param options Custom id, 1-25 options, placeholder, min/max.
 * @returns The select.
 * @throws {RangeError} For 0 or more than 25 options, texts over 100
 *   characters, or `min`/`max` out of range (0-25, 1-25, `min` at most
 *   `max`, neither above the number of options).
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a key
 *   that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { stringSelect } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const s = stringSelect({
 *   id: "colour",
 *   options: [{ label: "Red", value: "red" }, { label: "Blue", value: "blue" }],
 *   max: 2,
 * });
 * assert.equal(s.type, 3);
 * assert.equal(s.max_values, 2);
 * assert.deepEqual(s.options.map((o) => o.value), ["red", "blue"]);
 * ```
 */
export function stringSelect(
  options: SelectOptions & { options: readonly SelectOption[] },
): StringSelectComponent {
  checkOptionKeys("build string select", "", options, STRING_SELECT_KEYS);
  count("options", options.options.length, 1, 25);
  optionTexts(options.options);
  // Discord refuses a select that asks for more choices than it offers.
  between("min", options.min, 0, options.options.length);
  between("max", options.max, 1, options.options.length);
  return {
    type: 3,
    ...selectBase(options),
    options: [...options.options],
  } as StringSelectComponent;
}

/** Options of the auto select builders (`Kind`: the default kinds listed). */
export interface AutoSelectOptions<
  Kind extends SelectDefaultValue["type"] = SelectDefaultValue["type"],
> extends SelectOptions {
  /** Pre-selected values: as many as `min`..`max` allow (each 1 if absent). */
  defaults?: readonly (SelectDefaultValue & { type: Kind })[];
}

/** Keys of the user, role and mentionable selects' options. */
const AUTO_SELECT_KEYS: readonly string[] = optionKeys(
  { ...SELECT, defaults: true } satisfies Record<
    keyof AutoSelectOptions,
    true
  >,
);

/** Keys of `channelSelect`'s options. */
const CHANNEL_SELECT_KEYS: readonly string[] = [
  ...AUTO_SELECT_KEYS,
  "channelTypes",
];

const AUTO_SELECT_NAMES = {
  5: "user",
  6: "role",
  7: "mentionable",
  8: "channel",
} as const;

function autoSelect(
  type: 5 | 6 | 7 | 8,
  options: AutoSelectOptions & { channelTypes?: readonly ChannelType[] },
): AutoSelectComponent {
  checkOptionKeys(
    `build ${AUTO_SELECT_NAMES[type]} select`,
    "",
    options,
    type === 8 ? CHANNEL_SELECT_KEYS : AUTO_SELECT_KEYS,
  );
  const out = { type, ...selectBase(options) } as AutoSelectComponent;
  defaultCount(options.defaults?.length ?? 0, options.min, options.max);
  defaultKinds(type, options.defaults ?? []);
  if (options.defaults) out.default_values = [...options.defaults];
  setDefined(out, "channel_types", channelTypes(options.channelTypes));
  return out;
}

/**
 * A select menu of users.
 *
 * @param options Custom id, placeholder, min/max, defaults.
 * @returns The select.
 * @throws {RangeError} For limits out of range, or more or fewer defaults
 *   than `min`..`max` allow.
 * @throws {TypeError} For an unpaired surrogate, a non-user default or a
 *   key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { userSelect } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const s = userSelect({ id: "who", defaults: [{ id: "80351110224678912", type: "user" }] });
 * assert.equal(s.type, 5);
 * assert.equal(s.custom_id, "who");
 * assert.deepEqual(s.default_values, [{ id: "80351110224678912", type: "user" }]);
 * ```
 */
export function userSelect(
  options: AutoSelectOptions<"user">,
): AutoSelectComponent {
  return autoSelect(5, options);
}

/**
 * A select menu of roles.
 *
 * @param options Custom id, placeholder, min/max, defaults.
 * @returns The select.
 * @throws {RangeError} For limits out of range, or more or fewer defaults
 *   than `min`..`max` allow.
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a
 *   default of a kind the select does not list, or a key that is not one
 *   of the options.
 *
 * @example Usage
 * ```ts
 * import { roleSelect } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const s = roleSelect({ id: "roles", min: 1, max: 3 });
 * assert.equal(s.type, 6);
 * assert.equal(s.min_values, 1);
 * assert.equal(s.max_values, 3);
 * ```
 */
export function roleSelect(
  options: AutoSelectOptions<"role">,
): AutoSelectComponent {
  return autoSelect(6, options);
}

/**
 * A select menu of users and roles.
 *
 * @param options Custom id, placeholder, min/max, defaults.
 * @returns The select.
 * @throws {RangeError} For limits out of range, or more or fewer defaults
 *   than `min`..`max` allow.
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a
 *   default of a kind the select does not list, or a key that is not one
 *   of the options.
 *
 * @example Usage
 * ```ts
 * import { mentionableSelect } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const s = mentionableSelect({ id: "ping", placeholder: "Who to ping" });
 * assert.equal(s.type, 7);
 * assert.equal(s.placeholder, "Who to ping");
 * ```
 */
export function mentionableSelect(
  options: AutoSelectOptions<"user" | "role">,
): AutoSelectComponent {
  return autoSelect(7, options);
}

/**
 * A select menu of channels.
 *
 * @param options Custom id, placeholder, min/max, defaults, channel types.
 * @returns The select.
 * @throws {RangeError} For limits out of range, or more or fewer defaults
 *   than `min`..`max` allow.
 * @throws {TypeError} For an unpaired surrogate, a non-channel default or
 *   a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { channelSelect } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const s = channelSelect({ id: "where", channelTypes: [0] });
 * assert.equal(s.type, 8);
 * assert.deepEqual(s.channel_types, [0]);
 * ```
 */
export function channelSelect(
  options: AutoSelectOptions<"channel"> & {
    channelTypes?: readonly ChannelType[];
  },
): AutoSelectComponent {
  return autoSelect(8, options);
}
