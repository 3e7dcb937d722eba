/**
 * The retries a {@linkcode RateLimiter} keeps at the head of their lanes
 * while they wait: where a retry goes back in, and which lane of a bucket
 * goes next while those of a 429 that held back only the request it
 * answered (`aside`: a sublimit, a shared resource's limit) wait. Private
 * to the package.
 *
 * @module
 */
import type { Fifo } from "../base/fifo.ts";
import type { Bucket, Job, Lane } from "./_limiter_queue.ts";

/**
 * Put a retry back into its lane's queue in arrival order (`seq`): after
 * the older retries there, before every later job. Those older are only
 * retries (a lane's jobs leave in order), so few are moved.
 *
 * @param queue The lane's jobs.
 * @param job The retry.
 */
export function insertBySeq(queue: Fifo<Job>, job: Job): void {
  const older: Job[] = [];
  while (queue.length > 0 && queue.peek()!.seq < job.seq) {
    older.push(queue.shift()!);
  }
  queue.unshift(job);
  for (let i = older.length - 1; i >= 0; i--) queue.unshift(older[i]!);
}

/**
 * Whether a lane waits behind its head, a retry `aside` whose wait is not
 * over. Only that lane: at the head of the bucket such a retry held every
 * request of it for the whole wait (a rename's 429 of 8 s held the
 * channel's permission overwrites, the headers saying 7 of 10 were left).
 * Nor out of its lane: the lane's later requests were sent meanwhile, each
 * renaming into the sublimit for another 429, and the retry came after
 * them with an older body (a topic edit made after it undone).
 *
 * @param lane A lane with waiting jobs.
 * @param now The limiter's clock.
 * @returns `true` until the head's wait is over.
 */
function waitsAside(lane: Lane, now: number): boolean {
  const head = lane.queue.peek()!;
  return head.aside && head.notBefore > now;
}

/**
 * The lane whose head job came first, FIFO across a bucket's routes, those
 * that wait aside ({@linkcode waitsAside}) passed over.
 *
 * @param bucket A bucket with waiting jobs.
 * @param now The limiter's clock.
 * @returns The lane, or, when every lane waits aside, the time the first
 *   wait ends.
 */
export function headLane(bucket: Bucket, now: number): Lane | number {
  let head: Lane | undefined;
  let until = Infinity;
  for (const lane of bucket.lanes) {
    const job = lane.queue.peek()!;
    if (waitsAside(lane, now)) until = Math.min(until, job.notBefore);
    else if (head === undefined || job.seq < head.queue.peek()!.seq) {
      head = lane;
    }
  }
  return head ?? until;
}
