// A builder refusing with exactly the error class given (not a subclass)
// and a message matching `pattern`: the component rule tests' one check.
import assert from "node:assert/strict";

/** Assert that `build` throws a `kind` (exactly) whose message matches. */
export function refused(
  build: () => unknown,
  kind: typeof RangeError | typeof TypeError,
  pattern: RegExp,
): void {
  assert.throws(
    build,
    (error: unknown) =>
      error instanceof kind && error.constructor === kind &&
      pattern.test(error.message),
  );
}
