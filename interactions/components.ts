/**
 * Builders for message and modal components. Each returns the typed wire
 * object from `types/` (so literals and builders mix), checks Discord's
 * limits at run time, and the types catch the rest at compile time: a
 * button literal without `style`, an empty modal, a row mixing a select
 * with buttons.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { ChannelType } from "../types/objects/channel.ts";
import type {
  AutoSelectComponent,
  ButtonComponent,
  CheckboxComponent,
  CheckboxGroupComponent,
  ChoiceOption,
  ContainerChild,
  ContainerComponent,
  FileComponent,
  FileUploadComponent,
  InteractiveButton,
  LabelChild,
  LabelComponent,
  LinkButton,
  MediaGalleryComponent,
  MediaGalleryItem,
  MessageActionRow,
  MessageComponent,
  ModalActionRow,
  ModalComponent,
  PremiumButton,
  RadioGroupComponent,
  SectionComponent,
  SelectComponent,
  SelectDefaultValue,
  SelectOption,
  SeparatorComponent,
  StringSelectComponent,
  TextDisplayComponent,
  TextInputComponent,
  ThumbnailComponent,
} from "../types/objects/component.ts";
import type { PartialEmoji } from "../types/objects/emoji.ts";
import {
  between,
  count,
  limit,
  minMax,
  optionTexts,
  repeatedCustomId,
} from "./_component_limits.ts";
import {
  channelTypes,
  containerChildren,
  defaultCount,
  fileTypes,
  minWhenRequired,
  modalComponents,
  textInputLabel,
} from "./_component_rules.ts";
import { checkCustomId } from "./custom_id.ts";
import { defaultKinds, rgb } from "./_component_values.ts";

/** The IS_COMPONENTS_V2 message flag (`1 << 15`). */
export const COMPONENTS_V2_FLAG = 1 << 15;

