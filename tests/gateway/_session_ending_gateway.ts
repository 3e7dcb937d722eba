// A gateway on the fake transport that ends every session it starts: op 9
// (not resumable) a fixed time after each READY, and at once after a
// RESUME. Against it shards start new sessions all day, which is what the
// daily session start limit is there to cap. It counts the IDENTIFYs.
import type { Scheduler } from "../../base/scheduler.ts";
import type { Transport } from "../../gateway/transport.ts";
import { type FakeSocket, FakeTransport } from "../../testing/fake_socket.ts";

/** The transport to hand to the shards, and what went through it. */
export interface SessionEndingGateway {
  /** The transport. */
  readonly transport: Transport;
  /** IDENTIFYs received so far, all shards together. */
  identifies(): number;
}

/**
 * A gateway whose sessions each end `lifetimeMs` after their READY.
 *
 * @param scheduler The shards' clock, for the session's end.
 * @param lifetimeMs How long a session stays up.
 * @returns The gateway.
 */
export function sessionEndingGateway(
  scheduler: Scheduler,
  lifetimeMs: number,
): SessionEndingGateway {
  let identifies = 0;
  const fake = new FakeTransport({
    onConnect(socket: FakeSocket): void {
      // After the open, which the transport does on the next microtask.
      queueMicrotask(() =>
        queueMicrotask(() =>
          socket.receive({ op: 10, d: { heartbeat_interval: 41_250 } })
        )
      );
      socket.onSend = (data) => {
        const payload = JSON.parse(data) as { op: number };
        if (payload.op === 1) {
          queueMicrotask(() => socket.receive({ op: 11, d: null }));
        }
        if (payload.op === 6) {
          queueMicrotask(() => socket.receive({ op: 9, d: false }));
        }
        if (payload.op !== 2) return;
        identifies++;
        queueMicrotask(() => {
          socket.receive({
            op: 0,
            t: "READY",
            s: 1,
            d: {
              session_id: `session-${identifies}`,
              resume_gateway_url: "wss://gateway.invalid",
            },
          });
          scheduler.setTimeout(
            () => socket.receive({ op: 9, d: false }),
            lifetimeMs,
          );
        });
      };
    },
  });
  return { transport: fake.connect, identifies: () => identifies };
}
