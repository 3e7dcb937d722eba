/**
 * The options of `RestClient.createInteractionResponse` and the request
 * options they come to: Discord answers the callback 204 unless it is
 * asked, with `?with_response=true`, for the interaction callback
 * response (the message created, the Activity launched).
 *
 * @module
 */
import {
  clientCallOptions,
  type RequestOptions,
  type UploadRouteOptions,
} from "./_request_io.ts";

/** Options of `RestClient.createInteractionResponse`. */
export interface InteractionResponseOptions extends UploadRouteOptions {
  /**
   * Whether to include an interaction callback object as the response
   * (`?with_response=true`): the call then resolves with Discord's
   * interaction callback response instead of `undefined`.
   *
   * @default {false}
   */
  withResponse?: boolean;
}

/**
 * The request options of an interaction callback.
 *
 * @param options The call's options.
 * @param body The callback type and data.
 * @returns The options for the request.
 * @throws {TypeError} When `withResponse` is set but not a boolean (from
 *   JavaScript or through a cast): a truthy string would otherwise be
 *   read as a yes or a no at random.
 */
export function interactionCallbackOptions(
  options: InteractionResponseOptions,
  body: unknown,
): RequestOptions {
  const { withResponse } = options;
  if (withResponse !== undefined && typeof withResponse !== "boolean") {
    throw new TypeError(
      `Cannot build route as 'withResponse' must be a boolean: current type '${typeof withResponse}'`,
    );
  }
  const out: RequestOptions = {
    ...clientCallOptions(options, "upload", ["withResponse"]),
    body,
  };
  // Only when asked: without the query Discord answers 204, as before.
  if (withResponse) out.query = { with_response: true };
  return out;
}
