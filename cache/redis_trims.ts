// The trims of the channels a Redis store's write chunk sets messages in:
// one per channel a chunk (TRIM_MESSAGES reads its whole channel), not one
// per message. Queued after each message write, a batch of 1,000 messages
// in a channel of 4,000 kept with `maxAge` scanned the channel 1,000 times
// in one MULTI: 2.1 s in which Redis answered no other client.
//
// The same messages are kept: a run of writes only adds to a channel, and
// trimming once after it keeps what trimming after each write keeps (the
// newest `perChannel` of those not older than the age bound, measured from
// the newest two, which only grow as messages are added). A message's
// removal (MESSAGE_DELETE) would keep one an earlier trim had dropped: its
// channel's trim is queued before it.
import { TRIM_MESSAGES } from "./redis_scripts.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

/** The trims due in a batch's current write chunk. */
export class MessageTrims {
  readonly #perChannel: number;
  readonly #maxAge: number;
  /** Channels with a message written since their last trim. */
  readonly #due = new Set<string>();

  /**
   * @param perChannel Messages kept per channel.
   * @param maxAge The age bound (ms), or -1 for none.
   */
  constructor(perChannel: number, maxAge: number) {
    this.#perChannel = perChannel;
    this.#maxAge = maxAge;
  }

  /** Say a message of `channelId` was written: its trim is due. */
  wrote(channelId: string): void {
    this.#due.add(channelId);
  }

  /**
   * Queue `channelId`'s trim in `chunk` now if it is due: before a write
   * that removes one of its messages.
   */
  before(chunk: WriteChunk, channelId: string): void {
    if (this.#due.delete(channelId)) this.#queue(chunk, channelId);
  }

  /** Queue every trim due, last in `chunk`, which ends. */
  endChunk(chunk: WriteChunk): void {
    for (const channelId of this.#due) this.#queue(chunk, channelId);
    this.#due.clear();
  }

  #queue(chunk: WriteChunk, channelId: string): void {
    chunk.eval(
      TRIM_MESSAGES,
      1,
      `channel_keys:${channelId}`,
      this.#perChannel,
      this.#maxAge,
    );
  }
}
