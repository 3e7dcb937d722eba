// SessionWatch says a session lost when a shard whose session the service
// held starts a new one, naming the pause only when there was one.
import assert from "node:assert/strict";
import { defaultTextFormatter } from "@logtape/logtape";
import { SessionWatch } from "../../dispatch/session_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

Deno.test("SessionWatch: a held session lost without a pause is said without the pause's words or an empty placeholder", async () => {
  await withLogRecords((records) => {
    let lost = 0;
    const watch = new SessionWatch({
      scheduler: new VirtualScheduler(),
      lost: { inc: () => lost++ },
    });
    watch.hold(0, "s1", 41);
    watch.received(0, "s1", 42);
    watch.state({ shardId: 0, previous: "resuming", current: "identifying" }, {
      sessionId: undefined,
      sequence: null,
    });
    assert.equal(lost, 1);
    assert.equal(records.length, 1);
    // As stderr shows it: LogTape quotes a string value, so an empty one
    // showed as "".
    const text = defaultTextFormatter(records[0]!);
    assert.match(text, /session "s1" could not be resumed/);
    assert.match(text, /the events after sequence 42 are lost/);
    assert.doesNotMatch(text, /""|paused/);
    return Promise.resolve();
  });
});
