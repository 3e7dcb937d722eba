// What a copy carries of its stamps: the new stamps over the original's
// (a copy bounced again is dated by this bounce), a per-message TTL never
// lengthened by a last-bounce stamp ahead of this clock, and stamps read
// as RabbitMQ hands them back (a 64-bit integer header arrives as bigint).
import assert from "node:assert/strict";
import {
  BOUNCE_HEADER,
  bounceWait,
  copyProperties,
  LAST_BOUNCE_HEADER,
  timeHeader,
} from "../../dispatch/_command_copies.ts";

Deno.test("copyProperties: the new stamps replace the original's; its other headers stay", () => {
  const copy = copyProperties(
    { headers: { [LAST_BOUNCE_HEADER]: 1_000, [BOUNCE_HEADER]: 500, a: "x" } },
    { [LAST_BOUNCE_HEADER]: 9_000 },
    9_000,
  );
  assert.deepEqual(copy?.headers, {
    [LAST_BOUNCE_HEADER]: 9_000,
    [BOUNCE_HEADER]: 500,
    a: "x",
  });
});

Deno.test("copyProperties: a last-bounce stamp ahead of this clock takes nothing off the TTL, and adds nothing", () => {
  const now = 1_000_000;
  const copy = copyProperties(
    { expiration: "3000", headers: { [LAST_BOUNCE_HEADER]: now + 5_000 } },
    {},
    now,
  );
  assert.equal(copy?.expiration, "3000");
});

Deno.test("timeHeader and bounceWait: a stamp that comes back as a bigint (RabbitMQ's 64-bit integer) is read as its time", () => {
  const now = 1_000_000;
  const headers = { [LAST_BOUNCE_HEADER]: BigInt(now - 400) };
  assert.equal(timeHeader(headers, LAST_BOUNCE_HEADER), now - 400);
  assert.equal(bounceWait(headers, now), 600);
});
