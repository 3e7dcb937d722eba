/**
 * What a dispatch's name (`t`) becomes in the broker and in the metrics.
 * The name comes from the gateway, which passes any string through
 * (Discord adds events over time), so a broken or hostile gateway chooses
 * it: the metrics keep a label of their own only for the 79 documented
 * events ({@linkcode eventLabel}), and a name that cannot be an AMQP
 * routing key is not published ({@linkcode routingKeyProblem}).
 * {@linkcode EventNames} applies both for the service and says once of
 * each kind what it did.
 *
 * Internal to the dispatch service; not exported from its entry point.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { isGatewayEventName } from "../types/events.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { utf8Over } from "../base/utf8_over.ts";
import { describeValue } from "../gateway/payload_guards.ts";

const logger = getLogger(["disruption", "dispatch"]);
/** For what the operator must see without configuring a log. */
const visibleLogger = getVisibleLogger(["disruption", "dispatch"]);

/**
 * The `type` label of every dispatch whose name is not one of the 79
 * documented events: one series per shard however many names a gateway
 * makes up.
 */
export const UNKNOWN_EVENT_LABEL = "UNKNOWN";

/** An AMQP routing key is a shortstr: at most 255 bytes of UTF-8. */
export const MAX_ROUTING_KEY_BYTES = 255;

const encoder = new TextEncoder();

/**
 * The metrics label of an event name: the name itself when it is a
 * documented event, {@linkcode UNKNOWN_EVENT_LABEL} otherwise. A label per
 * made-up name would grow the process's memory and `/metrics` without
 * bound.
 *
 * @param name The dispatch's `t`.
 * @returns The label value.
 *
 * @example
 * ```ts
 * import { eventLabel } from "./event_name.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(eventLabel("MESSAGE_CREATE"), "MESSAGE_CREATE");
 * assert.equal(eventLabel("SOMETHING_NEW"), "UNKNOWN");
 * ```
 */
export function eventLabel(name: string): string {
  return isGatewayEventName(name) ? name : UNKNOWN_EVENT_LABEL;
}

/**
 * Why an event name cannot be published as an AMQP routing key, or
 * `undefined` when it can. The only limit is the shortstr's 255 bytes of
 * UTF-8 (an AMQP client refuses to write a longer one). The empty name is a
 * valid routing key (a `#` binding receives it), and a name with an
 * unpaired surrogate is published under its UTF-8 encoding (U+FFFD in its
 * place), the key the client writes.
 *
 * @param name The dispatch's `t`.
 * @returns `"too_long"`, or `undefined` when the name is a routing key.
 *
 * @example
 * ```ts
 * import { routingKeyProblem } from "./event_name.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(routingKeyProblem("MESSAGE_CREATE"), undefined);
 * assert.equal(routingKeyProblem("é".repeat(127)), undefined); // 254 bytes
 * assert.equal(routingKeyProblem("é".repeat(128)), "too_long"); // 256 bytes
 * ```
 */
export function routingKeyProblem(name: string): "too_long" | undefined {
  // A UTF-16 unit is at least one byte of UTF-8: a name longer in units
  // than the bound (a hostile one may be megabytes) is not encoded.
  return name.length > MAX_ROUTING_KEY_BYTES ||
      utf8Over(name, MAX_ROUTING_KEY_BYTES) !== undefined
    ? "too_long"
    : undefined;
}

/**
 * The service's reading of event names: {@linkcode eventLabel} and
 * {@linkcode routingKeyProblem}, each said once in the log the first time
 * it applies (an unknown name at info: it is news, not a fault; a name too
 * long for a routing key as a visible warning: an event is not published).
 */
export class EventNames {
  readonly #unroutable: { inc(): void };
  #unknownSaid = false;
  #unroutableSaid = false;

  /**
   * @param unroutable Counts the names that cannot be a routing key
   *   (`dispatch_unroutable_events`).
   */
  constructor(unroutable: { inc(): void }) {
    this.#unroutable = unroutable;
  }

  /**
   * The metrics label of an event name; the first unknown one is logged.
   *
   * @param shardId The shard that received it.
   * @param name The dispatch's `t`.
   * @returns The name, or {@linkcode UNKNOWN_EVENT_LABEL}.
   */
  label(shardId: number, name: string): string {
    const label = eventLabel(name);
    if (label === UNKNOWN_EVENT_LABEL && !this.#unknownSaid) {
      this.#unknownSaid = true;
      logger.info(
        `Shard {shardId} received event {name}, not a documented one: it is published under its own routing key and counted as ${UNKNOWN_EVENT_LABEL} in gateway_events (said once)`,
        { shardId, name: describeName(name) },
      );
    }
    return label;
  }

  /**
   * Whether an event name can be published as a routing key; one that
   * cannot is counted, and the first one logged.
   *
   * @param shardId The shard that received it.
   * @param name The dispatch's `t`.
   * @returns `false` for a name over 255 bytes of UTF-8.
   */
  routable(shardId: number, name: string): boolean {
    if (routingKeyProblem(name) === undefined) return true;
    this.#unroutable.inc();
    if (!this.#unroutableSaid) {
      this.#unroutableSaid = true;
      visibleLogger.warn(
        "Shard {shardId} received an event named {name} ({bytes} bytes): over AMQP's {max}-byte routing key limit, so it is not published; this and any later one are counted in dispatch_unroutable_events (said once)",
        {
          shardId,
          name: describeName(name),
          bytes: encoder.encode(name).length,
          max: MAX_ROUTING_KEY_BYTES,
        },
      );
    }
    return false;
  }
}

/**
 * An event name for a log line: cut to 64 characters (the gateway chose it,
 * and it may be megabytes long), with control characters escaped as in
 * JSON so that it cannot start a line of its own.
 */
function describeName(name: string): string {
  // describeValue quotes it; the log line quotes the value itself.
  return describeValue(name).slice(1, -1);
}
