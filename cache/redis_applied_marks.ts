// The Redis store's marks of the dispatches it applied, per shard: how a
// process that restarts and RESUMEs (the dispatch service after a crash)
// tells Discord's replay of events it applied already from new ones. The
// session is saved a second or so behind (and only once the broker took
// the events), the cache at each event's arrival: without the mark, the
// replayed events were applied twice (five users' reactions counted ten,
// a MESSAGE_UPDATE's `old` the edited message), with the cache fresh.
//
// The rule: each transaction of a batch's writes (a big batch sends
// several, one after another) ends with the last position of each shard
// whose dispatches it and the ones before hold whole (`sessionId:sequence`),
// after those writes: Redis runs one connection's commands in order, so a
// mark present says the writes before it arrived, also when the process
// was killed between two transactions. A shard's first event
// of a session in this process reads its mark with the batch's reads; an
// event of that session at or below it is a replay, not applied. Another
// session's mark says nothing of this one (a READY starts over).
import { APPLIED_KEY } from "./redis_layout.ts";
import type { ExtraRead } from "./redis_reads.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";
import { isWrongType } from "./redis_wrong_type.ts";

/** Where a dispatch stands in its shard's session. */
export interface AppliedPosition {
  /** The shard that received it. */
  shardId: number;
  /** The shard's session when it did. */
  sessionId: string;
  /** The dispatch's `s`. */
  sequence: number;
}

/** A mark as read: the session and the sequence applied through. */
interface Mark {
  sessionId: string;
  through: number;
}

/**
 * Whether `position` is one the store can mark: Discord's session ids are
 * short hex strings, sequences positive integers. Anything else (a bot's
 * own call gone wrong) is applied as if it had none, never thrown.
 */
function markable(
  position: AppliedPosition | undefined,
): position is AppliedPosition {
  return position !== undefined && position !== null &&
    Number.isSafeInteger(position.shardId) && position.shardId >= 0 &&
    typeof position.sessionId === "string" && position.sessionId !== "" &&
    Number.isSafeInteger(position.sequence);
}

/** The marks one store read, and the decisions and writes made from them. */
export class AppliedMarks {
  /** Per shard: its mark as last read or written (none: unmarked). */
  readonly #marks = new Map<number, Mark>();
  /** Per shard: the session whose events its last read was for. */
  readonly #checked = new Map<number, string>();
  /** Per shard: the last position this store was given, in its session. */
  readonly #seen = new Map<number, Mark>();

  /**
   * The read of the marks the positions of a batch need (each shard's
   * first of a session in this process, and one past a gap in its
   * sequences: another process ran the shard meanwhile, a fleet's shard
   * handed over and back, and applied what the gap held), for its read
   * pipeline (see fetchReads); undefined when none does.
   */
  read(
    positions: readonly (AppliedPosition | undefined)[],
  ): ExtraRead | undefined {
    // Each shard to read, with the last session the batch brings of it.
    const unread = new Map<number, string>();
    for (const position of positions) {
      if (!markable(position)) continue;
      const { shardId, sessionId, sequence } = position;
      const seen = this.#seen.get(shardId);
      const gap = seen?.sessionId === sessionId && sequence > seen.through + 1;
      if (this.#checked.get(shardId) !== sessionId || gap) {
        unread.set(shardId, sessionId);
      }
      if (seen?.sessionId !== sessionId || sequence > seen.through) {
        this.#seen.set(shardId, { sessionId, through: sequence });
      }
    }
    if (unread.size === 0) return undefined;
    const shards = [...unread.keys()];
    return {
      queue: (pipeline) => {
        pipeline.hmget(APPLIED_KEY, ...shards.map(String));
      },
      answer: (error, values) => {
        // Redis failed: the batch fails too, and the next one reads again.
        // Another type under the key: unmarked (nothing is a replay).
        if (error !== null && !isWrongType(error)) return;
        const texts = error === null && Array.isArray(values) ? values : [];
        shards.forEach((shardId, i) => {
          const text: unknown = texts[i];
          const at = typeof text === "string" ? text.lastIndexOf(":") : -1;
          if (at < 0) this.#marks.delete(shardId);
          else {
            this.#marks.set(shardId, {
              sessionId: (text as string).slice(0, at),
              through: Number((text as string).slice(at + 1)),
            });
          }
          this.#checked.set(shardId, unread.get(shardId)!);
        });
      },
    };
  }

  /**
   * Whether the dispatch at `position` was applied already by this store
   * or another on the same database (a process before a restart): a
   * replay, to be skipped. Another session's mark says nothing of it.
   */
  applied(position: AppliedPosition | undefined): boolean {
    if (!markable(position)) return false;
    const mark = this.#marks.get(position.shardId);
    return mark?.sessionId === position.sessionId &&
      position.sequence <= mark.through;
  }

  /**
   * The marks of one batch, whose chunks are sent one after another, each
   * once the one before is answered: `done` for each dispatch written
   * whole, `end` when a chunk ends, which records there (after its writes)
   * the last position of each shard done since the chunk before. A process
   * killed between two chunks leaves marks for just what arrived.
   */
  batch(): {
    done(position: AppliedPosition | undefined): void;
    end(chunk: WriteChunk): void;
  } {
    let positions: (AppliedPosition | undefined)[] = [];
    return {
      done: (position) => void positions.push(position),
      end: (chunk) => {
        this.#write(chunk, positions);
        positions = [];
      },
    };
  }

  /**
   * Record at the end of `chunk` the last position of each shard among
   * `positions`, after the writes.
   */
  #write(
    chunk: WriteChunk,
    positions: readonly (AppliedPosition | undefined)[],
  ): void {
    const last = new Map<number, AppliedPosition>();
    for (const position of positions) {
      if (markable(position)) last.set(position.shardId, position);
    }
    if (last.size === 0) return;
    // Under no owner: a guarded run's take-back goes before it.
    chunk.writesUnder(undefined);
    for (const { shardId, sessionId, sequence } of last.values()) {
      chunk.hset(APPLIED_KEY, String(shardId), `${sessionId}:${sequence}`);
      // This process's own repeat of it is a replay too, as it is for the
      // next process.
      const mark = this.#marks.get(shardId);
      if (mark?.sessionId !== sessionId || sequence > mark.through) {
        this.#marks.set(shardId, { sessionId, through: sequence });
      }
    }
  }
}
