// Each Handler method takes exactly its event's payload type (the named
// `XxxDispatch` types in the signatures are GatewayEventMap's) and a context
// whose `old` is its event's OldState (compile-time checks; a mismatch fails
// `deno check`).
import assert from "node:assert/strict";
import type { OldState } from "../../cache/old_state.ts";
import type { Context } from "../../handler/context.ts";
import type { Handler } from "../../handler/handler.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
  HANDLER_METHOD_NAMES,
  type HandlerMethodName,
} from "../../types/events.ts";
import type { IsExact } from "../_fakes/is_exact.ts";

/**
 * The events whose Handler method's payload is not exactly the map's, or
 * whose context is not exactly `Context<OldState<K>>`.
 */
type Mismatched = {
  [K in GatewayEventName]: IsExact<
    Parameters<Handler[HandlerMethodName<K>]>,
    [GatewayEventMap[K], Context<OldState<K>>]
  > extends true ? never : K;
}[GatewayEventName];

const noMismatch: Record<Mismatched, never> = {};

Deno.test("Every Handler method takes its event's payload type and a context typed with its old state", () => {
  assert.deepEqual(Object.keys(noMismatch), []);
  assert.equal(
    GATEWAY_EVENT_NAMES.filter((name) => HANDLER_METHOD_NAMES[name]).length,
    79,
  );
});
