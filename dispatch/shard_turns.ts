/**
 * {@linkcode ShardTurns}: the order of one handler's commands per shard,
 * while some of them go round `gateway.send`.
 *
 * A shard that cannot take a command (its budget of held commands is full,
 * `shard_holds.ts`, or it is not ready) has it put back at the tail of the
 * queue (published again, the delivery acked). Put back, a command would
 * be overtaken by the shard's next ones, and a presence or voice state sent
 * out of order leaves the bot in the wrong one. So every command of a shard
 * gets a turn when it first comes (this handler's increasing number), a
 * copy put back carries it ({@linkcode TURN_HEADER}), and a command is
 * taken only when no older one of its shard is on its way round: a new
 * command goes to the tail behind them, a copy that comes back before an
 * older one goes round again.
 *
 * The copies on their way are kept per shard in a FIFO in turn order (a
 * copy going round again keeps its place in it): whether a command may be
 * taken is a look at its head, and each copy enters and leaves it once, so
 * every operation is O(1) amortised. A command taken and then put back
 * (its shard closed under it) goes back to its place, among the few taken
 * ones put back before it (at most the consumer's prefetch): the shard's
 * commands keep their order through an outage too.
 *
 * A copy that does not come back must not hold its shard's commands back
 * for long: another consumer of the queue took it (a process still
 * stopping while the next one runs the same shards, or one that bounced it
 * to the tail, its shard not being its own), or the queue was purged. The
 * queue is first in, first out, and the copies are published in order (the
 * header numbers each publish): a copy that comes back forgets those
 * published before it that have not (they went elsewhere; a second FIFO per
 * shard, in publish order, finds them). One lost with no later copy behind
 * it is forgotten {@linkcode TURN_LIFETIME} after it was last put back,
 * once it is the oldest.
 *
 * Presence updates (op 3) take no place in a line: only the latest presence
 * counts and the shard lets later commands pass one that must wait, so the
 * handler puts a presence back with its turn in the header but never
 * {@linkcode ShardTurns.putBack}s it, and a flood of them holds none of the
 * shard's other commands back (200 held an op 31 for 120 s). A presence is
 * still taken only after the older commands of its line.
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";

/**
 * The header of a command put back for its shard's turn:
 * `<handler>:<turn>:<publish>`, the handler's random id, the command's turn
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

/**
 * How far into a shard's line a command taken and then put back is slid to
 * its place: the taken ones put back before it, at most about the
 * consumer's prefetch. Past it (a copy forgotten that came back after
 * all), it goes to the tail with a new turn.
 */
const MAX_SLIDE = 256;

/** A copy of the handler's header: its turn and the number of its publish. */
export interface Turn {
  /** Its place among its shard's commands. */
  turn: number;
  /** The number of the publish that queued it. */
  publish: number;
}

/** A command of a shard on its way round (or in hand, about to go again). */
interface Entry {
  readonly turn: number;
  /** When it was last put back. */
  since: number;
  /** Its last publish; `undefined` until published (held meanwhile). */
  publish: number | undefined;
  /** Taken, settled or forgotten: no longer holds later commands back. */
  gone: boolean;
}

/** A publish of a copy, in the order published. */
interface Published {
  readonly entry: Entry;
  readonly publish: number;
}

/** One shard's copies on their way: in turn order, and by publish. */
interface Line {
  readonly byTurn: Map<number, Entry>;
  /** Entries in turn order (some gone, dropped once at the head). */
  readonly waiting: Fifo<Entry>;
  /** Publishes in publish order (some stale: the entry published again). */
  readonly published: Fifo<Published>;
  /** The largest turn in `waiting`. */
  last: number;
}

/** The turns of one handler's shards. */
export class ShardTurns {
  /** This handler's id in {@linkcode TURN_HEADER}: others' turns are not its. */
  readonly #id = crypto.randomUUID();
  #nextTurn = 0;
  #nextPublish = 0;
  readonly #lines = new Map<number, Line>();
  /**
   * Entries and publishes looked at so far, for tests and diagnostics: it
   * grows by O(1) amortised per operation.
   */
  steps = 0;

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
   * The turn of a command that comes for the first time: after every
   * other's.
   *
   * @returns The turn.
   */
  next(): number {
    return this.#nextTurn++;
  }

