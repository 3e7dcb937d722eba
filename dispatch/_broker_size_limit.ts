// The broker's `max_message_size`, learnt from its refusal of a publish:
// that event would be refused on every connection, and every event after it
// would wait behind it for ever (measured: the service stayed paused and
// unhealthy), so a body over the limit is skipped in its place instead.
// The limit is the broker's setting, not the protocol's: it is forgotten
// when the broker drops the connection (a restart, the operator's
// `close_all_connections` after raising it), and learnt again from the next
// refusal. Kept apart from the publisher, whose buffer it only marks.
import { getLogger } from "@logtape/logtape";
import { utf8Over } from "../base/utf8_over.ts";

const logger = getLogger(["disruption", "dispatch", "publisher"]);

/** The broker's refusal of a publish over its limit, in a channel error. */
const REFUSAL = /message size \d+ is larger than configured max size (\d+)/;

/** What the broker said its `max_message_size` is, while it holds. */
export class BrokerSizeLimit {
  #max: number | undefined;

  /** The limit learnt, if any. */
  get max(): number | undefined {
    return this.#max;
  }

  /**
   * Learn the limit from a channel error or a refused publish's text.
   *
   * @returns Whether the text said a message was over the limit.
   */
  learn(reason: string): boolean {
    const match = REFUSAL.exec(reason);
    if (!match) return false;
    this.#max = Number(match[1]);
    return true;
  }

  /**
   * The connection was lost for `reason`: unless that was a refusal over
   * the limit, the limit is forgotten (the broker restarted, or dropped the
   * connection after its setting changed).
   */
  lost(reason: string | undefined): void {
    if (reason === undefined || !REFUSAL.test(reason)) this.#max = undefined;
  }

  /**
   * `body`'s bytes when it is over the limit learnt: the event is then
   * skipped, and said as an error.
   */
  over(
    event: { routingKey: string; shardId: number; sequence: number },
    body: string,
  ): number | undefined {
    const max = this.#max;
    if (max === undefined) return undefined;
    const bytes = utf8Over(body, max);
    if (bytes === undefined) return undefined;
    logger.error(
      "Event {name} (shard {shardId}, sequence {sequence}) is {bytes} bytes, over RabbitMQ's max_message_size of {max}: it cannot be published and is skipped",
      {
        name: event.routingKey,
        shardId: event.shardId,
        sequence: event.sequence,
        bytes,
        max,
      },
    );
    return bytes;
  }
}
