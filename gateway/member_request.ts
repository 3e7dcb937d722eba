/**
 * Request Guild Members (op 8) as an async iterable of the reply's chunks,
 * with Discord's RATE_LIMITED answer handled by waiting and asking again.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { Fifo } from "../base/fifo.ts";
import { GatewayError } from "./errors.ts";
import { createNonce } from "./gateway_commands.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import type {
  GatewayCommand,
  RequestGuildMembersData,
} from "../types/gateway_payloads.ts";
import type {
  GuildMembersChunkDispatch,
  RateLimitedDispatch,
} from "../types/dispatch_payloads.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import {
  chunkCount,
  chunkIndex,
  isRecord,
  nonceOf,
  retryAfterMs,
} from "./payload_guards.ts";

const logger = getLogger(["disruption", "gateway", "member_request"]);

/** Options for a members request. */
export interface MemberRequestOptions {
  /**
   * Give up when no chunk arrives for this many milliseconds (a RATE_LIMITED
   * wait does not count).
   *
   * @default {30000}
   */
  timeout?: number;
  /**
   * The most chunks held for the reader before it takes them. A reader that
   * falls further behind (or stops reading while a gateway keeps sending)
   * ends the request: it stops listening at once, and the reader gets the
   * chunks held, then a {@linkcode GatewayError} `backlog_full`. A reply
   * that has all come in is held whole however long it is not read, but
   * nothing more.
   *
   * @default {1000}
   */
  maxBacklog?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * What a members request needs from the shard that runs it. Spelled out
 * here rather than taken from `shard.ts`, which imports this module: the
 * shard satisfies it structurally, and the import graph stays a tree.
 */
export interface MemberRequestShard {
  /** The shard's ID, for errors. */
  readonly id: number;
  /** The shard's clock. */
  readonly scheduler: Scheduler;
  /**
   * Listen to dispatches (the shard's `ShardDispatch` has these fields and
   * more).
   */
  on(
    event: "dispatch",
    listener: (
      event: { readonly name: string; readonly data: unknown },
    ) => void,
    options?: { events?: Iterable<string> },
  ): () => void;
  /** Send a gateway command; `signal` takes it back while it is queued. */
  send(
    command: GatewayCommand,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
}

/** How long a members request waits for its next chunk by default. */
export const DEFAULT_MEMBER_REQUEST_TIMEOUT = 30_000;

/**
 * How many chunks a members request holds for its reader by default: a
 * million members' worth (Discord sends 1,000 a chunk), far more than a
 * reader that keeps up falls behind.
 */
export const DEFAULT_MEMBER_REQUEST_BACKLOG = 1_000;

/**
 * The chunk indices of one reply seen so far, in memory that grows only
 * with the indices that came out of order (Discord sends them in order).
 */
class SeenIndices {
  /** Every index below it was seen. */
  #below = 0;
  /** The indices seen above {@link SeenIndices.#below}. */
  #above = new Set<number>();

