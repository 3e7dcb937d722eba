/**
 * Builders for modals and their inputs: the modal itself, labels, text
 * inputs, file uploads, radio and checkbox groups, single checkboxes and
 * the deprecated one-text-input row. Each returns the typed wire object
 * from `types/`, checks Discord's limits at run time, and the types catch
 * the rest at compile time (an empty modal, say). Select menus, which
 * modals take inside a label too, are in `components.ts`.
 *
 * @module
 */
import type {
  CheckboxComponent,
  CheckboxGroupComponent,
  ChoiceOption,
  FileUploadComponent,
  LabelChild,
  LabelComponent,
  ModalActionRow,
  ModalComponent,
  RadioGroupComponent,
  TextInputComponent,
} from "../types/objects/component.ts";
import {
  between,
  count,
  limit,
  minMax,
  optionTexts,
} from "./_component_limits.ts";
import {
  fileTypes,
  minWhenRequired,
  modalComponents,
  textInputLabel,
} from "./_component_rules.ts";
import { checkCustomId } from "./custom_id.ts";
import { setDefined } from "./_set_defined.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { enumValue, type OptionsOf } from "./_builder_keys.ts";

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

/** Keys of `textInput`'s options. */
const TEXT_INPUT_KEYS: readonly string[] = optionKeys(
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

/**
 * A text input, to wrap in a {@linkcode label} inside a modal.
 *
 * @param options Custom id, style, lengths, value, placeholder.
 * @returns The text input.
 * @throws {TypeError} For a custom id with an unpaired surrogate, a key
 *   that is not one of the options or a `style` that is not a style name.
 *
 * @example Usage
 * ```ts
 * import { textInput } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(textInput({ id: "name", maxLength: 32 }), {
 *   type: 4,
 *   custom_id: "name",
 *   style: 1,
 *   max_length: 32,
 * });
 * ```
 */
export function textInput(options: TextInputOptions): TextInputComponent {
  checkOptionKeys("build text input", "", options, TEXT_INPUT_KEYS);
  const style = enumValue(
    "build text input",
    "style",
    options.style,
    {
      short: 1,
      paragraph: 2,
    } as const,
  );
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
    style: style ?? 1,
  };
  setDefined(out, "min_length", options.minLength);
  setDefined(out, "max_length", options.maxLength);
  setDefined(out, "required", options.required);
  setDefined(out, "value", options.value);
  setDefined(out, "placeholder", options.placeholder);
  return out;
}

/** Keys of `label`'s options. */
const LABEL_KEYS: readonly string[] = optionKeys(
  { description: true } satisfies Record<
    keyof OptionsOf<typeof label, 2>,
    true
  >,
);

/**
 * A label (45 characters) and description (100) around one modal input.
 *
 * @param text The label.
 * @param component The input (a text input without a `label` of its own:
 *   Discord refuses one inside a label).
 * @param options The description.
 * @returns The label component.
 * @throws {RangeError} For an empty or longer label or description.
 * @throws {TypeError} For a text input with its own `label`, or a key
 *   that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { label, textInput } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const l = label("Your name", textInput({ id: "name" }), { description: "As shown" });
 * assert.equal(l.type, 18);
 * assert.equal(l.label, "Your name");
 * assert.equal(l.description, "As shown");
 * assert.equal(l.component.type, 4);
 * ```
 */
export function label(
  text: string,
  component: LabelChild,
  options: { description?: string } = {},
): LabelComponent {
  checkOptionKeys("build label", "", options, LABEL_KEYS);
  limit("label", text, 45);
  limit("description", options.description, 100);
  if (text.length === 0) {
    throw new RangeError("Cannot build label as it is empty");
  }
  textInputLabel(component, "label");
  const out: LabelComponent = { type: 18, label: text, component };
  setDefined(out, "description", options.description);
  return out;
}

/** Keys of `fileUpload`'s options. */
const FILE_UPLOAD_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    min: true,
    max: true,
    required: true,
    fileTypes: true,
  } satisfies Record<keyof OptionsOf<typeof fileUpload, 0>, true>,
);

/**
 * A file upload field (modals only; wrap it in a label).
 *
 * @param options Custom id, min/max files (0-10, 1-10, `min` at most
 *   `max`, which is 1 when left out, `min` 0 only with `required: false`),
 *   required, up to 10 file types (`image`, `video`, `audio` or a
 *   dot-prefixed extension).
 * @returns The component.
 * @throws {RangeError} For `min` or `max` out of range, or bad file types.
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a key
 *   that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { fileUpload } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const f = fileUpload({ id: "proof", max: 3, fileTypes: ["image", ".pdf"] });
 * assert.equal(f.type, 19);
 * assert.equal(f.max_values, 3);
 * assert.deepEqual(f.file_types, ["image", ".pdf"]);
 * ```
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
  checkOptionKeys("build file upload", "", options, FILE_UPLOAD_KEYS);
  checkCustomId(options.id);
  minMax(options.min, options.max, 10);
  minWhenRequired("file upload", options.min, options.required);
  const out: FileUploadComponent = { type: 19, custom_id: options.id };
  setDefined(out, "min_values", options.min);
  setDefined(out, "max_values", options.max);
  setDefined(out, "required", options.required);
  setDefined(out, "file_types", fileTypes(options.fileTypes));
  return out;
}

/** Keys of `radioGroup`'s options. */
const RADIO_GROUP_KEYS: readonly string[] = optionKeys(
  { id: true, options: true, required: true } satisfies Record<
    keyof OptionsOf<typeof radioGroup, 0>,
    true
  >,
);

