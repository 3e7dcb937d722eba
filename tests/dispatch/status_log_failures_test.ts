// StatusLog: posts that fail (a Discord REST outage) lose no line silently
// and fill no log with a stack every few seconds.
import assert from "node:assert/strict";
import { StatusLog } from "../../dispatch/status_log.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

Deno.test("StatusLog: a failed post's lines are said dropped; the failure is said once per streak, without a stack, and its end too", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const posted: string[] = [];
    let down = true;
    const rest = new RestClient({
      token: "t",
      baseUrl: "http://127.0.0.1:1/api/v10",
      scheduler,
      fetch: (_input, init) => {
        if (down) {
          return Promise.resolve(
            Response.json({ message: "Internal Server Error" }, {
              status: 500,
            }),
          );
        }
        posted.push(JSON.parse(String(init?.body)).content);
        return Promise.resolve(
          Response.json({ id: "1", channel_id: "9", content: "" }),
        );
      },
    });
    const log = new StatusLog(rest, "9", scheduler, 5_000);
    // Three intervals of an outage: two lines, then one, then one.
    log.add("Shard 0 disconnected");
    log.add("Shard 1 disconnected");
    await scheduler.advance(5_000);
    await log.flush();
    log.add("Shard 0 ready");
    await scheduler.advance(5_000);
    await log.flush();
    log.add("Shard 1 ready");
    await scheduler.advance(5_000);
    await log.flush();
    assert.deepEqual(posted, []);
    down = false;
    log.add("Guild 7 joined");
    await scheduler.advance(5_000);
    await log.flush();
    assert.deepEqual(posted, [
      "(4 earlier status line(s) dropped: the log channel could not keep up)\nGuild 7 joined",
    ]);
    const warnings = records.filter((r) => r.level === "warning");
    assert.equal(warnings.length, 1, "one warning for the streak");
    assert.match(
      warnings[0]!.message.join(""),
      /Posting the status log failed/,
    );
    // No Error among the properties: a text formatter prints its stack.
    for (const value of Object.values(warnings[0]!.properties)) {
      assert.ok(!(value instanceof Error), "the warning holds no stack");
    }
    assert.equal(linesSaying(records, "status log works again").length, 1);
    // A new streak is said again.
    down = true;
    log.add("Shard 2 closed");
    await scheduler.advance(5_000);
    await log.flush();
    assert.equal(records.filter((r) => r.level === "warning").length, 2);
  }, "info");
});
