/**
 * How much event text a consumer that fell behind may leave unhandled
 * before its shard pauses (`Shard.pause`), and how little before it
 * resumes: the Client's handlers and the dispatch streams keep to it, so a
 * slow consumer, or one that never finishes, holds a bounded backlog and
 * Discord keeps the rest for the RESUME. Internal to the package.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { StreamHold } from "../base/listener_stream.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";

/**
 * A stream that holds shards paused, and the events lost when it held them
 * too long: shown without setup, since a forgotten `dispatches()` stream
 * freezes the bot (its handlers too) and nothing else would say why.
 */
const visible = getVisibleLogger(["disruption", "gateway", "stream"]);
const logger = getLogger(["disruption", "gateway", "stream"]);

/**
 * The frame text (UTF-16 code units, about bytes) of events a consumer may
 * hold unhandled before the shard pauses: about 43,500 plain messages of
 * ~400 characters (some 55 MB of heap, measured), and more heap once parsed (a hostile frame of empty
 * objects parses to 20 times its size). Without it a consumer slower than
 * the gateway keeps every later event in memory until the process runs out
 * of it.
 */
export const MAX_HELD_EVENT_CHARS = 16 * 1024 * 1024;

/** Held text at which a paused shard resumes: a quarter of the bound. */
export const RESUME_HELD_EVENT_CHARS = MAX_HELD_EVENT_CHARS / 4;

/**
 * How long a dispatch stream may hold its shards paused before it is said
 * again that it is still unread, in ms: the Client's `MAX_PAUSE_MS` for its
 * handlers' pauses, well within the ~90 s Discord keeps a closed session.
 */
export const LONG_PAUSE_MS = 45_000;

/** What {@linkcode pauseHold} uses of a shard. */
export interface Pausable {
  /** The shard's ID, to name it. */
  readonly id: number;
  /** Whether any pause holds it (a shard that does not run takes none). */
  readonly paused: boolean;
  /** The session, to tell whether it survived the pause. */
  readonly sessionId: string | undefined;
  /** The clock of the shard's timers. */
  readonly scheduler: Scheduler;
  /** Pause; the returned function ends this pause (see `Shard.pause`). */
  pause(): () => void;
  /** Resolves at the next READY or RESUMED (see `Shard.connect`). */
  connect(): Promise<void>;
}

/** A shard a stream holds paused. */
interface Held {
  shard: Pausable;
  /** Ends the stream's pause of it. */
  resume: () => void;
  /** Its session when paused. */
  session: string | undefined;
}

/**
 * The back-pressure a dispatch stream puts on `shards` (see
 * `listenerStream`'s `hold`): past {@linkcode MAX_HELD_EVENT_CHARS} of
 * unread frame text the stream pauses them, and ends its pauses at
 * {@linkcode RESUME_HELD_EVENT_CHARS} (a shard someone else paused too
 * stays paused until they end theirs). Like the Client's pauses for its
 * handlers, each pause is said on stderr (unless LogTape is configured),
 * again once if the stream is still unread after {@linkcode LONG_PAUSE_MS},
 * and so is a session that did not survive the pause. A shard that sends
 * while the stream is still paused and full (not running when it paused,
 * or closed and started again since, which ended its pauses) is paused
 * too, so the backlog stays bounded however the shards come and go.
 *
 * @param shards The shards the stream reads, looked at when it pauses and
 *   when one of them escaped the pause.
 * @returns The stream's hold.
 */
