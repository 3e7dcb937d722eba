/**
 * {@linkcode awaitMessage}: wait for the next message that matches, with a
 * timeout and an `AbortSignal`.
 *
 * @module
 */
import { assertOptionsObject } from "../base/option_checks.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { schedulerOf } from "../handler/_client_runs.ts";
import { waitFor } from "./_wait.ts";
import { WaiterIndex } from "./_waiter_index.ts";
import type { GatewayEventMap } from "../types/events.ts";

/** A `MESSAGE_CREATE` payload. */
export type CreatedMessage = GatewayEventMap["MESSAGE_CREATE"];

/**
 * Something with a typed `on("MESSAGE_CREATE")`, like the `Client`. A
 * source that understands `{ atArrival: true }` calls the listener as the
 * message arrives (see the Client's `ListenOptions`); one that does not
 * takes the listener as an ordinary one.
 */
export interface MessageSource {
  /** Subscribe; returns an unsubscribe function. */
  on(
    event: "MESSAGE_CREATE",
    listener: (message: CreatedMessage) => void,
    options?: { atArrival?: boolean },
  ): () => void;
}

/** Options for {@linkcode awaitMessage}. */
export interface AwaitMessageOptions {
  /** Only messages in this channel. */
  channelId?: string;
  /** Only this user's messages. */
  authorId?: string;
  /** Any other condition. */
  filter?: (message: CreatedMessage) => boolean;
  /**
   * How long to wait, in ms: an integer up to 2^31 - 1 (a timer's longest).
   *
   * @default {60000}
   */
  timeout?: number;
  /** Stops waiting; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The clock for the timeout. Without it, a Client's `scheduler` option
   * (a test's virtual clock, `...discord.clientOptions`), else the real one.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/**
 * Every key of {@linkcode AwaitMessageOptions}: a misspelt one (`timout`)
 * is refused, not left to wait the default minute.
 */
const AWAIT_MESSAGE_KEYS = optionKeys(
  {
    channelId: true,
    authorId: true,
    filter: true,
    timeout: true,
    signal: true,
    scheduler: true,
  } satisfies Record<keyof AwaitMessageOptions, true>,
);

/**
 * Wait for the next `MESSAGE_CREATE` that matches. The listener is removed
 * when it resolves, times out or is aborted. Needs the GUILD_MESSAGES (or
 * DIRECT_MESSAGES) intent, and MESSAGE_CONTENT to read the text.
 *
 * It works from inside a Handler method, an `on` listener or a route
 * handler (reply, then wait for the answer): the Client matches the waiter
 * as the message arrives (`on(…, { atArrival: true })`), not in turn behind
 * the handler that waits. With the Client's `cache`, the message is already
 * cached then. The message still reaches the Handler and the listeners, in
 * order; the waiter sees it once. Only messages that arrive after the call
 * count.
 *
 * A wait on a `Client` belongs to its run: `client.stop()` (or a failed
 * start's clean-up) ends it with a `ClientStoppedError`, clearing its timer
 * and listener, so a stop is not held up to the timeout; a wait started
 * while the client does not run (before `start()`, or once `stop()` began)
 * rejects with it at once.
 *
 * @param source The client.
 * @param options Channel, author, filter, timeout, signal.
 * @returns The message.
 * @throws {DOMException} `TimeoutError` when none came in time; the signal's
 *   reason when aborted.
 * @throws {ClientStoppedError} When the Client stops during the wait, or
 *   does not run when it starts.
 * @throws {RangeError} When `timeout` is not an integer from 0 to 2^31 - 1
 *   (the promise rejects with it).
 * @throws {TypeError} When `options` is not an object or has a key that is
 *   none of its options (the message names the nearest), `scheduler` is
 *   not a Scheduler or `signal` not an AbortSignal (the promise rejects
 *   with it).
 *
 * @example Wait for an answer
 * ```ts
 * import { awaitMessage } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const listeners = new Set<(m: never) => void>();
 * const source = { on: (_: "MESSAGE_CREATE", l: (m: never) => void) => (listeners.add(l), () => listeners.delete(l)) };
 * const answer = awaitMessage(source as never, { authorId: "7", timeout: 1000 });
 * for (const l of listeners) l({ author: { id: "7" }, content: "yes", channel_id: "1" } as never);
 * assert.equal((await answer).content, "yes");
 * assert.equal(listeners.size, 0);
 * ```
 */
export function awaitMessage(
  source: MessageSource,
  options: AwaitMessageOptions = {},
): Promise<CreatedMessage> {
  try {
    // `null` failed as "Cannot read properties of null".
    assertOptionsObject("create message wait", options);
    checkOptionKeys("create message wait", "", options, AWAIT_MESSAGE_KEYS);
  } catch (error) {
    // As the wait's other option errors: a rejection, not a throw.
    return Promise.reject(error);
  }
  const timeout = options.timeout ?? 60_000;
  const ends = {
    what: "message wait",
    timeout,
    timeoutMessage: (ms: number) => `No matching message within ${ms} ms`,
    signal: options.signal,
    // The source's clock only when none is given: a wrong one is refused.
    scheduler: options.scheduler === undefined
      ? schedulerOf(source)
      : options.scheduler,
    sources: [source],
  };
  return waitFor<CreatedMessage>(ends, (settle) => {
    const onMessage = (message: CreatedMessage): void => {
      if (settle.done) return;
      let matches: boolean;
      try {
        matches = (options.channelId === undefined ||
          message.channel_id === options.channelId) &&
          (options.authorId === undefined ||
            message.author?.id === options.authorId) &&
          (!options.filter || options.filter(message));
      } catch (error) {
        // The waiter's own filter failed: it ends the wait, not the client.
        settle.reject(error);
        return;
      }
      if (matches) settle.resolve(message);
    };
    return listenShared(
      source,
      [options.channelId, options.authorId],
      onMessage,
    );
  });
}

/** The waits on one source, behind its one listener. */
interface SharedListener {
  /** Filed by channel and author (`undefined`: any). */
  readonly waiters: WaiterIndex<(message: CreatedMessage) => void>;
  /** Removes the source's listener; undefined while none is registered. */
  off: (() => void) | undefined;
}

/** Each source waited on (weak: a Client dropped goes with its waits). */
const sharedListeners = new WeakMap<MessageSource, SharedListener>();

/**
 * Add a wait to the one listener of `source` (registered with the first
 * wait, removed with the last). A listener per wait made each message pass
 * every wait, and the Client's listener list grow with them.
 */
function listenShared(
  source: MessageSource,
  values: [channelId: string | undefined, authorId: string | undefined],
  onMessage: (message: CreatedMessage) => void,
): () => void {
  let shared = sharedListeners.get(source);
  if (shared === undefined) {
    shared = { waiters: new WaiterIndex(2), off: undefined };
    sharedListeners.set(source, shared);
  }
  const { waiters } = shared;
  const remove = waiters.add(values, onMessage);
  if (shared.off === undefined) {
    try {
      // As the message arrives: not queued behind the handler that waits.
      shared.off = source.on("MESSAGE_CREATE", (message) => {
        // In the order the waits came; only those of its channel and
        // author (or of any) can match.
        for (
          const waiter of waiters.offer([
            message?.channel_id,
            message?.author?.id,
          ])
        ) {
          waiter(message);
        }
      }, { atArrival: true });
    } catch (error) {
      remove();
      throw error;
    }
  }
  return (): void => {
    remove();
    if (waiters.size > 0 || shared.off === undefined) return;
    const off = shared.off;
    shared.off = undefined;
    off();
  };
}
