/**
 * What the dispatch service's start reads from Redis before its shards
 * connect (the saved sessions, the shards a previous run left the cache
 * stale for), each read bounded as the shard manager bounds its session
 * store calls. A Redis that stops answering with its connection open (a
 * frozen server, a stalled network, a proxy that holds replies) held the
 * start for ever, saying nothing; past the bound it is said on stderr and
 * the start goes on as if Redis had been unreachable.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { SavedSession } from "../gateway/saved_session.ts";
import { DEFAULT_SESSION_MAX_AGE } from "../gateway/session_store.ts";
import {
  type IntentsChange,
  intentsChange,
  otherBotSessions,
  sayIntentsChanged,
} from "../gateway/_session_identity.ts";

const logger = getLogger(["disruption", "dispatch"]);
const visible = getVisibleLogger(["disruption", "dispatch"]);

/**
 * How long the start waits for each of its reads from Redis, in
 * milliseconds: 10 s, as the shard manager waits for its session store.
 */
export const START_READ_TIMEOUT = 10_000;

/**
 * The start's waits on Redis: each at most {@linkcode START_READ_TIMEOUT},
 * none at all once one went unanswered (Redis does not answer: a second
 * wait would only add 10 s to the start), and none past `signal` (the
 * service is closing).
 */
export class StartReads {
  readonly #scheduler: Scheduler;
  readonly #signal: AbortSignal;
  #silent = false;

  /**
   * @param scheduler The clock of the waits.
   * @param signal Aborted when the service closes: every wait ends then.
   */
  constructor(scheduler: Scheduler, signal: AbortSignal) {
    this.#scheduler = scheduler;
    this.#signal = signal;
  }

  /** Whether a call went unanswered: the later ones are not waited for. */
  get silent(): boolean {
    return this.#silent;
  }

  /** Whether the service is closing (the waits have ended). */
  get closing(): boolean {
    return this.#signal.aborted;
  }

