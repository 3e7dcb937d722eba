/**
 * The options of `Client.on`, apart from the Client (handler/client.ts)
 * that takes them.
 *
 * @module
 */

/** Options for `Client.on`. */
export interface ListenOptions {
  /**
   * Call the listener as the event arrives at the Client, in arrival order,
   * instead of in turn with the Handler's methods and the other listeners
   * of the shard. It runs even while a handler of the shard is still
   * awaiting, so a handler (or listener, or route handler) can wait for a
   * later event without waiting behind itself: `awaitMessage` and
   * `InteractionRouter.awaitComponent` use it. With the `cache` option, the
   * event is already applied to `client.cache` when the listener runs, and
   * its `ctx.old` is this event's previous state.
   *
   * Such a listener is not awaited: keep it short (a promise it returns
   * runs beside the handlers, and counts its event toward the shard's held
   * bound until it settles: the shard pauses while many are unsettled;
   * one awaiting a later event of its shard, as a conversation does, is
   * not settled by a pause, so past 45 s the shard resumes all the same,
   * taking a bound more each 45 s; stop() says how many are unsettled).
   * What it throws or rejects with is reported as a handler's is, to
   * `Handler.onError` or else on stderr, and the Client carries on. The
   * ordinary listeners and Handler methods still get the event, in order.
   *
   * Such a listener can see an event twice: events Discord sends again
   * reach it again. After a resumable stop that dropped handler calls, the
   * next start resumes before their events (so the dropped calls run), and
   * an `atArrival` listener that ran for them at the first arrival runs
   * for them again; so does it for the events a start resumes after a
   * crash from the last save (see the README, "Sharding and restarts").
   * A listener that counts or records should tolerate a repeat.
   *
   * @default {false}
   */
  atArrival?: boolean;
}
