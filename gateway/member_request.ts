/**
 * Request Guild Members (op 8) as an async iterable of the reply's chunks,
 * with Discord's RATE_LIMITED answer handled by waiting and asking again.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
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
  /** Send a gateway command. */
  send(command: GatewayCommand): Promise<void>;
}

/** How long a members request waits for its next chunk by default. */
export const DEFAULT_MEMBER_REQUEST_TIMEOUT = 30_000;

/**
 * Send Request Guild Members and yield each GUILD_MEMBERS_CHUNK of the reply
 * (matched by nonce) until the last one. A RATE_LIMITED dispatch for the
 * request makes it wait `retry_after` and send again.
 *
 * @param shard The shard of the guild (see `shardForGuild`).
 * @param data The request; a nonce is added when it has none.
 * @param options Timeout and cancellation.
 * @returns The chunks, in order.
 * @throws {GatewayError} `timeout` when no chunk arrives in time.
 */
export async function* requestGuildMemberChunks(
  shard: MemberRequestShard,
  data: RequestGuildMembersData,
  options: MemberRequestOptions = {},
): AsyncGenerator<GuildMembersChunkDispatch, void, undefined> {
  const scheduler = shard.scheduler;
  const timeout = options.timeout ?? DEFAULT_MEMBER_REQUEST_TIMEOUT;
  const request: RequestGuildMembersData = {
    ...data,
    nonce: data.nonce ?? createNonce(),
  };
  const chunks: GuildMembersChunkDispatch[] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  let timer: TimerId | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const fail = (error: unknown): void => {
    failure ??= error;
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
    shard.send({ op: GatewayOpcode.RequestGuildMembers, d: request }).catch(
      fail,
    );
    armTimeout();
  };
  const unsubscribe = shard.on("dispatch", (event) => {
    // A payload that is not shaped as documented cannot end the request
    // properly: it fails with a `decode` error instead of waiting forever,
    // re-sending in a loop or throwing into the shard.
    const malformed = (cause: unknown): void =>
      fail(
        new GatewayError(
          "decode",
          `Request Guild Members for guild ${request.guild_id} got a malformed ${event.name}`,
          { cause, shardId: shard.id },
        ),
      );
    if (event.name === "GUILD_MEMBERS_CHUNK") {
      if (nonceOf(event.data) !== request.nonce) return;
      try {
        chunkCount(event.data);
      } catch (cause) {
        malformed(cause);
        return;
      }
      chunks.push(event.data as GuildMembersChunkDispatch);
      armTimeout();
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
  }, { events: ["GUILD_MEMBERS_CHUNK", "RATE_LIMITED"] });
  const onAbort = (): void => fail(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw options.signal.reason;
    send();
    let received = 0;
    for (;;) {
      while (chunks.length > 0) {
        const chunk = chunks.shift()!;
        received++;
        yield chunk;
        if (received >= chunk.chunk_count) return;
      }
      if (failure !== undefined) throw failure;
      await new Promise<void>((resolve) => wake = resolve);
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener("abort", onAbort);
    if (timer !== undefined) scheduler.clearTimeout(timer);
  }
}
