/**
 * What an interaction's failed initial response failed with, kept for the
 * router's "not answered" report: the context goes back to `"pending"`
 * after one, so that report would otherwise read as if nothing was sent.
 * Private to the package.
 *
 * @module
 */

/** Each context's last failed initial response, while it lives. */
const failures = new WeakMap<object, unknown>();

/**
 * Note that `ctx`'s initial response failed with `error`.
 *
 * @param ctx The interaction's context.
 * @param error What the response rejected with.
 */
export function recordInitialFailure(ctx: object, error: unknown): void {
  failures.set(ctx, error);
}

/**
 * What `ctx`'s initial response last failed with.
 *
 * @param ctx The interaction's context.
 * @returns The failure, or `undefined` when none failed.
 */
export function initialFailure(ctx: object): unknown {
  return failures.get(ctx);
}
