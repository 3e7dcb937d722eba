/**
 * The per-field rules of each kind of component (buttons, selects, text
 * inputs, file uploads, radio and checkbox groups, media), as the docs'
 * structure tables state them, for the fake's component checks. Where a
 * component sits and what it holds is `_component_checks.ts`'s part.
 * Private to the test kit.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";
import { LIMITS } from "./_component_table.ts";
import {
  asObject,
  badLength,
  fieldError,
  notAllowed,
  outOfRange,
  put,
  required,
  tooLong,
  type Tree,
} from "./_form_errors.ts";

/** Whether the component sits in a modal, and inside a label there. */
export interface FieldContext {
  /** In a modal (not a message). */
  modal: boolean;
  /** Directly inside a label (modals only). */
  inLabel: boolean;
}

/** A string field of at most `max` characters, when present. */
function maxText(tree: Tree, c: Tree, key: string, max: number): void {
  const value = c[key];
  if (value === undefined || value === null) return;
  if (typeof value !== "string") put(tree, key, required());
  else if (textLength(value) > max) put(tree, key, tooLong(max));
}

/** An integer field within `min`..`max`, when present. */
function intIn(
  tree: Tree,
  c: Tree,
  key: string,
  min: number,
  max: number,
): void {
  const value = c[key];
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    put(tree, key, fieldError("NUMBER_TYPE_COERCE", "Value is not int."));
  } else if (value < min || value > max) put(tree, key, outOfRange(min, max));
}

/**
 * `min_values`/`max_values` (defaults 1 and 1, or the given ones), their
 * order, and the modal rule "`min_values` must be either omitted or at
 * least 1 if `required` is omitted or `true`".
 */
function valueCounts(
  tree: Tree,
  c: Tree,
  max: number,
  context: FieldContext,
  defaultMax = 1,
): { min: number; max: number } {
  intIn(tree, c, "min_values", 0, max);
  intIn(tree, c, "max_values", 1, max);
  const low = typeof c.min_values === "number" ? c.min_values : 1;
  const high = typeof c.max_values === "number" ? c.max_values : defaultMax;
  if (tree.min_values === undefined && low > high) {
    put(
      tree,
      "min_values",
      fieldError(
        "SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX_VALUES",
        "min_values must be less than or equal to max_values",
      ),
    );
  }
  if (context.modal && c.min_values === 0 && c.required !== false) {
    put(
      tree,
      "min_values",
      notAllowed("min_values must be at least 1 while the field is required"),
    );
  }
  return { min: low, max: high };
}

/** A list of `{ label, value, description? }` options. */
function options(tree: Tree, c: Tree, min: number, max: number): number {
  const list = c.options;
  if (!Array.isArray(list)) {
    put(tree, "options", required());
    return 0;
  }
  if (list.length < min || list.length > max) {
    put(tree, "options", badLength(min, max));
    return list.length;
  }
  const inner: Tree = {};
  list.forEach((option, index) => {
    const o = asObject(option);
    const node: Tree = {};
    for (const key of ["label", "value"]) {
      if (typeof o[key] !== "string") put(node, key, required());
    }
    for (const key of ["label", "value", "description"]) {
      maxText(node, o, key, LIMITS.optionText);
    }
    put(inner, String(index), node);
  });
  put(tree, "options", inner);
  return list.length;
}

/** A button: what each style must and must not carry. */
export function buttonFields(tree: Tree, c: Tree): void {
  const style = c.style;
  const forbid = (key: string, why: string): void => {
    if (c[key] !== undefined) put(tree, key, notAllowed(why));
  };
  if (typeof style !== "number") put(tree, "style", required());
  else if (style >= 1 && style <= 4) {
    forbid("url", "Non-link buttons cannot have a url");
    forbid("sku_id", "Only premium buttons can have a sku_id");
  } else if (style === 5) {
    if (typeof c.url !== "string") put(tree, "url", required());
    forbid("custom_id", "Link buttons cannot have a custom_id");
    forbid("sku_id", "Only premium buttons can have a sku_id");
  } else if (style === 6) {
    if (typeof c.sku_id !== "string") put(tree, "sku_id", required());
    for (const key of ["custom_id", "label", "url", "emoji"]) {
      forbid(key, `Premium buttons cannot have a ${key}`);
    }
  } else {
    put(
      tree,
      "style",
      fieldError(
        "BASE_TYPE_CHOICES",
        "Value must be one of {1, 2, 3, 4, 5, 6}.",
      ),
    );
  }
  maxText(tree, c, "label", LIMITS.buttonLabel);
  maxText(tree, c, "url", LIMITS.buttonUrl);
  if (
    style !== 6 && tree.label === undefined && c.label === undefined &&
    c.emoji === undefined
  ) {
    put(tree, "label", required());
  }
}