/**
 * A single-choice radio group (modals only; 2-10 options).
 *
 * @param options Custom id, options, required.
 * @returns The component.
 * @throws {RangeError} For fewer than 2 or more than 10 options, or an
 *   option's label, value or description over 100 characters.
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a key
 *   that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { radioGroup } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const r = radioGroup({
 *   id: "size",
 *   options: [{ label: "Small", value: "s" }, { label: "Large", value: "l" }],
 * });
 * assert.equal(r.type, 21);
 * assert.deepEqual(r.options.map((o) => o.value), ["s", "l"]);
 * ```
 */
export function radioGroup(
  options: { id: string; options: readonly ChoiceOption[]; required?: boolean },
): RadioGroupComponent {
  checkOptionKeys("build radio group", "", options, RADIO_GROUP_KEYS);
  checkCustomId(options.id);
  count("options", options.options.length, 2, 10);
  optionTexts(options.options);
  const out: RadioGroupComponent = {
    type: 21,
    custom_id: options.id,
    options: [...options.options],
  };
  setDefined(out, "required", options.required);
  return out;
}

/** Keys of `checkboxGroup`'s options. */
const CHECKBOX_GROUP_KEYS: readonly string[] = optionKeys(
  {
    id: true,
    options: true,
    min: true,
    max: true,
    required: true,
  } satisfies Record<keyof OptionsOf<typeof checkboxGroup, 0>, true>,
);

/**
 * A checkbox group (modals only; 1-10 options).
 *
 * @param options Custom id, options, min/max (0-10, 1-10, `min` at most
 *   `max`, which is the option count when left out, `min` 0 only with
 *   `required: false`), required.
 * @returns The component.
 * @throws {RangeError} For 0 or more than 10 options, an option's text
 *   over 100 characters, or `min`/`max` out of range.
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a key
 *   that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { checkboxGroup } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const g = checkboxGroup({
 *   id: "toppings",
 *   options: [{ label: "Cheese", value: "cheese" }, { label: "Olives", value: "olives" }],
 *   min: 0,
 *   required: false,
 * });
 * assert.equal(g.type, 22);
 * assert.equal(g.min_values, 0);
 * assert.equal(g.required, false);
 * ```
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
  checkOptionKeys("build checkbox group", "", options, CHECKBOX_GROUP_KEYS);
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
  setDefined(out, "min_values", options.min);
  setDefined(out, "max_values", options.max);
  setDefined(out, "required", options.required);
  return out;
}

/** Keys of `checkbox`'s options. */
const CHECKBOX_KEYS: readonly string[] = optionKeys(
  { id: true, default: true } satisfies Record<
    keyof OptionsOf<typeof checkbox, 0>,
    true
  >,
);

/**
 * One checkbox (modals only).
 *
 * @param options Custom id and default state.
 * @returns The component.
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a key
 *   that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { checkbox } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkbox({ id: "agree", default: true }), {
 *   type: 23,
 *   custom_id: "agree",
 *   default: true,
 * });
 * ```
 */
export function checkbox(
  options: { id: string; default?: boolean },
): CheckboxComponent {
  checkOptionKeys("build checkbox", "", options, CHECKBOX_KEYS);
  checkCustomId(options.id);
  const out: CheckboxComponent = { type: 23, custom_id: options.id };
  setDefined(out, "default", options.default);
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

/** Keys of `modal`'s options. */
const MODAL_KEYS: readonly string[] = optionKeys(
  { id: true, title: true, components: true } satisfies Record<
    keyof ModalOptions,
    true
  >,
);

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
 * @throws {TypeError} For a custom id with an unpaired surrogate, or a key
 *   that is not one of the options.
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
  checkOptionKeys("build modal", "", options, MODAL_KEYS);
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

/** Keys of `modalRow`'s options. */
const MODAL_ROW_KEYS: readonly string[] = optionKeys(
  { label: true } satisfies Record<keyof OptionsOf<typeof modalRow, 1>, true>,
);

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
 * @throws {TypeError} For a key that is not one of the options.
 *
 * @example Usage
 * ```ts
 * import { modalRow, textInput } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const r = modalRow(textInput({ id: "name" }), { label: "Your name" });
 * assert.equal(r.type, 1);
 * assert.equal(r.components[0].type, 4);
 * assert.equal(r.components[0].label, "Your name");
 * ```
 */
export function modalRow(
  input: TextInputComponent,
  options: { label?: string } = {},
): ModalActionRow {
  checkOptionKeys("build modal row", "", options, MODAL_ROW_KEYS);
  const out = options.label === undefined
    ? input
    : { ...input, label: options.label };
  textInputLabel(out, "row");
  return { type: 1, components: [out] };
}
