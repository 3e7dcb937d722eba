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

Deno.test("dispatch shutdown: the summary counts every unconfirmed event and names at most 10 saved sessions; a saved session's own events are not said lost", async () => {
  await withLogRecords((records) => {
    const saved = new Map(
      Array.from({ length: 11 }, (_, id) => [id, {
        sessionId: `s${id}`,
        sequence: 100 + id,
      }]),
    );
    sayUndrained(
      [
        { shardId: 0, sessionId: "s0", count: 3, first: 98, last: 100 },
        { shardId: 1, sessionId: "s1", count: 4, first: 98, last: 101 },
      ],
      saved,
    );
    const said = records.map((record) => record.message.join(""));
    assert.equal(said.length, 1, "no event lost: both resume before them");
    assert.match(said[0]!, /did not confirm 7 event\(s\) in time/);
    assert.match(said[0]!, /shard 0: session s0 at 100, /);
    assert.match(said[0]!, /shard 9: session s9 at 109, \.\.\.$/);
    assert.doesNotMatch(said[0]!, /s10/);
    return Promise.resolve();
  });
});

Deno.test("dispatch shutdown: with exactly 10 saved sessions all are named, and with none saved the summary says none", async () => {
  await withLogRecords((records) => {
    const saved = new Map(
      Array.from({ length: 10 }, (_, id) => [id, {
        sessionId: `s${id}`,
        sequence: 1,
      }]),
    );
    sayUndrained([], saved);
    sayUndrained(
      [{ shardId: 0, sessionId: "old", count: 1, first: 5, last: 5 }],
      new Map([[0, { sessionId: undefined, sequence: 0 }]]),
    );
    const said = records.map((record) => record.message.join(""));
    assert.match(said[0]!, /shard 9: session s9 at 1$/);
    assert.match(said[1]!, /resume before them: shard 0: /);
    assert.match(
      said[2]!,
      /Discord ended that session, and the saved one is none$/,
    );
    sayUndrained([], new Map());
    assert.match(
      records.at(-1)!.message.join(""),
      /the saved sessions resume before them: none$/,
    );
    return Promise.resolve();
  });
});
