/**
 * {@linkcode ShardTurns}: how many of a shard's commands the command handler
 * holds unsettled, and which of its commands it put back at the tail of
 * `gateway.send`, in order.
 *
 * The service consumes every shard's commands on one consumer with one
 * prefetch (100). A command held unsettled while it waits in its shard's
 * send queue (120 frames a minute) or for its shard to reconnect takes a
 * slot: one shard's flood or outage filled them all, and every other
 * shard's commands waited behind it (a minute and more, or for as long as
 * the outage lasted). So a shard holds at most
 * {@linkcode MAX_SHARD_COMMANDS} unsettled; its other commands are put back
 * at the tail of the queue (published again, the delivery acked) and come
 * round again.
 *
 * Put back, a command would be overtaken by the shard's next ones, and a
 * presence or voice state sent out of order leaves the bot in the wrong
 * one. So each copy put back carries a turn ({@linkcode TURN_HEADER}: this
 * handler's id and an increasing number), and while any of a shard's copies
 * is on its way round, a command of the shard runs only when no older one
 * is: a new command goes to the tail behind them, a copy that comes back
 * before an older one goes round again.
 *
 * A copy that does not come back must not hold its shard's commands back
 * for long: another consumer of the queue took it (a process still
 * stopping while the next one runs the same shards, or one that bounced it
 * to the tail, its shard not being its own), or the queue was purged. The
 * queue is first in, first out, and the copies are published in order (the
 * header numbers each publish): a copy that comes back forgets those
 * published before it that have not (they went elsewhere). One lost with
 * no later copy behind it is forgotten {@linkcode TURN_LIFETIME} after it
 * was last put back.
 *
 * @module
 */

/**
 * The most commands of one shard held unsettled at once: well below the
 * consumer's prefetch (100), so a flooded or reconnecting shard leaves the
 * other slots to the other shards, and above what a shard sends in a
 * couple of seconds (2 frames a second), so that its send queue never runs
 * dry while its commands come round.
 */
export const MAX_SHARD_COMMANDS = 10;

/**
 * The header of a command put back for its shard's turn:
 * `<handler>:<turn>:<publish>`, the handler's random id, the copy's number
 * there (increasing in the order the commands came) and the number of this
 * publish of it (increasing in the order the handler published copies).
 */
export const TURN_HEADER = "x-disruption-turn";

/**
 * How long after it was last put back a copy still holds the shard's later
 * commands back: one not back by then was lost (or is rejected when it
 * comes, its 5 minutes up).
 */
export const TURN_LIFETIME = 5 * 60_000 + 1_000;

/** A copy of the handler's header: its turn and the number of its publish. */
export interface Turn {
  /** Its place among its shard's commands. */
  turn: number;
  /** The number of the publish that queued it. */
  publish: number;
}

/** A copy on its way round. */
interface Out {
  /** When it was last put back. */
  since: number;
  /** Its publish; `undefined` until it is published (held meanwhile). */
  publish: number | undefined;
}

/** The counts and turns of one handler's shards. */
export class ShardTurns {
  /** This handler's id in {@linkcode TURN_HEADER}: others' turns are not its. */
  readonly #id = crypto.randomUUID();
  #nextTurn = 0;
  #nextPublish = 0;
  /** Unsettled commands, by shard (running in it, or restarting it). */
  readonly #running = new Map<number, number>();
  /** Copies on their way round: shard → turn → its state. */
  readonly #out = new Map<number, Map<number, Out>>();

  /**
   * Unsettled commands of a shard.
   *
   * @param shard The shard.
   * @returns How many.
   */
  running(shard: number): number {
    return this.#running.get(shard) ?? 0;
  }

  /**
   * The turn a delivery carries, when it is a copy this handler put back.
   *
   * @param header The value of {@linkcode TURN_HEADER}, if any.
   * @returns The turn and publish, or `undefined` (no copy, or another
   * handler's).
   */
  turnOf(header: unknown): Turn | undefined {
    if (typeof header !== "string") return undefined;
    const [id, turn, publish, ...rest] = header.split(":");
    if (id !== this.#id || rest.length > 0) return undefined;
    const parsed = { turn: Number(turn), publish: Number(publish) };
    return Number.isSafeInteger(parsed.turn) &&
        Number.isSafeInteger(parsed.publish)
      ? parsed
      : undefined;
  }

  /**
   * A copy is published now: the header it carries.
   *
   * @param shard The shard.
   * @param turn Its turn, from {@linkcode ShardTurns.putBack}.
   * @returns `<handler>:<turn>:<publish>`.
   */
  publish(shard: number, turn: number): string {
    const publish = this.#nextPublish++;
    const out = this.#out.get(shard)?.get(turn);
    if (out) out.publish = publish;
    return `${this.#id}:${turn}:${publish}`;
  }

  /**
   * Whether a command of the shard may run now: fewer than
   * {@linkcode MAX_SHARD_COMMANDS} run, and no older copy is on its way.
   *
   * @param shard The shard.
   * @param turn The command's turn, when it is a copy that came back
   * ({@linkcode ShardTurns.arrived} first); `undefined` for one not put
   * back yet, which runs only when no copy is on its way.
   * @param now The time.
   * @returns Whether it runs.
   */
  mayRun(shard: number, turn: number | undefined, now: number): boolean {
    if (this.running(shard) >= MAX_SHARD_COMMANDS) return false;
    const out = this.#out.get(shard);
    if (!out) return true;
    for (const [other, { since }] of out) {
      if (now - since >= TURN_LIFETIME) out.delete(other);
      else if (turn === undefined || other < turn) return false;
    }
    if (out.size === 0) this.#out.delete(shard);
    return true;
  }

  /**
   * A command of the shard is put back: it is on its way round (held until
   * {@linkcode ShardTurns.publish}).
   *
   * @param shard The shard.
   * @param turn Its turn, if it had one (a copy keeps it).
   * @param now The time.
   * @returns Its turn.
   */
  putBack(shard: number, turn: number | undefined, now: number): number {
    const mine = turn ?? this.#nextTurn++;
    let out = this.#out.get(shard);
    if (!out) this.#out.set(shard, out = new Map());
    out.set(mine, { since: now, publish: undefined });
    return mine;
  }

  /**
   * A copy is no longer on its way (it came back, its publish failed or was
   * given up): it holds no later command back. One that came back also
   * forgets the shard's copies published before it: the queue would have
   * delivered them first, so another consumer took them.
   *
   * @param shard The shard.
   * @param turn Its turn.
   * @param publish The publish it came back from, if it did.
   */
  arrived(shard: number, turn: number, publish?: number): void {
    const out = this.#out.get(shard);
    if (!out) return;
    out.delete(turn);
    if (publish !== undefined) {
      for (const [other, state] of out) {
        if (state.publish !== undefined && state.publish < publish) {
          out.delete(other);
        }
      }
    }
    if (out.size === 0) this.#out.delete(shard);
  }

  /**
   * A command of the shard starts running (unsettled until
   * {@linkcode ShardTurns.finished}).
   *
   * @param shard The shard.
   */
  started(shard: number): void {
    this.#running.set(shard, this.running(shard) + 1);
  }

  /**
   * A command of the shard is settled.
   *
   * @param shard The shard.
   */
  finished(shard: number): void {
    const left = this.running(shard) - 1;
    if (left > 0) this.#running.set(shard, left);
    else this.#running.delete(shard);
  }
}
