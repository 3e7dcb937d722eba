/**
 * The `User-Agent` the library sends to Discord, over REST and on the
 * gateway's WebSocket handshake.
 *
 * @module
 */

/** The `User-Agent` Discord requires from bots, in its documented form. */
export const DEFAULT_USER_AGENT =
  "DiscordBot (https://jsr.io/@disruption/disruption, 0.1.0)";
