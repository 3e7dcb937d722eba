// What the Client reads off a Handler at start: which event methods it
// overrides (so that only those events are parsed and routed), whether it
// overrides onRaw and onError, and the `on*` methods that match no event
// method (never called).
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Context } from "./context.ts";
import { Handler, HANDLER_PROTOTYPE_MARK } from "./handler.ts";
import { onShapedName, suggestMethod } from "./_method_suggestion.ts";
import { GATEWAY_EVENT_NAMES, HANDLER_METHOD_NAMES } from "../types/events.ts";

/** A misspelt method is a mistake to show without setup. */
const visible = getVisibleLogger(["disruption", "handler"]);

/** A Handler method or listener, as the client calls it. */
export type HandlerCall = (data: unknown, ctx: Context) => void | Promise<void>;

/** The Client's routes into one handler. */
export interface HandlerRoutes {
  /** The overridden event methods' names, by event name. */
  readonly methods: ReadonlyMap<string, string>;
  /** The same methods, bound to the handler, by event name. */
  readonly calls: ReadonlyMap<string, HandlerCall>;
  /** Whether the handler overrides `onRaw` (every event is then parsed). */
  readonly raw: boolean;
  /** Whether the handler overrides `onError`. */
  readonly error: boolean;
  /**
   * Whether it overrides `onShardStateChange` / `onGatewayError`: the
   * Client queues those calls only then (a no-op queued behind a slow
   * handler was counted among the calls a stop dropped).
   */
  readonly shardState: boolean;
  readonly gatewayError: boolean;
}

/**
 * The routes into `handler`: the methods it overrides. A handler of another
 * copy of the library (two versions of the package in one program) is
 * routed as one of this copy's: its class's own defaults are the no-ops.
 */
export function handlerRoutes(handler: Handler): HandlerRoutes {
  const methods = new Map<string, string>();
  const calls = new Map<string, HandlerCall>();
  const own = handler as unknown as Record<string, unknown>;
  const defaults = handlerDefaults(handler);
  for (const event of GATEWAY_EVENT_NAMES) {
    const name = HANDLER_METHOD_NAMES[event];
    if (own[name] === defaults[name]) continue;
    methods.set(event, name);
    calls.set(event, (own[name] as HandlerCall).bind(handler));
  }
  return {
    methods,
    calls,
    raw: own.onRaw !== defaults.onRaw,
    error: own.onError !== defaults.onError,
    shardState: own.onShardStateChange !== defaults.onShardStateChange,
    gatewayError: own.onGatewayError !== defaults.onGatewayError,
  };
}

/**
 * The no-op defaults `handler` inherits: the prototype of the
 * {@linkcode Handler} it extends, whichever copy of the library that is;
 * none for an object that only has every Handler method (all are its own).
 */
function handlerDefaults(handler: Handler): Record<string, unknown> {
  for (
    let proto = Object.getPrototypeOf(handler);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (isHandlerPrototype(proto)) return proto;
  }
  return {};
}

/**
 * Whether `proto` is `Handler.prototype` of some copy of the library: this
 * copy's, or one marked with {@linkcode HANDLER_PROTOTYPE_MARK}. (Not told
 * by a class's name: a bot's own class named `Handler` that extends nothing
 * would have had every method taken for a no-op.)
 */
function isHandlerPrototype(proto: object): boolean {
  return proto === Handler.prototype ||
    Object.hasOwn(proto, HANDLER_PROTOTYPE_MARK);
}

/** Handler methods that are not events: never "misspelt". */
const LIFECYCLE_METHODS: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Handler.prototype),
);

/**
 * Warn about every `on*` method that matches no Handler method: the Client
 * never calls it. A misspelling (`onMesageCreate`, `onmessageCreate`) or
 * another library's name (`onMessage`) gets the method meant when one is
 * clear (see {@linkcode suggestMethod}). A bot's own helper (`onPingCommand`)
 * is warned about too, with how to keep it quiet: telling it from a
 * guessed name such as `onMemberJoin` is beyond a start-up check. A name
 * with a lower-case letter after `on` (`once`) is warned about only when
 * it looks like a method (`onmessageCreate`). Other libraries' shapes are
 * warned about as the `on…` name they stand for (see
 * {@linkcode onShapedName}): an event's name (`messageCreate`,
 * `message_create`) or an `on_` one (`on_message`); other names are not.
 */
export function warnMisspeltMethods(handler: Handler): void {
  const known = new Set<string>(Object.values(HANDLER_METHOD_NAMES));
  const methods = [...LIFECYCLE_METHODS].filter((name) =>
    name.startsWith("on")
  );
  for (const name of handlerMethodNames(handler)) {
    if (known.has(name) || LIFECYCLE_METHODS.has(name)) continue;
    // Any case after `on`: `onmessageCreate` is a misspelling too.
    const shaped = /^on[A-Za-z]/.test(name) ? name : onShapedName(name);
    if (shaped === undefined) continue;
    const nearest = known.has(shaped) ? shaped : suggestMethod(shaped, methods);
    if (nearest !== undefined && shaped !== name) {
      // Another library's name (`messageCreate`, `on_message`), or a helper
      // of the bot's own named like an event (`ready()`): `override` would
      // not compile, so the way to silence it is said instead.
      visible.warn(
        "{name}() is never called by the Client: event methods are named on…, {nearest}() for this one; a helper of your own: make it private (#{name}) to silence this",
        { name, nearest },
      );
    } else if (nearest !== undefined) {
      visible.warn(
        "{name}() matches no gateway event and will never be called; did you mean {nearest}()? (add 'override' to have TypeScript check the name)",
        { name, nearest },
      );
    } else if (/^on[A-Z]/.test(shaped)) {
      // Only the event-method shape: `once()` or `only()` is no guess at
      // one, while `onmessage()` got its suggestion above.
      visible.warn(
        "{name}() matches no gateway event and will never be called by the Client (an event method is named after its event: onMessageCreate for MESSAGE_CREATE); a helper of your own: make it private (#{name}) or name it without 'on' to silence this",
        { name },
      );
    }
  }
}

/**
 * The functions a handler defines below {@linkcode Handler} itself (of
 * whichever copy of the library): its class's methods and its own
 * function-valued fields.
 */
function handlerMethodNames(handler: Handler): Set<string> {
  const names = new Set<string>();
  const collect = (target: object): void => {
    for (const name of Object.getOwnPropertyNames(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, name);
      if (typeof descriptor?.value === "function") names.add(name);
    }
  };
  collect(handler);
  for (
    let proto = Object.getPrototypeOf(handler);
    proto !== null && proto !== Object.prototype && !isHandlerPrototype(proto);
    proto = Object.getPrototypeOf(proto)
  ) {
    collect(proto);
  }
  return names;
}
