/**
 * A RESUME must come with the `v` and `encoding` of the connection that
 * identified (events/gateway.mdx, resuming); the fake answers op 9
 * `d:false` otherwise, and lets `compress` differ (`FakeGateway`'s list of
 * decisions where Discord documents nothing).
 */
import assert from "node:assert/strict";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewaySocket } from "../../gateway/transport.ts";

const TOKEN = "fake-token";
const PROPERTIES = { os: "linux", browser: "test", device: "test" };

// deno-lint-ignore no-explicit-any
type Payload = { op: number; d: any; t?: string | null };

interface Connection {
  socket: GatewaySocket;
  /** Text frames, parsed (compressed frames are left out). */
  payloads: Payload[];
}

function setup(): {
  gateway: FakeGateway;
  connect(url: string): Promise<Connection>;
  settle(): Promise<void>;
} {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler });
  const settle = () => scheduler.flushMicrotasks();
  return {
    gateway,
    settle,
    async connect(url: string): Promise<Connection> {
      const payloads: Payload[] = [];
      const socket = gateway.transport(url, {
        onOpen: () => {},
        onMessage: (data) => {
          if (typeof data === "string") payloads.push(JSON.parse(data));
        },
        onClose: () => {},
        onError: () => {},
      });
      await settle();
      return { socket, payloads };
    },
  };
}

/** Identify on `v=10&encoding=json`, then drop the socket (4000 keeps the session). */
async function identified(
  s: ReturnType<typeof setup>,
): Promise<string> {
  const first = await s.connect(`${s.gateway.url}/?v=10&encoding=json`);
  first.socket.send(JSON.stringify({
    op: 2,
    d: { token: TOKEN, intents: 513, properties: PROPERTIES },
  }));
  await s.settle();
  const ready = first.payloads.find((p) => p.t === "READY");
  assert.ok(ready, "no READY");
  first.socket.close(4000);
  await s.settle();
  return ready.d.session_id;
}

/** RESUME on the resume URL with `query`: the last text frame and the outcome. */
async function resume(
  s: ReturnType<typeof setup>,
  query: string,
  sessionId: string,
): Promise<{ last: Payload | undefined; outcome: string }> {
  const conn = await s.connect(`${s.gateway.resumeUrl}/?${query}`);
  conn.socket.send(JSON.stringify({
    op: 6,
    d: { token: TOKEN, session_id: sessionId, seq: 1 },
  }));
  await s.settle();
  const event = s.gateway.log.findLast((e) => e.type === "resume");
  assert.ok(event?.type === "resume");
  return { last: conn.payloads.at(-1), outcome: event.outcome };
}

Deno.test("FakeGateway answers a RESUME on another gateway version op 9 d:false and ends the session", async () => {
  const s = setup();
  const sessionId = await identified(s);
  const answer = await resume(s, "v=9&encoding=json", sessionId);
  assert.equal(answer.outcome, "invalid-session");
  assert.deepEqual([answer.last?.op, answer.last?.d], [9, false]);
  assert.equal(s.gateway.session(sessionId)?.state, "invalidated");
  // d:false meant it: the right version cannot resume it either.
  const again = await resume(s, "v=10&encoding=json", sessionId);
  assert.deepEqual([again.last?.op, again.last?.d], [9, false]);
  s.gateway.close();
});

Deno.test("FakeGateway resumes with the same version and encoding, spelt or not, and another compression", async () => {
  const s = setup();
  const sessionId = await identified(s);
  // `encoding` left out means JSON, the identifying connection's.
  const plain = await resume(s, "v=10", sessionId);
  assert.equal(plain.last?.t, "RESUMED");
  const zlib = await resume(
    s,
    "v=10&encoding=json&compress=zlib-stream",
    sessionId,
  );
  // Its frames are compressed; the log says how the RESUME went.
  assert.equal(zlib.outcome, "resumed");
  assert.equal(s.gateway.session(sessionId)?.state, "active");
  s.gateway.close();
});
