/**
 * {@linkcode CommandBouncer}: how the command handler puts a `gateway.send`
 * delivery back in its queue. A copy is published at the tail (confirmed,
 * stamped with its bounces, `_command_copies.ts`) and the delivery acked:
 * for the process that runs its shard ({@linkcode CommandBouncer.elsewhere})
 * or for its own shard's turn; a delivery whose copy cannot be published is
 * requeued a moment later, until its {@linkcode MAX_REQUEUE_TIME} is up.
 *
 * @module
 */
import type { AMQPChannel, AMQPMessage } from "@cloudamqp/amqp-client";
import { getLogger } from "@logtape/logtape";
import type { Counter } from "prom-client";
import { errorText } from "../base/error_text.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  BOUNCE_HEADER,
  bounceWait,
  closedByBroker,
  copyProperties,
  LAST_BOUNCE_HEADER,
  MAX_CHANNEL_LOSSES,
  MAX_REQUEUE_TIME,
  REQUEUE_DELAY,
  timeHeader,
  UnpublishedCopies,
} from "./_command_copies.ts";

const logger = getLogger(["disruption", "dispatch", "commands"]);
const visible = getVisibleLogger(["disruption", "dispatch", "commands"]);

/**
 * What the handler needs of a delivery's channel to publish it again
 * (`closed`, when it has it, tells a copy lost with its channel, which the
 * broker redelivers, from one refused on a channel still open).
 */
export type CommandChannel =
  & Pick<AMQPChannel, "basicPublish" | "confirmSelect">
  & Partial<Pick<AMQPChannel, "closed">>;

/**
 * What the handler needs of a delivery. Without `channel`, a command for
 * another process's shard is requeued (nack) instead of published again.
 */
export type CommandMessage =
  & Pick<AMQPMessage, "bodySize" | "bodyToString" | "ack" | "nack" | "reject">
  & Partial<Pick<AMQPMessage, "redelivered" | "properties" | "body">>
  & { channel?: CommandChannel };

/** What {@linkcode CommandBouncer} needs of the handler's options. */
export interface CommandBouncerOptions {
  /** The queue the commands come from and go back to. */
  queue: string;
  /** `dispatch_commands{result}`. */
  counter: Pick<Counter<"result">, "inc">;
  /** The clock requeues wait on. */
  scheduler: Scheduler;
}

/**
 * What became of a delivery {@linkcode CommandBouncer.bounce} put back:
 * its copy `published` (the delivery acked), `requeued` (no copy: the
 * delivery is requeued, or the broker redelivers it), or `dropped` (rejected
 * without requeue).
 */
export type BounceOutcome = "published" | "requeued" | "dropped";

/** Puts the handler's deliveries back in their queue. */
export class CommandBouncer {
  readonly #options: CommandBouncerOptions;
  /**
   * When the log last said that no consumer ran a command for a shard, by
   * shard (at most one entry per shard of the bot).
   */
  readonly #unowned = new Map<number, number>();
  /** Publish confirms turned on, by delivery channel. */
  readonly #confirming = new WeakMap<CommandChannel, Promise<void>>();
  /** Deliveries whose copy could not be published, so their clock runs. */
  readonly #unpublished = new UnpublishedCopies();
  /**
   * When the log last said that a shard's command was rejected as its copy
   * could not be published, by shard.
   */
  readonly #unpublishedSaid = new Map<number, number>();

  /**
   * Create it.
   *
   * @param options The queue, the counter and the clock.
   */
  constructor(options: CommandBouncerOptions) {
    this.#options = options;
  }

