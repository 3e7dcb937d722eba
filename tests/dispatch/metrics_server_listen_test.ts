// The metrics endpoint says where it listens: with PROMETHEUS_PORT=0 the
// port the system chose is shown nowhere else.
import assert from "node:assert/strict";
import { MetricsServer } from "../../dispatch/metrics_server.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

Deno.test("metrics endpoint: the host:port it listens on is logged at info, the port chosen for port 0 included", async () => {
  await withLogRecords(async (records) => {
    const server = new MetricsServer({
      hostname: "127.0.0.1",
      port: 0,
      routes: { "/metrics": () => new Response("up 1\n") },
      scheduler: realScheduler,
    });
    try {
      assert.notEqual(server.addr.port, 0);
      const said = records.filter((record) => record.level === "info").map(
        (record) => record.message.map(String).join(""),
      );
      assert.deepEqual(said, [
        `The metrics endpoint listens on 127.0.0.1:${server.addr.port}`,
      ]);
    } finally {
      await server.shutdown();
    }
  }, "info");
});
