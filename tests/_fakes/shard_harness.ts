// Private helpers for shard tests: a shard on a virtual clock over faked
// sockets, and a few lines that play Discord's side of the handshake.
import { Shard } from "../../gateway/shard.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import type { GatewayError } from "../../gateway/errors.ts";
import type { ShardOptions } from "../../gateway/shard_options.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import type { FakeSocket } from "../../testing/fake_socket.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

export const TOKEN = "harness-token.secret";
export const GATEWAY_URL = "wss://gateway.test";
export const RESUME_URL = "wss://resume.gateway.test";
export const INTERVAL = 41_250;
/**
 * MemoryIdentifyQueue's default spacing of one bucket's IDENTIFYs: Discord's
 * 5 s plus its margin.
 */
export const IDENTIFY_SPACING = 5_250;

export interface Harness {
  scheduler: VirtualScheduler;
  transport: FakeTransport;
  shard: Shard;
  dispatches: ShardDispatch[];
  errors: GatewayError[];
  states: ShardStatus[];
  /** The newest socket. */
  socket(): FakeSocket;
  /** Let queued microtasks (socket opening, promise chains) run. */
  settle(): Promise<void>;
}

export function createHarness(
  options: Partial<ShardOptions> & {
    autoOpen?: boolean;
    /** Record every dispatch (a listener that wants all events). */
    recordDispatches?: boolean;
  } = {},
): Harness {
  const scheduler = new VirtualScheduler();
  const { autoOpen, recordDispatches, ...shardOptions } = options;
  const transport = new FakeTransport({ autoOpen: autoOpen ?? true });
  const shard = new Shard({
    token: TOKEN,
    intents: 513,
    gatewayUrl: GATEWAY_URL,
    transport: transport.connect,
    scheduler,
    random: () => 0.5,
    ...shardOptions,
  });
  const dispatches: ShardDispatch[] = [];
  const errors: GatewayError[] = [];
  const states: ShardStatus[] = [];
  if (recordDispatches ?? true) {
    shard.on("dispatch", (event) => dispatches.push(event));
  }
  shard.on("error", (error) => errors.push(error));
  shard.on("state", (change) => states.push(change.current));
  return {
    scheduler,
    transport,
    shard,
    dispatches,
    errors,
    states,
    socket: () => transport.last!,
    settle: () => scheduler.flushMicrotasks(),
  };
}

export function hello(socket: FakeSocket, interval = INTERVAL): void {
  socket.receive({ op: 10, d: { heartbeat_interval: interval } });
}

export function ready(
  socket: FakeSocket,
  s = 1,
  sessionId = "session-1",
  resumeUrl = RESUME_URL,
): void {
  socket.receive({
    op: 0,
    s,
    t: "READY",
    d: {
      v: 10,
      session_id: sessionId,
      resume_gateway_url: resumeUrl,
      user: { id: "1", username: "bot" },
      guilds: [],
      application: { id: "1", flags: 0 },
    },
  });
}

export function dispatch(
  socket: FakeSocket,
  s: number,
  t = "MESSAGE_CREATE",
  d: unknown = { id: String(s) },
): void {
  socket.receive({ op: 0, s, t, d });
}

/**
 * Send MESSAGE_CREATEs of 1 MiB each, from sequence 2, until a slow
 * dispatch stream pauses the shard.
 *
 * @returns The sequence of the last one sent.
 */
export function sendUntilPaused(h: Harness): number {
  const content = "x".repeat(1024 * 1024);
  let s = 2;
  while (!h.shard.paused && s < 100) {
    dispatch(h.socket(), s++, "MESSAGE_CREATE", { content });
  }
  if (!h.shard.paused) throw new Error("the shard did not pause");
  return s - 1;
}

/** Connect and play HELLO + READY; returns once the shard is ready. */
export async function readyHarness(
  options: Parameters<typeof createHarness>[0] = {},
): Promise<Harness> {
  const harness = createHarness(options);
  const connected = harness.shard.connect();
  await harness.settle();
  hello(harness.socket());
  await harness.settle();
  ready(harness.socket());
  await connected;
  return harness;
}

/** The ops of the frames a socket sent, in order. */
export function sentOps(socket: FakeSocket): number[] {
  return socket.sentPayloads().map((payload) => payload.op);
}

/**
 * Like {@linkcode readyHarness}, but sockets open only when the test says so
 * (`socket().open()` or `refuse()`): for tests of failed connects.
 */
export async function readyManualHarness(
  options: Parameters<typeof createHarness>[0] = {},
): Promise<Harness> {
  const harness = createHarness({ ...options, autoOpen: false });
  const connected = harness.shard.connect();
  await harness.settle();
  harness.socket().open();
  hello(harness.socket());
  await harness.settle();
  ready(harness.socket());
  await connected;
  return harness;
}
