// What the Client reads off a Handler at start: which event methods it
// overrides (so that only those events are parsed and routed), whether it
// overrides onRaw and onError, and the `on*` methods that look like a
// misspelt event method.
import { closestName } from "../base/closest_name.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Context } from "./context.ts";
import { Handler, HANDLER_PROTOTYPE_MARK } from "./handler.ts";
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
 * Warn about `on*` methods near an event method's name (`onMesageCreate`,
 * `onmessageCreate`): a misspelling that is never called. A name far from
 * every one (`onPingCommand`) is taken for the bot's own helper, which it
 * calls itself: warning about it at every start was a false alarm only a
 * LogTape configuration silenced.
 */
export function warnMisspeltMethods(handler: Handler): void {
  const known = new Set<string>(Object.values(HANDLER_METHOD_NAMES));
  for (const name of handlerMethodNames(handler)) {
    if (known.has(name) || LIFECYCLE_METHODS.has(name)) continue;
    // closestName ignores case: `onmessageCreate` is 0 edits away.
    const nearest = closestName(name, [...known, ...LIFECYCLE_METHODS]);
    if (nearest === undefined) continue;
    visible.warn(
      "{name}() matches no gateway event and will never be called; did you mean {nearest}()? (add 'override' to have TypeScript check the name)",
      { name, nearest },
    );
  }
}

/**
 * The `onX` functions a handler defines below {@linkcode Handler} itself
 * (of whichever copy of the library): its class's methods and its own
 * function-valued fields.
 */
function handlerMethodNames(handler: Handler): Set<string> {
  const names = new Set<string>();
  const collect = (target: object): void => {
    for (const name of Object.getOwnPropertyNames(target)) {
      // Any case after `on`: `onmessageCreate` is a misspelling too.
      if (!/^on[A-Za-z]/.test(name)) continue;
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
