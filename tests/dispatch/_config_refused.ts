// The dispatch config tests' environment with only what is required, and
// their check of a refusal: a ConfigError naming the variable, in one line.
import assert from "node:assert/strict";
import { ConfigError, loadDispatchConfig } from "../../dispatch/config.ts";

/** BOT_TOKEN and INTENTS, the two variables without a default. */
export const BASE: Readonly<Record<string, string>> = {
  BOT_TOKEN: "t",
  INTENTS: "513",
};

/**
 * Assert that `env` (over {@linkcode BASE}) is refused naming `variable`,
 * in one line, whose text matches `message` when one is given.
 *
 * @returns The error.
 */
export function assertRefused(
  env: Record<string, string>,
  variable: string,
  message?: RegExp,
): ConfigError {
  let caught: ConfigError | undefined;
  assert.throws(() => loadDispatchConfig({ ...BASE, ...env }), (error) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.variable, variable, JSON.stringify(env));
    if (message !== undefined) assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
    caught = error;
    return true;
  }, JSON.stringify(env));
  return caught!;
}
