/**
 * {@linkcode InteractionRouter}: dispatches interactions to handlers by
 * command name (and subcommand), component custom id pattern, modal custom
 * id and autocomplete option, with typed values and a typed context.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler } from "../base/scheduler.ts";
import type { RestClient } from "../rest/rest_client.ts";
import type { Snowflake } from "../types/gateway_payloads.ts";
import type {
  ApplicationCommandInteractionData,
  Interaction,
  ModalSubmitInteractionData,
} from "../types/objects/interaction.ts";
import type {
  ChatInputCommand,
  CommandDefinition,
  MessageCommand,
  UserCommand,
} from "./commands.ts";
import {
  ANSWER_DEADLINE,
  type InitialResponder,
  InteractionContext,
} from "./context.ts";
import { compileCustomId, type CustomIdPattern } from "./custom_id.ts";
import type { InteractionError } from "./errors.ts";
import { offersAutocomplete } from "./_autocomplete_option.ts";
import { waitFor } from "./_wait.ts";
import { schedulerOf } from "../handler/_client_runs.ts";
import { type AttachedSource, waitSources } from "./_wait_sources.ts";
import type { InteractionSource } from "./_interaction_source.ts";
import { ComponentWaiters } from "./_component_waiters.ts";
import { ModalFields } from "./modal_fields.ts";
import { assertRouterOptions } from "./_options_check.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { AWAIT_KEYS } from "./_await_component_keys.ts";
import { readAutocomplete, readOptions } from "./option_values.ts";
import {
  type Arrived,
  arrivedClick,
  assertInteraction,
  common,
  component,
  describe,
  type Found,
  handlerFailure,
  malformed,
  notAnswered,
  reportError,
  reportLate,
  reportRefused,
  routeFailure,
  target,
} from "./_routing.ts";
import { initialFailure } from "./_initial_failure.ts";
import { Arrivals } from "./_arrivals.ts";
import {
  answerStale,
  assertStaleReply,
  DEFAULT_STALE_REPLY,
} from "./_stale_reply.ts";
import { addPattern, byPattern, type PatternRoute } from "./_pattern_routes.ts";

export type { InteractionSource } from "./_interaction_source.ts";

/** Lines a bot author must act on: on stderr when LogTape is not configured. */
const visible = getVisibleLogger(["disruption", "interactions"]);

import type {
  AutocompleteInteraction,
  CommandInteraction,
  ComponentInteraction,
  MenuInteraction,
  ModalInteraction,
  OptionNames,
  RouteHandler,
} from "./routed_interaction.ts";

/** Options for {@linkcode InteractionRouter}. */
export interface InteractionRouterOptions {
  /**
   * The clock for the 3 s deadline and waits. Without it, that of the first
   * Client attached that has a `scheduler` option (a test's virtual clock,
   * `...discord.clientOptions`), kept after; else the real one.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * Called with every {@linkcode InteractionError}: a handler threw, an
   * interaction was not answered within 3 s, options did not fit. Each is
   * also logged (category `disruption.interactions`); without this hook the
   * line reaches stderr when LogTape is not configured.
   */
  onError?: (
    error: InteractionError,
    interaction: Interaction,
  ) => void | Promise<void>;
  /**
   * Time a handler has for the initial response, in ms (1 to 2^31 - 1;
   * Discord's 3 s is the most that counts): past it the interaction is
   * reported `not_answered`, and a late answer fails as `token_expired`,
   * nothing sent.
   *
   * @default {3000}
   */
  answerDeadline?: number;
  /**
   * What a user is told when their interaction's options do not fit its
   * route (`options_mismatch`: after a redeploy that changed a command,
   * clients send its old shape for a few minutes). Unless a handler
   * answered already, the router answers it before reporting to `onError`:
   * an ephemeral message with this text for a command, a component or a
   * modal submit, no choices for an autocomplete. `null` answers nothing:
   * Discord then shows "The application did not respond" (the HTTP
   * endpoint answers 500). A string of 1 to 2000 characters, not all white
   * space.
   *
   * @default {"This command has changed since your Discord app loaded it. Please try again."}
   */
  staleReply?: string | null;
}

