import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import type { GatewayDispatchEvents } from "discord-api-types/v10";
Deno.test("deps resolve", () => {
  const e: `${GatewayDispatchEvents}` = "READY";
  assert.equal(e, "READY");
  assert.ok(getLogger(["disruption"]));
});
