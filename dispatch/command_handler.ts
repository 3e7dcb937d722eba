/**
 * {@linkcode CommandHandler}: what the dispatch service does with one
 * message of `gateway.send`. It checks the command (the body, then the
 * payload of op 4, 8, 31 and 43 with the gateway's own builders, so a
 * malformed one never reaches Discord, which would close the connection
 * with 4001 or 4002), runs it on its shard, and settles the delivery: acked
 * once done, rejected without requeue when it cannot be run, put back in the
 * queue while its shard can still take it later (paused for a full buffer,
 * restarting, or not ready: reconnecting, starting), for at most
 * {@linkcode MAX_REQUEUE_TIME} in a row per shard.
 *
 * The consumer's prefetch slots are shared by every shard of the process, so
 * no shard may hold them: a command is handed to its shard only while that
 * shard is ready and holds fewer than {@linkcode SHARD_SEND_LIMIT} of them in
 * its send queue (paced at 120 frames per 60 s). One that cannot go in is
 * put back at the tail of the queue (a copy published, as for another
 * process's shard, and the delivery acked): a requeue would put it back at
 * the head, where RabbitMQ hands it straight back, and more commands for one
 * shard than the prefetch would then hide every other shard's behind them.
 * A copy back before {@linkcode REQUEUE_DELAY} waits out the rest (none
 * loops fast), and while a shard's commands go round that way they run in
 * the order they came, and its new ones join them rather than pass them
 * (`command_order.ts`).
 *
 * Several processes may share the bot's shards (`SHARDS_START`/`SHARDS_END`)
 * and consume the one queue: a command for a shard of the bot that another
 * process runs is published again at the tail of the queue for it (its copy
 * carries {@linkcode BOUNCE_HEADER}, when it was first put back, and
 * {@linkcode LAST_BOUNCE_HEADER}, when it was last) and the delivery acked;
 * a copy back sooner than {@linkcode REQUEUE_DELAY} after its last bounce
 * waits the rest of it first, and one still unrun
 * {@linkcode MAX_REQUEUE_TIME} after its first bounce is rejected (no
 * consumer runs its shard). An op 4 or 8 command goes to the shard of its
 * `guild_id` (`(guild_id >> 22) % SHARDS_TOTAL`), whatever its `shard` says:
 * Discord leaves one sent on another shard unanswered.
 *
 * @module
 */
import type { AMQPChannel, AMQPMessage } from "@cloudamqp/amqp-client";
import { getLogger } from "@logtape/logtape";
import type { Counter } from "prom-client";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { GatewayError } from "../gateway/errors.ts";
import { checkedCommand } from "../gateway/gateway_commands.ts";
import type { Shard } from "../gateway/shard.ts";
import type { GatewayCommand } from "../types/gateway_payloads.ts";
import { CommandOrder, ORDER_HEADER } from "./command_order.ts";
import {
  guildShard,
  parseCommand,
  type ServiceCommand,
} from "./command_parse.ts";

export { parseCommand, type ServiceCommand } from "./command_parse.ts";

const logger = getLogger(["disruption", "dispatch", "commands"]);
const visible = getVisibleLogger(["disruption", "dispatch", "commands"]);

/** The largest `gateway.send` body read (a gateway payload is at most 4096). */
const MAX_COMMAND_BYTES = 64 * 1024;

/**
 * How long a command waits before it goes back to the queue; a bounced copy
 * goes back no sooner than this after its last bounce.
 */
export const REQUEUE_DELAY = 1_000;

/**
 * How long a shard's commands are put back in the queue while it cannot
 * take them (paused, restarting) before they are rejected instead: each is
 * requeued at most `MAX_REQUEUE_TIME / REQUEUE_DELAY` times in a row, and
 * none loops for ever behind a shard that does not come back.
 */
export const MAX_REQUEUE_TIME = 5 * 60_000;

/**
 * The most commands a shard holds in its send queue (each keeps one of the
 * consumer's prefetch slots until it is written); more go back to the tail
 * of the queue, so that a shard that is slow to write (a flood of requests
 * against the send limit) leaves the other slots to the other shards.
 */
export const SHARD_SEND_LIMIT = 10;

