// A saved session comes from a store that other programs may write (the
// Redis key is shared with twilight-dispatch): its resume URL must not take
// the RESUME, and the token in it, to a host outside the gateway's, and its
// session ID must be one READY could have sent. Both are checked by the
// gateway whatever the store.
import assert from "node:assert/strict";
import {
  readyFields,
  restoredResumeUrlProblem,
  resumeUrlProblem,
} from "../../gateway/payload_guards.ts";
import {
  assertSavedSession,
  isSavedSession,
  type SavedSession,
} from "../../gateway/saved_session.ts";
import type { SessionStore } from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil } from "../_fakes/run_until.ts";
import {
  createHarness,
  hello,
  ready,
  sentOps,
} from "../_fakes/shard_harness.ts";

const TOKEN = "MTIz.SECRET.TOKEN";
const NOW = 1_000_000;

/** A store that hands back what it was filled with, unchecked. */
class RawStore implements SessionStore {
  constructor(readonly sessions: unknown[]) {}
  load(): Promise<SavedSession | undefined> {
    return Promise.resolve(undefined);
  }
  loadAll(): Promise<SavedSession[]> {
    return Promise.resolve(this.sessions as SavedSession[]);
  }
  save(): Promise<void> {
    return Promise.resolve();
  }
  delete(): Promise<void> {
    return Promise.resolve();
  }
}

function saved(fields: Partial<SavedSession>): SavedSession {
  return {
    shardId: 0,
    shardCount: 1,
    sessionId: "abc",
    sequence: 5,
    savedAt: NOW,
    ...fields,
  };
}

interface Run {
  transport: FakeTransport;
  stderr: string[];
}

/**
 * Start a one-shard manager on `gatewayUrl` with `store`, play HELLO on its
 * first connection and return once the shard sent its first payload.
 */
async function startWith(
  gatewayUrl: string,
  store: SessionStore,
): Promise<Run> {
  const scheduler = new VirtualScheduler({ start: NOW });
  const transport = new FakeTransport();
  const manager = new ShardManager({
    token: TOKEN,
    intents: 1,
    shardCount: 1,
    gatewayUrl,
    transport: transport.connect,
    scheduler,
    sessionStore: store,
  });
  const stderr = await captureStderr(async () => {
    const started = manager.start();
    started.catch(() => {});
    await runUntil(scheduler, () => transport.last !== undefined);
    hello(transport.last!);
    await runUntil(
      scheduler,
      () => transport.last!.sentPayloads().length > 0,
    );
    await manager.close();
    await started.catch(() => {});
  });
  return { transport, stderr };
}

Deno.test("restoredResumeUrlProblem takes the gateway's own host, or Discord's domain for Discord's, only", async (t) => {
  const rows: [string, string, boolean][] = [
    // Discord's: the resume host is another one of discord.gg.
    ["wss://gateway.discord.gg", "wss://gateway-us-east1-b.discord.gg", true],
    ["wss://gateway.discord.gg/?v=10", "wss://gateway.discord.gg:8443/", true],
    ["wss://gateway.discord.gg", "wss://discord.gg", true],
    ["wss://gateway.discord.gg.", "wss://x.discord.gg", true],
    ["wss://discord.gg", "wss://gateway.discord.gg", true],
    ["wss://gateway.discord.gg", "wss://evil.gg", false],
    ["wss://gateway.discord.gg", "wss://discord.gg.evil.test", false],
    ["wss://gateway.discord.gg", "wss://xdiscord.gg", false],
    ["wss://gateway.discord.gg", "wss://162.159.135.232", false],
    // Another DNS host (a proxy of the bot's): that host only, any port;
    // not its parent domain, which may be a hosting platform's.
    ["wss://gw.example.co.uk", "wss://gw.example.co.uk:8443", true],
    ["wss://gw.example.co.uk", "wss://r.gw.example.co.uk", true],
    ["wss://gw.example.co.uk", "wss://xgw.example.co.uk", false],
    ["wss://gw.example.co.uk", "wss://resume.example.co.uk", false],
    ["wss://gw.example.co.uk", "wss://evil.co.uk", false],
    ["wss://mybot-proxy.fly.dev", "wss://evil-app.fly.dev", false],
    ["wss://gw.herokuapp.com", "wss://attacker.herokuapp.com", false],
    // One machine: host and port.
    ["ws://127.0.0.1:6438", "ws://127.0.0.1:6438/resume", true],
    ["ws://127.0.0.1:6438", "ws://127.0.0.1:6439/", false],
    ["ws://0x7f.0.0.1:6438", "ws://127.0.0.1:6438", true],
    ["ws://127.0.0.1", "ws://127.0.0.1:80", true],
    ["ws://127.0.0.1:6438", "ws://127.0.0.2:6438", false],
    ["ws://localhost:1", "ws://localhost:2", false],
    ["ws://localhost:1", "ws://localhost:1/r", true],
    ["wss://[::1]", "wss://[::1]:443/", true],
    ["wss://[::1]", "wss://[::1]:444/", false],
    ["ws://gateway:8080", "ws://gateway:8080/r", true],
    ["ws://gateway:8080", "ws://other:8080", false],
    ["ws://gateway:8080", "ws://gateway:8081", false],
    // The scheme rule still applies first.
    ["wss://gateway.discord.gg", "ws://gateway-us-east1-b.discord.gg", false],
  ];
  for (const [gateway, resume, usable] of rows) {
    await t.step(`${resume} with ${gateway}`, () => {
      const problem = restoredResumeUrlProblem(resume, gateway);
      assert.equal(problem === undefined, usable, problem);
    });
  }
  // READY's URL comes from the gateway the token already went to: no host
  // rule for it.
  assert.equal(
    resumeUrlProblem("ws://127.0.0.1:6439/", "ws://127.0.0.1:6438"),
    undefined,
  );
});

