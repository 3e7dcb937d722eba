/**
 * The checks of Discord's component rules that tie one field to another or
 * restrict what a list may hold (a `min` of 0 only when not required, no
 * `disabled` input in a modal, a text input's own label by where it sits,
 * default values within `min`..`max`, file and channel types, a
 * container's children), kept apart from the builders and from the plain
 * limits of `_component_limits.ts`. Private to the package (tested
 * through the builders in `tests/interactions/component_rules_test.ts`).
 *
 * @module
 */
import { shown } from "../base/option_checks.ts";
import { textLength } from "../base/text_length.ts";
import type { ModalComponent } from "../types/objects/component.ts";
import type { ChannelType } from "../types/objects/channel.ts";
import { count, repeatedComponentId } from "./_component_limits.ts";
import { checkChannelTypes, isFileType } from "./_command_rules.ts";

/**
 * A `min` of 0 only with `required: false`: Discord's reference says
 * "`min_values` must be either omitted or at least `1` if `required` is
 * omitted or `true`".
 *
 * @param what The component, for the message ("file upload").
 * @param min The fewest choices.
 * @param required Whether an answer is required (`true` when absent).
 * @throws {RangeError} When `min` is 0 and `required` is not `false`.
 */
export function minWhenRequired(
  what: string,
  min: number | undefined,
  required: boolean | undefined,
): void {
  if (min === 0 && required !== false) {
    throw new RangeError(
      `Cannot build ${what} as 'min' must be at least 1 unless 'required' is false: current value '${min}'`,
    );
  }
}

/**
 * One input of a modal (a label's component, or a row's): Discord's
 * reference says "Using `disabled` in a modal will result in an error.
 * Modals can not currently have disabled components in them", and, for
 * selects (as for file uploads and checkbox groups), "`min_values` must be
 * either omitted or at least `1` if `required` is omitted or `true`"; a
 * text input's own `label` as {@linkcode textInputLabel} checks it.
 *
 * @param input The input.
 * @param where Whether it sits in a label or a (deprecated) action row.
 * @throws {TypeError} When it sets `disabled`, or is a text input with a
 *   `label` inside a label.
 * @throws {RangeError} When its `min_values` is 0 and its `required` is not
 *   `false`, or it is a text input in a row without a 1-45 character
 *   `label`.
 */
function modalInput(input: unknown, where: "label" | "row"): void {
  if (typeof input !== "object" || input === null) return;
  const fields = input as {
    custom_id?: unknown;
    disabled?: unknown;
    min_values?: unknown;
    required?: unknown;
  };
  const id = shown(fields.custom_id).slice(0, 100);
  if (fields.disabled !== undefined) {
    throw new TypeError(
      `Cannot build modal as 'disabled' must be left out of its input '${id}' (Discord refuses disabled components in a modal): current value 'disabled=${
        shown(fields.disabled)
      }'`,
    );
  }
  minWhenRequired(
    `modal input '${id}'`,
    fields.min_values as number | undefined,
    fields.required as boolean | undefined,
  );
  textInputLabel(input, where);
}

/**
 * A text input's own `label`, by where the input sits. Inside a Label
 * component Discord refuses it (change log, 2025-08-25: "When a Text Input
 * is used in a Label component the `label` field on the Text Input is not
 * allowed"); in the deprecated action-row layout, where nothing else names
 * the input, Discord requires it, 1-45 characters. Either way the modal
 * would fail when shown ("This interaction failed"). Other inputs pass.
 *
 * @param input The input.
 * @param where Whether it sits in a label or a (deprecated) action row.
 * @throws {TypeError} For a text input with a `label` inside a label.
 * @throws {RangeError} For a text input in a row without a 1-45 character
 *   `label`.
 */
export function textInputLabel(input: unknown, where: "label" | "row"): void {
  if (typeof input !== "object" || input === null) return;
  const fields = input as {
    type?: unknown;
    custom_id?: unknown;
    label?: unknown;
  };
  if (fields.type !== 4) return;
  const id = shown(fields.custom_id).slice(0, 100);
  const text = fields.label;
  if (where === "label") {
    if (text === undefined) return;
    throw new TypeError(
      `Cannot build label as its text input '${id}' has a 'label' of its own, which Discord refuses inside a label component: leave it out (the label component's text names the input): current value 'label=${
        shown(text).slice(0, 100)
      }'`,
    );
  }
  const length = typeof text === "string" ? textLength(text) : undefined;
  if (length === undefined || length < 1 || length > 45) {
    throw new RangeError(
      `Cannot build modal row as its text input '${id}' needs a 'label' of 1-45 characters, which Discord requires in the action-row layout: pass it as modalRow(textInput({ ... }), { label: "..." }), or use label("...", textInput({ ... })) instead: current ${
        length === undefined
          ? `value 'label=${shown(text)}'`
          : `length '${length}'`
      }`,
    );
  }
}

