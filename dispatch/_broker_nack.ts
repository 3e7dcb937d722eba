/**
 * {@linkcode isBrokerNack}: tells a publish the broker refused (a
 * `basic.nack`) from one that failed any other way. `@cloudamqp/amqp-client`
 * (4.1.1) fails a publish with whatever went wrong: a connection cut
 * mid-write fails it with the socket's error (`write EPIPE`) while the
 * client and the channel still say open, as the close comes later. Taken
 * for a nack, such a cut was said on stderr as a full queue and counted in
 * `dispatch_nacked_events` (33 of 200 cuts in a review).
 *
 * @module
 */

/**
 * What the library rejects a nacked publish with: a plain `Error` of this
 * message (`AMQPChannel.publishConfirmed`); nothing else it rejects with
 * says so.
 */
const NACK_MESSAGE = "Message rejected";

/**
 * Whether a publish's failure is the broker's nack of it.
 *
 * @param error What the publish's promise was rejected with.
 * @returns `true` for the library's rejection of a nacked publish only; a
 *   failed write, a closed channel or connection give `false`.
 */
export function isBrokerNack(error: unknown): boolean {
  return error instanceof Error && error.message === NACK_MESSAGE;
}
