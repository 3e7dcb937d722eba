// Event names as the gateway sends them (any string): the metrics label and
// whether the name can be an AMQP routing key (a shortstr, 255 bytes of
// UTF-8), at the byte boundaries the client checks.
import assert from "node:assert/strict";
import {
  eventLabel,
  MAX_ROUTING_KEY_BYTES,
  routingKeyProblem,
  UNKNOWN_EVENT_LABEL,
} from "../../dispatch/event_name.ts";
import { GATEWAY_EVENT_NAMES } from "../../types/events.ts";

Deno.test("event names: each documented event keeps its label; every other name is UNKNOWN", () => {
  for (const name of GATEWAY_EVENT_NAMES) assert.equal(eventLabel(name), name);
  for (
    const name of [
      "",
      "message_create",
      "MESSAGE_CREATE ",
      "SOMETHING_DISCORD_ADDED",
      // Object.prototype's members are not event names.
      "toString",
      "__proto__",
      "constructor",
    ]
  ) assert.equal(eventLabel(name), UNKNOWN_EVENT_LABEL, name);
  const labels = new Set<string>();
  for (let i = 0; i < 10_000; i++) labels.add(eventLabel(`NEW_${i}`));
  assert.deepEqual([...labels], [UNKNOWN_EVENT_LABEL]);
});

Deno.test("event names: a routing key is at most 255 bytes of UTF-8, counted as the client encodes it", () => {
  const bytes = (name: string): number => new TextEncoder().encode(name).length;
  const cases: [string, string][] = [
    ["", "empty (a # binding receives it)"],
    ["MESSAGE_CREATE", "a documented name"],
    ["a".repeat(255), "255 ASCII bytes"],
    ["é".repeat(127) + "a", "255 bytes of 2-byte characters"],
    ["€".repeat(85), "255 bytes of 3-byte characters"],
    ["😀".repeat(63) + "abc", "255 bytes with surrogate pairs"],
    // An unpaired surrogate is written as U+FFFD, 3 bytes.
    ["\ud800".repeat(85), "255 bytes of unpaired surrogates"],
  ];
  for (const [name, what] of cases) {
    assert.ok(bytes(name) <= MAX_ROUTING_KEY_BYTES, what);
    assert.equal(routingKeyProblem(name), undefined, what);
  }
  const tooLong: [string, string][] = [
    ["a".repeat(256), "256 ASCII bytes"],
    ["é".repeat(128), "256 bytes in 128 characters"],
    ["€".repeat(86), "258 bytes in 86 characters"],
    ["😀".repeat(64), "256 bytes in 128 UTF-16 units"],
    ["\ud800".repeat(86), "258 bytes of unpaired surrogates"],
    ["x".repeat(1_000_000), "a megabyte"],
  ];
  for (const [name, what] of tooLong) {
    assert.ok(bytes(name) > MAX_ROUTING_KEY_BYTES, what);
    assert.equal(routingKeyProblem(name), "too_long", what);
  }
});
