// What a router attaches to (`InteractionRouter.attach`): the Client, or
// anything with the same `on("INTERACTION_CREATE")`. Structural, so that
// interactions/ imports no Client (it sits above handler/); re-exported by
// router.ts.
import type { RestClient } from "../rest/rest_client.ts";
import type { Interaction } from "../types/objects/interaction.ts";

/**
 * Something with a typed `on("INTERACTION_CREATE")`, like the `Client`. A
 * source that understands `{ atArrival: true }` calls such a listener as the
 * interaction arrives (see the Client's `ListenOptions`), which lets an
 * awaited click reach its waiter while the handler that waits still runs;
 * one that does not takes it as an ordinary listener. A source whose
 * listener context has `beside` (the Client's) starts each route handler
 * there, to wait for it at its stop.
 */
export interface InteractionSource {
  /** Subscribe; returns an unsubscribe function. */
  on(
    event: "INTERACTION_CREATE",
    listener: (interaction: Interaction, ctx: {
      /** The REST client the router's contexts answer with. */
      rest: RestClient;
      /**
       * Internal, between the router and the Client (not for handlers):
       * calls `work` at once, which starts a route handler and returns its
       * promise (one that never rejects). The listener does not await it
       * (it runs beside later events); the source waits for it as for its
       * own handlers: the Client's `stop()` does, within `drainTimeout`,
       * naming those still running then (a route handler awaiting the stop
       * waits for itself), and counts it toward the shard's held bound
       * until it settles. Without it the router runs the route handler
       * untracked.
       */
      beside?(work: () => Promise<unknown>): void;
    }) => unknown,
    options?: { atArrival?: boolean },
  ): () => void;
}
