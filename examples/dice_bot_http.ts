// deno-lint-ignore-file no-console -- examples print what they do
/**
 * The dice bot without a gateway connection: Discord POSTs interactions to
 * an HTTP endpoint (set its URL as the app's Interactions Endpoint URL in
 * the Developer Portal), which verifies the Ed25519 signature and runs the
 * same router as `dice_bot.ts`. Facing the internet, put it behind a
 * reverse proxy that bounds connections and header time (`Deno.serve` does
 * not; see the README's "HTTP interactions endpoint"), which also gives
 * Discord the HTTPS URL it needs.
 *
 * ```sh
 * DISCORD_TOKEN=... DISCORD_PUBLIC_KEY=... deno run --allow-net --allow-env examples/dice_bot_http.ts
 * ```
 *
 * @module
 */
import {
  interactionsEndpoint,
  type RequestHandler,
  syncCommands,
} from "@disruption/disruption/interactions";
import {
  RestClient,
  type RestClientOptions,
} from "@disruption/disruption/rest";
import { diceRouter } from "./dice_bot.ts";
import { NETWORK_ADVICE, reportUnreachable } from "./_unreachable.ts";

/** Options for {@linkcode diceEndpoint}. */
export interface DiceEndpointOptions
  extends Pick<RestClientOptions, "baseUrl" | "fetch" | "scheduler"> {
  /** The bot token (for follow-ups, uploads and the command sync). */
  token: string;
  /** The application's public key (hex). */
  publicKey: string;
  /** The random source. */
  random?: () => number;
}

/** The endpoint and its REST client. */
export interface DiceEndpoint {
  /** The request handler for `Deno.serve`. */
  handler: RequestHandler;
  /** The REST client. */
  rest: RestClient;
  /** Register `/roll` (writes only when it changed). */
  sync(): Promise<void>;
}

/**
 * Build the dice bot's HTTP interactions endpoint.
 *
 * @param options Token, public key, random source and REST overrides.
 * @returns The handler, its REST client and a sync function.
 */
export function diceEndpoint(options: DiceEndpointOptions): DiceEndpoint {
  const { token, publicKey, random, ...restOptions } = options;
  const rest = new RestClient({ token, ...restOptions });
  const router = diceRouter({
    ...(random ? { random } : {}),
    ...(restOptions.scheduler ? { scheduler: restOptions.scheduler } : {}),
    onError: (error) => console.error(error.message),
  });
  return {
    handler: interactionsEndpoint({ publicKey, router, rest }),
    rest,
    sync: async () => {
      await syncCommands(rest, router.commands);
    },
  };
}

/**
 * End the process with code 1, saying why, when `server` stops serving on an
 * error. `Deno.serve` bounds neither connections nor the time a peer takes
 * to send its request head: idle peers can take every file descriptor, and
 * then its `finished` rejects ("Too many open files") and it serves no
 * more. Ended non-zero, a supervisor (systemd, a container's restart policy)
 * starts it again; a rejection caught and ignored would leave a process that
 * serves nothing.
 *
 * @param server What `Deno.serve` returned.
 * @param exit Ends the process (tests give a fake).
 * @returns Settles once the server stopped.
 */
export async function exitWhenServingFails(
  server: Pick<Deno.HttpServer, "finished">,
  exit: (code: number) => void = Deno.exit,
): Promise<void> {
  try {
    await server.finished;
  } catch (error) {
    console.error("The interactions endpoint stopped serving:", error);
    exit(1);
  }
}

if (import.meta.main) {
  const token = Deno.env.get("DISCORD_TOKEN");
  const publicKey = Deno.env.get("DISCORD_PUBLIC_KEY");
  if (!token || !publicKey) {
    console.error("Set DISCORD_TOKEN and DISCORD_PUBLIC_KEY.");
    Deno.exit(1);
  }
  const endpoint = diceEndpoint({ token, publicKey });
  if (await reportUnreachable(() => endpoint.sync(), NETWORK_ADVICE)) {
    await exitWhenServingFails(Deno.serve(
      { port: Number(Deno.env.get("PORT") ?? 8000) },
      endpoint.handler,
    ));
  }
}
