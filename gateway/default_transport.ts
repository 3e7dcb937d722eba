/**
 * Which socket a shard uses when none is given: {@linkcode tcpWebSocketTransport}
 * on Deno, the runtime's `WebSocket` ({@linkcode webSocketTransport})
 * everywhere else, and also on Deno when an HTTP proxy is configured.
 *
 * Why not the runtime's `WebSocket` on Deno: each idle one holds about
 * 60 KB of native buffers, and a process with 1,000 shards spends more on
 * them than on everything else together. The TCP transport's idle
 * connection is a pending read into a 2 KiB buffer. Why the runtime's
 * socket behind a proxy: Deno's `WebSocket` goes through `HTTP_PROXY` /
 * `HTTPS_PROXY` (and honours `NO_PROXY`) like `fetch`; a raw TCP
 * connection would bypass them. Pass `transport: webSocketTransport` to use
 * the runtime's socket in any case.
 *
 * @module
 */
import {
  type GatewaySocket,
  type SocketListener,
  type Transport,
  webSocketTransport,
} from "./transport.ts";
import { tcpWebSocketTransport } from "./tcp_transport.ts";
import { denoSocketsAvailable, readEnvIfAllowed } from "../base/runtime.ts";

/** The variables that make Deno's `fetch` and `WebSocket` use a proxy. */
const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
] as const;

/**
 * Whether a proxy variable is set, read through `readEnv`.
 *
 * @param readEnv Reads one variable; `undefined` when unset or unreadable.
 * @returns `true` when any of the proxy variables has a value.
 */
export function proxyConfigured(
  readEnv: (name: string) => string | undefined,
): boolean {
  return PROXY_VARIABLES.some((name) => (readEnv(name) ?? "") !== "");
}

/**
 * The choice {@linkcode defaultTransport} makes, with the environment given:
 * the TCP transport when Deno's socket API is here and `readEnv` shows no
 * proxy, the runtime's `WebSocket` otherwise. Decided per connection.
 * Internal (tests pass their own `readEnv`, so the caller's proxy settings
 * do not change what they test); not exported from the entry point.
 *
 * @param readEnv Reads one environment variable.
 * @returns The transport.
 */
export function createDefaultTransport(
  readEnv: (name: string) => string | undefined,
): Transport {
  return (url, listener) =>
    denoSocketsAvailable() && !proxyConfigured(readEnv)
      ? tcpWebSocketTransport(url, listener)
      : webSocketTransport(url, listener);
}

/**
 * The default {@linkcode Transport}: {@linkcode tcpWebSocketTransport} on
 * Deno, {@linkcode webSocketTransport} elsewhere (Node, Bun, browsers) and
 * on Deno when `HTTPS_PROXY`, `HTTP_PROXY` or `ALL_PROXY` is set (and
 * readable), since the runtime's socket goes through the proxy.
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
  return createDefaultTransport(readEnvIfAllowed)(url, listener);
}
