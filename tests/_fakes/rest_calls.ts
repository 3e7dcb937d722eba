// Private helpers for REST tests that watch calls settle on a virtual clock.

/** The path below the API base of a request the fake Discord got. */
export function pathOf(input: string | URL | Request): string {
  return new URL(String(input)).pathname.slice("/api/v10".length);
}

/** How a call went so far: `done` once settled, `error` if it rejected. */
export interface Settled {
  done: boolean;
  error: unknown;
}

/** Watch `promise`: the returned state fills in as it settles. */
export function settled(promise: Promise<unknown>): Settled {
  const state: Settled = { done: false, error: undefined };
  promise.then(() => {
    state.done = true;
  }, (error) => {
    state.done = true;
    state.error = error;
  });
  return state;
}
