/**
 * {@linkcode CommandHandler}: what the dispatch service does with one
 * message of `gateway.send`. It checks the command (the body, then the
 * payload of op 4, 8, 31 and 43 with the gateway's own builders, so a
 * malformed one never reaches Discord, which would close the connection
 * with 4001 or 4002), runs it on its shard, and settles the delivery: acked
 * once done, rejected without requeue when it cannot be run, put back at
 * the tail of the queue while its shard can still take it later (paused
 * for a full buffer, restarting, reconnecting), for at most
 * {@linkcode MAX_REQUEUE_TIME}, and while its shard already holds its
 * budget of commands unsettled (`shard_holds.ts`: a busy shard's next
 * commands are kept at hand, in order, up to a share of the prefetch less a
 * reserve): one shard's flood or outage never takes the prefetch slots the
 * other shards' commands need. A shard's commands keep their order through
 * the queue (`shard_turns.ts`).
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
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { GatewayError } from "../gateway/errors.ts";
import { checkedCommand } from "../gateway/gateway_commands.ts";
import type { Shard } from "../gateway/shard.ts";
import { shardForGuild } from "../gateway/shard_routing.ts";
import type { GatewayCommand } from "../types/gateway_payloads.ts";
import { botActivitiesOnly } from "./bot_activities.ts";
import { parseExactJson, withStringSnowflakes } from "./command_json.ts";
import { MAX_SHARD_COMMANDS, ShardHolds } from "./shard_holds.ts";
import { ShardTurns, TURN_HEADER } from "./shard_turns.ts";

export { MAX_SHARD_COMMANDS, TURN_HEADER };

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
 * take them (not ready: paused, restarting, reconnecting) before they are
 * rejected instead, counted from a copy's first bounce (put back while its
 * shard was ready, for {@linkcode MAX_SHARD_COMMANDS}, a copy starts
 * again): none loops for ever behind a shard that does not come back.
 */
export const MAX_REQUEUE_TIME = 5 * 60_000;

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

/** A command from `gateway.send`, checked by {@linkcode parseCommand}. */
export interface ServiceCommand {
  /** 0 sends `data` on the shard, 1 restarts it resumably, 2 starts a new session. */
  op: 0 | 1 | 2;
  /** The shard. */
  shard: number;
  /** For op 0: the gateway payload to send, e.g. `{ op: 3, d: presence }`. */
  data?: { op: number; d?: unknown };
}

/**
 * Check a command from `gateway.send`. Integer snowflakes (as discord.py
 * sends `guild_id`) are kept exact, and those of op 4, 8, 31 and 43 come
 * out as the decimal strings the gateway's builders take.
 *
 * @param text The message body.
 * @returns The command.
 * @throws {TypeError} With the reason it is malformed.
 */
export function parseCommand(text: string): ServiceCommand {
  let value: unknown;
  try {
    value = parseExactJson(text);
  } catch {
    throw new TypeError("the body is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError("the body is not a JSON object");
  }
  const { op, shard, data } = value as Record<string, unknown>;
  if (op !== 0 && op !== 1 && op !== 2) {
    throw new TypeError(`'op' must be 0, 1 or 2: current value '${op}'`);
  }
  if (typeof shard !== "number" || !Number.isSafeInteger(shard) || shard < 0) {
    throw new TypeError(
      `'shard' must be a non-negative integer: current value '${shard}'`,
    );
  }
  if (op !== 0) return { op, shard };
  if (
    typeof data !== "object" || data === null || Array.isArray(data) ||
    typeof (data as { op?: unknown }).op !== "number"
  ) {
    throw new TypeError("'data' must be an object with a numeric 'op'");
  }
  return {
    op,
    shard,
    data: withStringSnowflakes(data as ServiceCommand["data"] & object),
  };
}

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
   * The consumer's prefetch (100 by default): the shards' budgets of held
   * commands share it less a reserve.
   */
  prefetch?: number;
}