/** Every key of `InteractionRouterOptions`: the compiler keeps it exact. */
const ROUTER_OPTION_KEYS = optionKeys(
  {
    scheduler: true,
    onError: true,
    answerDeadline: true,
    staleReply: true,
  } satisfies Record<keyof InteractionRouterOptions, true>,
);

/** Options for {@linkcode InteractionRouter.handle}. */
export interface HandleOptions {
  /** The REST client. */
  rest: RestClient;
  /** How the initial response is sent (the HTTP endpoint's). */
  respond?: InitialResponder;
  /**
   * When it arrived, on the router's clock: the deadlines count from it.
   *
   * @default {the router's clock when `handle` is called}
   */
  received?: number | undefined;
  /**
   * The HTTP endpoint's deadline for the initial response, in ms from
   * `received`: the context refuses an answer after it (`token_expired`),
   * and `not_answered` is reported at it when it comes before the router's.
   */
  answerDeadline?: number;
  /**
   * Called when the interaction failed unanswered (not routable, or its
   * handler threw first; not once `staleReply` answered it), before
   * `onError`: the endpoint answers at once.
   */
  failed?: (error: InteractionError) => void;
}

/**
 * Options for {@linkcode InteractionRouter.awaitComponent}.
 *
 * @typeParam P The custom id pattern, when one is given.
 */
export interface AwaitComponentOptions<P extends string = string> {
  /** Only components on this message. */
  messageId?: Snowflake;
  /** Only this user's clicks. */
  userId?: Snowflake;
  /**
   * Only custom ids matching this pattern (`"vote:{choice}"`); what its
   * parameters capture is in the interaction's `params`.
   */
  customId?: P;
  /** Any other condition (it sees the pattern's `params`). */
  filter?: (interaction: ComponentInteraction<P>) => boolean;
  /**
   * How long to wait, in ms: an integer up to 2^31 - 1 (a timer's longest).
   *
   * @default {60000}
   */
  timeout?: number;
  /** Stops waiting; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * What {@linkcode InteractionRouter.awaitComponent} resolves with.
 *
 * @typeParam P The custom id pattern waited for.
 */
export interface AwaitedComponent<P extends string = string> {
  /** The component interaction, with the pattern's `params`. */
  interaction: ComponentInteraction<P>;
  /** Its context, to answer it. */
  ctx: InteractionContext;
}

/**
 * Routes interactions to typed handlers.
 *
 * Handlers run concurrently with later events: the gateway listener does
 * not wait for them (a handler may itself wait for a click), though an
 * attached Client's `stop()` does, and every failure reaches `onError` as
 * an {@linkcode InteractionError} with the command's name or the custom id.
 *
 * @example A command and a button with a parameter
 * ```ts
 * import { button, command, customId, integer, InteractionRouter, row } from "@disruption/disruption/interactions";
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const roll = command({
 *   name: "roll",
 *   description: "Roll dice",
 *   options: { sides: integer({ description: "Sides", min: 2, required: true }) },
 * });
 * const router = new InteractionRouter()
 *   .command(roll, (i, ctx) =>
 *     ctx.respond({
 *       content: `rolling d${i.options.sides}`,
 *       components: [row(button({ id: customId("reroll:{sides}", { sides: i.options.sides }), label: "Again" }))],
 *     }))
 *   .button("reroll:{sides}", (i, ctx) => ctx.update(`again d${i.params.sides}`));
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * await router.handle({
 *   id: "1", application_id: discord.applicationId, type: 2, token: "tok", version: 1,
 *   data: { id: "9", name: "roll", type: 1, options: [{ name: "sides", type: 4, value: 6 }] },
 *   user: { id: "2", username: "u", discriminator: "0", global_name: null, avatar: null },
 *   app_permissions: "0", entitlements: [], authorizing_integration_owners: {}, attachment_size_limit: 0, locale: "en-US",
 * }, { rest });
 * assert.equal(discord.interactionResponses[0]!.body.data!.content, "rolling d6");
 * ```
 */
export class InteractionRouter {
  readonly #onError: InteractionRouterOptions["onError"];
  readonly #deadline: number;
  readonly #staleReply: string | null;
  readonly #commands = new Map<
    string,
    // deno-lint-ignore no-explicit-any
    { definition: CommandDefinition; handler: RouteHandler<any> }
  >();
  readonly #autocomplete = new Map<
    string,
    RouteHandler<AutocompleteInteraction<ChatInputCommand>>
  >();
  readonly #buttons: PatternRoute[] = [];
  readonly #selects: PatternRoute[] = [];
  readonly #modals: PatternRoute[] = [];
  readonly #collectors = new ComponentWaiters();
  /** One entry per attach: an attached Client's stop ends the waits. */
  readonly #attached = new Set<AttachedSource<InteractionSource>>();
  /** The detach of each source attached now (weak, as `#attached`). */
  readonly #detaches = new WeakMap<InteractionSource, () => void>();
  /** Clicks a waiter took before their turn: not routed then. */
  readonly #awaited = new WeakSet<Interaction>();
  /**
   * When each interaction reached an attached source (its `atArrival`
   * listener): Discord's 3 s and 15 minutes count from then, not from its
   * turn behind the shard's other listeners. Clicks in it were offered the
   * waiters then: at their turn they go to the routes only.
   */
  readonly #arrivals: Arrivals;

