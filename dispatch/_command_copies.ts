/**
 * The copies of `gateway.send` commands the handler publishes again (for
 * another process's shard, or for its own shard's turn): the stamps they
 * carry, what they keep of the original's properties
 * ({@linkcode copyProperties}), and the deliveries whose copy could not be
 * published ({@linkcode UnpublishedCopies}).
 *
 * A copy is published by the service's own connection, so it keeps only
 * the properties the broker takes from any publisher. RabbitMQ checks
 * `user_id` against the publishing connection's user: a command published
 * by user `producer` and put back by the service (logged in as `guest`) with
 * it closed the consumer's channel with PRECONDITION_FAILED; the delivery
 * went back to the head of the queue, came first on the next subscription,
 * closed the channel again, for ever, and the commands of each batch were
 * sent to Discord with their acks lost, so sent twice. `reply_to` is left
 * too: RabbitMQ refuses `amq.rabbitmq.reply-to` from a channel that does
 * not consume it.
 *
 * @module
 */
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import { fnv1a } from "../base/fnv1a.ts";

/**
 * How long a command waits before it goes back to the queue; a bounced copy
 * goes back no sooner than this after its last bounce.
 */
export const REQUEUE_DELAY = 1_000;

/**
 * How long a shard's commands are put back in the queue while it cannot
 * take them (not ready: paused, restarting, reconnecting) before they are
 * rejected instead, counted from a copy's first bounce (put back while its
 * shard was ready, for its budget, a copy starts again): none loops for
 * ever behind a shard that does not come back. A delivery whose copy
 * cannot be published is rejected as long after its first failure.
 */
export const MAX_REQUEUE_TIME = 5 * 60_000;

/**
 * The header of a command published again for the process that runs its
 * shard: when it was first put back (epoch milliseconds), kept by every
 * later bounce. A copy whose first bounce is {@linkcode MAX_REQUEUE_TIME}
 * old is rejected.
 */
export const BOUNCE_HEADER = "x-disruption-first-bounce";

/**
 * The header of a bounced copy that says when it was last published again
 * (epoch milliseconds, the publishing process's clock). A copy back less than
 * {@linkcode REQUEUE_DELAY} after it waits the rest of that delay before it
 * is published again, so one no process takes never loops fast; one back
 * later (the queue was long) is published again at once. A copy without it
 * (from an older version) waits the whole delay.
 */
export const LAST_BOUNCE_HEADER = "x-disruption-last-bounce";

/**
 * How many times a delivery's copy may be the first publish lost with its
 * channel (the broker closed it) before the delivery is rejected: a copy
 * the broker refuses that way would otherwise close the channel on every
 * redelivery, and each time the commands of the batch already sent would
 * be sent again.
 */
export const MAX_CHANNEL_LOSSES = 2;

/**
 * The library's error for a channel the broker closed (`channel.close` with
 * its reply code and text): `channel N closed: TEXT (CODE)`. A connection
 * lost or closed by the client fails the publishes in flight otherwise
 * ("Connection closed by client", "Socket closed", a socket's error, or
 * `connection closed: TEXT (CODE)` for the broker's connection.close).
 */
const CHANNEL_CLOSE = /^channel \d+ closed: [\s\S]*\((\d{3})\)$/;

/**
 * Whether a publish failed because the broker closed its channel (with a
 * reply code other than 200, the normal close): what RabbitMQ does on a
 * publish it refuses, unlike a connection lost or closed by the client,
 * which closes every channel and is no copy's fault.
 *
 * @param error What the publish rejected with.
 * @returns Whether the broker closed the channel.
 */
export function closedByBroker(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = CHANNEL_CLOSE.exec(error.message)?.[1];
  return code !== undefined && code !== "200";
}

/**
 * Deliveries remembered whose copy could not be published: the oldest is
 * forgotten past it. Few fail at once (at most the prefetch).
 */
const MAX_REMEMBERED = 1_024;

/**
 * A failure older than this, with none since, is forgotten: a delivery
 * whose copy keeps failing comes back within a second (requeued), or after
 * the consumer's backoff (at most 30 s); a same command published anew
 * later starts afresh.
 */
const FORGET_AFTER = 2 * 60_000;

/** Headers that may hold times. */
type Headers = AMQPProperties["headers"];

/**
 * A header holding epoch milliseconds, if it has one.
 *
 * @param headers The delivery's headers.
 * @param name The header.
 * @returns The time, or `undefined`.
 */
