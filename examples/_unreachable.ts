// deno-lint-ignore-file no-console -- examples print what they do
/**
 * What every example does when Discord cannot be reached (or Deno was not
 * allowed to reach it): one line on stderr and exit code 1, instead of an
 * uncaught stack trace.
 *
 * @module
 */
import { NetworkError } from "@disruption/disruption/rest";

/** The advice of an example that runs against a fake without a token. */
export const UNSET_TOKEN_ADVICE =
  "Check the network, or unset DISCORD_TOKEN to run against the embedded fake Discord.";

/** The advice of an example that needs the real Discord. */
export const NETWORK_ADVICE = "Check the network, and that Discord is up.";

/**
 * Run an example's `main` against Discord. When a request to Discord gets
 * no answer (DNS, refused, TLS, reset: a {@linkcode NetworkError}), print
 * `Could not reach Discord: <what failed>. <advice>` on stderr and set the
 * exit code to 1. When Deno refused the request itself (the example was run
 * without `--allow-net`), print `Not allowed to reach Discord: <what
 * failed>.` instead, Deno's reason naming the flag: no network advice, the
 * network is not the problem. Any other error (a rejected token, missing
 * intents, a bug) is thrown on as it is: it is for the bot author to read
 * in full.
 *
 * @param main What the example does against Discord.
 * @param advice What to do about it, after the reason.
 * @returns `true` when `main` finished, `false` when Discord could not be
 * reached (and the line was printed).
 */
export async function reportUnreachable(
  main: () => Promise<void>,
  advice: string = UNSET_TOKEN_ADVICE,
): Promise<boolean> {
  try {
    await main();
    return true;
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    console.error(
      permissionRefused(error)
        ? `Not allowed to reach Discord: ${reason(error)}.`
        : `Could not reach Discord: ${reason(error)}. ${advice}`,
    );
    Deno.exitCode = 1;
    return false;
  }
}

/**
 * Whether Deno refused the request for want of a permission
 * (`Deno.errors.NotCapable`, or `PermissionDenied` before Deno 2): the
 * REST client keeps a redacted copy of the cause, with its name.
 */
function permissionRefused(error: NetworkError): boolean {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 8 && cause instanceof Error; depth++) {
    if (cause.name === "NotCapable" || cause.name === "PermissionDenied") {
      return true;
    }
    cause = cause.cause;
  }
  return false;
}

/**
 * `GET /gateway/bot failed: <the runtime's own reason>`: the innermost
 * cause says why (the outer ones often only "fetch failed"), on one line.
 * The REST client has already taken every token out of it.
 */
function reason(error: NetworkError): string {
  let root: Error = error;
  for (let depth = 0; depth < 8 && root.cause instanceof Error; depth++) {
    root = root.cause;
  }
  const line = root === error
    ? error.message
    : `${error.method} ${error.path} failed: ${root.message}`;
  return line.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}