/**
 * How long the lowest-numbered of a shard's commands going round may go
 * unseen before its turn is given up (see `command_order.ts`): a copy comes
 * back within {@linkcode REQUEUE_DELAY} and the time it takes through the
 * queue.
 */
const ORDER_WAIT = 10 * REQUEUE_DELAY;

/**
 * The header of a command published again for the process that runs its
 * shard: when it was first put back (epoch milliseconds), kept by every
 * later bounce. A copy whose first bounce is {@linkcode MAX_REQUEUE_TIME}
 * old is rejected.
 */
export const BOUNCE_HEADER = "x-disruption-first-bounce";

/**
 * The header of a bounced copy that says when it was last published again
 * (epoch milliseconds, the publishing process's clock). A copy back less than
 * {@linkcode REQUEUE_DELAY} after it waits the rest of that delay before it
 * is published again, so one no process takes never loops fast; one back
 * later (the queue was long) is published again at once. A copy without it
 * (from an older version) waits the whole delay.
 */
export const LAST_BOUNCE_HEADER = "x-disruption-last-bounce";

/** What the handler needs of a delivery's channel to publish it again. */
export type CommandChannel = Pick<
  AMQPChannel,
  "basicPublish" | "confirmSelect"
>;

/**
 * What the handler needs of a delivery. Without `channel`, a command for
 * another process's shard is requeued (nack) instead of published again.
 */
export type CommandMessage =
  & Pick<AMQPMessage, "bodySize" | "bodyToString" | "ack" | "nack" | "reject">
  & Partial<Pick<AMQPMessage, "redelivered" | "properties" | "body">>
  & { channel?: CommandChannel };

/** What the handler needs of a shard. */
export type CommandShard = Pick<Shard, "send" | "close" | "connect" | "status">;

/** Options for {@linkcode CommandHandler}. */
export interface CommandHandlerOptions {
  /** The queue the commands come from, for the log. */
  queue: string;
  /** The shard this process runs with this ID, if any. */
  shard: (id: number) => CommandShard | undefined;
  /**
   * The bot's shard count (`SHARDS_TOTAL`), the same in every process: a
   * shard below it that this process does not run is another's. 0 before
   * it is known.
   */
  shardCount: () => number;
  /** Whether the service holds the shard paused (its buffer is full). */
  paused: (id: number) => boolean;
  /** Whether the service is stopping (the next process runs the shards). */
  closing: () => boolean;
  /** `dispatch_commands{result}`. */
  counter: Pick<Counter<"result">, "inc">;
  /** The clock requeues wait on. */
  scheduler: Scheduler;
  /**
   * The most commands one shard holds in its send queue.
   *
   * @default {SHARD_SEND_LIMIT}
   */
  sendLimit?: number;
}

/** A command for a shard of this process, waiting its turn. */
interface Waiting {
  message: CommandMessage;
  signal: AbortSignal | undefined;
  /** The payload to send (op 0); none for a restart (op 1 or 2). */
  payload: GatewayCommand | undefined;
  /** For a restart: op 1 (resumable), else op 2. */
  resumable: boolean;
  /** When it goes back to the queue if the shard cannot take it by then. */
  due: number;
  /** Its number among the shard's commands going round, if it has one. */
  order: number | undefined;
}

/**
 * Whether the shard can take the command now: a restart unless the shard
 * is paused, a payload only while it is ready.
 */
function canRun(
  shard: CommandShard,
  payload: GatewayCommand | undefined,
  paused: boolean,
): boolean {
  return !paused && (!payload || shard.status === "ready");
}