export function pauseHold<T extends { size?: number }>(
  shards: () => Iterable<Pausable>,
): StreamHold<T> {
  /** The shards the stream paused, each with its latest pause. */
  let held = new Map<Pausable, Held>();
  let timer: { scheduler: Scheduler; id: TimerId } | undefined;
  /** Whether this pause armed its long-pause timer: said once per pause. */
  let armed = false;
  /** Shards whose session is being checked: said once per READY. */
  const checking = new Set<Pausable>();
  const stopTimer = (): void => {
    if (timer === undefined) return;
    timer.scheduler.clearTimeout(timer.id);
    timer = undefined;
  };
  /**
   * Pause each of `shards()` (at the stream's pause), or each that no pause
   * holds (at a repause), and arm the long-pause timer at the first shard
   * paused.
   *
   * @returns The shards paused now.
   */
  const pauseShards = (unread: () => number, all: boolean): Held[] => {
    const paused: Held[] = [];
    for (const shard of shards()) {
      // At a repause, one held by a pause (ours, or a Client's that keeps
      // it off the gateway just as well until it ends) sends nothing; one
      // whose events come again once that ends is paused at its first.
      if (!all && shard.paused) continue;
      const resume = shard.pause();
      // One that does not run took no pause: nothing to say about it.
      if (!shard.paused) continue;
      // A pause of ours it lost by closing is replaced: its end does
      // nothing now (a close forgets the pause it ends).
      const entry = { shard, resume, session: shard.sessionId };
      held.set(shard, entry);
      paused.push(entry);
    }
    const first = paused[0];
    if (first !== undefined && !armed) {
      armed = true;
      const scheduler = first.shard.scheduler;
      timer = {
        scheduler,
        id: scheduler.setTimeout(() => {
          timer = undefined;
          stillUnread([...held.values()], unread());
        }, LONG_PAUSE_MS),
      };
    }
    return paused;
  };
  return {
    size: (event) => event.size ?? 0,
    limit: MAX_HELD_EVENT_CHARS,
    resumeAt: RESUME_HELD_EVENT_CHARS,
    pause: (unread) => {
      held = new Map();
      armed = false;
      const paused = pauseShards(unread, true);
      if (paused.length === 0) return;
      visible.warn(
        "{shards} paused: a dispatch stream (dispatches()) has {mib} MiB of events unread; the connection stays closed until it is read down to a quarter of that (Discord replays what it sent meanwhile). Read every dispatch stream, or cancel it once no longer wanted",
        {
          shards: shardsLabel(paused),
          shardIds: ids(paused),
          mib: mib(unread()),
        },
      );
    },
    repause: (unread) => {
      const paused = pauseShards(unread, false);
      if (paused.length === 0) return;
      visible.warn(
        "{shards} paused: started while a dispatch stream (dispatches()) still has {mib} MiB of events unread; the connection stays closed until it is read down to a quarter of that",
        {
          shards: shardsLabel(paused),
          shardIds: ids(paused),
          mib: mib(unread()),
        },
      );
    },
    resume: () => {
      stopTimer();
      const ended = [...held.values()];
      held = new Map();
      // Closed since (which ends every pause): nothing to resume or check.
      const resumed = ended.filter(({ shard }) => shard.paused);
      for (const { resume } of ended) resume();
      if (resumed.length === 0) return;
      logger.info("{shards}: the dispatch stream was read; ending its pause", {
        shards: shardsLabel(resumed),
      });
      for (const { shard, session } of resumed) {
        checkSession(shard, session, checking);
      }
    },
  };
}

/** The stream still holds `held` paused after {@linkcode LONG_PAUSE_MS}. */
function stillUnread(held: readonly Held[], unread: number): void {
  // Closed meanwhile: nothing left to say about them.
  const still = held.filter(({ shard }) => shard.paused);
  if (still.length === 0) return;
  visible.warn(
    "{shards} still paused: a dispatch stream still has {mib} MiB of events unread after {seconds} s (a dispatches() stream nobody reads?); no event arrives, for a Client's handlers either, until it is read or cancelled, and Discord ends a closed session after about 90 s: the events it held are lost with it",
    {
      shards: shardsLabel(still),
      shardIds: ids(still),
      mib: mib(unread),
      seconds: LONG_PAUSE_MS / 1000,
    },
  );
}

/**
 * Say so if the session `paused` did not survive the stream's pause: known
 * at the next READY or RESUMED, asked once however many pauses come before
 * it (a RESUME's replay may fill the stream again).
 */
function checkSession(
  shard: Pausable,
  paused: string | undefined,
  checking: Set<Pausable>,
): void {
  if (paused === undefined || checking.has(shard)) return;
  checking.add(shard);
  // Waits (the shard is reconnecting); rejects only if it stops for good.
  shard.connect().then(() => {
    if (shard.sessionId === paused) return;
    visible.warn(
      "Shard {shardId}: the session ended while an unread dispatch stream held the shard paused; the events Discord sent meanwhile are lost",
      { shardId: shard.id },
    );
  }, () => {}).finally(() => checking.delete(shard));
}

function ids(held: readonly Held[]): number[] {
  return held.map(({ shard }) => shard.id).sort((a, b) => a - b);
}

/** "Shard 3", or "Shards 0, 2, 4–9": runs of three or more as ranges. */
function shardsLabel(held: readonly Held[]): string {
  const sorted = ids(held);
  if (sorted.length === 1) return `Shard ${sorted[0]}`;
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}–${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return `Shards ${parts.join(", ")}`;
}

/**
 * `chars` of frame text in whole MiB, for the warnings (the stream's here,
 * the Client's handlers' in handler/).
 *
 * @param chars Characters of frame text.
 * @returns Them in MiB, rounded.
 */
export function mib(chars: number): number {
  return Math.round(chars / 1024 / 1024);
}
