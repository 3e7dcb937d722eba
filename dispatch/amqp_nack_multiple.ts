/**
 * {@linkcode readNackMultiple}: a fix for how `@cloudamqp/amqp-client`
 * (4.1) reads a `basic.nack`. It takes the nack's `multiple` flag only when
 * its bits octet is exactly 1, and RabbitMQ sets `requeue` beside it: a nack
 * of several publishes (as a full `x-overflow: reject-publish` queue sends
 * them) then failed only the last one, and the earlier ones were never
 * answered. Measured against RabbitMQ: of 20 publishes to a queue full after
 * 2, 12 stayed pending for ever, and the publisher waited on them for ever.
 *
 * The flag is read from the frame itself, before the library parses it.
 * Taking every nack as multiple instead was wrong the other way: RabbitMQ
 * nacks a refused persistent publish at once but acks the earlier ones
 * only once they are on disk, so a single nack often comes while earlier
 * publishes, taken by every queue, are unanswered (measured: 458 of 464
 * nacks so); failed with it, they were sent again, and the full queue got
 * them twice.
 *
 * @module
 */
import type { AMQPBaseClient, AMQPChannel } from "@cloudamqp/amqp-client";

/** AMQP frame type of a method frame. */
const METHOD_FRAME = 1;
/** `basic` class and its `nack` method. */
const BASIC_CLASS = 60;
const NACK_METHOD = 120;
/**
 * Where a frame's parts start: type (1), channel (2), size (4), then the
 * method's class (2) and id (2), a nack's delivery tag (8) and its bits.
 */
const CHANNEL_AT = 1;
const SIZE_AT = 3;
const CLASS_AT = 7;
const METHOD_AT = 9;
const BITS_AT = 19;
/** Type, channel and size before a frame's payload; its end octet after. */
const FRAME_OVERHEAD = 8;

/** The library's frame reader, which the type declares protected. */
interface FrameReader {
  parseFrames(view: DataView): void;
}

/**
 * Make the nacks of `channel` fail exactly the publishes RabbitMQ refused:
 * the `multiple` bit is read from each `basic.nack` frame as `client`
 * receives it (the library's own reading drops it when `requeue` is set
 * too), and handed to the library's confirm in place of its reading.
 *
 * @param client The connection `channel` is on.
 * @param channel A channel in confirm mode.
 */
export function readNackMultiple(
  client: AMQPBaseClient,
  channel: AMQPChannel,
): void {
  // The multiple bits of the nacks of the frames being parsed, in order:
  // parseFrames calls publishConfirmed synchronously, once per nack.
  const multiples: boolean[] = [];
  const reader = client as unknown as FrameReader;
  const parse = reader.parseFrames.bind(client);
  reader.parseFrames = (view: DataView): void => {
    multiples.length = 0;
    for (let at = 0; at + BITS_AT < view.byteLength;) {
      const size = view.getUint32(at + SIZE_AT);
      if (
        view.getUint8(at) === METHOD_FRAME &&
        view.getUint16(at + CHANNEL_AT) === channel.id &&
        view.getUint16(at + CLASS_AT) === BASIC_CLASS &&
        view.getUint16(at + METHOD_AT) === NACK_METHOD
      ) {
        multiples.push((view.getUint8(at + BITS_AT) & 1) === 1);
      }
      at += size + FRAME_OVERHEAD;
    }
    parse(view);
  };
  const confirm = channel.publishConfirmed.bind(channel);
  channel.publishConfirmed = (deliveryTag, multiple, nack) => {
    // A nack the scan did not see (a frame it could not read) is taken as
    // covering the unanswered ones before it: a copy at worst, never a
    // publish waiting for ever.
    const read = nack ? multiples.shift() ?? true : multiple;
    confirm(deliveryTag, read, nack);
  };
}
