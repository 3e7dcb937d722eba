// Which Clients a router's component waits belong to: the attached ones
// still alive, or none for a router an HTTP interactions endpoint serves.
// The endpoint delivers clicks whether a Client runs or not (a bot that
// answers over HTTP and holds a gateway Client for its events), so a
// Client's stop, or one that does not run, must not end or refuse its
// waits.

/** Routers given to `interactionsEndpoint` (weak: they may be dropped). */
const HTTP_SERVED_ROUTERS = new WeakSet<object>();

/** Mark `router` as served by an HTTP interactions endpoint. */
export function servedOverHttp(router: object): void {
  HTTP_SERVED_ROUTERS.add(router);
}

/** One attach of a router: weak, so a Client dropped undetached can go. */
export interface AttachedSource<S extends object> {
  /** The attached source. */
  readonly source: WeakRef<S>;
}

/**
 * The sources of `attached` still alive (dropping the others from it), or
 * none when an HTTP endpoint serves `router`.
 *
 * @param router The router.
 * @param attached Its attaches.
 * @returns What its waits belong to.
 */
export function waitSources<S extends object>(
  router: object,
  attached: Set<AttachedSource<S>>,
): S[] {
  const live: S[] = [];
  for (const entry of attached) {
    const source = entry.source.deref();
    if (source === undefined) attached.delete(entry);
    else live.push(source);
  }
  return HTTP_SERVED_ROUTERS.has(router) ? [] : live;
}
