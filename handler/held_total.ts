// The event text the handlers of all of a Client's shards hold together,
// against a bound for them all. Each shard pauses past its own bound
// (MAX_HELD_EVENT_CHARS), but only after the frame that took it past: a
// hostile or broken gateway sending each shard one large frame that parses
// into far more heap than its text (60 MiB of `{},` is 1.35 GB of objects)
// would have the process hold one such frame per shard. Past this bound the
// shards whose handlers hold much pause, and once the huge events held (of
// over HUGE_HELD_CHARS each, counted whole) add up to the bound too
// every shard does, those that hold nothing included, so the process holds
// four or five such frames whatever its number of shards. Counting only
// the text past each shard's own bound let a frame just under it add
// nothing: 16 shards each took one 15.5 MiB frame of `{},` (4 GB of heap).
//
// A shard whose handlers hold little is spared while the huge events stay
// under it: a backlog of ordinary events is then held by shards already
// paused (by their own bound, or by this one for holding much), which take
// no more, and shards whose handler never finishes never release it:
// pausing every shard until they did stopped the healthy ones for good
// (their sessions lost, start() never resolving). So each shard holds at
// most its own bound and the frame that passed it, and the huge events add
// up to at most MAX_CLIENT_OVERSHOOT_CHARS and the frame each shard was
// reading as the pause came: whatever the shards' handlers do, the process
// holds at most shards x 16 Mi characters of events of a MiB or less, and
// 64 Mi of larger ones and a frame per shard.
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  MAX_HELD_EVENT_CHARS,
  mib,
  RESUME_HELD_EVENT_CHARS,
} from "../gateway/event_backlog.ts";

/** Said without setup: shards stop taking events for all shards' backlog. */
const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * The frame text (UTF-16 code units) the handlers of all of a Client's
 * shards may hold unfinished before the shards holding more than
 * {@linkcode SPARED_HELD_CHARS} pause: four shards at their own bound, so
 * that a few slow shards alone do not stop the rest.
 */
export const MAX_CLIENT_HELD_CHARS = 4 * MAX_HELD_EVENT_CHARS;

/** Held text at which shards the Client-wide bound paused resume. */
export const RESUME_CLIENT_HELD_CHARS = MAX_CLIENT_HELD_CHARS / 4;

/**
 * The text of huge events (see {@linkcode HUGE_HELD_CHARS}) that the
 * shards' handlers may hold all together before the Client-wide bound
 * pauses every shard, none spared: four or five huge frames, never one per
 * shard.
 */
export const MAX_CLIENT_OVERSHOOT_CHARS = MAX_CLIENT_HELD_CHARS;

/**
 * What a held event counts as (its frame, old state and further calls)
 * past which it is huge, in characters: counted whole toward
 * {@linkcode MAX_CLIENT_OVERSHOOT_CHARS} while held. Ordinary events are a
 * few KiB, so a backlog of them never adds to it; a frame this large may
 * parse into many times its text.
 */
export const HUGE_HELD_CHARS = 1024 * 1024;

/**
 * Past {@linkcode MAX_CLIENT_HELD_CHARS}, a shard whose handlers hold at
 * most this (half its own bound) takes events on: the Client-wide bound
 * pauses the shards that hold much, not those that keep up.
 */
export const SPARED_HELD_CHARS = MAX_HELD_EVENT_CHARS / 2;

/**
 * A shard the Client-wide bound paused resumes, the total still over it,
 * once its own handlers are down to this (a quarter of its own bound, as
 * its own pause): below {@linkcode SPARED_HELD_CHARS}, so that one shard
 * is not paused and resumed for every event.
 */
export const SPARED_RESUME_HELD_CHARS = RESUME_HELD_EVENT_CHARS;

/** What {@linkcode HeldTotal} asks of each shard's slot. */
export interface HeldTotalMember {
  /** The total crossed a bound: pause or resume as it now allows. */
  check(): void;
}

/** The held text of every shard of one Client's run. */
export class HeldTotal {
  #chars = 0;
  /** The text of the huge events held (see {@linkcode HUGE_HELD_CHARS}). */
  #past = 0;
  readonly #members: HeldTotalMember[] = [];
  /** Past the bound since the last time at or under the resume point. */
  #over = false;
  /** {@linkcode HeldTotal.stillOver} was said in this episode. */
  #saidStillOver = false;
  /** The overshoot's pause of every shard was said in this episode. */
  #saidPast = false;

  /** The text held by every shard's handlers together. */
  get chars(): number {
    return this.#chars;
  }

  /** The text of the huge events the shards hold, all together. */
  get past(): number {
    return this.#past;
  }