/** A select menu of any of the five kinds. */
export function selectFields(tree: Tree, c: Tree, context: FieldContext): void {
  maxText(tree, c, "placeholder", LIMITS.selectPlaceholder);
  if (context.modal && c.disabled === true) {
    put(tree, "disabled", notAllowed("Modals cannot have disabled components"));
  }
  const counts = valueCounts(tree, c, LIMITS.selectValues, context);
  if (c.type === 3) {
    const count = options(tree, c, 1, LIMITS.selectOptions);
    if (tree.options === undefined && tree.max_values === undefined) {
      if (counts.max > count) {
        put(
          tree,
          "max_values",
          fieldError(
            "BASE_TYPE_MAX_VALUE",
            `max_values must be ${count} or fewer (the number of options)`,
          ),
        );
      }
    }
    return;
  }
  // "number of default values must be in the range defined by
  // `min_values` and `max_values`".
  const defaults = c.default_values;
  if (
    Array.isArray(defaults) && defaults.length > 0 &&
    (defaults.length < counts.min || defaults.length > counts.max)
  ) {
    put(tree, "default_values", badLength(counts.min, counts.max));
  }
  if (Array.isArray(defaults)) defaultKinds(tree, c.type as number, defaults);
}

/** The default kinds each auto select lists, by component type. */
const DEFAULT_KINDS: Readonly<Record<number, readonly string[]>> = {
  5: ["user"],
  6: ["role"],
  7: ["user", "role"],
  8: ["channel"],
};

/**
 * Each default value of a kind the select lists: Discord refuses, say, a
 * channel default in a user select (discord-api-types PR #824).
 */
function defaultKinds(tree: Tree, type: number, defaults: unknown[]): void {
  const kinds = DEFAULT_KINDS[type] ?? [];
  const errors: Tree = {};
  defaults.forEach((d, i) => {
    if (!kinds.includes(asObject(d).type as string)) {
      const choices = kinds.map((k) => `'${k}'`).join(", ");
      put(errors, String(i), {
        type: fieldError(
          "BASE_TYPE_CHOICES",
          `Value must be one of {${choices}}.`,
        ),
      });
    }
  });
  put(tree, "default_values", errors);
}

/** A text input (modals only). */
export function textInputFields(
  tree: Tree,
  c: Tree,
  context: FieldContext,
): void {
  if (c.style !== 1 && c.style !== 2) put(tree, "style", required());
  intIn(tree, c, "min_length", 0, LIMITS.textInputLength);
  intIn(tree, c, "max_length", 1, LIMITS.textInputLength);
  maxText(tree, c, "value", LIMITS.textInputLength);
  maxText(tree, c, "placeholder", LIMITS.textInputPlaceholder);
  if (context.inLabel) {
    // Changelog 2025-08-25: "When a Text Input is used in a Label
    // component the `label` field on the Text Input is not allowed".
    if (c.label !== undefined) {
      put(tree, "label", notAllowed("A text input in a label has no label"));
    }
  } else if (typeof c.label !== "string") {
    // The deprecated row layout has nowhere else to put the label.
    put(tree, "label", required());
  } else maxText(tree, c, "label", LIMITS.labelText);
}

/** A file upload (modals only). */
export function fileUploadFields(
  tree: Tree,
  c: Tree,
  context: FieldContext,
): void {
  valueCounts(tree, c, LIMITS.fileUploadValues, context);
  if (Array.isArray(c.file_types) && c.file_types.length > 10) {
    put(tree, "file_types", tooLong(LIMITS.fileUploadValues));
  }
}

/** A radio group (modals only). */
export function radioGroupFields(tree: Tree, c: Tree): void {
  options(tree, c, ...LIMITS.radioOptions);
}

/** A checkbox group (modals only). */
export function checkboxGroupFields(
  tree: Tree,
  c: Tree,
  context: FieldContext,
): void {
  const count = options(tree, c, ...LIMITS.checkboxOptions);
  valueCounts(tree, c, LIMITS.checkboxOptions[1], context, count);
}

/** An unfurled media item under `key` (thumbnail, gallery item). */
export function mediaFields(tree: Tree, c: Tree, key: string): void {
  if (typeof asObject(c[key]).url !== "string") put(tree, key, required());
  maxText(tree, c, "description", LIMITS.mediaDescription);
}

/** A separator's spacing ("`1` for small padding, `2` for large"). */
export function separatorFields(tree: Tree, c: Tree): void {
  if (c.spacing !== undefined && c.spacing !== 1 && c.spacing !== 2) {
    put(
      tree,
      "spacing",
      fieldError("BASE_TYPE_CHOICES", "Value must be one of {1, 2}."),
    );
  }
}

/** A container's accent colour ("RGB from 0x000000 to 0xFFFFFF"). */
export function accentFields(tree: Tree, c: Tree): void {
  if (c.accent_color !== null) {
    intIn(tree, c, "accent_color", 0, LIMITS.accentColor);
  }
}

/** A label's own text and description (modals only). */
export function labelFields(tree: Tree, c: Tree): void {
  if (typeof c.label !== "string") put(tree, "label", required());
  else maxText(tree, c, "label", LIMITS.labelText);
  maxText(tree, c, "description", LIMITS.labelDescription);
}
