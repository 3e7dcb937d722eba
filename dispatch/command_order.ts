/**
 * {@linkcode CommandOrder}: keeps the order of a shard's commands while they
 * go round the queue. A command its shard cannot take now goes back to the
 * tail of `gateway.send` (see `command_handler.ts`), and comes back behind
 * whatever was published meanwhile, so the order the copies come back in
 * says nothing of the order they were sent in. Each copy put back is
 * numbered, per shard and per process ({@linkcode ORDER_HEADER}); a
 * command runs only in its turn: the lowest number still going round, or,
 * for one never put back, none going round.
 *
 * A number whose copy does not come back (another process took it and
 * dropped it, the queue was purged) would hold up the shard's commands for
 * ever: once the lowest has not been seen for the wait given, its turn is
 * given up, and the copy, if it comes back after all, runs when it can.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";

/**
 * The header of a copy put back by the process that runs its shard: the
 * process's token and the copy's number, `token:number`. Another process's
 * copies (it ran the shard before) are not numbered here.
 */
export const ORDER_HEADER = "x-disruption-order";

/** The numbers of one shard's copies going round, lowest first. */
interface ShardTurns {
  numbers: number[];
  /** The next number to give. */
  next: number;
  /** When the lowest was last seen (put back, come back, or made lowest). */
  seen: number;
}

/** The turns of the commands going round, by shard. */
export class CommandOrder {
  /** This process's token, so that only its own numbers count. */
  readonly token: string = crypto.randomUUID();
  readonly #scheduler: Scheduler;
  readonly #wait: number;
  readonly #shards = new Map<number, ShardTurns>();

  /**
   * Create it.
   *
   * @param scheduler The clock the waits are read on.
   * @param wait How long the lowest number may go unseen before its turn is
   * given up.
   */
  constructor(scheduler: Scheduler, wait: number) {
    this.#scheduler = scheduler;
    this.#wait = wait;
  }

  /**
   * The number a delivery carries, if this process gave it.
   *
   * @param headers The delivery's headers.
   * @returns The number, or `undefined`.
   */
  read(headers: Record<string, unknown> | undefined): number | undefined {
    const value = headers?.[ORDER_HEADER];
    if (typeof value !== "string") return undefined;
    const at = value.lastIndexOf(":");
    if (at < 0 || value.slice(0, at) !== this.token) return undefined;
    const number = Number(value.slice(at + 1));
    return Number.isSafeInteger(number) ? number : undefined;
  }

  /**
   * The header value that carries `number`.
   *
   * @param number A number from {@linkcode CommandOrder.putBack}.
   * @returns The value of {@linkcode ORDER_HEADER}.
   */
  stamp(number: number): string {
    return `${this.token}:${number}`;
  }

  /**
   * A command goes round: its number (kept if it has one still going
   * round, else the next, after all the others).
   *
   * @param shard The shard.
   * @param number The number it carries, if any.
   * @returns Its number.
   */
  putBack(shard: number, number: number | undefined): number {
    const turns = this.#turns(shard);
    if (number !== undefined && turns.numbers.includes(number)) return number;
    const given = turns.next++;
    turns.numbers.push(given);
    return given;
  }

  /**
   * A command taken back from its shard goes round first, before all the
   * others (it was sent before them).
   *
   * @param shard The shard.
   * @returns Its number.
   */
  first(shard: number): number {
    const turns = this.#turns(shard);
    const given = (turns.numbers[0] ?? turns.next) - 1;
    turns.numbers.unshift(given);
    turns.seen = this.#scheduler.now();
    return given;
  }

  /**
   * A command came back: if it has the lowest number, it is still around.
   *
   * @param shard The shard.
   * @param number The number it carries, if any.
   */
  seen(shard: number, number: number | undefined): void {
    const turns = this.#shards.get(shard);
    if (turns && number !== undefined && turns.numbers[0] === number) {
      turns.seen = this.#scheduler.now();
    }
  }

  /**
   * Whether it is the command's turn: it has the lowest number going round,
   * or one given up, or none while none goes round.
   *
   * @param shard The shard.
   * @param number The number it carries, if any.
   */
  turn(shard: number, number: number | undefined): boolean {
    const turns = this.#shards.get(shard);
    if (!turns) return true;
    const now = this.#scheduler.now();
    while (
      turns.numbers.length > 0 && turns.numbers[0] !== number &&
      now - turns.seen >= this.#wait
    ) {
      // Not seen for the whole wait: its copy is gone, or far behind.
      turns.numbers.shift();
      turns.seen = now;
    }
    if (turns.numbers.length === 0) {
      this.#shards.delete(shard);
      return true;
    }
    if (number === undefined) return false;
    return turns.numbers[0] === number || !turns.numbers.includes(number);
  }

  /**
   * The command no longer goes round: it runs, or was dropped.
   *
   * @param shard The shard.
   * @param number The number it carries, if any.
   */
  done(shard: number, number: number | undefined): void {
    const turns = this.#shards.get(shard);
    if (!turns || number === undefined) return;
    const at = turns.numbers.indexOf(number);
    if (at < 0) return;
    turns.numbers.splice(at, 1);
    if (at === 0) turns.seen = this.#scheduler.now();
    if (turns.numbers.length === 0) this.#shards.delete(shard);
  }

  /** Whether any command of the shard goes round. */
  goingRound(shard: number): boolean {
    return this.#shards.has(shard);
  }

  #turns(shard: number): ShardTurns {
    let turns = this.#shards.get(shard);
    if (!turns) {
      turns = { numbers: [], next: 0, seen: this.#scheduler.now() };
      this.#shards.set(shard, turns);
    }
    return turns;
  }
}