  /**
   * Wait for one call to Redis.
   *
   * @param call The call; a rejection counts as an answer.
   * @param what What it does, for the warning.
   * @param instead What the start does without its answer.
   * @returns Whether it was answered in time (`false` once closing).
   */
  async answered(
    call: Promise<unknown>,
    what: string,
    instead: string,
  ): Promise<boolean> {
    const silent = this.#silent;
    const wait = silent ? 0 : START_READ_TIMEOUT;
    if (await settlesWithin(this.#scheduler, call, wait, this.#signal)) {
      return true;
    }
    if (this.#signal.aborted) return false;
    this.#silent = true;
    // As a stalled save is said: the connection stays `ready`, and nothing
    // else would tell why every shard identifies.
    if (silent) {
      visible.warn("Redis does not answer {what} either: {instead}", {
        what,
        instead,
      });
    } else {
      visible.warn(
        "Redis has not completed {what} in {seconds} s (Redis does not answer): {instead}",
        { what, seconds: START_READ_TIMEOUT / 1000, instead },
      );
    }
    return false;
  }
}

/** What {@linkcode loadUsableSessions} needs to know of the service. */
export interface UsableSessionsOptions {
  /** The service's shards: sessions of other shards are left out. */
  shardIds: readonly number[];
  /** The shard count: sessions identified with another are left out. */
  shardCount: number;
  /** Now, on the service's clock: sessions too old to resume are left out. */
  now: number;
  /**
   * The service's intents: sessions identified with others are left out
   * (a RESUME keeps a session's intents).
   */
  intents?: number;
  /** The bot of the service's token, if known: see `botIdOfToken`. */
  botId?: string | undefined;
  /**
   * Called when the sessions could not be read (failed, or no answer in
   * time): whose sessions Redis holds is not known, and the first save
   * must look first (see `otherBotSessions`).
   */
  unread?: () => void;
  /**
   * Counts each session left out as too old or identified with other
   * intents (`dispatch_sessions_lost`): its shard identifies, and the
   * events after its sequence are lost.
   */
  lost?: { inc(): void };
}

/**
 * The saved sessions worth a RESUME: this process's shards', identified
 * with the same shard count and intents, not too old (one too old is said
 * on stderr and counted as lost: a silent skip lost its events unsaid;
 * those of other intents are said once and counted too). None when
 * the store fails or
 * does not answer in time (said; the shards identify) or the service is
 * closing.
 *
 * @param store Where the sessions are saved.
 * @param reads The start's waits.
 * @param options The service's shards, shard count, intents, bot and clock.
 * @returns The sessions, by shard.
 * @throws {OtherBotSessionsError} When a session of this process's shards
 *   is another bot's (both known): the start must not resume, nor save
 *   over, that bot's sessions.
 */
export async function loadUsableSessions(
  store: { loadAll(): Promise<SavedSession[]> },
  reads: StartReads,
  options: UsableSessionsOptions,
): Promise<Map<number, SavedSession>> {
  const usable = new Map<number, SavedSession>();
  const { shardCount, now, intents, botId } = options;
  const changes: IntentsChange[] = [];
  let refusal;
  try {
    const wanted = new Set(options.shardIds);
    let otherCount: number | undefined;
    const loading = store.loadAll();
    const answered = await reads.answered(
      loading,
      "reading the saved sessions",
      "every shard identifies",
    );
    if (!answered) {
      options.unread?.();
      return usable;
    }
    const loaded = (await loading).filter((s) => wanted.has(s.shardId));
    refusal = otherBotSessions(loaded, () => botId);
    for (const session of refusal ? [] : loaded) {
      if (session.shardCount !== shardCount) {
        otherCount = session.shardCount;
        continue;
      }
      // twilight-dispatch saves no time (savedAt 0): worth a RESUME, as
      // Discord answers an expired one with INVALID_SESSION and the shard
      // identifies.
      if (
        session.savedAt !== 0 &&
        Math.abs(now - session.savedAt) > DEFAULT_SESSION_MAX_AGE
      ) {
        options.lost?.inc();
        visible.warn(
          "Shard {shardId}: saved session {sessionId} was saved {seconds} s ago, past the {max} s Discord keeps one resumable; the shard identifies, and the events after sequence {sequence} are lost",
          {
            shardId: session.shardId,
            sessionId: session.sessionId,
            seconds: Math.round(Math.abs(now - session.savedAt) / 1000),
            max: DEFAULT_SESSION_MAX_AGE / 1000,
            sequence: session.sequence,
          },
        );
        continue;
      }
      const change = intentsChange(session, intents);
      if (change) {
        options.lost?.inc();
        changes.push(change);
        continue;
      }
      usable.set(session.shardId, session);
    }
    sayIntentsChanged(changes);
    if (otherCount !== undefined) {
      logger.info(
        "Saved sessions are for {saved} shards, not {total}; identifying",
        { saved: otherCount, total: shardCount },
      );
    }
  } catch (error) {
    options.unread?.();
    logger.warn("Reading saved sessions failed; identifying: {message}", {
      message: errorText(error),
    });
  }
  if (refusal) throw refusal;
  return usable;
}

/**
 * The shards of `shardIds` a previous run left the cache stale for, read
 * from the set `key`. Every one of them when the set cannot be read (said)
 * or Redis does not answer in time (said): stale rather than silently
 * fresh, as when Redis is unreachable at start.
 *
 * @param redis The connection.
 * @param key The set.
 * @param shardIds This process's shards.
 * @param reads The start's waits.
 * @returns The stale shards, or `undefined` when the service is closing.
 */
export async function loadStaleShardIds(
  redis: { smembers(key: string): Promise<string[]> },
  key: string,
  shardIds: readonly number[],
  reads: StartReads,
): Promise<number[] | undefined> {
  let stored: string[];
  try {
    const reading = redis.smembers(key);
    const answered = await reads.answered(
      reading,
      `reading ${key}`,
      "the cache is taken as stale for every shard, as when Redis is unreachable at start",
    );
    if (reads.closing) return undefined;
    stored = answered ? await reading : shardIds.map(String);
  } catch (error) {
    // Unreadable (a key of another type, say).
    stored = shardIds.map(String);
    logger.warn("Reading {key} failed: {message}", {
      key,
      message: errorText(error),
    });
  }
  const own = new Set(shardIds);
  return stored.map(Number).filter((id) => own.has(id));
}
