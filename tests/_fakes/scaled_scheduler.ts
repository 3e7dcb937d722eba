// A clock for tests that span processes: the real clock, sped up by `scale`
// and counted from a shared `epoch`, so a test process and its subprocesses
// agree on the time while minutes of protocol time (5 s identify windows,
// 41 s heartbeats) pass in seconds. The virtual scheduler cannot cross a
// process boundary; this is the stand-in where one must.
import type { Scheduler, TimerId } from "../../base/scheduler.ts";

/** The real clock, `scale` times faster, counted from `epoch` (ms since the Unix epoch). */
export class ScaledScheduler implements Scheduler {
  readonly epoch: number;
  readonly scale: number;

  constructor(epoch: number, scale: number) {
    if (!(scale >= 1)) throw new RangeError(`scale must be >= 1: ${scale}`);
    this.epoch = epoch;
    this.scale = scale;
  }

  now(): number {
    return (Date.now() - this.epoch) * this.scale;
  }

  setTimeout(callback: () => void, delay: number): TimerId {
    return Number(setTimeout(callback, Math.max(0, delay) / this.scale));
  }

  clearTimeout(id: TimerId): void {
    clearTimeout(id);
  }
}
