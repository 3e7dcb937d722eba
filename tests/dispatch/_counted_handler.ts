// A CommandHandler for tests of the command intake: the options every such
// test gives alike (the queue's name, never closing), the shards and clock
// its own, and `dispatch_commands{result}` counted in a plain record.
import type { Counter } from "prom-client";
import {
  CommandHandler,
  type CommandMessage,
  type CommandShard,
} from "../../dispatch/command_handler.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** `dispatch_commands{result}` as a plain record, and the counter feeding it. */
export function countedResults(): {
  results: Record<string, number>;
  counter: Pick<Counter<"result">, "inc">;
} {
  const results: Record<string, number> = {};
  const inc = (labels: { result: string }) => {
    results[labels.result] = (results[labels.result] ?? 0) + 1;
  };
  return { results, counter: { inc } as Pick<Counter<"result">, "inc"> };
}

/** What differs between the tests' handlers. */
export interface CountedHandlerOptions {
  /** The shard of an id this process runs, else `undefined`. */
  shard: (id: number) => CommandShard | undefined;
  /** The bot's shard count. */
  shardCount: number;
  scheduler: VirtualScheduler;
  /** Whether a shard is paused (none, by default). */
  paused?: (id: number) => boolean;
}

/** A handler over `options`, and its results counted by kind. */
export function countedHandler(options: CountedHandlerOptions): {
  handler: CommandHandler;
  results: Record<string, number>;
} {
  const { results, counter } = countedResults();
  const handler = new CommandHandler({
    queue: "gateway.send",
    shard: options.shard,
    shardCount: () => options.shardCount,
    paused: options.paused ?? (() => false),
    closing: () => false,
    counter,
    scheduler: options.scheduler,
  });
  return { handler, results };
}

/** How a delivery was settled. */
export type Settled = "ack" | "requeue" | "reject";

/** A persistent delivery of `body` that tells `settled` how it was settled. */
export function recordedDelivery(
  body: unknown,
  settled: (how: Settled) => void,
): CommandMessage {
  const text = JSON.stringify(body);
  const settle = (how: Settled) => {
    settled(how);
    return Promise.resolve();
  };
  return {
    properties: { deliveryMode: 2 },
    redelivered: false,
    bodySize: text.length,
    bodyToString: () => text,
    ack: () => settle("ack"),
    nack: (requeue = true) => settle(requeue ? "requeue" : "reject"),
    reject: (requeue = true) => settle(requeue ? "requeue" : "reject"),
  } as CommandMessage;
}
