/**
 * {@linkcode StatusLog}: status lines (shard ready, resumed, disconnected,
 * closed; guild joined, left) posted to a channel in batches, so a mass
 * reconnect of many shards costs one message every few seconds instead of
 * one per shard and never runs into rate limits: one message per interval
 * at most, the lines of a burst that fill several waiting their turn. Posts
 * mention no one (`allowed_mentions: { parse: [] }`): a guild's name is the
 * guild's text.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { ForwardClock } from "../base/forward_clock.ts";
import type { RestClient } from "../rest/rest_client.ts";
import {
  delay,
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";

const logger = getLogger(["disruption", "dispatch", "status"]);

/** Discord's limit on a message's content. */
const MAX_CONTENT = 2000;
/**
 * Room kept in every message for the note on dropped lines, which is only
 * known when the message goes out: at most 84 characters (a count of 16
 * digits) and its line break.
 */
const NOTE_ROOM = 100;
/** The most a message is packed with, lines included. */
const MAX_PACKED = MAX_CONTENT - NOTE_ROOM;
/**
 * Messages waiting to be posted at most: while REST is stalled (an outage,
 * a long rate limit) the oldest lines are dropped, and counted, rather than
 * held without bound.
 */
const MAX_WAITING = 20;

/** Batches lines and posts them to one channel. */
export class StatusLog {
  readonly #rest: RestClient;
  readonly #channelId: string;
  readonly #interval: number;
  #lines: string[] = [];
  readonly #scheduler: Scheduler;
  /**
   * The spacing's clock: on the wall clock, a step back held every post
   * for the size of the step (and dropped lines meanwhile).
   */
  readonly #clock: ForwardClock;
  #timer: TimerId | undefined;
  /** Messages ready to post, oldest first. */
  #waiting: string[] = [];
  /** Lines dropped since the last post that said so. */
  #dropped = 0;
  #posting: Promise<void> | undefined;
  /**
   * When the last post began, on `#clock` (the next waits an interval
   * from it).
   */
  #lastPost = -Infinity;
  /**
   * Posts failed in a row: the first is warned about, the rest only at
   * debug (a REST outage fails one every interval), and the first post
   * that works again says so.
   */
  #failures = 0;
  /** Closing: what is left goes out without waiting for its turn. */
  #closing = false;
  /** Cancels the wait for the next post's turn when closing. */
  readonly #hurry = new AbortController();
  /** Closed: lines are no longer taken, and the post in flight is aborted. */
  readonly #abort = new AbortController();

  /**
   * Create a log; nothing is posted until a line is added.
   *
   * @param rest The REST client that posts.
   * @param channelId The channel.
   * @param scheduler The clock the batching waits on.
   * @param interval Milliseconds lines are gathered before a post, and the
   * least between two posts.
   */
  constructor(
    rest: RestClient,
    channelId: string,
    scheduler: Scheduler,
    interval = 5_000,
  ) {
    this.#scheduler = scheduler;
    this.#clock = new ForwardClock(scheduler);
    this.#rest = rest;
    this.#channelId = channelId;
    this.#interval = interval;
  }