/** A command kept at hand for its busy shard, until it is its turn. */
interface Held {
  message: CommandMessage;
  payload: GatewayCommand;
  turn: number;
  signal: AbortSignal | undefined;
  /** Hands it what to do: run it, put it back, or leave it. */
  resolve: (then: () => Promise<void>) => void;
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
  /** Each shard's copies on their way round, in order. */
  readonly #turns = new ShardTurns();
  /** Each shard's unsettled commands: given to it, and held at hand. */
  readonly #holds: ShardHolds<Held>;
  /** Publish confirms turned on, by delivery channel. */
  readonly #confirming = new WeakMap<CommandChannel, Promise<void>>();

  /**
   * Create it.
   *
   * @param options The shards, the service's state and the counter.
   */
  constructor(options: CommandHandlerOptions) {
    this.#options = options;
    this.#holds = new ShardHolds(options.prefetch);
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
  }

  /**
   * A shard is no longer ready (its connection ended, paused, restarting):
   * its held commands go back to the queue now, in their turns. Kept, they
   * waited for one of those given to the shard to settle, which a shard
   * keeps queued until it is ready again: for a whole outage, 90 prefetch
   * slots held and past RabbitMQ's acknowledgement timeout.
   *
   * @param id The shard.
   */
  shardNotReady(id: number): void {
    this.#giveHeld(id);
  }

