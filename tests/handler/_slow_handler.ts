// A Handler whose message calls each take a second of virtual time, for the
// tests of what a stop does with the calls still queued behind it.
import { Handler } from "../../handler/mod.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { MessageCreateDispatch } from "../../types/mod.ts";

/** How long each message's handler call takes, in virtual ms. */
export const HANDLER_MS = 1_000;

/** Handles each message in a second of virtual time, noting it after. */
export class Slow extends Handler {
  constructor(
    readonly clock: VirtualScheduler,
    readonly handled: string[],
  ) {
    super();
  }
  override async onMessageCreate(
    message: MessageCreateDispatch,
  ): Promise<void> {
    await new Promise<void>((r) => this.clock.setTimeout(r, HANDLER_MS));
    this.handled.push(message.content);
  }
}
