// The dispatch service's names on the broker are fixed by its contract
// (`gateway`, `gateway.recv`, `gateway.send`), and the tests that run a
// service against the real RabbitMQ share its one vhost. Run at once (the
// suite runs files in parallel), one test's service consumed another's
// commands, and a test that deletes gateway.send cancelled the others'
// consumers. These tests take a lock on those names, one at a time.

/** The lock file, beside the other tests' temporary files. */
const LOCK_PATH = `${
  Deno.env.get("TMPDIR") ?? "/tmp"
}/disruption-test-dispatch-names.lock`;

/**
 * Run `fn` while no other test holding this lock runs (in any process of
 * the suite): an exclusive lock on a file, released when `fn` settles.
 *
 * @param fn The test's body.
 * @returns What `fn` returns.
 */
export async function holdingServiceNames<T>(fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(LOCK_PATH, { create: true, write: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}