/** Runs the commands of `gateway.send` on their shards. */
export class CommandHandler {
  readonly #options: CommandHandlerOptions;
  /** Shards restarting for an op 1 or 2 command (closed for a moment). */
  readonly #restarting = new Set<number>();
  /** Since when each shard that cannot take commands has had them requeued. */
  readonly #requeuingSince = new Map<number, number>();
  /** Shards whose commands are rejected, already said in the log. */
  readonly #dropping = new Set<number>();
  /**
   * When the log last said that no consumer ran a command for a shard, by
   * shard (at most one entry per shard of the bot).
   */
  readonly #unowned = new Map<number, number>();
  /** Commands waiting in each shard's send queue (none: no entry). */
  readonly #sending = new Map<number, number>();
  /** The turns of the commands going round the queue. */
  readonly #order: CommandOrder;
  /**
   * Each shard's commands that wait their turn here, in the order they
   * came (none: no entry); see {@linkcode CommandHandler.#pump}.
   */
  readonly #waiting = new Map<number, Waiting[]>();
  /** The timer of each shard whose first waiting command is not yet due. */
  readonly #timers = new Map<number, TimerId>();
  /** Publish confirms turned on, by delivery channel. */
  readonly #confirming = new WeakMap<CommandChannel, Promise<void>>();

  /**
   * Create it.
   *
   * @param options The shards, the service's state and the counter.
   */
  constructor(options: CommandHandlerOptions) {
    this.#options = options;
    this.#order = new CommandOrder(options.scheduler, ORDER_WAIT);
  }

  /**
   * A shard is ready: its commands are requeued again while it cannot take
   * them, and a later stop is logged again.
   *
   * @param id The shard.
   */
  shardReady(id: number): void {
    this.#requeuingSince.delete(id);
    this.#dropping.delete(id);
    // Its commands waiting in line run now rather than go round again.
    void this.#pump(id);
  }

  /**
   * Run one command and settle its delivery.
   *
   * @param message The delivery.
   * @param signal Aborted when the delivery's channel is gone: RabbitMQ
   * then gives the message to the next consumer, so a command still queued
   * in the shard is taken back rather than sent twice. One already written
   * cannot be taken back: it is sent again when redelivered (at least once).
   * @returns When the delivery is settled, or waits its turn in its
   * shard's line (settled later, within {@linkcode REQUEUE_DELAY} unless
   * its shard takes it). It never rejects: whatever throws, the delivery is
   * rejected and counted `failed`, so none holds a prefetch slot for good.
   */
  async handle(message: CommandMessage, signal?: AbortSignal): Promise<void> {
    await this.#guarded(message, this.#handle(message, signal));
  }

