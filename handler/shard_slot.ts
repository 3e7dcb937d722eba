// One shard's side of the Client: its context, the runner that keeps its
// handler calls in order, the previous state (`ctx.old`) it hands them, and
// the back-pressure that pauses the shard while its handlers fall behind.
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Shard } from "../gateway/shard.ts";
import type { RestClient } from "../rest/rest_client.ts";
import { ShardContext } from "./context.ts";
import { OrderedRunner } from "./ordered_runner.ts";

/** A stuck handler and a failing error sink: shown without setup. */
const visible = getVisibleLogger(["disruption", "handler"]);
const logger = getLogger(["disruption", "handler"]);

/**
 * The frame text (UTF-16 code units, about bytes) a shard's events may hold
 * while their handlers have not finished, before the shard is closed
 * resumably: about 6,000 messages, and an order of magnitude more heap once
 * parsed (a hostile frame of empty objects parses to 20 times its size).
 * Without it a handler slower than the gateway, or one that never settles,
 * keeps every later event in memory until the process runs out of it.
 */
export const MAX_HELD_EVENT_CHARS = 16 * 1024 * 1024;

/** Held text at which a paused shard reconnects (and RESUMEs). */
const RESUME_BELOW_CHARS = MAX_HELD_EVENT_CHARS / 4;

/** One shard's context and the runner that keeps its events in order. */
export class ShardSlot {
  readonly ctx: ShardContext;
  readonly runner: OrderedRunner;
  readonly #shard: Shard;
  /** Aborted when the Client stops: a paused shard then stays closed. */
  readonly #stopped: AbortSignal;
  /** Whether the last `old` queued for the context is not `undefined`. */
  #holdsOld = false;
  /** Whether the shard was seen ready: its start's connect() is settled. */
  #everReady = false;
  /** Text of the events whose handlers have not finished yet. */
  #heldChars = 0;
  /**
   * Set while paused: resolves once the shard's close has finished, to
   * whether this pause closed it (and so may connect it again).
   */
  #paused: Promise<boolean> | undefined;

  constructor(shard: Shard, rest: RestClient, stopped: AbortSignal) {
    this.ctx = new ShardContext(shard, rest);
    this.#shard = shard;
    this.#stopped = stopped;
    this.runner = new OrderedRunner(
      (error) => visible.error("Handler error sink failed: {error}", { error }),
      {
        onBacklog: (pending) =>
          visible.warn(
            "Shard {shardId} has {pending} handler calls waiting behind one that has not finished (an await that never settles?); its events are held in memory until it does",
            { shardId: shard.id, pending },
          ),
      },
    );
  }

  /**
   * The previous state for the handlers of the event queued next, in queue
   * order; `undefined` for an event without one, so that it never sees the
   * state of the event before it.
   */
  queueOld(readOld: (() => unknown) | undefined): void {
    if (readOld === undefined && !this.#holdsOld) return;
    this.#holdsOld = readOld !== undefined;
    this.runner.call(setOld, this.ctx, readOld);
  }

  /**
   * Count an event whose handler calls were just queued, until they finish.
   * Only events that wait (or whose handler is still running) are counted:
   * a bot whose handlers finish synchronously pays nothing. Past
   * {@linkcode MAX_HELD_EVENT_CHARS} the shard is closed resumably, so that
   * Discord keeps what follows; it RESUMEs once the handlers caught up.
   *
   * @param chars The event's frame length (`ShardDispatch.size`).
   */
  held(chars: number | undefined): void {
    if (!this.runner.busy || chars === undefined) return;
    this.#everReady ||= this.#shard.status === "ready";
    this.#heldChars += chars;
    this.runner.callUncounted(release, this, chars);
    if (this.#heldChars > MAX_HELD_EVENT_CHARS && this.#paused === undefined) {
      this.#pause();
    }
  }

  /** The held event's handlers have finished. */
  released(chars: number): void {
    this.#heldChars -= chars;
    if (this.#paused !== undefined && this.#heldChars <= RESUME_BELOW_CHARS) {
      this.#resume(this.#paused);
    }
  }

  #pause(): void {
    const shardId = this.#shard.id;
    visible.warn(
      "Shard {shardId}: its handlers are {mib} MiB of events behind; closing the connection resumably until they catch up (Discord replays what it sent meanwhile if they do within about a minute; after that the session is gone, and the events with it)",
      { shardId, mib: Math.round(this.#heldChars / 1024 / 1024) },
    );
    // Not from inside the shard's own delivery. Before the shard's first
    // READY or RESUMED, not until then: closing would fail the connect()
    // that the Client's start() awaits (a restored session's replay).
    const first = this.#everReady || !this.#running()
      ? undefined
      : this.#shard.connect();
    this.#paused = (async () => {
      await (first ?? Promise.resolve()).catch(() => {});
      if (!this.#running()) return false;
      await this.#shard.close({ resumable: true });
      return true;
    })();
  }

  /**
   * Whether the shard runs and the Client too. Closed already (the Client
   * stopping, or by hand), there is nothing to pause, and `connect()`
   * would start it again.
   */
  #running(): boolean {
    const status = this.#shard.status;
    return !this.#stopped.aborted && status !== "closed" && status !== "idle";
  }

  #resume(paused: Promise<boolean>): void {
    this.#paused = undefined;
    paused.then((closedIt) => {
      // Not ours to open, the Client stopped, or a new pause overtook it.
      if (!closedIt || this.#stopped.aborted || this.#paused !== undefined) {
        return;
      }
      logger.info("Shard {shardId}: its handlers caught up; resuming", {
        shardId: this.#shard.id,
      });
      this.#shard.connect().catch((error) => {
        // A new pause closing the shard during its replay, or the Client
        // stopping, is no failure.
        if (this.#paused !== undefined || this.#stopped.aborted) return;
        visible.warn("Shard {shardId} did not resume: {message}", {
          shardId: this.#shard.id,
          message: error instanceof Error ? error.message : String(error),
        });
      });
    });
  }
}

function setOld(ctx: ShardContext, readOld: (() => unknown) | undefined): void {
  ctx.readOld = readOld;
}

function release(slot: ShardSlot, chars: number): void {
  slot.released(chars);
}
