/**
 * {@linkcode InteractionContext}: everything a handler does to answer one
 * interaction — respond, defer, update the message a component is on, show
 * a modal, answer autocomplete, follow up, edit or delete the original.
 *
 * @module
 */
import {
  deadlineSignal,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import { ForwardClock } from "../base/forward_clock.ts";
import type { CallOptions, RestClient } from "../rest/rest_client.ts";
import type {
  EditWebhookMessageBody,
  FollowupMessageBody,
  InteractionResponseBody,
  RestMessage,
} from "../rest/payloads.ts";
import { type FileUpload, prepareUploads } from "../rest/uploads.ts";
import type { Interaction } from "../types/objects/interaction.ts";
import type { Choice } from "./commands.ts";
import type { Modal } from "./modal_components.ts";
import { COMPONENTS_V2_FLAG } from "./components_v2.ts";
import { InteractionError } from "./errors.ts";
import {
  EPHEMERAL,
  messageData,
  type MessageResponse,
} from "./_message_data.ts";
import { unknownInteraction } from "./_unknown_interaction.ts";
import { recordInitialFailure } from "./_initial_failure.ts";
import { assertAnswerDeadline } from "./_options_check.ts";
import { uploadLimitOf } from "./_upload_limit.ts";
import { checkAutocompleteChoices } from "./_autocomplete_choices.ts";
import { checkModal } from "./_modal_check.ts";

export type { MessageResponse } from "./_message_data.ts";

/**
 * Discord's deadline for the initial response, in milliseconds: past it
 * the interaction is gone and its token invalidated.
 */
export const ANSWER_DEADLINE = 3000;

/**
 * How long an interaction token works for follow-ups and edits, in ms:
 * 15 minutes, after which Discord answers 401 (counted towards the
 * invalid-request limit).
 */
export const INTERACTION_TOKEN_LIFETIME = 15 * 60_000;

/** The callback types Discord accepts for each interaction type. */
const ALLOWED_CALLBACKS: Readonly<Record<number, readonly number[]>> = {
  2: [4, 5, 9, 10, 12],
  3: [4, 5, 6, 7, 9, 10, 12],
  4: [8],
  5: [4, 5, 6, 7, 10],
};

const CALLBACK_NAMES: Readonly<Record<number, string>> = {
  4: "respond()",
  5: "defer()",
  6: "deferUpdate()",
  7: "update()",
  8: "autocomplete()",
  9: "showModal()",
};

/**
 * Why Discord refuses callback type `callback` for an interaction of type
 * `interaction` (one {@linkcode ALLOWED_CALLBACKS} does not allow).
 */
function refusedBecause(callback: number, interaction: number): string {
  if (interaction === 4) return "autocomplete takes only autocomplete()";
  if (callback === 8) {
    return "autocomplete() answers only autocomplete interactions (type 4)";
  }
  if (callback === 9) return "a modal submit cannot open a modal";
  if (callback === 6 || callback === 7) {
    return "update() and deferUpdate() need a component's message";
  }
  return "Discord does not take it for this type of interaction";
}

/** Where an interaction's state is: nothing sent yet, deferred, or answered. */
export type InteractionState = "pending" | "deferred" | "answered";

/**
 * Sends the initial response, resolving once Discord has it. The gateway
 * path posts it to the callback route; the HTTP endpoint returns it as the
 * HTTP answer (and resolves once that was delivered, when it knows). Its
 * files come read and checked already (streams as blobs), within the 3 s.
 */
export type InitialResponder = (
  body: InteractionResponseBody,
  files: readonly FileUpload[] | undefined,
) => Promise<void>;

/** Options for {@linkcode InteractionContext}. */
export interface InteractionContextOptions {
  /** The REST client (follow-ups, edits, and the callback by default). */
  rest: RestClient;
  /** Sends the initial response; by default the callback route. */
  respond?: InitialResponder;
  /**
   * The clock for the 3 s of the initial response and the token's 15
   * minutes (counted from `received`).
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * When the interaction arrived, on `scheduler`'s clock: every deadline
   * counts from it (the HTTP endpoint passes when the request came in,
   * before its body was read). It is read against `scheduler.now()` once,
   * when the context is created; the time after that is measured on a
   * clock no step of the wall clock moves (an NTP step while the handler
   * runs changes no verdict).
   *
   * @default {scheduler.now() when the context is created}
   */
  received?: number;
  /**
   * How long after `received` an initial response is taken, in ms (an
   * integer from 1; Discord's 3 s is the most that counts). The HTTP
   * endpoint passes its `answerDeadline`: past it the request was answered
   * 500, and a late answer fails as `token_expired` instead of being sent.
   *
   * @default {3000}
   */
  answerDeadline?: number;
  /**
   * How far the interaction was answered before this context: a worker
   * finishing an interaction another process deferred passes `"deferred"`
   * (or `"answered"`), so that follow-ups and edits of the original go
   * out; from `"pending"` they are refused until an initial response.
   * (Such a context sends each follow-up as a new message: answer a defer
   * with `respond` or `editOriginal`, as Discord would take the first
   * follow-up for that answer.)
   *
   * @default {"pending"}
   */
  state?: InteractionState;
}

/**
 * How a handler answers one interaction. Discord wants exactly one initial
 * response within 3 s (respond, defer, update, deferUpdate, showModal or
 * autocomplete); follow-ups and edits can come for 15 minutes after.
 *
 * @example Respond, then follow up
 * ```ts
 * import { InteractionContext } from "@disruption/disruption/interactions";
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const interaction = { id: "5", token: "tok", application_id: discord.applicationId } as never;
 * const ctx = new InteractionContext(interaction, { rest });
 * await ctx.respond({ content: "hi", ephemeral: true });
 * await ctx.followUp("and more");
 * assert.deepEqual(discord.interactionResponses[0]!.body, { type: 4, data: { content: "hi", flags: 64 } });
 * assert.equal(ctx.state, "answered");
 * ```
 */
export class InteractionContext {
  /** The interaction being answered. */
  readonly interaction: Interaction;
  /** The REST client. */
  readonly rest: RestClient;
  readonly #respond: InitialResponder;
  readonly #scheduler: Scheduler;
  /**
   * The deadlines' clock: a step of the wall clock while the handler runs
   * (NTP, a resumed VM) refused answers Discord took, or took late ones.
   */
  readonly #clock: ForwardClock;
  /** When the interaction arrived, on `#clock`. */
  readonly #received: number;
  /** Ms after `#received` an initial response is taken. */
  readonly #deadline: number;
  #state: InteractionState;
  /** How it was deferred: its answer keeps that visibility. */
  #deferred: "public" | "ephemeral" | "update" | undefined;
  /**
   * Whether the "thinking..." message of a `defer()` still shows: Discord
   * makes the next follow-up edit it (the answer to the defer).
   */
  #loading = false;
  /** The flags of the original response, as far as known. */
  #originalFlags = 0;
  /**
   * Whether `#originalFlags` tell if the original is ephemeral: only once
   * this context gave the initial answer on known flags (not for a context
   * created `"deferred"` or `"answered"`, whose answer another process
   * gave, nor for a click on a message without `flags`).
   */
  #ephemeralKnown = false;
  #acknowledged: Promise<void>;
  #acknowledge!: () => void;

  /**
   * Create the context of one interaction.
   *
   * @param interaction The interaction.
   * @param options The REST client and how the initial response is sent.
   */
  constructor(interaction: Interaction, options: InteractionContextOptions) {
    this.interaction = interaction;
    this.rest = options.rest;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#clock = new ForwardClock(this.#scheduler);
    const now = this.#clock.now();
    // The age it came with, read on the scheduler's clock as given.
    this.#received = options.received === undefined
      ? now
      : now - (this.#scheduler.now() - options.received);
    const state = options.state ?? "pending";
    if (!["pending", "deferred", "answered"].includes(state)) {
      throw new TypeError(
        `Cannot create interaction context as 'state' must be "pending", "deferred" or "answered": current value 'state=${
          String(state)
        }'`,
      );
    }
    this.#state = state;
    assertAnswerDeadline("interaction context", options.answerDeadline);
    this.#deadline = Math.min(
      options.answerDeadline ?? ANSWER_DEADLINE,
      ANSWER_DEADLINE,
    );
    this.#respond = options.respond ??
      ((body, files) =>
        this.rest.createInteractionResponse(
          interaction.id,
          interaction.token,
          body,
          this.#uploads(files),
        ));
    this.#acknowledged = new Promise((resolve) => this.#acknowledge = resolve);
    if (state !== "pending") this.#acknowledge();
  }

  /** Whether the initial response was sent, deferred or not yet. */
  get state(): InteractionState {
    return this.#state;
  }

  /**
   * Resolves once the initial response reached Discord (as
   * {@linkcode InteractionContext.respond} resolves).
   */
  get acknowledged(): Promise<void> {
    return this.#acknowledged;
  }

  /**
   * Answer with a message. After {@linkcode InteractionContext.defer} (or
   * {@linkcode InteractionContext.deferUpdate}) it edits the deferred
   * response instead, which keeps the defer's visibility: `ephemeral: true`
   * is refused then, unless the defer was `defer({ ephemeral: true })`,
   * and `ephemeral: false` is refused after `defer({ ephemeral: true })`.
   *
   * The promise resolves once Discord has the response: on the gateway
   * path once the callback request succeeded; through
   * `interactionsEndpoint` once the HTTP answer was delivered, so an
   * `editOriginal` right after `await ctx.defer()` cannot reach Discord
   * before the defer does. (An endpoint called without `Deno.serve`'s
   * handler info, as other frameworks and tests call it, cannot know: it
   * resolves once the answer was handed over.)
   *
   * @param message Text or a message.
   * @returns A promise that resolves once Discord has it.
   * @throws {InteractionError} `already_answered`; `invalid_response` (also
   *   for a message with nothing to show, `ephemeral: true` after a public
   *   defer or a deferUpdate, and `ephemeral: false` after a private defer);
   *   `token_expired` 3 s after the interaction arrived (or past the HTTP
   *   endpoint's `answerDeadline`); `not_answered` when its files were
   *   still being read then (nothing is sent), when the HTTP answer could
   *   not be delivered, or, through `interactionsEndpoint`, when a response
   *   with files was still waiting in the REST client then (a rate limit, a
   *   pause: cancelled, nothing sent). A failed response leaves
   *   {@linkcode InteractionContext.state} `"pending"`: after one Discord
   *   refused (a 4xx), another answer may still be given within the time.
   */
  async respond(message: string | MessageResponse): Promise<void> {
    if (this.#state === "deferred") {
      this.#checkVisibility(message, "respond");
      await this.editOriginal(message);
      this.#state = "answered";
      return;
    }
    const { data, files } = messageData(message, true);
    await this.#initial({ type: 4, data }, files);
  }

  /**
   * Acknowledge now and answer later (the user sees "thinking..."); answer
   * with {@linkcode InteractionContext.respond} or
   * {@linkcode InteractionContext.editOriginal} (a
   * {@linkcode InteractionContext.followUp} right after it is the answer
   * too, as on Discord).
   *
   * @param options Whether the later answer is ephemeral (Discord keeps
   *   what the defer chose).
   * @returns A promise that resolves once Discord has it (as
   *   {@linkcode InteractionContext.respond}'s): an edit after it cannot
   *   overtake it.
   * @throws {InteractionError} As {@linkcode InteractionContext.respond}.
   */
  async defer(options: { ephemeral?: boolean } = {}): Promise<void> {
    await this.#initial(
      { type: 5, ...(options.ephemeral ? { data: { flags: EPHEMERAL } } : {}) },
      undefined,
      "deferred",
    );
  }

  /**
   * For a component (or a modal opened from one): edit the message the
   * component is on.
   *
   * @param message The new message (not `content` or `embeds` when the
   *   message has Components v2).
   * @returns A promise that resolves once Discord has it (as
   *   {@linkcode InteractionContext.respond}'s).
   * @throws {InteractionError} As {@linkcode InteractionContext.respond}.
   */
  async update(message: string | MessageResponse): Promise<void> {
    // The message itself: an update turning one with stickers or a poll
    // into Components v2 is refused before sending (Discord cannot take
    // them off a sent message).
    const { data, files } = messageData(
      message,
      false,
      this.interaction.message,
    );
    await this.#initial({ type: 7, data }, files);
  }

  /**
   * For a component: acknowledge without changing the message yet (edit it
   * later with {@linkcode InteractionContext.editOriginal}; a private
   * answer goes in `followUp({ ephemeral: true })`).
   *
   * @returns A promise that resolves once Discord has it (as
   *   {@linkcode InteractionContext.respond}'s).
   */
  async deferUpdate(): Promise<void> {
    await this.#initial({ type: 6 }, undefined, "deferred");
  }

  /**
   * Show a modal (not possible in answer to a modal submit).
   *
   * @param modal The modal (see `modal()`; a literal is checked as the
   *   builder checks it).
   * @returns A promise that resolves once Discord has it (as
   *   {@linkcode InteractionContext.respond}'s).
   * @throws {InteractionError} `invalid_response` for a modal Discord
   *   would refuse (a custom id not 1-100 characters, a title not 1-45, not
   *   1-5 components, an input `modal()` refuses, a custom id used twice;
   *   nothing is sent); otherwise as {@linkcode InteractionContext.respond}.
   */
  async showModal(modal: Modal): Promise<void> {
    checkModal(modal);
    await this.#initial({
      type: 9,
      data: modal as unknown as InteractionResponseBody["data"] & object,
    });
  }

  /**
   * Answer an autocomplete request with up to 25 choices: the first 25 of
   * `choices` are sent (so a filtered list can be passed as it is).
   *
   * @param choices The choices: names 1-100 characters, values of the
   *   focused option's type (a string of at most 100 characters, a safe
   *   integer, or a finite number within 2^53), `name_localizations` keyed
   *   by Discord locales, each 1-100 characters (counted in code points, as
   *   Discord counts them).
   * @returns A promise that resolves once Discord has it (as
   *   {@linkcode InteractionContext.respond}'s).
   * @throws {InteractionError} `invalid_response` for a choice Discord
   *   would refuse (nothing is sent).
   */
  async autocomplete(choices: readonly Choice[]): Promise<void> {
    const sent = choices.slice(0, 25);
    checkAutocompleteChoices(this.interaction, sent);
    await this.#initial({
      type: 8,
      data: {
        choices: sent.map((choice) => ({
          name: choice.name,
          value: choice.value,
          ...(choice.name_localizations
            ? {
              name_localizations: choice.name_localizations as Record<
                string,
                string
              >,
            }
            : {}),
        })),
      },
    });
  }

  /**
   * Send another message (after the initial response; 15 minutes at most).
   *
   * Right after {@linkcode InteractionContext.defer} (before the loading
   * message was answered or edited), Discord makes a follow-up the answer
   * to the defer: it edits the loading message, which keeps the defer's
   * visibility. So does this call then, as
   * {@linkcode InteractionContext.respond} would (the same visibility
   * checks; the interaction is answered after it). After
   * {@linkcode InteractionContext.deferUpdate} a follow-up is a new message.
   *
   * @param message Text or a message.
   * @returns The created message (the edited original when it answered a
   *   defer).
   * @throws {InteractionError} `token_expired` 15 minutes after the
   *   interaction arrived; `invalid_response`, also before any initial
   *   response (nothing is sent: answer with respond() or defer() first),
   *   and right after a defer for `ephemeral: true` after a public one or
   *   `ephemeral: false` after a private one.
   */
  async followUp(message: string | MessageResponse): Promise<RestMessage> {
    const { data, files } = messageData(message, true);
    this.#checkToken();
    this.#checkAnswered("a follow-up comes after it");
    if (this.#loading) {
      this.#checkVisibility(message, "followUp");
      // One follow-up answers the defer: one sent meanwhile is a new message.
      this.#loading = false;
      try {
        const edited = await this.editOriginal(message);
        this.#state = "answered";
        return edited;
      } catch (error) {
        this.#loading = this.#state === "deferred";
        throw error;
      }
    }
    return await this.rest.createFollowupMessage(
      this.interaction.application_id,
      this.interaction.token,
      data as FollowupMessageBody,
      this.#uploads(files),
    );
  }

  /**
   * Edit the original response (or the message of a component after
   * {@linkcode InteractionContext.deferUpdate}).
   *
   * @param message Text or the fields to change.
   * @returns The edited message.
   * @throws {InteractionError} `token_expired` 15 minutes after the
   *   interaction arrived; `invalid_response`, also before any initial
   *   response (nothing is sent: there is no original to edit yet).
   */
  async editOriginal(
    message: string | MessageResponse,
  ): Promise<RestMessage> {
    const { data, files } = messageData(
      message,
      false,
      this.#originalFlags,
      this.#ephemeralKnown,
    );
    this.#checkToken();
    this.#checkAnswered("there is no original response to edit");
    const edited = await this.rest.editOriginalInteractionResponse(
      this.interaction.application_id,
      this.interaction.token,
      data as EditWebhookMessageBody,
      this.#uploads(files),
    );
    this.#originalFlags |= Number(data.flags ?? 0) & COMPONENTS_V2_FLAG;
    this.#loading = false;
    return edited;
  }

  /**
   * Delete the original response.
   *
   * @returns A promise that resolves once it was deleted.
   * @throws {InteractionError} `token_expired` 15 minutes after the
   *   interaction arrived; `invalid_response` before any initial response
   *   (nothing is sent: there is no original to delete yet).
   */
  async deleteOriginal(): Promise<void> {
    this.#checkToken();
    this.#checkAnswered("there is no original response to delete");
    await this.rest.deleteOriginalInteractionResponse(
      this.interaction.application_id,
      this.interaction.token,
    );
    this.#loading = false;
  }

  /**
   * Refuse what needs the initial response while there is none: Discord
   * would answer 404 (Unknown Webhook or Unknown Message).
   */
  #checkAnswered(why: string): void {
    if (this.#state !== "pending") return;
    throw new InteractionError(
      "invalid_response",
      `Interaction ${this.interaction.id} has no initial response yet, and ${why}: answer with respond() or defer() first (a context for an interaction another process answered takes { state: "deferred" })`,
    );
  }

  async #initial(
    body: InteractionResponseBody,
    files?: readonly FileUpload[],
    next: InteractionState = "answered",
  ): Promise<void> {
    const allowed = ALLOWED_CALLBACKS[this.interaction.type];
    if (allowed && !allowed.includes(body.type)) {
      throw new InteractionError(
        "invalid_response",
        `${
          CALLBACK_NAMES[body.type] ?? `Callback type ${body.type}`
        } cannot answer an interaction of type ${this.interaction.type} (${
          refusedBecause(body.type, this.interaction.type)
        })`,
      );
    }
    if (
      (body.type === 6 || body.type === 7) && this.interaction.type === 5 &&
      !this.interaction.message
    ) {
      throw new InteractionError(
        "invalid_response",
        "update() and deferUpdate() need a component's message; this modal was not opened from one",
      );
    }
    if (this.#state !== "pending") {
      throw new InteractionError(
        "already_answered",
        `Interaction ${this.interaction.id} was already ${this.#state}; use followUp() or editOriginal()`,
      );
    }
    const age = this.#clock.now() - this.#received;
    if (age >= this.#deadline) {
      throw new InteractionError(
        "token_expired",
        `Interaction ${this.interaction.id} was not answered within ${this.#limit()} (${age} ms went by), so ${this.#lateness()}: call ctx.defer() first for slow work`,
      );
    }
    this.#state = next;
    const flags = Number((body.data as { flags?: number })?.flags ?? 0);
    this.#deferred = body.type === 6
      ? "update"
      : body.type === 5
      ? (flags & EPHEMERAL ? "ephemeral" : "public")
      : undefined;
    this.#loading = body.type === 5;
    const onMessage = body.type === 6 || body.type === 7;
    this.#originalFlags = flags |
      (onMessage ? Number(this.interaction.message?.flags ?? 0) : 0);
    // An update of a message whose flags are not given leaves them unknown.
    this.#ephemeralKnown = !onMessage ||
      this.interaction.message?.flags !== undefined;
    try {
      await this.#respond(
        body,
        files && await this.#readFiles(files, this.#deadline - age),
      );
    } catch (error) {
      this.#state = "pending";
      this.#deferred = undefined;
      this.#loading = false;
      recordInitialFailure(this, error);
      throw unknownInteraction(error, this.interaction.id) ?? error;
    }
    this.#acknowledge();
  }

  /** The initial response's deadline, as error messages say it. */
  #limit(): string {
    return this.#deadline === ANSWER_DEADLINE
      ? "3 s"
      : `the answerDeadline of ${this.#deadline} ms`;
  }

  /** What happened at that deadline, as error messages say it. */
  #lateness(): string {
    return this.#deadline === ANSWER_DEADLINE
      ? "Discord dropped it and invalidated its token"
      : "it was reported not answered (over HTTP, its request was answered 500) and nothing more is sent";
  }

  /**
   * Refuse `ephemeral: true` (or the EPHEMERAL flag) where the answer to a
   * defer would not be private: after a public defer Discord keeps the
   * defer's visibility and drops the flag; after deferUpdate the answer
   * edits the message the component is on, which everyone sees. And refuse
   * `ephemeral: false` after `defer({ ephemeral: true })`: the answer edits
   * the private "thinking" message, so it would stay private.
   */
  #checkVisibility(
    message: string | MessageResponse,
    method: "respond" | "followUp",
  ): void {
    if (typeof message !== "object" || message === null) return;
    const how = `${method}(`;
    // A follow-up right after a defer is the answer to it on Discord.
    const why = method === "respond"
      ? "Discord keeps the visibility the defer chose"
      : "Discord makes the first follow-up after a defer edit its loading message, which keeps the visibility the defer chose";
    if (message.ephemeral === false && this.#deferred === "ephemeral") {
      throw new InteractionError(
        "invalid_response",
        `${how}{ ephemeral: false }) after defer({ ephemeral: true }) would answer privately (${why}): defer with defer() for a public answer, or answer the defer first (respond() or editOriginal()) and send the public part with followUp()`,
      );
    }
    const ephemeral = message.ephemeral === true ||
      (Number(message.flags ?? 0) & EPHEMERAL) !== 0;
    // A context created deferred (a worker's) does not know what the defer
    // chose: the answer is sent as asked.
    if (
      !ephemeral || this.#deferred !== "public" && this.#deferred !== "update"
    ) return;
    throw new InteractionError(
      "invalid_response",
      this.#deferred === "update"
        ? "respond({ ephemeral: true }) after deferUpdate() would edit the message the component is on, which everyone sees, with the private text: send it with followUp({ ephemeral: true })"
        : `${how}{ ephemeral: true }) after a public defer() would answer publicly (${why}): defer with defer({ ephemeral: true }), or answer the defer first (respond() or editOriginal()) and send the private part with followUp({ ephemeral: true })`,
    );
  }

  /** Throws when the interaction's token no longer works for webhooks. */
  #checkToken(): void {
    const age = this.#clock.now() - this.#received;
    if (this.#state === "pending" && age >= this.#deadline) {
      throw new InteractionError(
        "token_expired",
        `Interaction ${this.interaction.id} got no initial response within ${this.#limit()}, so ${this.#lateness()}: call ctx.defer() first for slow work`,
      );
    }
    if (age >= INTERACTION_TOKEN_LIFETIME) {
      throw new InteractionError(
        "token_expired",
        `The token of interaction ${this.interaction.id} expired ${
          Math.round(age / 1000)
        } s after it arrived (Discord allows follow-ups and edits for 15 minutes): send a channel message instead`,
      );
    }
  }

  /**
   * Read (and check) the files of an initial response within the `left`
   * ms of Discord's deadline, streams into memory: a stream that stalls
   * fails the response at the deadline (`not_answered`, nothing sent)
   * instead of holding it for ever with the interaction marked answered.
   */
  async #readFiles(
    files: readonly FileUpload[],
    left: number,
  ): Promise<FileUpload[]> {
    const deadline = deadlineSignal(
      this.#scheduler,
      left,
      () =>
        new InteractionError(
          "not_answered",
          `The files of the initial response to interaction ${this.interaction.id} were still being read ${this.#deadline} ms after it arrived, so Discord dropped it and nothing was sent: call ctx.defer() first and send slow files with editOriginal() or followUp()`,
        ),
    );
    try {
      const read = await prepareUploads(files, {
        maxSize: uploadLimitOf(this.interaction),
        signal: deadline.signal,
      });
      return read.map(({ name, blob, description }) => ({
        name,
        data: blob,
        ...(description === undefined ? {} : { description }),
      }));
    } finally {
      deadline.end();
    }
  }

  /** The files of a response, with the interaction's upload limit. */
  #uploads(files: readonly FileUpload[] | undefined): CallOptions {
    return files ? { files, uploadLimit: uploadLimitOf(this.interaction) } : {};
  }
}
