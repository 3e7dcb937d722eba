/**
 * {@linkcode ShardHolds}: how many of each shard's commands the command
 * handler holds unsettled, and the ones it keeps at hand, in order, for a
 * shard whose send queue is busy.
 *
 * The service consumes every shard's commands on one consumer with one
 * prefetch (100). A command held unsettled takes a slot, whether it waits
 * in its shard's send queue (120 frames a minute) or here: one shard's
 * flood filled them all, and every other shard's commands waited behind it
 * (a minute and more). Put back at the tail instead (published again, the
 * delivery acked), a flooded shard's commands went round the queue as fast
 * as the broker took them, and the shard idled whenever a round took
 * longer than its few held commands lasted.
 *
 * So a ready shard takes commands up to a budget: at most
 * {@linkcode MAX_SHARD_COMMANDS} given to it (waiting in its send queue,
 * where a disconnect rejects them), the next ones held here unsettled in a
 * FIFO, given to it one by one as it writes. Unsettled, a crash leaves them
 * to the broker, which delivers them again. The budget is the slots left
 * after a reserve ({@linkcode SLOT_RESERVE}) shared among the busy shards:
 * alone, a flooded shard holds 90 (45 s of its sends, so it writes at its
 * own pace while the rest of its flood goes round); with 16 busy shards, 5
 * each. A shard that holds none may always take one, so every other
 * shard's command finds a slot in the reserve. A command the handler keeps
 * elsewhere, unsettled (a shard's next presence, waiting for the one it
 * holds), is counted too ({@linkcode ShardHolds.setAside}): uncounted, 45
 * shards each holding a presence given and one waiting filled the prefetch,
 * and no other shard's command was delivered until a presence was written
 * (17 s).
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";

/**
 * The most commands of one shard given to it at once (waiting in its send
 * queue): above what it sends in a couple of seconds (2 frames a second),
 * so its queue never runs dry while the next are fetched from here, and
 * few, so a disconnect rejects few of them.
 */
export const MAX_SHARD_COMMANDS = 10;

/** The consumer's prefetch the handler counts on by default. */
export const DEFAULT_PREFETCH = 100;

/**
 * The prefetch slots no shard's budget takes: left for the deliveries on
 * their way (put back, bounced for another process) and for the first
 * command of a shard that holds none.
 */
export const SLOT_RESERVE = 10;

/** One shard's commands taken and held. */
interface Hold<T> {
  /** Given to the shard, not settled yet. */
  running: number;
  /** Held here, in order, to be given to it. */
  readonly held: Fifo<T>;
  /** Kept unsettled elsewhere by the handler (a waiting presence). */
  aside: number;
}

/**
 * The commands each shard holds: given to it and kept at hand.
 *
 * @typeParam T What is kept of a held command.
 */
export class ShardHolds<T> {
  readonly #limit: number;
  readonly #shards = new Map<number, Hold<T>>();
  /** Commands taken by all shards (given or held). */
  #total = 0;

  /**
   * Create it.
   *
   * @param prefetch The consumer's prefetch: the budgets share it less
   * {@linkcode SLOT_RESERVE}.
   */
  constructor(prefetch = DEFAULT_PREFETCH) {
    this.#limit = Math.max(1, prefetch - SLOT_RESERVE);
  }

  /**
   * Commands of a shard taken: given to it and held.
   *
   * @param shard The shard.
   * @returns How many.
   */
  taken(shard: number): number {
    const hold = this.#shards.get(shard);
    return hold ? hold.running + hold.held.length + hold.aside : 0;
  }

  /** Commands taken by all shards. */
  get total(): number {
    return this.#total;
  }

  /**
   * The most commands a shard may take now: the slots less the reserve,
   * shared among the shards that hold some (this one counted), 1 at least.
   *
   * @param shard The shard.
   * @returns Its budget.
   */
  budget(shard: number): number {
    const busy = this.#shards.size + (this.#shards.has(shard) ? 0 : 1);
    return Math.max(1, Math.floor(this.#limit / busy));
  }

  /**
   * Whether a ready shard takes one more command: it holds none, or fewer
   * than its budget while all shards together hold fewer than the slots
   * less the reserve.
   *
   * @param shard The shard.
   * @returns Whether it takes it.
   */
  mayTake(shard: number): boolean {
    const taken = this.taken(shard);
    return taken === 0 ||
      (taken < this.budget(shard) && this.#total < this.#limit);
  }

  /**
   * Whether a command taken by the shard goes to it at once: fewer than
   * {@linkcode MAX_SHARD_COMMANDS} are given to it and none waits here.
   *
   * @param shard The shard.
   * @returns Whether it runs now.
   */
  runsNow(shard: number): boolean {
    const hold = this.#shards.get(shard);
    return !hold ||
      (hold.running < MAX_SHARD_COMMANDS && hold.held.length === 0);
  }

  /**
   * A command is given to the shard (unsettled until
   * {@linkcode ShardHolds.finished}).
   *
   * @param shard The shard.
   */
  started(shard: number): void {
    this.#hold(shard).running++;
    this.#total++;
  }

  /**
   * A command given to the shard is settled.
   *
   * @param shard The shard.
   */
  finished(shard: number): void {
    const hold = this.#shards.get(shard);
    if (!hold || hold.running === 0) return;
    hold.running--;
    this.#total--;
    this.#forget(shard, hold);
  }

  /**
   * A command of the shard is kept unsettled outside this FIFO (a presence
   * waiting for the one the shard holds): it takes a slot as any other,
   * until {@linkcode ShardHolds.takenAside}.
   *
   * @param shard The shard.
   */
  setAside(shard: number): void {
    this.#hold(shard).aside++;
    this.#total++;
  }

  /**
   * A command set aside is given to the shard or settled.
   *
   * @param shard The shard.
   */
  takenAside(shard: number): void {
    const hold = this.#shards.get(shard);
    if (!hold || hold.aside === 0) return;
    hold.aside--;
    this.#total--;
    this.#forget(shard, hold);
  }

  /**
   * Keep a command of the shard at hand, behind its others.
   *
   * @param shard The shard.
   * @param item The command.
   */
  hold(shard: number, item: T): void {
    this.#hold(shard).held.push(item);
    this.#total++;
  }

  /**
   * Take the shard's oldest command held, when it may be given to it now
   * (fewer than {@linkcode MAX_SHARD_COMMANDS} given), or to put it back
   * (`all`).
   *
   * @param shard The shard.
   * @param all Whatever the shard is given.
   * @returns The command, or `undefined`.
   */
  next(shard: number, all = false): T | undefined {
    const hold = this.#shards.get(shard);
    if (!hold || (!all && hold.running >= MAX_SHARD_COMMANDS)) {
      return undefined;
    }
    const item = hold.held.shift();
    if (item === undefined) return undefined;
    this.#total--;
    this.#forget(shard, hold);
    return item;
  }

  #hold(shard: number): Hold<T> {
    let hold = this.#shards.get(shard);
    if (!hold) {
      hold = { running: 0, held: new Fifo(), aside: 0 };
      this.#shards.set(shard, hold);
    }
    return hold;
  }

  /** A shard that holds nothing is no longer busy: others' budgets grow. */
  #forget(shard: number, hold: Hold<T>): void {
    if (hold.running === 0 && hold.held.length === 0 && hold.aside === 0) {
      this.#shards.delete(shard);
    }
  }
}