/**
 * A modal's components: each input (a label's, or a deprecated row's) as
 * {@linkcode modalInput} checks it, no custom id twice (Discord refuses it,
 * and the submit could not tell the inputs apart), and no numeric `id`
 * twice but 0 (Discord: "The `id` must be unique").
 *
 * @param components The modal's components.
 * @throws {TypeError} For a repeated custom id or id, or as
 *   {@linkcode modalInput}.
 * @throws {RangeError} As {@linkcode modalInput}.
 */
export function modalComponents(components: readonly ModalComponent[]): void {
  const ids = new Set<string>();
  for (const component of components) {
    const inputs = component.type === 18
      ? [component.component]
      : component.type === 1
      ? component.components
      : [];
    for (const input of inputs) {
      modalInput(input, component.type === 18 ? "label" : "row");
      const id = (input as { custom_id?: string }).custom_id;
      if (id === undefined) continue;
      if (ids.has(id)) {
        throw new TypeError(
          `Cannot build modal as two of its inputs have the custom id '${id}'`,
        );
      }
      ids.add(id);
    }
  }
  const repeated = repeatedComponentId(components);
  if (repeated !== undefined) {
    throw new TypeError(
      `Cannot build modal as two of its components have the id ${repeated}: Discord wants a component's 'id' unique (0 aside, which Discord replaces)`,
    );
  }
}

/**
 * A select's default values, as many as `min`..`max` allow (each 1 when
 * absent): "number of default values must be in the range defined by
 * `min_values` and `max_values`". An empty list counts as none.
 *
 * @param defaults How many default values.
 * @param min The fewest choices (1 when absent).
 * @param max The most choices (1 when absent).
 * @throws {RangeError} When the count is outside `min`..`max`.
 */
export function defaultCount(
  defaults: number,
  min: number | undefined,
  max: number | undefined,
): void {
  const least = min ?? 1;
  const most = max ?? 1;
  if (defaults > 0 && (defaults < least || defaults > most)) {
    throw new RangeError(
      `Cannot build select as 'defaults' must hold between 'min' and 'max' items (${least}..${most}): current count '${defaults}'`,
    );
  }
}

/**
 * A file upload's file types: at most 10, each "one of the group names"
 * (`image`, `video`, `audio`) "or a dot-prefixed file extension", by the
 * rule attachment options follow ({@linkcode isFileType}).
 *
 * @param types The file types (`undefined`: none).
 * @returns A copy to send, or `undefined`.
 * @throws {RangeError} For more than 10, or one that is neither.
 */
export function fileTypes(
  types: readonly string[] | undefined,
): string[] | undefined {
  if (types === undefined) return undefined;
  count("fileTypes", types.length, 0, 10);
  for (const type of types) {
    if (!isFileType(type)) {
      throw new RangeError(
        `Cannot build file upload as 'fileTypes' entries must be 'image', 'video', 'audio' or a dot-prefixed extension: current value '${type}'`,
      );
    }
  }
  return [...types];
}

/**
 * A channel select's channel types, checked as a channel option's are
 * (documented `ChannelType` values only).
 *
 * @param types The channel types (`undefined`: any).
 * @returns A copy to send, or `undefined`.
 * @throws {TypeError} When it is not an array.
 * @throws {RangeError} For an entry that is not a `ChannelType` value.
 */
export function channelTypes(
  types: readonly ChannelType[] | undefined,
): ChannelType[] | undefined {
  checkChannelTypes(types, "channel select");
  return types ? [...types] : undefined;
}

/**
 * The component types a container may hold, as Discord's reference lists
 * them: action row, section, text display, media gallery, file, separator.
 */
const CONTAINER_CHILDREN: ReadonlySet<unknown> = new Set([
  1,
  9,
  10,
  12,
  13,
  14,
]);

/**
 * A container's children, each of a type Discord allows in one (never
 * another container; the types say so too, this catches casts and
 * plain JavaScript).
 *
 * @param components The children.
 * @throws {TypeError} For a child of another type.
 */
export function containerChildren(components: readonly unknown[]): void {
  for (const child of components) {
    const type = typeof child === "object" && child !== null
      ? (child as { type?: unknown }).type
      : typeof child;
    if (!CONTAINER_CHILDREN.has(type)) {
      throw new TypeError(
        `Cannot build container as 'components' may not hold a component of type ${
          String(type)
        }: Discord allows action rows, sections, text displays, media galleries, files and separators`,
      );
    }
  }
}
