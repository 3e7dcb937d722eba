/**
 * The error a start cancelled by `stop()` (or the client's signal) becomes,
 * and a wait on the client's events (`awaitMessage`, `awaitComponent`)
 * that its stop ended.
 *
 * @module
 */

/**
 * {@linkcode Client.stop} was called, or the client's `signal` aborted,
 * before {@linkcode Client.start} finished: the start was cancelled and
 * nothing is left connecting. `cause` is the signal's reason when a signal
 * stopped it. A wait on the client's events (`awaitMessage`, a router's
 * `awaitComponent`) rejects with it too when the client stops, or at once
 * when it does not run, with a message saying so: no message or component
 * of a later run can answer it.
 *
 * @example Ctrl+C during a slow start
 * ```ts
 * import { Client, ClientStoppedError } from "@disruption/disruption/handler";
 * import { FakeDiscord } from "@disruption/disruption/testing";
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * await using discord = await FakeDiscord.start();
 * const client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds,
 *   ...discord.clientOptions,
 * });
 * const starting = client.start();
 * await client.stop();
 * await assert.rejects(starting, ClientStoppedError);
 * ```
 */
export class ClientStoppedError extends Error {
  /**
   * Create the error.
   *
   * @param options What stopped the client, if a signal did.
   */
  constructor(options: ErrorOptions = {}) {
    super(
      "The client was stopped before it finished starting",
      "cause" in options ? { cause: options.cause } : {},
    );
    this.name = "ClientStoppedError";
  }
}
