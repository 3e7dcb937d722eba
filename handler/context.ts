/**
 * What every handler call gets besides the payload: the shard the event came
 * from, the REST client, and shortcuts for answering.
 *
 * @module
 */
import type { Shard } from "../gateway/shard.ts";
import type { RestClient } from "../rest/rest_client.ts";
import { isUnknownInteraction } from "../rest/errors.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type {
  CreateMessageBody,
  InteractionResponseBody,
  InteractionResponseData,
} from "../rest/payloads.ts";
import type { Message } from "../types/objects/message.ts";

/** A reply Discord refused for being late: said without setup. */
const visible = getVisibleLogger(["disruption", "handler"]);

/** A message to reply to: what a `MESSAGE_CREATE` payload carries. */
export interface ReplyTarget {
  /** The message ID. */
  id: string;
  /** The channel the message is in. */
  channel_id: string;
  /** The guild, for guild messages. */
  guild_id?: string | undefined;
}

/** An interaction to answer: what an `INTERACTION_CREATE` payload carries. */
export interface RespondTarget {
  /** The interaction ID. */
  id: string;
  /** The interaction token (valid for 15 minutes). */
  token: string;
}

/**
 * The context handed to every handler method and listener, one per shard.
 *
 * @typeParam Old The type of {@linkcode Context.old}: each Handler method
 * and `on` listener gets its event's `OldState` (e.g.
 * `Context<OldState<"MESSAGE_DELETE">>`, whose `old` is a
 * `CachedMessage | undefined`); a plain `Context` reads it as `unknown`.
 */
export interface Context<Old = unknown> {
  /** The shard the event came from. */
  readonly shardId: number;
  /** The shard itself, e.g. to send a presence update. */
  readonly shard: Shard;
  /** The REST client. */
  readonly rest: RestClient;
  /**
   * With the Client's `cache` on: the state before this event, as cached —
   * the entity an update or delete event changed or removed (a list for
   * events that change several: bulk deletes, emoji and sticker lists,
   * thread syncs), typed per event by `OldState` (the table is
   * `CachedOldState`). `undefined` when the Client has no cache, the
   * resource is not kept, the entity was not cached, or the event has no
   * previous state (creates, and events the cache does not keep). A deleted
   * role is this role; the members that had it are already updated in the
   * cache when the handler runs.
   */
  readonly old: Old;
  /**
   * Reply to a message in its channel.
   *
   * @param message The message to reply to.
   * @param content Text, or a full message body.
   * @returns The created message.
   */
  reply(
    message: ReplyTarget,
    content: string | CreateMessageBody,
  ): Promise<Message>;
  /**
   * Answer an interaction: a string or message data sends a message
   * (callback type 4); a body with `type` is sent as it is.
   *
   * @param interaction The interaction to answer.
   * @param response Text, message data, or a full callback body.
   * @returns A promise that resolves once Discord accepted the answer.
   */
  respond(
    interaction: RespondTarget,
    response: string | InteractionResponseData | InteractionResponseBody,
  ): Promise<void>;
}

/**
 * The {@linkcode Context} of one shard.
 *
 * @example Reply through a fake REST API
 * ```ts
 * import { ShardContext } from "./context.ts";
 * import { Shard } from "@disruption/disruption/gateway";
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const ctx = new ShardContext(new Shard({ token: "t", intents: 0 }), rest);
 * const ping = await rest.createMessage("20", { content: "!ping" });
 * const pong = await ctx.reply(ping, "pong");
 * assert.equal(pong.content, "pong");
 * assert.deepEqual(discord.requests[1]!.body, {
 *   content: "pong",
 *   message_reference: { message_id: ping.id, channel_id: "20" },
 * });
 * ```
 */
export class ShardContext implements Context {
  /** The shard the event came from. */
  readonly shard: Shard;
  /** The REST client. */
  readonly rest: RestClient;
  /**
   * Reads the state before the event being handled (set by the Client from
   * its cache): a copy the cache does not hold, made at the first read, so
   * that only handlers that look at `old` pay for it.
   */
  readOld: (() => unknown) | undefined = undefined;

  /** Where {@linkcode ShardContext.beside} hands work (the shard's slot). */
  readonly #beside: ((work: () => PromiseLike<unknown>) => void) | undefined;

  /** The state before the event being handled. */
  get old(): unknown {
    return this.readOld?.();
  }

  /**
   * Create the context of one shard.
   *
   * @param shard The shard.
   * @param rest The REST client.
   * @param beside Starts what {@linkcode ShardContext.beside} is handed (the
   *   Client's shard slot); without it, that work runs untracked.
   */
  constructor(
    shard: Shard,
    rest: RestClient,
    beside?: (work: () => PromiseLike<unknown>) => void,
  ) {
    this.shard = shard;
    this.rest = rest;
    this.#beside = beside;
  }

  /**
   * Internal: not on {@linkcode Context}, and not for handlers. It is
   * reached structurally by an attached `InteractionRouter` (the `beside`
   * of `InteractionSource`'s context), which starts each route handler
   * here. The Client calls `work` at once and does not await it: it runs
   * beside the shard's later events yet belongs to the run. `stop()` waits
   * for it within `drainTimeout` (and names it if it is still running
   * then), so a route handler must not await the stop either. It counts
   * toward the shard's held bound until it settles, as the promise of an
   * `atArrival` listener does. What it rejects with is said on stderr.
   * Without the Client's slot, `work` just runs.
   *
   * @param work Starts the work and returns its promise.
   */
  beside(work: () => PromiseLike<unknown>): void {
    if (this.#beside === undefined) void work();
    else this.#beside(work);
  }

  /** The shard's ID. */
  get shardId(): number {
    return this.shard.id;
  }

  /**
   * Reply to a message in its channel.
   *
   * @param message The message to reply to.
   * @param content Text, or a full message body.
   * @returns The created message.
   */
  reply(
    message: ReplyTarget,
    content: string | CreateMessageBody,
  ): Promise<Message> {
    const body: CreateMessageBody = typeof content === "string"
      ? { content }
      : { ...content };
    const reference: CreateMessageBody["message_reference"] = {
      message_id: message.id,
      channel_id: message.channel_id,
    };
    if (message.guild_id !== undefined) reference.guild_id = message.guild_id;
    body.message_reference ??= reference;
    return this.rest.createMessage<Message>(message.channel_id, body);
  }

  /**
   * Answer an interaction.
   *
   * @param interaction The interaction to answer.
   * @param response Text, message data, or a full callback body.
   * @returns A promise that resolves once Discord accepted the answer.
   */
  respond(
    interaction: RespondTarget,
    response: string | InteractionResponseData | InteractionResponseBody,
  ): Promise<void> {
    const body: InteractionResponseBody = typeof response === "string"
      ? { type: 4, data: { content: response } }
      : "type" in response
      ? response as InteractionResponseBody
      : { type: 4, data: response };
    return this.rest.createInteractionResponse(
      interaction.id,
      interaction.token,
      body,
    ).catch((error: unknown) => {
      if (isUnknownInteraction(error)) {
        // The raw 404 does not say why: nearly always the 3 s deadline.
        visible.warn(
          "Interaction {id} was unknown to Discord (10062): an interaction must be answered within 3 s of being sent; for slow work answer {{ type: 5 }} (a deferred reply) first, then edit the original response",
          { id: interaction.id },
        );
      }
      throw error;
    });
  }
}
