/**
 * The checks of Discord's component rules that tie one field to another or
 * restrict what a list may hold (a `min` of 0 only when not required, no
 * `disabled` input in a modal, default values within `min`..`max`, file
 * types, a container's children), kept apart from the builders and from the
 * plain limits of `_component_limits.ts`. Private to the package (tested
 * through the builders in `tests/interactions/component_rules_test.ts`).
 *
 * @module
 */
import { shown } from "../base/option_checks.ts";
import { count } from "./_component_limits.ts";

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
 * either omitted or at least `1` if `required` is omitted or `true`".
 *
 * @param input The input.
 * @throws {TypeError} When it sets `disabled`.
 * @throws {RangeError} When its `min_values` is 0 and its `required` is not
 *   `false`.
 */
export function modalInput(input: unknown): void {
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

const FILE_GROUPS: ReadonlySet<string> = new Set(["image", "video", "audio"]);

/**
 * A file upload's file types: at most 10, each "one of the group names"
 * (`image`, `video`, `audio`) "or a dot-prefixed file extension".
 *
 * @param types The file types.
 * @throws {RangeError} For more than 10, or one that is neither.
 */
export function fileTypes(types: readonly string[]): void {
  count("fileTypes", types.length, 0, 10);
  for (const type of types) {
    if (
      typeof type !== "string" ||
      !(FILE_GROUPS.has(type) || /^\.\S+$/.test(type))
    ) {
      throw new RangeError(
        `Cannot build file upload as 'fileTypes' entries must be 'image', 'video', 'audio' or a dot-prefixed extension: current value '${type}'`,
      );
    }
  }
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