  /**
   * Run one command and settle its delivery.
   *
   * @param message The delivery.
   * @param signal Aborted when the delivery's channel is gone: RabbitMQ
   * then gives the message to the next consumer, so a command still queued
   * in the shard is taken back rather than sent twice. One already written
   * cannot be taken back: it is sent again when redelivered (at least once).
   * @returns When the delivery is settled (or its requeue scheduled). It
   * never rejects: whatever throws, the delivery is rejected and counted
   * `failed`, so none holds a prefetch slot for good.
   */
  async handle(message: CommandMessage, signal?: AbortSignal): Promise<void> {
    try {
      await this.#handle(message, signal);
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

  async #handle(message: CommandMessage, signal?: AbortSignal): Promise<void> {
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
        payload = checkedCommand(botActivitiesOnly(command.data));
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
    const turns = this.#turns;
    const copy = turns.turnOf(message.properties?.headers?.[TURN_HEADER]);
    if (copy) turns.arrived(id, copy.publish);
    const turn = copy?.turn ?? turns.next();
    // Paused for a full buffer: a reconnect now would take in events the
    // buffer cannot hold (and the shard, already in the paused set, would
    // never be paused again). Not ready (reconnecting, restarting, not
    // started yet): a send would wait in the shard, holding a prefetch slot
    // for as long. Either way it runs once the shard is ready. An op 1 or 2
    // restarts a shard whatever its state (the way to unstick one).
    if (
      this.#options.paused(id) ||
      (payload && (shard.status !== "ready" || this.#restarting.has(id)))
    ) {
      await this.#notReady(message, id, shard, turn, signal);
      return;
    }
    const holds = this.#holds;
    if (
      payload && (!turns.mayTake(id, turn, this.#options.scheduler.now()) ||
        !holds.mayTake(id))
    ) {
      // Its budget full, or older commands of the shard are on their way
      // round: to the tail, behind them. The shard sends, so it is no
      // outage: the copy's 5 minutes start again.
      this.#options.counter.inc({ result: "retried" });
      await this.#putBack(message, id, undefined, turn, signal);
      return;
    }
    turns.done(id, turn);
    if (!payload || holds.runsNow(id)) {
      holds.started(id);
      await this.#run(message, id, shard, payload, command.op, turn, signal);
      return;
    }
    // Its send queue is busy: kept at hand, unsettled (a crash leaves it to
    // the broker), until the shard writes one of those before it.
    const then = await new Promise<() => Promise<void>>((resolve) =>
      holds.hold(id, { message, payload, turn, signal, resolve })
    );
    await then();
  }

  /**
   * Give a command taken to its shard (or restart the shard, op 1 or 2)
   * and settle its delivery; then give the shard its next held one.
   */
  async #run(
    message: CommandMessage,
    id: number,
    shard: CommandShard,
    payload: GatewayCommand | undefined,
    op: ServiceCommand["op"],
    turn: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      if (payload) await shard.send(payload, signal ? { signal } : {});
      else await this.#restart(id, shard, op === 1);
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
        // Back in its turn, before the shard's later ones.
        await this.#notReady(message, id, shard, turn, signal);
        return;
      }
      await this.#reject(message, "failed", error);
    } finally {
      this.#holds.finished(id);
      this.#giveHeld(id);
    }
  }

  /**
   * Hand the shard's held commands on, oldest first: to the shard while
   * fewer than {@linkcode MAX_SHARD_COMMANDS} are given to it, back to the
   * queue (in their turns) all at once when it cannot take them any more;
   * those whose channel is gone are left to the broker's redelivery.
   */
  #giveHeld(id: number): void {
    const shard = this.#options.shard(id);
    const ready = shard !== undefined && shard.status === "ready" &&
      !this.#options.paused(id) && !this.#restarting.has(id);
    for (;;) {
      const held = this.#holds.next(id, !ready);
      if (!held) return;
      const { message, payload, turn, signal } = held;
      if (signal?.aborted) {
        this.#options.counter.inc({ result: "retried" });
        held.resolve(() => Promise.resolve());
      } else if (!shard) {
        // No longer this process's shard (not seen: shards are fixed).
        this.#options.counter.inc({ result: "retried" });
        held.resolve(() => Promise.resolve(this.#requeueLater(message)));
      } else if (!ready) {
        held.resolve(() => this.#notReady(message, id, shard, turn, signal));
      } else {
        this.#holds.started(id);
        held.resolve(() =>
          this.#run(message, id, shard, payload, 0, turn, signal)
        );
      }
    }
  }

  /**
   * The shard cannot take the command for now: publish it again at the
   * tail of the queue in its turn, or reject it when the shard stopped for
   * good or the copy has been put back for {@linkcode MAX_REQUEUE_TIME}
   * since its first bounce. A delivery without a channel is requeued.
   */
  async #notReady(
    message: CommandMessage,
    id: number,
    shard: CommandShard,
    turn: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!message.channel || !this.#comesBack(id, shard)) {
      // Requeued as it came, or rejected: no copy of its turn goes round.
      this.#turns.done(id, turn);
      await this.#closed(message, id, shard);
      return;
    }
    const now = this.#options.scheduler.now();
    const stamped = firstBounce(message);
    const first = stamped !== undefined && stamped - now > MAX_REQUEUE_TIME
      ? now
      : stamped;
    if (first !== undefined && now - first >= MAX_REQUEUE_TIME) {
      this.#turns.done(id, turn);
      await this.#drop(message, id, true);
      return;
    }
    this.#options.counter.inc({ result: "retried" });
    await this.#putBack(message, id, first ?? now, turn, signal);
  }

  /**
   * Publish a command of a shard this process runs again at the tail of the
   * queue, with its turn: at once the first time, else no sooner than
   * {@linkcode REQUEUE_DELAY} after its last bounce (as a copy for another
   * process), so that none loops fast.
   *
   * @param first Its first bounce; `undefined` to count from now (its
   * shard sends: the wait is no outage).
   */
  async #putBack(
    message: CommandMessage,
    id: number,
    first: number | undefined,
    turn: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const now = this.#options.scheduler.now();
    const mine = this.#turns.putBack(id, turn, now);
    const go = async (): Promise<void> => {
      const headers = { [TURN_HEADER]: this.#turns.publish(id, mine) };
      const published = await this.#bounce(message, first ?? now, signal, {
        headers,
      });
      // The original is requeued (or redelivered) with its old turn, if any.
      if (!published) this.#turns.done(id, mine);
    };
    const wait = firstBounce(message) === undefined
      ? 0
      : bounceWait(message, now);
    if (wait === 0) {
      await go();
      return;
    }
    this.#options.scheduler.setTimeout(() => {
      if (signal?.aborted) this.#turns.done(id, mine);
      else void go();
    }, wait);
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
      await this.#bounce(message, now, signal, {});
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
      await this.#bounce(message, first, signal, {});
      return;
    }
    scheduler.setTimeout(() => {
      if (!signal?.aborted) void this.#bounce(message, first, signal, {});
    }, wait);
  }

  /**
   * Publish a copy of the delivery at the tail of its queue, stamped with
   * its first bounce and with now as its last (and `extra.headers`), then
   * ack the delivery; requeue it if the copy cannot be published
   * (confirmed).
   *
   * @returns Whether the copy was published.
   */
  async #bounce(
    message: CommandMessage,
    first: number,
    signal: AbortSignal | undefined,
    extra: { headers?: Record<string, string> },
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
            ...extra.headers,
            [BOUNCE_HEADER]: first,
            [LAST_BOUNCE_HEADER]: this.#options.scheduler.now(),
          },
        },
      );
    } catch (error) {
      if (signal?.aborted) return false; // The broker redelivers the original.
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

  /** The shard refused the command as closed: requeue it or reject it. */
  async #closed(
    message: CommandMessage,
    id: number,
    shard: CommandShard,
  ): Promise<void> {
    const { scheduler } = this.#options;
    const comesBack = this.#comesBack(id, shard);
    const now = scheduler.now();
    const since = this.#requeuingSince.get(id) ?? now;
    if (comesBack && now - since < MAX_REQUEUE_TIME) {
      this.#requeuingSince.set(id, since);
      this.#options.counter.inc({ result: "retried" });
      this.#requeueLater(message);
      return;
    }
    await this.#drop(message, id, comesBack);
  }

  /**
   * Whether a shard that cannot take commands comes back: closed and
   * neither paused by the service nor restarting for a command, it stopped
   * for good (a fatal close such as 4004 or 4010), and nothing brings it
   * back in this process but an op 1 or 2 command.
   */
  #comesBack(id: number, shard: CommandShard): boolean {
    return this.#options.paused(id) || this.#restarting.has(id) ||
      this.#options.closing() || shard.status !== "closed";
  }

  /** Reject a command its shard did not take, said once per shard. */
  async #drop(
    message: CommandMessage,
    id: number,
    comesBack: boolean,
  ): Promise<void> {
    if (!this.#dropping.has(id)) {
      this.#dropping.add(id);
      // Once per shard until it is ready again, not once per command.
      visible.warn(
        comesBack
          ? "Shard {shard} has not taken commands for {seconds} s; its commands from {queue} are rejected without requeue until it is ready again"
          : "Shard {shard} has stopped for good; its commands from {queue} are rejected without requeue (an op 1 or 2 command, or a restart, starts it again)",
        {
          shard: id,
          queue: this.#options.queue,
          seconds: MAX_REQUEUE_TIME / 1000,
        },
      );
    }
    this.#options.counter.inc({ result: "dropped" });
    await message.reject(false).catch(() => {});
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

/**
 * The shard of an op 4 or 8 command's guild, when it has one and the shard
 * count is known.
 *
 * @throws {RangeError} A `guild_id` above 2^64 - 1.
 */
function guildShard(
  payload: GatewayCommand | undefined,
  total: number,
): number | undefined {
  if (total === 0 || (payload?.op !== 4 && payload?.op !== 8)) {
    return undefined;
  }
  const guildId = (payload.d as { guild_id?: unknown } | undefined)?.guild_id;
  // A string: parseCommand turned integer ids into strings, and the
  // builders take no other.
  return typeof guildId === "string"
    ? shardForGuild(guildId, total)
    : undefined;
}
