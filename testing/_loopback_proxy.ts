/**
 * Why a fake on 127.0.0.1 may be out of reach: the runtime's `fetch` and
 * `WebSocket` send loopback requests through a proxy set in the environment
 * unless `NO_PROXY` lists the address, and a proxy cannot reach this
 * machine's loopback. The connections then fail over and over, which looks
 * like a bot that hangs; this names the cause instead. Internal.
 *
 * @module
 */
import { proxyConfigured } from "../gateway/default_transport.ts";

/**
 * The warning to show when a proxy variable is set and `NO_PROXY` (or
 * `no_proxy`) does not let 127.0.0.1 past it, else `undefined`.
 *
 * @param readEnv Reads one environment variable.
 * @returns The warning, or `undefined`.
 */
export function loopbackProxyWarning(
  readEnv: (name: string) => string | undefined,
): string | undefined {
  if (!proxyConfigured(readEnv)) return undefined;
  const bypass = `${readEnv("NO_PROXY") ?? ""},${readEnv("no_proxy") ?? ""}`
    .split(",").map((entry) => entry.trim());
  if (bypass.includes("*") || bypass.includes("127.0.0.1")) return undefined;
  return "A proxy is set (HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) and NO_PROXY " +
    "does not list 127.0.0.1: the runtime's fetch and WebSocket will try to " +
    "reach the fake Discord on loopback through the proxy and fail; set " +
    "NO_PROXY=127.0.0.1,localhost";
}
