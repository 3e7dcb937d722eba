/**
 * What a 404 `10062 Unknown interaction` on an initial response means,
 * said as an {@linkcode InteractionError}. Private to the package.
 *
 * @module
 */
import { isUnknownInteraction } from "../rest/errors.ts";
import { InteractionError } from "./errors.ts";

/**
 * The `token_expired` error for an initial response Discord refused as an
 * unknown interaction: the raw 404 does not say why, and it is nearly
 * always the 3 s deadline (the interaction reached the bot late, or the
 * answer took too long).
 *
 * @param error What sending the initial response threw.
 * @param id The interaction's id.
 * @returns The error to throw instead, or `undefined` for any other error.
 */
export function unknownInteraction(
  error: unknown,
  id: string,
): InteractionError | undefined {
  if (!isUnknownInteraction(error)) return undefined;
  return new InteractionError(
    "token_expired",
    `Interaction ${id} was unknown to Discord (10062): an interaction must be answered within 3 s of being sent, and Discord had dropped this one and invalidated its token by the time the answer reached it: call ctx.defer() first for slow work, and keep the listeners before it short`,
    { cause: error },
  );
}
