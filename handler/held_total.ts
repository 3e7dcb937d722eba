// The event text the handlers of all of a Client's shards hold together,
// against a bound for them all. Each shard pauses past its own bound
// (MAX_HELD_EVENT_CHARS), but only after the frame that took it past: a
// hostile or broken gateway sending each shard one large frame that parses
// into far more heap than its text (60 MiB of `{},` is 1.35 GB of objects)
// would have the process hold one such frame per shard. Past this bound the
// shards whose handlers hold much pause, and once the frames past shards'
// own bounds add up to the bound too every shard does, those that hold
// nothing included, so the process holds one or two such frames whatever
// its number of shards.
//
// A shard whose handlers hold little is spared while the frames past own
// bounds stay under it: the excess is then held by shards already paused
// (by their own bound, or by this one for holding much), which take no
// more, and shards whose handler never finishes never release it: pausing
// every shard until they did stopped the healthy ones for good (their
// sessions lost, start() never resolving). So each shard holds at most its
// own bound and the frame that passed it, and the frames past own bounds
// add up to at most MAX_CLIENT_OVERSHOOT_CHARS and one frame: whatever the
// shards' handlers do, the process holds at most shards x 16 Mi + 64 Mi
// characters and a frame or two.
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
 * The text past their own bound that the shards' handlers may hold all
 * together (the frames that took a shard past it) before the Client-wide
 * bound pauses every shard, none spared: one or two huge frames, never one
 * per shard.
 */
export const MAX_CLIENT_OVERSHOOT_CHARS = MAX_CLIENT_HELD_CHARS;

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
  /** The text each shard holds past its own bound, summed. */
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

  /** The text the shards hold past their own bound, all together. */
  get past(): number {
    return this.#past;
  }

  /** Tell `member` whenever the total crosses a bound. */
  join(member: HeldTotalMember): void {
    this.#members.push(member);
  }

  /**
   * Whether the Client-wide bound pauses a shard whose handlers hold
   * `held`, or keeps it paused (`paused`): over `bound`, unless the frames
   * past own bounds are under theirs and the shard holds little.
   *
   * @param held What the shard's handlers hold.
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
   * `chars` more are held, `past` of them past the own bound of `adder`
   * (which checks itself after).
   */
  add(chars: number, past: number, adder: HeldTotalMember): void {
    const before = this.#chars;
    this.#chars += chars;
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
        "Events past their shard's own bound add up to {mib} MiB (huge frames?); pausing every shard until they are handled (Discord replays what it sent meanwhile)",
        { mib: mib(this.#past) },
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
   * `chars` held by `remover` are handled, `past` of them past its own
   * bound (it checks itself after).
   */
  remove(chars: number, past: number, remover: HeldTotalMember): void {
    const before = this.#chars;
    const after = (this.#chars -= chars);
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
