// Child of fake_gateway_closed_connections_test.ts (run with --expose-gc):
// opens connections on one FakeGateway and ends each (drop, server close,
// client close, op 7), then prints how many of their client listeners are
// still reachable after a full collection. Only the fake, kept alive here,
// could still reach them.
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const scheduler = new VirtualScheduler();
const gateway = new FakeGateway({ scheduler });
const listeners: WeakRef<object>[] = [];

async function round(index: number): Promise<void> {
  const listener = {
    onOpen: () => {},
    onMessage: () => {},
    onClose: () => {},
    onError: () => {},
  };
  listeners.push(new WeakRef(listener));
  const socket = gateway.transport(
    `${gateway.url}/?v=10&encoding=json`,
    listener,
  );
  await scheduler.flushMicrotasks();
  socket.send(JSON.stringify({
    op: 2,
    d: {
      token: "fake-token",
      intents: 513,
      properties: { os: "linux", browser: "test", device: "test" },
    },
  }));
  await scheduler.flushMicrotasks();
  switch (index % 4) {
    case 0:
      gateway.dropConnection();
      break;
    case 1:
      gateway.closeWith(4000, "gone");
      break;
    case 2:
      socket.close(1000);
      break;
    case 3:
      gateway.reconnect();
  }
  // Past op 7's close and the IDENTIFY window of the next round.
  await scheduler.advance(6_000);
}

for (let i = 0; i < 12; i++) await round(i);
await scheduler.flushMicrotasks();
// A WeakRef keeps its target alive until the current job ends, and the
// rounds ran in microtasks only: a task boundary lets them go.
await new Promise((resolve) => setTimeout(resolve, 0));
gc();
gc();
const reachable = listeners.filter((ref) => ref.deref() !== undefined).length;
await Deno.stdout.write(new TextEncoder().encode(`${reachable}\n`));
gateway.close();
