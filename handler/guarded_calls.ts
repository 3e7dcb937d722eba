// Calling the bot's own code (a Handler method, a listener, a lifecycle
// method) so that whatever it throws or rejects is reported, never lost and
// never thrown into the shard: to `onError` when the bot has one, else on
// stderr; and what an `onError` (or another lifecycle method) itself throws
// on stderr, naming it.
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { ShardDispatch } from "../gateway/shard.ts";
import type { Context } from "./context.ts";
import type { Handler } from "./handler.ts";
import { HandlerError, type HandlerErrorOptions } from "./handler_error.ts";
import {
  type GatewayEventName,
  HANDLER_METHOD_NAMES,
} from "../types/events.ts";

const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * What threw, as a {@linkcode HandlerError} says it (its `source`): each
 * caller of {@linkcode guardHandlerCall} names its own.
 */
export type HandlerErrorSource = NonNullable<HandlerErrorOptions["source"]>;

/**
 * Call a handler of `event`; what it throws or rejects goes to the bot's
 * `Handler.onError` (`onError`) as a {@linkcode HandlerError}, or on stderr
 * when it has none. The error says what threw (`source`): two handlers of one
 * event that both throw are otherwise told apart only by what they threw.
 *
 * @returns What the call returned, its rejection handled.
 */
export function guardHandlerCall<A>(
  event: ShardDispatch,
  call: (a: A, ctx: Context) => void | Promise<void>,
  a: A,
  ctx: Context,
  onError: Handler | undefined,
  source: HandlerErrorSource,
): void | Promise<void> {
  const failed = (cause: unknown) =>
    handlerFailed(event, source, cause, onError);
  try {
    const result = call(a, ctx);
    if (result instanceof Promise) return result.then(undefined, failed);
    // A thenable from JavaScript is adopted: its then() may return null.
    const other = result as unknown as PromiseLike<void> | null | undefined;
    if (other != null && typeof other.then === "function") {
      return Promise.resolve(other).then(undefined, failed);
    }
  } catch (cause) {
    return failed(cause);
  }
}

function handlerFailed(
  event: ShardDispatch,
  source: HandlerErrorSource,
  cause: unknown,
  onError: Handler | undefined,
): void | Promise<void> {
  const method = methodOf(event.name, source);
  const error = new HandlerError({
    cause,
    event: event.name,
    shardId: event.shardId,
    sequence: event.sequence,
    source,
    ...(method === undefined ? {} : { method }),
  });
  if (onError === undefined) {
    visible.error("{error}", { error });
    return;
  }
  return guardLifecycle("onError", () => onError.onError(error), error);
}

/**
 * The Handler method that threw: the one the Client routes `event` to (see
 * `handlerRoutes`), or `onRaw`; none for a listener.
 */
function methodOf(
  event: string,
  source: HandlerErrorSource,
): string | undefined {
  if (source === "raw") return "onRaw";
  if (source !== "method" || !Object.hasOwn(HANDLER_METHOD_NAMES, event)) {
    return undefined;
  }
  return HANDLER_METHOD_NAMES[event as GatewayEventName];
}

/**
 * Call a Handler lifecycle method; what it throws or rejects is said on
 * stderr, naming the method, with the error an `onError` was handling
 * (otherwise lost with it).
 *
 * @param method The method's name, for the line.
 * @param call Calls it.
 * @param handling The error an `onError` call was given.
 * @returns What the call returned, its rejection handled.
 */
export function guardLifecycle(
  method: string,
  call: () => void | Promise<void>,
  handling?: HandlerError,
): void | Promise<void> {
  const failed = (error: unknown) => {
    if (handling === undefined) {
      visible.error("Handler.{method} threw: {error}", { method, error });
    } else {
      visible.error(
        "Handler.{method} threw: {error}, handling: {handling}",
        { method, error, handling },
      );
    }
  };
  try {
    const result = call();
    // null too: JavaScript callers may return it, as event handlers may.
    if (result != null && typeof result.then === "function") {
      return result.then(undefined, failed);
    }
  } catch (error) {
    failed(error);
  }
}
