// Calling an `atArrival` listener from the shard's dispatch, where nothing
// may escape. A queued call runs in the ordered runner, which catches what
// even the report of its error throws or rejects; an arrival call has no
// runner: a throw went into the shard (the Handler method and the ordinary
// listeners of that event were never queued) and a rejection was left
// unhandled (the process ended).
import { callListener } from "../base/listener_call.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { ShardDispatch } from "../gateway/shard.ts";

const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * Run `call`, a guarded call of an `atArrival` listener of `event`; what it
 * still throws or rejects (its error's report failed: an `onError` whose
 * thenable rejects, a value no report can handle) is said on stderr, as
 * the ordered runner says a queued call's.
 *
 * @param event The event being handled, named in the line.
 * @param call The guarded call.
 */
export function callAtArrivalSafely(
  event: ShardDispatch,
  call: () => void | Promise<void>,
): void {
  // Any thenable adopted: a JavaScript onError may hand one back.
  callListener(call, undefined, (error) => sinkFailed(event, error));
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
