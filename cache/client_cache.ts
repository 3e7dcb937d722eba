// The Client's side of the cache, kept here so handler/client.ts needs only
// a few lines: the store it reads, the events to parse for it, and the
// start-up warnings.
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { DetachedUpdate } from "./detached_update.ts";
import { MemoryCache } from "./memory_store.ts";
import { type CacheOptions, resolveCacheOptions } from "./options.ts";
import { REDUCED_EVENTS } from "./reduce.ts";
import { cacheIntentWarnings, cacheResourceWarnings } from "./resources.ts";

/** A resource that can never fill is a mistake to show without setup. */
const visible = getVisibleLogger(["disruption", "cache"]);
/** A failing cache is the Client's to report (handlers lose `ctx.old`). */
const handlerVisible = getVisibleLogger(["disruption", "handler"]);

/**
 * The Client's cache: a store, empty and never fed when not configured
 * (reading it then says so once, see {@linkcode saysItIsEmpty}).
 */
export function createClientCache(options: CacheOptions | undefined): {
  cache: MemoryCache;
  events: ReadonlySet<string> | undefined;
} {
  if (options === undefined) {
    return {
      cache: saysItIsEmpty(new MemoryCache({ resources: [] })),
      events: undefined,
    };
  }
  // Checked first with the Client's path: the store's own check names
  // 'messages.perChannel' where the Client's user wrote 'cache.messages…'.
  resolveCacheOptions(options, [], { what: "client", path: "cache." });
  if (options.resources?.length === 0) {
    // Else a cache that keeps nothing, with no word said (the missing
    // option's warning is for `cache` left out), fed every event it reads.
    throw new RangeError(
      "Cannot create client as 'cache.resources' is empty, which keeps nothing: leave 'cache' out to keep no gateway state, or list the resources to keep",
    );
  }
  return { cache: new MemoryCache(options), events: REDUCED_EVENTS };
}

/** The store's methods that do not read it. */
const NOT_READS = new Set<PropertyKey>(["apply", "clear", "constructor"]);

/**
 * `cache`, warning visibly the first time anything reads it: a bot author
 * who reads `client.cache` without giving the Client a `cache` gets
 * `undefined` from every getter, which looks like missing state rather
 * than a missing option (discord.js caches without being asked).
 */
function saysItIsEmpty(cache: MemoryCache): MemoryCache {
  let warned = false;
  return new Proxy(cache, {
    get(target, property): unknown {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!warned && !NOT_READS.has(property)) {
        warned = true;
        visible.warn(
          "client.cache.{method}() was called, but this Client keeps no gateway state: give it a `cache` option (`cache: {{ resources: [...] }}` keeps those listed, `cache: {{}}` every one; see the README's Cache section)",
          { method: String(property) },
        );
      }
      // Bound to the store itself: its private fields are not the proxy's.
      return value.bind(target);
    },
  });
}

/**
 * Log, at start, the resources the intents make impossible (in one
 * warning however many: `cache: {}` keeps every resource), messages
 * kept without their content, and resources that keep nothing whatever
 * the intents. Judged on the resources asked for: one they imply (guilds,
 * channels) is not named, since the user never asked for it;
 * cacheIntentWarnings says instead what those asked for need.
 *
 * @param cache The Client's cache.
 * @param groups The intents the shards identify with, one entry per
 *   distinct value: `shards` names those with it when the shards differ
 *   (`shardOptions` giving some their own), and is left out when all share
 *   it.
 */
export function warnCacheIntents(
  cache: MemoryCache,
  groups: readonly { intents: number; shards?: string }[],
): void {
  const { requested } = cache.options;
  const warnings = cacheResourceWarnings(requested);
  for (const { intents, shards } of groups) {
    for (const warning of cacheIntentWarnings(requested, intents)) {
      warnings.push(
        shards === undefined ? warning : `On ${shards}: ${warning}`,
      );
    }
  }
  for (const warning of warnings) {
    visible.warn("{warning}", { warning }); // text, not a template
  }
}

