/**
 * What a loopback FakeDiscord says about a proxy: the warning of
 * `_loopback_proxy.ts` when one is set and not bypassed for 127.0.0.1, or,
 * when the process may not read the proxy variables (no `--allow-env`,
 * which the kit does not otherwise need), that they could not be checked:
 * the runtime's `fetch` still obeys them, so a test would fail with
 * "connection refused" and no word of why. Internal.
 *
 * @module
 */
import { envReadRefused, readEnvIfAllowed } from "../base/runtime.ts";
import { loopbackProxyWarning } from "./_loopback_proxy.ts";

/** The note for unreadable proxy variables. */
export const PROXY_UNCHECKED =
  "FakeDiscord on loopback could not check the proxy variables (HTTP_PROXY, " +
  "HTTPS_PROXY, ALL_PROXY, NO_PROXY) without --allow-env: if one is set, the " +
  "runtime's fetch sends the fake's requests to the proxy and they fail; " +
  "set NO_PROXY=127.0.0.1,localhost";

/** Whether this process said {@linkcode PROXY_UNCHECKED} already. */
const processOnce = { said: false };

/**
 * The proxy warning, else the note that the variables could not be read
 * (once per `once`), else `undefined`.
 *
 * @param readEnv Reads one variable; `undefined` when unset or unreadable.
 * @param refused Whether reading a variable is not permitted.
 * @param once Where saying the note is remembered (the process's by default).
 * @returns What to say, or `undefined`.
 */
export function loopbackProxyNotice(
  readEnv: (name: string) => string | undefined = readEnvIfAllowed,
  refused: (name: string) => boolean = envReadRefused,
  once: { said: boolean } = processOnce,
): string | undefined {
  let unchecked = false;
  const warning = loopbackProxyWarning((name) => {
    if (refused(name)) unchecked = true;
    return readEnv(name);
  });
  if (warning !== undefined || !unchecked || once.said) return warning;
  once.said = true;
  return PROXY_UNCHECKED;
}