  /** Messages waiting to be posted (at most 20). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Add a line; it is posted with the others of the next few seconds.
   *
   * @param line The line.
   */
  add(line: string): void {
    if (this.#abort.signal.aborted) return;
    this.#lines.push(line.slice(0, MAX_PACKED));
    // A burst within one interval is capped like a backlog is.
    if (this.#lines.length > MAX_WAITING * 20) {
      this.#lines.shift();
      this.#dropped++;
    }
    this.#timer ??= this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#interval);
  }

  /**
   * Post what is gathered now.
   *
   * @returns When everything waiting is posted (failures are logged, not
   * thrown).
   */
  flush(): Promise<void> {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    const lines = this.#lines;
    this.#lines = [];
    // The last message waiting (none is in flight) takes more lines first.
    let current = this.#waiting.pop() ?? "";
    for (const line of lines) {
      if (current !== "" && current.length + 1 + line.length > MAX_PACKED) {
        this.#waiting.push(current);
        current = "";
      }
      current = current === "" ? line : `${current}\n${line}`;
    }
    if (current !== "") this.#waiting.push(current);
    this.#dropWaiting(MAX_WAITING);
    this.#posting ??= this.#post().finally(() => {
      this.#posting = undefined;
    });
    return this.#posting;
  }

  /** Drop the oldest waiting messages past `keep`, counting their lines. */
  #dropWaiting(keep: number): void {
    while (this.#waiting.length > keep) {
      this.#dropped += this.#waiting.shift()!.split("\n").length;
    }
  }

  /**
   * Post what is gathered, waiting at most `ms` milliseconds: what is not
   * posted by then is dropped (and logged), the post in flight aborted, and
   * no line is taken afterwards. For a shutdown, which a slow Discord would
   * otherwise hold for minutes (each post can take the REST timeout).
   *
   * @param ms The longest wait.
   * @returns When everything is posted, or dropped.
   */
  async close(ms: number): Promise<void> {
    // The last lines go out at once: the service is stopping.
    this.#closing = true;
    this.#hurry.abort();
    if (await settlesWithin(this.#scheduler, this.flush(), ms)) {
      this.#abort.abort();
      return;
    }
    this.#dropWaiting(0);
    const lines = this.#dropped;
    this.#dropped = 0;
    logger.warn(
      "Status log: Discord did not take the last posts within {ms} ms; the one in flight is aborted and {lines} waiting line(s) are dropped",
      { ms, lines },
    );
    this.#abort.abort(new Error("the status log closed"));
  }

  /**
   * Log a failed post: once per streak as a warning, as text (its stack
   * says nothing an operator can act on, and an outage repeated it every
   * interval), the streak's later failures at debug.
   */
  #failed(error: unknown): void {
    if (this.#failures++ === 0) {
      logger.warn(
        "Posting the status log failed: {reason}; its lines are counted as dropped, and further failures are logged at debug until a post works again",
        { reason: errorText(error) },
      );
    } else {
      logger.debug("Posting the status log failed again: {error}", { error });
    }
  }

  async #post(): Promise<void> {
    while (this.#waiting.length > 0 && !this.#abort.signal.aborted) {
      // One message per interval: a burst's messages wait their turn (and
      // gather the lines that come meanwhile) instead of going out at once.
      const turn = this.#lastPost + this.#interval;
      const wait = turn - this.#clock.now();
      if (wait > 0 && !this.#closing) {
        try {
          await delay(this.#scheduler, wait, this.#hurry.signal);
          // The timer measured the wait: a step back during it is no reason
          // to wait again.
          this.#clock.reached(turn);
        } catch {
          // Closing: the rest goes out now.
        }
        continue;
      }
      let content = this.#waiting.shift()!;
      const lines = content.split("\n").length;
      const dropped = this.#dropped;
      if (dropped > 0) {
        // Messages are packed with room for it: no line is cut.
        const note =
          `(${dropped} earlier status line(s) dropped: the log channel could not keep up)`;
        content = `${note}\n${content}`;
        this.#dropped = 0;
      }
      this.#lastPost = this.#clock.now();
      try {
        // No pings: a guild named "@everyone" or "<@&role>" is only text.
        await this.#rest.createMessage(this.#channelId, {
          content,
          allowed_mentions: { parse: [] },
        }, {
          signal: this.#abort.signal,
        });
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        // Counted, not put back: a post Discord refuses for good (no
        // access to the channel) would fail again at every turn, and
        // during an outage the newer lines matter more; the next post
        // that works says how many were lost.
        this.#dropped += dropped + lines;
        this.#failed(error);
        continue;
      }
      if (this.#failures > 0) {
        logger.info(
          "Posting the status log works again, after {failures} failed post(s)",
          { failures: this.#failures },
        );
        this.#failures = 0;
      }
    }
  }
}
