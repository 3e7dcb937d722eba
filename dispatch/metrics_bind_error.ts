/**
 * Why the metrics endpoint could not listen, said as the variable to change
 * (`PROMETHEUS_PORT` or `PROMETHEUS_HOST`) rather than the runtime's bare
 * "Address already in use" or "Permission denied".
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { ConfigError } from "./config.ts";

/**
 * The configuration error a failed listen on `host`:`port` comes from.
 *
 * @param error What listening threw.
 * @param host `PROMETHEUS_HOST`.
 * @param port `PROMETHEUS_PORT`.
 * @returns The error naming the variable at fault.
 *
 * @example
 * ```ts
 * import { metricsBindError } from "./metrics_bind_error.ts";
 * import assert from "node:assert/strict";
 *
 * const error = metricsBindError(
 *   new Deno.errors.PermissionDenied("Permission denied (os error 13)"),
 *   "0.0.0.0",
 *   80,
 * );
 * assert.equal(error.variable, "PROMETHEUS_PORT");
 * ```
 */
export function metricsBindError(
  error: unknown,
  host: string,
  port: number,
): ConfigError {
  const reason = errorText(error);
  if (error instanceof Deno.errors.AddrInUse) {
    return new ConfigError(
      "PROMETHEUS_PORT",
      `a port free on ${host} (${reason})`,
      String(port),
    );
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    // The system refused the port, not the address: on Linux a port below
    // 1024 needs root (or CAP_NET_BIND_SERVICE), and the Dockerfile runs
    // the service as the `deno` user.
    return new ConfigError(
      "PROMETHEUS_PORT",
      `a port this user may listen on, 1024 or above for a user other than root (${reason})`,
      String(port),
    );
  }
  return new ConfigError(
    "PROMETHEUS_HOST",
    `an address of this machine to serve metrics on (${reason})`,
    host,
  );
}
