/**
 * What the library asks of the runtime it runs on, in one place: the
 * operating system's name, whether Deno's raw sockets exist, environment
 * variables (read only when already permitted) and Node's built-in modules.
 * Everything else uses web standards (`WebSocket`, `fetch`, timers), which
 * Deno, Node, Bun and browsers share.
 *
 * Internal: not exported from any entry point.
 *
 * @module
 */

interface RuntimeGlobals {
  Deno?: {
    build?: { os?: string };
    connect?: unknown;
    startTls?: unknown;
    permissions?: {
      querySync?(descriptor: { name: "env"; variable: string }): {
        state: string;
      };
    };
    env?: { get(name: string): string | undefined };
  };
  process?: {
    platform?: string;
    getBuiltinModule?: (id: string) => unknown;
  };
}

const runtime = globalThis as RuntimeGlobals;

/**
 * The operating system's name, for IDENTIFY's `properties.os`.
 *
 * @returns `Deno.build.os`, Node's or Bun's `process.platform`, or
 *   `"unknown"`.
 */
export function runtimeOs(): string {
  return runtime.Deno?.build?.os ?? runtime.process?.platform ?? "unknown";
}

/**
 * Whether `Deno.connect` and `Deno.startTls` exist here (raw TCP and TLS
 * sockets, which the TCP WebSocket transport needs).
 *
 * @returns `true` on Deno.
 */
export function denoSocketsAvailable(): boolean {
  return typeof runtime.Deno?.connect === "function" &&
    typeof runtime.Deno.startTls === "function";
}

/**
 * One environment variable, if this process may read it: on Deno the
 * permission is queried first, so a program without `--allow-env` is never
 * prompted.
 *
 * @param name The variable.
 * @returns Its value; `undefined` when unset, unreadable, or not on Deno.
 */
export function readEnvIfAllowed(name: string): string | undefined {
  try {
    const deno = runtime.Deno;
    const status = deno?.permissions?.querySync?.({
      name: "env",
      variable: name,
    });
    return status?.state === "granted" ? deno?.env?.get(name) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether Deno's permissions keep this process from reading `name`: the
 * permission is queried, never requested, so nothing prompts. Such a
 * variable may be set though {@linkcode readEnvIfAllowed} reads nothing.
 *
 * @param name The variable.
 * @returns `true` on Deno without that permission; `false` when it is
 *   granted, when the query fails, and off Deno.
 */
export function envReadRefused(name: string): boolean {
  try {
    const status = runtime.Deno?.permissions?.querySync?.({
      name: "env",
      variable: name,
    });
    return status !== undefined && status.state !== "granted";
  } catch {
    return false;
  }
}

/**
 * A Node built-in module, loaded synchronously through
 * `process.getBuiltinModule` (Deno 2, Node 22.3+, Bun), so code that needs
 * one only on some paths does not load it on the others.
 *
 * @param id The module, e.g. `"node:zlib"`.
 * @returns The module, or `undefined` when this runtime cannot load it.
 */
export function nodeBuiltin(id: string): unknown {
  try {
    return runtime.process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}