  /**
   * The command's shard is not run here: publish it again at the tail of
   * the queue for the process that runs it (a copy stamped with its first
   * bounce) and ack this delivery, or reject a copy that has bounced for
   * {@linkcode MAX_REQUEUE_TIME} (no consumer runs that shard).
   */
  async elsewhere(
    message: CommandMessage,
    id: number,
    total: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { scheduler, counter, queue } = this.#options;
    if (total === 0) {
      // Not started yet: the shard may be this process's soon.
      counter.inc({ result: "retried" });
      this.requeueLater(message);
      return;
    }
    const now = scheduler.now();
    const stamped = firstBounce(message);
    // A stamp further ahead than a bounce can last is no clock's skew (a
    // publisher set it): counted from now, or it would bounce for ever.
    const first = stamped !== undefined && stamped - now > MAX_REQUEUE_TIME
      ? now
      : stamped;
    if (first !== undefined && now - first >= MAX_REQUEUE_TIME) {
      // Said again once the last line for the shard is MAX_REQUEUE_TIME
      // old: an outage that goes on is said every 5 min, not per command,
      // and a later one always is (its first drop comes MAX_REQUEUE_TIME
      // after it began, so after any line of an earlier one).
      const said = this.#unowned.get(id);
      if (said === undefined || now - said >= MAX_REQUEUE_TIME) {
        this.#unowned.set(id, now);
        visible.warn(
          "A command for shard {shard} has been put back in {queue} for {seconds} s and no consumer ran it: it is rejected without requeue, and so are the next ones still unrun after as long. Does a process run shard {shard}, with the same SHARDS_TOTAL {total}?",
          { shard: id, queue, seconds: MAX_REQUEUE_TIME / 1000, total },
        );
      }
      counter.inc({ result: "dropped" });
      await message.reject(false).catch(() => {});
      return;
    }
    logger.debug(
      "A command for shard {shard} is put back in {queue}: another process runs it",
      { shard: id, queue },
    );
    if (first === undefined) {
      // The first time: at once, at the tail of the queue.
      await this.bounce(message, id, now, signal, {}, "elsewhere");
      return;
    }
    // Bounced before: a copy no process takes must not loop fast, so it is
    // published again no sooner than REQUEUE_DELAY after its last bounce.
    // Counted from that bounce, not from now: a copy held here keeps one of
    // the consumer's prefetch slots, and with a process down its copies
    // would fill them all (each held a full second) while this process's
    // own commands queued behind them. One back REQUEUE_DELAY or more after
    // its last bounce (the queue was that long) goes at once; one back
    // sooner waits the rest; one without the stamp (an older version's)
    // the whole delay, as does one stamped ahead of this clock (at most).
    // So each copy comes round about once per REQUEUE_DELAY whatever the
    // queue's length: own commands wait at most about REQUEUE_DELAY behind
    // the held ones, and the broker carries each copy once a second for its
    // MAX_REQUEUE_TIME (a copy held by the old way came round less often,
    // as the slots let it, and that wait was the cost). Clocks apart by a
    // second or more may cut one process's wait to nothing; the next
    // process, on the slower clock, then holds the copy the whole delay.
    const wait = bounceWait(message.properties?.headers, now);
    if (wait === 0) {
      await this.bounce(message, id, first, signal, {}, "elsewhere");
      return;
    }
    // Its consumer ended meanwhile: bounce() leaves it to the broker's
    // redelivery, counted as put back.
    scheduler.setTimeout(
      () => void this.bounce(message, id, first, signal, {}, "elsewhere"),
      wait,
    );
  }

