/**
 * Which socket a shard uses when none is given: {@linkcode tcpWebSocketTransport}
 * on Deno, the runtime's `WebSocket` ({@linkcode webSocketTransport})
 * everywhere else.
 *
 * Why not the runtime's `WebSocket` on Deno: each idle one holds about
 * 60 KB of native buffers, and a process with 1,000 shards spends more on
 * them than on everything else together. The TCP transport's idle
 * connection is a pending read into a 2 KiB buffer. Pass
 * `transport: webSocketTransport` to use the runtime's socket anyway (for
 * example when it has to go through an HTTP proxy).
 *
 * @module
 */
import {
  type GatewaySocket,
  type SocketListener,
  webSocketTransport,
} from "./transport.ts";
import { tcpWebSocketTransport } from "./tcp_transport.ts";

/** Whether `Deno.connect` and `Deno.connectTls` exist here. */
function denoSocketsAvailable(): boolean {
  const deno = (globalThis as {
    Deno?: { connect?: unknown; connectTls?: unknown };
  }).Deno;
  return typeof deno?.connect === "function" &&
    typeof deno.connectTls === "function";
}

/**
 * The default {@linkcode Transport}: {@linkcode tcpWebSocketTransport} on
 * Deno, {@linkcode webSocketTransport} elsewhere (Node, Bun, browsers).
 *
 * @param url The `wss://` (or `ws://`) URL to open.
 * @param listener Receives the socket's events.
 * @returns The connection.
 *
 * @example Choosing the socket explicitly
 * ```ts
 * import {
 *   defaultTransport,
 *   type Transport,
 *   webSocketTransport,
 * } from "@disruption/disruption/gateway";
 *
 * // What a shard uses when `transport` is not set:
 * const lean: Transport = defaultTransport;
 * // The runtime's own WebSocket instead (honours what it honours, such as proxies):
 * const native: Transport = webSocketTransport;
 * ```
 */
export function defaultTransport(
  url: string,
  listener: SocketListener,
): GatewaySocket {
  return denoSocketsAvailable()
    ? tcpWebSocketTransport(url, listener)
    : webSocketTransport(url, listener);
}
