// A stand-in for a Shard as the command handler sees it, on a virtual
// clock: `send` queues the command in order while the shard is not ready
// (as Shard.send does, for as long as that lasts) and writes one every
// `interval` ms once it is (the send limiter, without its details).
import type { CommandShard } from "../../dispatch/command_handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import type { GatewayCommand } from "../../types/gateway_payloads.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

interface Waiting {
  frame: string;
  resolve: () => void;
}

/** A shard that writes one command per `interval` ms while ready. */
export class PacedShard {
  /** What the handler reads; change it with {@linkcode PacedShard.setStatus}. */
  status: ShardStatus;
  /** The frames written, in order. */
  readonly written: string[] = [];
  readonly #scheduler: VirtualScheduler;
  readonly #interval: number;
  readonly #queue: Waiting[] = [];
  #lastWrite = -Infinity;
  #timer = false;

  /**
   * @param scheduler The clock the writes are paced on.
   * @param interval Milliseconds between two writes.
   * @param status The status to start in.
   */
  constructor(
    scheduler: VirtualScheduler,
    interval: number,
    status: ShardStatus = "ready",
  ) {
    this.#scheduler = scheduler;
    this.#interval = interval;
    this.status = status;
  }

  /** Commands waiting to be written. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** The shard as the handler's options take it. */
  get shard(): CommandShard {
    return this as unknown as CommandShard;
  }

  /** Change the status; writing starts again once ready. */
  setStatus(status: ShardStatus): void {
    this.status = status;
    this.#pump();
  }

  /** Queue the command; it resolves once written, or rejects if taken back. */
  send(
    command: GatewayCommand,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    if (this.status === "closed") {
      return Promise.reject(
        new GatewayError("shard_closed", "closed", { shardId: 0 }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiting = { frame: JSON.stringify(command), resolve };
      options.signal?.addEventListener("abort", () => {
        const at = this.#queue.indexOf(waiting);
        if (at < 0) return;
        this.#queue.splice(at, 1);
        reject(options.signal!.reason);
      }, { once: true });
      this.#queue.push(waiting);
      this.#pump();
    });
  }

  /** Restarts are not paced; nothing to do. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Restarts are not paced; nothing to do. */
  connect(): Promise<void> {
    return Promise.resolve();
  }

  #pump(): void {
    if (this.#timer || this.status !== "ready" || this.#queue.length === 0) {
      return;
    }
    const wait = this.#lastWrite + this.#interval - this.#scheduler.now();
    if (wait > 0) {
      this.#timer = true;
      this.#scheduler.setTimeout(() => {
        this.#timer = false;
        this.#pump();
      }, wait);
      return;
    }
    const next = this.#queue.shift()!;
    this.#lastWrite = this.#scheduler.now();
    this.written.push(next.frame);
    next.resolve();
    this.#pump();
  }
}
