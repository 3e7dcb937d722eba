// The event text the handlers of all of a Client's shards hold together,
// against a bound for them all. Each shard pauses past its own bound
// (MAX_HELD_EVENT_CHARS), but only after the frame that took it past: a
// hostile or broken gateway sending each shard one large frame that parses
// into far more heap than its text (60 MiB of `{},` is 1.35 GB of objects)
// would have the process hold one such frame per shard. Past this bound
// every shard pauses, those that hold nothing included, so the process
// holds about the bound and the frame that passed it (one or two such
// frames), whatever its number of shards.
import { getVisibleLogger } from "../base/visible_logger.ts";
import { MAX_HELD_EVENT_CHARS, mib } from "../gateway/event_backlog.ts";

/** Said without setup: every shard of the Client stops taking events. */
const visible = getVisibleLogger(["disruption", "handler"]);

/**
 * The frame text (UTF-16 code units) the handlers of all of a Client's
 * shards may hold unfinished before every shard pauses: four shards at
 * their own bound, so that a few slow shards alone do not stop the rest.
 */
export const MAX_CLIENT_HELD_CHARS = 4 * MAX_HELD_EVENT_CHARS;

/** Held text at which shards the Client-wide bound paused resume. */
export const RESUME_CLIENT_HELD_CHARS = MAX_CLIENT_HELD_CHARS / 4;

/** What {@linkcode HeldTotal} asks of each shard's slot. */
export interface HeldTotalMember {
  /** The total crossed a bound: pause or resume as it now allows. */
  check(): void;
}

/** The held text of every shard of one Client's run. */
export class HeldTotal {
  #chars = 0;
  readonly #members: HeldTotalMember[] = [];
  /** Past the bound since the last time at or under the resume point. */
  #over = false;
  /** {@linkcode HeldTotal.stillOver} was said in this episode. */
  #saidStillOver = false;

  /** The text held by every shard's handlers together. */
  get chars(): number {
    return this.#chars;
  }

  /** Tell `member` whenever the total crosses a bound. */
  join(member: HeldTotalMember): void {
    this.#members.push(member);
  }

  /** `chars` more are held, by `adder` (which checks itself after). */
  add(chars: number, adder: HeldTotalMember): void {
    const before = this.#chars;
    this.#chars += chars;
    if (
      before > MAX_CLIENT_HELD_CHARS || this.#chars <= MAX_CLIENT_HELD_CHARS
    ) {
      return;
    }
    // Once an episode, and not for a Client of one shard (its own warning
    // says it all).
    if (!this.#over && this.#members.length > 1) {
      visible.warn(
        "The handlers of all shards are {mib} MiB of events behind together; pausing every shard until they catch up (Discord replays what it sent meanwhile)",
        { mib: mib(this.#chars) },
      );
    }
    this.#over = true;
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

  /** `chars` held by `remover` are handled (it checks itself after). */
  remove(chars: number, remover: HeldTotalMember): void {
    const before = this.#chars;
    const after = (this.#chars -= chars);
    const underResume = before > RESUME_CLIENT_HELD_CHARS &&
      after <= RESUME_CLIENT_HELD_CHARS;
    if (underResume) {
      this.#over = false;
      this.#saidStillOver = false;
    }
    if (
      underResume ||
      (before > MAX_CLIENT_HELD_CHARS && after <= MAX_CLIENT_HELD_CHARS)
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