  /** Settle the delivery as `failed` if `handling` throws. */
  async #guarded(
    message: CommandMessage,
    handling: Promise<void>,
  ): Promise<void> {
    try {
      await handling;
    } catch (error) {
      // A last resort: a delivery never settled holds a prefetch slot until
      // the channel closes, and the broker then gives it to the next one.
      this.#options.counter.inc({ result: "failed" });
      logger.error("A command from {queue} failed unexpectedly: {reason}", {
        queue: this.#options.queue,
        reason: error instanceof Error ? error.message : String(error),
      });
      await message.reject(false).catch(() => {});
    }
  }

  async #handle(
    message: CommandMessage,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let command: ServiceCommand;
    let payload: GatewayCommand | undefined;
    try {
      // A gateway payload is at most 4096 bytes: a body many times that is
      // no command, and is refused without being decoded or parsed.
      if (message.bodySize > MAX_COMMAND_BYTES) {
        throw new TypeError(
          `the body is ${message.bodySize} bytes, over ${MAX_COMMAND_BYTES}`,
        );
      }
      command = parseCommand(message.bodyToString() ?? "");
    } catch (error) {
      await this.#reject(message, "malformed", error);
      return;
    }
    const total = this.#options.shardCount();
    if (total > 0 && command.shard >= total) {
      await this.#reject(
        message,
        "malformed",
        `shard ${command.shard} is not a shard of the bot (SHARDS_TOTAL ${total})`,
      );
      return;
    }
    if (command.data) {
      try {
        // Checked here as Shard.send checks it, so a malformed command is
        // refused at once, also for a shard paused for a full buffer.
        payload = checkedCommand(command.data as GatewayCommand);
      } catch (error) {
        // Discord would close the connection for it (4001, 4002).
        await this.#reject(message, "failed", error);
        return;
      }
      let guild: number | undefined;
      try {
        guild = guildShard(payload, total);
      } catch (error) {
        // A guild_id of 20 digits above 2^64 - 1: no guild's.
        await this.#reject(message, "malformed", error);
        return;
      }
      if (guild !== undefined && guild !== command.shard) {
        // Discord answers a member request only on its guild's shard.
        logger.debug(
          "A command for guild shard {guild} came for shard {shard}; sent on shard {guild}",
          { guild, shard: command.shard },
        );
        command = { ...command, shard: guild };
      }
    }
    const shard = this.#options.shard(command.shard);
    if (!shard) {
      await this.#elsewhereShard(message, command.shard, total, signal);
      return;
    }
    const id = command.shard;
    const order = this.#order.read(message.properties?.headers);
    this.#order.seen(id, order);
    if (!canRun(shard, payload, this.#options.paused(id))) {
      // Paused for a full buffer (a reconnect now would take in events the
      // buffer cannot hold, and a send would wait for the resume), or not
      // ready: Shard.send would keep the command, and its prefetch slot,
      // until the shard is ready, however long that takes.
      if (!this.#comesBack(id, shard)) {
        this.#order.done(id, order);
        this.#options.counter.inc({ result: "dropped" });
        await message.reject(false).catch(() => {});
        return;
      }
    }
    const now = this.#options.scheduler.now();
    const copy = firstBounce(message) !== undefined;
    this.#enqueue(id, {
      message,
      signal,
      payload,
      resumable: command.op === 1,
      // A copy back sooner than REQUEUE_DELAY after its last bounce goes
      // round again no sooner than that: none loops fast.
      due: !message.channel
        ? now + REQUEUE_DELAY
        : copy
        ? now + bounceWait(message, now)
        : now,
      order,
    });
    await this.#pump(id);
  }

  /**
   * Add a command to its shard's waiting line: by its turn (see
   * `command_order.ts`), those never put back last, in the order they came.
   */
  #enqueue(id: number, waiting: Waiting): void {
    let line = this.#waiting.get(id);
    if (!line) this.#waiting.set(id, line = []);
    const rank = waiting.order ?? Infinity;
    let at = line.length;
    while (at > 0 && (line[at - 1]!.order ?? Infinity) > rank) at--;
    line.splice(at, 0, waiting);
  }

  /**
   * Move the shard's waiting line along, in order: the first command runs
   * if the shard can take it (ready, not paused, fewer than the send limit
   * in its send queue), goes back to the tail of the queue once due, or
   * waits (holding its prefetch slot) until it is due, and so do those
   * after it. Called when a command comes, when one the shard held is
   * done, when the shard is ready, and when the first is due.
   *
   * @returns When the commands it started running are settled.
   */
  #pump(id: number): Promise<void> {
    const { scheduler, counter } = this.#options;
    const line = this.#waiting.get(id);
    const timer = this.#timers.get(id);
    if (timer !== undefined) {
      scheduler.clearTimeout(timer);
      this.#timers.delete(id);
    }
    if (!line) return Promise.resolve();
    const started: Promise<void>[] = [];
    const limit = this.#options.sendLimit ?? SHARD_SEND_LIMIT;
    const now = scheduler.now();
    // The first in line that stays (the shard will take it), if any: those
    // after it wait behind it or go round.
    let kept = 0;
    while (line.length > kept) {
      const next = line[kept]!;
      const { message, signal } = next;
      if (signal?.aborted) {
        // Its channel is gone: RabbitMQ gives it to the next consumer (its
        // turn is given up: the redelivery may be the original).
        line.splice(kept, 1);
        this.#order.done(id, next.order);
        counter.inc({ result: "retried" });
        continue;
      }
      const shard = this.#options.shard(id);
      if (!shard) {
        // No longer this process's (its shards were replaced meanwhile).
        line.splice(kept, 1);
        this.#order.done(id, next.order);
        const total = this.#options.shardCount();
        started.push(
          this.#guarded(
            message,
            this.#elsewhereShard(message, id, total, signal),
          ),
        );
        continue;
      }
      // Its turn: the commands going round run in the order they came.
      const runnable = canRun(shard, next.payload, this.#options.paused(id)) &&
        this.#order.turn(id, next.order);
      if (kept === 0 && runnable) {
        const sending = this.#sending.get(id) ?? 0;
        if (!next.payload || sending < limit) {
          line.shift();
          this.#order.done(id, next.order);
          if (next.payload) this.#sending.set(id, sending + 1);
          started.push(this.#guarded(message, this.#run(id, shard, next)));
          continue;
        }
        // Held only by the send limit: the shard takes it within a few
        // frames, so it waits for that in place (one prefetch slot)
        // rather than go round, where a later command could take its turn
        // when the shard has room. Those after it go round when due, and
        // its turn comes before theirs.
        next.order ??= this.#order.putBack(id, undefined);
        kept = 1;
        continue;
      }
      if (next.due > now) {
        this.#timers.set(
          id,
          scheduler.setTimeout(() => {
            this.#timers.delete(id);
            void this.#pump(id);
          }, next.due - now),
        );
        break;
      }
      line.splice(kept, 1);
      started.push(this.#guarded(message, this.#putBack(id, next)));
    }
    if (line.length === 0) this.#waiting.delete(id);
    return Promise.all(started).then(() => {});
  }

  /** Run the command on its shard and settle the delivery by the outcome. */
  async #run(id: number, shard: CommandShard, waiting: Waiting): Promise<void> {
    const { message, signal, payload } = waiting;
    try {
      if (payload) await shard.send(payload, signal ? { signal } : {});
      else await this.#restart(id, shard, waiting.resumable);
      this.#options.counter.inc({ result: "done" });
      await message.ack().catch(() => {});
    } catch (error) {
      if (signal?.aborted) {
        // Taken back from the shard's queue: the channel is gone and
        // RabbitMQ gives the message to the next consumer.
        this.#options.counter.inc({ result: "retried" });
        return;
      }
      if (error instanceof GatewayError && error.kind === "shard_closed") {
        // Closed while it waited in the shard: first in its turn again
        // (sent before the others going round), or dropped.
        if (!this.#comesBack(id, shard)) {
          this.#options.counter.inc({ result: "dropped" });
          await message.reject(false).catch(() => {});
          return;
        }
        const now = this.#options.scheduler.now();
        this.#enqueue(id, {
          ...waiting,
          due: message.channel ? now : now + REQUEUE_DELAY,
          order: message.channel ? this.#order.first(id) : undefined,
        });
        return;
      }
      await this.#reject(message, "failed", error);
    } finally {
      if (payload) {
        const left = (this.#sending.get(id) ?? 1) - 1;
        if (left > 0) this.#sending.set(id, left);
        else this.#sending.delete(id);
      }
      // Room in the shard, or the line to move on: not awaited, the
      // commands it starts are their deliveries' business.
      void this.#pump(id);
    }
  }

  /**
   * Put a command for a shard of this process back at the tail of the queue
   * (a copy, stamped as a bounce and numbered for its turn, and the
   * delivery acked), or requeue it when the delivery has no channel. The
   * copy's first bounce is now: this process still runs the shard, so
   * another process that sees the copy counts its MAX_REQUEUE_TIME from
   * here.
   */
  async #putBack(id: number, waiting: Waiting): Promise<void> {
    const { message, signal } = waiting;
    this.#options.counter.inc({ result: "retried" });
    if (!message.channel) {
      await message.nack(true).catch(() => {});
      return;
    }
    const order = this.#order.putBack(id, waiting.order);
    const published = await this.#bounce(
      message,
      this.#options.scheduler.now(),
      signal,
      { [ORDER_HEADER]: this.#order.stamp(order) },
    );
    // The delivery comes back as it was: without a number given now, which
    // no copy carries (the others would wait for it).
    if (!published && order !== waiting.order) this.#order.done(id, order);
  }

  /**
   * The command's shard is not run here: publish it again at the tail of
   * the queue for the process that runs it (a copy stamped with its first
   * bounce) and ack this delivery, or reject a copy that has bounced for
   * {@linkcode MAX_REQUEUE_TIME} (no consumer runs that shard).
   */
  async #elsewhereShard(
    message: CommandMessage,
    id: number,
    total: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { scheduler, counter, queue } = this.#options;
    if (total === 0) {
      // Not started yet: the shard may be this process's soon.
      counter.inc({ result: "retried" });
      this.#requeueLater(message);
      return;
    }
    const now = scheduler.now();
    const stamped = firstBounce(message);
    // A stamp further ahead than a bounce can last is no clock's skew (a
    // publisher set it): counted from now, or it would bounce for ever.
    const first = stamped !== undefined && stamped - now > MAX_REQUEUE_TIME
      ? now
      : stamped;
    if (first !== undefined && now - first >= MAX_REQUEUE_TIME) {
      // Said again once the last line for the shard is MAX_REQUEUE_TIME
      // old: an outage that goes on is said every 5 min, not per command,
      // and a later one always is (its first drop comes MAX_REQUEUE_TIME
      // after it began, so after any line of an earlier one).
      const said = this.#unowned.get(id);
      if (said === undefined || now - said >= MAX_REQUEUE_TIME) {
        this.#unowned.set(id, now);
        visible.warn(
          "A command for shard {shard} has been put back in {queue} for {seconds} s and no consumer ran it: it is rejected without requeue, and so are the next ones still unrun after as long. Does a process run shard {shard}, with the same SHARDS_TOTAL {total}?",
          { shard: id, queue, seconds: MAX_REQUEUE_TIME / 1000, total },
        );
      }
      counter.inc({ result: "dropped" });
      await message.reject(false).catch(() => {});
      return;
    }
    logger.debug(
      "A command for shard {shard} is put back in {queue}: another process runs it",
      { shard: id, queue },
    );
    counter.inc({ result: "elsewhere" });
    if (first === undefined) {
      // The first time: at once, at the tail of the queue.
      await this.#bounce(message, now, signal);
      return;
    }
    // Bounced before: a copy no process takes must not loop fast, so it is
    // published again no sooner than REQUEUE_DELAY after its last bounce.
    // Counted from that bounce, not from now: a copy held here keeps one of
    // the consumer's prefetch slots, and with a process down its copies
    // would fill them all (each held a full second) while this process's
    // own commands queued behind them. One back REQUEUE_DELAY or more after
    // its last bounce (the queue was that long) goes at once; one back
    // sooner waits the rest; one without the stamp (an older version's)
    // the whole delay, as does one stamped ahead of this clock (at most).
    // So each copy comes round about once per REQUEUE_DELAY whatever the
    // queue's length: own commands wait at most about REQUEUE_DELAY behind
    // the held ones, and the broker carries each copy once a second for its
    // MAX_REQUEUE_TIME (a copy held by the old way came round less often,
    // as the slots let it, and that wait was the cost). Clocks apart by a
    // second or more may cut one process's wait to nothing; the next
    // process, on the slower clock, then holds the copy the whole delay.
    const wait = bounceWait(message, now);
    if (wait === 0) {
      await this.#bounce(message, first, signal);
      return;
    }
    scheduler.setTimeout(() => {
      if (!signal?.aborted) void this.#bounce(message, first, signal);
    }, wait);
  }

  /**
   * Publish a copy of the delivery at the tail of its queue, stamped with
   * its first bounce and with now as its last, then ack the delivery;
   * requeue it if the copy cannot be published (confirmed).
   *
   * @returns Whether the copy was published.
   */
  async #bounce(
    message: CommandMessage,
    first: number,
    signal: AbortSignal | undefined,
    headers: Record<string, unknown> = {},
  ): Promise<boolean> {
    const channel = message.channel;
    try {
      if (!channel) throw new Error("the delivery has no channel");
      let confirming = this.#confirming.get(channel);
      if (!confirming) {
        // Confirmed, so the delivery is acked only once the copy is queued.
        confirming = channel.confirmSelect();
        this.#confirming.set(channel, confirming);
      }
      await confirming;
      const properties = message.properties ?? {};
      await channel.basicPublish(
        "",
        this.#options.queue,
        message.body ?? message.bodyToString(),
        {
          ...properties,
          headers: {
            ...properties.headers,
            ...headers,
            [BOUNCE_HEADER]: first,
            [LAST_BOUNCE_HEADER]: this.#options.scheduler.now(),
          },
        },
      );
    } catch (error) {
      // The broker redelivers the original.
      if (signal?.aborted) return false;
      logger.debug(
        "A command could not be published again in {queue} ({reason}); it is requeued",
        {
          queue: this.#options.queue,
          reason: error instanceof Error ? error.message : String(error),
        },
      );
      // After a wait: a queue refusing every copy (full, with
      // reject-publish) would otherwise hand it straight back, unstamped,
      // thousands of times a second.
      this.#requeueLater(message, signal);
      return false;
    }
    await message.ack().catch(() => {});
    return true;
  }

  /** Close the shard and connect it again (op 1 resumably, op 2 anew). */
  async #restart(
    id: number,
    shard: CommandShard,
    resumable: boolean,
  ): Promise<void> {
    this.#restarting.add(id);
    try {
      await shard.close(resumable ? { resumable: true } : {});
    } finally {
      this.#restarting.delete(id);
    }
    shard.connect().catch(() => {});
  }

  /**
   * Put the delivery back in the queue after {@linkcode REQUEUE_DELAY}
   * (unless its consumer ended meanwhile: the broker redelivers it then).
   */
  #requeueLater(message: CommandMessage, signal?: AbortSignal): void {
    this.#options.scheduler.setTimeout(() => {
      if (!signal?.aborted) void message.nack(true).catch(() => {});
    }, REQUEUE_DELAY);
  }

  /**
   * The shard cannot take a command now: whether to put it back (the shard
   * comes back, within {@linkcode MAX_REQUEUE_TIME} of when it first could
   * not take one) or drop it (said once per shard until it is ready again).
   */
  #comesBack(id: number, shard: CommandShard): boolean {
    const { scheduler, queue } = this.#options;
    // Closed and neither paused by the service nor restarting for a
    // command: stopped for good (a fatal close such as 4004 or 4010), and
    // nothing brings it back in this process but an op 1 or 2 command.
    const comesBack = this.#options.paused(id) || this.#restarting.has(id) ||
      this.#options.closing() || shard.status !== "closed";
    const now = scheduler.now();
    const since = this.#requeuingSince.get(id) ?? now;
    if (comesBack && now - since < MAX_REQUEUE_TIME) {
      this.#requeuingSince.set(id, since);
      return true;
    }
    if (!this.#dropping.has(id)) {
      this.#dropping.add(id);
      // Once per shard until it is ready again, not once per command.
      visible.warn(
        comesBack
          ? "Shard {shard} has not taken commands for {seconds} s; its commands from {queue} are rejected without requeue until it is ready again"
          : "Shard {shard} has stopped for good; its commands from {queue} are rejected without requeue (an op 1 or 2 command, or a restart, starts it again)",
        { shard: id, queue, seconds: MAX_REQUEUE_TIME / 1000 },
      );
    }
    return false;
  }

  async #reject(
    message: CommandMessage,
    result: "malformed" | "failed",
    reason: unknown,
  ): Promise<void> {
    this.#options.counter.inc({ result });
    logger.warn("Rejected a command from {queue}: {reason}", {
      queue: this.#options.queue,
      reason: reason instanceof Error ? reason.message : String(reason),
    });
    await message.reject(false).catch(() => {});
  }
}

/** When a bounced copy was first put back, if the delivery is one. */
function firstBounce(message: CommandMessage): number | undefined {
  return timeHeader(message, BOUNCE_HEADER);
}

/**
 * How long a copy bounced before waits before it is published again: the
 * rest of {@linkcode REQUEUE_DELAY} since its last bounce, 0 once that has
 * passed, the whole delay at most (no stamp, or one ahead of `now`).
 */
function bounceWait(message: CommandMessage, now: number): number {
  const last = timeHeader(message, LAST_BOUNCE_HEADER);
  if (last === undefined) return REQUEUE_DELAY;
  return Math.min(REQUEUE_DELAY, Math.max(0, REQUEUE_DELAY - (now - last)));
}

/** A header holding epoch milliseconds, if the delivery has it. */
function timeHeader(message: CommandMessage, name: string): number | undefined {
  const value = message.properties?.headers?.[name];
  const time = typeof value === "bigint" ? Number(value) : value;
  return typeof time === "number" && Number.isFinite(time) ? time : undefined;
}
