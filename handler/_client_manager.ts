// How a Client's start builds its shard manager: the Client's own options
// taken out, GET /gateway/bot asked when the gateway URL or the shard count
// is not given, and the identify pacing its session start limit sets. Kept
// apart from handler/client.ts, which runs the manager once built.
import { getLogger } from "@logtape/logtape";
import type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
import {
  pacingOptions,
  ShardManager,
  type ShardManagerOptions,
} from "../gateway/shard_manager.ts";
import type { RestClient } from "../rest/rest_client.ts";
import type { ClientOptions } from "./client_options.ts";
import { fetchGatewayBot } from "./gateway_bot_check.ts";

const logger = getLogger(["disruption", "handler"]);

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
    const bot = await fetchGatewayBot(rest, signal);
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
  }
  const identifyQueue = passed.identifyQueue ?? ownQueue();
  const managerOptions: ShardManagerOptions = {
    ...passed,
    identifyQueue,
    gatewayUrl,
    shardCount,
  };
  if (typeof shardIds === "function") {
    managerOptions.shardIds = shardIds(
      shardCount,
      sessionStartLimit?.max_concurrency ?? 1,
    );
  } else if (shardIds !== undefined) {
    managerOptions.shardIds = shardIds;
  }
  if (sessionStartLimit) {
    const pacing = pacingOptions(sessionStartLimit, identifyQueue);
    Object.assign(managerOptions, pacing);
  }
  return new ShardManager(managerOptions);
}
