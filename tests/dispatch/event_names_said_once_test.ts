// EventNames, the service's reading of dispatch names: the label of an
// unknown name is the literal UNKNOWN a dashboard filters on; a name too
// long for a routing key is refused and counted each time; each kind is
// said once in the log (an unknown name at info, an unroutable one as a
// warning with its size in bytes), with the gateway's name cut and its
// control characters escaped. Only the end-to-end tests, which need
// RabbitMQ, ran it otherwise.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { EventNames, UNKNOWN_EVENT_LABEL } from "../../dispatch/event_name.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** An EventNames whose unroutable counter is a number. */
function eventNames(): { names: EventNames; unroutable: () => number } {
  let count = 0;
  const names = new EventNames({ inc: () => void count++ });
  return { names, unroutable: () => count };
}

/** The records that mention `text`, as [level, message]. */
function saying(records: LogRecord[], text: string): [string, string][] {
  return records
    .map((r): [string, string] => [r.level, r.message.join("")])
    .filter(([, message]) => message.includes(text));
}

Deno.test("EventNames: an undocumented name is labelled UNKNOWN and said once, at info; a documented one keeps its name", async () => {
  assert.equal(UNKNOWN_EVENT_LABEL, "UNKNOWN");
  await withLogRecords((records) => {
    const { names } = eventNames();
    assert.equal(names.label(0, "MESSAGE_CREATE"), "MESSAGE_CREATE");
    assert.equal(names.label(0, "SOMETHING_NEW"), "UNKNOWN");
    assert.equal(names.label(1, "OTHER_NEW"), "UNKNOWN");
    const said = saying(records, "not a documented one");
    assert.equal(said.length, 1);
    assert.equal(said[0]![0], "info");
    assert.match(said[0]![1], /^Shard 0 received event "?SOMETHING_NEW"?,/);
    return Promise.resolve();
  }, "debug");
});

Deno.test("EventNames: a name over 255 bytes of UTF-8 is not routable, counted every time and warned of once with its bytes", async () => {
  await withLogRecords((records) => {
    const { names, unroutable } = eventNames();
    assert.equal(names.routable(0, "MESSAGE_CREATE"), true);
    assert.equal(names.routable(0, "é".repeat(127)), true); // 254 bytes
    assert.equal(unroutable(), 0);
    const long = `A\n${"é".repeat(200)}`; // 402 bytes, 202 units
    assert.equal(names.routable(3, long), false);
    assert.equal(names.routable(4, "B".repeat(256)), false);
    assert.equal(unroutable(), 2);
    const said = saying(records, "routing key limit");
    assert.equal(said.length, 1);
    assert.equal(said[0]![0], "warning");
    assert.match(
      said[0]![1],
      /^Shard 3 received an event named .* \(402 bytes\)/,
    );
    // Cut, and its line break escaped: the name cannot start a line.
    assert.ok(!said[0]![1].includes("\n"), said[0]![1]);
    assert.ok(said[0]![1].includes("A\\n"), said[0]![1]);
    assert.ok(!said[0]![1].includes("é".repeat(100)), "the name is cut");
    return Promise.resolve();
  }, "debug");
});
