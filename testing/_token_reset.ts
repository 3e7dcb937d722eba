/**
 * A bot token the fake gateway reset, refused by the fake REST layer too.
 * Private to the test kit.
 *
 * When the session-start budget runs out, Discord resets the bot's token
 * (developers/topics/gateway.mdx, session start limit): the gateway closes
 * with 4004 from then on, and the token is gone everywhere, so REST answers
 * 401. {@linkcode FakeDiscord} runs one fake of each; this module carries
 * the reset from one to the other without a public method or option on
 * either (an export is a promise; this is the kit's own wiring).
 *
 * @module
 */
import type {
  FakeClientFrame,
  FakeGatewayOptions,
  FakeIdentifyEvent,
} from "./fake_gateway_types.ts";
import { GatewayCloseCode } from "../types/close_codes.ts";
import { GatewayOpcode } from "../types/opcodes.ts";

/** The fake REST layers whose token was reset. */
const reset = new WeakSet<object>();

/**
 * Refuse the token of `rest` from now on.
 *
 * @param rest The `FakeRest` whose token the gateway reset.
 */
export function markTokenReset(rest: object): void {
  reset.add(rest);
}

/**
 * Whether the token of `rest` was reset.
 *
 * @param rest A `FakeRest`.
 * @returns `true` once {@linkcode markTokenReset} was called for it.
 */
export function isTokenReset(rest: object): boolean {
  return reset.has(rest);
}

/**
 * Gateway options that call `onReset` when the gateway resets `token`,
 * keeping the caller's own hooks.
 *
 * The gateway answers an IDENTIFY carrying a token it holds with 4004 only
 * when it reset that token (the budget ran out then or before), so an
 * IDENTIFY frame with `token` and a 4004 outcome on the same connection is
 * the reset, seen through the gateway's public hooks.
 *
 * @param options The gateway's options (`tokens` naming `token` alone).
 * @param token The bot token.
 * @param onReset Called on every IDENTIFY refused for the reset token.
 * @returns The options with the two hooks wrapped.
 */
export function watchTokenReset(
  options: FakeGatewayOptions,
  token: string,
  onReset: () => void,
): FakeGatewayOptions {
  const { onClientFrame, onIdentify } = options;
  /** Connection ID -> whether its last IDENTIFY carried `token`. */
  const carried = new Map<number, boolean>();
  return {
    ...options,
    onClientFrame: (connectionId: number, frame: FakeClientFrame): void => {
      if (frame.op === GatewayOpcode.Identify) {
        const d = frame.d as { token?: unknown } | null;
        carried.set(connectionId, d?.token === token);
      }
      onClientFrame?.(connectionId, frame);
    },
    onIdentify: (event: FakeIdentifyEvent): void => {
      if (
        event.closeCode === GatewayCloseCode.AuthenticationFailed &&
        carried.get(event.connectionId) === true
      ) onReset();
      carried.delete(event.connectionId);
      onIdentify?.(event);
    },
  };
}
