/**
 * {@linkcode CommandHandler}: what the dispatch service does with one
 * message of `gateway.send`. It checks the command (the body, then the
 * payload of op 3, 4, 8, 31 and 43 with the gateway's own builders, and a
 * presence as its shard would, before it can replace another, so a
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
 * the queue (`shard_turns.ts`), but for presences (op 3): only the latest
 * counts, so none holds the others back and an older one is settled as
 * done once a newer one was taken (`_shard_presences.ts`).
 *
 * Several processes may share the bot's shards (`SHARDS_START`/`SHARDS_END`)
 * and consume the one queue: a command for a shard of the bot that another
 * process runs is published again at the tail of the queue for it (its copy
 * carries {@linkcode BOUNCE_HEADER}, when it was first put back, and
 * {@linkcode LAST_BOUNCE_HEADER}, when it was last) and the delivery acked;
 * a copy back sooner than {@linkcode REQUEUE_DELAY} after its last bounce
 * waits the rest of it first, and one still unrun
 * {@linkcode MAX_REQUEUE_TIME} after its first bounce is rejected (no
 * consumer runs its shard). Copies are published by `_command_bouncer.ts`
 * (with the properties of `_command_copies.ts`). An op 4, 8 or 43 command
 * goes to the shard of its `guild_id` (`(guild_id >> 22) % SHARDS_TOTAL`),
 * whatever its `shard` says: Discord leaves one sent on another shard
 * unanswered.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Counter } from "prom-client";
import { errorText } from "../base/error_text.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { GatewayError } from "../gateway/errors.ts";
import { checkedCommand } from "../gateway/gateway_commands.ts";
import type { Shard } from "../gateway/shard.ts";
import type { GatewayCommand } from "../types/gateway_payloads.ts";
import {
  CommandBouncer,
  type CommandChannel,
  type CommandMessage,
  firstBounce,
} from "./_command_bouncer.ts";
import {
  BOUNCE_HEADER,
  bounceWait,
  LAST_BOUNCE_HEADER,
  MAX_REQUEUE_TIME,
  REQUEUE_DELAY,
} from "./_command_copies.ts";
import {
  guildShard,
  parseCommand,
  type ServiceCommand,
} from "./_service_command.ts";
import { ShardPresences } from "./_shard_presences.ts";
import { botActivitiesOnly } from "./bot_activities.ts";
import { MAX_SHARD_COMMANDS, ShardHolds } from "./shard_holds.ts";
import { ShardTurns, TURN_HEADER } from "./shard_turns.ts";

export {
  BOUNCE_HEADER,
  type CommandChannel,
  type CommandMessage,
  LAST_BOUNCE_HEADER,
  MAX_REQUEUE_TIME,
  MAX_SHARD_COMMANDS,
  parseCommand,
  REQUEUE_DELAY,
  type ServiceCommand,
  TURN_HEADER,
};

const logger = getLogger(["disruption", "dispatch", "commands"]);
const visible = getVisibleLogger(["disruption", "dispatch", "commands"]);

/** The largest `gateway.send` body read (a gateway payload is at most 4096). */
const MAX_COMMAND_BYTES = 64 * 1024;