function set<T extends object, K extends string, V>(
  target: T,
  key: K,
  value: V | undefined,
): void {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}

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
    emoji?: PartialEmoji;
  }
  | {
    /** Text (80 characters at most). */
    label?: string;
    /** Emoji. */
    emoji: PartialEmoji;
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

/**
 * A button that sends a component interaction.
 *
 * @param options Custom id, label, emoji, style.
 * @returns The button.
 * @throws {RangeError} For a bad custom id or label.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function button(options: ButtonOptions): InteractiveButton {
  checkCustomId(options.id);
  limit("label", options.label, 80);
  if (options.label === undefined && options.emoji === undefined) {
    throw new TypeError("Cannot build button as it needs a label or an emoji");
  }
  const out: InteractiveButton = {
    type: 2,
    style: STYLES[options.style ?? "secondary"],
    custom_id: options.id,
  };
  set(out, "label", options.label);
  set(out, "emoji", options.emoji);
  set(out, "disabled", options.disabled);
  return out;
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

/**
 * A button that opens a URL (no interaction is sent).
 *
 * @param options URL, label, emoji.
 * @returns The button.
 */
export function linkButton(options: LinkButtonOptions): LinkButton {
  limit("url", options.url, 512);
  limit("label", options.label, 80);
  if (options.label === undefined && options.emoji === undefined) {
    throw new TypeError(
      "Cannot build link button as it needs a label or an emoji",
    );
  }
  const out: LinkButton = { type: 2, style: 5, url: options.url };
  set(out, "label", options.label);
  set(out, "emoji", options.emoji);
  set(out, "disabled", options.disabled);
  return out;
}

/**
 * A button that offers an SKU for purchase.
 *
 * @param skuId The SKU.
 * @param options Whether it is greyed out.
 * @returns The button.
 */
export function premiumButton(
  skuId: Snowflake,
  options: { disabled?: boolean } = {},
): PremiumButton {
  const out: PremiumButton = { type: 2, style: 6, sku_id: skuId };
  set(out, "disabled", options.disabled);
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
  set(out, "placeholder", options.placeholder);
  set(out, "min_values", options.min);
  set(out, "max_values", options.max);
  set(out, "disabled", options.disabled);
  set(out, "required", options.required);
  return out;
}

/**
 * A select menu of your own options.
 *
 * @param options Custom id, 1-25 options, placeholder, min/max.
 * @returns The select.
 * @throws {RangeError} For 0 or more than 25 options, texts over 100
 *   characters, or `min`/`max` out of range (0-25, 1-25, `min` at most
 *   `max`, neither above the number of options).
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function stringSelect(
  options: SelectOptions & { options: readonly SelectOption[] },
): StringSelectComponent {
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

function autoSelect(
  type: 5 | 6 | 7 | 8,
  options: AutoSelectOptions & { channelTypes?: readonly ChannelType[] },
): AutoSelectComponent {
  const out = { type, ...selectBase(options) } as AutoSelectComponent;
  defaultCount(options.defaults?.length ?? 0, options.min, options.max);
  defaultKinds(type, options.defaults ?? []);
  if (options.defaults) out.default_values = [...options.defaults];
  set(out, "channel_types", channelTypes(options.channelTypes));
  return out;
}

/**
 * A select menu of users.
 *
 * @param options Custom id, placeholder, min/max, defaults.
 * @returns The select.
 * @throws {RangeError} For limits out of range, or more or fewer defaults
 *   than `min`..`max` allow.
 * @throws {TypeError} For an unpaired surrogate or a non-user default.
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
 *   default of a kind the select does not list.
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
 *   default of a kind the select does not list.
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
 * @throws {TypeError} For an unpaired surrogate or a non-channel default.
 */
export function channelSelect(
  options: AutoSelectOptions<"channel"> & {
    channelTypes?: readonly ChannelType[];
  },
): AutoSelectComponent {
  return autoSelect(8, options);
}

/** Options of {@linkcode textInput}. */
export interface TextInputOptions {
  /** The custom id (1-100 characters); the submitted value is read by it. */
  id: string;
  /**
   * One line or several.
   *
   * @default {"short"}
   */
  style?: "short" | "paragraph";
  /** Fewest characters (0-4000). */
  minLength?: number;
  /** Most characters (1-4000). */
  maxLength?: number;
  /**
   * Whether it must be filled.
   *
   * @default {true}
   */
  required?: boolean;
  /** Pre-filled text (4000 characters at most). */
  value?: string;
  /** Text while empty (100 characters at most). */
  placeholder?: string;
}

/**
 * A text input, to wrap in a {@linkcode label} inside a modal.
 *
 * @param options Custom id, style, lengths, value, placeholder.
 * @returns The text input.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function textInput(options: TextInputOptions): TextInputComponent {
  checkCustomId(options.id);
  limit("value", options.value, 4000);
  limit("placeholder", options.placeholder, 100);
  between("minLength", options.minLength, 0, 4000);
  between("maxLength", options.maxLength, 1, 4000);
  if (
    options.minLength !== undefined && options.maxLength !== undefined &&
    options.minLength > options.maxLength
  ) {
    throw new RangeError(
      `Cannot build text input as 'minLength' is above 'maxLength': current values '${options.minLength}', '${options.maxLength}'`,
    );
  }
  const out: TextInputComponent = {
    type: 4,
    custom_id: options.id,
    style: options.style === "paragraph" ? 2 : 1,
  };
  set(out, "min_length", options.minLength);
  set(out, "max_length", options.maxLength);
  set(out, "required", options.required);
  set(out, "value", options.value);
  set(out, "placeholder", options.placeholder);
  return out;
}

/**
 * A label (45 characters) and description (100) around one modal input.
 *
 * @param text The label.
 * @param component The input (a text input without a `label` of its own:
 *   Discord refuses one inside a label).
 * @param options The description.
 * @returns The label component.
 * @throws {RangeError} For an empty or longer label or description.
 * @throws {TypeError} For a text input with its own `label`.
 */
export function label(
  text: string,
  component: LabelChild,
  options: { description?: string } = {},
): LabelComponent {
  limit("label", text, 45);
  limit("description", options.description, 100);
  if (text.length === 0) {
    throw new RangeError("Cannot build label as it is empty");
  }
  textInputLabel(component, "label");
  const out: LabelComponent = { type: 18, label: text, component };
  set(out, "description", options.description);
  return out;
}

/**
 * A file upload field (modals only; wrap it in a label).
 *
 * @param options Custom id, min/max files (0-10, 1-10, `min` at most
 *   `max`, which is 1 when left out, `min` 0 only with `required: false`),
 *   required, up to 10 file types (`image`, `video`, `audio` or a
 *   dot-prefixed extension).
 * @returns The component.
 * @throws {RangeError} For `min` or `max` out of range, or bad file types.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function fileUpload(
  options: {
    id: string;
    min?: number;
    max?: number;
    required?: boolean;
    fileTypes?: readonly string[];
  },
): FileUploadComponent {
  checkCustomId(options.id);
  minMax(options.min, options.max, 10);
  minWhenRequired("file upload", options.min, options.required);
  const out: FileUploadComponent = { type: 19, custom_id: options.id };
  set(out, "min_values", options.min);
  set(out, "max_values", options.max);
  set(out, "required", options.required);
  set(out, "file_types", fileTypes(options.fileTypes));
  return out;
}

/**
 * A single-choice radio group (modals only; 2-10 options).
 *
 * @param options Custom id, options, required.
 * @returns The component.
 * @throws {RangeError} For fewer than 2 or more than 10 options, or an
 *   option's label, value or description over 100 characters.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function radioGroup(
  options: { id: string; options: readonly ChoiceOption[]; required?: boolean },
): RadioGroupComponent {
  checkCustomId(options.id);
  count("options", options.options.length, 2, 10);
  optionTexts(options.options);
  const out: RadioGroupComponent = {
    type: 21,
    custom_id: options.id,
    options: [...options.options],
  };
  set(out, "required", options.required);
  return out;
}

/**
 * A checkbox group (modals only; 1-10 options).
 *
 * @param options Custom id, options, min/max (0-10, 1-10, `min` at most
 *   `max`, which is the option count when left out, `min` 0 only with
 *   `required: false`), required.
 * @returns The component.
 * @throws {RangeError} For 0 or more than 10 options, an option's text
 *   over 100 characters, or `min`/`max` out of range.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function checkboxGroup(
  options: {
    id: string;
    options: readonly ChoiceOption[];
    min?: number;
    max?: number;
    required?: boolean;
  },
): CheckboxGroupComponent {
  checkCustomId(options.id);
  count("options", options.options.length, 1, 10);
  optionTexts(options.options);
  minMax(options.min, options.max, 10, options.options.length);
  minWhenRequired("checkbox group", options.min, options.required);
  const out: CheckboxGroupComponent = {
    type: 22,
    custom_id: options.id,
    options: [...options.options],
  };
  set(out, "min_values", options.min);
  set(out, "max_values", options.max);
  set(out, "required", options.required);
  return out;
}

/**
 * One checkbox (modals only).
 *
 * @param options Custom id and default state.
 * @returns The component.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 */
export function checkbox(
  options: { id: string; default?: boolean },
): CheckboxComponent {
  checkCustomId(options.id);
  const out: CheckboxComponent = { type: 23, custom_id: options.id };
  set(out, "default", options.default);
  return out;
}

/** A modal, as the MODAL callback (type 9) sends it. */
export interface Modal {
  /** The modal's custom id (1-100 characters). */
  custom_id: string;
  /** The title (45 characters at most). */
  title: string;
  /** 1 to 5 components; never empty. */
  components: [ModalComponent, ...ModalComponent[]];
}

/** Options of {@linkcode modal}. */
export interface ModalOptions {
  /** The custom id (1-100 characters); the router matches submits by it. */
  id: string;
  /** The title (45 characters at most). */
  title: string;
  /** 1 to 5 labels, text displays or (deprecated) rows of a text input; never empty. */
  components: readonly [ModalComponent, ...ModalComponent[]];
}

/**
 * A modal to show with `ctx.showModal`.
 *
 * @param options Custom id, title and 1-5 components.
 * @returns The modal.
 * @throws {RangeError} For a bad title or component count, or an input
 *   (a select, say) with `min` 0 whose `required` is not `false`.
 * @throws {TypeError} When two inputs share a custom id, two components a
 *   non-zero `id`, an input sets `disabled` (Discord refuses disabled
 *   components in a modal), or a text input in a label has its own `label`.
 * @throws {RangeError} For a text input in a (deprecated) row without a
 *   1-45 character `label`.
 * @throws {TypeError} For a custom id with an unpaired surrogate.
 *
 * @example Usage
 * ```ts
 * import { label, modal, textInput } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const m = modal({
 *   id: "feedback",
 *   title: "Feedback",
 *   components: [label("Your thoughts", textInput({ id: "text", style: "paragraph" }))],
 * });
 * assert.equal(m.components[0]!.type, 18);
 * ```
 */
export function modal(options: ModalOptions): Modal {
  checkCustomId(options.id);
  limit("title", options.title, 45);
  if (options.title.length === 0) {
    throw new RangeError("Cannot build modal as its 'title' is empty");
  }
  count("components", options.components.length, 1, 5);
  modalComponents(options.components);
  return {
    custom_id: options.id,
    title: options.title,
    components: [...options.components],
  };
}

/**
 * A row holding one text input: the deprecated modal layout (prefer
 * {@linkcode label}). Discord requires the text input's own label here.
 *
 * @param input The text input.
 * @param options Its label (1-45 characters), which `textInput()` leaves
 *   out; it may instead be set on `input` already:
 *   `modalRow(textInput({ id: "name" }), { label: "Your name" })`.
 * @returns The row.
 * @throws {RangeError} When the text input ends up without a 1-45
 *   character label.
 */
export function modalRow(
  input: TextInputComponent,
  options: { label?: string } = {},
): ModalActionRow {
  const out = options.label === undefined
    ? input
    : { ...input, label: options.label };
  textInputLabel(out, "row");
  return { type: 1, components: [out] };
}

/**
 * Markdown text (Components v2 messages and modals).
 *
 * @param content The text.
 * @returns The component.
 */
export function textDisplay(content: string): TextDisplayComponent {
  return { type: 10, content };
}

/**
 * A small image beside a section's text.
 *
 * @param url A URL or `attachment://<name>`.
 * @param options Alt text and spoiler.
 * @returns The component.
 */
export function thumbnail(
  url: string,
  options: { description?: string; spoiler?: boolean } = {},
): ThumbnailComponent {
  limit("description", options.description, 1024);
  const out: ThumbnailComponent = { type: 11, media: { url } };
  set(out, "description", options.description);
  set(out, "spoiler", options.spoiler);
  return out;
}

/**
 * 1-3 texts with a button or thumbnail beside them.
 *
 * @param text One to three markdown texts.
 * @param accessory A button or thumbnail.
 * @returns The component.
 */
export function section(
  text: string | readonly string[],
  accessory: ButtonComponent | ThumbnailComponent,
): SectionComponent {
  const texts = typeof text === "string" ? [text] : text;
  count("components", texts.length, 1, 3);
  return { type: 9, components: texts.map(textDisplay), accessory };
}

/**
 * 1-10 images or videos.
 *
 * @param items URLs (or `attachment://` names) or full items (alt text
 *   1024 characters at most).
 * @returns The component.
 * @throws {RangeError} For 0 or more than 10 items, or longer alt text.
 */
export function mediaGallery(
  ...items: (string | MediaGalleryItem)[]
): MediaGalleryComponent {
  count("items", items.length, 1, 10);
  for (const item of items) {
    if (typeof item !== "string") {
      limit("items.description", item.description ?? undefined, 1024);
    }
  }
  return {
    type: 12,
    items: items.map((item) =>
      typeof item === "string" ? { media: { url: item } } : item
    ),
  };
}

/**
 * An attached file shown in the message.
 *
 * @param name The attachment's file name (becomes `attachment://<name>`).
 * @param options Spoiler.
 * @returns The component.
 */
export function file(
  name: string,
  options: { spoiler?: boolean } = {},
): FileComponent {
  const url = name.startsWith("attachment://") ? name : `attachment://${name}`;
  const out: FileComponent = { type: 13, file: { url } };
  set(out, "spoiler", options.spoiler);
  return out;
}

/**
 * Vertical padding, with a line unless `divider` is false.
 *
 * @param options Divider and spacing.
 * @returns The component.
 */
export function separator(
  options: { divider?: boolean; spacing?: "small" | "large" } = {},
): SeparatorComponent {
  const out: SeparatorComponent = { type: 14 };
  set(out, "divider", options.divider);
  if (options.spacing) out.spacing = options.spacing === "large" ? 2 : 1;
  return out;
}

/**
 * A box around components, with an optional accent colour.
 *
 * @param components What goes inside: action rows, sections, text
 *   displays, media galleries, files and separators (never a container).
 * @param options Accent colour (RGB) and spoiler.
 * @returns The component.
 * @throws {RangeError} For not 1-40 components (Discord refuses an empty
 *   container) or an accent colour that is not RGB.
 * @throws {TypeError} For a child Discord does not allow in a container.
 */
export function container(
  components: readonly ContainerChild[],
  options: { accentColor?: number; spoiler?: boolean } = {},
): ContainerComponent {
  rgb("container", options.accentColor);
  count("components", components.length, 1, 40);
  containerChildren(components);
  const out: ContainerComponent = { type: 17, components: [...components] };
  set(out, "accent_color", options.accentColor);
  set(out, "spoiler", options.spoiler);
  return out;
}

/**
 * Whether components need the IS_COMPONENTS_V2 flag (anything at the top
 * level that is not an action row).
 *
 * @param components A message's components.
 * @returns `true` when the flag is needed.
 */
export function needsComponentsV2(
  components: readonly MessageComponent[] | undefined,
): boolean {
  return components?.some((c) => c.type !== 1) ?? false;
}
