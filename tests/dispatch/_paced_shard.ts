// A shard for CommandHandler tests that writes one command per `pace` ms,
// in order, once ready (as a Shard's send queue paces 120 frames a
// minute), and whose disconnect rejects what waits in it (shard_closed).
import type { CommandShard } from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Process } from "./_shared_queue.ts";

type TimerId = ReturnType<VirtualScheduler["setTimeout"]>;

/** A command waiting in the shard. */
interface Waiting {
  n: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A paced shard; commands are op 31 with their number as the guild id. */
export class PacedShard {
  status: ShardStatus = "ready";
  /** The commands written, by their number. */
  readonly written: number[] = [];
  /** When each was written, by number. */
  readonly writtenAt = new Map<number, number>();
  /** The most commands waiting in it at once. */
  most = 0;
  readonly #waiting: Waiting[] = [];
  /** The one being written, and its timer. */
  #current: { next: Waiting; timer: TimerId } | undefined;

  constructor(readonly scheduler: VirtualScheduler, readonly pace: number) {}

  send(command: { d: { guild_ids: string[] } }): Promise<void> {
    const n = Number(command.d.guild_ids[0]);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ n, resolve, reject });
      this.most = Math.max(this.most, this.#waiting.length);
      this.#pump();
    });
  }

  /** Connected again: writes what waits. */
  ready(): void {
    this.status = "ready";
    this.#pump();
  }

  /**
   * The connection ends: what waits in it is rejected with shard_closed,
   * or kept (`keep`) until it is ready again, as a Shard keeps its queue
   * while it reconnects.
   */
  drop(keep = false): void {
    this.status = "reconnecting";
    if (keep) {
      if (this.#current) {
        this.scheduler.clearTimeout(this.#current.timer);
        this.#waiting.unshift(this.#current.next);
        this.#current = undefined;
      }
      return;
    }
    const waiting = this.#waiting.splice(0);
    if (this.#current) {
      this.scheduler.clearTimeout(this.#current.timer);
      waiting.unshift(this.#current.next);
      this.#current = undefined;
    }
    for (const { reject } of waiting) {
      reject(new GatewayError("shard_closed", "The connection ended"));
    }
  }

  #pump(): void {
    if (this.#current || this.status !== "ready") return;
    const next = this.#waiting.shift();
    if (!next) return;
    const timer = this.scheduler.setTimeout(() => {
      this.#current = undefined;
      this.written.push(next.n);
      this.writtenAt.set(next.n, this.scheduler.now());
      next.resolve();
      this.#pump();
    }, this.pace);
    this.#current = { next, timer };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A process whose CommandHandler runs `shards` (shard `i` is `shards[i]`, of
 * as many), counting each result in `results`.
 */
export function pacedProcess(
  scheduler: VirtualScheduler,
  shards: readonly PacedShard[],
): Process {
  const { handler, results } = countedHandler({
    shard: (id) => shards[id] as unknown as CommandShard | undefined,
    shardCount: shards.length,
    scheduler,
  });
  return {
    handler,
    results,
    sent: [],
    runs: (id) => id < shards.length,
  };
}
