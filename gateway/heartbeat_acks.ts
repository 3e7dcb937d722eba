/**
 * {@linkcode HeartbeatAcks}: which heartbeat a heartbeat ACK answers, for
 * the latency a shard shows and for the proof a reshard's read barrier
 * needs that everything sent before a moment was read.
 *
 * @module
 */

/** Send times kept of heartbeats not ACKed (Discord ACKs each at once). */
const MAX_KEPT = 8;

/**
 * The send times of the heartbeats not yet ACKed, oldest first, at most
 * {@linkcode MAX_KEPT}: heartbeats sent once it is full are counted and
 * measured from the last one kept, so a time taken is never later than
 * the heartbeat's own.
 */
class SendTimes {
  #times: number[] = [];
  #unrecorded = 0;

  push(at: number): void {
    if (this.#unrecorded > 0 || this.#times.length >= MAX_KEPT) {
      this.#unrecorded++;
    } else this.#times.push(at);
  }

  /** Takes the oldest; `undefined` when no heartbeat waits. */
  take(): number | undefined {
    const at = this.#times[0];
    if (at === undefined) return undefined;
    if (this.#times.length === 1 && this.#unrecorded > 0) {
      this.#unrecorded--;
    } else this.#times.shift();
    return at;
  }

  /** Forgets the heartbeats sent before `at`. */
  dropBefore(at: number): void {
    while (this.#times.length > 0 && this.#times[0]! < at) this.#times.shift();
    if (this.#times.length === 0) this.#unrecorded = 0;
  }
}

/** What one heartbeat ACK answered. */
export interface AckedHeartbeat {
  /**
   * When the heartbeat the ACK is taken to answer went out, for the
   * latency shown; `undefined` when every heartbeat waiting was taken for
   * one whose ACK was lost.
   */
  shownSentAt: number | undefined;
  /**
   * When the heartbeat the ACK answers went out, counting ACKs strictly in
   * order: never later than the one it really answers (a lost ACK makes it
   * earlier, a late one cannot make it later).
   */
  sentNoLaterThan: number;
}

/**
 * The heartbeats of one connection not yet ACKed. Discord ACKs each
 * heartbeat, in order, after what it wrote before the heartbeat came.
 *
 * Two readings of an ACK, because a lost ACK and a late one look the same
 * when it comes: the latency shown takes a heartbeat waiting two intervals
 * for one whose ACK was lost (kept, every later latency read one interval
 * long for the rest of the connection), so behind a read backlog of over
 * two intervals it reads short; the in-order count never drops one, so it
 * is never later than the truth, which is what proving a read needs.
 */
export class HeartbeatAcks {
  #shown = new SendTimes();
  #inOrder = new SendTimes();

  /** A heartbeat went out at `at`. */
  sent(at: number): void {
    this.#shown.push(at);
    this.#inOrder.push(at);
  }

  /**
   * An ACK arrived at `now` on a connection of heartbeat interval
   * `interval`: what it answered, or `undefined` when no heartbeat waited
   * (an ACK a peer sent twice or unasked).
   */
  acked(now: number, interval: number): AckedHeartbeat | undefined {
    const sentNoLaterThan = this.#inOrder.take();
    if (sentNoLaterThan === undefined) return undefined;
    this.#shown.dropBefore(now - 2 * interval);
    return { shownSentAt: this.#shown.take(), sentNoLaterThan };
  }
}