  /** Tell `member` whenever the total crosses a bound. */
  join(member: HeldTotalMember): void {
    this.#members.push(member);
  }

  /**
   * Whether the Client-wide bound pauses a shard whose handlers hold
   * `held`, or keeps it paused (`paused`): over `bound`, unless the huge
   * events are under theirs and the shard holds little.
   *
   * @param held What the shard's handlers hold of events: the unsettled
   *   `atArrival` and route handler promises are left out, as they are of
   *   the total (pausing cannot settle one waiting for a click).
   * @param paused Whether the shard is paused already (it resumes lower).
   * @param bound The total above which it pauses: a quarter of
   *   {@linkcode MAX_CLIENT_HELD_CHARS} to resume, the whole past 45 s.
   */
  pauses(
    held: number,
    paused: boolean,
    bound: number = MAX_CLIENT_HELD_CHARS,
  ): boolean {
    if (this.#chars <= bound) return false;
    if (this.#past > MAX_CLIENT_OVERSHOOT_CHARS) return true;
    return held > (paused ? SPARED_RESUME_HELD_CHARS : SPARED_HELD_CHARS);
  }

  /**
   * `chars` more are held by `adder` (which checks itself after), of one
   * event. (What `atArrival` promises keep counts toward their shard's own
   * bound only: one that waits for a later event of its shard is set aside
   * at the 45 s resume, which the total could not follow.)
   */
  add(chars: number, adder: HeldTotalMember): void {
    const before = this.#chars;
    this.#chars += chars;
    const past = chars > HUGE_HELD_CHARS ? chars : 0;
    const pastBefore = this.#past;
    this.#past += past;
    const crossed = before <= MAX_CLIENT_HELD_CHARS &&
      this.#chars > MAX_CLIENT_HELD_CHARS;
    const pastCrossed = pastBefore <= MAX_CLIENT_OVERSHOOT_CHARS &&
      this.#past > MAX_CLIENT_OVERSHOOT_CHARS;
    if (!crossed && !pastCrossed) return;
    // Once an episode, and not for a Client of one shard (its own warning
    // says it all).
    const several = this.#members.length > 1;
    if (crossed && !this.#over && several) {
      visible.warn(
        "The handlers of all shards are {mib} MiB of events behind together; pausing each shard whose handlers hold over {spared} MiB until they catch up (Discord replays what it sent meanwhile)",
        { mib: mib(this.#chars), spared: mib(SPARED_HELD_CHARS) },
      );
    }
    if (pastCrossed && !this.#saidPast && several) {
      this.#saidPast = true;
      visible.warn(
        "Huge events (over {huge} MiB each) held add up to {mib} MiB; pausing every shard until they are handled (Discord replays what it sent meanwhile)",
        { mib: mib(this.#past), huge: mib(HUGE_HELD_CHARS) },
      );
    }
    this.#over ||= crossed;
    this.#checkAll(adder);
  }

  /**
   * A pause the total alone holds lasted `ms`: said once an episode, not
   * once per shard.
   */
  stillOver(ms: number): void {
    if (this.#saidStillOver || this.#members.length < 2) return;
    this.#saidStillOver = true;
    visible.warn(
      "The handlers of all shards are still {mib} MiB of events behind after {seconds} s paused (a handler that never finishes?); Discord ends a closed session after about 90 s, and the events it held are lost with it",
      { mib: mib(this.#chars), seconds: ms / 1000 },
    );
  }

  /**
   * The `chars` of one event `remover` held are handled (it checks itself
   * after).
   */
  remove(chars: number, remover: HeldTotalMember): void {
    const before = this.#chars;
    const after = (this.#chars -= chars);
    const past = chars > HUGE_HELD_CHARS ? chars : 0;
    const pastBefore = this.#past;
    this.#past -= past;
    const underResume = before > RESUME_CLIENT_HELD_CHARS &&
      after <= RESUME_CLIENT_HELD_CHARS;
    if (underResume) {
      this.#over = false;
      this.#saidStillOver = false;
      this.#saidPast = false;
    }
    if (
      underResume ||
      (before > MAX_CLIENT_HELD_CHARS && after <= MAX_CLIENT_HELD_CHARS) ||
      // The shards that hold little are spared again.
      (pastBefore > MAX_CLIENT_OVERSHOOT_CHARS &&
        this.#past <= MAX_CLIENT_OVERSHOOT_CHARS)
    ) {
      this.#checkAll(remover);
    }
  }

  #checkAll(except?: HeldTotalMember): void {
    for (const member of this.#members) {
      if (member !== except) member.check();
    }
  }
}