/** What the handler needs of a shard. */
export type CommandShard =
  & Pick<Shard, "send" | "close" | "connect" | "status">
  // Optional: a fake shard without it still gets the presence's fields
  // checked (`checkedCommand`), not the shard's IDENTIFY size.
  & Partial<Pick<Shard, "checkPresence">>;

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
  /** Each shard's copies on their way round, in order. */
  readonly #turns = new ShardTurns();
  /** Each shard's unsettled commands: given to it, and held at hand. */
  readonly #holds: ShardHolds<Held>;
  /** Publishes deliveries again, or requeues them. */
  readonly #copies: CommandBouncer;
  /** Each shard's presences: the latest, the one it holds, the next. */
  readonly #presences = new ShardPresences<Held>();

  /**
   * Create it.
   *
   * @param options The shards, the service's state and the counter.
   */
  constructor(options: CommandHandlerOptions) {
    this.#options = options;
    this.#holds = new ShardHolds(options.prefetch);
    this.#copies = new CommandBouncer(options);
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
   * Whether shard `id` is closed for a moment by an op 1 or op 2 command:
   * its `closed` is a restart, not the end of the shard.
   *
   * @param id The shard.
   * @returns Whether it is restarting.
   */
  restarting(id: number): boolean {
    return this.#restarting.has(id);
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
        reason: errorText(error),
      });
      await message.reject(false).catch(() => {});
    }
  }

  async #handle(message: CommandMessage, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      // Delivered as its consumer ended (the service stopping): left
      // unsettled, the broker redelivers it to the next consumer. Run or
      // put back as a copy, it could reach the queue twice.
      this.#options.counter.inc({ result: "retried" });
      return;
    }
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
      await this.#copies.elsewhere(message, command.shard, total, signal);
      return;
    }
    if (payload?.op === 3 && shard.checkPresence) {
      try {
        // Refused by the shard only once taken, it would already have
        // settled the presence waiting before it as superseded (acked,
        // never sent): the shard's own check, IDENTIFY's size with it too.
        shard.checkPresence(payload.d);
      } catch (error) {
        await this.#reject(message, "failed", error);
        return;
      }
    }
    const id = command.shard;
    const turns = this.#turns;
    const copy = turns.turnOf(message.properties?.headers?.[TURN_HEADER]);
    if (copy) turns.arrived(id, copy.publish);
    const turn = copy?.turn ?? turns.next();
    const presence = payload?.op === 3;
    if (presence && this.#presences.superseded(id, turn)) {
      // A newer presence of the shard was taken or put back: this one
      // would never be written (only the latest counts), and going round
      // again it took the broker thousands of copies a second in a flood.
      await this.#superseded(message, id);
      return;
    }
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
      await this.#notReady(message, id, shard, turn, presence, signal);
      return;
    }
    if (presence) {
      await this.#takePresence(message, id, shard, payload!, turn, signal);
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
      await this.#putBack(message, id, undefined, turn, false, signal);
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
   * Take a presence (op 3) of a ready shard, newer than any taken or put
   * back (`_shard_presences.ts`): it waits only for the shard's older
   * commands of other ops going round (its turn keeps no place among
   * them), is given to the shard at once unless it holds one of this
   * handler's presences already, and else waits for that one to be
   * written, replacing (settling as done) the one that waited before it:
   * in the shard's budget (`shard_holds.ts`), or put back when that is full.
   */
  async #takePresence(
    message: CommandMessage,
    id: number,
    shard: CommandShard,
    payload: GatewayCommand,
    turn: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const holds = this.#holds;
    const presences = this.#presences;
    if (!this.#turns.mayTake(id, turn, this.#options.scheduler.now())) {
      await this.#putBack(message, id, undefined, turn, true, signal);
      return;
    }
    presences.seen(id, turn);
    const older = this.#takeWaiting(id);
    if (older) older.resolve(() => this.#superseded(older.message, id));
    if (!presences.given(id) && holds.runsNow(id) && holds.mayTake(id)) {
      holds.started(id);
      presences.setGiven(id, true);
      await this.#run(message, id, shard, payload, 0, turn, signal);
      return;
    }
    if (!holds.mayTake(id)) {
      // Its slot is counted in the shard's budget as any command's: kept
      // outside it, with 45 busy shards the presences given and waiting
      // filled the prefetch, and no other shard's command was delivered
      // until a presence was written (the pacer: 5 per 20 s). Put back as
      // any command over budget; it stays the newest, its copy comes back.
      await this.#putBack(message, id, undefined, turn, true, signal);
      return;
    }
    // One a shard, in the shard's budget, given to it once the one it holds
    // is settled (#giveHeld).
    holds.setAside(id);
    const then = await new Promise<() => Promise<void>>((resolve) => {
      presences.wait(id, { message, payload, turn, signal, resolve });
    });
    await then();
  }

  /** Take the shard's waiting presence, if any, out of its budget. */
  #takeWaiting(id: number): Held | undefined {
    const waiting = this.#presences.take(id);
    if (waiting) this.#holds.takenAside(id);
    return waiting;
  }

  /** A presence older than one taken: done, as the shard settles one. */
  async #superseded(message: CommandMessage, id: number): Promise<void> {
    logger.debug(
      "A presence for shard {shard} from {queue} is superseded by a newer one",
      { shard: id, queue: this.#options.queue },
    );
    this.#options.counter.inc({ result: "done" });
    await message.ack().catch(() => {});
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
    // A presence was marked given by whoever gave it, at once: another
    // must not pass it in the meantime.
    const presence = payload?.op === 3;
    let full = false;
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
        await this.#notReady(message, id, shard, turn, presence, signal);
        return;
      }
      if (error instanceof GatewayError && error.kind === "backlog_full") {
        // The shard's own queue is full (other code of this process sends
        // on it): a wait, not a fault of the command, so to the tail, and
        // the shard's later commands held here with it, in their turns (given
        // to the shard, one could pass it).
        full = true;
        await this.#putBack(message, id, undefined, turn, presence, signal);
        return;
      }
      await this.#reject(message, "failed", error);
    } finally {
      if (presence) this.#presences.setGiven(id, false);
      this.#holds.finished(id);
      this.#giveHeld(id, full);
    }
  }

  /**
   * Hand the shard's held commands on, oldest first: to the shard while
   * fewer than {@linkcode MAX_SHARD_COMMANDS} are given to it, back to the
   * queue (in their turns) all at once when it cannot take them any more;
   * those whose channel is gone are left to the broker's redelivery.
   */
  #giveHeld(id: number, full = false): void {
    const shard = this.#options.shard(id);
    const ready = !full && shard !== undefined && shard.status === "ready" &&
      !this.#options.paused(id) && !this.#restarting.has(id);
    for (;;) {
      const held = this.#holds.next(id, !ready);
      if (!held) break;
      this.#give(held, id, shard, ready, false);
    }
    // The presence waiting for the one the shard holds, after the shard's
    // older commands held here (it is a command in line as any other).
    const presences = this.#presences;
    if (ready && (presences.given(id) || !this.#holds.runsNow(id))) return;
    const waiting = this.#takeWaiting(id);
    if (waiting) this.#give(waiting, id, shard, ready, true);
  }

  /** Settle a command held at hand as {@linkcode CommandHandler.#giveHeld} says. */
  #give(
    held: Held,
    id: number,
    shard: CommandShard | undefined,
    ready: boolean,
    presence: boolean,
  ): void {
    const { message, payload, turn, signal } = held;
    if (signal?.aborted) {
      this.#options.counter.inc({ result: "retried" });
      held.resolve(() => Promise.resolve());
    } else if (!shard) {
      // No longer this process's shard (not seen: shards are fixed).
      this.#options.counter.inc({ result: "retried" });
      held.resolve(() => Promise.resolve(this.#copies.requeueLater(message)));
    } else if (!ready) {
      held.resolve(() =>
        this.#notReady(message, id, shard, turn, presence, signal)
      );
    } else {
      this.#holds.started(id);
      if (presence) this.#presences.setGiven(id, true);
      held.resolve(() =>
        this.#run(message, id, shard, payload, 0, turn, signal)
      );
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
    presence: boolean,
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
    await this.#putBack(message, id, first ?? now, turn, presence, signal);
  }

  /**
   * Publish a command of a shard this process runs again at the tail of the
   * queue, with its turn: at once the first time, else no sooner than
   * {@linkcode REQUEUE_DELAY} after its last bounce (as a copy for another
   * process), so that none loops fast.
   *
   * @param first Its first bounce; `undefined` to count from now (its
   * shard sends: the wait is no outage).
   * @param presence Whether it is a presence: its copy keeps its turn but
   * no place in the shard's line (it holds no later command back), and the
   * shard's older presences are superseded.
   * Counted once (by the bouncer): `retried`, or `dropped` when its copy
   * cannot be put back.
   */
  async #putBack(
    message: CommandMessage,
    id: number,
    first: number | undefined,
    turn: number,
    presence: boolean,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const now = this.#options.scheduler.now();
    if (presence) this.#presences.seen(id, turn);
    const mine = presence ? turn : this.#turns.putBack(id, turn, now);
    const go = async (): Promise<void> => {
      const headers = { [TURN_HEADER]: this.#turns.publish(id, mine) };
      const outcome = await this.#copies.bounce(
        message,
        id,
        first ?? now,
        signal,
        { headers },
        "retried",
      );
      // The original is requeued (or redelivered) with its old turn, if any.
      if (outcome !== "published") this.#turns.done(id, mine);
    };
    const wait = firstBounce(message) === undefined
      ? 0
      : bounceWait(message.properties?.headers, now);
    if (wait === 0) {
      await go();
      return;
    }
    this.#options.scheduler.setTimeout(() => {
      if (signal?.aborted) {
        // The broker redelivers it.
        this.#options.counter.inc({ result: "retried" });
        this.#turns.done(id, mine);
      } else void go();
    }, wait);
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
      this.#copies.requeueLater(message);
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
      reason: errorText(reason),
    });
    await message.reject(false).catch(() => {});
  }
}
