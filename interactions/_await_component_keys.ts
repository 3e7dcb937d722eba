/**
 * The keys of `InteractionRouter.awaitComponent`'s options, which it
 * checks: a misspelt `timout` was ignored and the wait took the default
 * minute. Beside the router, which is near its 800 lines; the test
 * `tests/interactions/await_component_keys_test.ts` keeps the list equal
 * to the type's keys (this module cannot import the type: the router
 * imports it).
 *
 * @module
 */
import { optionKeys } from "../base/option_keys.ts";

/** Every key of `AwaitComponentOptions`. */
export const AWAIT_KEYS: readonly string[] = optionKeys({
  messageId: true,
  userId: true,
  customId: true,
  filter: true,
  timeout: true,
  signal: true,
});
