// The project's reference list of the 79 dispatch events: a copy of
// ../shared/reference/dispatch-events.json (beside the checkout) kept in the
// repository, so the tests run in a clone that has no shared folder. Where
// the shared folder is there, the copy must equal it (so a new edition of
// the reference is noticed).

/** One row of dispatch-events.json. */
export interface DispatchEventRow {
  name: string;
  category: string;
  intents: string[];
}

const COPY = new URL("./dispatch-events.json", import.meta.url);
const SHARED = new URL(
  "../../../shared/reference/dispatch-events.json",
  import.meta.url,
);

/** Read the reference list; needs --allow-read. */
export async function readDispatchEventsReference(): Promise<
  DispatchEventRow[]
> {
  return JSON.parse(await Deno.readTextFile(COPY));
}

/**
 * The shared folder's edition of the list, or `undefined` where this clone
 * has no shared folder beside it.
 */
export async function readSharedDispatchEvents(): Promise<
  DispatchEventRow[] | undefined
> {
  try {
    return JSON.parse(await Deno.readTextFile(SHARED));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