  /** Records `index`; false when it was seen before. */
  add(index: number): boolean {
    if (index < this.#below || this.#above.has(index)) return false;
    if (index !== this.#below) {
      this.#above.add(index);
      return true;
    }
    this.#below++;
    while (this.#above.delete(this.#below)) this.#below++;
    return true;
  }
}

/**
 * Send Request Guild Members and yield each GUILD_MEMBERS_CHUNK of the reply
 * (matched by nonce) until the last one. A RATE_LIMITED dispatch for the
 * request makes it wait `retry_after` and send again.
 *
 * The reply is the `chunk_count` chunks of its first chunk, with the
 * indices 0 to `chunk_count - 1` once each: a chunk that names another
 * count, an index out of that range or one already seen ends the request
 * (a hostile gateway could otherwise make it run for ever). The request
 * stops listening as soon as it has the whole reply or fails, so an
 * abandoned reader holds no listener.
 *
 * @param shard The shard of the guild (see `shardForGuild`).
 * @param data The request; a nonce is added when it has none.
 * @param options Timeout, backlog bound and cancellation.
 * @returns The chunks, in the order they came.
 * @throws {GatewayError} `timeout` when no chunk arrives in time, `decode`
 * when a chunk is malformed or does not fit the reply, `backlog_full` when
 * the reader falls `maxBacklog` chunks behind.
 * @throws {RangeError} When `maxBacklog` is not a positive integer.
 */
export function requestGuildMemberChunks(
  shard: MemberRequestShard,
  data: RequestGuildMembersData,
  options: MemberRequestOptions = {},
): AsyncGenerator<GuildMembersChunkDispatch, void, undefined> {
  // Checked here, not in the generator, so that the caller's call throws.
  const maxBacklog = options.maxBacklog ?? DEFAULT_MEMBER_REQUEST_BACKLOG;
  if (!Number.isSafeInteger(maxBacklog) || maxBacklog < 1) {
    throw new RangeError(
      `Cannot request guild members as 'maxBacklog' must be a positive integer: current value 'maxBacklog=${maxBacklog}'`,
    );
  }
  return memberChunks(shard, data, options, maxBacklog);
}

async function* memberChunks(
  shard: MemberRequestShard,
  data: RequestGuildMembersData,
  options: MemberRequestOptions,
  maxBacklog: number,
): AsyncGenerator<GuildMembersChunkDispatch, void, undefined> {
  const scheduler = shard.scheduler;
  const timeout = options.timeout ?? DEFAULT_MEMBER_REQUEST_TIMEOUT;
  const request: RequestGuildMembersData = {
    ...data,
    nonce: data.nonce ?? createNonce(),
  };
  // Array.shift moves every chunk held: draining 200,000 took 26.7 s.
  const chunks = new Fifo<GuildMembersChunkDispatch>();
  // The reply's chunk_count, from its first chunk (0 before it).
  let count = 0;
  let received = 0;
  const seen = new SeenIndices();
  let complete = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let timer: TimerId | undefined;
  let unsubscribe: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  // Takes the request's frame back if it is still queued when the request
  // ends (failed, aborted, or its reader stopped reading).
  const withdraw = new AbortController();
  // Nothing more is wanted: the reply is whole or the request failed.
  const stop = (): void => {
    withdraw.abort();
    unsubscribe?.();
    unsubscribe = undefined;
    if (timer !== undefined) scheduler.clearTimeout(timer);
    timer = undefined;
  };
  const fail = (error: unknown): void => {
    failure ??= error;
    stop();
    notify();
  };
  const armTimeout = (): void => {
    if (timer !== undefined) scheduler.clearTimeout(timer);
    timer = scheduler.setTimeout(() => {
      timer = undefined;
      fail(
        new GatewayError(
          "timeout",
          `Request Guild Members for guild ${request.guild_id} got no chunk for ${timeout} ms`,
          { shardId: shard.id },
        ),
      );
    }, timeout);
  };
  const send = (): void => {
    timer = undefined;
    shard.send(
      { op: GatewayOpcode.RequestGuildMembers, d: request },
      { signal: withdraw.signal },
    ).then(() => {
      // The wait for a chunk starts when Discord is asked, not while the
      // frame queues behind other commands or a reconnect.
      if (!complete && failure === undefined && timer === undefined) {
        armTimeout();
      }
    }, fail);
  };
  const onDispatch = (
    event: { readonly name: string; readonly data: unknown },
  ): void => {
    // A payload that is not shaped as documented cannot end the request
    // properly: it fails with a `decode` error instead of waiting forever,
    // re-sending in a loop or throwing into the shard.
    const malformed = (cause: unknown): void =>
      fail(
        new GatewayError(
          "decode",
          `Request Guild Members for guild ${request.guild_id} got a malformed ${event.name}: ${
            (cause as Error).message
          }`,
          { cause, shardId: shard.id },
        ),
      );
    if (event.name === "GUILD_MEMBERS_CHUNK") {
      if (nonceOf(event.data) !== request.nonce) return;
      // The reply is chunk_count chunks, indexed 0 to chunk_count - 1: a
      // chunk that does not fit it would keep the request going for ever
      // (chunk_count: 1e9) or hand the reader members twice.
      try {
        const total = chunkCount(event.data);
        if (count !== 0 && total !== count) {
          throw new RangeError(
            `GUILD_MEMBERS_CHUNK's 'chunk_count' must be the first chunk's ${count}: current value '${total}'`,
          );
        }
        count = total;
        const index = chunkIndex(event.data, count);
        if (!seen.add(index)) {
          throw new RangeError(
            `GUILD_MEMBERS_CHUNK's 'chunk_index' must not repeat: current value '${index}'`,
          );
        }
      } catch (cause) {
        malformed(cause);
        return;
      }
      if (chunks.length >= maxBacklog) {
        fail(
          new GatewayError(
            "backlog_full",
            `Request Guild Members for guild ${request.guild_id} held ${maxBacklog} chunks its reader had not taken (maxBacklog), and stopped`,
            { shardId: shard.id },
          ),
        );
        return;
      }
      chunks.push(event.data as GuildMembersChunkDispatch);
      if (++received === count) {
        complete = true;
        stop();
      } else {
        armTimeout();
      }
      notify();
    } else if (event.name === "RATE_LIMITED") {
      const limited = event.data as Partial<RateLimitedDispatch> | null;
      if (limited?.opcode !== GatewayOpcode.RequestGuildMembers) return;
      const meta = limited.meta as unknown;
      const metaNonce = nonceOf(meta);
      const metaGuild = isRecord(meta) ? meta.guild_id : undefined;
      if (
        metaNonce !== undefined
          ? metaNonce !== request.nonce
          : metaGuild !== request.guild_id
      ) return;
      let wait: number;
      try {
        wait = retryAfterMs(limited);
      } catch (cause) {
        malformed(cause);
        return;
      }
      logger.info(
        "Request Guild Members for guild {guildId} is rate limited; asking again in {wait} ms",
        { guildId: request.guild_id, wait },
      );
      if (timer !== undefined) scheduler.clearTimeout(timer);
      timer = scheduler.setTimeout(send, wait);
    }
  };
  unsubscribe = shard.on("dispatch", onDispatch, {
    events: ["GUILD_MEMBERS_CHUNK", "RATE_LIMITED"],
  });
  const onAbort = (): void => fail(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw options.signal.reason;
    send();
    for (;;) {
      while (chunks.length > 0) yield chunks.shift()!;
      if (complete) return;
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve) => wake = resolve);
    }
  } finally {
    stop();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
