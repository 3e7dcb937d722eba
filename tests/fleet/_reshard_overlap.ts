// A ReshardOverlap on its own (no Redis is asked: its filters are only
// made), with the events whose filter it sets, for the tests of its rules.
import { LeaseTimes } from "../../fleet/lease_times.ts";
import { ReshardOverlap } from "../../fleet/reshard_overlap.ts";

/** The lease TTL of {@linkcode overlap}'s fleet. */
export const OVERLAP_TTL_MS = 15_000;

/** An overlap whose fleet flipped at `flippedAt`, and its events' filter. */
export function overlap(flippedAt: number): {
  overlap: ReshardOverlap;
  events: { filter: unknown };
} {
  const events = { filter: undefined as unknown };
  const overlap = new ReshardOverlap({
    redis: {} as never,
    prefix: "p",
    times: new LeaseTimes(OVERLAP_TTL_MS, 1_000),
    events: events as never,
    record: { flippedAt } as never,
    leaseNow: () => undefined,
  });
  return { overlap, events };
}