Deno.test("ShardManager sends the RESUME of a stored session with a foreign resume host to the main URL", async () => {
  const { transport, stderr } = await startWith(
    "ws://127.0.0.1:6438",
    new RawStore([saved({ resumeUrl: "ws://127.0.0.1:6439/" })]),
  );
  assert.ok(transport.sockets.every((s) => new URL(s.url).port === "6438"));
  assert.deepEqual(transport.last!.sentPayloads()[0], {
    op: 6,
    d: { token: TOKEN, session_id: "abc", seq: 5 },
  });
  assert.ok(
    stderr.some((line) =>
      line.includes("ignores the resume URL") && line.includes("127.0.0.1")
    ),
    stderr.join("\n"),
  );
});

Deno.test("ShardManager resumes a stored session on a resume host of the gateway's domain", async () => {
  const resumeUrl = "wss://gateway-us-east1-b.discord.gg";
  const { transport, stderr } = await startWith(
    "wss://gateway.discord.gg",
    new RawStore([saved({ resumeUrl })]),
  );
  assert.equal(transport.sockets.length, 1);
  assert.equal(new URL(transport.last!.url).host, new URL(resumeUrl).host);
  assert.equal(transport.last!.sentPayloads()[0]?.op, 6);
  assert.deepEqual(stderr, []);
});

Deno.test("Shard keeps its own READY resume URL when its session is restored set back", async () => {
  const h = createHarness({ gatewayUrl: "ws://127.0.0.1:1" });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket(), 9, "s-1", "ws://127.0.0.1:2");
  await connected;
  await h.shard.close({ resumable: true });
  h.shard.restore({ ...h.shard.session!, sequence: 4 });
  assert.equal(h.shard.resumeUrl, "ws://127.0.0.1:2");
  // Another session's URL from elsewhere is held to the host rule.
  const stderr = await captureStderr(() =>
    h.shard.restore({ sessionId: "s-2", sequence: 4, resumeUrl: "ws://x:2" })
  );
  assert.equal(h.shard.resumeUrl, undefined);
  assert.equal(stderr.length, 1);
});

Deno.test("A stored session ID that READY would refuse is skipped: the shard identifies", async (t) => {
  const rows: [string, string][] = [
    ["10 KB", "x".repeat(10_240)],
    ["513 characters", "s".repeat(513)],
    ["a lone surrogate", "ab\ud800"],
  ];
  for (const [name, sessionId] of rows) {
    await t.step(name, async () => {
      assert.ok(!isSavedSession(saved({ sessionId })));
      assert.throws(
        () => assertSavedSession(saved({ sessionId })),
        /'sessionId' must be a string of 1 to 512 characters of well-formed UTF-16/,
      );
      assert.throws(() => readyFields({ session_id: sessionId }), TypeError);
      const { transport, stderr } = await startWith(
        "wss://gateway.discord.gg",
        new RawStore([saved({ sessionId })]),
      );
      assert.deepEqual(sentOps(transport.last!), [2]);
      assert.equal(transport.sockets.length, 1);
      assert.ok(
        stderr.some((line) => line.includes("not well-formed sessions")),
        stderr.join("\n"),
      );
      const h = createHarness();
      assert.throws(
        () => h.shard.restore({ sessionId, sequence: 1 }),
        /Cannot restore a session as 'sessionId' must be a string of 1 to 512/,
      );
    });
  }
  // The longest one READY takes is still resumed.
  const longest = "s".repeat(512);
  assert.ok(isSavedSession(saved({ sessionId: longest })));
  const { transport } = await startWith(
    "wss://gateway.discord.gg",
    new RawStore([saved({ sessionId: longest })]),
  );
  assert.deepEqual(sentOps(transport.last!), [6]);
});
