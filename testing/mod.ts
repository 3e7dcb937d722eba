/**
 * The test kit: what a bot author uses in `deno test` to run a shard (or a
 * whole bot) with no token and no network. A {@linkcode VirtualScheduler}
 * drives time, a {@linkcode FakeTransport} fakes the socket.
 *
 * ```ts
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualScheduler();
 * await clock.advance(41_250);
 * assert.equal(clock.now(), 41_250);
 * ```
 *
 * @module
 */
export * from "./virtual_scheduler.ts";
export * from "./fake_socket.ts";
export * from "./fake_rest.ts";
export * from "./fake_gateway.ts";
export * from "./fake_gateway_server.ts";
export * from "./fake_discord.ts";
export * from "./interaction_signer.ts";
export * from "./fake_resources.ts";
