// How a Client's start builds its shard manager: the Client's own options
// taken out, GET /gateway/bot asked when the gateway URL or the shard count
// is not given, and the identify pacing its session start limit sets. Kept
// apart from handler/client.ts, which runs the manager once built.
import { getLogger } from "@logtape/logtape";
import { shownQuoted } from "../base/option_checks.ts";
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
import {
  assumeSessionStartLimit,
  pacingOptions,
  ShardManager,
  type ShardManagerOptions,
} from "../gateway/shard_manager.ts";
import { DEFAULT_TIMEOUTS } from "../gateway/shard_options.ts";
import type { GatewayBotResponse } from "../rest/payloads.ts";
import type { RestClient } from "../rest/rest_client.ts";
import { parseRoute } from "../rest/routes.ts";
import type { ClientOptions } from "./client_options.ts";
import { fetchGatewayBot } from "./gateway_bot_check.ts";

const logger = getLogger(["disruption", "handler"]);
/** The wait for GET /gateway/bot, said without configuring logging. */
const visible = getVisibleLogger(["disruption", "handler"]);

/** GET /gateway/bot's route, to read its rate limit. */
const GATEWAY_BOT_ROUTE = parseRoute("GET", "/gateway/bot");

/**
 * How much longer GET /gateway/bot waits on a rate limit before the REST
 * client sends it again, in milliseconds (0: the attempt is due now): its
 * bucket spent with the request queued (after a 429), the bot's global
 * limit, or Cloudflare's pause; `undefined` when it waits on none (in
 * flight, or between the retries of another failure).
 */
function rateLimitWait(rest: RestClient, now: number): number | undefined {
  const limiter = rest.rateLimiter;
  const bucket = limiter.bucketState(GATEWAY_BOT_ROUTE);
  if (bucket !== undefined && bucket.inFlight > 0) return undefined;
  const until = Math.max(
    limiter.globalPausedUntil,
    limiter.cloudflarePausedUntil,
  );
  const spent = bucket !== undefined && bucket.queued > 0 &&
    bucket.remaining === 0 && bucket.resetAt !== undefined;
  // At the very time a pause ends the retry is due but not yet sent (its
  // timer and this one fire at the same instant): still rate limited.
  if (!spent && until < now) return undefined;
  return Math.max(0, until - now, spent ? bucket.resetAt! - now : 0);
}

/**
 * Say on stderr that the day's session starts run low (a tenth of the
 * budget, or no more than the shards): only their end was said (the queue's
 * "exhausted"), so a crash loop without a session store, each start
 * identifying every shard, spent them unseen. At 0 every new session
 * waits for the reset. (None left is the queue's to say, with its wait.) A
 * day's whole limit no larger than the shards is said as that instead.
 */
function warnFewSessionStarts(
  limit: SessionStartLimit,
  shardCount: number,
): void {
  const { remaining, total, reset_after: resetAfter } = limit;
  if (remaining <= 0 || remaining > Math.max(total / 10, shardCount)) return;
  const minutes = Math.ceil(resetAfter / 60_000);
  if (remaining === total || total < shardCount) {
    // The whole day's limit cannot cover the shards, spent or not: asking
    // about a restart loop sent the reader after one that never happened.
    // Two templates, not a word in one: the visible logger quotes strings.
    visible.warn(
      total < shardCount
        ? "The day's session start limit ({total}, {remaining} left) is smaller than the shard count ({shards}): {waiting} shards wait for Discord's reset in {minutes} min, as does any session lost before it (each new session spends a start)"
        : "The day's session start limit ({total}, {remaining} left) is no larger than the shard count ({shards}): {waiting} shards wait for Discord's reset in {minutes} min, as does any session lost before it (each new session spends a start)",
      {
        total,
        remaining,
        shards: shardCount,
        waiting: Math.max(0, shardCount - remaining),
        minutes,
      },
    );
    return;
  }
  visible.warn(
    "Only {remaining} of the day's {total} session starts are left (Discord resets them in {minutes} min): each new session spends one, and at 0 new sessions wait for the reset. Is the bot restarting in a loop, or losing its sessions (no session store)?",
    { remaining, total, minutes },
  );
}

/**
 * GET /gateway/bot, saying on stderr once it has gone unanswered as long as
 * a shard waits for its socket (the `connect` timeout): a REST API that
 * accepts connections and never answers otherwise kept start() silent for
 * its every retry (over a minute), where a silent gateway is warned about
 * after 10 s. When it is rate limited the line says so, with the time to
 * the next attempt: "has not answered" sent the reader looking for a
 * network fault when Discord answered 429 to each attempt.
 */
