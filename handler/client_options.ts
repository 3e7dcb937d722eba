// The options of the Client, apart from its code (checked by
// client_options_check.ts, which must not import the Client).
import type { CacheOptions } from "../cache/options.ts";
import type { ShardManagerOptions } from "../gateway/shard_manager.ts";
import type { RestClient } from "../rest/rest_client.ts";
import type { GatewayEventName } from "../types/events.ts";

/**
 * Options for `Client`. Besides its own, it takes the
 * `ShardManager` options it passes on unchanged (documented there):
 * `compress`, `presence`, `largeThreshold`, `shardOptions`, `identifyQueue`,
 * `sessionStore`, `sessionSaveInterval`, `transport`, `scheduler`, `random`,
 * `timeouts` and `maxInflatedBytes`.
 *
 * `scheduler` is also the clock of the REST client, of `awaitMessage` on
 * the Client and of a router attached to it, each given none. Other than
 * `realScheduler` (a test's virtual clock), `await using` does not wait for
 * running handlers (drainTimeout 0; see `Client[Symbol.asyncDispose]`).
 */
export interface ClientOptions extends
  Pick<
    ShardManagerOptions,
    | "compress"
    | "presence"
    | "largeThreshold"
    | "shardOptions"
    | "identifyQueue"
    | "sessionStore"
    | "sessionSaveInterval"
    | "transport"
    | "scheduler"
    | "random"
    | "timeouts"
    | "maxInflatedBytes"
  > {
  /** The bot token (a leading `Bot ` is accepted and dropped). Never logged or shown. */
  token: string;
  /**
   * The gateway intents; build them from `GatewayIntent`. A shard given its
   * own `intents` by `shardOptions` identifies with those instead, and the
   * start-up warnings (cache resources the intents cannot fill, handler
   * methods and listeners whose events never arrive) judge each shard on
   * its own, naming the shards when they differ.
   */
  intents: number;
  /**
   * How many shards to run in total: a number, or `"recommended"` for GET
   * /gateway/bot's count.
   *
   * @default {"recommended", or 1 when gatewayUrl is given}
   */
  shards?: number | "recommended";
  /**
   * The shards this process runs: a list, or a function of the total shard
   * count and `max_concurrency` (known only after GET /gateway/bot), e.g.
   * `(count, maxConcurrency) => shardsForProcess(count, 0, 2, { maxConcurrency })`.
   *
   * @default {all of them}
   */
  shardIds?:
    | readonly number[]
    | ((shardCount: number, maxConcurrency: number) => readonly number[]);
  /**
   * The gateway URL. When given, it is used instead of the one GET
   * /gateway/bot returns, and GET /gateway/bot is called only when `shards`
   * is `"recommended"` (otherwise the identify budget it reports is not
   * known).
   */
  gatewayUrl?: string;
  /** The REST client to use; built from the token when absent. */
  rest?: RestClient;
  /**
   * The REST API base URL, for a REST client built here.
   *
   * @default {"https://discord.com/api/v10"}
   */
  restBaseUrl?: string;
  /**
   * The `fetch` for a REST client built here.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Which dispatch events the bot takes: `"auto"` derives them from the
   * overridden Handler methods and the `on` listeners; `"all"` takes (and
   * parses) every one. With a list, only its events and those the cache
   * needs are taken and reach methods and listeners; one for another event
   * is warned about at start. An event not taken never reaches a handler,
   * and while such events are a noticeable share of the traffic (a fifth
   * or more) the shards skip parsing them too; below that share they parse
   * every frame and drop those, as peeking at each would cost more than it
   * saves.
   * An overridden `Handler.onRaw` still gets every dispatch (so every one
   * is parsed), whatever this option; the list still limits the methods
   * and listeners.
   *
   * @default {"auto"}
   */
  events?: "auto" | "all" | readonly GatewayEventName[];
  /**
   * Stops the client when it aborts, like `Client.stop`: a `Client.start`
   * in progress rejects with `ClientStoppedError`, a running client
   * disconnects. Made for Ctrl+C: abort it from a `SIGINT` listener.
   *
   * With a `sessionStore` the stop is resumable (as
   * `stop({ resumable: true })`: close code 4000, the sessions kept in the
   * store), so a restart within about a minute RESUMEs them: no session
   * start spent, and the events sent meanwhile are replayed. Without one
   * it is a clean stop (close code 1000): the bot goes offline at once.
   */
  signal?: AbortSignal;
  /**
   * Keep gateway state in memory (`Client.cache`) and hand
   * handlers the state before each update or delete (`ctx.old`).
   *
   * @default {no cache}
   */
  cache?: CacheOptions;
}
