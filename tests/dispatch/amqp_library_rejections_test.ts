// The AMQP client (4.1.1) can leave the confirm promise of a publish
// unhandled when the broker closes the connection mid-write, and Deno ends
// the process on it: a RabbitMQ restart under load killed the service. A
// running ConfirmedPublisher holds such AMQPErrors back (its own promise
// of the publish fails and the event is sent again); other rejections, and
// any after close(), keep Deno's default.
import assert from "node:assert/strict";
import { AMQPError } from "@cloudamqp/amqp-client";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import {
  guardAmqpConnection,
  holdAmqpLibraryRejections,
} from "../../dispatch/amqp_library_rejections.ts";

/** Whether an unhandled rejection of `reason` would be held back now. */
function heldBack(reason: unknown): boolean {
  const promise = Promise.reject(reason);
  promise.catch(() => {});
  const event = new PromiseRejectionEvent("unhandledrejection", {
    promise,
    reason,
    cancelable: true,
  });
  globalThis.dispatchEvent(event);
  return event.defaultPrevented;
}

/** The service's connection: its stray rejections are held back. */
const ours = {};
guardAmqpConnection(ours);

const closed = (connection: object = ours) =>
  new AMQPError(
    "connection closed: CONNECTION_FORCED - broker forced connection closure with reason 'shutdown' (320)",
    connection as never,
  );

Deno.test({
  name:
    "ConfirmedPublisher: an AMQPError the client leaves unhandled does not end the process while it runs; after close() nothing is held back",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  // Nothing listens on port 1: the first connect fails at once, and the
  // publisher retries in the background until closed.
  const publisher = new ConfirmedPublisher({
    url: "amqp://guest:guest@127.0.0.1:1",
    exchange: "gateway",
    capacity: 4,
    retryDelay: 5_000,
  });
  assert.equal(heldBack(closed()), false, "held before start()");
  await publisher.start();
  assert.equal(heldBack(closed()), true);
  assert.equal(heldBack(new TypeError("a bug")), false, "another error held");
  // The user's own connection in the same process: its errors are theirs.
  assert.equal(heldBack(closed({})), false, "another connection's held");
  // A real unhandled one: before the guard, Deno failed this test with it.
  Promise.reject(closed());
  await new Promise((resolve) => setTimeout(resolve, 0));
  await publisher.close();
  assert.equal(heldBack(closed()), false, "held after close()");
});

Deno.test("holdAmqpLibraryRejections: the guard listens while any hold is kept, and a release twice counts once", () => {
  const first = holdAmqpLibraryRejections();
  const second = holdAmqpLibraryRejections();
  first();
  first();
  assert.equal(heldBack(closed()), true, "released by the first holder twice");
  second();
  assert.equal(heldBack(closed()), false);
});