  get #scheduler(): Scheduler {
    return this.#arrivals.scheduler;
  }

  /**
   * Create an empty router.
   *
   * @param options Clock, error hook, deadline and stale reply.
   * @throws {TypeError} When `options` has a key that is not one of them
   *   (the message names the nearest), `scheduler` is not a `Scheduler` or
   *   `onError` not a function, or `staleReply` is neither `null` nor a
   *   string of 1 to 2000 characters, not all white space.
   * @throws {RangeError} When `answerDeadline` is not an integer of ms
   *   (one above 3000 is taken as 3000, not refused).
   */
  constructor(options: InteractionRouterOptions = {}) {
    assertRouterOptions(options, ROUTER_OPTION_KEYS);
    assertStaleReply(options.staleReply);
    this.#staleReply = options.staleReply === undefined
      ? DEFAULT_STALE_REPLY
      : options.staleReply;
    this.#arrivals = new Arrivals(options.scheduler);
    this.#onError = options.onError;
    // Capped as the context caps it: past 3 s its answer is refused.
    this.#deadline = Math.min(
      options.answerDeadline ?? ANSWER_DEADLINE,
      ANSWER_DEADLINE,
    );
  }

  /** Every registered command definition (what to sync). */
  get commands(): CommandDefinition[] {
    return [...this.#commands.values()].map((route) => route.definition);
  }

  /**
   * Handle a slash command.
   *
   * @typeParam C The command definition.
   * @param definition The command.
   * @param handler Gets the typed interaction and the context.
   * @returns The router, for chaining.
   */
  command<C extends ChatInputCommand>(
    definition: C,
    handler: RouteHandler<CommandInteraction<C>>,
  ): this;
  /**
   * Handle a user or message context-menu command.
   *
   * @typeParam C The command definition.
   * @param definition The command.
   * @param handler Gets the target and the context.
   * @returns The router, for chaining.
   */
  command<C extends UserCommand | MessageCommand>(
    definition: C,
    handler: RouteHandler<MenuInteraction<C>>,
  ): this;
  command(
    definition: CommandDefinition,
    // deno-lint-ignore no-explicit-any
    handler: RouteHandler<any>,
  ): this {
    const key = `${definition.type}:${definition.name}`;
    if (this.#commands.has(key)) {
      throw new TypeError(
        `Cannot route command '${definition.name}' as it already has a handler`,
      );
    }
    this.#commands.set(key, { definition, handler });
    return this;
  }

  /**
   * Answer autocomplete for one option of a command.
   *
   * @typeParam C The command definition.
   * @param definition The command.
   * @param option The name of an option with `autocomplete: true` (at any
   *   depth; one handler serves it in every subcommand).
   * @param handler Gets the focused value and answers with `ctx.autocomplete`.
   * @returns The router, for chaining.
   * @throws {TypeError} When the command has no such option offering
   *   autocomplete (Discord would never send its requests), or the option
   *   already has a handler.
   */
  autocomplete<C extends ChatInputCommand>(
    definition: C,
    option: OptionNames<C["options"]>,
    handler: RouteHandler<AutocompleteInteraction<C>>,
  ): this {
    if (!offersAutocomplete(definition.options, option)) {
      throw new TypeError(
        `Cannot route autocomplete of option '${option}' of /${definition.name} as the command has no option of that name with 'autocomplete: true' (in any subcommand)`,
      );
    }
    const key = `${definition.name}:${option}`;
    if (this.#autocomplete.has(key)) {
      throw new TypeError(
        `Cannot route autocomplete of option '${option}' of /${definition.name} as it already has a handler (one handler serves the option in every subcommand)`,
      );
    }
    this.#autocomplete.set(
      key,
      handler as RouteHandler<AutocompleteInteraction<ChatInputCommand>>,
    );
    return this;
  }

  /**
   * Handle buttons whose custom id matches `pattern` (`"vote:{choice}"`).
   * The parameters arrive decoded as `customId` encoded them.
   *
   * @typeParam P The pattern.
   * @param pattern A custom id with `{name}` parameters.
   * @param handler Gets the parameters and the context.
   * @returns The router, for chaining.
   * @throws {TypeError} When the pattern already has a handler, or
   *   `compileCustomId` refuses it.
   * @throws {RangeError} When no custom id could match it.
   */
  button<const P extends string>(
    pattern: P,
    handler: RouteHandler<ComponentInteraction<P>>,
  ): this {
    addPattern(this.#buttons, "button", pattern, handler);
    return this;
  }

  /**
   * Handle select menus whose custom id matches `pattern`.
   *
   * @typeParam P The pattern.
   * @param pattern A custom id with `{name}` parameters.
   * @param handler Gets the values, the parameters and the context.
   * @returns The router, for chaining.
   * @throws {TypeError} When the pattern already has a handler, or
   *   `compileCustomId` refuses it.
   * @throws {RangeError} When no custom id could match it.
   */
  select<const P extends string>(
    pattern: P,
    handler: RouteHandler<ComponentInteraction<P>>,
  ): this {
    addPattern(this.#selects, "select", pattern, handler);
    return this;
  }

  /**
   * Handle modal submits whose custom id matches `pattern`.
   *
   * @typeParam P The pattern.
   * @param pattern A custom id with `{name}` parameters.
   * @param handler Gets the fields, the parameters and the context.
   * @returns The router, for chaining.
   * @throws {TypeError} When the pattern already has a handler, or
   *   `compileCustomId` refuses it.
   * @throws {RangeError} When no custom id could match it.
   */
  modal<const P extends string>(
    pattern: P,
    handler: RouteHandler<ModalInteraction<P>>,
  ): this {
    addPattern(this.#modals, "modal", pattern, handler);
    return this;
  }

  /**
   * Route every `INTERACTION_CREATE` of a client (or anything with the same
   * `on`) through this router. The listener returns at once: handlers run
   * beside later events, started by the source (its context's `beside`),
   * so that a Client's `stop()` still waits for them within `drainTimeout`
   * (the route handler it is called from included: a `/shutdown` route
   * must not await it, but write `void client.stop()`, as a Handler method
   * does). One that is not an interaction (its `d` null) is logged as an
   * error (on stderr without LogTape), not routed.
   *
   * A click a pending {@linkcode InteractionRouter.awaitComponent} matches
   * goes to it as it arrives (an `atArrival` listener), even while a
   * Handler method or listener of the shard, the one waiting say, still
   * runs, and is not routed after that. Everything else is routed in turn
   * with the client's other listeners.
   *
   * Attaching it again to a source it is attached to does nothing (every
   * handler ran twice, the second answer failing as already acknowledged)
   * and returns the same detach; after a detach it attaches anew.
   *
   * @param source The client.
   * @returns A function that detaches the router.
   */
  attach(source: InteractionSource): () => void {
    const current = this.#detaches.get(source);
    if (current !== undefined) return current;
    this.#arrivals.adopt(schedulerOf(source)); // see the scheduler option
    // Registered first: with a source that ignores `atArrival`, it still
    // runs before the routing listener of the same event.
    const offWaiters = source.on(
      "INTERACTION_CREATE",
      (interaction, ctx) => this.#onArrival(interaction, ctx.rest),
      { atArrival: true },
    );
    // Not awaited (a route may wait for a click), but started by the source:
    // the Client's stop() drains it and its held bound counts it.
    const offRoutes = source.on("INTERACTION_CREATE", (interaction, ctx) => {
      if (this.#awaited.has(interaction)) return;
      const received = this.#arrivals.received(interaction);
      const route = (): Promise<unknown> =>
        this.handle(interaction, { rest: ctx.rest, received })
          .catch(reportRefused);
      if (ctx.beside) ctx.beside(route);
      else void route();
    });
    const attached = { source: new WeakRef(source) };
    waitSources(this, this.#attached); // drops the attaches of dead sources
    this.#attached.add(attached);
    const detach = (): void => {
      offWaiters();
      offRoutes();
      this.#attached.delete(attached);
      if (this.#detaches.get(source) === detach) this.#detaches.delete(source);
    };
    this.#detaches.set(source, detach);
    return detach;
  }

  /**
   * Wait for the next component interaction that matches. It goes to the
   * waiter instead of the routes; the waiter answers it with `ctx`, within
   * the same deadline as a route (an unanswered one is reported to
   * `onError` as `not_answered`).
   *
   * It works from inside a Handler method, an `on` listener or a route
   * handler (reply with a button, then wait for the click): on a source
   * {@linkcode InteractionRouter.attach}ed, the click is matched as it
   * arrives, not in turn behind the handler that waits, and is then neither
   * routed nor reported as having no route. Only clicks that arrive after
   * the call count: not the click whose handler is waiting (a paginator's
   * "next click on this message" is the next), nor an earlier one still
   * queued, which is routed as usual. Attached to a Client, a wait belongs
   * to its runs: the stop of the last attached Client running ends it, and
   * one started while no attached Client runs rejects at once (unattached,
   * or served by the HTTP endpoint too, it does neither).
   *
   * @typeParam P The custom id pattern.
   * @param options Message, user, custom id, filter, timeout, signal.
   * @returns The interaction (with the pattern's `params`) and its context.
   * @throws {DOMException} `TimeoutError` when nothing came in time; the
   *   signal's reason when aborted.
   * @throws {ClientStoppedError} When every attached Client stopped during
   *   the wait, or none ran when it started.
   * @throws {RangeError} When `timeout` is not an integer from 0 to 2^31 - 1,
   *   or no id could match `customId` (the promise rejects with it).
   * @throws {TypeError} When `options` has a key none of its options (a
   *   misspelt `timout` waited a minute), or `compileCustomId` refuses
   *   `customId` (the promise rejects with it).
   */
  awaitComponent<const P extends string = string>(
    options: AwaitComponentOptions<P> = {},
  ): Promise<AwaitedComponent<P>> {
    let pattern: CustomIdPattern | undefined;
    try {
      checkOptionKeys("create component wait", "", options, AWAIT_KEYS);
      pattern = options.customId === undefined
        ? undefined
        : compileCustomId(options.customId);
    } catch (error) {
      return Promise.reject(error); // as a bad timeout: nothing throws
    }
    const timeout = options.timeout ?? 60_000;
    const ends = {
      what: "component wait",
      timeout,
      timeoutMessage: (ms: number) =>
        `No matching component interaction within ${ms} ms`,
      signal: options.signal,
      scheduler: this.#scheduler,
      // Asked again at each stop (a Client attached or started since
      // keeps the wait); none when the HTTP endpoint serves this router.
      sources: () => waitSources(this, this.#attached),
    };
    return waitFor<AwaitedComponent<P>>(ends, (settle) => {
      // Only what arrives from now on: not the click whose handler waits.
      return this.#collectors.add(options, pattern, settle);
    });
  }

  /**
   * Handle one interaction: find its route, run the handler, watch the 3 s
   * deadline, report failures to `onError`.
   *
   * @param interaction The interaction.
   * @param options The REST client and the initial responder.
   * @returns Whether a route (or a waiter) took it; resolves once the
   *   handler finished.
   * @throws {TypeError} When `interaction` is not an object with a numeric
   *   `type` (`null`, say; the promise rejects with it).
   */
  async handle(
    interaction: Interaction,
    options: HandleOptions,
  ): Promise<boolean> {
    assertInteraction(interaction);
    const ctx = this.#context(interaction, options);
    let found: Found | undefined;
    try {
      found = this.#route(interaction, ctx);
      if (!found) {
        visible.warn(
          "No route for {what} (interaction type {type}); this router does not answer it",
          { what: describe(interaction), type: interaction.type },
        );
        return false;
      }
    } catch (error) {
      const failure = routeFailure(error, interaction);
      await this.#fail(failure, interaction, ctx, options);
      return true;
    }
    await this.#run(found, interaction, ctx, options);
    return true;
  }

  /**
   * A click arrived at an attached source: to the waiter it matches now.
   * Anything else (no waiter matches, not a click, malformed: reported
   * once, at its turn) is left to the routing listener.
   */
  #onArrival(interaction: Interaction, rest: RestClient): void {
    const received = this.#scheduler.now();
    this.#arrivals.mark(interaction);
    if (this.#collectors.size === 0) return;
    const routed = arrivedClick(interaction);
    if (routed === undefined) return;
    const arrived = { routed, rest, received };
    const ctx = this.#context(interaction, arrived);
    const found = this.#collectors.collect(routed, ctx);
    if (found) this.#claim(found, interaction, arrived, ctx);
  }

  /** A waiter took a click before its turn: watch its deadline. */
  #claim(
    found: Found,
    interaction: Interaction,
    arrived: Arrived,
    ctx: InteractionContext,
  ): void {
    this.#awaited.add(interaction);
    void this.#run(found, interaction, ctx, arrived);
  }

  /** The context of one interaction, with the deadline `handle` watches. */
  #context(
    interaction: Interaction,
    options: HandleOptions,
  ): InteractionContext {
    // The context refuses an answer after the deadline the report uses:
    // reported as not answered, it must not go out after all.
    return new InteractionContext(interaction, {
      ...options,
      scheduler: this.#scheduler,
      received: options.received ?? this.#scheduler.now(),
      answerDeadline: Math.min(
        this.#deadline,
        options.answerDeadline ?? this.#deadline,
      ),
    });
  }

  /** Run what took the interaction, watching the deadline; never rejects. */
  async #run(
    found: Found,
    interaction: Interaction,
    ctx: InteractionContext,
    options: HandleOptions,
  ): Promise<void> {
    const { label, run } = found;
    const scheduler = this.#scheduler; // an attach may change it meanwhile
    const now = scheduler.now();
    const received = options.received ?? now;
    const running = this.#arrivals.since(); // real time, as Discord's 3 s
    const deadline = Math.min(
      this.#deadline,
      options.answerDeadline ?? this.#deadline,
    );
    /** When its handler returned, in ms from its arrival. */
    let returned: number | undefined;
    const late = (): InteractionError =>
      notAnswered(label, deadline, now - received, {
        returned,
        failed: initialFailure(ctx),
      });
    let sending = false; // the answer was still going out at the deadline
    let reported = false;
    const expire = (): void => {
      if (ctx.state !== "pending") sending = true;
      else if (!reported) {
        reported = true;
        reportLate(this.#onError, late, interaction, label); // never throws
      }
    };
    // Routed past its deadline (queued behind slow listeners): said first,
    // before the handler's answer is refused as late.
    if (now - received >= deadline) expire();
    const timer = scheduler.setTimeout(expire, deadline - now + received);
    ctx.acknowledged.then(() => scheduler.clearTimeout(timer));
    try {
      await run();
      returned = now - received + running();
      // Its send failed after the deadline, and the handler swallowed that.
      if (sending && ctx.state === "pending") throw late();
    } catch (error) {
      // Reported here; a "not answered" report on top would say nothing new.
      scheduler.clearTimeout(timer);
      await this.#fail(handlerFailure(error, label), interaction, ctx, options);
    }
    if (ctx.state !== "pending") scheduler.clearTimeout(timer);
  }

  #route(
    interaction: Interaction,
    ctx: InteractionContext,
  ): Found | undefined {
    const base = common(interaction);
    switch (interaction.type) {
      case 2: {
        const data = interaction.data as ApplicationCommandInteractionData;
        const route = this.#commands.get(`${data.type ?? 1}:${data.name}`);
        if (!route) return undefined;
        const definition = route.definition;
        const label = `/${data.name}`;
        let routed: Record<string, unknown>;
        if (definition.type === 1) {
          const read = readOptions(data.name, definition.options, data);
          const sub = read.subcommand === undefined
            ? undefined
            : { name: read.subcommand, options: read.options };
          routed = {
            ...base,
            command: data.name,
            options: sub ? {} : read.options,
            subcommand: sub,
          };
        } else {
          routed = { ...base, command: data.name, target: target(data) };
        }
        return { label, run: () => route.handler(routed, ctx) };
      }
      case 4: {
        const data = interaction.data as ApplicationCommandInteractionData;
        const read = readAutocomplete(data);
        if (!read.focused) return undefined;
        const handler = this.#autocomplete.get(
          `${data.name}:${read.focused.name}`,
        );
        if (!handler) return undefined;
        const routed: AutocompleteInteraction<ChatInputCommand> = {
          ...base,
          command: data.name,
          subcommand: read.subcommand,
          focused: read.focused,
          options: read.values,
        };
        return {
          label: `/${data.name} autocomplete '${read.focused.name}'`,
          run: () => handler(routed, ctx),
        };
      }
      case 3: {
        const routed = component(interaction);
        // Offered at arrival already: a wait started since came after it.
        const waiter = this.#arrivals.has(interaction)
          ? undefined
          : this.#collectors.collect(routed, ctx);
        // Buttons are type 2, selects 3 and 5-8; another (or none) has no
        // route, as an unknown interaction type has none.
        const type = routed.componentType;
        const routes = type === 2
          ? this.#buttons
          : [3, 5, 6, 7, 8].includes(type)
          ? this.#selects
          : undefined;
        return waiter ??
          (routes && byPattern(routes, routed.customId, routed, ctx));
      }
      case 5: {
        const data = interaction.data as ModalSubmitInteractionData;
        const customId = String(data.custom_id);
        if (data.components !== undefined && !Array.isArray(data.components)) {
          throw malformed(customId, "its components are not a list");
        }
        const routed: ModalInteraction = {
          ...base,
          customId,
          params: {},
          fields: new ModalFields(data.components ?? []),
          resolved: data.resolved,
          message: interaction.message,
        };
        return byPattern(this.#modals, customId, routed, ctx);
      }
      default:
        return undefined;
    }
  }

  /** Answer a stale one, or tell the caller nothing will; then report. */
  async #fail(
    error: InteractionError,
    interaction: Interaction,
    ctx: InteractionContext,
    options: HandleOptions,
  ): Promise<void> {
    // Told the user, as a handler would answer (the endpoint's 200 then):
    // the hook has no context to answer with.
    if (
      error.kind === "options_mismatch" && ctx.state === "pending" &&
      this.#staleReply !== null
    ) await answerStale(ctx, this.#staleReply);
    // Before the hook, which cannot answer: one reporting over REST held
    // the endpoint's 500 that long.
    if (ctx.state === "pending") options.failed?.(error);
    await reportError(this.#onError, error, interaction);
  }
}
