/**
 * The check of the modal `ctx.showModal` sends: the `modal()` builder's own
 * checks (custom id 1-100 characters, title 1-45, 1-5 components, the
 * inputs' rules, no custom id or numeric id twice), run on a modal written
 * as a literal too, and each of its labels and inputs rebuilt through its
 * own builder (`label()`, `textInput()`, the selects, `fileUpload()` and
 * the rest), so that a literal meets every rule a built modal meets. Over
 * the HTTP interactions endpoint the modal is the 200 answer, so one
 * Discord refuses would only show as "This interaction failed" while
 * `showModal` resolved and `onError` heard nothing. Private to the package.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import type { LabelChild } from "../types/objects/component.ts";
import {
  channelSelect,
  mentionableSelect,
  roleSelect,
  stringSelect,
  userSelect,
} from "./components.ts";
import {
  checkbox,
  checkboxGroup,
  fileUpload,
  label,
  type Modal,
  modal as buildModal,
  radioGroup,
  textInput,
} from "./modal_components.ts";
import { InteractionError } from "./errors.ts";

/** A literal's field names, by the builder option each one comes from. */
const OPTION_NAMES: Readonly<Record<string, string>> = {
  custom_id: "id",
  min_length: "minLength",
  max_length: "maxLength",
  min_values: "min",
  max_values: "max",
  default_values: "defaults",
  channel_types: "channelTypes",
  file_types: "fileTypes",
  placeholder: "placeholder",
  required: "required",
  value: "value",
  options: "options",
  default: "default",
};

/** The input types whose builder takes `options` (a list of choices). */
const WITH_OPTIONS: ReadonlySet<unknown> = new Set([3, 21, 22]);

/**
 * The builder options a literal input was built from, as far as its
 * fields tell: only fields it sets (the builders treat a missing option
 * as Discord's default), `options` absent as none (which the builders
 * refuse with their own message) where the builder takes `options` (the
 * others refuse a key they do not take).
 */
function optionsOf(input: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = WITH_OPTIONS.has(input.type)
    ? { options: [] }
    : {};
  for (const [field, name] of Object.entries(OPTION_NAMES)) {
    // `null` (a literal's "none") as unset: the builders take no null.
    if (input[field] != null) options[name] = input[field];
  }
  if (input.style === 2) options.style = "paragraph";
  return options;
}

/** A builder called with options read from a literal's fields. */
function rebuild<O>(
  builder: (options: O) => unknown,
): (options: Record<string, unknown>) => unknown {
  return (options) => builder(options as O);
}

/**
 * Each modal input type's builder: it throws what it would refuse; what
 * it returns is dropped, as the literal is sent as given.
 */
const BUILDERS: Readonly<
  Record<number, (options: Record<string, unknown>) => unknown>
> = {
  3: rebuild(stringSelect),
  4: rebuild(textInput),
  5: rebuild(userSelect),
  6: rebuild(roleSelect),
  7: rebuild(mentionableSelect),
  8: rebuild(channelSelect),
  19: rebuild(fileUpload),
  21: rebuild(radioGroup),
  22: rebuild(checkboxGroup),
  23: rebuild(checkbox),
};

/** Rebuild one input (a label's or a row's) if its type has a builder. */
function checkInput(input: unknown): void {
  if (typeof input !== "object" || input === null) return;
  const fields = input as Record<string, unknown>;
  BUILDERS[fields.type as number]?.(optionsOf(fields));
}

/**
 * Each component of a modal through its builder: a label as `label()`
 * checks it, and its input (or a deprecated row's inputs) as that input's
 * builder does. Text displays have no rules of their own.
 */
function checkChildren(components: readonly unknown[]): void {
  for (const component of components) {
    if (typeof component !== "object" || component === null) continue;
    const fields = component as {
      type?: unknown;
      label: string;
      description?: string;
      component?: unknown;
      components?: unknown;
    };
    if (fields.type === 18) {
      label(
        fields.label,
        fields.component as LabelChild,
        fields.description == null ? {} : { description: fields.description },
      );
      checkInput(fields.component);
    } else if (fields.type === 1 && Array.isArray(fields.components)) {
      for (const input of fields.components) checkInput(input);
    }
  }
}

/**
 * Check a modal as {@linkcode buildModal} checks its options and as each
 * child's builder checks its own (a modal it built passes again: the same
 * checks over at most 5 components).
 *
 * @param modal The modal to show.
 * @throws {InteractionError} `invalid_response` for a modal Discord would
 *   refuse (the builder's error is its cause).
 */
export function checkModal(modal: Modal): void {
  try {
    // Reads inside the try: a modal from plain JavaScript may be anything.
    buildModal({
      id: modal.custom_id,
      title: modal.title,
      components: modal.components,
    });
    checkChildren(modal.components);
  } catch (error) {
    throw new InteractionError(
      "invalid_response",
      `Cannot show modal, which Discord would refuse (nothing was sent): ${
        errorText(error)
      }`,
      { cause: error },
    );
  }
}