export function timeHeader(
  headers: Headers,
  name: string,
): number | undefined {
  const value = headers?.[name];
  const time = typeof value === "bigint" ? Number(value) : value;
  return typeof time === "number" && Number.isFinite(time) ? time : undefined;
}

/**
 * How long a copy bounced before waits before it is published again: the
 * rest of {@linkcode REQUEUE_DELAY} since its last bounce, 0 once that has
 * passed, the whole delay at most (no stamp, or one ahead of `now`).
 *
 * @param headers The copy's headers.
 * @param now The time.
 * @returns Milliseconds.
 */
export function bounceWait(headers: Headers, now: number): number {
  const last = timeHeader(headers, LAST_BOUNCE_HEADER);
  if (last === undefined) return REQUEUE_DELAY;
  return Math.min(REQUEUE_DELAY, Math.max(0, REQUEUE_DELAY - (now - last)));
}

/**
 * A per-message TTL as RabbitMQ takes it: whole milliseconds, a leading
 * `+` allowed (it parses the string as an Erlang integer: "+3000" is 3000).
 */
const TTL = /^\+?\d{1,15}$/;

/**
 * What a copy carries of the original's properties: content type and
 * encoding, delivery mode, priority, correlation and message ids,
 * timestamp, type, app id and the headers (with `headers` added over
 * them); never `user_id` nor `reply_to` (see the module). A per-message TTL
 * (`expiration`) goes on less the time since the copy's last bounce: a TTL
 * starts again each time a message is queued, and a copy that got the
 * whole of it at each bounce could go round for ever past it (a copy's
 * first bounce keeps it whole: how long the original waited is unknown);
 * one it cannot read is kept as it is.
 *
 * @param properties The delivery's properties.
 * @param headers The headers to add (the stamps, the turn).
 * @param now The time.
 * @returns The copy's properties, or `undefined` when its TTL ran out (the
 * broker would have expired it).
 */
export function copyProperties(
  properties: AMQPProperties,
  headers: Record<string, unknown>,
  now: number,
): AMQPProperties | undefined {
  const copy: AMQPProperties = {};
  const {
    contentType,
    contentEncoding,
    deliveryMode,
    priority,
    correlationId,
    messageId,
    timestamp,
    type,
    appId,
    expiration,
  } = properties;
  if (contentType !== undefined) copy.contentType = contentType;
  if (contentEncoding !== undefined) copy.contentEncoding = contentEncoding;
  if (deliveryMode !== undefined) copy.deliveryMode = deliveryMode;
  if (priority !== undefined) copy.priority = priority;
  if (correlationId !== undefined) copy.correlationId = correlationId;
  if (messageId !== undefined) copy.messageId = messageId;
  if (timestamp !== undefined) copy.timestamp = timestamp;
  if (type !== undefined) copy.type = type;
  if (appId !== undefined) copy.appId = appId;
  if (expiration !== undefined && !TTL.test(expiration)) {
    // Not one this reads, yet the broker took it on the original: kept as
    // it is, so the copy still expires (left out, it never did).
    copy.expiration = expiration;
  } else if (expiration !== undefined) {
    const last = timeHeader(properties.headers, LAST_BOUNCE_HEADER);
    // A stamp ahead of this clock takes nothing off.
    const spent = last === undefined ? 0 : Math.max(0, now - last);
    const left = Number(expiration) - spent;
    // None left (or none at all, "0": now or never): the broker would
    // have expired it.
    if (left <= 0) return undefined;
    copy.expiration = String(left);
  }
  copy.headers = { ...properties.headers, ...headers } as NonNullable<Headers>;
  return copy;
}

/** A delivery whose copy could not be published. */
export interface FailedCopy {
  /** When its copy first failed. */
  readonly first: number;
  /** When it last failed. */
  last: number;
  /** How many times its copy was the first publish lost with its channel. */
  losses: number;
}

/**
 * The deliveries whose copy could not be published (a full queue refusing
 * it, a blocked connection, the broker closing the channel for it), by
 * their body and properties: a delivery requeued (or redelivered with its
 * channel closed) comes back as it was, unstamped, so this is how its
 * {@linkcode MAX_REQUEUE_TIME} still runs. Past
 * {@linkcode MAX_REMEMBERED} of them each was forgotten before it came
 * back, and none was ever rejected: a delivery not remembered then counts
 * from when its shard's copies began to fail (none published since).
 */
