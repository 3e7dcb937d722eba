/**
 * {@linkcode readNackMultiple}: a fix for how `@cloudamqp/amqp-client`
 * (4.1) reads a `basic.nack`. It takes the nack's `multiple` flag only when
 * its bits octet is exactly 1, and RabbitMQ sets `requeue` beside it: a nack
 * of several publishes (as a full `x-overflow: reject-publish` queue sends
 * them) then failed only the last one, and the earlier ones were never
 * answered. Measured against RabbitMQ: of 20 publishes to a queue full after
 * 2, 12 stayed pending for ever, and the publisher waited on them for ever.
 *
 * @module
 */
import type { AMQPChannel } from "@cloudamqp/amqp-client";

/**
 * Make every nack on `channel` fail the publishes before it that are still
 * unanswered, as a multiple nack does. A nack the broker meant for one
 * publish, when an earlier one is still unanswered (RabbitMQ answers a
 * channel's publishes in order, so this is rare), fails that earlier one
 * too: it is sent again, a copy at worst, never a loss.
 *
 * @param channel A channel in confirm mode.
 */
export function readNackMultiple(channel: AMQPChannel): void {
  const confirm = channel.publishConfirmed.bind(channel);
  channel.publishConfirmed = (deliveryTag, multiple, nack) =>
    confirm(deliveryTag, multiple || nack, nack);
}
