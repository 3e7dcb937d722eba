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

/** The connections whose stray rejections are held back (the service's). */
const guarded = new WeakSet<object>();

function onUnhandled(event: PromiseRejectionEvent): void {
  // Only errors of the service's own connections: every promise of its
  // code is handled, and any other rejection (an AMQPError of the user's
  // own connection in the same process included) keeps Deno's default.
  const reason = event.reason;
  if (!(reason instanceof AMQPError) || !guarded.has(reason.connection)) {
    return;
  }
  event.preventDefault();
  logger.debug(
    "The AMQP client left a rejection unhandled ({message}); the publish it belongs to failed and is sent again",
    { message: event.reason.message },
  );
}

/**
 * Hold back the stray rejections of `connection` while the guard listens
 * (see {@linkcode holdAmqpLibraryRejections}).
 *
 * @param connection A connection the service made.
 */
export function guardAmqpConnection(connection: object): void {
  guarded.add(connection);
}

/**
 * Keep an `AMQPError` the AMQP client leaves unhandled, on a connection
 * given to {@linkcode guardAmqpConnection}, from ending the process, until
 * the returned function is called (holders count: the guard listens while
 * one holds it).
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