  /**
   * Publish a copy of the delivery at the tail of its queue, stamped with
   * its first bounce and with now as its last (and `extra.headers`), then
   * ack the delivery; requeue it if the copy cannot be published
   * (confirmed). The copy keeps only the properties any publisher may set
   * (`copyProperties`: no `user_id`). A delivery whose copies have failed
   * for {@linkcode MAX_REQUEUE_TIME}, or closed the channel
   * {@linkcode MAX_CHANNEL_LOSSES} times, and one whose copy this
   * connection cannot write at all (its header over the frame size), is
   * rejected instead: none loops for ever.
   *
   * The delivery is counted here, once: `dropped` when it is rejected,
   * else `result` once its copy is confirmed or refused, or
   * {@linkcode REQUEUE_DELAY} after it went if neither yet (a connection
   * blocked by a resource alarm holds the confirm until the alarm clears,
   * and the put-back must show meanwhile).
   *
   * @param result What a delivery put back counts as.
   * @returns What became of the delivery.
   */
  async bounce(
    message: CommandMessage,
    id: number,
    first: number,
    signal: AbortSignal | undefined,
    extra: { headers?: Record<string, string> },
    result: "elsewhere" | "retried",
  ): Promise<BounceOutcome> {
    if (signal?.aborted) {
      // Its consumer ended: the broker redelivers the original, and a copy
      // published now would be a second one.
      this.#options.counter.inc({ result });
      return "requeued";
    }
    const channel = message.channel;
    const now = this.#options.scheduler.now();
    const original = message.properties ?? {};
    const unpublished = this.#unpublished;
    // Only a delivery the broker gave before can have failed; none is
    // fingerprinted while none failed.
    let key = message.redelivered && unpublished.size > 0
      ? UnpublishedCopies.key(message.bodyToString() ?? "", original)
      : undefined;
    const failed = key === undefined
      ? undefined
      : unpublished.get(key, now) ?? unpublished.forgotten(id, now);
    if (failed && failed.losses >= MAX_CHANNEL_LOSSES) {
      unpublished.forget(key!);
      this.#options.counter.inc({ result: "dropped" });
      await this.#unpublishable(
        message,
        id,
        `RabbitMQ closed the channel on its copy ${failed.losses} times`,
      );
      return "dropped";
    }
    if (failed && now - failed.first >= MAX_REQUEUE_TIME) {
      unpublished.forget(key!);
      this.#options.counter.inc({ result: "dropped" });
      await this.#unpublishable(
        message,
        id,
        `its copy could not be published for ${MAX_REQUEUE_TIME / 1000} s`,
      );
      return "dropped";
    }
    const properties = copyProperties(original, {
      ...extra.headers,
      [BOUNCE_HEADER]: first,
      [LAST_BOUNCE_HEADER]: now,
    }, now);
    if (!properties) {
      // Its TTL ran out going round: the broker would have expired it.
      logger.debug(
        "A command for shard {shard} from {queue} outlived its expiration going round; it is rejected",
        { shard: id, queue: this.#options.queue },
      );
      this.#options.counter.inc({ result: "dropped" });
      await message.reject(false).catch(() => {});
      return "dropped";
    }
    const { counter, scheduler } = this.#options;
    let counted = false;
    const count = (as: "elsewhere" | "retried" | "dropped"): void => {
      if (counted) return;
      counted = true;
      scheduler.clearTimeout(late);
      counter.inc({ result: as });
    };
    const late = scheduler.setTimeout(() => count(result), REQUEUE_DELAY);
    try {
      if (!channel) throw new Error("the delivery has no channel");
      let confirming = this.#confirming.get(channel);
      if (!confirming) {
        // Confirmed, so the delivery is acked only once the copy is queued.
        confirming = channel.confirmSelect();
        this.#confirming.set(channel, confirming);
      }
      await confirming;
      await channel.basicPublish(
        "",
        this.#options.queue,
        message.body ?? message.bodyToString(),
        properties,
      );
    } catch (error) {
      const reason = errorText(error);
      count(error instanceof RangeError ? "dropped" : result);
      if (error instanceof RangeError) {
        // The library writes a publish's header in one frame of the
        // connection's frame size: a header larger (a producer on a larger
        // frame_max) never fits, however often it is tried.
        await this.#unpublishable(
          message,
          id,
          `its copy cannot be written on this connection (${reason}): are its headers larger than the frame size?`,
        );
        return "dropped";
      }
      // RabbitMQ closes the channel on a publish it refuses that way: the
      // delivery comes back at the head of the queue, first in the next
      // batch, and would close it again for ever. Only a close the broker
      // sent (with its reply code) is the copy's: the library marks every
      // channel closed when the connection drops or the client closes it,
      // and a copy in flight then is no more to blame than any other (two
      // blips dead-lettered a command, and the same command sent twice
      // shares its fingerprint, so its count).
      const lost = channel !== undefined && closedByBroker(error)
        ? channel
        : undefined;
      if (lost || channel?.closed !== true) {
        key ??= UnpublishedCopies.key(message.bodyToString() ?? "", original);
        unpublished.failed(key, now, lost, id);
      }
      // The broker redelivers the original.
      if (signal?.aborted || channel?.closed === true || lost) {
        return "requeued";
      }
      logger.debug(
        "A command could not be published again in {queue} ({reason}); it is requeued",
        { queue: this.#options.queue, reason },
      );
      // After a wait: a queue refusing every copy (full, with
      // reject-publish) would otherwise hand it straight back, unstamped,
      // thousands of times a second.
      this.requeueLater(message, signal);
      return "requeued";
    }
    count(result);
    unpublished.published(key, id);
    await message.ack().catch(() => {});
    return "published";
  }

  /**
   * Reject a command whose copy cannot be published, said once per shard
   * (again once the last line is {@linkcode MAX_REQUEUE_TIME} old).
   */
  async #unpublishable(
    message: CommandMessage,
    id: number,
    reason: string,
  ): Promise<void> {
    const now = this.#options.scheduler.now();
    const said = this.#unpublishedSaid.get(id);
    if (said === undefined || now - said >= MAX_REQUEUE_TIME) {
      this.#unpublishedSaid.set(id, now);
      visible.warn(
        "A command for shard {shard} from {queue} is rejected without requeue: {reason}. Later ones of the shard that cannot be put back are rejected alike",
        { shard: id, queue: this.#options.queue, reason },
      );
    }
    await message.reject(false).catch(() => {});
  }

  /**
   * Put the delivery back in the queue after {@linkcode REQUEUE_DELAY}
   * (unless its consumer ended meanwhile: the broker redelivers it then).
   */
  requeueLater(message: CommandMessage, signal?: AbortSignal): void {
    this.#options.scheduler.setTimeout(() => {
      if (!signal?.aborted) void message.nack(true).catch(() => {});
    }, REQUEUE_DELAY);
  }
}

/**
 * When a bounced copy was first put back, if the delivery is one.
 *
 * @param message The delivery.
 * @returns Epoch milliseconds, or `undefined`.
 */
export function firstBounce(message: CommandMessage): number | undefined {
  return timeHeader(message.properties?.headers, BOUNCE_HEADER);
}
