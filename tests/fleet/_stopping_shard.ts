// A shard as onStopped (shard_stops.ts), the old set's drain and a new
// shard's watch see it: its error, state and dispatch listeners, its id,
// status and session, and close().
import type { GatewayError } from "../../gateway/errors.ts";

/** A fake shard whose fatal errors and status changes a test emits. */
export class StoppingShard {
  readonly listeners = new Map<string, Set<(value: never) => void>>();
  status = "ready";
  sessionId: string | undefined = "session";
  sequence: number | undefined = 7;
  heartbeatInterval: number | undefined = 5_000;
  ackedHeartbeatAt: number | undefined;
  constructor(readonly id: number) {}
  on(type: string, listener: (value: never) => void): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    set.add(listener);
    return () => void set.delete(listener);
  }
  emit(type: "error" | "state" | "dispatch", value: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) {
      (listener as (value: unknown) => void)(value);
    }
  }
  /** A fatal close's error, as the shard emits it before `closed`. */
  fatal(message: string): GatewayError {
    const error = new Error(message) as GatewayError;
    this.emit("error", error);
    return error;
  }
  state(current: string): void {
    this.status = current;
    this.emit("state", { current });
  }
  close(): Promise<void> {
    if (this.status !== "closed") this.state("closed");
    return Promise.resolve();
  }
  /** How many listeners are still on. */
  listening(): number {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}