  /**
   * Whether no older command of the shard is on its way round: the command
   * may be taken in its turn.
   *
   * @param shard The shard.
   * @param turn The command's turn (from {@linkcode ShardTurns.next} or its
   * copy's header).
   * @param now The time, to forget a copy lost for {@linkcode TURN_LIFETIME}.
   * @returns Whether it is the shard's oldest.
   */
  mayTake(shard: number, turn: number, now: number): boolean {
    const line = this.#lines.get(shard);
    if (!line) return true;
    const head = this.#head(shard, line, now);
    return head === undefined || head.turn >= turn;
  }

  /**
   * A command of the shard is put back: it is on its way round (held until
   * {@linkcode ShardTurns.publish}), in its turn.
   *
   * @param shard The shard.
   * @param turn Its turn.
   * @param now The time.
   * @returns The turn its copy carries: its own, or a new one at the tail
   * when its place is too far in (a copy forgotten that came back after
   * all).
   */
  putBack(shard: number, turn: number, now: number): number {
    let line = this.#lines.get(shard);
    if (!line) {
      line = {
        byTurn: new Map(),
        waiting: new Fifo(),
        published: new Fifo(),
        last: -1,
      };
      this.#lines.set(shard, line);
    }
    const known = line.byTurn.get(turn);
    if (known && !known.gone) {
      known.since = now;
      known.publish = undefined;
      return turn;
    }
    if (known) line.byTurn.delete(turn); // Gone but not dropped yet.
    const entry: Entry = { turn, since: now, publish: undefined, gone: false };
    if (turn > line.last) {
      line.waiting.push(entry);
      line.last = turn;
    } else if (!this.#slideIn(line, entry)) {
      return this.putBack(shard, this.next(), now);
    }
    line.byTurn.set(turn, entry);
    return turn;
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
    const line = this.#lines.get(shard);
    const entry = line?.byTurn.get(turn);
    if (line && entry && !entry.gone) {
      entry.publish = publish;
      line.published.push({ entry, publish });
    }
    return `${this.#id}:${turn}:${publish}`;
  }

  /**
   * A copy came back from a publish: the shard's copies published before
   * it that have not come back are forgotten (the queue would have
   * delivered them first, so another consumer took them). The copy itself
   * keeps its place until it is taken, put back or settled.
   *
   * @param shard The shard.
   * @param publish The publish it came back from.
   */
  arrived(shard: number, publish: number): void {
    const line = this.#lines.get(shard);
    if (!line) return;
    for (;;) {
      const next = line.published.peek();
      if (next === undefined || next.publish > publish) break;
      this.steps++;
      line.published.shift();
      const { entry } = next;
      if (next.publish < publish && entry.publish === next.publish) {
        entry.gone = true;
      }
    }
  }

  /**
   * A command of the shard no longer goes round: taken, settled otherwise
   * (rejected, requeued as it came) or its publish failed. It holds no
   * later command back.
   *
   * @param shard The shard.
   * @param turn Its turn.
   */
  done(shard: number, turn: number): void {
    const line = this.#lines.get(shard);
    const entry = line?.byTurn.get(turn);
    if (!line || !entry) return;
    entry.gone = true;
    // Dropped now when it is the head (a taken one always is), so a shard
    // whose copies all came back keeps no line.
    this.#head(shard, line, undefined);
  }

  /**
   * The shard's oldest copy still on its way, dropping those gone (and
   * those lost for {@linkcode TURN_LIFETIME}, given `now`) at the head.
   */
  #head(shard: number, line: Line, now: number | undefined): Entry | undefined {
    for (;;) {
      const head = line.waiting.peek();
      if (head === undefined) {
        this.#lines.delete(shard);
        return undefined;
      }
      this.steps++;
      if (
        !head.gone && (now === undefined || now - head.since < TURN_LIFETIME)
      ) {
        return head;
      }
      line.waiting.shift();
      head.gone = true;
      if (line.byTurn.get(head.turn) === head) line.byTurn.delete(head.turn);
    }
  }

  /**
   * Put an entry older than the line's last into its place: the entries
   * before it are taken off the head and put back in front of it.
   *
   * @returns `false` when its place is more than {@linkcode MAX_SLIDE} in.
   */
  #slideIn(line: Line, entry: Entry): boolean {
    const before: Entry[] = [];
    for (;;) {
      const head = line.waiting.peek();
      if (head === undefined || head.turn > entry.turn) break;
      this.steps++;
      if (before.length === MAX_SLIDE) {
        for (let i = before.length - 1; i >= 0; i--) {
          line.waiting.unshift(before[i]!);
        }
        return false;
      }
      before.push(line.waiting.shift()!);
    }
    line.waiting.unshift(entry);
    for (let i = before.length - 1; i >= 0; i--) {
      line.waiting.unshift(before[i]!);
    }
    return true;
  }
}