async function fetchGatewayBotSaid(
  rest: RestClient,
  signal: AbortSignal,
  scheduler: Scheduler,
  after: number,
): Promise<GatewayBotResponse> {
  const timer = scheduler.setTimeout(() => {
    const retryIn = rateLimitWait(rest, scheduler.now());
    if (retryIn !== undefined) {
      visible.warn(
        "start() is waiting for Discord's REST API: GET /gateway/bot is rate limited ({after} ms so far; the REST client's next attempt is in {retryIn} ms), and start() rejects if it stays rate limited",
        { after, retryIn },
      );
      return;
    }
    visible.warn(
      "start() is waiting for Discord's REST API: GET /gateway/bot has not answered after {after} ms; the REST client retries it, and start() rejects if no attempt is answered",
      { after },
    );
  }, after);
  try {
    return await fetchGatewayBot(rest, signal);
  } finally {
    scheduler.clearTimeout(timer);
  }
}

/**
 * The shard manager a Client's start runs, not started.
 *
 * @param options The Client's options.
 * @param rest The Client's REST client, for GET /gateway/bot.
 * @param ownQueue The Client's own identify queue, kept across starts, for
 * when `options` gives none.
 * @param signal Aborts GET /gateway/bot (the Client stopped meanwhile).
 * @returns The manager.
 * @throws What GET /gateway/bot and the manager's option checks throw.
 */
export async function createClientManager(
  options: ClientOptions,
  rest: RestClient,
  ownQueue: () => IdentifyQueue,
  signal: AbortSignal,
): Promise<ShardManager> {
  // The client's own options stay here; the rest pass to the manager.
  const {
    shards,
    shardIds,
    gatewayUrl: givenUrl,
    rest: _rest,
    restBaseUrl: _restBaseUrl,
    fetch: _fetch,
    events: _events,
    signal: _signal,
    cache: _cache,
    ...passed
  } = options;
  let gatewayUrl = givenUrl;
  let shardCount = typeof shards === "number" ? shards : 1;
  let sessionStartLimit: SessionStartLimit | undefined;
  if (gatewayUrl === undefined || shards === "recommended") {
    const bot = await fetchGatewayBotSaid(
      rest,
      signal,
      options.scheduler ?? realScheduler,
      options.timeouts?.connect ?? DEFAULT_TIMEOUTS.connect,
    );
    gatewayUrl ??= bot.url;
    if (shards === undefined || shards === "recommended") {
      shardCount = bot.shards;
    }
    sessionStartLimit = bot.session_start_limit;
    logger.info(
      "GET /gateway/bot: {shards} shards recommended, {remaining} of {total} session starts left",
      {
        shards: bot.shards,
        remaining: bot.session_start_limit.remaining,
        total: bot.session_start_limit.total,
      },
    );
    warnFewSessionStarts(bot.session_start_limit, shardCount);
  }
  const identifyQueue = passed.identifyQueue ?? ownQueue();
  const managerOptions: ShardManagerOptions = {
    ...passed,
    identifyQueue,
    gatewayUrl,
    shardCount,
  };
  if (typeof shardIds === "function") {
    const maxConcurrency = sessionStartLimit?.max_concurrency ?? 1;
    const ids: unknown = shardIds(shardCount, maxConcurrency);
    // Else the manager failed on it as "ids is not iterable", unnamed.
    if (!Array.isArray(ids)) {
      throw new TypeError(
        `Cannot start client as 'shardIds' must return a list of shard IDs: current value 'shardIds(${shardCount}, ${maxConcurrency})=${
          shownQuoted(ids)
        }'`,
      );
    }
    managerOptions.shardIds = ids;
  } else if (shardIds !== undefined) {
    managerOptions.shardIds = shardIds;
  }
  if (sessionStartLimit) {
    const pacing = pacingOptions(sessionStartLimit, identifyQueue);
    Object.assign(managerOptions, pacing);
  } else if (passed.identifyQueue === undefined) {
    // GET /gateway/bot not asked: the Client's own queue, given to the
    // manager, would otherwise pace IDENTIFYs with no daily cap at all.
    assumeSessionStartLimit(identifyQueue);
  }
  return new ShardManager(managerOptions);
}
