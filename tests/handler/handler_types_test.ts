// Each Handler method takes exactly its event's payload type: the named
// `XxxDispatch` types in the signatures are GatewayEventMap's (compile-time
// checks; a mismatch fails `deno check`).
import assert from "node:assert/strict";
import type { Handler } from "../../handler/handler.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
  HANDLER_METHOD_NAMES,
  type HandlerMethodName,
} from "../../types/events.ts";

type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** The events whose Handler method's payload is not exactly the map's. */
type Mismatched = {
  [K in GatewayEventName]: IsExact<
    Parameters<Handler[HandlerMethodName<K>]>[0],
    GatewayEventMap[K]
  > extends true ? never : K;
}[GatewayEventName];

const noMismatch: Record<Mismatched, never> = {};

Deno.test("Every Handler method takes its event's payload type", () => {
  assert.deepEqual(Object.keys(noMismatch), []);
  assert.equal(
    GATEWAY_EVENT_NAMES.filter((name) => HANDLER_METHOD_NAMES[name]).length,
    79,
  );
});
