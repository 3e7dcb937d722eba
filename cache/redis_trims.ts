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
// channel's trim is queued before it, when that trim drops any. When it
// drops none, the removal changes nothing a trim keeps (a channel within
// its bounds stays within them, and its age cutoff, measured from its
// newest two, can only fall), and the trim waits for the chunk's end: a
// batch of messages each created and then deleted (a moderation bot's
// spam, a bot's own short-lived messages) queued one trim per message,
// each reading its whole channel.
import type { MessageBounds } from "./batch_overlay.ts";
import { TRIM_MESSAGES } from "./redis_scripts.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

/** What a batch's overlay says of its trims (see `BatchOverlay.trimDrops`). */
export interface TrimDrops {
  /** How many messages of `channelId` the batch's trims dropped so far. */
  trimDrops(channelId: string): number;
}

/** The trims due in a batch's current write chunk. */
export class MessageTrims {
  readonly #perChannel: number;
  readonly #maxAge: number;
  readonly #overlay: TrimDrops | undefined;
  /**
   * Channels with a message written since their last trim, each with what
   * the overlay's trims had dropped of it at the first of those writes.
   */
  readonly #due = new Map<string, number>();

  /**
   * @param bounds The store's message bounds.
   * @param overlay The batch's overlay, which trims as the store does,
   *   holding each channel a message is written in whole: without it (a
   *   batch of one dispatch), a trim is queued before every removal.
   */
  constructor(bounds: MessageBounds, overlay?: TrimDrops) {
    this.#perChannel = bounds.perChannel;
    this.#maxAge = bounds.maxAge ?? -1;
    this.#overlay = overlay;
  }

  /** Say a message of `channelId` was written: its trim is due. */
  wrote(channelId: string): void {
    if (this.#due.has(channelId)) return;
    this.#due.set(channelId, this.#overlay?.trimDrops(channelId) ?? 0);
  }

  /**
   * Queue `channelId`'s trim in `chunk` now if it is due and drops any
   * message: before a write that removes one of its messages (whose
   * reduction has the overlay trim it first).
   */
  before(chunk: WriteChunk, channelId: string): void {
    const dropped = this.#due.get(channelId);
    if (dropped === undefined) return;
    // Dropped none since its writes: the same kept either way (see above).
    if (this.#overlay?.trimDrops(channelId) === dropped) return;
    this.#due.delete(channelId);
    this.#queue(chunk, channelId);
  }

  /** Queue every trim due, last in `chunk`, which ends. */
  endChunk(chunk: WriteChunk): void {
    for (const channelId of this.#due.keys()) this.#queue(chunk, channelId);
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
