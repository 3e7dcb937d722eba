/**
 * The identify budget the fake enforces per token: the daily session-start
 * limit (`session_start_limit`, reset every 24 h) and the `max_concurrency`
 * rule (one IDENTIFY per bucket per 5 s). Private to the test kit.
 *
 * @module
 */
import { PRIVILEGED_INTENTS } from "../types/intents.ts";
import type {
  FakeGatewayOptions,
  FakeGatewayTokenOptions,
} from "./fake_gateway_types.ts";
import { nonNegativeInteger } from "./_gateway_checks.ts";
import type { TokenState } from "./_gateway_model.ts";

/** How long a bucket waits between two IDENTIFYs. */
const IDENTIFY_WINDOW = 5_000;
const DAY = 86_400_000;

/**
 * The tokens of the `tokens` option, each with a full budget.
 *
 * @param options The fake's options.
 * @param now The scheduler's time.
 * @returns The tokens by value, in the order given.
 * @throws {TypeError} When a token is not a non-empty string.
 * @throws {RangeError} When there is no token or a limit is out of range.
 */
export function createTokens(
  options: FakeGatewayOptions,
  now: number,
): Map<string, TokenState> {
  const limit = options.sessionStartLimit ?? {};
  const total = nonNegativeInteger(
    "sessionStartLimit.total",
    limit.total ?? 1000,
  );
  const remaining = nonNegativeInteger(
    "sessionStartLimit.remaining",
    limit.remaining ?? total,
  );
  const resetAfter = nonNegativeInteger(
    "sessionStartLimit.resetAfter",
    limit.resetAfter ?? DAY,
  );
  const tokens = options.tokens ?? ["fake-token"];
  const entries: [string, FakeGatewayTokenOptions][] = Array.isArray(tokens)
    ? (tokens as readonly string[]).map((token) => [token, {}])
    : Object.entries(tokens as Record<string, FakeGatewayTokenOptions>);
  if (entries.length === 0) {
    throw new RangeError(
      "Cannot create FakeGateway as 'tokens' must hold at least one token: current value 'tokens=[]'",
    );
  }
  const states = new Map<string, TokenState>();
  for (const [token, settings] of entries) {
    if (typeof token !== "string" || token === "") {
      throw new TypeError(
        `Cannot create FakeGateway as every token must be a non-empty string: current value 'token=${
          String(token)
        }'`,
      );
    }
    states.set(token, {
      token,
      privileged: (settings.privilegedIntents ?? PRIVILEGED_INTENTS) &
        PRIVILEGED_INTENTS,
      revoked: false,
      total,
      remaining,
      resetAt: now + resetAfter,
      buckets: new Map(),
      allMembers: new Map(),
    });
  }
  return states;
}

/**
 * Refill a token's budget when its reset time has passed.
 *
 * @param token The token.
 * @param now The scheduler's time.
 */
export function refreshBudget(token: TokenState, now: number): void {
  if (now < token.resetAt) return;
  token.remaining = token.total;
  const periods = Math.floor((now - token.resetAt) / DAY) + 1;
  token.resetAt += periods * DAY;
}

/**
 * Take an IDENTIFY slot in a `max_concurrency` bucket: refused while the
 * bucket's last IDENTIFY is less than 5 s old.
 *
 * @param token The token.
 * @param bucket `shard_id % max_concurrency`.
 * @param now The scheduler's time.
 * @returns Whether the IDENTIFY may go ahead (the slot is then taken).
 */
export function takeIdentifySlot(
  token: TokenState,
  bucket: number,
  now: number,
): boolean {
  const last = token.buckets.get(bucket);
  if (last !== undefined && now - last < IDENTIFY_WINDOW) return false;
  token.buckets.set(bucket, now);
  return true;
}