/**
 * The Client's call into its cache for one dispatch: the update it made
 * (whose `readOld()` gives each handler call its own copy of the state
 * before it), or undefined when the cache does not take the event. A cache
 * that throws (a payload it does not expect) costs the event its old state,
 * never its delivery; a cache failing event after event is said at the
 * 1st, 2nd, 4th … failure, not once per event. It also knows which session
 * of each shard it saw start (see {@linkcode ClientCacheFeed.warnUnseenResumes}).
 */
export class ClientCacheFeed {
  readonly #cache: MemoryCache;
  readonly #events: ReadonlySet<string> | undefined;
  #failures = 0;
  /** Each shard's session whose READY the cache took, by shard ID. */
  readonly #readySessions = new Map<number, string>();

  constructor(cache: MemoryCache, events: ReadonlySet<string> | undefined) {
    this.#cache = cache;
    this.#events = events;
  }

  /**
   * Apply `event` to the cache.
   *
   * @param event The dispatch and its shard.
   * @returns The update, whose `readOld()` returns a function reading the
   * state before it as a deep copy the cache does not hold (made at its
   * first call: only a handler that reads `ctx.old` pays for it), or
   * undefined when the cache does not take the event or failed on it.
   */
  apply(
    event: { name: string; data: unknown; shardId: number },
  ): DetachedUpdate | undefined {
    if (this.#events === undefined || !this.#events.has(event.name)) {
      return undefined;
    }
    if (event.name === "READY") this.#sawReady(event.shardId, event.data);
    try {
      // The memory store's update: its `old` is copied on read.
      return this.#cache.apply(event.name, event.data) as DetachedUpdate;
    } catch (error) {
      const failures = ++this.#failures;
      if ((failures & (failures - 1)) === 0) {
        handlerVisible.error(
          "The cache failed on {event} (shard {shardId}; {failures} failures so far); handlers get it without ctx.old: {error}",
          { event: event.name, shardId: event.shardId, failures, error },
        );
      }
      return undefined;
    }
  }

  #sawReady(shardId: number, data: unknown): void {
    const sessionId = (data as { session_id?: unknown } | null)?.session_id;
    if (typeof sessionId === "string") {
      this.#readySessions.set(shardId, sessionId);
    }
  }

  /**
   * Say, once for all of them, which `shards` run a session whose READY
   * this cache did not take: one RESUMEd from a `sessionStore` that another
   * process (or this Client's cache before a later session) started.
   * Discord sends no READY or GUILD_CREATE on a RESUME, and the cache
   * drops the events of a guild it does not hold, so it stays without
   * those shards' guilds until their next READY. Called when the Client
   * has started (every shard ready), never for a Client without a cache.
   *
   * @param shards The started shards: their ID and session.
   * @returns The IDs of the shards it named (none: it said nothing).
   */
  warnUnseenResumes(
    shards: Iterable<
      { readonly id: number; readonly sessionId: string | undefined }
    >,
  ): number[] {
    if (this.#events === undefined) return [];
    const unseen: number[] = [];
    for (const { id, sessionId } of shards) {
      if (
        sessionId !== undefined && this.#readySessions.get(id) !== sessionId
      ) {
        unseen.push(id);
      }
    }
    if (unseen.length === 0) return unseen;
    visible.warn(
      "Shards {shards} resumed sessions saved before this Client's cache saw them start (from the sessionStore, e.g. a restart in a new process): Discord sends no READY or GUILD_CREATE on a RESUME, so client.cache holds none of those shards' guilds (or, for shards this Client ran before, what it held when it stopped, without what another process took since), and ignores the events of guilds it does not hold, until each shard's next READY (ctx.old stays undefined for them meanwhile). To have the cache filled now, delete those saved sessions from the sessionStore before start() so the shards IDENTIFY (the events sent while no process ran them are then lost), or accept it; see the README's Cache section",
      { shards: unseen.join(", ") },
    );
    return unseen;
  }
}
