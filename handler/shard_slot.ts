// One shard's side of the Client: its context, the runner that keeps its
// handler calls in order, and the previous state (`ctx.old`) it hands them.
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Shard } from "../gateway/shard.ts";
import type { RestClient } from "../rest/rest_client.ts";
import { ShardContext } from "./context.ts";
import { OrderedRunner } from "./ordered_runner.ts";

/** A stuck handler and a failing error sink: shown without setup. */
const visible = getVisibleLogger(["disruption", "handler"]);

/** One shard's context and the runner that keeps its events in order. */
export class ShardSlot {
  readonly ctx: ShardContext;
  readonly runner: OrderedRunner;
  /** Whether the last `old` queued for the context is not `undefined`. */
  #holdsOld = false;

  constructor(shard: Shard, rest: RestClient) {
    this.ctx = new ShardContext(shard, rest);
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
}

function setOld(ctx: ShardContext, readOld: (() => unknown) | undefined): void {
  ctx.readOld = readOld;
}
