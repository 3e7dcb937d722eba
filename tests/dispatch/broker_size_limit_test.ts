// The broker's max_message_size as the publisher learns it from a refusal:
// a body over it is skipped (not resent for ever ahead of the rest), and it
// is forgotten when the connection is lost for anything but such a refusal.
// Unit tests of BrokerSizeLimit; publisher_test.ts runs it on RabbitMQ.
import assert from "node:assert/strict";
import { BrokerSizeLimit } from "../../dispatch/_broker_size_limit.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** RabbitMQ's channel error for a publish over a `max` of bytes. */
function refusal(max: number): string {
  return `PRECONDITION_FAILED - message size ${
    max + 10
  } is larger than configured max size ${max}`;
}

const EVENT = { routingKey: "MESSAGE_CREATE", shardId: 0, sequence: 7 };

Deno.test("BrokerSizeLimit: a body of one byte over the limit is skipped; one of the limit is not", async () => {
  const limit = new BrokerSizeLimit();
  assert.equal(limit.learn(refusal(1000)), true);
  assert.equal(limit.max, 1000);
  await withLogRecords((records) => {
    assert.equal(limit.over(EVENT, "x".repeat(1000)), undefined);
    assert.equal(records.length, 0);
    assert.equal(limit.over(EVENT, "x".repeat(1001)), 1001);
    // Bytes, not characters: 334 three-byte characters are 1,002.
    assert.equal(limit.over(EVENT, "\u20ac".repeat(334)), 1002);
    // Each skipped event is said as an error, naming it.
    assert.deepEqual(records.map((record) => record.level), ["error", "error"]);
    assert.equal(records[0]!.properties.name, "MESSAGE_CREATE");
    return Promise.resolve();
  });
});

Deno.test("BrokerSizeLimit: a connection lost with no error forgets the limit; lost for a refusal over it, it is kept", () => {
  const limit = new BrokerSizeLimit();
  // Any other channel error teaches nothing.
  assert.equal(limit.learn("NOT_FOUND - no exchange 'x'"), false);
  assert.equal(limit.max, undefined);
  limit.learn(refusal(1000));
  limit.lost(refusal(1000));
  assert.equal(limit.max, 1000);
  limit.lost("CONNECTION_FORCED - broker forced connection closure");
  assert.equal(limit.max, undefined);
  limit.learn(refusal(2000));
  limit.lost(undefined);
  assert.equal(limit.max, undefined);
  assert.equal(limit.over(EVENT, "x".repeat(5000)), undefined);
});
