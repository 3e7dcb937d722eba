/**
 * {@linkcode StatusLog}: status lines (shard ready, resumed, disconnected,
 * closed; guild joined, left) posted to a channel in batches, so a mass
 * reconnect of many shards costs one message every few seconds instead of
 * one per shard and never runs into rate limits.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { RestClient } from "../rest/rest_client.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";

const logger = getLogger(["disruption", "dispatch", "status"]);

/** Discord's limit on a message's content. */
const MAX_CONTENT = 2000;

/** Batches lines and posts them to one channel. */
export class StatusLog {
  readonly #rest: RestClient;
  readonly #channelId: string;
  readonly #interval: number;
  #lines: string[] = [];
  readonly #scheduler: Scheduler;
  #timer: TimerId | undefined;
  #posting: Promise<void> = Promise.resolve();

  /**
   * Create a log; nothing is posted until a line is added.
   *
   * @param rest The REST client that posts.
   * @param channelId The channel.
   * @param scheduler The clock the batching waits on.
   * @param interval Milliseconds lines are gathered before a post.
   */
  constructor(
    rest: RestClient,
    channelId: string,
    scheduler: Scheduler,
    interval = 5_000,
  ) {
    this.#scheduler = scheduler;
    this.#rest = rest;
    this.#channelId = channelId;
    this.#interval = interval;
  }

  /**
   * Add a line; it is posted with the others of the next few seconds.
   *
   * @param line The line.
   */
  add(line: string): void {
    this.#lines.push(line.slice(0, MAX_CONTENT));
    this.#timer ??= this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#interval);
  }

  /**
   * Post what is gathered now.
   *
   * @returns When it is posted (failures are logged, not thrown).
   */
  flush(): Promise<void> {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    const lines = this.#lines;
    this.#lines = [];
    const messages: string[] = [];
    let current = "";
    for (const line of lines) {
      if (current !== "" && current.length + 1 + line.length > MAX_CONTENT) {
        messages.push(current);
        current = "";
      }
      current = current === "" ? line : `${current}\n${line}`;
    }
    if (current !== "") messages.push(current);
    this.#posting = this.#posting.then(async () => {
      for (const content of messages) {
        try {
          await this.#rest.createMessage(this.#channelId, { content });
        } catch (error) {
          logger.warn("Posting the status log failed: {error}", { error });
        }
      }
    });
    return this.#posting;
  }
}
