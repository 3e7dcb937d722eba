/**
 * The check of the modal `ctx.showModal` sends: the `modal()` builder's own
 * checks (custom id 1-100 characters, title 1-45, 1-5 components, the
 * inputs' rules, no custom id or numeric id twice), run on a modal written
 * as a literal too. Over the HTTP interactions endpoint the modal is the
 * 200 answer, so one Discord refuses would only show as "This interaction
 * failed" while `showModal` resolved and `onError` heard nothing. Private
 * to the package.
 *
 * @module
 */
import { type Modal, modal as buildModal } from "./components.ts";
import { InteractionError } from "./errors.ts";

/**
 * Check a modal as {@linkcode buildModal} checks its options (a modal it
 * built passes again: the same checks over at most 5 components).
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
  } catch (error) {
    throw new InteractionError(
      "invalid_response",
      `Cannot show modal, which Discord would refuse (nothing was sent): ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
}
