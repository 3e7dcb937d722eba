// A PROMETHEUS_PORT the system refuses to this user (below 1024 for one that
// is not root: Permission denied) stops the start naming PROMETHEUS_PORT,
// with the fix; it named PROMETHEUS_HOST, which was fine.
import assert from "node:assert/strict";
import { ConfigError } from "../../dispatch/config.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { inProcessService } from "./_in_process_service.ts";

Deno.test("dispatch service: a metrics port the system refuses (Permission denied) stops the start naming PROMETHEUS_PORT, not PROMETHEUS_HOST", async () => {
  // Root may listen on port 80: the refusal a user other than root gets
  // is played by Deno.listen itself, which the metrics server calls.
  const listen = Deno.listen;
  Deno.listen = (() => {
    throw new Deno.errors.PermissionDenied("Permission denied (os error 13)");
  }) as typeof Deno.listen;
  try {
    const service = inProcessService(new VirtualScheduler(), 80, {
      PROMETHEUS_HOST: "0.0.0.0",
    });
    await assert.rejects(service.start(), (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.equal(error.variable, "PROMETHEUS_PORT");
      assert.equal(
        error.message,
        "PROMETHEUS_PORT must be a port this user may listen on, 1024 or above for a user other than root (Permission denied (os error 13)): current value '80'",
      );
      return true;
    });
    await service.close();
  } finally {
    Deno.listen = listen;
  }
});
