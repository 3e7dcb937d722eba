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
import { MAX_HELD_EVENT_CHARS } from "./event_backlog.ts";
import {
  MAX_TIMER_DELAY,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type {
  GatewayCommand,
  RequestGuildMembersData,
} from "../types/gateway_payloads.ts";
import type {
  GuildMembersChunkDispatch,
  RateLimitedDispatch,
} from "../types/dispatch_payloads.ts";
import { GatewayOpcode } from "../types/opcodes.ts";
import { isRecord } from "../base/is_record.ts";
import {
  chunkCount,
  chunkIndex,
  chunkMemberCount,
  nonceOf,
  retryAfterMs,
} from "./payload_guards.ts";

const logger = getLogger(["disruption", "gateway", "member_request"]);

/** Options for a members request. */
export interface MemberRequestOptions {
  /**
   * Give up when no chunk arrives for this many milliseconds (a RATE_LIMITED
   * wait does not count). A positive number, at most `MAX_TIMER_DELAY`.
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
   * nothing more. It also bounds the chunk indices remembered that came out
   * of order (Discord sends them in order): one more is a `decode`.
   *
   * @default {1000}
   */
  maxBacklog?: number;
  /**
   * The most frame text (UTF-16 code units, about bytes) of the chunks held
   * for the reader, ended the same way as `maxBacklog`: a chunk's frame may
   * be 64 MiB, so the count alone does not bound the heap. One chunk is
   * always taken, however big.
   *
   * @default {67108864} 64 Mi characters: a reply of about 230,000 members
   * held whole (290 characters a member), and the bound of the events a
   * Client's handlers hold across all its shards.
   */
  maxBacklogChars?: number;
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
      event: {
        readonly name: string;
        readonly data: unknown;
        /** The frame's length (see `ShardDispatch.size`); 0 when absent. */
        readonly size?: number;
      },
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
 * How much chunk frame text a members request holds for its reader by
 * default: four times `MAX_HELD_EVENT_CHARS`, as a Client holds across its
 * shards. A reply is one burst (Discord sends its chunks back to back), so
 * a reader that awaits anything per chunk falls a reply behind: this holds
 * a guild of about 230,000 members whole, where 16 Mi characters failed a
 * reply of 100,000 members read by an awaiting handler.
 */
export const DEFAULT_MEMBER_REQUEST_BACKLOG_CHARS = 4 * MAX_HELD_EVENT_CHARS;

/**
 * The chunk indices of one reply seen so far, in memory that grows only
 * with the indices that came out of order (Discord sends them in order),
 * and at most to `limit` of them: a gateway sending indices in descending
 * order would otherwise grow it by one a chunk (3 million chunks, 126 MB).
 */
class SeenIndices {
  /** Every index below it was seen. */
  #below = 0;
  /** The indices seen above {@link SeenIndices.#below}. */
  #above = new Set<number>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Records `index`.
   *
   * @throws {RangeError} When it was seen before, or would be one more
   * out-of-order index than `limit`.
   */
  add(index: number): void {
    if (index < this.#below || this.#above.has(index)) {
      throw new RangeError(
        `GUILD_MEMBERS_CHUNK's 'chunk_index' must not repeat: current value '${index}'`,
      );
    }
    if (index !== this.#below) {
      if (this.#above.size >= this.#limit) {
        throw new RangeError(
          `GUILD_MEMBERS_CHUNK's 'chunk_index' came out of order more than ${this.#limit} times (maxBacklog) before chunk ${this.#below}: current value '${index}'`,
        );
      }
      this.#above.add(index);
      return;
    }
    this.#below++;
    while (this.#above.delete(this.#below)) this.#below++;
  }
}

/**
 * The nonces of the requests listening on each shard. Two requests with
 * one nonce on one shard could not tell their chunks apart (each would
 * take the other's), so a second one is refused while the first listens.
 * Keyed by the shard object, so a closed shard's entry goes with it.
 */
const noncesInFlight = new WeakMap<MemberRequestShard, Set<string>>();

function assertNonceFree(shard: MemberRequestShard, nonce: string): void {
  if (noncesInFlight.get(shard)?.has(nonce)) {
    throw new TypeError(
      `Cannot request guild members as nonce '${nonce}' is already in use by a request on shard ${shard.id}: give each concurrent request its own nonce, or none`,
    );
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
 * (a hostile gateway could otherwise make it run for ever), as do a
 * `chunk_count` over `MAX_MEMBER_CHUNK_COUNT` (100,000: a hundred million
 * members), a chunk of more than 1,000 `members` (Discord's most) and more
 * than `maxBacklog` indices out of order. The request stops listening as
 * soon as it has the whole reply or fails, so an abandoned reader holds no
 * listener.
 *
 * A new session (a READY: after op 9, a close 4007/4009, any new IDENTIFY)
 * replays nothing of the old one. A request written there with no chunk
 * yet is sent again on the new session, once a session, and its timeout
 * starts again when that is written; one with chunks already fails with
 * `session_lost`. A RESUME replays the missed chunks, and changes nothing.
 * Code that asks anew at each GUILD_CREATE should end its earlier request
 * (abort its `signal`) first: otherwise both are sent on the new session,
 * and Discord's limit of one all-members request a guild per 30 s makes
 * one of them wait that long.
 *
 * A nonce given in `data` is sent as it is (a caller may match the chunks
 * by it elsewhere), so it must not be the nonce of a request still
 * listening on the same shard: that is refused with a `TypeError`, thrown
 * by this call, or by the first read when the other request began after
 * this call.
 *
 * @param shard The shard of the guild (see `shardForGuild`).
 * @param data The request; a nonce is added when it has none.
 * @param options Timeout, backlog bound and cancellation.
 * @returns The chunks, in the order they came.
 * @throws {GatewayError} `timeout` when no chunk arrives in time, `decode`
 * when a chunk is malformed or does not fit the reply, `backlog_full` when
 * the reader falls `maxBacklog` chunks (or `maxBacklogChars` of frame text)
 * behind, `session_lost` when a new session cut the reply off after some
 * of its chunks (the reader gets those first).
 * @throws {RangeError} When `maxBacklog` or `maxBacklogChars` is not a
 * positive integer, or `timeout` not a positive number of milliseconds up
 * to `MAX_TIMER_DELAY` (about 24.8 days).
 * @throws {TypeError} When `data.nonce` is that of a request listening on
 * `shard`.
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
  const maxChars = options.maxBacklogChars ??
    DEFAULT_MEMBER_REQUEST_BACKLOG_CHARS;
  if (!Number.isSafeInteger(maxChars) || maxChars < 1) {
    throw new RangeError(
      `Cannot request guild members as 'maxBacklogChars' must be a positive integer: current value 'maxBacklogChars=${maxChars}'`,
    );
  }
  const timeout = options.timeout ?? DEFAULT_MEMBER_REQUEST_TIMEOUT;
  // A timeout of 0, below or NaN fired at once, and one past the runtimes'
  // 32-bit timer limit after 1 ms: the request failed before any reply.
  if (
    typeof timeout !== "number" || !(timeout > 0) ||
    timeout > MAX_TIMER_DELAY
  ) {
    throw new RangeError(
      `Cannot request guild members as 'timeout' must be a positive number of milliseconds up to ${MAX_TIMER_DELAY}: current value 'timeout=${timeout}'`,
    );
  }
  if (data?.nonce !== undefined) assertNonceFree(shard, data.nonce);
  return memberChunks(shard, data, options, maxBacklog, maxChars);
}

async function* memberChunks(
  shard: MemberRequestShard,
  data: RequestGuildMembersData,
  options: MemberRequestOptions,
  maxBacklog: number,
  maxChars: number,
): AsyncGenerator<GuildMembersChunkDispatch, void, undefined> {
  const scheduler = shard.scheduler;
  const timeout = options.timeout ?? DEFAULT_MEMBER_REQUEST_TIMEOUT;
  const nonce = data.nonce ?? createNonce();
  const request: RequestGuildMembersData = { ...data, nonce };
  // Checked again: another request may have taken the nonce since the call.
  assertNonceFree(shard, nonce);
  const nonces = noncesInFlight.get(shard) ?? new Set<string>();
  noncesInFlight.set(shard, nonces);
  nonces.add(nonce);
  let nonceHeld = true;
  // Array.shift moves every chunk held: draining 200,000 took 26.7 s.
  const chunks = new Fifo<
    { chunk: GuildMembersChunkDispatch; size: number }
  >();
  // The frame text of the chunks held: a chunk frame may be 64 MiB, so the
  // count of chunks alone does not bound the heap they take.
  let heldChars = 0;
  // The reply's chunk_count, from its first chunk (0 before it).
  let count = 0;
  let received = 0;
  const seen = new SeenIndices(maxBacklog);
  let complete = false;
  // Whether the request's frame was written (and no RATE_LIMITED asked for
  // it again since): Discord has it, so a new session lost it. One still
  // queued, or waiting out a RATE_LIMITED, goes out on the new session.
  let written = false;
  let retrying = false;
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
    if (nonceHeld) {
      nonceHeld = false;
      nonces.delete(nonce);
      if (nonces.size === 0) noncesInFlight.delete(shard);
    }
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
    retrying = false;
    written = false;
    shard.send(
      { op: GatewayOpcode.RequestGuildMembers, d: request },
      { signal: withdraw.signal },
    ).then(() => {
      if (complete || failure !== undefined || retrying) return;
      written = true;
      // The wait for a chunk starts when Discord is asked, not while the
      // frame queues behind other commands or a reconnect.
      if (timer === undefined) armTimeout();
    }, fail);
  };
  // A new session (READY; a RESUME answers RESUMED and replays what was
  // missed) replays nothing of the old one: the rest of a reply written
  // there never comes, and waiting out the timeout for it failed with a
  // `timeout` that pointed away from the cause.
  const onNewSession = (): void => {
    if (received > 0) {
      fail(
        new GatewayError(
          "session_lost",
          `Request Guild Members for guild ${request.guild_id} got ${received} of ${count} chunks before the shard started a new session, which does not replay the rest: ask again for the whole list`,
          { shardId: shard.id },
        ),
      );
      return;
    }
    // Not written yet: it goes out on this session as it is.
    if (!written) return;
    // No chunk yet: ask again here, with the nonce still held. Once a
    // session (`written` is false until this one is written, and each
    // waits its turn in the send limit), and the no-chunk wait starts
    // again when it is.
    logger.info(
      "Request Guild Members for guild {guildId} was cut off by a new session before any chunk; asking again",
      { guildId: request.guild_id },
    );
    if (timer !== undefined) scheduler.clearTimeout(timer);
    send();
  };
  const onDispatch = (
    event: {
      readonly name: string;
      readonly data: unknown;
      readonly size?: number;
    },
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
        chunkMemberCount(event.data);
        seen.add(chunkIndex(event.data, count));
      } catch (cause) {
        malformed(cause);
        return;
      }
      const size = event.size ?? 0;
      // One chunk is always taken, however big its frame: the shard has
      // parsed it already, and the bound is on what piles up behind it.
      const tooMuch = chunks.length >= maxBacklog
        ? `held ${maxBacklog} chunks its reader had not taken (maxBacklog)`
        : chunks.length > 0 && heldChars + size > maxChars
        ? `held ${heldChars} characters of chunk frames its reader had not taken, and one of ${size} more would pass ${maxChars} (maxBacklogChars)`
        : undefined;
      if (tooMuch !== undefined) {
        fail(
          new GatewayError(
            "backlog_full",
            `Request Guild Members for guild ${request.guild_id} ${tooMuch}, and stopped`,
            { shardId: shard.id },
          ),
        );
        return;
      }
      chunks.push({ chunk: event.data as GuildMembersChunkDispatch, size });
      heldChars += size;
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
      written = false;
      retrying = true;
      if (timer !== undefined) scheduler.clearTimeout(timer);
      timer = scheduler.setTimeout(send, wait);
    } else if (event.name === "READY") {
      onNewSession();
    }
  };
  const onAbort = (): void => fail(options.signal?.reason);
  // Everything after the nonce is taken runs in the try, whose finally
  // gives it back.
  try {
    unsubscribe = shard.on("dispatch", onDispatch, {
      events: ["GUILD_MEMBERS_CHUNK", "RATE_LIMITED", "READY"],
    });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) throw options.signal.reason;
    send();
    for (;;) {
      while (chunks.length > 0) {
        const { chunk, size } = chunks.shift()!;
        heldChars -= size;
        yield chunk;
      }
      if (complete) return;
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve) => wake = resolve);
    }
  } finally {
    stop();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
