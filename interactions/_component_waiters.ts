// A router's pending awaitComponent waits, and which of them takes a click.
// Filed by message and user id: a click is offered only to the waits of its
// message and user (or of any), in the order the waits came, so one no one
// waits for costs no pattern match per pending wait.
import type { InteractionContext } from "./context.ts";
import type { CustomIdPattern } from "./custom_id.ts";
import type { ComponentInteraction } from "./routed_interaction.ts";
import { awaitedMatch, type Found } from "./_routing.ts";
import type { WaitSettle } from "./_wait.ts";
import { WaiterIndex } from "./_waiter_index.ts";

/** One wait: takes the click (answering it with `ctx`), or not. */
type Collector = (
  interaction: ComponentInteraction,
  ctx: InteractionContext,
) => boolean;

/** The conditions of a wait (`AwaitComponentOptions`, less its ends). */
export interface ComponentWaitMatch<P extends string> {
  /** Only components on this message. */
  messageId?: string;
  /** Only this user's clicks. */
  userId?: string;
  /** Any other condition. */
  filter?: (interaction: ComponentInteraction<P>) => boolean;
}

/** The pending component waits of one router. */
export class ComponentWaiters {
  readonly #index = new WaiterIndex<Collector>(2);

  /** How many waits are pending. */
  get size(): number {
    return this.#index.size;
  }

  /**
   * Add a wait: a click it matches settles it with the click (its own copy,
   * with the pattern's `params`) and its context; a filter that throws
   * rejects it, and the click goes on.
   *
   * @typeParam P The custom id pattern waited for.
   * @param match Message, user and filter.
   * @param pattern The compiled `customId`, if any.
   * @param settle Ends the wait.
   * @returns Removes the wait.
   */
  add<P extends string>(
    match: ComponentWaitMatch<P>,
    pattern: CustomIdPattern | undefined,
    settle: WaitSettle<
      { interaction: ComponentInteraction<P>; ctx: InteractionContext }
    >,
  ): () => void {
    const collector: Collector = (interaction, ctx) => {
      let candidate: ComponentInteraction<P> | undefined;
      try {
        candidate = awaitedMatch(interaction, pattern, match);
      } catch (error) {
        // The waiter's own filter failed: it ends this wait; the
        // interaction goes on to the routes.
        settle.reject(error);
        return false;
      }
      if (candidate === undefined) return false;
      settle.resolve({ interaction: candidate, ctx });
      return true;
    };
    return this.#index.add([match.messageId, match.userId], collector);
  }

  /**
   * The first wait, in the order they came, that takes the click.
   *
   * @param routed The click.
   * @param ctx Its context (the wait answers with it).
   * @returns What took it (the router watches the deadline all the same),
   *   or undefined.
   */
  collect(
    routed: ComponentInteraction,
    ctx: InteractionContext,
  ): Found | undefined {
    const values = [routed.message?.id, routed.user?.id];
    for (const collector of this.#index.offer(values)) {
      if (collector(routed, ctx)) {
        // Cut as reports cut ids elsewhere: a hostile peer's can be 1 MB.
        const label = `'${routed.customId.slice(0, 100)}' (awaited)`;
        return { label, run: () => {} };
      }
    }
    return undefined;
  }
}
