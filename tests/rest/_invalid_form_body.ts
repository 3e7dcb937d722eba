// A DiscordApiError of Discord's Invalid Form Body (400, code 50035) on a
// message create, for the tests of how its field errors are read and shown.
import { DiscordApiError } from "../../rest/errors.ts";

/** The error Discord's answer with `errors` as its field errors makes. */
export function invalidFormBody(errors: unknown): DiscordApiError {
  return new DiscordApiError({
    method: "POST",
    path: "/channels/1/messages",
    status: 400,
    body: { code: 50035, message: "Invalid Form Body", errors },
  });
}