export class UnpublishedCopies {
  readonly #failed = new Map<string, FailedCopy>();
  /** Channels whose loss was already blamed on a copy. */
  readonly #blamed = new WeakSet<object>();
  /**
   * Since when each shard's copies have failed, none published since (at
   * most one entry per shard of the bot), and when they last did.
   */
  readonly #shards = new Map<number, { first: number; last: number }>();
  /** When a delivery was last forgotten to stay within MAX_REMEMBERED. */
  #evicted: number | undefined;

  /** How many deliveries are remembered. */
  get size(): number {
    return this.#failed.size;
  }

  /**
   * A delivery's identity: a fingerprint of its body and properties, the
   * same at each redelivery.
   *
   * @param body The body.
   * @param properties Its properties.
   * @returns The key.
   */
  static key(body: string, properties: AMQPProperties): string {
    const text = `${body}\u0000${
      JSON.stringify(
        properties,
        (_, value) => typeof value === "bigint" ? `${value}n` : value,
      )
    }`;
    // Two lanes seeded apart: 64 bits, with the length.
    return `${text.length}:${fnv1a(text)}${fnv1a(`\u0001${text}`)}`;
  }

  /**
   * The failures of a delivery's copies, if any recent.
   *
   * @param key Its {@linkcode UnpublishedCopies.key}.
   * @param now The time.
   * @returns Them, or `undefined`.
   */
  get(key: string, now: number): FailedCopy | undefined {
    const failed = this.#failed.get(key);
    if (failed && now - failed.last >= FORGET_AFTER) {
      this.#failed.delete(key);
      return undefined;
    }
    return failed;
  }

  /**
   * A delivery's copy could not be published.
   *
   * @param key Its {@linkcode UnpublishedCopies.key}.
   * @param now The time.
   * @param lost The channel the copy went on, when the broker closed it
   * (the first copy that failed with a channel is blamed for its loss:
   * RabbitMQ closes a channel on the publish it refuses, and those after
   * it fail with it).
   * @param shard The command's shard.
   * @returns Its failures so far.
   */
  failed(
    key: string,
    now: number,
    lost: object | undefined,
    shard: number,
  ): FailedCopy {
    let streak = this.#shards.get(shard);
    if (!streak || now - streak.last >= FORGET_AFTER) {
      streak = { first: now, last: now };
      this.#shards.set(shard, streak);
    }
    streak.last = now;
    let failed = this.get(key, now);
    if (failed) {
      this.#failed.delete(key); // To the end: the most recent.
      failed.last = now;
    } else {
      // While deliveries are being forgotten, a new one may be one that
      // failed before: it takes its shard's clock (else each, forgotten and
      // taken anew in turn, started afresh for ever).
      const first = this.forgotten(shard, now)?.first ?? now;
      failed = { first, last: now, losses: 0 };
    }
    if (lost && !this.#blamed.has(lost)) {
      this.#blamed.add(lost);
      failed.losses++;
    }
    this.#failed.set(key, failed);
    while (this.#failed.size > MAX_REMEMBERED) {
      this.#failed.delete(this.#failed.keys().next().value!);
      this.#evicted = now;
    }
    return failed;
  }

  /**
   * The failures of a delivery not remembered while deliveries are being
   * forgotten (past {@linkcode MAX_REMEMBERED}): it may be one whose copy
   * failed before, so its shard's clock stands in for its own, from the
   * shard's first failure with none of its copies published since.
   *
   * @param shard The command's shard.
   * @param now The time.
   * @returns Them, or `undefined` when none were forgotten lately or the
   * shard's copies do not fail.
   */
  forgotten(shard: number, now: number): FailedCopy | undefined {
    if (this.#evicted === undefined || now - this.#evicted >= FORGET_AFTER) {
      return undefined;
    }
    const streak = this.#shards.get(shard);
    if (!streak || now - streak.last >= FORGET_AFTER) return undefined;
    return { first: streak.first, last: streak.last, losses: 0 };
  }

  /**
   * A delivery is rejected: forgotten (its shard's clock runs on for the
   * shard's other deliveries).
   *
   * @param key Its {@linkcode UnpublishedCopies.key}.
   */
  forget(key: string): void {
    this.#failed.delete(key);
  }

  /**
   * A delivery's copy was published: it starts afresh, and so does its
   * shard's clock.
   *
   * @param key Its {@linkcode UnpublishedCopies.key}, if it was taken.
   * @param shard The command's shard.
   */
  published(key: string | undefined, shard: number): void {
    if (key !== undefined) this.#failed.delete(key);
    this.#shards.delete(shard);
  }
}
