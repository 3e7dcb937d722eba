/**
 * When a reshard's new shard can replace the old set's: READY with every
 * guild its READY listed ({@linkcode watchCompletion}), and no longer once
 * its session ends. Used by `FleetShards` and `ReshardingShards`.
 *
 * @module
 */
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import type { Shard } from "../gateway/shard.ts";

/** How long a mark Redis was not told of waits before it is sent again. */
export const MARK_RETRY_MS = 1_000;

/** What {@linkcode watchCompletion} reports. */
export interface CompletionHandlers {
  /** The shard is READY and has heard of every guild its READY listed. */
  complete: () => void;
  /**
   * A complete shard lost its session (op 9 `d:false`, a close such as
   * 4007 or 4009, a RESUME refused): it identifies afresh, and is watched
   * until complete again. A RESUME that succeeds keeps it complete.
   */
  lost: () => void;
}

/**
 * Watch `shard` until stopped: `complete` once it is READY and has heard
 * of every guild its READY listed, by GUILD_CREATE or GUILD_DELETE (the
 * moment its events can replace another set's), then `lost` if its session
 * ends, and `complete` again once the new one is, and so on.
 *
 * @param shard The shard, before it connects.
 * @param resuming It resumes a session that was complete: RESUMED is enough.
 * @param handlers Called at each change.
 * @returns A function that stops watching.
 */
export function watchCompletion(
  shard: Shard,
  resuming: boolean,
  handlers: CompletionHandlers,
): () => void {
  let pending: Set<string> | undefined;
  /** The session that was complete; `undefined` while not complete. */
  let completed: string | undefined;
  let complete = false;
  const offDispatch = shard.on("dispatch", (event) => {
    if (event.name === "RESUMED") {
      // Resuming a session that was complete: it still is. (Refused, it
      // identifies, and its READY starts the count as usual.)
      if (resuming) pending = new Set();
    } else if (event.name === "READY") {
      const guilds = (event.data as { guilds?: { id: string }[] }).guilds ??
        [];
      pending = new Set(guilds.map((g) => g.id));
    } else if (pending) {
      // GUILD_CREATE, or GUILD_DELETE: a guild down in an outage arrives
      // as GUILD_DELETE (`unavailable: true`), one the bot left before its
      // GUILD_CREATE likewise, and neither may ever send GUILD_CREATE.
      // Waiting for one would never complete the set, and every event of
      // it would be held meanwhile, without bound.
      pending.delete((event.data as { id: string }).id);
    }
    if (!complete && pending?.size === 0) {
      complete = true;
      completed = shard.sessionId;
      pending = undefined;
      handlers.complete();
    }
  }, { events: ["READY", "RESUMED", "GUILD_CREATE", "GUILD_DELETE"] });
  const offState = shard.on("state", ({ current }) => {
    // A new session: the shard forgot its own (op 9 d:false, 4007, 4009,
    // before reconnecting), or is about to IDENTIFY (a RESUME refused).
    const ended = current === "identifying" ||
      shard.sessionId === undefined || shard.sessionId !== completed;
    if (current === "identifying") {
      // Its READY starts the count again; a RESUMED, later, of the session
      // it starts now is no longer one of a complete session.
      resuming = false;
      pending = undefined;
    }
    if (!complete || !ended) return;
    complete = false;
    completed = undefined;
    handlers.lost();
  });
  return () => {
    offDispatch();
    offState();
  };
}

/**
 * Watch `shards` until every one of them is complete at once (see
 * {@linkcode watchCompletion}): one that completed and then lost its
 * session counts again only once complete again.
 *
 * @param shards The shards, before they connect.
 * @returns A promise that resolves then, and a function to stop watching
 *   (call it at the switch, or when giving up).
 */
export function whenAllComplete(shards: readonly Shard[]): {
  complete: Promise<void>;
  stop: () => void;
} {
  const { promise, resolve } = Promise.withResolvers<void>();
  const done = new Set<Shard>();
  const stops = shards.map((shard) =>
    watchCompletion(shard, false, {
      complete: () => {
        done.add(shard);
        if (done.size === shards.length) resolve();
      },
      lost: () => void done.delete(shard),
    })
  );
  if (shards.length === 0) resolve();
  return { complete: promise, stop: () => stops.forEach((stop) => stop()) };
}

/**
 * {@linkcode watchCompletion}, each change sent with `mark` (in order, one
 * at a time), and a mark that failed (`mark` resolved `false`: Redis away)
 * sent again {@linkcode MARK_RETRY_MS} later while it is still the shard's
 * state: a withdrawal lost once left a lost shard counted, and the set
 * flipped while its guilds had no session.
 *
 * @param shard The shard, before it connects.
 * @param resuming It resumes a session that was complete.
 * @param scheduler The clock of the retries.
 * @param mark Tells Redis; `false` when it could not.
 * @returns A function that stops watching and retrying.
 */
export function watchMarks(
  shard: Shard,
  resuming: boolean,
  scheduler: Scheduler,
  mark: (ready: boolean) => Promise<boolean>,
): () => void {
  let marks = Promise.resolve();
  let wanted: boolean | undefined;
  let retry: TimerId | undefined;
  const send = (ready: boolean): void => {
    wanted = ready;
    marks = marks.then(async () => {
      if (await mark(ready) || wanted !== ready) return;
      if (retry !== undefined) scheduler.clearTimeout(retry);
      retry = scheduler.setTimeout(() => {
        if (wanted === ready) send(ready);
      }, MARK_RETRY_MS);
    });
  };
  const stop = watchCompletion(shard, resuming, {
    complete: () => send(true),
    lost: () => send(false),
  });
  return () => {
    wanted = undefined;
    if (retry !== undefined) scheduler.clearTimeout(retry);
    stop();
  };
}
