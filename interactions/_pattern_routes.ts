// The router's custom id pattern routes (buttons, selects or modals): how
// one is added, and which one takes a custom id. Apart from the router so
// that its file stays one concept within the length limit.
import type { InteractionContext } from "./context.ts";
import { compileCustomId, type CustomIdPattern } from "./custom_id.ts";
import type { RouteHandler } from "./routed_interaction.ts";
import { type Found, warnOverlaps } from "./_routing.ts";

/** What a pattern route answers: buttons (component type 2), selects (3, 5-8) or modals. */
export type PatternKind = "button" | "select" | "modal";

/** One pattern route: its compiled pattern and its handler. */
export interface PatternRoute {
  /** The compiled custom id pattern. */
  pattern: CustomIdPattern;
  /** Gets what the pattern matched. */
  // deno-lint-ignore no-explicit-any
  handler: RouteHandler<any>;
}

/**
 * Add a pattern route. The first matching route wins, so a pattern
 * registered twice is refused, and one an earlier pattern already takes
 * (`"vote:{x}"` before `"vote:{x}:{y}"`) is reported: its handler would
 * never run for the ids the earlier one matches. So is one an earlier
 * pattern takes some ids of (`"vote:{id}"` before `"{kind}:{id}"`,
 * `"a:{x}"` and `"{y}:b"` either way round), with an id both match (see
 * `overlapExample` for what that check can miss).
 *
 * @param routes The routes of that kind, in the order they came.
 * @param kind What they answer, for the messages.
 * @param source The pattern as written.
 * @param handler Its handler.
 * @throws {TypeError} When the pattern already has a handler, or
 *   `compileCustomId` refuses it.
 * @throws {RangeError} When no custom id could match it.
 */
export function addPattern(
  routes: PatternRoute[],
  kind: PatternKind,
  source: string,
  // deno-lint-ignore no-explicit-any
  handler: RouteHandler<any>,
): void {
  const pattern = compileCustomId(source);
  if (routes.some((route) => route.pattern.source === source)) {
    throw new TypeError(
      `Cannot route ${kind} '${source}' as that pattern already has a handler`,
    );
  }
  warnOverlaps(kind, pattern, routes.map((route) => route.pattern));
  routes.push({ pattern, handler });
}

/**
 * The first route whose pattern matches `customId`, its parameters set on
 * `routed`.
 *
 * @param routes The routes of one kind.
 * @param customId The custom id.
 * @param routed The routed interaction (gets the `params`).
 * @param ctx Its context.
 * @returns What runs its handler, or undefined.
 */
export function byPattern(
  routes: readonly PatternRoute[],
  customId: string,
  routed: { params: Record<string, string> },
  ctx: InteractionContext,
): Found | undefined {
  for (const route of routes) {
    const params = route.pattern.match(customId);
    if (!params) continue;
    routed.params = params;
    return {
      label: `'${customId}'`,
      run: () => route.handler(routed, ctx),
    };
  }
  return undefined;
}
