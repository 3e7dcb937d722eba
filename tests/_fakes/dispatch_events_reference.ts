// The project's reference list of the 79 dispatch events
// (../shared/reference/dispatch-events.json beside the checkout).

/** One row of dispatch-events.json. */
export interface DispatchEventRow {
  name: string;
  category: string;
  intents: string[];
}

const REFERENCE = new URL(
  "../../../shared/reference/dispatch-events.json",
  import.meta.url,
);

/** Read the reference list; needs --allow-read. */
export async function readDispatchEventsReference(): Promise<
  DispatchEventRow[]
> {
  try {
    return JSON.parse(await Deno.readTextFile(REFERENCE));
  } catch (error) {
    throw new Error(
      `Cannot read ${REFERENCE.pathname} (run the test with --allow-read)`,
      { cause: error },
    );
  }
}
