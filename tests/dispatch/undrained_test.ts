// What a shutdown that could not drain says of a shard whose session was
// never saved (its first session's READY not confirmed: a broker away since
// the start): that, not "Discord ended that session, and the saved one is
// 'none'", which Discord had not.
import assert from "node:assert/strict";
import { sayUndrained } from "../../dispatch/_undrained.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

Deno.test("dispatch shutdown: unconfirmed events of a session never saved are said lost as never saved, not as ended by Discord", async () => {
  await withLogRecords((records) => {
    sayUndrained(
      [
        { shardId: 0, sessionId: "first", count: 3, first: 1, last: 3 },
        { shardId: 1, sessionId: "old", count: 2, first: 40, last: 41 },
      ],
      new Map([[1, { sessionId: "new", sequence: 1 }]]),
    );
    const lost = records.filter((record) =>
      record.message.join("").includes("are lost")
    ).map((record) => record.message.join(""));
    assert.deepEqual(lost, [
      "Shard 0: 3 event(s) of session first (sequences 1 to 3) were not confirmed by RabbitMQ and are lost: that session was never saved (RabbitMQ did not confirm its READY), so the next start identifies a new one",
      // A session Discord ended, replaced by a saved one: said as before.
      "Shard 1: 2 event(s) of session old (sequences 40 to 41) were not confirmed by RabbitMQ and are lost: Discord ended that session, and the saved one is new",
    ]);
    return Promise.resolve();
  });
});
