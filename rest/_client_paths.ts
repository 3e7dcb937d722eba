/**
 * The path segments of the `RestClient`'s own methods: ids
 * checked as the typed routes check them, interaction tokens never echoed.
 *
 * @module
 */
import { checkSnowflake } from "../base/snowflake.ts";
import { isDotSegment } from "./routes.ts";

/** An id path segment: the typed routes' check (at most 20 digits), not its own. */
export function id(name: string, value: string): string {
  return checkSnowflake("build route", name, value);
}

/** An interaction token path segment, encoded; a bad one is never echoed. */
export function token(name: string, value: string): string {
  if (
    typeof value !== "string" || value === "" || /[/?#\s]/.test(value) ||
    isDotSegment(value) || !value.isWellFormed()
  ) {
    // Never echo a token, even a malformed one.
    throw new TypeError(
      `Cannot build route as '${name}' must be a non-empty, well-formed string without '/', '?', '#' or spaces, and not '.' or '..'`,
    );
  }
  return encodeURIComponent(value);
}

/** The `/webhooks/{application}/{interaction token}` path of an interaction. */
export function webhook(
  applicationId: string,
  interactionToken: string,
): string {
  return `/webhooks/${id("applicationId", applicationId)}/${
    token("interactionToken", interactionToken)
  }`;
}
