// LeaseTimes after adopting a fleet TTL shorter than the process's own
// (found as a surviving mutant: fleet_lease_ttl_test.ts adopts with no
// `renewMs` option): a renewal period given as an option is capped at a
// third of the TTL run with, or a lease expired between two renewals.
// A fleet TTL that differs is said once, and the return to the process's
// own once.
import assert from "node:assert/strict";
import { LeaseTimes } from "../../fleet/lease_times.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

Deno.test("LeaseTimes: a renewMs option valid for the process's TTL is capped at a third of a shorter fleet TTL once adopted, and said so", async () => {
  const times = new LeaseTimes(30_000, 10_000);
  assert.equal(times.renewMs, 10_000);
  const said = await captureStderr(() => times.adopt(9_000, "test:fleet"));
  assert.equal(times.ttlMs, 9_000);
  assert.equal(times.renewMs, 3_000);
  assert.match(said.join("\n"), /renewing every 3000 ms/);
});

Deno.test("LeaseTimes: a renewMs option under a third of the adopted TTL stays as given", async () => {
  const times = new LeaseTimes(30_000, 2_000);
  await captureStderr(() => times.adopt(9_000, "test:fleet"));
  assert.equal(times.renewMs, 2_000);
});

Deno.test("LeaseTimes: a fleet TTL that differs is said once however often adopted, and again after the process ran with its own", async () => {
  const times = new LeaseTimes(30_000);
  const first = await captureStderr(() => {
    times.adopt(9_000, "test:fleet");
    times.adopt(9_000, "test:fleet");
    times.adopt(9_000, "test:fleet");
  });
  assert.equal(
    first.filter((line) => /differs from the fleet's/.test(line)).length,
    1,
  );
  await withLogRecords((records) => {
    times.adopt(30_000, "test:fleet");
    times.adopt(30_000, "test:fleet");
    times.adopt(9_000, "test:fleet");
    assert.equal(times.ttlMs, 9_000);
    assert.equal(linesSaying(records, "leaseTtlMs again").length, 1);
    assert.equal(linesSaying(records, "differs from the fleet's").length, 1);
    return Promise.resolve();
  }, "info");
});
