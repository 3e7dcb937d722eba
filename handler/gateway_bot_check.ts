/**
 * Checks the answer of GET /gateway/bot before the `Client` builds
 * shards from it. The answer comes from the network (a proxy, a broken or
 * hostile endpoint), so it gets the same treatment as a gateway frame: a
 * field without the documented shape is refused with a message naming it,
 * instead of a `TypeError` from deep inside `start()`, a billion shards
 * allocated, or the token sent in cleartext; and a rejected token is
 * said as such. Internal to the package.
 *
 * @module
 */
import { describeValue } from "../gateway/payload_guards.ts";
import { isRecord } from "../base/is_record.ts";
import { MAX_MANAGER_SHARDS } from "../gateway/shard_manager.ts";
import type { GatewayBotResponse } from "../rest/payloads.ts";
import { GatewayError } from "../gateway/errors.ts";
import { TOKEN_HELP } from "../gateway/shard_state.ts";
import { DiscordApiError } from "../rest/errors.ts";
import { TokenRejectedError } from "../rest/invalid_requests.ts";
import type { RestClient } from "../rest/rest_client.ts";

/**
 * The largest recommended shard count the client accepts: far above any
 * bot's (Discord recommends one shard per ~1,000 guilds), and low enough
 * that building that many shards cannot exhaust memory. The client builds
 * every recommended shard in one `ShardManager`, so this is the manager's
 * own cap.
 */
export const MAX_RECOMMENDED_SHARDS: number = MAX_MANAGER_SHARDS;

/** Discord's session start window: `reset_after` is never longer. */
const MAX_RESET_AFTER = 24 * 60 * 60 * 1000;

/** Hosts a cleartext `ws:` gateway URL may point at: this machine only. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

function refuse(field: string, rule: string, value: unknown): never {
  throw new TypeError(
    `Cannot use GET /gateway/bot's answer as '${field}' must be ${rule}: current value '${
      describeValue(value)
    }'`,
  );
}

function assertIntegerIn(
  value: unknown,
  field: string,
  min: number,
  max: number,
): void {
  if (
    typeof value !== "number" || !Number.isSafeInteger(value) ||
    value < min || value > max
  ) {
    refuse(field, `an integer from ${min} to ${max}`, value);
  }
}

/**
 * Check GET /gateway/bot's answer.
 *
 * @param answer What the endpoint returned.
 * @returns The answer, checked.
 * @throws {TypeError} When a field does not have the documented shape: `url`
 * not a `wss:` URL (`ws:` only to a loopback host: the token never goes out
 * in cleartext), `shards` not an integer from 1 to
 * {@linkcode MAX_RECOMMENDED_SHARDS}, or `session_start_limit` not
 * non-negative integers with `max_concurrency` from 1 to
 * {@linkcode MAX_RECOMMENDED_SHARDS}.
 */
export function checkGatewayBot(answer: unknown): GatewayBotResponse {
  if (!isRecord(answer)) refuse("(body)", "an object", answer);
  const url = answer.url;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    // refused below
  }
  if (
    parsed === undefined ||
    !(parsed.protocol === "wss:" ||
      (parsed.protocol === "ws:" && LOOPBACK_HOSTS.has(parsed.hostname)))
  ) {
    refuse("url", "a wss: URL (ws: only to this machine)", url);
  }
  assertIntegerIn(answer.shards, "shards", 1, MAX_RECOMMENDED_SHARDS);
  const limit = answer.session_start_limit;
  if (!isRecord(limit)) refuse("session_start_limit", "an object", limit);
  const field = (name: string): string => `session_start_limit.${name}`;
  const max = Number.MAX_SAFE_INTEGER;
  assertIntegerIn(limit.total, field("total"), 0, max);
  assertIntegerIn(limit.remaining, field("remaining"), 0, max);
  // Bounded like `shards`: more identify buckets than the most shards a
  // client builds mean nothing (one per shard at most), and a value like
  // 2^40 made splitting shards between processes walk every bucket.
  assertIntegerIn(
    limit.max_concurrency,
    field("max_concurrency"),
    1,
    MAX_RECOMMENDED_SHARDS,
  );
  const resetAfter = limit.reset_after;
  if (
    typeof resetAfter !== "number" ||
    !(resetAfter >= 0 && resetAfter <= MAX_RESET_AFTER)
  ) {
    refuse(
      field("reset_after"),
      `a number of milliseconds from 0 to ${MAX_RESET_AFTER}`,
      resetAfter,
    );
  }
  return answer as unknown as GatewayBotResponse;
}

/**
 * GET /gateway/bot, checked, with a rejected token said as such: by its
 * 401, or by the REST client, which refuses the call after an earlier 401.
 *
 * @param rest The client's REST client.
 * @param signal Cancels the request.
 * @returns The checked answer.
 * @throws {GatewayError} `authentication_failed`, when the token was
 * rejected; other errors as the REST client or the check throws them.
 */
export async function fetchGatewayBot(
  rest: RestClient,
  signal: AbortSignal,
): Promise<GatewayBotResponse> {
  try {
    return checkGatewayBot(await rest.getGatewayBot({ signal }));
  } catch (error) {
    const on = error instanceof DiscordApiError && error.status === 401
      ? "GET /gateway/bot"
      : error instanceof TokenRejectedError
      ? `${error.rejectedBy}, so GET /gateway/bot was not sent`
      : undefined;
    if (on === undefined) throw error;
    throw new GatewayError(
      "authentication_failed",
      `Discord rejected the token (HTTP 401 on ${on}): ${TOKEN_HELP}`,
      { cause: error },
    );
  }
}
