/**
 * {@linkcode holdAmqpLibraryRejections}: a guard against a rejection the
 * AMQP client leaves unhandled. In `@cloudamqp/amqp-client` 4.1.1 a
 * publish in confirm mode returns `send.then(() => confirmed)`: when the
 * broker closes the connection while the frames are still being written
 * (a RabbitMQ restart under load), the library rejects `confirmed` before
 * anything listens to it. Deno ends the process on an unhandled rejection,
 * so a broker restart killed the service with every buffered event (3 runs
 * of about 50 in a review, at 400 events/s). The caller sees the same
 * failure through the promise it holds (the send's), and the publisher
 * sends the event again on the next connection: the lost copy is only the
 * library's duplicate of it.
 *
 * @module
 */
import { AMQPError } from "@cloudamqp/amqp-client";
import { getLogger } from "@logtape/logtape";

const logger = getLogger(["disruption", "dispatch", "publisher"]);

/** Holders of the guard: it listens while there is one. */
let holders = 0;

function onUnhandled(event: PromiseRejectionEvent): void {
  // Only the library's own errors: every promise of the service's code is
  // handled, and another program's rejection keeps Deno's default.
  if (!(event.reason instanceof AMQPError)) return;
  event.preventDefault();
  logger.debug(
    "The AMQP client left a rejection unhandled ({message}); the publish it belongs to failed and is sent again",
    { message: event.reason.message },
  );
}

/**
 * Keep an `AMQPError` the AMQP client leaves unhandled from ending the
 * process, until the returned function is called (holders count: the
 * guard listens while one holds it).
 *
 * @returns Releases this hold; calling it again does nothing.
 */
export function holdAmqpLibraryRejections(): () => void {
  if (holders++ === 0) {
    globalThis.addEventListener("unhandledrejection", onUnhandled);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      globalThis.removeEventListener("unhandledrejection", onUnhandled);
    }
  };
}
