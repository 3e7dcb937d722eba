// Calling the `atArrival` listeners of an event from the shard's dispatch,
// where nothing may escape. A queued call runs in the ordered runner, which
// catches what even the report of its error throws or rejects; an arrival
// call has no runner: a throw went into the shard (the Handler method and
// the ordinary listeners of that event were never queued) and a rejection
// was left unhandled (the process ended). Nor does anything queue behind
// it: a promise it returns that never settles kept its event for good,
// unseen by the held bound, so each such promise is counted in it until it
// settles (a listener that returns nothing pays nothing).
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { DetachedUpdate } from "../cache/detached_update.ts";
import type { ShardDispatch } from "../gateway/shard.ts";
import type { Context } from "./context.ts";
import { guardHandlerCall } from "./guarded_calls.ts";
import type { Handler } from "./handler.ts";
import type { HandlerCall } from "./handler_routes.ts";
import {
  HELD_EVENT_CHARS,
  QUEUED_CALL_CHARS,
  type ShardSlot,
} from "./shard_slot.ts";

const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * Call the `atArrival` listeners of `event` now, each with a context of its
 * own whose `old` is its own copy of this event's (they run side by side);
 * errors go where a handler's go, never into the shard, and what a report
 * still throws or rejects (an `onError` whose thenable rejects, a value no
 * report can handle) is said on stderr, as the ordered runner says a
 * queued call's. A listener's promise is counted in the slot's held bound
 * until it settles: the first of the event as the event's frame and old
 * state (what a queued call's event counts), each other one as a queued
 * call beyond the first.
 *
 * @param event The event.
 * @param listeners Its `atArrival` listeners (`HandlerCall`s).
 * @param slot Its shard's slot.
 * @param update The cache's update for it, whose `old` the calls read.
 * @param onError The bot's Handler when it overrides `onError`.
 */
export function callAtArrival(
  event: ShardDispatch,
  listeners: ReadonlySet<unknown>,
  slot: ShardSlot,
  update: DetachedUpdate | undefined,
  onError: Handler | undefined,
): void {
  let counted = false;
  // Over a copy (one added now waits for the next event); one removed by an
  // earlier one (a waiter resolved) is skipped.
  for (const f of [...listeners] as HandlerCall[]) {
    if (!listeners.has(f)) continue;
    const ctx = slot.contextFor(update?.readOld());
    const settled = callSafely(event, f, ctx, onError);
    if (settled === undefined) continue;
    if (counted) slot.arrivalPending(settled, QUEUED_CALL_CHARS);
    else {
      const size = event.size;
      const old = size === undefined ? 0 : update?.oldChars ?? 0;
      // What the event holds beyond its frame, as for a queued call.
      slot.arrivalPending(
        settled,
        size === undefined ? size : size + old + HELD_EVENT_CHARS,
      );
      counted = true;
    }
  }
}

/**
 * Call `f` guarded; `undefined` unless it returned a thenable, else a
 * promise that settles (never rejects) once that does.
 */
function callSafely(
  event: ShardDispatch,
  f: HandlerCall,
  ctx: Context,
  onError: Handler | undefined,
): Promise<void> | undefined {
  let result: unknown;
  try {
    result = guardHandlerCall(event, f, event.data, ctx, onError, "atArrival");
  } catch (error) {
    sinkFailed(event, error);
    return undefined;
  }
  // Checked loosely: a JavaScript onError may hand back any thenable, or
  // null.
  const thenable = result as { then?: unknown } | null | undefined;
  if (thenable == null || typeof thenable.then !== "function") return;
  return Promise.resolve(thenable).then(
    undefined,
    (error) => sinkFailed(event, error),
  );
}

function sinkFailed(event: ShardDispatch, error: unknown): void {
  try {
    visible.error(
      "Handler error sink failed for an atArrival listener of {event} (shard {shardId}): {error}",
      { event: event.name, shardId: event.shardId, error },
    );
  } catch {
    // The line itself failed; nothing sensible is left to do.
  }
}
