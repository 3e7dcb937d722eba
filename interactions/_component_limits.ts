/**
 * The checks of Discord's component limits the builders share (lengths,
 * counts, min/max choices, custom ids and numeric ids unique per message),
 * kept apart from the builders themselves. Private to the package (tested
 * through the builders in `tests/interactions/components_test.ts`).
 *
 * @module
 */

import { textLength } from "../base/text_length.ts";

/**
 * A text of at most `max` characters (absent is fine), counted in code
 * points as Discord counts them (an emoji is one).
 *
 * @param what The field, for the message.
 * @param text The text.
 * @param max The most characters.
 * @throws {RangeError} When it is longer, or not a string.
 */
export function limit(
  what: string,
  text: string | undefined,
  max: number,
): void {
  if (text === undefined) return;
  const length = typeof text === "string" ? textLength(text) : typeof text;
  if (typeof length !== "number" || length > max) {
    throw new RangeError(
      `Cannot build component as '${what}' must be at most ${max} characters: current length '${length}'`,
    );
  }
}

/**
 * An integer in `min`..`max` (absent is fine).
 *
 * @param what The field, for the message.
 * @param n The number.
 * @param min The least.
 * @param max The most.
 * @throws {RangeError} When it is not.
 */
export function between(
  what: string,
  n: number | undefined,
  min: number,
  max: number,
): void {
  if (n !== undefined && (!Number.isInteger(n) || n < min || n > max)) {
    throw new RangeError(
      `Cannot build component as '${what}' must be an integer in ${min}..${max}: current value '${n}'`,
    );
  }
}

/**
 * A count of items in `min`..`max`.
 *
 * @param what The field, for the message.
 * @param n The count.
 * @param min The fewest.
 * @param max The most.
 * @throws {RangeError} When it is not.
 */
export function count(
  what: string,
  n: number,
  min: number,
  max: number,
): void {
  if (n < min || n > max) {
    throw new RangeError(
      `Cannot build component as '${what}' must hold ${min}-${max} items: current count '${n}'`,
    );
  }
}

/**
 * Fewest and most choices (selects, file uploads, checkbox groups): each
 * in Discord's range (`min` 0 to `top`, `max` 1 to `top`) and `min` not
 * above `max`, or, when `max` is left out, not above the `max` Discord
 * takes then (`defaultMax`: 1 for selects and file uploads, the option
 * count for checkbox groups), which Discord refuses just the same.
 *
 * @param min The fewest choices.
 * @param max The most choices.
 * @param top The most Discord allows.
 * @param defaultMax Discord's `max` when it is left out.
 * @throws {RangeError} When they are not.
 */
export function minMax(
  min: number | undefined,
  max: number | undefined,
  top: number,
  defaultMax = 1,
): void {
  between("min", min, 0, top);
  between("max", max, 1, top);
  if (min === undefined) return;
  if (max !== undefined && min > max) {
    throw new RangeError(
      `Cannot build component as 'min' is above 'max': current values '${min}', '${max}'`,
    );
  }
  if (max === undefined && min > defaultMax) {
    throw new RangeError(
      `Cannot build component as 'min' is above 'max', which is ${defaultMax} when left out (set 'max' too): current value 'min=${min}'`,
    );
  }
}

/**
 * The labels, values and descriptions of options: 100 characters each.
 *
 * @param options The options.
 * @throws {RangeError} When one is longer.
 */
export function optionTexts(
  options: readonly {
    label: string;
    value: string;
    description?: string | undefined;
  }[],
): void {
  for (const option of options) {
    limit("options.label", option.label, 100);
    limit("options.value", option.value, 100);
    limit("options.description", option.description, 100);
  }
}

/** The fields a walk of components reads. */
interface ComponentFields {
  id?: unknown;
  custom_id?: unknown;
  components?: unknown;
  accessory?: unknown;
  component?: unknown;
}

/**
 * Visit each component of `items`, depth first, looking into rows,
 * sections' accessories, containers and (in a modal) labels' inputs; stop
 * when `visit` returns `true`.
 *
 * @returns Whether `visit` stopped the walk.
 */
function walkComponents(
  items: readonly unknown[],
  visit: (item: ComponentFields) => boolean | void,
  depth = 0,
): boolean {
  // Rows sit in containers at most: four levels hold every layout.
  if (depth > 4) return false;
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const fields = item as ComponentFields;
    if (visit(fields) === true) return true;
    const inner = [
      ...(Array.isArray(fields.components) ? fields.components : []),
      ...(fields.accessory === undefined ? [] : [fields.accessory]),
      ...(fields.component === undefined ? [] : [fields.component]),
    ];
    if (walkComponents(inner, visit, depth + 1)) return true;
  }
  return false;
}

/**
 * The first custom id that two components of `components` share, looking
 * into rows, sections' accessories and containers; `undefined` when all
 * differ. Discord refuses a message whose components share one (and a
 * click could not tell them apart).
 *
 * @param components A message's (or a row's) components.
 * @returns The repeated custom id, if any.
 */
export function repeatedCustomId(
  components: readonly unknown[],
): string | undefined {
  return firstRepeated(
    components,
    ({ custom_id: id }) => typeof id === "string" ? id : undefined,
  );
}

/**
 * The first numeric `id` that two components of `components` share, looking
 * where {@linkcode repeatedCustomId} looks (and into labels); `undefined`
 * when all differ. Discord's reference: "The `id` must be unique within the
 * message"; an `id` of 0 "will be treated as empty and replaced by the
 * API", so zeros may repeat.
 *
 * @param components A message's or a modal's components.
 * @returns The repeated id, if any.
 */
export function repeatedComponentId(
  components: readonly unknown[],
): number | undefined {
  return firstRepeated(
    components,
    ({ id }) => typeof id === "number" && id !== 0 ? id : undefined,
  );
}

/** The first value `read` gives two components of `components`. */
function firstRepeated<T>(
  components: readonly unknown[],
  read: (item: ComponentFields) => T | undefined,
): T | undefined {
  const seen = new Set<T>();
  let repeated: T | undefined;
  walkComponents(components, (item) => {
    const value = read(item);
    if (value === undefined) return false;
    if (seen.has(value)) {
      repeated = value;
      return true;
    }
    seen.add(value);
    return false;
  });
  return repeated;
}

/**
 * How many components `components` hold, nested ones included (rows'
 * children, sections' accessories, containers' children), as Discord
 * counts them for the 40 of a Components v2 message.
 *
 * @param components A message's components.
 * @returns The count.
 */
export function componentCount(components: readonly unknown[]): number {
  let count = 0;
  walkComponents(components, () => {
    count++;
  });
  return count;
}
